/**
 * One fetch run: for every agency of the registry, find the year's report and keep exactly what was
 * published (raw bytes + metadata in the store), then parse and validate what was stored.
 *
 * Per agency: the registry's `reportUrls[year]` when given, else each list URL → candidates (discover.ts)
 * → the chosen article (title-match.ts, article.ts) → its documents (the article HTML itself when the
 * report is inline, and each attachment). Every agency ends with a status — found / not-found /
 * unreachable / blocked — and the error kept; one agency's failure never stops the run.
 */
import { randomBytes } from 'node:crypto';
import type { Agency, Registry } from '../registry/agency.ts';

/**
 * What a scan reads of an agency: what a fetch job carries in its SQS message (functions/common/
 * fetch-jobs.ts), so a fetch worker needs no registry. Region, deadline, liaison are assessment facts.
 */
export type ScannableAgency = Pick<
  Agency,
  'id' | 'name' | 'level' | 'listUrls' | 'reportUrls' | 'charset' | 'respectRobots' | 'timeoutMs'
>;

import type { Finding } from '../rules/finding.ts';
import { keys } from '../storage/keys.ts';
import { getJson, type ObjectStore } from '../storage/port.ts';
import type { AgencyRunOutcome, FetchStatus, SnapshotMeta } from '../storage/records.ts';
import { putSnapshot } from '../storage/snapshot.ts';
import { looksLikeAntiBot } from './anti-bot.ts';
import {
  type ArticlePage,
  type AttachmentLink,
  detectDocumentType,
  isErrorPageInsteadOfFile,
  parseArticlePage,
} from './article.ts';
import { decodeBody } from './charset.ts';
import { discoverCandidates } from './discover.ts';
import { classifyFetchError, userFacingError } from './errors.ts';
import { htmlShape } from './html-limits.ts';
import type { GetOptions } from './http.ts';
import { getWithPageCache } from './page-cache.ts';
import { dateFromUrl, describeDisagreement, instantToBeijingIso, resolvePublishDate } from './publish-date.ts';
import { type InterruptedRun, markInterruptedRuns, type RunOwner, type RunRecord, RunRecorder } from './run-record.ts';
import { chooseCandidate, isAnnualReportTitle, type ReportCandidate } from './title-match.ts';

/** What the scan needs of an HTTP response (shared/fetch/http.ts provides it). */
export interface ScanResponse {
  url: string;
  /** What robots.txt said about the URL (the polite client reports it). */
  robots?: { allowed: boolean; rule: string | null; respected: boolean };
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  fetchedAt?: string;
  notModified?: boolean;
  redirects?: unknown;
}

/** Per-request options: the polite client's own (conditional GET, size cap, robots, timeout). */
export type ScanGetOptions = GetOptions;

/** The polite HTTP client (per-host queues, retries, address guard, robots) as the scan uses it. */
export interface ScanHttp {
  get(url: string, options?: ScanGetOptions): Promise<ScanResponse>;
  close?(): void;
}

/** The stable ids of fetch-level findings (Chinese messages; kept in the run manifest; described in fetch-rules.ts). */
export const FETCH_RULES = {
  encodingSuspect: 'fetch.encoding-suspect',
  jsRenderedList: 'fetch.js-rendered-list',
  dateDisagreement: 'fetch.date-disagreement',
  errorPage: 'fetch.error-page',
  antiBot: 'fetch.anti-bot',
  listPageError: 'fetch.list-page-error',
  attachmentError: 'fetch.attachment-error',
  noCandidate: 'fetch.no-candidate',
  severalCandidates: 'fetch.several-candidates',
  processError: 'fetch.process-error',
  pageLimited: 'fetch.page-limited',
  agencyBudget: 'fetch.agency-budget',
} as const;

/** List pages longer than this (characters) are not kept in the run's list cache once fetched. */
const LIST_CACHE_MAX_CHARS = 2_000_000;

/** Default total time for one agency across all its requests (list pages, article, attachments). */
export const DEFAULT_AGENCY_BUDGET_MS = 180_000;

/** An agency's outcome with the technical detail of its error (the engine's words, for operators). */
export interface ScanOutcome extends AgencyRunOutcome {
  errorDetail?: string;
}

export interface ScanAgencyDeps {
  http: ScanHttp;
  store: ObjectStore;
  now: () => Date;
  /** List pages walked per list URL at most (default 20). */
  maxListPages?: number;
  /** Attachments stored per article at most (default 6). */
  maxAttachments?: number;
  /** List pages shared between the agencies of one run (runScan provides it). */
  listCache?: Map<string, Promise<{ url: string; text: string; charset: string; suspect: boolean }>>;
  /** Most list pages kept in listCache (default 256, oldest dropped first). */
  listCacheSize?: number;
  /**
   * Total time for the agency across all its requests (default DEFAULT_AGENCY_BUDGET_MS). When it runs
   * out the request in flight is cancelled and the agency ends `unreachable` with a Chinese reason.
   */
  agencyBudgetMs?: number;
}

