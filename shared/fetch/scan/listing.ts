/**
 * The agency's list pages: each fetched once per run (shared between the agencies of a county column),
 * walked for report candidates (discover.ts), list failures kept as findings.
 */
import { discoverCandidates } from '../discover.ts';
import { chooseCandidate, type ReportCandidate } from '../title-match.ts';
import { type AgencyContext, addFinding, brokenAddress, describeError, getText, PageGone } from './context.ts';
import { FETCH_RULES } from './types.ts';

/** List pages longer than this (characters) are not kept in the run's list cache once fetched. */
const LIST_CACHE_MAX_CHARS = 2_000_000;

/**
 * A list page, shared within a run: a county column lists dozens of agencies' reports, so each page
 * is fetched once per run (the promise is shared; failures are shared too, and stay per agency).
 */
async function fetchListPage(context: AgencyContext, url: string): Promise<{ url: string; text: string }> {
  const cache = context.deps.listCache;
  const key = `${context.agency.charset ?? ''} ${url}`;
  const cached = cache?.get(key);
  if (!cached) {
    const fetching = getText(context, url).then((page) => ({
      url: page.response.url,
      text: page.text,
      charset: page.charset,
      suspect: page.suspect,
    }));
    if (cache) {
      cache.set(key, fetching);
      // A page cancelled by this agency's budget is not a failure of the site: others fetch it afresh.
      // A huge page is not kept for the rest of the run (256 of them could hold gigabytes).
      fetching.then(
        (page) => {
          if (page.text.length > LIST_CACHE_MAX_CHARS && cache.get(key) === fetching) cache.delete(key);
        },
        (error) => {
          if (error === context.overBudget && cache.get(key) === fetching) cache.delete(key);
        },
      );
      if (cache.size > (context.deps.listCacheSize ?? 256)) cache.delete(cache.keys().next().value as string);
    }
    return fetching;
  }
  const page = await cached;
  if (page.suspect) {
    addFinding(context, {
      rule: FETCH_RULES.encodingSuspect,
      severity: 'warning',
      message: `页面按 ${page.charset} 解码后仍有乱码字符，编码可能有误：${page.url}`,
    });
  }
  return page;
}

/** Finds candidates on every list URL; the first list's failure is fatal only if every list fails. */
export async function discover(
  context: AgencyContext,
): Promise<{ candidates: ReportCandidate[]; jsRendered: boolean }> {
  const { agency, year } = context;
  const candidates: ReportCandidate[] = [];
  let jsRendered = false;
  let lastError: unknown = null;
  let listsAnswered = 0;
  let listsGone = 0;
  for (const listUrl of agency.listUrls) {
    // Whether a candidate qualifies depends on that candidate alone, so only the new page's are ranked
    // (ranking all of them after every page cost up to 0.5 s per page at the 20,000-candidate cap).
    let ranked = 0;
    const enough = (so: ReportCandidate[]) => {
      const fresh = so.slice(ranked);
      ranked = so.length;
      return chooseCandidate(fresh, year, agency.name).chosen !== null;
    };
    try {
      const found = await discoverCandidates(listUrl, (url) => fetchListPage(context, url), {
        maxPages: context.deps.maxListPages ?? 20,
        enough,
        fatal: (error) => error === context.overBudget,
      });
      listsAnswered++;
      for (const note of found.limits) {
        addFinding(context, { rule: FETCH_RULES.pageLimited, severity: 'info', message: note });
      }
      candidates.push(...found.candidates);
      jsRendered ||= found.jsRendered;
      for (const pageError of found.pageErrors) {
        addFinding(context, {
          rule: FETCH_RULES.listPageError,
          severity: 'info',
          message: `列表分页抓取失败：${pageError.url}（${describeError(pageError.error)}）`,
        });
      }
    } catch (error) {
      if (error === context.overBudget) throw error;
      lastError = error;
      if (error instanceof PageGone) listsGone++;
      if (agency.listUrls.length > 1) {
        addFinding(context, {
          rule: FETCH_RULES.listPageError,
          severity: 'info',
          message: `列表页抓取失败：${listUrl}（${describeError(error)}）`,
        });
      }
    }
  }
  if (listsAnswered === 0 && lastError !== null) {
    // Every list address is gone: a broken registry entry, or a site that is down as a whole.
    if (lastError instanceof PageGone && listsGone === agency.listUrls.length)
      throw await brokenAddress(context, lastError, '名录中的公开目录地址');
    throw lastError;
  }
  return { candidates, jsRendered };
}
