/**
 * The office's weeks on real loopback sites, scanned by the real polite client:
 * - week 1: every agency of site 1 publishes;
 * - week 2: site 1 is down as a whole (every page, the home page too, answers 404, as in a migration):
 *   the digest says unreachable, nothing is 撤下 and nothing is 已解决;
 * - week 3: site 1 answers again, one agency's report has left the list AND its article URL answers
 *   404: 撤下 for that one only.
 * Site 2 holds the setup traps: a registry list URL that answers 404 while the home page answers
 * (名录地址失效, never 未公开) and a plain small 403 (not blocked); site 3 a 412 anti-bot challenge (blocked).
 * The challenge has a host of its own: the client refuses a host once it challenged, so on site 2 it
 * raced the 404's home-page check (which then said blocked, scan-bounds.test.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBodyHtml, shiftYears } from '../../demo/seed-html.ts';
import { updateAssessments } from '../../shared/compliance/update.ts';
import { createHttpClient } from '../../shared/fetch/http.ts';
import { buildDigest, type Digest, type DigestRecord, digestRecord } from '../../shared/notify/digest.ts';
import { renderDigestText } from '../../shared/notify/render.ts';
import { runScanAndParse } from '../../shared/pipeline/scan-run.ts';
import type { Registry } from '../../shared/registry/agency.ts';
import { loadRegistry } from '../../shared/registry/load.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const SEEDS = path.resolve(REPO_ROOT, '../shared/seeds');
const YEAR = 2024;
const SITE1_AGENCIES = [
  { id: 'jia', name: '卢氏县甲局' },
  { id: 'yi', name: '卢氏县乙局' },
  { id: 'bing', name: '卢氏县丙局' },
];
/** On site 1 too, but never publishes: missing in week 1, and its problem must outlive the outage. */
const NEVER = { id: 'ding', name: '卢氏县丁局' };

let seed = '';
/** Site 1's mode: 'up' (everyone listed), 'down' (everything 404), 'yi-gone' (乙 delisted, its article 404). */
let site1Mode: 'up' | 'down' | 'yi-gone' = 'up';
let server1: Server;
let server2: Server;
let server3: Server;
let base1 = '';
let base2 = '';
let base3 = '';
let dir = '';
let store: FileSystemStore;
let registry: Registry;

