/**
 * The polite HTTP client: per-host and global concurrency, a delay between requests to one host,
 * retries with backoff and jitter, a redirect limit, a streaming size limit, conditional GET, a
 * cookie jar, robots.txt, and the address guard on every hop.
 *
 * Built on node:http/https rather than fetch(): we need to connect to the address the guard checked
 * (a pinned `lookup`), stop reading at a byte limit, and see every redirect.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import {
  AddressRefusedError,
  AllowList,
  type GuardedTarget,
  type ResolvedAddress,
  type Resolver,
  resolveGuarded,
  systemResolver,
} from './address-guard.ts';
import { looksLikeAntiBot } from './anti-bot.ts';
import { CookieJar } from './cookies.ts';
import {
  AntiBotBlockedError,
  BlockedAddressError,
  CancelledError,
  FetchError,
  HttpStatusError,
  NetworkError,
  RedirectLoopError,
  RobotsDisallowedError,
  TimeoutError,
  TooLargeError,
  TooManyRedirectsError,
} from './errors.ts';
import { parseRobots, type RobotsPolicy, robotsAllows } from './robots.ts';

export { looksLikeAntiBot } from './anti-bot.ts';

/** Our product token in User-Agent and robots.txt groups. */
export const PRODUCT_TOKEN = 'nianbao-watch';
export const CLIENT_VERSION = '0.1';

export interface FetchedResponse {
  /** Final URL, after redirects. */
  url: string;
  status: number;
  /** Response headers with lower-case names; repeated headers joined with ', ' (set-cookie with '\n'). */
  headers: Record<string, string>;
  /** The body as served (after undoing Content-Encoding); empty for 304. */
  body: Uint8Array;
  /** ISO time the response finished. */
  fetchedAt: string;
  notModified: boolean;
  /** URLs that redirected, in order (the final URL is not included). */
  redirects: string[];
  /** Network attempts for the final hop (1 = no retry). */
  attempts: number;
  /** The IP address the final hop connected to. */
  address: string;
  /** What robots.txt says about the final URL, and whether it was obeyed. */
  robots: { allowed: boolean; rule: string | null; respected: boolean };
}

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

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504, 520, 522, 523, 524]);
const RETRY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
]);
const ROBOTS_MAX_BYTES = 512 * 1024;
const DEFAULT_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** FIFO gate with a concurrency limit and an optional pause after each release. */
class Gate {
  #active = 0;
  #lastEnd = Number.NEGATIVE_INFINITY;
  readonly #waiters: (() => void)[] = [];
  readonly #limit: number;
  readonly #delayMs: number;

  constructor(limit: number, delayMs: number) {
    this.#limit = Math.max(1, limit);
    this.#delayMs = Math.max(0, delayMs);
  }