/** A failure that ends an agency's scan with a given status and a Chinese reason. */
class ScanStop extends Error {
  readonly status: FetchStatus;
  constructor(status: FetchStatus, message: string) {
    super(message);
    this.status = status;
  }
}

/** The page answered 404/410: it does not exist (any more) at that address. */
class PageGone extends ScanStop {
  readonly httpStatus: number;
  readonly url: string;
  constructor(httpStatus: number, url: string) {
    super('not-found', `页面不存在（HTTP ${httpStatus}）：${url}`);
    this.httpStatus = httpStatus;
    this.url = url;
  }
}

/**
 * A registry address (list or report URL) that answered 404/410. If the site's home page answers, the
 * address is broken (the registry needs updating); if the home page fails too, the whole site is down
 * or moving, which is an outage and says nothing about the agency.
 */
async function brokenAddress(context: AgencyContext, gone: PageGone, what: string): Promise<ScanStop> {
  let home: string;
  try {
    home = new URL('/', gone.url).href;
  } catch {
    return new ScanStop('address-broken', `${what}无效：${gone.url}`);
  }
  try {
    const response = await get(context, home, { accept: HTML_ACCEPT });
    if (response.status < 400)
      return new ScanStop('address-broken', `${what}返回 HTTP ${gone.httpStatus}（网站首页可以访问）：${gone.url}`);
  } catch (error) {
    if (error instanceof ScanStop && error.status === 'blocked') return error;
  }
  return new ScanStop(
    'unreachable',
    `网站整体无法访问：${what}返回 HTTP ${gone.httpStatus}，首页也无法打开（${home}）`,
  );
}

const HTML_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';
const DOCUMENT_ACCEPT = 'application/pdf,application/msword,application/vnd.openxmlformats-officedocument.*,*/*;q=0.8';

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  return headers[name] ?? headers[name.toLowerCase()];
}

/** The Chinese reason for an error (engine messages translated, see errors.ts userFacingError). */
function describeError(error: unknown): string {
  if (error instanceof ScanStop) return error.message;
  return userFacingError(error).message;
}

/** Status for an error thrown while fetching: our own stops carry it, the client's errors are classified. */
function statusOf(error: unknown): FetchStatus {
  if (error instanceof ScanStop) return error.status;
  try {
    return classifyFetchError(error);
  } catch {
    return 'unreachable';
  }
}

interface AgencyContext {
  agency: ScannableAgency;
  year: number;
  deps: ScanAgencyDeps;
  findings: Finding[];
  pagesFetched: number;
  /** Previous snapshot metas by URL (conditional GET and first-seen dates). */
  previous: Map<string, SnapshotMeta>;
  robots?: ScanResponse['robots'];
  /** When the agency's time budget ends (epoch ms of deps.now()), and the stop once it has. */
  deadline: number;
  budgetMs: number;
  overBudget: ScanStop | null;
  /** Cancels the request in flight when the budget ends. */
  cancel: AbortController;
}

function budgetStop(context: AgencyContext): ScanStop {
  context.overBudget ??= new ScanStop(
    'unreachable',
    `超过本机关的抓取总时限（${Math.round(context.budgetMs / 1000)} 秒），已停止；已请求 ${context.pagesFetched} 个页面，网站响应过慢`,
  );
  context.cancel.abort();
  return context.overBudget;
}

/** Throws the budget stop once the agency's time is up (between steps that do not request). */
function checkBudget(context: AgencyContext): void {
  if (context.overBudget) throw context.overBudget;
  if (context.deps.now().getTime() >= context.deadline) throw budgetStop(context);
}

/**
 * Runs one request within what is left of the agency's budget: the client's per-attempt timeout is cut
 * to the time left, and when the budget ends the call is cancelled (signal) and the agency stops.
 */
async function withinBudget<T>(
  context: AgencyContext,
  call: (signal: AbortSignal, leftMs: number) => Promise<T>,
): Promise<T> {
  checkBudget(context);
  const left = context.deadline - context.deps.now().getTime();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(budgetStop(context)), Math.max(0, left));
  });
  const pending = call(context.cancel.signal, left);
  pending.catch(() => {}); // settled after a budget stop: nobody waits for it any more
  try {
    return await Promise.race([pending, expired]);
  } catch (error) {
    // Once the budget ended, the cancelled call's own error (CancelledError) is the budget stop.
    throw context.overBudget ?? error;
  } finally {
    clearTimeout(timer);
  }
}

function addFinding(context: AgencyContext, finding: Finding): void {
  if (context.findings.some((f) => f.rule === finding.rule && f.message === finding.message)) return;
  context.findings.push(finding);
}

