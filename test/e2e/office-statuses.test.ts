/**
 * The office's statuses, triage and early warning in real Chromium: the digest email and the site show
 * every non-green status with a plain reason, a next step and the technical detail under it, the triage
 * badges and the 核查 filter work, and 即将到期 leads the digest. With UPDATE_SCREENSHOTS=1 the pictures
 * go to docs/ (digest-statuses.png, site-statuses.png, site-agency-blocked.png, site-agency-triage.png).
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessAgencyYear, nextState } from '../../shared/compliance/assess.ts';
import type { Assessment } from '../../shared/compliance/status.ts';
import { buildDigest, digestRecord } from '../../shared/notify/digest.ts';
import { renderDigestHtml } from '../../shared/notify/render.ts';
import type { Registry } from '../../shared/registry/agency.ts';
import { loadRegistry } from '../../shared/registry/load.ts';
import { generateSite } from '../../shared/site/generate.ts';
import { linksFromBase } from '../../shared/site/links.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { keys } from '../../shared/storage/keys.ts';
import { putJson } from '../../shared/storage/port.ts';
import type { AgencyRunOutcome, ReportResult, SnapshotMeta } from '../../shared/storage/records.ts';
import { fingerprintFinding, loadTriage, parseTriageInput, recordTriage } from '../../shared/triage/triage.ts';
import { launchChromium } from '../support/browser.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const YEAR = 2024;
const WEEK_1 = '2025-02-03T09:00:00+08:00';
const NOW = '2025-02-10T09:00:00+08:00';
const SHA = (c: string) => c.repeat(64);
const REGION = '河南省/三门峡市/卢氏县';

const REGISTRY = `deadlines: { county-government: "02-20" }
agencies:
  - { id: lushi-jyj, name: 卢氏县教育局, level: county-department, region: ${REGION}, listUrls: [http://jyj.lushi.example.gov.cn/old/ndbg/], liaison: { name: 王芳, phone: 0398-7891234 } }
  - { id: lushi-wjw, name: 卢氏县卫生健康委员会, level: county-department, region: ${REGION}, listUrls: [http://wjw.lushi.example.gov.cn/ndbg/] }
  - { id: lushi-zrzy, name: 卢氏县自然资源局, level: county-department, region: ${REGION}, listUrls: [http://zrzy.lushi.example.gov.cn/ndbg/] }
  - { id: lushi-czj, name: 卢氏县财政局, level: county-department, region: ${REGION}, listUrls: [http://www.lushi.example.gov.cn/czj/ndbg/] }
  - { id: lushi-fgw, name: 卢氏县发展和改革委员会, level: county-department, region: ${REGION}, listUrls: [http://www.lushi.example.gov.cn/fgw/ndbg/], liaison: { name: 李明, phone: 0398-7890001, email: fgw@lushi.example.gov.cn } }
  - { id: lushi-gov, name: 卢氏县人民政府, level: county-government, region: ${REGION}, listUrls: [http://www.lushi.example.gov.cn/ndbg/] }
`;

const ROW_TOTAL = {
  rule: 'arith.row-total',
  severity: 'error' as const,
  message: '表三（七）“总计”行（自然人）：各项之和为 12，填报为 21。',
  location: { section: '三' as const, row: '三（七）总计', column: '自然人' },
  expected: 12,
  actual: 21,
};
const COLUMN_BALANCE = {
  rule: 'arith.column-balance',
  severity: 'error' as const,
  message: '表三“总计”列：一+二=15，三（七）+四=14，两者应相等。',
  location: { section: '三' as const, column: '总计' },
};

let browser: Browser;
let dir: string;
let store: FileSystemStore;
let registry: Registry;
let assessments: Assessment[];
let digestFile: string;

function outcome(agencyId: string, status: AgencyRunOutcome['status'], extra: Partial<AgencyRunOutcome> = {}) {
  return { agencyId, year: YEAR, status, snapshots: [], findings: [], pagesFetched: 2, ...extra } as AgencyRunOutcome;
}

function snapshot(agencyId: string, sha: string): SnapshotMeta {
  return {
    agencyId,
    year: YEAR,
    sha256: sha,
    key: keys.raw(YEAR, agencyId, sha, 'html'),
    url: `http://www.lushi.example.gov.cn/${agencyId}/2025/01/20/art_1.html`,
    pageUrl: `http://www.lushi.example.gov.cn/${agencyId}/2025/01/20/art_1.html`,
    title: '2024年政府信息公开工作年度报告',
    fetchedAt: '2025-01-27T01:00:00.000Z',
    publishDate: '2025-01-20T10:00:00+08:00',
    publishDateSource: 'meta-pubdate',
    otherDates: [],
    contentType: 'text/html; charset=utf-8',
    charset: 'utf-8',
    byteLength: 1000,
    headers: {},
  };
}

function result(agencyId: string, sha: string, findings: ReportResult['findings']): ReportResult {
  return {
    agencyId,
    year: YEAR,
    sha256: sha,
    rawKey: keys.raw(YEAR, agencyId, sha, 'html'),
    parserVersion: 'test',
    parsedAt: '2025-01-27T01:00:00.000Z',
    report: { notes: [] } as never,
    findings,
  };
}

beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(path.join(tmpdir(), 'nianbao-office-e2e-'));
  store = new FileSystemStore(dir);
  registry = loadRegistry(REGISTRY);
  const agencyOf = (id: string) => registry.agencies.find((a) => a.id === id) as Registry['agencies'][number];
  const assess = (id: string, now: string, input: Partial<Parameters<typeof assessAgencyYear>[0]>) =>
    assessAgencyYear({ agency: agencyOf(id), year: YEAR, registry, now, ...input });

  // 财政局 published in week 1, then its report left the list and its article answered 404.
  const czjFound = assess('lushi-czj', WEEK_1, {
    outcome: outcome('lushi-czj', 'found'),
    snapshot: snapshot('lushi-czj', SHA('c')),
    result: result('lushi-czj', SHA('c'), []),
  });
  const czjBefore = nextState(undefined, czjFound, { sha256: SHA('c'), firstSeen: WEEK_1, lastSeen: WEEK_1 });
  const zrzyFound = assess('lushi-zrzy', WEEK_1, {
    outcome: outcome('lushi-zrzy', 'found'),
    snapshot: snapshot('lushi-zrzy', SHA('d')),
    result: result('lushi-zrzy', SHA('d'), []),
  });
  assessments = [
    assess('lushi-jyj', NOW, {
      outcome: outcome('lushi-jyj', 'address-broken', {
        error: '名录中的公开目录地址返回 HTTP 404（网站首页可以访问）：http://jyj.lushi.example.gov.cn/old/ndbg/',
      }),
    }),
    assess('lushi-wjw', NOW, {
      outcome: outcome('lushi-wjw', 'blocked', {
        error:
          'GET http://wjw.lushi.example.gov.cn/ndbg/ 返回反爬虫验证页面（HTTP 412，$_ts（瑞数）），普通客户端无法通过',
      }),
    }),
    assess('lushi-zrzy', NOW, {
      outcome: outcome('lushi-zrzy', 'unreachable', {
        error: 'GET http://zrzy.lushi.example.gov.cn/ndbg/ 超时（30000 毫秒内未完成）',
      }),
      snapshot: snapshot('lushi-zrzy', SHA('d')),
      result: result('lushi-zrzy', SHA('d'), []),
      previous: nextState(undefined, zrzyFound, { sha256: SHA('d'), firstSeen: WEEK_1, lastSeen: WEEK_1 }),
    }),
    assess('lushi-czj', NOW, {
      outcome: outcome('lushi-czj', 'not-found', {
        recheck: { url: snapshot('lushi-czj', SHA('c')).pageUrl, status: 404, at: '2025-02-10T01:00:00.000Z' },
      }),
      previous: czjBefore,
    }),
    assess('lushi-fgw', NOW, {
      outcome: outcome('lushi-fgw', 'found'),
      snapshot: snapshot('lushi-fgw', SHA('f')),
      result: result('lushi-fgw', SHA('f'), [ROW_TOTAL, COLUMN_BALANCE]),
    }),
    assess('lushi-gov', NOW, { outcome: outcome('lushi-gov', 'not-found') }),
  ];
  for (const assessment of assessments) {
    const state = nextState(assessment.agencyId === 'lushi-czj' ? czjBefore : undefined, assessment);
    await putJson(store, keys.state(YEAR, assessment.agencyId), state);
  }
  const at = new Date('2025-02-10T02:00:00Z');
  await recordTriage(
    store,
    parseTriageInput({
      action: 'dismiss',
      agencyId: 'lushi-fgw',
      year: YEAR,
      finding: fingerprintFinding('lushi-fgw', YEAR, ROW_TOTAL),
      by: '张三',
      reason: '合并单元格被误读，原表无误',
    }),
    at,
  );
  await recordTriage(
    store,
    parseTriageInput({
      action: 'confirm',
      agencyId: 'lushi-fgw',
      year: YEAR,
      rule: 'arith.column-balance',
      by: '张三',
    }),
    at,
  );
  await recordTriage(
    store,
    parseTriageInput({ action: 'notified', agencyId: 'lushi-fgw', year: YEAR, by: '李四', noticeDate: '2025-02-10' }),
    at,
  );
  const triage = await loadTriage(store, YEAR);
  const previous = digestRecord([czjFound, zrzyFound], WEEK_1, null);
  const digest = buildDigest({
    registry,
    assessments,
    now: NOW,
    previous,
    triage,
    links: linksFromBase('https://nianbao.example.gov.cn'),
  });
  digestFile = path.join(dir, 'digest.html');
  await writeFile(digestFile, renderDigestHtml(digest));
  await generateSite(store, { registry, now: new Date(NOW) });
  if (process.env.UPDATE_SCREENSHOTS === '1') mkdirSync(path.join(REPO_ROOT, 'docs'), { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function shot(name: string): string {
  return process.env.UPDATE_SCREENSHOTS === '1' ? path.join(REPO_ROOT, 'docs', name) : path.join(dir, name);
}

describe('office statuses in Chromium', () => {
  it('the digest says what happened and what to do for every status, early warning first', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(pathToFileURL(digestFile).href);
    const text = (await page.textContent('body')) ?? '';
    expect(text.indexOf('即将到期')).toBeLessThan(text.indexOf('概况'));
    expect(text).toContain('卢氏县人民政府');
    expect(text).toContain('距截止日期还有 10 天');
    expect(text).toContain('建议：名录地址失效，请更新名录。');
    expect(text).toContain('建议：网站拦截自动访问，请联系该机关或手工核查。');
    expect(text).toContain('技术信息：GET http://wjw.lushi.example.gov.cn/ndbg/ 返回反爬虫验证页面（HTTP 412');
    expect(text).toContain('发布后被撤下');
    expect(text).toContain('已标记为误报、不再提示：1 条问题');
    expect(text).toContain('已督办（李四，督办日期 2025-02-10）');
    expect(text).toContain('〔已核实（张三');
    expect(text).not.toContain('各项之和为 12，填报为 21');
    expect(text).toContain('联系人 李明 · 电话 0398-7890001');
    // Nothing in this outage week is "resolved".
    expect(text).toContain('已解决 0');
    await page.screenshot({ path: shot('digest-statuses.png'), fullPage: true });
    await page.close();
  });

  it('the site shows each status with its note, the triage badges, and filters by 核查', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(pathToFileURL(path.join(dir, 'site', 'region', `${REGION.replaceAll('/', '-')}.html`)).href);
    await page.waitForSelector('#agency-rows tr');
    expect(await page.locator('#agency-rows tr').count()).toBe(6);
    const badges = await page.locator('#agency-rows .badge').allTextContents();
    expect(badges).toEqual(expect.arrayContaining(['名录地址失效', '网站拦截', '无法访问', '未公开']));
    await page.screenshot({ path: shot('site-statuses.png'), fullPage: true });
    await page.selectOption('#f-triage', 'dismissed');
    expect(await page.locator('#agency-rows tr').count()).toBe(1);
    expect(await page.locator('#agency-rows tr a').textContent()).toBe('卢氏县发展和改革委员会');
    await page.selectOption('#f-triage', 'none');
    expect(await page.locator('#agency-rows tr').count()).toBe(5);

    await page.goto(pathToFileURL(path.join(dir, 'site', 'agency', 'lushi-wjw.html')).href);
    const blocked = (await page.textContent('body')) ?? '';
    expect(blocked).toContain('建议：网站拦截自动访问，请联系该机关或手工核查。');
    expect(blocked).toContain('技术信息：');
    expect(blocked).not.toContain('未发现问题');
    await page.screenshot({ path: shot('site-agency-blocked.png'), fullPage: true });

    await page.goto(pathToFileURL(path.join(dir, 'site', 'agency', 'lushi-fgw.html')).href);
    expect(await page.locator('li[data-triage="dismissed"] .triage-dismissed').count()).toBe(1);
    expect(await page.locator('li .triage-confirmed').count()).toBe(1);
    expect(await page.locator('.status-verdict .triage-notified').count()).toBe(1);
    expect((await page.textContent('body')) ?? '').toContain('李明　电话 0398-7890001');
    await page.screenshot({ path: shot('site-agency-triage.png'), fullPage: true });
    await page.close();
  });
});