  async acquire(now: () => number, sleep: (ms: number) => Promise<void>): Promise<void> {
    if (this.#active < this.#limit && this.#waiters.length === 0) this.#active++;
    else await new Promise<void>((resolve) => this.#waiters.push(resolve)); // the slot is handed over
    // Wait out the pause since the last request ended (again if another slot ended meanwhile).
    for (;;) {
      const lastEnd = this.#lastEnd;
      const wait = lastEnd + this.#delayMs - now();
      if (wait <= 0) return;
      const before = now();
      await sleep(wait);
      const after = now();
      // Timers may fire a millisecond early: sleep the rest, unless the clock did not move at all.
      if (this.#lastEnd === lastEnd && (after === before || after >= lastEnd + this.#delayMs)) return;
    }
  }

  release(now: () => number): void {
    this.#lastEnd = now();
    const next = this.#waiters.shift();
    if (next) next();
    else this.#active--;
  }

  get idle(): boolean {
    return this.#active === 0 && this.#waiters.length === 0;
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  setCookie: string[];
  body: Uint8Array;
}

interface HopResult {
  raw: RawResponse;
  attempts: number;
  address: string;
  robots: FetchedResponse['robots'];
  fetchedAt: Date;
}

interface HopOptions extends GetOptions {
  /** Internal: the robots.txt request itself (no robots check, no anti-bot verdicts). */
  forRobots?: boolean;
}

/** Creates the polite client. One client per run: its queues, cookies and robots cache are per run. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const contact = (options.contact ?? '').replace(/[^\x21-\x7e]/g, '');
  const userAgent =
    options.userAgent ??
    `Mozilla/5.0 (compatible; ${PRODUCT_TOKEN}/${CLIENT_VERSION}; +${contact || 'https://github.com/nianbao-watch'})`;
  const acceptLanguage = options.acceptLanguage ?? 'zh-CN,zh;q=0.9';
  const perHostConcurrency = options.perHostConcurrency ?? 1;
  const perHostDelayMs = options.perHostDelayMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const retries = Math.max(0, options.retries ?? 3);
  const retryBase = options.retryBaseDelayMs ?? 500;
  const retryMax = options.retryMaxDelayMs ?? 30_000;
  const retryAfterCap = options.retryAfterCapMs ?? 60_000;
  const maxRedirects = options.maxRedirects ?? 5;
  const defaultMaxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  const allow = new AllowList(options.allowHosts ?? []);
  const defaultRespectRobots = options.respectRobots ?? true;
  const rememberAntiBot = options.rememberAntiBot ?? true;
  const baseResolver = options.resolver ?? systemResolver;
  // A short DNS cache: dozens of agencies share one county platform. Every cached answer is still
  // checked by the guard on each use, so caching cannot let a refused address through.
  const dnsCache = new Map<string, { answers: Promise<ResolvedAddress[]>; expires: number }>();
  const dnsCacheMs = options.dnsCacheMs ?? 60_000;
  const resolver: Resolver = (hostname) => {
    const cached = dnsCache.get(hostname);
    if (cached && cached.expires > now()) return cached.answers;
    const answers = baseResolver(hostname);
    dnsCache.set(hostname, { answers, expires: now() + dnsCacheMs });
    answers.catch(() => dnsCache.delete(hostname));
    return answers;
  };
  const nowDate = options.now ?? (() => new Date());
  const now = () => nowDate().getTime();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;

  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: Math.max(1, perHostConcurrency) }),
    https: new https.Agent({
      keepAlive: true,
      maxSockets: Math.max(1, perHostConcurrency),
      rejectUnauthorized: options.rejectUnauthorized ?? true,
    }),
  };
  const globalGate = new Gate(options.globalConcurrency ?? 16, 0);
  const hostGates = new Map<string, Gate>();
  const cookies = new CookieJar();
  const robotsCache = new Map<string, Promise<RobotsRecord>>();
  const antiBotHosts = new Map<string, string>();
  const stats: HttpClientStats = {
    requests: 0,
    retries: 0,
    bytesReceived: 0,
    notModified: 0,
    robotsFetched: 0,
    refused: 0,
  };

  const hostGate = (host: string): Gate => {
    let gate = hostGates.get(host);
    if (!gate) {
      gate = new Gate(perHostConcurrency, perHostDelayMs);
      hostGates.set(host, gate);
    }
    return gate;
  };

  function parseUrl(input: string, base?: URL): URL {
    let url: URL;
    try {
      url = new URL(input, base);
    } catch (error) {
      throw new FetchError(input, '不是合法的地址', { cause: error });
    }
    url.hash = '';
    return url;
  }

  // Verdicts per scheme+host for as long as the DNS answer is reused (the check costs more than the
  // request on loopback); a refusal is cached too, so a blocked host is not re-resolved either.
  const verdicts = new Map<string, { target: Promise<GuardedTarget>; expires: number }>();
  function checkedTarget(url: URL): Promise<GuardedTarget> {
    if (dnsCacheMs <= 0 || url.username || url.password) return resolveGuarded(url, allow, resolver);
    const key = `${url.protocol}//${url.hostname}`;
    const cached = verdicts.get(key);
    if (cached && cached.expires > now()) return cached.target;
    const target = resolveGuarded(url, allow, resolver);
    verdicts.set(key, { target, expires: now() + dnsCacheMs });
    target.catch((error) => {
      if (!(error instanceof AddressRefusedError)) verdicts.delete(key); // DNS trouble: ask again next time
    });
    return target;
  }

  async function guard(url: URL): Promise<GuardedTarget> {
    try {
      return await checkedTarget(url);
    } catch (error) {
      if (error instanceof AddressRefusedError) {
        stats.refused++;
        throw new BlockedAddressError(url.href, error.reason, error.address);
      }
      throw new NetworkError(url.href, error, '域名解析失败');
    }
  }

  function robotsFor(url: URL): Promise<RobotsRecord> {
    const origin = url.origin;
    let record = robotsCache.get(origin);
    if (!record) {
      record = fetchRobots(new URL('/robots.txt', origin));
      robotsCache.set(origin, record);
    }
    return record;
  }

  async function fetchRobots(robotsUrl: URL): Promise<RobotsRecord> {
    stats.robotsFetched++;
    const empty: RobotsPolicy = { rules: [], group: null };
    try {
      const response = await follow(robotsUrl, {
        forRobots: true,
        accept: 'text/plain,*/*;q=0.5',
        maxBytes: ROBOTS_MAX_BYTES,
      });
      const fetchedAt = response.fetchedAt;
      if (response.status >= 200 && response.status < 300) {
        const text = new TextDecoder('utf-8').decode(response.body);
        return {
          url: robotsUrl.href,
          outcome: 'parsed',
          status: response.status,
          fetchedAt,
          policy: parseRobots(text, PRODUCT_TOKEN),
        };
      }
      if (response.status >= 400 && response.status < 500) {
        return { url: robotsUrl.href, outcome: 'missing', status: response.status, fetchedAt, policy: empty };
      }
      return { url: robotsUrl.href, outcome: 'unavailable', status: response.status, fetchedAt, policy: empty };
    } catch (error) {
      // RFC 9309 would treat an unreachable robots.txt as "disallow all"; we let the page request
      // itself show whether the site is unreachable, so the agency is classed by what really happened.
      return {
        url: robotsUrl.href,
        outcome: 'unavailable',
        status: error instanceof HttpStatusError ? error.status : null,
        fetchedAt: nowDate().toISOString(),
        policy: empty,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** One network request to a checked address; resolves with the whole (size-limited) body. */
  function requestOnce(
    url: URL,
    target: GuardedTarget,
    headers: Record<string, string>,
    budgetMs: number,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<RawResponse> {
    const secure = url.protocol === 'https:';
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if ((lookupOptions as { all?: boolean }).all) {
        (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [
          { address: target.address, family: target.family },
        ]);
      } else {
        callback(null, target.address, target.family);
      }
    };
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      let body: Readable | undefined;
      const finish = (error: Error | null, value?: RawResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          body?.destroy();
          request.destroy();
          reject(error);
        } else {
          resolve(value as RawResponse);
        }
      };
      const timer = setTimeout(() => finish(new TimeoutError(url.href, budgetMs)), budgetMs);
      const onAbort = () => finish(new CancelledError(url.href));
      signal?.addEventListener('abort', onAbort, { once: true });
      const request = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: target.hostname,
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers,
          agent: secure ? agents.https : agents.http,
          lookup: pinned,
          ...(secure ? { rejectUnauthorized: options.rejectUnauthorized ?? true } : {}),
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const responseHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value === undefined) continue;
            responseHeaders[name.toLowerCase()] = Array.isArray(value)
              ? value.join(name.toLowerCase() === 'set-cookie' ? '\n' : ', ')
              : value;
          }
          const setCookie = response.headers['set-cookie'] ?? [];
          const encoding = (responseHeaders['content-encoding'] ?? '').trim().toLowerCase();
          const declared = Number(responseHeaders['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes && (encoding === '' || encoding === 'identity')) {
            finish(new TooLargeError(url.href, maxBytes, declared));
            return;
          }
          let stream: Readable = response;
          if (status !== 304 && status !== 204) {
            if (encoding === 'gzip' || encoding === 'x-gzip') stream = response.pipe(zlib.createGunzip());
            else if (encoding === 'deflate') stream = response.pipe(zlib.createInflate());
            else if (encoding === 'br') stream = response.pipe(zlib.createBrotliDecompress());
          }
          body = stream;
          const chunks: Buffer[] = [];
          let total = 0;
          response.on('data', (chunk: Buffer) => {
            stats.bytesReceived += chunk.length;
          });
          stream.on('data', (chunk: Buffer) => {
            total += chunk.length;
            if (total > maxBytes) finish(new TooLargeError(url.href, maxBytes));
            else chunks.push(chunk);
          });
          stream.on('error', (error) =>
            finish(
              stream === response
                ? new NetworkError(url.href, error)
                : new NetworkError(url.href, error, `解压失败（${encoding} 数据损坏）`),
            ),
          );
          response.on('error', (error) => finish(new NetworkError(url.href, error)));
          response.on('close', () => {
            if (!response.complete) {
              finish(
                new NetworkError(
                  url.href,
                  Object.assign(new Error('aborted'), { code: 'ECONNRESET' }),
                  '连接在响应完成前中断',
                ),
              );
            }
          });
          stream.on('end', () => {
            const buffer = Buffer.concat(chunks);
            finish(null, {
              status,
              headers: responseHeaders,
              setCookie,
              body: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
            });
          });
        },
      );
      request.on('error', (error) => finish(new NetworkError(url.href, error)));
      request.end();
    });
  }

  function retryDelay(attempt: number, retryAfter: string | undefined): number {
    const jitter = random() * Math.min(retryMax, retryBase * 2 ** (attempt - 1));
    if (!retryAfter) return jitter;
    let wanted: number | undefined;
    if (/^\s*\d+\s*$/.test(retryAfter)) wanted = Number(retryAfter) * 1000;
    else {
      const at = Date.parse(retryAfter);
      if (!Number.isNaN(at)) wanted = at - now();
    }
    return wanted === undefined ? jitter : Math.max(jitter, Math.min(Math.max(0, wanted), retryAfterCap));
  }

  function isRetryable(error: unknown): boolean {
    if (error instanceof TimeoutError) return true;
    if (error instanceof NetworkError) return error.code !== null && RETRY_CODES.has(error.code);
    return false;
  }

  /** One hop (no redirects followed): guard, robots, gates, request; retried on transient failures. */
  async function hop(url: URL, callOptions: HopOptions): Promise<HopResult> {
    const remembered = antiBotHosts.get(url.host);
    if (remembered && !callOptions.forRobots) {
      stats.refused++;
      throw new AntiBotBlockedError(url.href, 0, remembered, undefined, true);
    }

    // Checked before robots.txt too: we fetch nothing at all from a refused address.
    let checked: GuardedTarget | undefined = await guard(url);
    let robots: FetchedResponse['robots'] = { allowed: true, rule: null, respected: false };
    if (!callOptions.forRobots) {
      const respected = callOptions.respectRobots ?? defaultRespectRobots;
      const record = await robotsFor(url);
      const verdict = robotsAllows(record.policy, `${url.pathname}${url.search}`);
      robots = { allowed: verdict.allowed, rule: verdict.rule, respected };
      if (respected && !verdict.allowed) {
        stats.refused++;
        throw new RobotsDisallowedError(url.href, record.url, verdict.rule);
      }
    }

    const maxBytes = callOptions.maxBytes ?? defaultMaxBytes;
    const budget = callOptions.timeoutMs ?? timeoutMs;
    for (let attempt = 1; ; attempt++) {
      // Re-resolved for retries (the site may have moved); each address is checked again.
      const target: GuardedTarget = checked ?? (await guard(url));
      checked = undefined;
      const headers: Record<string, string> = {
        'user-agent': userAgent,
        accept: callOptions.accept ?? DEFAULT_ACCEPT,
        'accept-language': acceptLanguage,
        'accept-encoding': 'gzip, deflate, br',
      };
      if (callOptions.referer) headers.referer = callOptions.referer;
      if (callOptions.ifNoneMatch) headers['if-none-match'] = callOptions.ifNoneMatch;
      if (callOptions.ifModifiedSince) headers['if-modified-since'] = callOptions.ifModifiedSince;

      const gate = hostGate(url.host);
      let raw: RawResponse;
      await gate.acquire(now, sleep);
      try {
        await globalGate.acquire(now, sleep);
        try {
          const cookie = cookies.header(url.hostname, now());
          if (cookie) headers.cookie = cookie;
          stats.requests++;
          if (callOptions.signal?.aborted) throw new CancelledError(url.href);
          raw = await requestOnce(url, target, headers, budget, maxBytes, callOptions.signal);
        } finally {
          globalGate.release(now);
        }
      } catch (error) {
        gate.release(now);
        if (isRetryable(error) && attempt <= retries) {
          stats.retries++;
          await sleep(retryDelay(attempt, undefined));
          continue;
        }
        throw error;
      }
      gate.release(now);
      const fetchedAt = nowDate();
      if (raw.setCookie.length > 0) cookies.store(url.hostname, raw.setCookie, now());
      if (raw.status === 304) stats.notModified++;

      if (!callOptions.forRobots) {
        const marker = looksLikeAntiBot(raw);
        if (marker) {
          if (rememberAntiBot) antiBotHosts.set(url.host, marker);
          throw new AntiBotBlockedError(
            url.href,
            raw.status,
            marker,
            toResponse(url, raw, fetchedAt, [], attempt, target.address, robots),
          );
        }
      }
      if (RETRY_STATUSES.has(raw.status)) {
        if (attempt <= retries) {
          stats.retries++;
          await sleep(retryDelay(attempt, raw.headers['retry-after']));
          continue;
        }
        throw new HttpStatusError(
          url.href,
          raw.status,
          toResponse(url, raw, fetchedAt, [], attempt, target.address, robots),
          attempt,
        );
      }
      return { raw, attempts: attempt, address: target.address, robots, fetchedAt };
    }
  }

  function toResponse(
    url: URL,
    raw: RawResponse,
    fetchedAt: Date,
    redirects: string[],
    attempts: number,
    address: string,
    robots: FetchedResponse['robots'],
  ): FetchedResponse {
    return {
      url: url.href,
      status: raw.status,
      headers: raw.headers,
      body: raw.status === 304 ? new Uint8Array() : raw.body,
      fetchedAt: fetchedAt.toISOString(),
      notModified: raw.status === 304,
      redirects,
      attempts,
      address,
      robots,
    };
  }

  /** Follows redirects hop by hop; each hop is guarded, so a redirect cannot reach a refused address. */
  async function follow(start: URL, callOptions: HopOptions): Promise<FetchedResponse> {
    let current = start;
    const redirects: string[] = [];
    const visits = new Map<string, number>([[current.href, 1]]);
    for (;;) {
      if (callOptions.signal?.aborted) throw new CancelledError(current.href);
      const cookiesBefore = cookies.header(current.hostname, now());
      const result = await hop(current, callOptions);
      const location = result.raw.headers.location;
      if (!REDIRECT_STATUSES.has(result.raw.status) || !location) {
        return toResponse(
          current,
          result.raw,
          result.fetchedAt,
          redirects,
          result.attempts,
          result.address,
          result.robots,
        );
      }
      const next = parseUrl(location, current);
      redirects.push(current.href);
      const seen = visits.get(next.href) ?? 0;
      // Coming back to a URL is a loop, except once right after a new cookie (gateways do that).
      const cookieChanged = cookies.header(current.hostname, now()) !== cookiesBefore;
      if (seen >= 2 || (seen === 1 && !cookieChanged)) throw new RedirectLoopError(next.href, redirects);
      if (redirects.length > maxRedirects) throw new TooManyRedirectsError(next.href, redirects, maxRedirects);
      visits.set(next.href, seen + 1);
      current = next;
    }
  }

  return {
    async get(input: string, callOptions: GetOptions = {}): Promise<FetchedResponse> {
      return follow(parseUrl(input), callOptions);
    },
    async robots(input: string): Promise<RobotsRecord> {
      const url = parseUrl(input);
      await guard(url);
      return robotsFor(url);
    },
    stats: () => ({ ...stats }),
    close(): void {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
