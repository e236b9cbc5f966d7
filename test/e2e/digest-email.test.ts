/**
 * The rendered HTML email in real Chromium (Debian's /usr/bin/chromium via playwright-core): hostile
 * report text shows as text, nothing runs, and (with UPDATE_SCREENSHOTS=1) docs/digest.png is written.
 * The screenshot shows the week-over-week diff, so the digest is built as in its third week.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDigest, digestRecord } from '../../shared/notify/digest.ts';
import { renderDigestHtml } from '../../shared/notify/render.ts';
import { linksFromBase } from '../../shared/site/links.ts';
import { launchChromium } from '../support/browser.ts';
import { assessments, HOSTILE_NAME, HOSTILE_TITLE, registry } from '../support/digest-fixtures.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const WEEK_1 = '2025-03-24T09:00:00+08:00';
const NOW = '2025-04-07T09:00:00+08:00';

let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(path.join(tmpdir(), 'nianbao-digest-e2e-'));
});

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

function digestHtml(): string {
  // Week 1: everything but the county government's own report was already a problem.
  const earlier = assessments().filter((a) => a.agencyId !== 'lushi-hostile');
  earlier.push({ ...assessments()[3], agencyId: 'luoyang-new', status: 'missing', flags: ['missing'] } as never);
  const previous = digestRecord(earlier, WEEK_1, null);
  const digest = buildDigest({
    registry,
    assessments: assessments(),
    now: NOW,
    previous,
    links: linksFromBase('https://nianbao.example.gov.cn'),
  });
  return renderDigestHtml(digest);
}

describe('digest email in Chromium', () => {
  it('shows hostile report text as text and runs nothing', async () => {
    const file = path.join(dir, 'digest.html');
    await writeFile(file, digestHtml());
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.goto(pathToFileURL(file).href);

    const text = (await page.textContent('body')) ?? '';
    expect(text).toContain(HOSTILE_TITLE);
    expect(text).toContain(HOSTILE_NAME);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    // The agency's javascript: page URL became no link at all; every href is http(s).
    const hrefs = await page.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);
    // The summary comes first, then the diff, then the agencies.
    expect(text.indexOf('概况')).toBeLessThan(text.indexOf('与上周相比'));
    expect(text.indexOf('与上周相比')).toBeLessThan(text.indexOf('需要关注的机关'));
    expect(text).toContain('已持续 2 周');

    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'digest.png'), fullPage: true });
    }
    await page.close();
  });
});
