/**
 * The demo store (`npm start` into a temp folder), then `nianbao evaluate` and `nianbao export`: the
 * evaluation's rates are recomputed here from the stored statuses by the definitions the report prints,
 * the PDF is A4, the workbook lists every registry agency; the site and its evaluation page are opened
 * in Chromium at 390 px and in print.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as cheerio from 'cheerio';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as runDemo } from '../../demo/cli.ts';
import { run as runEvaluate } from '../../shared/cli/evaluate.ts';
import { run as runExport } from '../../shared/cli/export.ts';
import { loadRegistry } from '../../shared/registry/load.ts';
import { launchChromium } from '../support/browser.ts';

let root: string;
let browser: Browser;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'nianbao-evaluate-'));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    expect(await runDemo(['--store', root])).toBe(0);
    const now = '2024-04-08T02:00:00Z';
    expect(
      await runEvaluate(['--year', '2023', '--store', root, '--out', path.join(root, 'evaluation.html'), '--now', now]),
    ).toBe(0);
    expect(
      await runExport(['--xlsx', path.join(root, 'status.xlsx'), '--year', '2023', '--store', root, '--now', now]),
    ).toBe(0);
  } finally {
    log.mockRestore();
  }
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Stored {
  status: string;
  flags?: string[];
}

/** Every registry agency with its stored status (null when no state), read straight from state/. */
function statuses(): { region: string[]; level: string; current: Stored | null }[] {
  const registry = loadRegistry(readFileSync(path.join(root, 'demo-registry.yaml'), 'utf8'));
  return registry.agencies.map((agency) => {
    let current: Stored | null = null;
    try {
      current = JSON.parse(readFileSync(path.join(root, 'state', '2023', `${agency.id}.json`), 'utf8')).current;
    } catch {
      current = null;
    }
    return { region: agency.region, level: agency.level, current };
  });
}

/** The printed definitions, written out again: due = published + missing; unreachable is not due. */
function recompute(items: { current: Stored | null }[]) {
  const published = items.filter(
    (i) => i.current && ['on-time', 'late', 'inconsistent', 'unparseable'].includes(i.current.status),
  );
  const missing = items.filter((i) => i.current?.status === 'missing').length;
  const due = published.length + missing;
  const onTime = published.filter((i) => i.current?.status !== 'late' && !i.current?.flags?.includes('late')).length;
  const checked = published.filter(
    (i) => i.current?.status !== 'unparseable' && !i.current?.flags?.includes('unparseable'),
  );
  const withErrors = checked.filter(
    (i) => i.current?.status === 'inconsistent' || i.current?.flags?.includes('inconsistent'),
  ).length;
  return {
    onTimeRate: due ? onTime / due : null,
    publishRate: due ? published.length / due : null,
    problemRate: checked.length ? withErrors / checked.length : null,
  };
}

function rateCells(html: string): Map<string, number | null> {
  const $ = cheerio.load(html);
  const cells = new Map<string, number | null>();
  $('td[data-rate]').each((_, td) => {
    const value = $(td).attr('data-value') ?? '';
    cells.set(`${$(td).attr('data-group')}|${$(td).attr('data-rate')}`, value === '' ? null : Number(value));
  });
  return cells;
}

describe('nianbao evaluate on the demo store', () => {
  it('prints rates that the stored statuses give back, in total and per region', () => {
    const html = readFileSync(path.join(root, 'evaluation.html'), 'utf8');
    const cells = rateCells(html);
    const all = statuses();
    const total = recompute(all);
    expect(total.onTimeRate).not.toBeNull();
    for (const key of ['onTimeRate', 'publishRate', 'problemRate'] as const) {
      const printed = cells.get(`total:合计|${key}`);
      if (total[key] === null) expect(printed).toBeNull();
      else expect(printed).toBeCloseTo(total[key] as number, 9);
    }
    // The demo's regions differ from the first level on, so the report groups by province.
    const provinces = [...new Set(all.map((a) => a.region[0] as string))];
    expect(provinces.length).toBeGreaterThan(1);
    for (const province of provinces) {
      const expected = recompute(all.filter((a) => a.region[0] === province));
      for (const key of ['onTimeRate', 'publishRate', 'problemRate'] as const) {
        const printed = cells.get(`region:${province}|${key}`);
        expect(printed === null ? null : Number(printed?.toFixed(9))).toBe(
          expected[key] === null ? null : Number((expected[key] as number).toFixed(9)),
        );
      }
    }
    // Unreachable agencies are not counted as missing: the demo has several and the rates say so.
    expect(all.filter((a) => a.current?.status === 'unreachable').length).toBeGreaterThan(0);
    expect(html).toContain('不视为未公开');
  });

  it('writes an A4 PDF of several pages with the Chinese text in it', () => {
    const pdf = readFileSync(path.join(root, 'evaluation.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const boxes = pdf.toString('latin1').match(/\/MediaBox \[0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\]/g) ?? [];
    expect(boxes.length).toBeGreaterThanOrEqual(2);
    for (const box of boxes) {
      const [, w, h] = /\[0 0 ([\d.]+) ([\d.]+)\]/.exec(box) ?? [];
      expect(Math.abs(Number(w) - 595)).toBeLessThan(2); // A4: 210 x 297 mm = 595 x 842 pt
      expect(Math.abs(Number(h) - 842)).toBeLessThan(2);
    }
  });

  it('prints the evaluation without the screen-only link and keeps table rows whole', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(root, 'site', 'evaluation-2023.html')).href);
    expect(await page.locator('.screen-only').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.screen-only').isVisible()).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('tr') as Element).breakInside)).toBe(
      'avoid',
    );
    await page.close();
  });
});

