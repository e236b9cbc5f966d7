import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AntiBotBlockedError,
  BlockedAddressError,
  classifyFetchError,
  HttpStatusError,
  NetworkError,
  RedirectLoopError,
  RobotsDisallowedError,
  TimeoutError,
  TooLargeError,
  TooManyRedirectsError,
} from '../../shared/fetch/errors.ts';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../shared/fetch/http.ts';
import { decodeBody } from '../../shared/text/charset.ts';
import { encodeGbk } from '../support/gbk.ts';

const TITLE = '卢氏县人民政府2024年政府信息公开工作年度报告';

interface Seen {
  path: string;
  start: number;
  end: number;
  headers: http.IncomingHttpHeaders;
}

/** A loopback site whose handlers record every request with server-side timestamps. */
interface TestSite {
  origin: string;
  port: number;
  seen: Seen[];
  hits(path: string): number;
  inFlightMax(): number;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, site: { count: number }) => unknown;

async function startSite(routes: Record<string, Handler>): Promise<TestSite> {
  const seen: Seen[] = [];
  const counts = new Map<string, number>();
  let inFlight = 0;
  let inFlightMax = 0;
  const server = http.createServer(async (req, res) => {
    const path = req.url ?? '/';
    const record: Seen = { path, start: Date.now(), end: Number.NaN, headers: req.headers };
    seen.push(record);
    inFlight++;
    inFlightMax = Math.max(inFlightMax, inFlight);
    const done = () => {
      if (Number.isNaN(record.end)) {
        record.end = Date.now();
        inFlight--;
      }
    };
    res.on('finish', done);
    res.on('close', done);
    const pathname = path.split('?')[0] ?? '/';
    const count = (counts.get(pathname) ?? 0) + 1;
    counts.set(pathname, count);
    const handler = routes[pathname];
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    await handler(req, res, { count });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    seen,
    hits: (path) => counts.get(path) ?? 0,
    inFlightMax: () => inFlightMax,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const clients: HttpClient[] = [];
function client(options: HttpClientOptions = {}): HttpClient {
  const made = createHttpClient({
    allowHosts: ['127.0.0.1'],
    perHostDelayMs: 0,
    retryBaseDelayMs: 5,
    timeoutMs: 5_000,
    ...options,
  });
  clients.push(made);
  return made;
}
afterEach(() => {
  for (const made of clients.splice(0)) made.close();
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

let site: TestSite;
const neverAnswered: http.ServerResponse[] = [];
let bigBodyWritten = 0;
let bigBodyClosedEarly = false;

beforeAll(async () => {
  site = await startSite({
    '/robots.txt': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end('User-agent: *\nDisallow: /\n\nUser-agent: nianbao-watch\nDisallow: /private/\nAllow: /private/open\n'),
    '/gbk.html': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=gb2312' })
        .end(encodeGbk(`<html><head><title>${TITLE}</title></head><body>一、总体情况</body></html>`)),
    '/gbk-meta.html': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          encodeGbk(
            `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>${TITLE}</title></head></html>`,
          ),
        ),
    '/gzip.html': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' })
        .end(zlib.gzipSync(Buffer.from(`<p>${TITLE}</p>`))),
    '/flaky': (_req, res, { count }) => {
      if (count <= 2) res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok after retries');
    },
    '/always-503': (_req, res) => res.writeHead(503, { 'retry-after': '1' }).end('down'),
    '/slow-retry-after': (_req, res, { count }) => {
      if (count === 1) res.writeHead(429, { 'retry-after': '3' }).end();
      else res.writeHead(200).end('ok');
    },
    '/hang': (_req, res) => {
      neverAnswered.push(res); // never answers
    },
    '/reset': (req, _res, { count }) => {
      if (count === 1) req.socket.destroy();
      else _res.writeHead(200).end('after reset');
    },
    '/loop-a': (_req, res) => res.writeHead(302, { location: '/loop-b' }).end(),
    '/loop-b': (_req, res) => res.writeHead(301, { location: `${site.origin}/loop-a` }).end(),
    '/chain': (req, res) => {
      const n = Number(new URL(req.url ?? '', site.origin).searchParams.get('n') ?? '0');
      res.writeHead(302, { location: `/chain?n=${n + 1}` }).end();
    },
    '/moved': (_req, res) => res.writeHead(301, { location: 'sub/../final.html#top' }).end(),
    '/final.html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('final'),
    '/to-metadata': (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/to-private': (_req, res) => res.writeHead(302, { location: 'http://10.0.0.1/admin' }).end(),
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' }); // chunked, no Content-Length
      const chunk = Buffer.alloc(64 * 1024, 0x25);
      const total = 20 * 1024 * 1024;
      res.on('close', () => {
        if (bigBodyWritten < total) bigBodyClosedEarly = true;
      });
      const pump = () => {
        while (bigBodyWritten < total) {
          bigBodyWritten += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    },
    '/big-declared': (_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.end(); // lies, but the client must refuse from the header alone
    },
    '/etag': (req, res) => {
      if (
        req.headers['if-none-match'] === '"v1"' ||
        req.headers['if-modified-since'] === 'Wed, 22 Jan 2025 02:00:00 GMT'
      ) {
        res.writeHead(304, { etag: '"v1"' }).end();
      } else {
        res
          .writeHead(200, {
            etag: '"v1"',
            'last-modified': 'Wed, 22 Jan 2025 02:00:00 GMT',
            'content-type': 'text/html',
          })
          .end('<p>v1</p>');
      }
    },
    '/slow': (_req, res) => {
      setTimeout(() => res.writeHead(200).end('slow'), 60);
    },
    '/private/secret.html': (_req, res) => res.writeHead(200).end('secret'),
    '/private/open/report.html': (_req, res) => res.writeHead(200).end('open'),
    '/login': (_req, res) =>
      res.writeHead(200, { 'set-cookie': ['sid=abc123; Path=/; HttpOnly', 'gone=1; Max-Age=0'] }).end('welcome'),
    '/needs-cookie': (req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`cookie: ${req.headers.cookie ?? '(none)'}`),
    '/gateway': (req, res) => {
      // Gateways set a cookie and redirect to the same URL; with the cookie, the page comes.
      if (!req.headers.cookie?.includes('gw=ok'))
        res.writeHead(302, { location: '/gateway', 'set-cookie': 'gw=ok' }).end();
      else res.writeHead(200).end('through the gateway');
    },
    '/challenge': (_req, res) =>
      res
        .writeHead(412, { 'content-type': 'text/html', 'set-cookie': 'FSSBBIl1UgzbN7N80S=xyz; Path=/' })
        .end('<html><head><meta content="abc" r="m"><script>$_ts=window[\'$_ts\'];</script></head></html>'),
    '/headers': (req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)),
  });
});

afterAll(async () => {
  for (const res of neverAnswered) res.destroy();
  await site.close();
});

describe('HTTP client against a loopback site', () => {
  it('decodes a GBK page from the header charset and from <meta>', async () => {
    const http = client();
    for (const path of ['/gbk.html', '/gbk-meta.html']) {
      const response = await http.get(`${site.origin}${path}`);
      expect(response.status).toBe(200);
      const decoded = decodeBody(response.body, response.headers['content-type']);
      expect(decoded.text).toContain(TITLE);
      expect(decoded.charset).toBe('gb18030');
      expect(decoded.suspect).toBe(false);
    }
  });

  it('undoes gzip and sends an honest User-Agent with Accept-Language zh-CN', async () => {
    const http = client({ contact: 'mailto:ops@example.org' });
    const gz = await http.get(`${site.origin}/gzip.html`);
    expect(new TextDecoder().decode(gz.body)).toBe(`<p>${TITLE}</p>`);
    const echoed = JSON.parse(new TextDecoder().decode((await http.get(`${site.origin}/headers`)).body));
    expect(echoed['user-agent']).toBe('Mozilla/5.0 (compatible; nianbao-watch/0.1; +mailto:ops@example.org)');
    expect(echoed['accept-language']).toMatch(/^zh-CN/);
  });

  it('retries 503 twice and then succeeds', async () => {
    const http = client({ retries: 3 });
    const before = site.hits('/flaky');
    const response = await http.get(`${site.origin}/flaky`);
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(response.body)).toBe('ok after retries');
    expect(response.attempts).toBe(3);
    expect(site.hits('/flaky') - before).toBe(3);
    expect(http.stats().retries).toBe(2);
  });

  it('gives up after the retries with HttpStatusError (unreachable), backing off with full jitter', async () => {
    const sleeps: number[] = [];
    const http = client({
      retries: 2,
      retryBaseDelayMs: 100,
      retryAfterCapMs: 250,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const before = site.hits('/always-503');
    const error = await failure(http.get(`${site.origin}/always-503`));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(503);
    expect(error.message).toContain(`GET ${site.origin}/always-503`);
    expect(classifyFetchError(error)).toBe('unreachable');
    expect(site.hits('/always-503') - before).toBe(3);
    // Retry-After: 1 s is above the 250 ms cap; jitter 0.5 × 100, 0.5 × 200 is below it.
    expect(sleeps).toEqual([250, 250]);
  });

  it('honours Retry-After and computes jitter from the injected random()', async () => {
    const sleeps: number[] = [];
    const http = client({ retryBaseDelayMs: 1000, random: () => 0.25, sleep: async (ms) => void sleeps.push(ms) });
    const response = await http.get(`${site.origin}/slow-retry-after`);
    expect(response.status).toBe(200);
    expect(sleeps).toEqual([3000]);
  });

  it('retries a connection reset', async () => {
    const http = client({ retries: 1 });
    const response = await http.get(`${site.origin}/reset`);
    expect(new TextDecoder().decode(response.body)).toBe('after reset');
    expect(response.attempts).toBe(2);
  });

  it('times out a server that never answers, after its retries', async () => {
    const http = client({ timeoutMs: 150, retries: 1 });
    const before = site.hits('/hang');
    const error = await failure(http.get(`${site.origin}/hang`));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(`GET ${site.origin}/hang 超时（150 毫秒内未完成）`);
    expect(classifyFetchError(error)).toBe('unreachable');
    expect(site.hits('/hang') - before).toBe(2);
  });

  it('detects a redirect loop and a redirect chain that is too long', async () => {
    const http = client({ maxRedirects: 3 });
    const loop = await failure(http.get(`${site.origin}/loop-a`));
    expect(loop).toBeInstanceOf(RedirectLoopError);
    expect((loop as RedirectLoopError).redirects).toEqual([`${site.origin}/loop-a`, `${site.origin}/loop-b`]);
    const chain = await failure(http.get(`${site.origin}/chain?n=0`));
    expect(chain).toBeInstanceOf(TooManyRedirectsError);
    expect((chain as TooManyRedirectsError).redirects).toHaveLength(4);
    expect(classifyFetchError(chain)).toBe('unreachable');
  });

  it('follows relative redirects and reports the final URL', async () => {
    const response = await client().get(`${site.origin}/moved`);
    expect(response.url).toBe(`${site.origin}/final.html`);
    expect(response.redirects).toEqual([`${site.origin}/moved`]);
    expect(new TextDecoder().decode(response.body)).toBe('final');
  });

  it('stops reading an oversized body and closes the connection', async () => {
    const http = client({ maxBytes: 256 * 1024 });
    const error = await failure(http.get(`${site.origin}/big`));
    expect(error).toBeInstanceOf(TooLargeError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bigBodyClosedEarly).toBe(true);
    expect(bigBodyWritten).toBeLessThan(20 * 1024 * 1024);
    const declared = await failure(http.get(`${site.origin}/big-declared`));
    expect(declared).toBeInstanceOf(TooLargeError);
    expect(declared.message).toContain('声明 10485760 字节');
    // A per-call limit overrides the client's.
    expect((await http.get(`${site.origin}/final.html`, { maxBytes: 5 })).body.byteLength).toBe(5);
    expect(await failure(http.get(`${site.origin}/final.html`, { maxBytes: 4 }))).toBeInstanceOf(TooLargeError);
  });

  it('refuses a redirect into the metadata service or the private network', async () => {
    const http = client();
    const toMetadata = await failure(http.get(`${site.origin}/to-metadata`));
    expect(toMetadata).toBeInstanceOf(BlockedAddressError);
    expect((toMetadata as BlockedAddressError).address).toBe('169.254.169.254');
    expect(toMetadata.message).toBe(
      'GET http://169.254.169.254/latest/meta-data/ 被拒绝：云元数据地址（169.254.169.254）',
    );
    expect(classifyFetchError(toMetadata)).toBe('blocked');
    expect(await failure(http.get(`${site.origin}/to-private`))).toBeInstanceOf(BlockedAddressError);
  });

  it('refuses a direct metadata URL without any connection attempt', async () => {
    let resolved = 0;
    const http = client({
      resolver: async () => {
        resolved++;
        return [{ address: '169.254.169.254', family: 4 }];
      },
    });
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:169.254.169.254]/',
      'http://metadata.example.com/', // resolves to the metadata address
      'file:///etc/passwd',
    ]) {
      expect(classifyFetchError(await failure(http.get(url)))).toBe('blocked');
    }
    expect(resolved).toBe(1);
    expect(http.stats().requests).toBe(0);
    expect(http.stats().refused).toBe(5);
  });

  it('refuses loopback when it is not allowlisted', async () => {
    const http = createHttpClient({ perHostDelayMs: 0 });
    clients.push(http);
    const error = await failure(http.get(`${site.origin}/final.html`));
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as BlockedAddressError).reason).toBe('回环地址');
    expect(http.stats().requests).toBe(0);
  });

  it('connects to the checked address, not to a fresh DNS answer (pinned lookup)', async () => {
    // The system resolver does not know this name; only the guard's resolver does.
    const http = client({
      allowHosts: ['127.0.0.1'],
      resolver: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const response = await http.get(`http://pinned.nianbao.invalid:${site.port}/headers`);
    const echoed = JSON.parse(new TextDecoder().decode(response.body));
    expect(echoed.host).toBe(`pinned.nianbao.invalid:${site.port}`);
    expect(response.address).toBe('127.0.0.1');
  });

  it('makes conditional GETs: 304 means not modified', async () => {
    const http = client();
    const first = await http.get(`${site.origin}/etag`);
    expect(first.status).toBe(200);
    expect(first.notModified).toBe(false);
    expect(first.headers.etag).toBe('"v1"');
    const byEtag = await http.get(`${site.origin}/etag`, { ifNoneMatch: first.headers.etag });
    expect(byEtag).toMatchObject({ status: 304, notModified: true });
    expect(byEtag.body.byteLength).toBe(0);
    const byDate = await http.get(`${site.origin}/etag`, { ifModifiedSince: first.headers['last-modified'] });
    expect(byDate.notModified).toBe(true);
    expect(http.stats().notModified).toBe(2);
  });

  it('serialises requests to one host with the delay between the end of one and the start of the next', async () => {
    const delay = 120;
    const own = await startSite({ '/slow': (_req, res) => void setTimeout(() => res.writeHead(200).end('x'), 30) });
    try {
      const http = client({ perHostDelayMs: delay, respectRobots: false });
      await Promise.all(Array.from({ length: 4 }, (_, i) => http.get(`${own.origin}/slow?i=${i}`)));
      const requests = own.seen.filter((seen) => seen.path.startsWith('/slow')).sort((a, b) => a.start - b.start);
      expect(requests).toHaveLength(4);
      expect(own.inFlightMax()).toBe(1);
      for (let i = 1; i < requests.length; i++) {
        const gap = (requests[i]?.start ?? 0) - (requests[i - 1]?.end ?? 0);
        expect(gap).toBeGreaterThanOrEqual(delay);
      }
      // robots.txt was fetched first and counted as a request to the host as well.
      expect(own.seen[0]?.path).toBe('/robots.txt');
      expect((own.seen[1]?.start ?? 0) - (own.seen[0]?.end ?? 0)).toBeGreaterThanOrEqual(delay);
    } finally {
      await own.close();
    }
  });

  it('takes robots.txt Crawl-delay as a floor on the per-host delay', async () => {
    const own = await startSite({
      '/robots.txt': (_req, res) => res.writeHead(200).end('User-agent: *\nCrawl-delay: 0.15\nDisallow: /no\n'),
      '/page': (_req, res) => res.writeHead(200).end('x'),
    });
    try {
      const http = client({ perHostDelayMs: 0 });
      for (let i = 0; i < 3; i++) await http.get(`${own.origin}/page?i=${i}`);
      const requests = own.seen.filter((seen) => seen.path.startsWith('/page'));
      expect(requests).toHaveLength(3);
      for (let i = 1; i < requests.length; i++) {
        expect((requests[i]?.start ?? 0) - (requests[i - 1]?.end ?? 0)).toBeGreaterThanOrEqual(150);
      }
    } finally {
      await own.close();
    }
  });

  it('caps global concurrency across hosts', async () => {
    const slow: Handler = (_req, res) => void setTimeout(() => res.writeHead(200).end('x'), 80);
    const sites = await Promise.all([startSite({ '/s': slow }), startSite({ '/s': slow }), startSite({ '/s': slow })]);
    let inFlight = 0;
    let peak = 0;
    try {
      const http = client({ perHostConcurrency: 2, globalConcurrency: 2, respectRobots: false });
      await Promise.all(
        sites.flatMap((s) =>
          [1, 2].map(async () => {
            inFlight++;
            peak = Math.max(peak, inFlight);
            await http.get(`${s.origin}/s`);
            inFlight--;
          }),
        ),
      );
      // Server side: never more than two at once over all three hosts.
      const all = sites.flatMap((s) => s.seen.filter((seen) => seen.path === '/s'));
      expect(all).toHaveLength(6);
      const maxOverlap = Math.max(...all.map((a) => all.filter((b) => b.start <= a.start && b.end > a.start).length));
      expect(maxOverlap).toBeLessThanOrEqual(2);
      expect(peak).toBe(6); // all six were asked for at once; the client held them back
    } finally {
      await Promise.all(sites.map((s) => s.close()));
    }
  });

  it('honours robots.txt (our group), fetches it once per site, and can be told to ignore it', async () => {
    const http = client();
    const before = site.hits('/robots.txt');
    const denied = await failure(http.get(`${site.origin}/private/secret.html`));
    expect(denied).toBeInstanceOf(RobotsDisallowedError);
    expect(denied.message).toContain('Disallow: /private/');
    expect(classifyFetchError(denied)).toBe('blocked');
    const open = await http.get(`${site.origin}/private/open/report.html`);
    expect(open.robots).toEqual({ allowed: true, rule: 'Allow: /private/open', respected: true });
    const ignored = await http.get(`${site.origin}/private/secret.html`, { respectRobots: false });
    expect(new TextDecoder().decode(ignored.body)).toBe('secret');
    expect(ignored.robots).toEqual({ allowed: false, rule: 'Disallow: /private/', respected: false });
    expect(site.hits('/robots.txt') - before).toBe(1);
    const record = await http.robots(`${site.origin}/anything`);
    expect(record).toMatchObject({ outcome: 'parsed', status: 200, policy: { group: 'nianbao-watch' } });
    expect(site.hits('/robots.txt') - before).toBe(1);
  });

  it('keeps cookies per host and replays them', async () => {
    const http = client();
    expect(new TextDecoder().decode((await http.get(`${site.origin}/needs-cookie`)).body)).toBe('cookie: (none)');
    await http.get(`${site.origin}/login`);
    expect(new TextDecoder().decode((await http.get(`${site.origin}/needs-cookie`)).body)).toBe('cookie: sid=abc123');
    // A gateway that sets a cookie and redirects to the same URL is not a loop.
    const through = await http.get(`${site.origin}/gateway`);
    expect(new TextDecoder().decode(through.body)).toBe('through the gateway');
    expect(through.redirects).toEqual([`${site.origin}/gateway`]);
  });

  it('classifies an anti-bot challenge as blocked and stops asking that host', async () => {
    const own = await startSite({
      '/challenge': (_req, res) =>
        res.writeHead(412, { 'content-type': 'text/html' }).end("<script>$_ts=window['$_ts'];</script>"),
      '/other': (_req, res) => res.writeHead(200).end('fine'),
    });
    try {
      const http = client({ respectRobots: false });
      const error = await failure(http.get(`${own.origin}/challenge`));
      expect(error).toBeInstanceOf(AntiBotBlockedError);
      expect((error as AntiBotBlockedError).status).toBe(412);
      expect((error as AntiBotBlockedError).response?.body.byteLength).toBeGreaterThan(0);
      expect(classifyFetchError(error)).toBe('blocked');
      const again = await failure(http.get(`${own.origin}/other`));
      expect(again).toBeInstanceOf(AntiBotBlockedError);
      expect(own.hits('/other')).toBe(0);
      expect(own.hits('/challenge')).toBe(1); // never retried
    } finally {
      await own.close();
    }
  });

  it('returns 4xx answers instead of throwing, and reports refused connections as network errors', async () => {
    const http = client();
    const missing = await http.get(`${site.origin}/no-such-page`);
    expect(missing.status).toBe(404);
    const gone = await startSite({});
    const origin = gone.origin;
    await gone.close();
    const error = await failure(client({ retries: 1, respectRobots: false }).get(`${origin}/x`));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('ECONNREFUSED');
    expect(classifyFetchError(error)).toBe('unreachable');
  });
});