async function loadPreviousMetas(
  store: ObjectStore,
  year: number,
  agencyId: string,
): Promise<Map<string, SnapshotMeta>> {
  const byUrl = new Map<string, SnapshotMeta>();
  const metaKeys = (await store.list(keys.rawAgencyPrefix(year, agencyId))).filter((k) => k.endsWith('.meta.json'));
  for (const key of metaKeys) {
    const meta = await getJson<SnapshotMeta>(store, key);
    if (!meta) continue;
    for (const url of [meta.url, ...(meta.seenUrls ?? [])]) {
      const known = byUrl.get(url);
      if (!known || (meta.lastSeenAt ?? meta.fetchedAt) > (known.lastSeenAt ?? known.fetchedAt)) byUrl.set(url, meta);
    }
  }
  return byUrl;
}

/** GET with status handling: 4xx/5xx and anti-bot challenges become ScanStop errors. */
async function get(context: AgencyContext, url: string, options: ScanGetOptions): Promise<ScanResponse> {
  const { agency } = context;
  const response = await withinBudget(context, (signal, leftMs) =>
    context.deps.http.get(url, {
      ...options,
      signal,
      ...(agency.timeoutMs ? { timeoutMs: Math.max(1, Math.min(agency.timeoutMs, leftMs)) } : {}),
      ...(agency.respectRobots !== undefined ? { respectRobots: agency.respectRobots } : {}),
    }),
  );
  context.pagesFetched++;
  if (!context.robots && response.robots) context.robots = response.robots;
  if (response.notModified || response.status === 304) return response;
  const status = response.status;
  // The polite client already refuses challenge pages; a ScanHttp that does not (tests, other
  // clients) gets the same verdict from the one detector (anti-bot.ts).
  const marker = looksLikeAntiBot(response);
  if (marker) {
    addFinding(context, {
      rule: FETCH_RULES.antiBot,
      severity: 'warning',
      message: `网站返回反爬虫验证页面（HTTP ${status}，${marker}），普通客户端无法通过，已记为被拦截（${response.url}）`,
    });
    throw new ScanStop('blocked', `反爬虫验证（HTTP ${status}，${marker}）：${response.url}`);
  }
  if (status >= 400) {
    if (status === 404 || status === 410) throw new PageGone(status, response.url);
    // A plain 403 (no challenge marker) is the server refusing the page, not an anti-bot wall.
    throw new ScanStop('unreachable', `HTTP ${status}${status === 403 ? '（拒绝访问）' : ''}：${response.url}`);
  }
  return response;
}

/** A 304 that the cache could not answer (nothing stored to reuse) is not a page: stop the agency. */
function requireBody(response: ScanResponse, url: string): ScanResponse {
  if (response.status === 304) throw new ScanStop('unreachable', `服务器返回 304 但没有可复用的存档内容：${url}`);
  return response;
}

/** GET through the page cache (page-cache.ts): validators sent, a 304 answered from the stored body. */
async function getCached(
  context: AgencyContext,
  url: string,
  options: ScanGetOptions,
  cacheable?: (response: ScanResponse) => boolean,
): Promise<ScanResponse> {
  const { response } = await getWithPageCache(
    context.deps.store,
    url,
    (validators) => get(context, url, { ...options, ...validators }),
    { now: context.deps.now, ...(cacheable ? { cacheable } : {}) },
  );
  return requireBody(response, url);
}

