/**
 * The polite HTTP client: per-host and global concurrency, a delay between requests to one host
 * (raised by robots.txt Crawl-delay), retries with backoff and jitter, a redirect limit, a streaming
 * size limit, conditional GET, a cookie jar, robots.txt, and the address guard on every hop.
 *
 * This file is the request's way through: hop (guard → robots → gates → transport → verdicts, retried)
 * and follow (redirects, each one a guarded hop). The parts are beside it: gate.ts, resolver.ts,
 * transport.ts, retry.ts, robots-cache.ts; the shapes in types.ts.
 */
import { AllowList, type GuardedTarget, systemResolver } from '../address-guard.ts';
import { looksLikeAntiBot } from '../anti-bot.ts';
import { CookieJar } from '../cookies.ts';
import {
  AntiBotBlockedError,
  CancelledError,
  FetchError,
  HttpStatusError,
  RedirectLoopError,
  RobotsDisallowedError,
  TooManyRedirectsError,
} from '../errors.ts';
import { robotsAllows } from '../robots.ts';
import { Gate } from './gate.ts';
import { createGuardedResolver } from './resolver.ts';
import { isRetryable, RETRY_STATUSES, type RetryPolicy, retryDelay } from './retry.ts';
import { createRobotsCache } from './robots-cache.ts';
import { createTransport, type RawResponse } from './transport.ts';
import {
  CLIENT_VERSION,
  type FetchedResponse,
  type GetOptions,
  type HttpClient,
  type HttpClientOptions,
  type HttpClientStats,
  PRODUCT_TOKEN,
  type RobotsRecord,
} from './types.ts';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

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
  const retryPolicy: RetryPolicy = {
    retries: Math.max(0, options.retries ?? 3),
    baseDelayMs: options.retryBaseDelayMs ?? 500,
    maxDelayMs: options.retryMaxDelayMs ?? 30_000,
    retryAfterCapMs: options.retryAfterCapMs ?? 60_000,
  };
  const maxRedirects = options.maxRedirects ?? 5;
  const defaultMaxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  const defaultRespectRobots = options.respectRobots ?? true;
  const rememberAntiBot = options.rememberAntiBot ?? true;
  const nowDate = options.now ?? (() => new Date());
  const now = () => nowDate().getTime();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;

  const stats: HttpClientStats = {
    requests: 0,
    retries: 0,
    bytesReceived: 0,
    notModified: 0,
    robotsFetched: 0,
    refused: 0,
  };
  const transport = createTransport({
    perHostConcurrency,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    onBytes: (bytes) => {
      stats.bytesReceived += bytes;
    },
  });
  const guard = createGuardedResolver({
    allow: new AllowList(options.allowHosts ?? []),
    resolver: options.resolver ?? systemResolver,
    cacheMs: options.dnsCacheMs ?? 60_000,
    now,
    onRefused: () => {
      stats.refused++;
    },
  });
  const robotsFor = createRobotsCache({
    fetch: (robotsUrl, maxBytes) => follow(robotsUrl, { forRobots: true, accept: 'text/plain,*/*;q=0.5', maxBytes }),
    nowIso: () => nowDate().toISOString(),
    onFetch: () => {
      stats.robotsFetched++;
    },
  });
  const globalGate = new Gate(options.globalConcurrency ?? 16, 0);
  const hostGates = new Map<string, Gate>();
  const cookies = new CookieJar();
  const antiBotHosts = new Map<string, string>();

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
      // Crawl-delay raises the pause between our requests to the host, never lowers it (robots.ts caps it).
      if (respected && record.policy.crawlDelayMs !== null) hostGate(url.host).floorDelay(record.policy.crawlDelayMs);
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
          const cookie = cookies.header(url.href, now());
          if (cookie) headers.cookie = cookie;
          stats.requests++;
          if (callOptions.signal?.aborted) throw new CancelledError(url.href);
          raw = await transport.requestOnce(url, target, headers, budget, maxBytes, callOptions.signal);
        } finally {
          globalGate.release(now);
        }
      } catch (error) {
        gate.release(now);
        if (isRetryable(error) && attempt <= retryPolicy.retries) {
          stats.retries++;
          await sleep(retryDelay(retryPolicy, attempt, undefined, now(), random));
          continue;
        }
        throw error;
      }
      gate.release(now);
      const fetchedAt = nowDate();
      if (raw.setCookie.length > 0) cookies.store(url.href, raw.setCookie, now());
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
        if (attempt <= retryPolicy.retries) {
          stats.retries++;
          await sleep(retryDelay(retryPolicy, attempt, raw.headers['retry-after'], now(), random));
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
      const cookiesBefore = cookies.header(current.href, now());
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
      const cookieChanged = cookies.header(current.href, now()) !== cookiesBefore;
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
      transport.close();
    },
  };
}