function page(title: string, body: string, extraHead = ''): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title>${extraHead}</head><body>${body}</body></html>`;
}

function site1(url: string): { status: number; body: string } {
  if (site1Mode === 'down') return { status: 404, body: page('404', '<h1>页面不存在</h1>') };
  if (url === '/') return { status: 200, body: page('卢氏县人民政府', '<h1>首页</h1>') };
  const list = /^\/(\w+)\/list\.html$/.exec(url);
  if (list) {
    if (list[1] === NEVER.id) {
      return {
        status: 200,
        body: page('政府信息公开年报', '<ul class="list"><li><a href="/ding/n.html">工作动态</a></li></ul>'),
      };
    }
    const agency = SITE1_AGENCIES.find((a) => a.id === list[1]);
    if (!agency) return { status: 404, body: '' };
    const delisted = site1Mode === 'yi-gone' && agency.id === 'yi';
    const items = delisted
      ? '<li><a href="/yi/notice.html">关于开展政务公开工作的通知</a> <span>2025-01-10</span></li>'
      : `<li><a href="/${agency.id}/2024.html">${agency.name}${YEAR}年政府信息公开工作年度报告</a> <span>2025-01-20</span></li>`;
    return { status: 200, body: page('政府信息公开年报', `<ul class="list">${items}</ul>`) };
  }
  const article = /^\/(\w+)\/2024\.html$/.exec(url);
  if (article) {
    const agency = SITE1_AGENCIES.find((a) => a.id === article[1]);
    if (!agency || (site1Mode === 'yi-gone' && agency.id === 'yi')) return { status: 404, body: page('404', '') };
    const text = shiftYears(seed, 1).replace(/卢氏县乡村振兴局/g, agency.name);
    return {
      status: 200,
      body: page(
        `${agency.name}${YEAR}年政府信息公开工作年度报告`,
        `<h1>${agency.name}${YEAR}年政府信息公开工作年度报告</h1>${seedBodyHtml(text)}`,
        '<meta name="PubDate" content="2025-01-20 10:00">',
      ),
    };
  }
  return { status: 404, body: page('404', '') };
}

function site2(url: string): { status: number; body: string; headers?: Record<string, string> } {
  if (url === '/') return { status: 200, body: page('某县人民政府', '<h1>首页</h1>') };
  // The registry points at an old column address: 404 while the site itself works.
  if (url === '/old/list.html') return { status: 404, body: page('404', '<h1>您访问的页面不存在</h1>') };
  if (url.startsWith('/forbidden/')) return { status: 403, body: page('403 Forbidden', '<h1>403 Forbidden</h1>') };
  return { status: 404, body: '' };
}

/** A site behind an anti-bot wall (瑞数-style 412 challenge) on every page. */
function site3(): { status: number; body: string } {
  return { status: 412, body: page('', "<script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=1;</script>") };
}

function listen(handler: typeof site1): Promise<Server> {
  const server = createServer((request, response) => {
    const answer = handler(request.url ?? '/');
    response.writeHead(answer.status, { 'content-type': 'text/html; charset=utf-8' });
    response.end(answer.body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function week(nowIso: string, previous: DigestRecord | null): Promise<{ digest: Digest; record: DigestRecord }> {
  const now = () => new Date(nowIso);
  const http = createHttpClient({
    allowHosts: registry.allowHosts,
    respectRobots: false,
    perHostDelayMs: 0,
    retries: 0,
    timeoutMs: 20_000, // semantics, not timing: a loaded CI machine must not turn a slow home page into an outage
    now,
  });
  try {
    await runScanAndParse({ registry, year: YEAR, store, http, now });
  } finally {
    http.close?.();
  }
  const assessments = await updateAssessments(store, registry, YEAR, nowIso);
  const digest = buildDigest({ registry, assessments, now: nowIso, previous });
  return { digest, record: digestRecord(assessments, nowIso, previous) };
}

beforeAll(async () => {
  seed = await readFile(path.join(SEEDS, '000_8082592266180d8d.txt'), 'utf8');
  server1 = await listen(site1);
  server2 = await listen(site2);
  server3 = await listen(site3);
  base1 = `http://127.0.0.1:${(server1.address() as AddressInfo).port}`;
  base2 = `http://127.0.0.1:${(server2.address() as AddressInfo).port}`;
  base3 = `http://127.0.0.1:${(server3.address() as AddressInfo).port}`;
  dir = await mkdtemp(path.join(tmpdir(), 'nianbao-weeks-'));
  store = new FileSystemStore(dir);
  const agencies = [
    ...[...SITE1_AGENCIES, NEVER].map((a) => ({ ...a, list: `${base1}/${a.id}/list.html` })),
    { id: 'broken', name: '某县丁局', list: `${base2}/old/list.html` },
    { id: 'ruishu', name: '某县戊局', list: `${base3}/ruishu/list.html` },
    { id: 'forbidden', name: '某县己局', list: `${base2}/forbidden/list.html` },
  ];
  registry = loadRegistry(`allowHosts: [127.0.0.1]
respectRobots: false
agencies:
${agencies
  .map(
    (a) => `  - id: ${a.id}
    name: ${a.name}
    level: county-department
    region: [河南省, 三门峡市, 卢氏县]
    listUrls: ["${a.list}"]`,
  )
  .join('\n')}
`);
});

