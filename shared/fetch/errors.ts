/**
 * Errors of the polite HTTP client. Messages are Chinese (they end up in run manifests and e-mails)
 * and always name the method and URL.
 */
import type { FetchedResponse } from './http.ts';

export class FetchError extends Error {
  readonly url: string;
  readonly method: string;
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

export class NetworkError extends FetchError {
  /** The system error code, e.g. ECONNRESET, ECONNREFUSED, ENOTFOUND. */
  readonly code: string | null;
  constructor(url: string, cause: unknown, detail?: string) {
    const code = errorCode(cause);
    const text = detail ?? (cause instanceof Error ? cause.message : String(cause));
    super(url, `网络错误：${text}`, { cause });
    this.name = 'NetworkError';
    this.code = code;
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
