/**
 * One agency's scan context and its requests: the time budget (every request cut to what is left,
 * cancelled when it ends), GETs whose failures become a ScanStop with a status and a Chinese reason,
 * the page cache, decoding, and the findings gathered on the way.
 */
import type { Finding } from '../../rules/finding.ts';
import type { ObjectStore } from '../../storage/port.ts';
import type { FetchStatus, SnapshotMeta } from '../../storage/records.ts';
import { loadSnapshotMetas } from '../../storage/snapshot.ts';
import { decodeBody } from '../../text/charset.ts';
import { looksLikeAntiBot } from '../anti-bot.ts';
import { classifyFetchError, userFacingError } from '../errors.ts';
import { getWithPageCache } from '../page-cache.ts';
import {
  FETCH_RULES,
  type ScanAgencyDeps,
  type ScanGetOptions,
  type ScannableAgency,
  type ScanResponse,
} from './types.ts';

/** A failure that ends an agency's scan with a given status and a Chinese reason. */
export class ScanStop extends Error {
  readonly status: FetchStatus;
  constructor(status: FetchStatus, message: string) {
    super(message);
    this.status = status;
  }
}

/** The page answered 404/410: it does not exist (any more) at that address. */
export class PageGone extends ScanStop {
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
export async function brokenAddress(context: AgencyContext, gone: PageGone, what: string): Promise<ScanStop> {
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
    // Refused by our own client: the host challenged another agency's request (anti-bot), so the home page
    // was never asked. Not "the whole site is down": we were blocked, and the address is unconfirmed.
    if (statusOf(error) === 'blocked') {
      return new ScanStop(
        'blocked',
        `${what}返回 HTTP ${gone.httpStatus}，但该网站已对本系统启用反爬虫验证，无法打开首页核实地址是否失效：${describeError(error)}`,
      );
    }
  }
  return new ScanStop(
    'unreachable',
    `网站整体无法访问：${what}返回 HTTP ${gone.httpStatus}，首页也无法打开（${home}）`,
  );
}

export const HTML_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';
export const DOCUMENT_ACCEPT =
  'application/pdf,application/msword,application/vnd.openxmlformats-officedocument.*,*/*;q=0.8';

export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  return headers[name] ?? headers[name.toLowerCase()];
}

/** The Chinese reason for an error (engine messages translated, see errors.ts userFacingError). */
export function describeError(error: unknown): string {
  if (error instanceof ScanStop) return error.message;
  return userFacingError(error).message;
}

/** Status for an error thrown while fetching: our own stops carry it, the client's errors are classified. */
export function statusOf(error: unknown): FetchStatus {
  if (error instanceof ScanStop) return error.status;
  try {
    return classifyFetchError(error);
  } catch {
    return 'unreachable';
  }
}

export interface AgencyContext {
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

export function budgetStop(context: AgencyContext): ScanStop {
  context.overBudget ??= new ScanStop(
    'unreachable',
    `超过本机关的抓取总时限（${Math.round(context.budgetMs / 1000)} 秒），已停止；已请求 ${context.pagesFetched} 个页面，网站响应过慢`,
  );
  context.cancel.abort();
  return context.overBudget;
}

/** Throws the budget stop once the agency's time is up (between steps that do not request). */
export function checkBudget(context: AgencyContext): void {
  if (context.overBudget) throw context.overBudget;
  if (context.deps.now().getTime() >= context.deadline) throw budgetStop(context);
}

/**
 * Runs one request within what is left of the agency's budget: the client's per-attempt timeout is cut
 * to the time left, and when the budget ends the call is cancelled (signal) and the agency stops.
 */
export async function withinBudget<T>(
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

export function addFinding(context: AgencyContext, finding: Finding): void {
  if (context.findings.some((f) => f.rule === finding.rule && f.message === finding.message)) return;
  context.findings.push(finding);
}

export async function loadPreviousMetas(
  store: ObjectStore,
  year: number,
  agencyId: string,
): Promise<Map<string, SnapshotMeta>> {
  const byUrl = new Map<string, SnapshotMeta>();
  for (const meta of await loadSnapshotMetas(store, year, agencyId)) {
    for (const url of [meta.url, ...(meta.seenUrls ?? [])]) {
      const known = byUrl.get(url);
      if (!known || (meta.lastSeenAt ?? meta.fetchedAt) > (known.lastSeenAt ?? known.fetchedAt)) byUrl.set(url, meta);
    }
  }
  return byUrl;
}

/** GET with status handling: 4xx/5xx and anti-bot challenges become ScanStop errors. */
export async function get(context: AgencyContext, url: string, options: ScanGetOptions): Promise<ScanResponse> {
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
export function requireBody(response: ScanResponse, url: string): ScanResponse {
  if (response.status === 304) throw new ScanStop('unreachable', `服务器返回 304 但没有可复用的存档内容：${url}`);
  return response;
}

/** GET through the page cache (page-cache.ts): validators sent, a 304 answered from the stored body. */
export async function getCached(
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

export async function getText(context: AgencyContext, url: string, referer?: string) {
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