afterAll(async () => {
  server1?.close();
  server2?.close();
  server3?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('three weeks of an office on loopback sites', () => {
  it('tells an outage from a withdrawal, a broken address from a missing report, a challenge from a 403', async () => {
    // Week 1 (after the 01-31 deadline): all of site 1 published.
    site1Mode = 'up';
    const w1 = await week('2025-02-03T09:00:00+08:00', null);
    const status1 = Object.fromEntries(w1.digest.regions.flatMap((r) => r.rows).map((row) => [row.agencyId, row]));
    const assessed1 = w1.digest.summary.byStatus;
    expect(assessed1['on-time'] + assessed1.inconsistent).toBe(3);
    // A 404 list URL on a working site: 名录地址失效, never 未公开.
    expect(status1.broken?.status).toBe('address-broken');
    expect(status1.broken?.statusLabel).toBe('名录地址失效');
    expect(status1.broken?.nextStep).toBe('名录地址失效，请更新名录。');
    expect(status1.broken?.detail).toContain('HTTP 404');
    // A 412 challenge is blocked, with the plain next step; a plain 403 is not called blocked.
    expect(status1.ruishu?.status).toBe('blocked');
    expect(status1.ruishu?.nextStep).toBe('网站拦截自动访问，请联系该机关或手工核查。');
    expect(status1.ruishu?.reason).not.toContain('$_ts');
    expect(status1.ruishu?.detail).toContain('412');
    expect(status1.forbidden?.status).toBe('unreachable');
    expect(status1.forbidden?.detail).toContain('403');
    // Only the agency that truly published nothing on a working list is 未公开.
    expect(
      Object.values(status1)
        .filter((row) => row.status === 'missing')
        .map((row) => row.agencyId),
    ).toEqual(['ding']);

    // Week 2: site 1 is down as a whole.
    site1Mode = 'down';
    const w2 = await week('2025-02-10T09:00:00+08:00', w1.record);
    const rows2 = w2.digest.regions.flatMap((r) => r.rows);
    for (const agency of SITE1_AGENCIES) {
      const row = rows2.find((r) => r.agencyId === agency.id);
      expect(row?.flags).toContain('unreachable');
      expect(row?.detail).toContain('首页也无法打开');
    }
    const text2 = renderDigestText(w2.digest);
    expect(text2).not.toContain('撤下');
    expect(w2.digest.changes.counts.resolved).toBe(0);
    // 丁局's 未公开 is neither confirmed nor resolved while its site is down: still open since week 1.
    expect(w2.digest.changes.stillOpen.map((p) => `${p.agencyId}/${p.aspect}`)).toContain('ding/missing');
    expect(rows2.find((r) => r.agencyId === 'ding')?.status).toBe('unreachable');
    expect(w2.digest.allFindings.some((f) => f.finding.rule === 'compliance.report-removed')).toBe(false);

    // Week 3: site 1 answers again; 乙 is off the list and its article answers 404.
    site1Mode = 'yi-gone';
    const w3 = await week('2025-02-17T09:00:00+08:00', w2.record);
    const removed = w3.digest.allFindings.filter((f) => f.finding.rule === 'compliance.report-removed');
    expect(removed.map((f) => f.agencyId)).toEqual(['yi']);
    const yi = w3.digest.regions.flatMap((r) => r.rows).find((r) => r.agencyId === 'yi');
    expect(yi?.status).toBe('missing');
    expect(yi?.detail).toContain('HTTP 404');
    expect(renderDigestText(w3.digest)).toContain('发布后被撤下');
    // The others are back: their outage resolved, nothing else.
    expect(w3.digest.changes.resolved.map((p) => `${p.agencyId}/${p.aspect}`).sort()).toEqual([
      'bing/unreachable',
      'ding/unreachable',
      'jia/unreachable',
      'yi/unreachable',
    ]);
    expect(w3.digest.changes.stillOpen.map((p) => `${p.agencyId}/${p.aspect}`)).toContain('ding/missing');
  }, 60_000);
});
