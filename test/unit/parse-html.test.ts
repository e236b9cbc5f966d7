import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AnnualReport, APPLICANT_COLUMNS, APPLICATION_ROWS_2021, SECTION_IDS } from '../../shared/report/model.ts';
import { parseHtml, parseText } from '../../shared/report/parse.ts';

const FIXTURE = readFileSync(new URL('../fixtures/reports/template-2021.html', import.meta.url), 'utf8');
const SEED_000 = readFileSync(new URL('../../demo/seeds/000_8082592266180d8d.txt', import.meta.url), 'utf8');

/** Every number of tables 三 and 四, in template order, for comparing two parses. */
function numbers(report: AnnualReport): (number | null | undefined)[] {
  const out: (number | null | undefined)[] = [];
  for (const row of APPLICATION_ROWS_2021)
    for (const col of APPLICANT_COLUMNS) out.push(report.applications?.[row]?.[col]?.value);
  for (const group of ['review', 'litigationDirect', 'litigationAfterReview'] as const) {
    for (const col of ['upheld', 'corrected', 'other', 'pending', 'total'] as const)
      out.push(report.reviews?.[group]?.[col]?.value);
  }
  return out;
}

describe('parseHtml on a page in the national template with merged cells', () => {
  const report = parseHtml(FIXTURE);

  it('reads title, agency and year from the article, not the navigation', () => {
    expect(report.agency).toBe('卢氏县人民政府');
    expect(report.year).toBe(2024);
    expect(report.title).toBe('卢氏县人民政府2024年政府信息公开工作年度报告');
    expect(report.format).toBe('html');
    expect(report.template).toBe('2021');
  });

  it('finds the six sections and leaves table rows out of their text', () => {
    expect(Object.keys(report.sections).sort()).toEqual([...SECTION_IDS].sort());
    expect(report.sections.一?.text).toContain('受理依申请公开办理件 99 件');
    expect(report.sections.三?.text ?? '').not.toContain('本年新收');
  });

  it('resolves rowspan/colspan so each value lands in its column', () => {
    const apps = report.applications;
    expect(APPLICANT_COLUMNS.map((c) => apps?.received?.[c]?.value)).toEqual([88, 2, 0, 0, 0, 9, 99]);
    expect(APPLICANT_COLUMNS.map((c) => apps?.granted?.[c]?.value)).toEqual([37, 0, 0, 0, 0, 9, 46]);
    // Rows under the rowspan'd （三）不予公开 and 三、本年度办理结果 labels.
    expect(apps?.['withheld.4']?.natural?.value).toBe(3);
    expect(apps?.['otherHandling.3']?.total?.value).toBe(0);
    expect(APPLICANT_COLUMNS.map((c) => apps?.outcomeTotal?.[c]?.value)).toEqual([87, 2, 0, 0, 0, 9, 98]);
    expect(report.notes).toEqual([]);
    expect(report.labelDeviations).toEqual([]);
  });

  it('keeps table/row/column provenance after span resolution', () => {
    // Table 1 (section 三), grid row 5 = （一）予以公开, grid column 8 = 其他 (3 label columns + 5).
    expect(report.applications?.granted?.other?.at).toMatchObject({ table: 1, row: 5, col: 8, raw: '9' });
    expect(report.reviews?.litigationAfterReview?.total?.at).toMatchObject({ table: 2, row: 3, col: 14, raw: '1' });
    expect(report.activeDisclosure?.fees?.amount?.at).toMatchObject({ table: 0, row: 13, col: 1, raw: '57.2343' });
  });

  it('reads section 二 through colspan value cells', () => {
    const active = report.activeDisclosure;
    expect(active?.normativeDocs?.repealed?.value).toBe(28);
    expect(active?.licensing?.decisions?.value).toBe(32583);
    expect(active?.enforcement?.decisions?.value).toBe(4);
    expect(active?.fees?.amount?.value).toBe(57.2343);
  });

  it('reads section 四 under its three-level header', () => {
    expect(report.reviews?.review?.upheld?.value).toBe(1);
    expect(report.reviews?.litigationDirect?.other?.value).toBe(2);
    expect(report.reviews?.litigationAfterReview?.pending?.value).toBe(1);
  });

  it('ignores script and style content', () => {
    expect(report.text).not.toContain('siteId');
  });
});

describe('parseHtml on other page shapes', () => {
  it('reads a text-only page (<pre> with the extracted text) like parseText', () => {
    const html = `<html><body><pre>${SEED_000.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre></body></html>`;
    const fromHtml = parseHtml(html);
    const fromText = parseText(SEED_000);
    expect(fromHtml.agency).toBe('卢氏县乡村振兴局');
    expect(fromHtml.year).toBe(2023);
    expect(numbers(fromHtml)).toEqual(numbers(fromText));
  });

  it('reads a page whose tables were flattened to one cell per paragraph', () => {
    const flattened = FIXTURE.replace(/<\/?(table|tr)[^>]*>/g, '')
      .replace(/<td[^>]*>/g, '<p>')
      .replace(/<\/td>/g, '</p>');
    const report = parseHtml(flattened);
    expect(report.applications).not.toBeNull();
    expect(numbers(report)).toEqual(numbers(parseHtml(FIXTURE)));
    expect(report.activeDisclosure?.normativeDocs?.inForce?.value).toBe(36);
    expect(report.activeDisclosure?.fees?.amount?.value).toBe(57.2343);
  });

  it('treats empty, "/" and "—" cells as unknown, never 0', () => {
    const html = `<html><body><h1>某县某局2023年政府信息公开工作年度报告</h1>
      <p>三、收到和处理政府信息公开申请情况</p>
      <table>
        <tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>1</td><td></td><td>/</td><td>—</td><td>-</td><td>－</td><td>1</td></tr>
      </table></body></html>`;
    const row = parseHtml(html).applications?.received;
    expect(row?.natural).toMatchObject({ value: 1 });
    for (const col of ['business', 'research', 'nonprofit', 'legal', 'other'] as const) {
      expect(row?.[col], col).toMatchObject({ value: null, blank: true });
    }
    expect(row?.research?.at.raw).toBe('/');
    expect(row?.total?.value).toBe(1);
  });

  it('survives hostile spans and deep nesting', () => {
    const deep = `${'<div>'.repeat(5000)}text${'</div>'.repeat(5000)}`;
    const spans = '<table><tr><td rowspan="99999" colspan="99999">x</td><td>1</td></tr><tr><td>2</td></tr></table>';
    const report = parseHtml(`<html><body>${deep}${spans}</body></html>`);
    expect(report.agency).toBeNull();
    expect(report.notes.some((n) => n.kind === 'section-missing')).toBe(true);
  });
});

describe('parseHtml on a report typed as one big table', () => {
  it('finds section headings in table rows of their own', () => {
    const html = readFileSync(new URL('../fixtures/reports/template-2021.html', import.meta.url), 'utf8').replace(
      /<\/table>\s*<p><strong>([一二三四五六]、[^<]+)<\/strong><\/p>\s*<table border="1">/g,
      '<tr><td colspan="15">$1</td></tr>',
    );
    const report = parseHtml(html);
    expect(Object.keys(report.sections)).toHaveLength(6);
    expect(report.reviews?.litigationDirect?.total?.value).toBe(2);
    expect(report.applications?.outcomeTotal?.total?.value).toBe(98);
    expect(report.activeDisclosure?.fees?.amount?.value).toBe(57.2343);
  });
});
