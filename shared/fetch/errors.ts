/**
 * Errors of the polite HTTP client. Messages are Chinese (they end up in run manifests and e-mails)
 * and always name the method and URL.
 */
import type { FetchedResponse } from './response.ts';

export class FetchError extends Error {
  readonly url: string;
  readonly method: string;
  /** The engine's own wording (code and message), kept for operators; never shown as the reason. */
  detail?: string;
  constructor(url: string, message: string, options?: { cause?: unknown; method?: string }) {
    const method = options?.method ?? 'GET';
    super(`${method} ${url} ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FetchError';
    this.url = url;
    this.method = method;
  }
}

/** The address (or scheme) is not one we may connect to: loopback, private, link-local, metadata… */
export class BlockedAddressError extends FetchError {
  readonly address: string | null;
  readonly reason: string;
  constructor(url: string, reason: string, address: string | null = null) {
    super(url, `被拒绝：${reason}${address ? `（${address}）` : ''}`);
    this.name = 'BlockedAddressError';
    this.address = address;
    this.reason = reason;
  }
}

export class RobotsDisallowedError extends FetchError {
  readonly robotsUrl: string;
  constructor(url: string, robotsUrl: string, rule: string | null) {
    super(url, `被 robots.txt 禁止抓取${rule ? `（规则：${rule}）` : ''}：${robotsUrl}`);
    this.name = 'RobotsDisallowedError';
    this.robotsUrl = robotsUrl;
  }
}

export class TimeoutError extends FetchError {
  readonly timeoutMs: number;
  constructor(url: string, timeoutMs: number) {
    super(url, `超时（${timeoutMs} 毫秒内未完成）`);
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** The caller cancelled the call (GetOptions.signal), e.g. the agency's time budget ran out. */
export class CancelledError extends FetchError {
  constructor(url: string) {
    super(url, '已取消（本机关的抓取时限已到）');
    this.name = 'CancelledError';
  }
}

export class NetworkError extends FetchError {
  /** The system error code, e.g. ECONNRESET, ECONNREFUSED, ENOTFOUND. */
  readonly code: string | null;
  /** `reason`: a Chinese reason from the caller; otherwise one is read from the cause's code (networkReason). */
  constructor(url: string, cause: unknown, reason?: string) {
    const code = errorCode(cause);
    super(url, `网络错误：${reason ?? networkReason(cause)}`, { cause });
    this.name = 'NetworkError';
    this.code = code;
    this.detail = technicalDetail(cause);
  }
}

/** A status that stays an error after retries (5xx, 429). 4xx answers are returned, not thrown. */
export class HttpStatusError extends FetchError {
  readonly status: number;
  readonly response: FetchedResponse | undefined;
  constructor(url: string, status: number, response?: FetchedResponse, attempts = 1) {
    super(url, `返回 HTTP ${status}${attempts > 1 ? `（已尝试 ${attempts} 次）` : ''}`);
    this.name = 'HttpStatusError';
    this.status = status;
    this.response = response;
  }
}

export class TooLargeError extends FetchError {
  readonly maxBytes: number;
  constructor(url: string, maxBytes: number, declared?: number) {
    super(url, `响应超过大小上限 ${maxBytes} 字节${declared !== undefined ? `（声明 ${declared} 字节）` : ''}`);
    this.name = 'TooLargeError';
    this.maxBytes = maxBytes;
  }
}

export class RedirectLoopError extends FetchError {
  readonly redirects: string[];
  constructor(url: string, redirects: string[]) {
    super(url, `重定向循环：${[...redirects, url].join(' → ')}`);
    this.name = 'RedirectLoopError';
    this.redirects = redirects;
  }
}

export class TooManyRedirectsError extends FetchError {
  readonly redirects: string[];
  constructor(url: string, redirects: string[], max: number) {
    super(url, `重定向超过 ${max} 次：${redirects.join(' → ')}`);
    this.name = 'TooManyRedirectsError';
    this.redirects = redirects;
  }
}

/** An anti-bot service (HTTP 412, challenge JavaScript, `$_ts`…) answered instead of the page. */
export class AntiBotBlockedError extends FetchError {
  readonly status: number;
  readonly marker: string;
  readonly response: FetchedResponse | undefined;
  constructor(url: string, status: number, marker: string, response?: FetchedResponse, remembered = false) {
    super(
      url,
      remembered
        ? `未请求：该站点本次运行中已返回反爬虫验证（${marker}），不再重复访问`
        : `返回反爬虫验证页面（HTTP ${status}，${marker}），普通客户端无法通过`,
    );
    this.name = 'AntiBotBlockedError';
    this.status = status;
    this.marker = marker;
    this.response = response;
  }
}

/**
 * How a fetch failure counts for an agency: `blocked` when we chose not to or were not let in
 * (refused address, robots.txt, anti-bot), `unreachable` otherwise (timeouts, network, 5xx after
 * retries, oversized, redirect trouble, anything unknown).
 */
export function classifyFetchError(error: unknown): 'unreachable' | 'blocked' {
  if (
    error instanceof BlockedAddressError ||
    error instanceof RobotsDisallowedError ||
    error instanceof AntiBotBlockedError
  ) {
    return 'blocked';
  }
  return 'unreachable';
}

export function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/** Node's socket, HTTP parser and TLS error codes, in the words an office user reads. */
const NETWORK_REASONS: [RegExp, string][] = [
  [/^HPE_|^Parse Error/i, '服务器返回的 HTTP 响应格式错误'],
  [/^ECONNRESET$|^aborted$|socket hang up/i, '连接被服务器中断'],
  [/^ECONNREFUSED$/, '连接被拒绝（服务器未开放该端口）'],
  [/^ETIMEDOUT$|^ESOCKETTIMEDOUT$/, '连接超时'],
  [/^ENOTFOUND$|^EAI_AGAIN$|^EAI_NODATA$|^EAI_FAIL$/, '域名解析失败'],
  [/^EHOSTUNREACH$|^ENETUNREACH$|^EHOSTDOWN$|^ENETDOWN$/, '网络不可达'],
  [/^EPIPE$/, '连接被服务器关闭'],
  [/CERT|UNABLE_TO_VERIFY|SELF_SIGNED|ALTNAME/i, '网站证书无效或不受信任'],
  [/^EPROTO$|^ERR_SSL_|^ERR_TLS_/, 'TLS 加密连接握手失败'],
  [/^Z_|^ERR_ZLIB|^ERR__ERROR_FORMAT_PADDING|^ERR_BROTLI/i, '压缩数据损坏，无法解压'],
];

/** A Chinese reason for a network-level failure (by code, then by message); generic when unknown. */
export function networkReason(cause: unknown): string {
  const code = errorCode(cause);
  const message = cause instanceof Error ? cause.message : String(cause);
  for (const [pattern, reason] of NETWORK_REASONS) {
    if ((code && pattern.test(code)) || pattern.test(message)) return reason;
  }
  return '连接失败';
}

/** `CODE: message` of an engine error, for the technical detail beside a Chinese reason. */
export function technicalDetail(error: unknown): string {
  if (error instanceof Error) {
    const code = errorCode(error);
    return `${code ? `${code}: ` : ''}${error.name !== 'Error' && !code ? `${error.name}: ` : ''}${error.message}`.slice(
      0,
      500,
    );
  }
  return String(error).slice(0, 500);
}

const HAS_CHINESE = /[\u4e00-\u9fff]/;

/** Failures of the engine itself (not of a site), in Chinese. */
const ENGINE_REASONS: [RegExp, string][] = [
  [/Maximum call stack size exceeded/i, '内容结构过深（例如标签层层嵌套），超出处理能力'],
  [
    /Invalid string length|Array buffer allocation failed|ERR_OUT_OF_MEMORY|heap out of memory|ERR_WORKER_OUT_OF_MEMORY/i,
    '内容过大，超出内存上限',
  ],
  [/^ENOSPC$|no space left/i, '磁盘空间不足，无法写入存储'],
  [/^EACCES$|^EPERM$|^EROFS$/, '存储没有写入权限'],
  [/^EMFILE$|^ENFILE$/, '同时打开的文件过多'],
];

/**
 * What a user reads for a failure, and the technical detail kept beside it. Our own errors are
 * Chinese already (FetchError and its kin, the scan's stops); Node's own messages ("Parse Error",
 * "aborted", ECONNRESET, "Maximum call stack size exceeded", ENOSPC …) are translated, never shown raw.
 */
export function userFacingError(error: unknown): { message: string; detail?: string } {
  if (error instanceof FetchError) {
    return { message: error.message, ...(error.detail ? { detail: error.detail } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  for (const [pattern, reason] of ENGINE_REASONS) {
    if ((code && pattern.test(code)) || pattern.test(message))
      return { message: reason, detail: technicalDetail(error) };
  }
  if (code || /^(HPE_|Parse Error|aborted|socket hang up)/i.test(message)) {
    const reason = networkReason(error);
    if (reason !== '连接失败' || code) return { message: `网络错误：${reason}`, detail: technicalDetail(error) };
  }
  if (HAS_CHINESE.test(message)) return { message };
  return { message: '处理时发生内部错误', detail: technicalDetail(error) };
}
