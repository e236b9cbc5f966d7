/**
 * robots.txt on `robots-parser` (RFC 9309 groups, `*` and `$`, longest match wins, Allow wins ties,
 * percent-encoding normalised). We add what the client needs around it: which group applied (for the
 * run record), the deciding rule as written (for the Chinese refusal), and Crawl-delay in milliseconds.
 */
import robotsParserModule from 'robots-parser';

// The package is CommonJS (`module.exports = function`) but its types declare an ES default export.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

/** Longest Crawl-delay we honour (a site's "Crawl-delay: 86400" must not stall the run for a day). */
export const MAX_CRAWL_DELAY_MS = 30_000;

export interface RobotsPolicy {
  /** Which group applied: our product token, '*', or none (everything allowed). */
  group: string | null;
  /** Crawl-delay of that group in ms (capped at MAX_CRAWL_DELAY_MS), or null when the group sets none. */
  crawlDelayMs: number | null;
  /** The deciding rule for a path (with query), as written in robots.txt; null when no rule matched. */
  decide(pathAndQuery: string): RobotsVerdict;
}

export interface RobotsVerdict {
  allowed: boolean;
  /** The deciding rule, e.g. "Disallow: /private/" (null when no rule matched). */
  rule: string | null;
}

/** robots-parser checks that a URL belongs to the file's origin; a fixed one lets us ask by path. */
const ORIGIN = 'http://robots.invalid';

/** The policy of a site that has no usable robots.txt: everything allowed, no delay. */
export const ALLOW_ALL: RobotsPolicy = {
  group: null,
  crawlDelayMs: null,
  decide: () => ({ allowed: true, rule: null }),
};

/** Parses robots.txt text for the given product token (e.g. 'nianbao-watch'). */
export function parseRobots(text: string, productToken: string): RobotsPolicy {
  const token = productToken.toLowerCase();
  const agents = new Set(
    [...text.matchAll(/^[ \t]*user-agent[ \t]*:[ \t]*([^#\r\n]*)/gim)].map((match) =>
      (match[1] ?? '').trim().toLowerCase().split('/')[0]?.trim(),
    ),
  );
  const group = agents.has(token) ? productToken : agents.has('*') ? '*' : null;
  if (group === null) return ALLOW_ALL;
  const robot = robotsParser(`${ORIGIN}/robots.txt`, text);
  const lines = text.split(/\r\n|\r|\n/);
  const delay = robot.getCrawlDelay(token);
  return {
    group,
    crawlDelayMs:
      typeof delay === 'number' && Number.isFinite(delay) && delay > 0
        ? Math.min(delay * 1000, MAX_CRAWL_DELAY_MS)
        : null,
    decide(pathAndQuery) {
      const path = pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`;
      if (path === '/robots.txt') return { allowed: true, rule: null };
      const url = `${ORIGIN}${path}`;
      const allowed = robot.isAllowed(url, token) !== false;
      const line = robot.getMatchingLineNumber(url, token);
      return { allowed, rule: line > 0 ? ruleText(lines[line - 1] ?? '') : null };
    },
  };
}

/** Whether a path (with query) may be fetched under a policy. */
export function robotsAllows(policy: RobotsPolicy, pathAndQuery: string): RobotsVerdict {
  return policy.decide(pathAndQuery || '/');
}

/** "disallow :  /x  # note" → "Disallow: /x". */
function ruleText(line: string): string {
  const bare = line.replace(/#.*$/, '');
  const colon = bare.indexOf(':');
  const field = bare.slice(0, colon).trim().toLowerCase();
  return `${field === 'allow' ? 'Allow' : 'Disallow'}: ${bare.slice(colon + 1).trim()}`;
}