async function getText(context: AgencyContext, url: string, referer?: string) {
  const response = await getCached(context, url, { accept: HTML_ACCEPT, ...(referer ? { referer } : {}) });
  const decoded = decodeBody(response.body, headerValue(response.headers, 'content-type'), context.agency.charset);
  if (decoded.suspect) {
    addFinding(context, {
      rule: FETCH_RULES.encodingSuspect,
      severity: 'warning',
      message: `页面按 ${decoded.charset} 解码后仍有乱码字符，编码可能有误：${response.url}`,
    });
  }
  return { response, text: decoded.text, charset: decoded.charset, suspect: decoded.suspect };
}

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
async function discover(context: AgencyContext): Promise<{ candidates: ReportCandidate[]; jsRendered: boolean }> {
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

interface StoredDocument {
  key: string;
  created: boolean;
}

interface ArticleContext {
  pageUrl: string;
  title: string | null;
  candidate: ReportCandidate | null;
  chosenBecause: string;
  article: ArticlePage | null;
  lastModified?: string;
}

/** Publish date of a fetched document from every source; a disagreement between sources is a finding. */
function resolveDates(context: AgencyContext, response: ScanResponse, fetchedAt: string, info: ArticleContext) {
  const previous = context.previous.get(response.url);
  const article = info.article;
  const header = article?.headerTable ?? {};
  const dates = resolvePublishDate({
    headerTable: header.发布日期 ?? header.公开日期 ?? null,
    metaPubDate: article?.metas.pubdate ?? null,
    listRow: info.candidate?.listDate ?? null,
    pageText: article?.pageTextDate ?? null,
    url: dateFromUrl(info.pageUrl) ?? dateFromUrl(response.url),
    lastModified: info.lastModified ?? headerValue(response.headers, 'last-modified') ?? null,
    firstSeen: previous?.firstSeenAt ?? instantToBeijingIso(new Date(fetchedAt)),
    extra: [
      ...(header.成文日期 ? [{ source: '成文日期', value: header.成文日期 }] : []),
      ...(header.生成日期 ? [{ source: '生成日期', value: header.生成日期 }] : []),
    ],
  });
  if (dates.disagreement) {
    addFinding(context, { rule: FETCH_RULES.dateDisagreement, severity: 'info', message: describeDisagreement(dates) });
  }
  return dates;
}

/** Stores one fetched document with its metadata. */
async function storeDocument(
  context: AgencyContext,
  response: ScanResponse,
  ext: string,
  charset: string | null,
  info: ArticleContext,
): Promise<StoredDocument> {
  const { agency, year, deps } = context;
  const fetchedAt = response.fetchedAt ?? deps.now().toISOString();
  const dates = resolveDates(context, response, fetchedAt, info);
  const put = await putSnapshot(deps.store, {
    year,
    agencyId: agency.id,
    bytes: response.body,
    ext,
    meta: {
      url: response.url,
      pageUrl: info.pageUrl,
      title: info.title,
      fetchedAt,
      publishDate: dates.publishDate,
      publishDateSource: dates.source,
      otherDates: dates.otherDates,
      contentType: headerValue(response.headers, 'content-type') ?? null,
      charset,
      chosenBecause: info.chosenBecause,
      headers: response.headers,
      agencyLevel: agency.level,
    },
  });
  return { key: put.key, created: put.created };
}

/**
 * Fetches a document or article page. Seen before as a snapshot: conditional GET with the snapshot's
 * validators, a 304 re-confirms the stored snapshot (or, if its bytes are gone, the page is fetched
 * again unconditionally). Otherwise, with `pageCache`, through the page cache (article pages whose
 * report is an attachment are never archived, so only the cache remembers them); HTML only is cached.
 */
async function fetchDocument(
  context: AgencyContext,
  url: string,
  accept: string,
  referer: string | undefined,
  options: { pageCache?: boolean } = {},
): Promise<{ response: ScanResponse; reused?: SnapshotMeta }> {
  const base: ScanGetOptions = { accept, ...(referer ? { referer } : {}) };
  const previous = context.previous.get(url);
  const etag = previous ? headerValue(previous.headers, 'etag') : undefined;
  const lastModified = previous ? headerValue(previous.headers, 'last-modified') : undefined;
  if (previous && (etag || lastModified)) {
    const response = await get(context, url, {
      ...base,
      ...(etag ? { ifNoneMatch: etag } : {}),
      ...(lastModified ? { ifModifiedSince: lastModified } : {}),
    });
    if (!(response.notModified || response.status === 304)) return { response };
    const bytes = await context.deps.store.get(previous.key);
    if (bytes)
      return { response: { ...response, status: 200, body: bytes, headers: previous.headers }, reused: previous };
    // The snapshot's bytes are gone from the store: a 304 has nothing to reuse, so ask for the body.
  } else if (options.pageCache) {
    const response = await getCached(context, url, base, (r) => {
      const type = detectDocumentType(
        r.body,
        headerValue(r.headers, 'content-type'),
        headerValue(r.headers, 'content-disposition'),
        r.url,
      );
      return type.kind === 'html';
    });
    return { response };
  }
  return { response: requireBody(await get(context, url, base), url) };
}

/**
 * Re-confirms a snapshot a 304 said is unchanged. Its stored metadata stays as first captured; the dates
 * are still resolved so an unchanged document raises the same findings on every run.
 */
async function storeReused(
  context: AgencyContext,
  reused: SnapshotMeta,
  response: ScanResponse,
  info: ArticleContext,
): Promise<StoredDocument> {
  resolveDates(context, response, response.fetchedAt ?? context.deps.now().toISOString(), info);
  const put = await putSnapshot(context.deps.store, {
    year: context.year,
    agencyId: context.agency.id,
    bytes: response.body,
    ext: reused.key.split('.').pop() ?? 'bin',
    meta: {
      ...reused,
      fetchedAt: response.fetchedAt ?? context.deps.now().toISOString(),
      agencyLevel: context.agency.level,
    },
  });
  return { key: put.key, created: put.created };
}

/** Fetches the chosen article (or direct report URL) and stores its report documents. */
async function collectDocuments(
  context: AgencyContext,
  url: string,
  info: Omit<ArticleContext, 'pageUrl' | 'article'>,
) {
  const stored: StoredDocument[] = [];
  const first = await fetchDocument(context, url, HTML_ACCEPT, info.candidate?.listUrl, { pageCache: true });
  const firstType = detectDocumentType(
    first.response.body,
    headerValue(first.response.headers, 'content-type'),
    headerValue(first.response.headers, 'content-disposition'),
    first.response.url,
  );
  // A direct link to a file (registry reportUrl, or a list linking straight to a PDF).
  if (firstType.kind !== 'html') {
    const articleContext: ArticleContext = { ...info, pageUrl: first.response.url, article: null };
    stored.push(
      first.reused
        ? await storeReused(context, first.reused, first.response, articleContext)
        : await storeDocument(context, first.response, firstType.ext, null, articleContext),
    );
    return stored;
  }

  const decoded = decodeBody(
    first.response.body,
    headerValue(first.response.headers, 'content-type'),
    context.agency.charset,
  );
  if (decoded.suspect) {
    addFinding(context, {
      rule: FETCH_RULES.encodingSuspect,
      severity: 'warning',
      message: `页面按 ${decoded.charset} 解码后仍有乱码字符，编码可能有误：${first.response.url}`,
    });
  }
  const shape = htmlShape(decoded.text);
  if (!shape.domSafe) {
    // Too deep or too big for a DOM: keep the page as the evidence, look for no attachments in it.
    addFinding(context, {
      rule: FETCH_RULES.pageLimited,
      severity: 'warning',
      message: `文章页${shape.tooDeep ? `标签嵌套超过 ${shape.depth - 1} 层` : '过大'}，未按网页结构解析（附件未查找），页面已存档：${first.response.url}`,
    });
    const pageOnly: ArticleContext = { ...info, pageUrl: first.response.url, article: null };
    stored.push(
      first.reused
        ? await storeReused(context, first.reused, first.response, pageOnly)
        : await storeDocument(context, first.response, 'html', decoded.charset, pageOnly),
    );
    return stored;
  }
  const article = parseArticlePage(decoded.text, first.response.url);
  const articleContext: ArticleContext = {
    ...info,
    pageUrl: first.response.url,
    title: info.title ?? article.title,
    article,
    lastModified: headerValue(first.response.headers, 'last-modified'),
  };
  const attachments = pickAttachments(article.attachments, context.deps.maxAttachments ?? 6);

  if (article.inlineReport || attachments.length === 0) {
    // The page is the report (or the only evidence there is: scanned images end as "needs OCR" in parsing).
    stored.push(
      first.reused
        ? await storeReused(context, first.reused, first.response, articleContext)
        : await storeDocument(context, first.response, 'html', decoded.charset, articleContext),
    );
  }
  let attachmentError: unknown = null;
  for (const attachment of attachments) {
    if (context.overBudget) break;
    try {
      const fetched = await fetchDocument(context, attachment.url, DOCUMENT_ACCEPT, first.response.url);
      if (fetched.reused) {
        stored.push(await storeReused(context, fetched.reused, fetched.response, articleContext));
        continue;
      }
      const type = detectDocumentType(
        fetched.response.body,
        headerValue(fetched.response.headers, 'content-type'),
        headerValue(fetched.response.headers, 'content-disposition'),
        fetched.response.url,
      );
      if (isErrorPageInsteadOfFile(type, fetched.response.body.byteLength, attachment.ext || 'file')) {
        addFinding(context, {
          rule: FETCH_RULES.errorPage,
          severity: 'warning',
          message: `附件链接返回的是网页而不是文件（可能是错误页）：${attachment.url}`,
        });
        continue;
      }
      stored.push(
        await storeDocument(context, fetched.response, type.ext, null, {
          ...articleContext,
          title: articleContext.title,
        }),
      );
    } catch (error) {
      attachmentError = error;
      addFinding(context, {
        rule: FETCH_RULES.attachmentError,
        severity: 'warning',
        message: `附件抓取失败：${attachment.url}（${describeError(error)}）`,
      });
    }
  }
  if (stored.length === 0) {
    if (attachmentError) throw attachmentError;
    // Every attachment was an error page: keep the article itself as evidence.
    stored.push(await storeDocument(context, first.response, 'html', decoded.charset, articleContext));
  }
  return stored;
}

/** The article page of the newest snapshot kept for the year (what an earlier run found), if any. */
function latestArchivedArticle(previous: Map<string, SnapshotMeta>, year: number): SnapshotMeta | undefined {
  let newest: SnapshotMeta | undefined;
  for (const meta of previous.values()) {
    if (meta.year !== year || !meta.pageUrl) continue;
    if (!newest || (meta.lastSeenAt ?? meta.fetchedAt) > (newest.lastSeenAt ?? newest.fetchedAt)) newest = meta;
  }
  return newest;
}

/**
 * The list answered but no longer shows a report an earlier run found: re-check the archived article
 * URL itself. Still there: the report is public (found). 404/410: it was taken down (the outcome keeps
 * the re-check as evidence). Anything else (timeout, 5xx, block) is a failure of ours: thrown on.
 */
async function recheckArchived(
  context: AgencyContext,
  archived: SnapshotMeta,
  outcome: (status: FetchStatus, snapshots: string[], error?: string) => AgencyRunOutcome,
): Promise<AgencyRunOutcome> {
  const at = context.deps.now().toISOString();
  try {
    const stored = await collectDocuments(context, archived.pageUrl, {
      title: archived.title,
      candidate: null,
      chosenBecause: '列表中已找不到此前找到的报告，按存档的原文地址重新访问仍可打开',
    });
    addFinding(context, {
      rule: FETCH_RULES.noCandidate,
      severity: 'info',
      message: `公开目录中已找不到该报告，但原文地址仍可访问：${archived.pageUrl}`,
    });
    const found = outcome(
      'found',
      stored.map((s) => s.key),
    );
    return { ...found, recheck: { url: archived.pageUrl, status: 200, at } };
  } catch (error) {
    if (!(error instanceof PageGone)) throw error;
    const gone = outcome(
      'not-found',
      [],
      `公开目录中已找不到此前找到的报告，原文地址返回 HTTP ${error.httpStatus}：${archived.pageUrl}`,
    );
    return { ...gone, recheck: { url: archived.pageUrl, status: error.httpStatus, at } };
  }
}

/** Report-like attachments first (by label), bounded; other office files only when nothing looks like the report. */
function pickAttachments(attachments: AttachmentLink[], max: number): AttachmentLink[] {
  const documents = attachments.filter((a) => a.ext !== '' || a.via !== 'a' || /download|downfile/i.test(a.url));
  const reportLike = documents.filter((a) => isAnnualReportTitle(a.label) || /年度报告|年报/.test(a.label));
  return (reportLike.length > 0 ? reportLike : documents).slice(0, max);
}

/**
 * Scans one agency for one year. Never throws: every failure becomes the outcome's status and error.
 */
export async function scanAgency(agency: ScannableAgency, year: number, deps: ScanAgencyDeps): Promise<ScanOutcome> {
  const budgetMs = Math.max(1, deps.agencyBudgetMs ?? DEFAULT_AGENCY_BUDGET_MS);
  const context: AgencyContext = {
    agency,
    year,
    deps,
    findings: [],
    pagesFetched: 0,
    previous: new Map(),
    deadline: deps.now().getTime() + budgetMs,
    budgetMs,
    overBudget: null,
    cancel: new AbortController(),
  };
  let evidence: Pick<AgencyRunOutcome, 'candidates' | 'chosenBecause'> = {};
  const outcome = (status: FetchStatus, snapshots: string[], error?: string, errorDetail?: string): ScanOutcome => ({
    agencyId: agency.id,
    year,
    status,
    snapshots,
    findings: context.findings,
    ...(error ? { error } : {}),
    ...(errorDetail ? { errorDetail } : {}),
    pagesFetched: context.pagesFetched,
    ...evidence,
    ...(context.robots ? { robots: context.robots } : {}),
  });
  try {
    context.previous = await loadPreviousMetas(deps.store, year, agency.id);
    const direct = agency.reportUrls?.[String(year)];
    if (direct) {
      evidence = { chosenBecause: `名录为${year}年指定了报告地址` };
      const stored = await collectDocuments(context, direct, {
        title: null,
        candidate: null,
        chosenBecause: `名录为${year}年指定了报告地址`,
      }).catch(async (error: unknown) => {
        throw error instanceof PageGone ? await brokenAddress(context, error, `名录为${year}年指定的报告地址`) : error;
      });
      return outcome(
        'found',
        stored.map((s) => s.key),
      );
    }
    if (agency.listUrls.length === 0) return outcome('not-found', [], '名录未给出信息公开年报栏目地址');

    const { candidates, jsRendered } = await discover(context);
    const choice = chooseCandidate(candidates, year, agency.name);
    evidence = {
      candidates: choice.ranked.slice(0, 20).map((c) => ({
        title: c.title,
        url: c.url,
        ...(c.listDate ? { listDate: c.listDate } : {}),
        year: c.year,
        score: c.score,
        chosen: c === choice.chosen,
      })),
      chosenBecause: choice.chosenBecause,
    };
    if (!choice.chosen) {
      if (jsRendered) {
        addFinding(context, {
          rule: FETCH_RULES.jsRenderedList,
          severity: 'warning',
          message: '列表页内容由 JavaScript 动态加载，普通抓取看不到文章列表；需要为该网站配置数据接口或报告地址',
        });
        return outcome('not-found', [], '列表由 JavaScript 渲染，无法读取（不代表未发布报告）');
      }
      addFinding(context, { rule: FETCH_RULES.noCandidate, severity: 'info', message: choice.chosenBecause });
      const archived = latestArchivedArticle(context.previous, year);
      if (archived) return await recheckArchived(context, archived, outcome);
      return outcome('not-found', [], choice.chosenBecause);
    }
    const sameYear = choice.ranked.filter((c) => c.year === year && !c.otherAgency);
    if (sameYear.length > 1) {
      addFinding(context, {
        rule: FETCH_RULES.severalCandidates,
        severity: 'info',
        message: `${choice.chosenBecause}（候选：${sameYear.map((c) => `“${c.title}”`).join('、')}）`,
      });
    }
    const stored = await collectDocuments(context, choice.chosen.url, {
      title: choice.chosen.title,
      candidate: choice.chosen,
      chosenBecause: choice.chosenBecause,
    });
    return outcome(
      'found',
      stored.map((s) => s.key),
    );
  } catch (error) {
    if (error instanceof ScanStop && error === context.overBudget) {
      addFinding(context, { rule: FETCH_RULES.agencyBudget, severity: 'warning', message: error.message });
    }
    const shown = error instanceof ScanStop ? { message: error.message } : userFacingError(error);
    return outcome(statusOf(error), [], shown.message, shown.detail);
  } finally {
    context.cancel.abort();
  }
}

export interface ScanProgress {
  done: number;
  total: number;
  agencyId: string;
  status: FetchStatus;
  counts: Record<FetchStatus, number>;
}

export interface RunScanOptions {
  registry: Registry;
  year: number;
  store: ObjectStore;
  /** The polite client; built from the registry (allowHosts, robots) when omitted. */
  http?: ScanHttp;
  /** Only these agencies (all when omitted or empty). */
  agencyIds?: string[];
  now: () => Date;
  /** Agencies in flight at once (default 16); the client keeps each host polite whatever this is. */
  concurrency?: number;
  onProgress?: (progress: ScanProgress) => void;
  /** Parse and validate every stored snapshot after fetching (default true). */
  process?: boolean;
  maxListPages?: number;
  /** Total time per agency across its requests (default DEFAULT_AGENCY_BUDGET_MS, 180 s). */
  agencyBudgetMs?: number;
  /** Called with each outcome as it completes (streaming consumers, benchmarks). */
  onOutcome?: (outcome: AgencyRunOutcome) => void;
  /** Who runs the scan (the CLI: host name and pid), so a later scan can tell this run died. */
  owner?: RunOwner;
  /** Whether a process of this machine is alive (marks dead `running` records as interrupted). */
  isAlive?: (pid: number) => boolean;
  /** How often the running record is rewritten (default 5 s). */
  heartbeatMs?: number;
  /** Told about earlier runs this scan found dead and marked interrupted (中断). */
  onInterrupted?: (runs: InterruptedRun[]) => void;
}

function runIdFor(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

function hostOf(agency: ScannableAgency, year: number): string {
  const url = agency.reportUrls?.[String(year)] ?? agency.listUrls[0] ?? '';
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/**
 * Scans every agency (or the chosen ones) for a year and writes the run manifest to `runs/{runId}.json`.
 * Agencies are scheduled host-aware: at most one agency per host is in flight while other hosts have
 * work waiting, so a global concurrency near the number of hosts keeps every host busy at its polite
 * pace. New snapshots are then parsed (processSnapshot) unless `process` is false.
 */
export async function runScan(options: RunScanOptions): Promise<RunRecord> {
  const { registry, year, store, now } = options;
  const startedAt = now();
  const runId = runIdFor(startedAt);
  const wanted = options.agencyIds && options.agencyIds.length > 0 ? new Set(options.agencyIds) : null;
  const agencies = registry.agencies.filter((a) => !wanted || wanted.has(a.id));
  const outcomes: AgencyRunOutcome[] = new Array(agencies.length);
  const doneSoFar = () => outcomes.filter((o): o is AgencyRunOutcome => o !== undefined);
  const notDoneSoFar = () => agencies.filter((_, index) => outcomes[index] === undefined).map((a) => a.id);

  // Earlier runs that died (kill -9, out of memory) are marked interrupted before this one starts.
  const interrupted = await markInterruptedRuns(store, {
    now,
    ...(options.owner ? { host: options.owner.host } : {}),
    ...(options.isAlive ? { isAlive: options.isAlive } : {}),
  });
  if (interrupted.length > 0) options.onInterrupted?.(interrupted);
  const recorder = new RunRecorder(store, keys.run(runId), {
    runId,
    year,
    state: 'running',
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    updatedAt: startedAt.toISOString(),
    ...(options.owner ? { owner: options.owner } : {}),
    agenciesTotal: agencies.length,
    outcomes: [],
    notDone: { agencyIds: agencies.map((a) => a.id), reason: '运行中，尚未处理' },
  });
  // The running record is written before anything is fetched: a run killed from here on leaves a trace.
  await recorder.finish({});
  const progress = (): Partial<RunRecord> => ({
    updatedAt: now().toISOString(),
    outcomes: doneSoFar(),
    notDone: { agencyIds: notDoneSoFar(), reason: '运行中，尚未处理' },
  });
  const heartbeatMs = options.heartbeatMs ?? 5000;
  recorder.beat(heartbeatMs, progress);
  // Outcomes also land in the record as they come (at most one write a second), not only on the beat.
  let lastWrite = now().getTime();
  const recordProgress = () => {
    if (now().getTime() - lastWrite < Math.min(1000, heartbeatMs)) return;
    lastWrite = now().getTime();
    void recorder.write(progress());
  };

  let http: ScanHttp | undefined;
  const ownClient = options.http === undefined;
  try {
    http = options.http ?? (await defaultClient(registry, options.concurrency));
    await scanAll(options, agencies, outcomes, http, now, recordProgress);
  } catch (error) {
    const shown = userFacingError(error);
    const notDone = notDoneSoFar();
    await recorder
      .finish({
        state: 'failed',
        finishedAt: now().toISOString(),
        updatedAt: now().toISOString(),
        outcomes: doneSoFar(),
        error: `运行失败：${shown.message}`,
        ...(shown.detail ? { errorDetail: shown.detail } : {}),
        notDone: { agencyIds: notDone, reason: `运行失败（${shown.message}），这些机关本次未处理` },
      })
      .catch(() => {}); // the store itself may be what failed: the original error says more
    throw new RunFailedError(`运行失败：${shown.message}`, runId, { cause: error });
  } finally {
    if (ownClient) http?.close?.();
  }
  const finishedAt = now().toISOString();
  await recorder.finish({ state: 'finished', finishedAt, updatedAt: finishedAt, outcomes, notDone: undefined });
  const { notDone: _none, ...record } = recorder.record;
  return record;
}

/** The run itself failed (not one agency): the Chinese reason, with the run whose record says so. */
export class RunFailedError extends Error {
  readonly runId: string;
  constructor(message: string, runId: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunFailedError';
    this.runId = runId;
  }
}

/** The host-aware worker pool of runScan: fills `outcomes` (by registry index) as agencies end. */
async function scanAll(
  options: RunScanOptions,
  agencies: Agency[],
  outcomes: AgencyRunOutcome[],
  http: ScanHttp,
  now: () => Date,
  onEach: () => void,
): Promise<void> {
  const { year, store } = options;
  const deps: ScanAgencyDeps = {
    http,
    store,
    now,
    listCache: new Map(),
    ...(options.maxListPages ? { maxListPages: options.maxListPages } : {}),
    ...(options.agencyBudgetMs ? { agencyBudgetMs: options.agencyBudgetMs } : {}),
  };
  const processing = options.process !== false;
  const { processSnapshot } = processing ? await import('../pipeline/process-snapshot.ts') : { processSnapshot: null };
  // Host-aware queue: one FIFO per host, taken round-robin, skipping hosts already busy.
  const queues = new Map<string, { agency: Agency; index: number }[]>();
  agencies.forEach((agency, index) => {
    const host = hostOf(agency, year);
    const queue = queues.get(host) ?? [];
    queue.push({ agency, index });
    queues.set(host, queue);
  });
  const busy = new Map<string, number>();
  const hostOrder = [...queues.keys()];
  let cursor = 0;
  const takeNext = (): { agency: Agency; index: number; host: string } | null => {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < hostOrder.length; i++) {
        const host = hostOrder[(cursor + i) % hostOrder.length] as string;
        const queue = queues.get(host);
        if (!queue || queue.length === 0) continue;
        if (pass === 0 && (busy.get(host) ?? 0) > 0) continue;
        cursor = (cursor + i + 1) % hostOrder.length;
        const next = queue.shift() as { agency: Agency; index: number };
        return { ...next, host };
      }
    }
    return null;
  };

  const counts: Record<FetchStatus, number> = {
    found: 0,
    'not-found': 0,
    unreachable: 0,
    blocked: 0,
    'address-broken': 0,
  };
  let done = 0;
  const worker = async () => {
    for (let next = takeNext(); next; next = takeNext()) {
      busy.set(next.host, (busy.get(next.host) ?? 0) + 1);
      let outcome: AgencyRunOutcome;
      try {
        outcome = await scanAgency(next.agency, year, deps);
        if (processSnapshot) {
          for (const rawKey of outcome.snapshots) {
            try {
              await processSnapshot(store, rawKey, { level: next.agency.level, now });
            } catch (error) {
              outcome.findings.push({
                rule: FETCH_RULES.processError,
                severity: 'warning',
                message: `解析存档文件失败：${rawKey}（${describeError(error)}）`,
              });
            }
          }
        }
      } catch (error) {
        outcome = {
          agencyId: next.agency.id,
          year,
          status: 'unreachable',
          snapshots: [],
          findings: [],
          error: describeError(error),
          pagesFetched: 0,
        };
      } finally {
        busy.set(next.host, (busy.get(next.host) ?? 1) - 1);
      }
      outcomes[next.index] = outcome;
      counts[outcome.status]++;
      done++;
      onEach();
      options.onOutcome?.(outcome);
      options.onProgress?.({
        done,
        total: agencies.length,
        agencyId: outcome.agencyId,
        status: outcome.status,
        counts,
      });
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? 16);
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, agencies.length)) }, worker));
}

async function defaultClient(registry: Registry, concurrency: number | undefined): Promise<ScanHttp> {
  const { createHttpClient } = await import('./http.ts');
  return createHttpClient({
    allowHosts: registry.allowHosts,
    respectRobots: registry.respectRobots,
    globalConcurrency: Math.max(16, concurrency ?? 16),
    ...(registry.contact ? { contact: registry.contact } : {}),
  });
}
