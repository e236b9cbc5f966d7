/**
 * `npm start` end to end (the demo command, in-process, into a temp folder): the demo agency site on
 * loopback, scan, assessment, digest in the outbox, results site. Then the digest's links are followed to
 * files the site generated, and the site's pages are opened in Chromium from file://.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../demo/cli.ts';
import { launchChromium } from '../support/browser.ts';

let root: string;
let exitCode: number;
let printed = '';

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'nianbao-demo-'));
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed += `${args.join(' ')}\n`;
  });
  try {
    exitCode = await run(['--store', root]);
  } finally {
    log.mockRestore();
  }
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function readState(agencyId: string): { current: { status: string } } {
  return JSON.parse(readFileSync(path.join(root, 'state', '2023', `${agencyId}.json`), 'utf8'));
}

describe('npm start (demo)', () => {
  it('exits 0 and says in Chinese where to look', () => {
    expect(exitCode).toBe(0);
    expect(printed).toContain('摘要邮件（发件箱）');
    expect(printed).toContain(path.join(root, 'site', 'index.html'));
    expect(printed).toContain('npx nianbao serve');
  });

  it('assesses the designed cases: late, missing, unreachable, on time', () => {
    expect(readState('lushi-gfdy').current.status).toBe('late');
    expect(readState('lushi-wglj').current.status).toBe('missing');
    expect(readState('slow-county').current.status).toBe('unreachable');
    expect(readState('lushi-xczx').current.status).toBe('on-time');
    expect(existsSync(path.join(root, 'demo-registry.yaml'))).toBe(true);
  });

  it('writes the digest to the outbox, and every link of it into the store resolves to a file', () => {
    const outbox = path.join(root, 'outbox');
    const files = readdirSync(outbox);
    expect(files.some((file) => file.endsWith('.eml'))).toBe(true);
    const html = files.filter((file) => file.endsWith('.html'));
    expect(html.length).toBeGreaterThan(0);
    const links = new Set<string>();
    for (const file of html) {
      for (const match of readFileSync(path.join(outbox, file), 'utf8').matchAll(/href="(file:[^"]+)"/g)) {
        links.add(match[1] as string);
      }
    }
    const sitePages = [...links].filter((link) => link.includes('/site/'));
    expect(sitePages.length).toBeGreaterThan(0);
    for (const link of links) expect(existsSync(fileURLToPath(link.replace(/&amp;/g, '&'))), link).toBe(true);
  });

  it('generates a site whose pages open from file:// with the late agency listed', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // The agency index narrowed to late agencies, on to the one region that has one.
      await page.goto(`${pathToFileURL(path.join(root, 'site', 'agencies.html')).href}#status=late`);
      const regions = page.locator('#region-table tbody:not([hidden]) tr.listing:not([hidden])');
      await expect(regions.count()).resolves.toBe(1);
      await regions.locator('a').click();
      await page.waitForURL(/region\/.*#status=late/);
      const rows = page.locator('tr.agency-row');
      await expect(rows.count()).resolves.toBe(1);
      await expect(rows.first().textContent()).resolves.toContain('卢氏县国防动员办公室');
      await rows.first().locator('a').click();
      await page.waitForURL(/agency\/lushi-gfdy\.html/);
      await page.locator('a[href*="report/2023/"]').first().click();
      await page.waitForURL(/report\/2023\/lushi-gfdy\//);
      expect(await page.locator('#section-三 table.report-table td.cell').count()).toBeGreaterThan(100);
    } finally {
      await browser.close();
    }
  });
});
