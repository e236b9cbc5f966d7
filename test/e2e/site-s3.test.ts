/**
 * The site generated through the S3 adapter into an S3-protocol server on loopback (s3rver), then browsed
 * straight from the bucket's keys, the way CloudFront serves them: relative links (overview → list →
 * agency → report → archived original under raw/) must all resolve to stored objects.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XLSX_CONTENT_TYPE } from '../../shared/export/workbook.ts';
import { generateSite } from '../../shared/site/generate.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';
import { launchChromium } from '../support/browser.ts';
import { type S3Harness, startS3rver } from '../support/s3rver-harness.ts';
import { writeSyntheticPopulation } from '../support/synthetic-store.ts';

const BUCKET = 'nianbao-site';
const PREFIX = 'office/nb';
const NOW = new Date('2025-05-12T02:00:00Z');

let s3: S3Harness;
let store: S3Store;
let browser: Browser;
let pages = 0;

beforeAll(async () => {
  s3 = await startS3rver();
  await s3.createBucket(BUCKET);
  store = new S3Store({ bucket: BUCKET, prefix: PREFIX, client: s3.client });
  const agencies = await writeSyntheticPopulation(store, { agencies: 30, year: 2024, now: NOW }, 4);
  pages = (await generateSite(store, { registry: { agencies }, now: NOW })).pages;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await s3?.close();
});

describe('site on S3', () => {
  it('stores pages under the prefix with HTML, CSS and workbook content types, Chinese keys included', async () => {
    expect(pages).toBeGreaterThan(30);
    const types: Record<string, string> = {
      'site/index.html': 'text/html; charset=utf-8',
      'site/region/河南省-郑州市-郑州第1县.html': 'text/html; charset=utf-8',
      'site/region/河南省-郑州市-郑州第1县-2024年度.xlsx': XLSX_CONTENT_TYPE,
      'site/assets/site.css': 'text/css; charset=utf-8',
    };
    for (const [key, type] of Object.entries(types)) {
      const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${key}` }));
      expect(object.ContentType, key).toBe(type);
    }
  });

  it('browses from the bucket: overview to agency to report to archived original', async () => {
    const page = await browser.newPage();
    const base = `${s3.endpoint}/${BUCKET}/${PREFIX}`;
    await page.goto(`${base}/site/index.html`);
    await page.waitForURL(/year-2024\.html/);
    expect(await page.locator('svg.chart rect.bar').count()).toBeGreaterThan(5);
    await page.locator('header a', { hasText: '机关列表' }).click();
    await page.waitForURL(/agencies\.html/);
    await page.selectOption('#f-status', 'inconsistent');
    await page.locator('#region-table tbody:not([hidden]) tr.listing:not([hidden]) a').first().click();
    await page.waitForURL(/\/site\/region\//);
    await expect(page.locator('#f-status').inputValue()).resolves.toBe('inconsistent');
    const row = page.locator('tr.agency-row').first();
    await row.locator('a').click();
    await page.waitForURL(/\/site\/agency\//);
    await page.locator('a[href*="report/2024/"]').first().click();
    await page.waitForURL(/\/site\/report\/2024\//);
    expect(await page.locator('td.cell.failing').count()).toBeGreaterThan(0);
    const raw = await page.locator('a', { hasText: '存档原件' }).getAttribute('href');
    const rawUrl = new URL(raw as string, page.url()).href;
    expect(rawUrl.startsWith(`${base}/raw/2024/`)).toBe(true);
    const response = await page.request.get(rawUrl);
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain('政府信息公开工作年度报告');
    await page.close();
  });
});
