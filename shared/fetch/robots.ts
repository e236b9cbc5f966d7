/**
 * A small robots.txt parser (RFC 9309 subset): groups by User-agent, Allow/Disallow with `*` and `$`,
 * the longest match wins and Allow wins ties. Our group is the one naming `nianbao-watch`, else `*`.
 */

export interface RobotsRule {
  allow: boolean;
  pattern: string;
}

export interface RobotsPolicy {
  /** The rules of the group that applies to us (empty: everything allowed). */
  rules: RobotsRule[];
  /** Which group applied: our product token, '*', or none. */
  group: string | null;
}

export interface RobotsVerdict {
  allowed: boolean;
  /** The deciding rule, e.g. "Disallow: /private/" (null when no rule matched). */
  rule: string | null;
}

/** Parses robots.txt text for the given product token (lower-case, e.g. 'nianbao-watch'). */
export function parseRobots(text: string, productToken: string): RobotsPolicy {
  const token = productToken.toLowerCase();
  const groups: { agents: string[]; rules: RobotsRule[] }[] = [];
  let current: { agents: string[]; rules: RobotsRule[] } | null = null;
  let lastWasAgent = false;

  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (field === 'user-agent') {
      if (!current || !lastWasAgent) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
    } else if (field === 'allow' || field === 'disallow') {
      lastWasAgent = false;
      if (!current) continue; // rules before any User-agent line belong to no group
      if (value === '') continue; // "Disallow:" with nothing means allow everything
      current.rules.push({ allow: field === 'allow', pattern: value });
    } else {
      lastWasAgent = false; // sitemap, crawl-delay, …: ignored, but they end a User-agent run
    }
  }

  const ours = groups.filter((group) => group.agents.some((agent) => agent !== '*' && token.includes(agent)));
  if (ours.length > 0) return { rules: ours.flatMap((group) => group.rules), group: productToken };
  const star = groups.filter((group) => group.agents.includes('*'));
  if (star.length > 0) return { rules: star.flatMap((group) => group.rules), group: '*' };
  return { rules: [], group: null };
}

/** Whether a path (with query) may be fetched under a policy. */
export function robotsAllows(policy: RobotsPolicy, pathAndQuery: string): RobotsVerdict {
  const path = normalizePath(pathAndQuery || '/');
  if (path === '/robots.txt') return { allowed: true, rule: null };
  let best: RobotsRule | null = null;
  let bestLength = -1;
  for (const rule of policy.rules) {
    const pattern = normalizePath(rule.pattern);
    if (!patternMatches(pattern, path)) continue;
    const length = pattern.length;
    if (length > bestLength || (length === bestLength && rule.allow && best && !best.allow)) {
      best = rule;
      bestLength = length;
    }
  }
  if (!best) return { allowed: true, rule: null };
  return { allowed: best.allow, rule: `${best.allow ? 'Allow' : 'Disallow'}: ${best.pattern}` };
}

/** Percent-encodes what needs it and upper-cases escapes, so "/%e5" and "/年" compare equal. */
function normalizePath(value: string): string {
  let out = '';
  try {
    out = encodeURI(decodeURI(value));
  } catch {
    out = value;
  }
  return out.replace(/%[0-9a-f]{2}/gi, (hex) => hex.toUpperCase());
}

function patternMatches(pattern: string, path: string): boolean {
  const anchored = pattern.endsWith('$');
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const regex = body
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}${anchored ? '$' : ''}`).test(path);
}
