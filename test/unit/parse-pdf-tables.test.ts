// PDF tables read by geometry (ruling lines + text positions), on real PDFs: the published WPS PDF of
// 淮安市人民政府 (../shared/real-reports) and LibreOffice exports of Word tables with merged cells
// (test/fixtures/office, built by scripts/fixtures/make-office-pdfs.sh). The HTML rendering of the same
// document is the reference: the PDF must give the same cells and the same findings.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { valuesOf } from '../../shared/report/generate.ts';
import {
  type AnnualReport,
  APPLICANT_COLUMNS,
  APPLICATION_ROWS_2021,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
} from '../../shared/report/model.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { analyseReport } from '../../shared/rules/validate.ts';
import { type OfficeDoc, officeHtml } from '../support/office-doc.ts';

const REAL_REPORTS = fileURLToPath(new URL('../../../shared/real-reports/', import.meta.url));
const OFFICE = fileURLToPath(new URL('../fixtures/office/', import.meta.url));
const OFFICE_NAMES = [
  'office-000-merged',
  'office-001-blanks',
  'office-002-typo',
  'office-003-repeat-header',
  'office-004-large-font',
];

function readCells(report: AnnualReport): { read: number; rows: Record<string, (number | null)[]> } {
  let read = 0;
  const rows: Record<string, (number | null)[]> = {};
  for (const row of APPLICATION_ROWS_2021) {
    rows[row] = APPLICANT_COLUMNS.map((column) => report.applications?.[row]?.[column]?.value ?? null);
  }
  for (const group of REVIEW_GROUPS) {
    rows[group] = REVIEW_COLUMNS.map((column) => report.reviews?.[group]?.[column]?.value ?? null);
  }
  for (const values of Object.values(rows)) read += values.filter((v) => typeof v === 'number').length;
  return { read, rows };
}

const notInfo = (findings: Finding[]) => findings.filter((finding) => finding.severity !== 'info');
const summary = (findings: Finding[]) =>
  findings.map((f) => `${f.severity} ${f.rule} ${f.location?.row ?? ''}×${f.location?.column ?? ''}`).sort();

describe('the real WPS PDF of 淮安市人民政府 2024', () => {
  it('reads 190/190 cells of 表三/表四 right, agency and year, and raises no error or warning', async () => {
    const bytes = new Uint8Array(readFileSync(`${REAL_REPORTS}01_huaian_city_gov_2024.pdf`));
    const { report, findings } = await analyseReport({ bytes, fileName: '01_huaian_city_gov_2024.pdf' });
    expect(report.format).toBe('pdf');
    expect(report.agency).toBe('淮安市人民政府');
    expect(report.year).toBe(2024);
    expect(report.template).toBe('2021');
    const { read, rows } = readCells(report);
    console.log(`[pdf] 淮安 WPS PDF: ${read}/190 cells of 表三/表四 read`);
    expect(read).toBe(190);
    // The values its README gives (the real-reports README), row by row.
    expect(rows.received).toEqual([3001, 53, 0, 0, 61, 4, 3119]);
    expect(rows.carriedIn).toEqual([34, 0, 0, 0, 0, 0, 34]);
    expect(rows.outcomeTotal).toEqual([2932, 53, 0, 0, 61, 4, 3050]);
    expect(rows.carriedOver).toEqual([103, 0, 0, 0, 0, 0, 103]);
    expect(rows['otherHandling.1']).toEqual([67, 3, 0, 0, 1, 0, 71]);
    expect(rows['notProcessed.5']).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(rows.review).toEqual([72, 64, 178, 37, 351]);
    expect(rows.litigationDirect).toEqual([13, 4, 8, 1, 26]);
    expect(rows.litigationAfterReview).toEqual([12, 1, 1, 6, 20]);
    expect(report.activeDisclosure?.fees?.amount?.value).toBe(96171.6);
    expect(report.labelDeviations).toEqual([]);
    expect(notInfo(findings)).toEqual([]);
    // Wrapped headers read whole: 商业企/业 is one cell.
    expect(report.text).toMatch(/商 ?业 ?企 ?业\t科研机构/);
  }, 30_000);
});

