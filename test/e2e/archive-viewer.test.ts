/**
 * Archived HTML originals opened the way users open them (the digest's and the site's links, from
 * file:// with no server headers): through the sandboxed viewer, the page's text shows and its scripts
 * never run; the raw bytes in raw/ stay exactly as fetched.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSite } from '../../shared/site/generate.ts';
import { archiveViewerPath, reportPagePath } from '../../shared/site/paths.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { keys } from '../../shared/storage/keys.ts';
import { putJson } from '../../shared/storage/port.ts';
import type { ReportResult } from '../../shared/storage/records.ts';
import { putSnapshot } from '../../shared/storage/snapshot.ts';
import { launchChromium } from '../support/browser.ts';

const HOSTILE = `<html><head><meta charset="utf-8"><title>卢氏县2024年政府信息公开工作年度报告</title></head><body>
<h1>卢氏县2024年政府信息公开工作年度报告</h1><p>一、总体情况</p>
<script>document.title = 'PWNED'; try { top.document.title = 'PWNED'; } catch (e) {} try { localStorage.x = 1; } catch (e) {}</script>
<img src="x" onerror="top.document.title='PWNED'"></body></html>`;

let dir: string;
let browser: Browser;
let sha256: string;
let rawKey: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'nianbao-viewer-'));
  const store = new FileSystemStore(dir);
  const snap = await putSnapshot(store, {
    year: 2024,
    agencyId: 'lushi-gov',
    bytes: new TextEncoder().encode(HOSTILE),
    ext: 'html',
    meta: {
      url: 'http://www.lushi.gov.cn/art/1.html',
      pageUrl: 'http://www.lushi.gov.cn/art/1.html',
      title: null,
      fetchedAt: '2025-02-01T00:00:00.000Z',
      publishDate: null,
      publishDateSource: null,
      otherDates: [],
      contentType: 'text/html; charset=utf-8',
      charset: 'utf-8',
      headers: {},
    },
  });
  sha256 = snap.sha256;
  rawKey = snap.key;
  const result: ReportResult = {
    agencyId: 'lushi-gov',
    year: 2024,
    sha256,
    rawKey,
    parserVersion: 'test',
    parsedAt: '2025-02-01T00:00:00.000Z',
    report: null,
    findings: [],
  };
  await putJson(store, keys.result(2024, 'lushi-gov', sha256), result);
  await generateSite(store, {
    now: new Date('2025-02-02T00:00:00Z'),
    registry: {
      agencies: [
        { id: 'lushi-gov', name: '卢氏县人民政府', region: ['河南省'], level: 'county-government', listUrls: [] },
      ],
    },
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('archived HTML viewer', () => {
  it('shows the archived page from file:// in a sandbox where its scripts do not run', async () => {
    const page = await browser.newPage();
    const viewer = pathToFileURL(path.join(dir, 'site', archiveViewerPath(2024, 'lushi-gov', sha256))).href;
    await page.goto(viewer);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    await frame?.waitForSelector('h1');
    expect(await frame?.textContent('h1')).toBe('卢氏县2024年政府信息公开工作年度报告');
    await page.waitForTimeout(300);
    expect(await page.title()).not.toContain('PWNED');
    expect(await frame?.evaluate(() => document.title).catch(() => 'not scriptable')).not.toBe('PWNED');
    await page.close();
  });

  it('is what the report page links to; the raw bytes stay unchanged', async () => {
    const reportPage = await readFile(path.join(dir, 'site', reportPagePath(2024, 'lushi-gov', sha256)), 'utf8');
    expect(reportPage).toContain(`archive/2024/lushi-gov/${sha256}.html`);
    expect(reportPage).not.toContain(`raw/2024/lushi-gov/${sha256}.html`);
    expect(await readFile(path.join(dir, rawKey), 'utf8')).toBe(HOSTILE);
  });
});
