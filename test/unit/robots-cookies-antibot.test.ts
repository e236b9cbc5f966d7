import { describe, expect, it } from 'vitest';
import { looksLikeAntiBot } from '../../shared/fetch/anti-bot.ts';
import { CookieJar } from '../../shared/fetch/cookies.ts';
import { MAX_CRAWL_DELAY_MS, parseRobots, robotsAllows } from '../../shared/fetch/robots.ts';

describe('robots.txt', () => {
  const text = [
    'User-agent: *',
    'Disallow: /',
    '',
    'User-agent: Baiduspider',
    'User-agent: nianbao-watch',
    'Disallow: /private/',
    'Allow: /private/open',
    'Disallow: /*.php$',
    'Disallow: /search?',
    'Disallow: /年报/草稿',
    'Sitemap: https://example.gov.cn/sitemap.xml',
  ].join('\n');
  const ours = parseRobots(text, 'nianbao-watch');
  const others = parseRobots(text, 'somebot');

  it('picks our group over *, and * for others', () => {
    expect(ours.group).toBe('nianbao-watch');
    expect(others.group).toBe('*');
    expect(robotsAllows(others, '/anything').allowed).toBe(false);
  });

  it.each([
    ['/index.html', true, null],
    ['/private/x.html', false, 'Disallow: /private/'],
    ['/private/open/report.pdf', true, 'Allow: /private/open'],
    ['/a/b.php', false, 'Disallow: /*.php$'],
    ['/a/b.php?x=1', true, null],
    ['/search?q=年报', false, 'Disallow: /search?'],
    ['/%E5%B9%B4%E6%8A%A5/%E8%8D%89%E7%A8%BF/1.html', false, 'Disallow: /年报/草稿'],
    ['/robots.txt', true, null],
  ])('%s → allowed %s', (path, allowed, rule) => {
    expect(robotsAllows(ours, path)).toEqual({ allowed, rule });
  });

  it('treats an empty Disallow and a missing group as allow-all; Allow wins ties', () => {
    expect(robotsAllows(parseRobots('User-agent: *\nDisallow:\n', 'nianbao-watch'), '/x').allowed).toBe(true);
    const noGroup = parseRobots('Disallow: /\n', 'nianbao-watch');
    expect(noGroup.group).toBeNull();
    expect(robotsAllows(noGroup, '/').allowed).toBe(true);
    const tie = parseRobots('User-agent: *\nDisallow: /page\nAllow: /page\n', 'nianbao-watch');
    expect(robotsAllows(tie, '/page.html').allowed).toBe(true);
  });
});

describe('robots.txt Crawl-delay', () => {
  it("reads our group's Crawl-delay in ms, falls back to *, and caps a huge one", () => {
    expect(parseRobots('User-agent: *\nCrawl-delay: 2\n', 'nianbao-watch').crawlDelayMs).toBe(2000);
    const both = 'User-agent: *\nCrawl-delay: 9\n\nUser-agent: nianbao-watch\nCrawl-delay: 0.5\nDisallow: /x\n';
    expect(parseRobots(both, 'nianbao-watch').crawlDelayMs).toBe(500);
    expect(parseRobots('User-agent: *\nCrawl-delay: 86400\n', 'nianbao-watch').crawlDelayMs).toBe(MAX_CRAWL_DELAY_MS);
    expect(parseRobots('User-agent: *\nCrawl-delay: soon\n', 'nianbao-watch').crawlDelayMs).toBeNull();
    expect(parseRobots('User-agent: *\nDisallow: /a\n', 'nianbao-watch').crawlDelayMs).toBeNull();
  });
});

