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
import type { AnyNode } from 'domhandler';
import { htmlShape } from './html-limits.ts';
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
  /**
   * Set when the page was read without a DOM (too deep or too big for one, see html-limits.ts), or
   * when a cap cut the links short: a Chinese note for the agency's findings.
   */
  limited?: string;
}

/** Links read from one list page at most (real columns show 15–100; "all on one page" lists a few thousand). */
export const MAX_LINKS_PER_PAGE = 5000;
/** Candidates collected per list walk at most. */
export const MAX_CANDIDATES = 20_000;
/** Characters of a link's text or its row's text read for the title and the row date. */
const MAX_ROW_CHARS = 400;
/** Nodes visited when reading one row's text (a row holding a whole page costs no more than this). */
const MAX_ROW_NODES = 200;

const DATE_IN_ROW = /((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/;
const NEXT_TEXT = /^(下一页|下页|后一页|>|›|»|＞)$/;
const SKIP_HREF = /^(javascript:|mailto:|tel:|#)/i;
const ARTICLE_URL = /\/(t\d{8}_|art\/\d{4}\/)|\.s?html?(\?|$)/;
const JS_DATA_MARKERS =
  /(\$\.(ajax|get|post|getJSON)|axios|fetch\(|XMLHttpRequest|_CONFIG|gkmlpt|new Vue|createApp|\/api\/)/;

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

/**
 * Text of a node, bounded: at most `MAX_ROW_CHARS` characters from at most `MAX_ROW_NODES` nodes, walked
 * with an explicit stack (no recursion: a deeply nested row cannot overflow the call stack). Each link
 * costs O(1) whatever the page holds, so a page of n links costs O(n) (cheerio's `.text()` on the row
 * re-read the whole row for every link: 16,000 links in one row took 45 s).
 */
function boundedText(node: AnyNode): string {
  let out = '';
  let visited = 0;
  const stack: AnyNode[] = [node];
  while (stack.length > 0 && visited < MAX_ROW_NODES && out.length < MAX_ROW_CHARS) {
    const current = stack.pop() as AnyNode;
    visited++;
    if (current.type === 'text') out += (current as unknown as { data: string }).data;
    else if (current.type === 'tag' || current.type === 'root') {
      const name = (current as unknown as { name?: string }).name;
      if (name === 'script' || name === 'style') continue;
      const children = (current as unknown as { children: AnyNode[] }).children;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as AnyNode);
    }
  }
  return out.slice(0, MAX_ROW_CHARS);
}

/** Links of an HTML fragment (the page, or a Hanweb record), with the date of the row each sits in. */
function collectLinks($: cheerio.CheerioAPI, base: string, max = MAX_LINKS_PER_PAGE): ReportCandidate[] {
  const links: ReportCandidate[] = [];
  const rowDates = new Map<AnyNode, string | undefined>();
  $('a[href]').each((_, element) => {
    if (links.length >= max) return false;
    const anchor = $(element);
    const url = absolute(anchor.attr('href'), base);
    if (!url) return;
    const text = squash(boundedText(element));
    const attrTitle = squash((anchor.attr('title') ?? '').slice(0, MAX_ROW_CHARS));
    // The title attribute holds the full title when the text is cut short ("…年度报…").
    const title = attrTitle.length >= text.replace(/[.…]+$/, '').length ? attrTitle || text : text;
    if (title.length < 4) return;
    // The row the link sits in (walked by hand: a selector here would be compiled once per link).
    let row = element.parent;
    for (let up = 0; row && up < 20 && !(row.type === 'tag' && ROW_TAGS.has(row.name)); up++) row = row.parent;
    const rowNode = (row && row.type === 'tag' && ROW_TAGS.has(row.name) ? row : element.parent) ?? element;
    let date = rowDates.get(rowNode);
    if (!rowDates.has(rowNode)) {
      date = rowDate(squash(boundedText(rowNode)));
      rowDates.set(rowNode, date);
    }
    links.push({ title, url, ...(date ? { listDate: date } : {}) });
  });
  return links;
}

const ENTITY = /&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos|nbsp);/gi;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, body: string) => {
    const lower = body.toLowerCase();
    if (lower in NAMED) return NAMED[lower] as string;
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function stripTags(fragment: string): string {
  return decodeEntities(fragment.replace(/<[^>]{0,2000}>/g, ' '));
}

function attribute(attrs: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  if (!match) return undefined;
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '');
}

/**
 * The DOM-free link scan for pages too deep or too big for a DOM (html-limits.ts): `<a …>` tags found
 * by a forward search, each link's text read up to its `</a>` within a bounded window, and the row
 * date from the text right after the link (or right before it). Linear in the page, capped in links.
 * Also returns the pagination links (page numbers, 下一页).
 */
function scanLinksWithoutDom(
  html: string,
  base: string,
  max: number,
): { links: ReportCandidate[]; pagers: string[]; truncated: boolean } {
  const links: ReportCandidate[] = [];
  const pagers: string[] = [];
  const open = /<a\s([^>]{0,2000})>/gi;
  let truncated = false;
  for (let match = open.exec(html); match; match = open.exec(html)) {
    if (links.length >= max) {
      truncated = true;
      break;
    }
    const attrs = match[1] as string;
    const start = open.lastIndex;
    const window = html.slice(start, start + 2000);
    const close = window.search(/<\/a\s*>/i);
    const inner = close >= 0 ? window.slice(0, close) : window.slice(0, MAX_ROW_CHARS);
    const url = absolute(attribute(attrs, 'href'), base);
    if (!url) continue;
    const text = squash(stripTags(inner)).slice(0, MAX_ROW_CHARS);
    if (NEXT_TEXT.test(text) || /^\d{1,3}$/.test(text) || text === '尾页' || text === '末页') {
      if (pagers.length < max) pagers.push(url);
      continue;
    }
    const attrTitle = squash(attribute(attrs, 'title') ?? '').slice(0, MAX_ROW_CHARS);
    const title = attrTitle.length >= text.replace(/[.…]+$/, '').length ? attrTitle || text : text;
    if (title.length < 4) continue;
    const afterEnd = start + (close >= 0 ? close : inner.length);
    const after = html.slice(afterEnd, afterEnd + 300);
    const nextLink = after.search(/<a\s/i);
    const date =
      rowDate(squash(stripTags(nextLink >= 0 ? after.slice(0, nextLink) : after))) ??
      rowDate(squash(stripTags(html.slice(Math.max(0, match.index - 200), match.index))));
    links.push({ title, url, ...(date ? { listDate: date } : {}) });
  }
  return { links, pagers, truncated };
}

/** `createPageHTML(count, current, "index", "html")` or with identifiers (`countPage`) resolved from `var x = n`. */
function trsPages(html: string, pageUrl: string, maxPages: number): string[] | null {
  const call = /createPageHTML\(\s*([\w$]+)\s*,\s*([\w$]+)\s*,\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']/.exec(html);
  if (!call) return null;
  const resolve = (token: string): number => {
    if (/^\d{1,12}$/.test(token)) return Number(token);
    const assigned = new RegExp(`(?:var|let|const)?\\s*${token.replace(/\$/g, '\\$')}\\s*=\\s*(\\d{1,12})`).exec(html);
    return assigned ? Number(assigned[1]) : 1;
  };
  // Capped BEFORE the loop: a page may declare createPageHTML(100000000, …) (6.45 GB of URLs before).
  const count = Math.min(Math.max(1, resolve(call[1] as string)), Math.max(1, maxPages));
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

/**
 * Case-insensitive forward search for `open`…`close` from `from` (regexes with lastIndex: no lower-cased
 * copy of a page that may be tens of megabytes).
 */
function between(source: string, open: RegExp, close: RegExp, from: number) {
  open.lastIndex = from;
  const start = open.exec(source);
  if (!start) return null;
  close.lastIndex = open.lastIndex;
  const end = close.exec(source);
  if (!end) return null;
  return { text: source.slice(open.lastIndex, end.index), next: close.lastIndex };
}

/**
 * The Hanweb datastore: records as CDATA fragments, and dataproxy.jsp URLs for the pages beyond.
 * Found with forward searches (lazy regexes over an unclosed `<record>` rescan the page per record),
 * records capped at the page's link cap.
 */
function hanwebList(html: string, pageUrl: string, maxPages: number): HanwebList | null {
  const store = between(html, /<datastore>/gi, /<\/datastore>/gi, 0);
  if (!store) return null;
  const body = store.text;
  const links: ReportCandidate[] = [];
  let records = 0;
  for (let at = 0; records < MAX_LINKS_PER_PAGE && links.length < MAX_LINKS_PER_PAGE; records++) {
    const record = between(body, /<record>/gi, /<\/record>/gi, at);
    if (!record) break;
    at = record.next;
    const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(record.text);
    if (!cdata) continue;
    const fragment = cdata[1] as string;
    if (!htmlShape(fragment).domSafe) continue;
    links.push(...collectLinks(loadHtml(fragment), pageUrl, MAX_LINKS_PER_PAGE - links.length));
  }
  const totalPages = Number(/<totalpage>\s*(\d{1,9})\s*<\/totalpage>/i.exec(html)?.[1] ?? 1);
  const proxyPages: string[] = [];
  const proxy = /["']([^"']{0,2000}\/module\/web\/jpage\/dataproxy\.jsp[^"']{0,2000})["']/i.exec(html);
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
  const fetchesData = JS_DATA_MARKERS.test(scripts) || /(vue|react|angular|axios)[^/]*\.js/i.test(scriptSrc);
  const template = /\{\{[^}]+\}\}|v-for=|ng-repeat=/.test(html);
  return fetchesData || template;
}

/**
 * Parses one list page. `pageUrl` must be the final URL after redirects. `maxPages` bounds the pages
 * this page may point to (the caller bounds the whole walk too). Every loop is capped before it
 * allocates: pager URLs at `maxPages`, links at MAX_LINKS_PER_PAGE. A page too deep or too big for a
 * DOM (html-limits.ts) is read by the DOM-free link scan instead, and says so in `limited`.
 */
export function parseListPage(html: string, pageUrl: string, maxPages = 20): ListPage {
  // The Hanweb datastore needs no DOM of the page (each record fragment is checked on its own).
  const hanweb = hanwebList(html, pageUrl, maxPages);
  if (hanweb) {
    const links = [...hanweb.links];
    return { links, morePages: hanweb.proxyPages, style: 'hanweb', jsRendered: false };
  }
  const shape = htmlShape(html);
  if (!shape.domSafe) return parseListPageWithoutDom(html, pageUrl, maxPages, shape);
  const $ = loadHtml(html);
  const links = collectLinks($, pageUrl);
  const articleLinks = links.filter((l) => l.listDate || ARTICLE_URL.test(l.url));
  const trs = trsPages(html, pageUrl, maxPages);
  let morePages: string[] = [];
  let style: ListPage['style'] = 'plain';
  if (trs) {
    style = 'trs';
    morePages = trs.slice(0, maxPages);
  } else {
    const seen = new Set<string>();
    $('a[href]').each((_, element) => {
      if (morePages.length >= maxPages) return false;
      const anchor = $(element);
      const text = squash(boundedText(element));
      if (!(NEXT_TEXT.test(text) || /^\d{1,3}$/.test(text) || text === '尾页' || text === '末页')) return;
      const url = absolute(anchor.attr('href'), pageUrl);
      if (url && url !== pageUrl && !seen.has(url)) {
        seen.add(url);
        morePages.push(url);
      }
    });
  }
  const pageLinks = new Set(morePages);
  return {
    links: links.filter((l) => !pageLinks.has(l.url)),
    morePages,
    style,
    jsRendered: looksJsRendered($, html, articleLinks.length),
    ...(links.length >= MAX_LINKS_PER_PAGE
      ? { limited: `列表页链接超过 ${MAX_LINKS_PER_PAGE} 个，只读取了前 ${MAX_LINKS_PER_PAGE} 个：${pageUrl}` }
      : {}),
  };
}

/** The DOM-free reading of a list page (see scanLinksWithoutDom). */
function parseListPageWithoutDom(
  html: string,
  pageUrl: string,
  maxPages: number,
  shape: ReturnType<typeof htmlShape>,
): ListPage {
  const scan = scanLinksWithoutDom(html, pageUrl, MAX_LINKS_PER_PAGE);
  const trs = trsPages(html, pageUrl, maxPages);
  const morePages = trs
    ? trs.slice(0, maxPages)
    : [...new Set(scan.pagers)].filter((url) => url !== pageUrl).slice(0, maxPages);
  const pageLinks = new Set(morePages);
  const links = scan.links.filter((l) => !pageLinks.has(l.url));
  const articleLinks = links.filter((l) => l.listDate || ARTICLE_URL.test(l.url)).length;
  const why = shape.tooDeep
    ? `标签嵌套超过 ${shape.depth - 1} 层`
    : `页面过大（${Math.round(shape.chars / 1_000_000)} 百万字符）`;
  return {
    links,
    morePages,
    style: trs ? 'trs' : 'plain',
    jsRendered:
      articleLinks === 0 && (JS_DATA_MARKERS.test(html) || /\{\{[^}]{1,200}\}\}|v-for=|ng-repeat=/.test(html)),
    limited: `列表页${why}，未按网页结构解析，改用简单链接扫描${scan.truncated ? `（只读取了前 ${MAX_LINKS_PER_PAGE} 个链接）` : ''}：${pageUrl}`,
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
  /** Chinese notes on pages read without a DOM or cut short by a cap (ListPage.limited, MAX_CANDIDATES). */
  limits: string[];
}

export interface DiscoverOptions {
  /** Pages visited per list URL at most (default 20). */
  maxPages?: number;
  /** Stop paging once this returns true for the candidates so far (e.g. the year's report was seen). */
  enough?: (candidates: ReportCandidate[]) => boolean;
  /** Errors that end the walk on any page (the agency's time budget), instead of being kept as page errors. */
  fatal?: (error: unknown) => boolean;
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
  const limits: string[] = [];
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
      if (pagesFetched === 0 || options.fatal?.(error)) throw error;
      pageErrors.push({ url, error });
      continue;
    }
    pagesFetched++;
    visited.add(page.url);
    const parsed = parseListPage(page.text, page.url, maxPages);
    if (pagesFetched === 1 && parsed.jsRendered) jsRendered = true;
    if (parsed.limited) limits.push(parsed.limited);
    for (const link of parsed.links) {
      if (candidates.length >= MAX_CANDIDATES) {
        limits.push(`候选链接超过 ${MAX_CANDIDATES} 个，其余未读取：${page.url}`);
        break;
      }
      candidates.push({ ...link, listUrl: page.url });
    }
    if (options.enough?.(candidates) || candidates.length >= MAX_CANDIDATES) break;
    // The queue never holds more than the pages still allowed (a page may list thousands of pagers).
    for (const next of parsed.morePages) {
      if (queue.length >= maxPages - pagesFetched) break;
      if (!visited.has(next) && !queue.includes(next)) queue.push(next);
    }
  }
  return { candidates, pagesFetched, jsRendered, pageErrors, limits };
}
