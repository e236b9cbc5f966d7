/**
 * Discovery on disclosure list pages (the 政府信息公开年报 column): the article links with their titles
 * and row dates, and the further pages of the list, whatever the CMS:
 *
 * - plain `<a>` lists (the `title` attribute wins over truncated link text), with 下一页 / page-number links;
 * - TRS WCM: `createPageHTML(count, current, "index", "html")` → index.html, index_1.html … index_{count-1}.html (0-based);
 * - Hanweb JCMS: `<script type="text/xml"><datastore><record><![CDATA[<li>…</li>]]></record>…<totalpage>`,
 *   further pages from `/module/web/jpage/dataproxy.jsp?page=N&…`;
 * - lists rendered by JavaScript (an empty shell) are detected, so they are reported as such and not as
 *   "no report".
 *
 * Relative links resolve against the FINAL URL of the page (after redirects).
 */
import * as cheerio from 'cheerio';
import type { ReportCandidate } from './title-match.ts';

export interface ListPage {
  /** Every article-like link on the page (title, absolute URL, row date). */
  links: ReportCandidate[];
  /** Further list pages to visit (absolute URLs, in order). */
  morePages: string[];
  /** Which list style was recognised. */
  style: 'plain' | 'trs' | 'hanweb';
  /** True when the page looks like a JavaScript shell whose list is filled in by script. */
  jsRendered: boolean;
}