describe('LibreOffice PDFs of Word tables with merged cells', () => {
  for (const name of OFFICE_NAMES) {
    it(`${name}: the same cells and findings as the HTML of the same document`, async () => {
      const doc = JSON.parse(readFileSync(`${OFFICE}${name}.json`, 'utf8')) as OfficeDoc;
      const pdf = await analyseReport({
        bytes: new Uint8Array(readFileSync(`${OFFICE}${name}.pdf`)),
        fileName: `${name}.pdf`,
      });
      const html = await analyseReport({ bytes: new TextEncoder().encode(officeHtml(doc)), fileName: `${name}.html` });
      expect(pdf.report.format).toBe('pdf');
      expect(pdf.report.agency).toBe(html.report.agency);
      expect(pdf.report.year).toBe(html.report.year);
      expect(html.report.agency).not.toBeNull();
      expect(valuesOf(pdf.report)).toEqual(valuesOf(html.report));
      expect(readCells(pdf.report).read).toBe(readCells(html.report).read);
      expect(summary(pdf.findings)).toEqual(summary(html.findings));
      expect(pdf.report.notes.map((note) => note.kind)).toEqual(html.report.notes.map((note) => note.kind));
    }, 30_000);
  }

  it('blank cells are unknown, never 0 and never filled from a neighbour', async () => {
    const { report, findings } = await analyseReport({
      bytes: new Uint8Array(readFileSync(`${OFFICE}office-001-blanks.pdf`)),
      fileName: 'blanks.pdf',
    });
    const applications = report.applications;
    expect(applications?.received?.business).toMatchObject({ value: null, blank: true });
    expect(applications?.granted?.total).toMatchObject({ value: null, blank: true });
    expect(applications?.['withheld.4']?.natural).toMatchObject({ value: null, blank: true });
    expect(report.reviews?.litigationDirect?.pending).toMatchObject({ value: null, blank: true });
    // The neighbours keep their own values: nothing slid into 总计 or across.
    const doc = JSON.parse(readFileSync(`${OFFICE}office-001-blanks.json`, 'utf8')) as OfficeDoc;
    const table三 = doc.blocks.filter((block) => 'table' in block)[1];
    const grantedRow = table三 && 'table' in table三 ? table三.table.rows[5] : undefined;
    const typedOther = grantedRow?.[grantedRow.length - 2]?.text;
    expect(applications?.granted?.other?.value).toBe(Number(typedOther));
    expect(applications?.received?.research?.value).toBe(0);
    expect(findings.filter((f) => f.rule.startsWith('arith.') && f.severity !== 'info')).toEqual([]);
    const blankFinding = findings.find((f) => f.rule === 'struct.blank-cell');
    expect(blankFinding?.message).toContain('商业企业');
  }, 30_000);

  it('finds the header typo 本年度止件数 (template.label-deviation)', async () => {
    const { report, findings } = await analyseReport({
      bytes: new Uint8Array(readFileSync(`${OFFICE}office-002-typo.pdf`)),
      fileName: 'typo.pdf',
    });
    expect(report.labelDeviations.map((d) => [d.found, d.expected])).toEqual([['本年度止件数', '本年废止件数']]);
    expect(findings.filter((f) => f.rule.startsWith('template.')).map((f) => f.rule)).toEqual([
      'template.label-deviation',
    ]);
    // The typo'd column is still read as 本年废止件数.
    expect(report.activeDisclosure?.normativeDocs?.repealed?.value).toBe(28);
  }, 30_000);

  it('the merged and clean fixtures raise no error or warning at all', async () => {
    for (const name of ['office-000-merged', 'office-003-repeat-header', 'office-004-large-font']) {
      const { findings } = await analyseReport({
        bytes: new Uint8Array(readFileSync(`${OFFICE}${name}.pdf`)),
        fileName: `${name}.pdf`,
      });
      expect(notInfo(findings), name).toEqual([]);
    }
  }, 30_000);
});