describe('nianbao export --xlsx on the demo store', () => {
  it('has one row per registry agency, missing ones with days late, dates as date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path.join(root, 'status.xlsx'));
    const sheet = workbook.getWorksheet('机关状态') as ExcelJS.Worksheet;
    const all = statuses();
    expect(sheet.rowCount - 1).toBe(all.length);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => sheet.getRow(i + 2));
    const byStatus = (label: string) => rows.filter((row) => row.getCell(col('状态')).value === label);
    expect(byStatus('无法访问').length).toBe(all.filter((a) => a.current?.status === 'unreachable').length);
    const missing = byStatus('未公开');
    expect(missing.length).toBeGreaterThan(0);
    for (const row of missing) expect(row.getCell(col('逾期天数')).value).toBeGreaterThan(0);
    const late = byStatus('逾期公开');
    expect(late.length).toBeGreaterThan(0);
    for (const row of late) {
      expect(row.getCell(col('逾期天数')).value).toBeGreaterThan(0);
      expect(row.getCell(col('发布日期')).value).toBeInstanceOf(Date);
    }
    for (const row of rows) expect(row.getCell(col('截止日期')).value).toBeInstanceOf(Date);
  });
});

describe('the site at 390 px and in print', () => {
  it('shows the agency list as cards with whole names and no sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(pathToFileURL(path.join(root, 'site', 'region', '河南省-三门峡市-卢氏县.html')).href);
    await page.waitForSelector('tr.agency-row');
    const layout = await page.evaluate(() => {
      const names = [...document.querySelectorAll('tr.agency-row td:first-child')] as HTMLElement[];
      return {
        scrollWidth: document.documentElement.scrollWidth,
        // Lines per name: height over line height (a name squeezed to 3 characters a line takes 4+).
        lines: names.map((td) =>
          Math.round(td.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(td).lineHeight)),
        ),
      };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(390);
    expect(layout.lines.length).toBeGreaterThan(3);
    expect(Math.max(...layout.lines)).toBeLessThanOrEqual(2);
    await page.close();
  });

  it('keeps report pages inside the screen and hides the nav bar in print', async () => {
    const dir = path.join(root, 'site', 'report', '2023', 'lushi-gfdy');
    const file = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.html')) as string);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(pathToFileURL(file).href);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator('header.top').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('thead') as Element).display)).toBe(
      'table-header-group',
    );
    await page.close();
  });

  it('fits the digest email into 390 px (wide tables scroll inside it) and keeps agency rows whole in print', async () => {
    const outbox = path.join(root, 'outbox');
    const file = path.join(outbox, readdirSync(outbox).find((f) => f.endsWith('.html')) as string);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(pathToFileURL(file).href);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const names = await page.evaluate(() =>
      ([...document.querySelectorAll('td.c-name strong')] as HTMLElement[]).map((el) =>
        Math.round(el.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(el).lineHeight)),
      ),
    );
    expect(names.length).toBeGreaterThan(3);
    expect(Math.max(...names)).toBeLessThanOrEqual(2);
    await page.emulateMedia({ media: 'print' });
    expect(
      await page.evaluate(() => getComputedStyle(document.querySelector('table.agencies tr') as Element).breakInside),
    ).toBe('avoid');
    await page.close();
  });

  it('links the evaluation and the agency index from the overview, each region its workbook', () => {
    const overview = readFileSync(path.join(root, 'site', 'year-2023.html'), 'utf8');
    expect(overview).toContain('href="evaluation-2023.html"');
    expect(overview).toContain('href="agencies.html"');
    const region = readFileSync(path.join(root, 'site', 'region', '河南省-三门峡市-卢氏县.html'), 'utf8');
    expect(region).toContain('href="河南省-三门峡市-卢氏县-2023年度.xlsx"');
    expect(readdirSync(path.join(root, 'site', 'region'))).toContain('河南省-三门峡市-卢氏县-2023年度.xlsx');
    expect(readdirSync(path.join(root, 'site'))).toEqual(expect.arrayContaining(['evaluation-2023.html']));
  });
});