const DATE_IN_ROW = /((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/;
const NEXT_TEXT = /^(下一页|下页|后一页|>|›|»|＞)$/;
const SKIP_HREF = /^(javascript:|mailto:|tel:|#)/i;

/**
 * Parses HTML with htmlparser2 (HTML mode) rather than parse5: several times faster, and forgiving
 * enough for list and article pages (the crawl benchmark spends most of its CPU here).
 */
export function loadHtml(html: string): cheerio.CheerioAPI {
  return cheerio.load(html, { xml: { xmlMode: false, decodeEntities: true } });
}

function absolute(href: string | undefined, base: string): string | null {
  if (!href) return null;
  const trimmed = href.trim();
  if (!trimmed || SKIP_HREF.test(trimmed)) return null;
  try {
    const url = new URL(trimmed, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

function rowDate(text: string): string | undefined {
  const match = DATE_IN_ROW.exec(text);
  if (!match) return undefined;
  return `${match[1]}-${String(match[2]).padStart(2, '0')}-${String(match[3]).padStart(2, '0')}`;
}

const ROW_TAGS = new Set(['li', 'tr', 'dd', 'p', 'div']);

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Links of an HTML fragment (the page, or a Hanweb record), with the date of the row each sits in. */
function collectLinks($: cheerio.CheerioAPI, base: string): ReportCandidate[] {
  const links: ReportCandidate[] = [];
  $('a[href]').each((_, element) => {
    const anchor = $(element);
    const url = absolute(anchor.attr('href'), base);
    if (!url) return;
    const text = squash(anchor.text());
    const attrTitle = squash(anchor.attr('title') ?? '');
    // The title attribute holds the full title when the text is cut short ("…年度报…").
    const title = attrTitle.length >= text.replace(/[.…]+$/, '').length ? attrTitle || text : text;
    if (title.length < 4) return;
    // The row the link sits in (walked by hand: a selector here would be compiled once per link).
    let row = element.parent;
    while (row && !(row.type === 'tag' && ROW_TAGS.has(row.name))) row = row.parent;
    const date = rowDate(squash($(row ?? element.parent ?? element).text()));
    links.push({ title, url, ...(date ? { listDate: date } : {}) });
  });
  return links;
}

/** `createPageHTML(count, current, "index", "html")` or with identifiers (`countPage`) resolved from `var x = n`. */
function trsPages(html: string, pageUrl: string): string[] | null {
  const call = /createPageHTML\(\s*([\w$]+)\s*,\s*([\w$]+)\s*,\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']/.exec(html);
  if (!call) return null;
  const resolve = (token: string): number => {
    if (/^\d+$/.test(token)) return Number(token);
    const assigned = new RegExp(`(?:var|let|const)?\\s*${token.replace(/\$/g, '\\$')}\\s*=\\s*(\\d+)`).exec(html);
    return assigned ? Number(assigned[1]) : 1;
  };
  const count = Math.max(1, resolve(call[1] as string));
  const prefix = call[3] as string;
  const ext = call[4] as string;
  const pages: string[] = [];
  for (let i = 0; i < count; i++) {
    const url = absolute(i === 0 ? `${prefix}.${ext}` : `${prefix}_${i}.${ext}`, pageUrl);
    if (url) pages.push(url);
  }
  return pages;
}

interface HanwebList {
  links: ReportCandidate[];
  totalPages: number;
  proxyPages: string[];
}

/** The Hanweb datastore: records as CDATA fragments, and dataproxy.jsp URLs for the pages beyond. */
function hanwebList(html: string, pageUrl: string, maxPages: number): HanwebList | null {
  const store = /<datastore>([\s\S]*?)<\/datastore>/i.exec(html);
  if (!store) return null;
  const body = store[1] as string;
  const links: ReportCandidate[] = [];
  for (const record of body.matchAll(/<record>\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*<\/record>/gi)) {
    links.push(...collectLinks(loadHtml(record[1] as string), pageUrl));
  }
  const totalPages = Number(/<totalpage>\s*(\d+)\s*<\/totalpage>/i.exec(html)?.[1] ?? 1);
  const proxyPages: string[] = [];
  const proxy = /["']([^"']*\/module\/web\/jpage\/dataproxy\.jsp[^"']*)["']/i.exec(html);
  if (proxy && totalPages > 1) {
    const base = absolute(proxy[1], pageUrl);
    if (base) {
      for (let page = 2; page <= Math.min(totalPages, maxPages); page++) {
        const url = new URL(base);
        url.searchParams.set('page', String(page));
        proxyPages.push(url.href);
      }
    }
  }
  return { links, totalPages, proxyPages };
}

/** Heuristic: a page with no list entries whose scripts fetch data or carry a template. */
function looksJsRendered($: cheerio.CheerioAPI, html: string, articleLinks: number): boolean {
  if (articleLinks > 0) return false;
  const scripts = $('script')
    .map((_, el) => $(el).html() ?? '')
    .get()
    .join('\n');
  const scriptSrc = $('script[src]')
    .map((_, el) => $(el).attr('src') ?? '')
    .get()
    .join(' ');
  const fetchesData =
    /(\$\.(ajax|get|post|getJSON)|axios|fetch\(|XMLHttpRequest|_CONFIG|gkmlpt|new Vue|createApp|\/api\/)/.test(
      scripts,
    ) || /(vue|react|angular|axios)[^/]*\.js/i.test(scriptSrc);
  const template = /\{\{[^}]+\}\}|v-for=|ng-repeat=/.test(html);
  return fetchesData || template;
}

/**
 * Parses one list page. `pageUrl` must be the final URL after redirects. `maxPages` bounds the pages
 * this page may point to (the caller bounds the whole walk too).
 */
export function parseListPage(html: string, pageUrl: string, maxPages = 20): ListPage {
  const $ = loadHtml(html);
  const hanweb = hanwebList(html, pageUrl, maxPages);
  if (hanweb) {
    const links = [...hanweb.links];
    return { links, morePages: hanweb.proxyPages, style: 'hanweb', jsRendered: false };
  }
  const links = collectLinks($, pageUrl);
  const articleLinks = links.filter((l) => l.listDate || /\/(t\d{8}_|art\/\d{4}\/)|\.s?html?(\?|$)/.test(l.url));
  const trs = trsPages(html, pageUrl);
  let morePages: string[] = [];
  let style: ListPage['style'] = 'plain';
  if (trs) {
    style = 'trs';
    morePages = trs.slice(0, maxPages);
  } else {
    const seen = new Set<string>();
    $('a[href]').each((_, element) => {
      const anchor = $(element);
      const text = squash(anchor.text());
      if (!(NEXT_TEXT.test(text) || /^\d{1,3}$/.test(text) || text === '尾页' || text === '末页')) return;
      const url = absolute(anchor.attr('href'), pageUrl);
      if (url && url !== pageUrl && !seen.has(url)) {
        seen.add(url);
        morePages.push(url);
      }
    });
    morePages = morePages.slice(0, maxPages);
  }
  const pageLinks = new Set(morePages);
  return {
    links: links.filter((l) => !pageLinks.has(l.url)),
    morePages,
    style,
    jsRendered: looksJsRendered($, html, articleLinks.length),
  };
}

/** Fetches one list page: final URL and decoded text. Throws on failure. */
export type FetchListPage = (url: string) => Promise<{ url: string; text: string }>;

export interface Discovery {
  candidates: ReportCandidate[];
  pagesFetched: number;
  /** The first page looked like a JavaScript shell (no list entries, scripts that load data). */
  jsRendered: boolean;
  /** Errors on pages after the first (the first page's error is thrown). */
  pageErrors: { url: string; error: unknown }[];
}

export interface DiscoverOptions {
  /** Pages visited per list URL at most (default 20). */
  maxPages?: number;
  /** Stop paging once this returns true for the candidates so far (e.g. the year's report was seen). */
  enough?: (candidates: ReportCandidate[]) => boolean;
}

/**
 * Walks a list from its first page: collects candidates from every page, follows pagination (bounded,
 * breadth-first, each URL once) and stops early when `enough` says so. The first page's fetch error is
 * thrown (the agency is unreachable/blocked); later pages' errors are kept and the walk goes on.
 */
export async function discoverCandidates(
  listUrl: string,
  fetchPage: FetchListPage,
  options: DiscoverOptions = {},
): Promise<Discovery> {
  const maxPages = options.maxPages ?? 20;
  const queue: string[] = [listUrl];
  const visited = new Set<string>();
  const candidates: ReportCandidate[] = [];
  const pageErrors: Discovery['pageErrors'] = [];
  let jsRendered = false;
  let pagesFetched = 0;
  while (queue.length > 0 && pagesFetched < maxPages) {
    const url = queue.shift() as string;
    if (visited.has(url)) continue;
    visited.add(url);
    let page: { url: string; text: string };
    try {
      page = await fetchPage(url);
    } catch (error) {
      if (pagesFetched === 0) throw error;
      pageErrors.push({ url, error });
      continue;
    }
    pagesFetched++;
    visited.add(page.url);
    const parsed = parseListPage(page.text, page.url, maxPages);
    if (pagesFetched === 1 && parsed.jsRendered) jsRendered = true;
    for (const link of parsed.links) candidates.push({ ...link, listUrl: page.url });
    if (options.enough?.(candidates)) break;
    for (const next of parsed.morePages) if (!visited.has(next) && !queue.includes(next)) queue.push(next);
  }
  return { candidates, pagesFetched, jsRendered, pageErrors };
}