describe('CookieJar', () => {
  it('stores, replays, expires and deletes cookies per host', () => {
    const jar = new CookieJar();
    jar.store(
      'http://www.example.gov.cn/',
      ['sid=abc; Path=/; HttpOnly', 'short=1; Max-Age=10', 'FSSBBIl1UgzbN7N80S=x=y'],
      1_000,
    );
    expect(jar.header('http://www.example.gov.cn/a.html', 2_000)).toBe('sid=abc; short=1; FSSBBIl1UgzbN7N80S=x=y');
    expect(jar.header('http://WWW.EXAMPLE.GOV.CN/', 20_000)).toBe('sid=abc; FSSBBIl1UgzbN7N80S=x=y');
    expect(jar.header('http://other.example.gov.cn/', 2_000)).toBeUndefined();
    jar.store('http://www.example.gov.cn/', ['sid=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], 30_000);
    expect(jar.header('http://www.example.gov.cn/', 30_000)).toBe('FSSBBIl1UgzbN7N80S=x=y');
  });

  it('replays a gateway cookie set for the parent domain to a sibling host (the old jar did not)', () => {
    const jar = new CookieJar();
    jar.store('https://www.example.gov.cn/gateway', ['gw=ok; Domain=example.gov.cn; Path=/'], 1_000);
    expect(jar.header('https://xxgk.example.gov.cn/list.html', 2_000)).toBe('gw=ok');
    expect(jar.header('https://example.gov.cn/', 2_000)).toBe('gw=ok');
    expect(jar.header('https://www.other.gov.cn/', 2_000)).toBeUndefined();
  });

  it('honours Path and Secure, and refuses a cookie for a public suffix', () => {
    const jar = new CookieJar();
    jar.store(
      'https://www.example.gov.cn/xxgk/index.html',
      ['p=1; Path=/xxgk', 's=1; Secure; Path=/', 'wide=1; Domain=gov.cn; Path=/'],
      1_000,
    );
    expect(jar.header('https://www.example.gov.cn/xxgk/2024/report.html', 2_000)).toBe('p=1; s=1');
    expect(jar.header('https://www.example.gov.cn/other/', 2_000)).toBe('s=1');
    expect(jar.header('http://www.example.gov.cn/xxgk/', 2_000)).toBe('p=1');
    expect(jar.header('https://www.other.gov.cn/', 2_000)).toBeUndefined();
  });
});

describe('looksLikeAntiBot', () => {
  const body = (text: string) => new TextEncoder().encode(text);
  const ruishu =
    '<html><head><meta content="x" r="m"><script>$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};</script></head></html>';

  it('recognises challenge pages', () => {
    expect(looksLikeAntiBot({ status: 412, headers: {}, body: body(ruishu) })).toMatch(/瑞数/);
    expect(looksLikeAntiBot({ status: 412, headers: {}, body: body('') })).toBe('HTTP 412');
    expect(looksLikeAntiBot({ status: 200, headers: {}, body: body(ruishu) })).toMatch(/瑞数/);
    expect(
      looksLikeAntiBot({
        status: 521,
        headers: {},
        body: body('<script>document.cookie="__jsl_clearance=1"</script>'),
      }),
    ).toMatch(/加速乐/);
    expect(
      looksLikeAntiBot({
        status: 403,
        headers: { 'set-cookie': 'FSSBBIl1UgzbN7N80S=abc; Path=/' },
        body: body('<html></html>'),
      }),
    ).toBe('anti-bot cookie');
  });

  it('leaves ordinary pages alone', () => {
    expect(
      looksLikeAntiBot({ status: 200, headers: {}, body: body('<html>卢氏县2024年政府信息公开工作年度报告</html>') }),
    ).toBeNull();
    expect(looksLikeAntiBot({ status: 403, headers: {}, body: body('Forbidden') })).toBeNull();
    // The scan's old copy called every small 403/202 page blocked, and any page saying "challenge":
    // a plain refusal, an accepted-for-processing page and a page about a challenge are not walls.
    expect(looksLikeAntiBot({ status: 403, headers: {}, body: body('<h1>403 Forbidden</h1><p>nginx</p>') })).toBeNull();
    expect(looksLikeAntiBot({ status: 202, headers: {}, body: body('<p>已受理</p>') })).toBeNull();
    expect(
      looksLikeAntiBot({ status: 403, headers: {}, body: body('<p>The challenge of open government</p>') }),
    ).toBeNull();
    expect(looksLikeAntiBot({ status: 404, headers: {}, body: body(ruishu) })).toBeNull();
    // A big real page that happens to mention a marker is not a challenge.
    expect(looksLikeAntiBot({ status: 200, headers: {}, body: body(`${'正文'.repeat(40_000)}$_ts`) })).toBeNull();
  });
});
