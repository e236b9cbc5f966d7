/**
 * The generated results site in real Chromium (Debian's /usr/bin/chromium through playwright-core),
 * served by `nianbao serve`'s server on 127.0.0.1 and opened from file:// as well.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agency } from '../../shared/registry/agency.ts';
import { generateSite } from '../../shared/site/generate.ts';
import { reportPagePath } from '../../shared/site/paths.ts';
import { type SiteServer, startSiteServer } from '../../shared/site/server.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { getJson } from '../../shared/storage/port.ts';
import { launchChromium } from '../support/browser.ts';
import {
  mutateApplications,
  syntheticReport,
  writeAgencyCase,
  writeSyntheticPopulation,
} from '../support/synthetic-store.ts';

const NOW = new Date('2025-05-12T02:00:00Z');
const YEAR = 2024;
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOSTILE_QUOTE = '</script><script>alert(1)</script>';
const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

const mutant: Agency = {
  id: 'mutant',
  name: '卢氏县测试局',
  level: 'county-department',
  region: ['河南省', '三门峡市', '卢氏县'],
  listUrls: ['https://www.lushi.gov.cn/ndbg/'],
};
const hostile: Agency = {
  id: 'hostile',
  name: HOSTILE_NAME,
  level: 'county-department',
  region: ['河南省', '三门峡市', '卢氏县'],
  listUrls: ['javascript:alert(1)'],
};

let root: string;
let server: SiteServer;
let browser: Browser;
let mutantSha: string;
let hostileSha: string;
let lateCount = 0;
const dialogs: string[] = [];

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.goto(url);
  return page;
}

/** Screenshots go to docs/ when UPDATE_SCREENSHOTS=1, else to the temp folder (so a run never dirties the tree). */
function screenshotPath(name: string): string {
  return process.env.UPDATE_SCREENSHOTS === '1' ? path.join(REPO_ROOT, 'docs', name) : path.join(root, name);
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'nianbao-site-e2e-'));
  const store = new FileSystemStore(root);
  const population = await writeSyntheticPopulation(store, { agencies: 60, year: YEAR, now: NOW });
  for (const agency of population) {
    const state = await getJson<{ current: { status: string } }>(store, `state/${YEAR}/${agency.id}.json`);
    if (state?.current.status === 'late') lateCount++;
  }
  const deadline = '2025-01-31T15:59:59.000Z';
  // One cell of table 三 changed: 三（一）予以公开 × 自然人 is off by 7, so its row and column no longer add up.
  const mutantReport = syntheticReport(10, mutant, YEAR, (values) =>
    mutateApplications(values, 'granted', 'natural', 7),
  );
  mutantSha = (
    await writeAgencyCase(store, {
      agency: mutant,
      year: YEAR,
      status: 'inconsistent',
      report: mutantReport,
      deadline,
      publishDate: '2025-01-20T09:00:00+08:00',
      sourceUrl: 'https://www.lushi.gov.cn/ndbg/2024.html',
      history: [
        { at: '2025-01-06T02:00:00Z', status: 'pending' },
        { at: '2025-01-20T02:00:00Z', status: 'inconsistent' },
      ],
    })
  ).sha256 as string;
  const hostileReport = syntheticReport(77, hostile, YEAR);
  hostileReport.title = HOSTILE_NAME;
  hostileSha = (
    await writeAgencyCase(store, {
      agency: hostile,
      year: YEAR,
      status: 'inconsistent',
      report: hostileReport,
      deadline,
      publishDate: '2025-01-21T09:00:00+08:00',
      sourceUrl: 'javascript:alert(1)',
      pageTitle: HOSTILE_NAME,
      findings: [
        {
          rule: 'narrative.mismatch',
          severity: 'error',
          message: `正文写道“${HOSTILE_QUOTE}”，与表格不符。`,
          location: { section: '一' },
        },
      ],
      history: [{ at: '2025-01-21T02:00:00Z', status: 'inconsistent' }],
    })
  ).sha256 as string;
  await generateSite(store, { registry: { agencies: [...population, mutant, hostile] }, now: NOW });
  server = await startSiteServer({ root });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('results site in Chromium', () => {
  it('serves on loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/site\/index\.html$/);
  });

  it('opens the newest overview from index.html and renders its weekly chart', async () => {
    const page = await openPage(server.url);
    await page.waitForURL(/year-2024\.html$/);
    await expect(page.title()).resolves.toContain('总览');
    const bars = page.locator('svg.chart rect.bar');
    expect(await bars.count()).toBeGreaterThan(10);
    const statuses = new Set(await bars.evaluateAll((rects) => rects.map((r) => r.getAttribute('data-status'))));
    expect(statuses).toContain('late');
    expect(statuses).toContain('on-time');
    // The newest week's bar adds up to every assessed agency.
    const lastWeek = await bars.last().getAttribute('data-week');
    const total = await page
      .locator(`svg.chart rect.bar[data-week="${lastWeek}"]`)
      .evaluateAll((rects) => rects.reduce((sum, r) => sum + Number(r.getAttribute('data-count')), 0));
    expect(total).toBe(62);
    await expect(page.locator('table.regions tr[data-region="河南省/三门峡市"]').count()).resolves.toBe(1);
    await page.screenshot({ path: screenshotPath('site-overview.png'), fullPage: true });
    await page.close();
  });

  it("indexes the regions with their counts and lists, filters and searches a region's agencies", async () => {
    const index = await openPage(`${server.origin}/site/agencies.html`);
    const listings = index.locator('#region-table tbody:not([hidden]) tr.listing');
    expect(await listings.count()).toBeGreaterThan(20);
    await expect(index.locator('#count').textContent()).resolves.toContain('62 个机关');
    // The province's row adds up every agency and every late one.
    const province = index.locator('#region-table tbody:not([hidden]) tr.group[data-region="河南省"]');
    await expect(province.locator('td').nth(1).textContent()).resolves.toBe('62');
    await expect(province.locator('td').nth(3).textContent()).resolves.toBe(String(lateCount));
    await index.fill('#f-search', '卢氏县');
    const lushi = index.locator('tr.listing[data-region="河南省/三门峡市/卢氏县"]');
    expect(await lushi.isVisible()).toBe(true);
    await lushi.locator('a').click();
    await index.waitForURL(/region\/.*\.html/);
    const rows = index.locator('tr.agency-row');
    await expect(rows.count()).resolves.toBe(2);
    await index.fill('#f-search', '卢氏县测试');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('卢氏县测试局');
    await index.fill('#f-search', '');
    await index.selectOption('#f-status', 'inconsistent');
    await expect(rows.count()).resolves.toBe(2);
    expect(index.url()).toContain('status=inconsistent');
    // The region's workbook is beside its page.
    const href = await index.locator('.downloads a').first().getAttribute('href');
    const response = await index.request.get(new URL(href as string, index.url()).href);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('spreadsheetml');
    await index.close();
  });

  it('follows a status card of the overview to the regions with such agencies and on to their list', async () => {
    const page = await openPage(`${server.origin}/site/year-2024.html`);
    await page.locator('.card[data-status="late"] a').click();
    await page.waitForURL(/agencies\.html#/);
    await expect(page.locator('#f-status').inputValue()).resolves.toBe('late');
    const shown = page.locator('#region-table tbody:not([hidden]) tr.listing:not([hidden])');
    expect(await shown.count()).toBeGreaterThan(0);
    await expect(page.locator('#count').textContent()).resolves.toContain(`${lateCount} 个“逾期公开”的机关`);
    let listed = 0;
    for (const href of await shown
      .locator('a')
      .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href))) {
      const region = await openPage(href);
      await expect(region.locator('#f-status').inputValue()).resolves.toBe('late');
      const statuses = await region
        .locator('tr.agency-row')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')));
      expect(new Set(statuses)).toEqual(new Set(['late']));
      listed += statuses.length;
      await region.close();
    }
    expect(listed).toBe(lateCount);
    await page.close();
  });

  it('highlights the failing cell of a mutated report with the finding beside it', async () => {
    const page = await openPage(`${server.origin}/site/${reportPagePath(YEAR, 'mutant', mutantSha)}`);
    const cell = page.locator('#t3-granted-natural');
    await expect(cell.getAttribute('class')).resolves.toMatch(/\bfailing\b/);
    // The rest of the broken row is tinted but not pointed at.
    await expect(page.locator('#t3-granted-total').getAttribute('class')).resolves.toMatch(/\binvolved\b/);
    await expect(page.locator('#t3-granted-total').getAttribute('class')).resolves.not.toMatch(/failing/);
    // An untouched cell far from the mutation is not flagged.
    await expect(page.locator('#t4-review-upheld').getAttribute('class')).resolves.not.toMatch(/failing/);
    const numbers = ((await cell.getAttribute('data-findings')) ?? '').split(' ').filter(Boolean);
    expect(numbers.length).toBeGreaterThanOrEqual(2);
    const rules: string[] = [];
    for (const number of numbers) {
      const item = page.locator(`#section-三 aside li#f-${number}`);
      await expect(item.count()).resolves.toBe(1);
      rules.push((await item.getAttribute('data-rule')) ?? '');
      await expect(item.textContent()).resolves.toMatch(/予以公开|总计/);
    }
    expect(rules).toContain('arith.row-total');
    expect(rules).toContain('arith.outcome-total');
    await page.locator('#section-三').evaluate((section) => section.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: screenshotPath('site-report.png'), fullPage: false });
    // The archived original is reachable through the same server.
    const href = await page.locator('a', { hasText: '存档原件' }).getAttribute('href');
    const response = await page.request.get(new URL(href as string, page.url()).href);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-security-policy']).toContain('sandbox');
    await page.close();
  });

  it('shows hostile report text as text on every page', async () => {
    const pages = [
      `${server.origin}/site/region/${encodeURIComponent('河南省-三门峡市-卢氏县')}.html#q=${encodeURIComponent('<img')}`,
      `${server.origin}/site/agency/hostile.html`,
      `${server.origin}/site/${reportPagePath(YEAR, 'hostile', hostileSha)}`,
    ];
    for (const url of pages) {
      const page = await openPage(url);
      await page.waitForLoadState('load');
      const body = (await page.locator('main').textContent()) ?? '';
      expect(body).toContain(HOSTILE_NAME);
      await expect(page.locator('img').count()).resolves.toBe(0);
      const badLinks = await page
        .locator('a')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? '').filter((h) => /^javascript:/i.test(h)));
      expect(badLinks).toEqual([]);
      if (url.includes('/report/')) expect(body).toContain(HOSTILE_QUOTE);
      await page.close();
    }
    expect(dialogs).toEqual([]);
  });

  it('works from file:// without a server, stylesheet included', async () => {
    const page = await openPage(pathToFileURL(path.join(root, 'site', 'index.html')).href);
    await page.waitForURL(/year-2024\.html$/);
    expect(await page.locator('svg.chart rect.bar').count()).toBeGreaterThan(10);
    const headerColour = await page.locator('header.top').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(headerColour).toBe('rgb(18, 53, 91)');
    await page.locator('a', { hasText: '机关列表' }).first().click();
    await page.waitForURL(/agencies\.html/);
    await page.locator('tr.listing[data-region="河南省/三门峡市/卢氏县"] a').click();
    await page.waitForURL(/region\//);
    expect(await page.locator('tr.agency-row').count()).toBe(2);
    await page.locator('tr.agency-row a', { hasText: '卢氏县测试局' }).click();
    await page.waitForURL(/agency\/mutant\.html/);
    await page.locator('main p.muted a').last().click();
    await page.waitForURL(/region\//);
    expect(await page.locator('tr.agency-row').count()).toBe(2);
    await page.close();
  });

  it('fits a region list and the index into a phone screen (390 px)', async () => {
    for (const file of ['agencies.html', 'region/河南省-三门峡市-卢氏县.html']) {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
      await page.goto(pathToFileURL(path.join(root, 'site', file)).href);
      await page.waitForLoadState('load');
      expect(await page.evaluate(() => document.documentElement.scrollWidth), file).toBeLessThanOrEqual(390);
      await page.close();
    }
  });
});

// Keep the screenshots helper honest: when asked to update, make sure docs/ exists first.
if (process.env.UPDATE_SCREENSHOTS === '1') mkdirSync(path.join(REPO_ROOT, 'docs'), { recursive: true });
