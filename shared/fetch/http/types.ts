/**
 * The polite client's public shapes: what a call returns, what it takes, what the client reports.
 * FetchedResponse itself lives in ../response.ts, below the errors that carry it.
 */
import type { Resolver } from '../address-guard.ts';
import type { FetchedResponse } from '../response.ts';
import type { RobotsPolicy } from '../robots.ts';

export type { FetchedResponse } from '../response.ts';

/** Our product token in User-Agent and robots.txt groups. */
export const PRODUCT_TOKEN = 'nianbao-watch';
export const CLIENT_VERSION = '0.1';

export interface GetOptions {
  /** ETag from a previous fetch (sent as If-None-Match). */
  ifNoneMatch?: string;
  /** Last-Modified from a previous fetch (sent as If-Modified-Since). */
  ifModifiedSince?: string;
  maxBytes?: number;
  accept?: string;
  referer?: string;
  /** Obey robots.txt for this call (default: the client's respectRobots). */
  respectRobots?: boolean;
  /** Per-call timeout (slow sites), default the client's timeoutMs. */
  timeoutMs?: number;
  /**
   * Ends the call (in flight, between retries, between redirects) with a CancelledError: the scan's
   * per-agency time budget uses it so a cancelled agency stops holding its host's queue.
   */
  signal?: AbortSignal;
}

export interface HttpClientOptions {
  /** Full User-Agent; default "Mozilla/5.0 (compatible; nianbao-watch/0.1; +<contact>)". */
  userAgent?: string;
  /** Who runs the monitor (e-mail or URL), put into the default User-Agent. */
  contact?: string;
  acceptLanguage?: string;
  /** Requests in flight per host (default 1). */
  perHostConcurrency?: number;
  /** Pause between the end of one request and the start of the next to the same host (default 1000 ms). */
  perHostDelayMs?: number;
  /** Requests in flight overall (default 16). */
  globalConcurrency?: number;
  /** One attempt's budget for connect + headers + body (default 20 s). */
  timeoutMs?: number;
  /** Retries after the first attempt on 5xx/429, timeouts and resets (default 3). */
  retries?: number;
  /** Backoff base and ceiling: attempt n waits random() × min(max, base × 2^(n-1)) (defaults 500 ms, 30 s). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Longest Retry-After we honour (default 60 s). */
  retryAfterCapMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Default 50 MB. */
  maxBytes?: number;
  /** Host names, IPs or CIDRs that may be reached although private (tests: loopback). */
  allowHosts?: readonly string[];
  /** Obey robots.txt unless a call says otherwise (default true). */
  respectRobots?: boolean;
  /** Verify TLS certificates (default true; some government sites have expired ones). */
  rejectUnauthorized?: boolean;
  /** After an anti-bot challenge from a host, refuse further requests to it without asking (default true). */
  rememberAntiBot?: boolean;
  resolver?: Resolver;
  /** How long DNS answers are reused (default 60 s; 0 disables). */
  dnsCacheMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RobotsRecord {
  url: string;
  /** 'parsed' (2xx), 'missing' (4xx: everything allowed), 'unavailable' (5xx/network: allowed, noted). */
  outcome: 'parsed' | 'missing' | 'unavailable';
  status: number | null;
  fetchedAt: string;
  policy: RobotsPolicy;
  error?: string;
}

export interface HttpClientStats {
  /** Network requests made (each attempt and each redirect hop counts; robots.txt included). */
  requests: number;
  retries: number;
  bytesReceived: number;
  notModified: number;
  robotsFetched: number;
  /** Requests refused before any connection (address guard, robots, remembered anti-bot). */
  refused: number;
}

export interface HttpClient {
  get(url: string, options?: GetOptions): Promise<FetchedResponse>;
  /** robots.txt for a URL's origin (fetched once per origin, cached). */
  robots(url: string): Promise<RobotsRecord>;
  stats(): HttpClientStats;
  /** Closes idle keep-alive connections. */
  close(): void;
}
