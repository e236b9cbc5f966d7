import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AnnualReport,
  APPLICANT_COLUMNS,
  APPLICATION_ROWS_2021,
  type ApplicationRowId,
  SECTION_IDS,
} from '../../shared/report/model.ts';
import { PARSER_VERSION, parseText } from '../../shared/report/parse.ts';
import { SEED_IDENTITIES } from '../support/seeds.ts';

const SEEDS = {
  '000': '000_8082592266180d8d.txt',
  '001': '001_e7f580584216dc2e.txt',
  '002': '002_4ae575586cf2a2c2.txt',
  '003': '003_4ecb60390e8643c1.txt',
  '004': '004_30eabbe77a56ee75.txt',
} as const;

function seed(id: keyof typeof SEEDS): AnnualReport {
  const text = readFileSync(new URL(`../fixtures/seeds/${SEEDS[id]}`, import.meta.url), 'utf8');
  return parseText(text);
}

/** The seven values of one table-三 row, in column order. */
function rowValues(report: AnnualReport, id: ApplicationRowId): (number | null | undefined)[] {
  const row = report.applications?.[id];
  return APPLICANT_COLUMNS.map((col) => row?.[col]?.value);
}

describe('parseText on the five seeds', () => {
  it.each(SEED_IDENTITIES)('seed %s names agency %s and year %i', (id, agency, year) => {
    const report = seed(id);
    expect(report.agency).toBe(agency);
    expect(report.year).toBe(year);
    expect(report.format).toBe('text');
    expect(report.template).toBe('2021');
  });

  it.each(Object.keys(SEEDS) as (keyof typeof SEEDS)[])('seed %s has all six sections and all three tables', (id) => {
    const report = seed(id);
    expect(Object.keys(report.sections).sort()).toEqual([...SECTION_IDS].sort());
    expect(report.activeDisclosure).not.toBeNull();
    expect(report.reviews).not.toBeNull();
    for (const row of APPLICATION_ROWS_2021) expect(report.applications?.[row], row).toBeDefined();
    expect(report.notes.filter((n) => n.kind === 'section-missing' || n.kind === 'table-missing')).toEqual([]);
  });

  it('keeps section headings, section text without table rows, and the heading line', () => {
    const report = seed('000');
    expect(report.sections.三?.heading).toBe('三、收到和处理政府信息公开申请情况');
    expect(report.sections.三?.line).toBe(50);
    expect(report.sections.一?.text).toContain('累计公开信息 23 次');
    expect(report.sections.二?.text).not.toContain('本年制发件数');
    expect(report.sections.六?.text).toContain('统计时限为2023年1月1日');
  });

  it('reads seed 002 section 二 including the implausible fee as printed', () => {
    const active = seed('002').activeDisclosure;
    expect(active?.normativeDocs?.issued?.value).toBe(6);
    expect(active?.normativeDocs?.repealed?.value).toBe(28);
    expect(active?.normativeDocs?.inForce?.value).toBe(36);
    expect(active?.licensing?.decisions?.value).toBe(32583);
    expect(active?.penalty?.decisions?.value).toBe(5403);
    expect(active?.enforcement?.decisions?.value).toBe(4);
    expect(active?.fees?.amount?.value).toBe(5268464.2119);
    expect(active?.fees?.amount?.at).toEqual({ line: 34, raw: '5268464.2119' });
  });

  it('places seed 002 table 三 rows by label although the 其他 column was lost', () => {
    const report = seed('002');
    expect(rowValues(report, 'received')).toEqual([88, 2, 0, 0, 0, 9, 99]);
    expect(rowValues(report, 'granted')).toEqual([37, 0, 0, 0, 0, 9, 46]);
    expect(rowValues(report, 'partlyGranted')).toEqual([9, 2, 0, 0, 0, 0, 11]);
    expect(rowValues(report, 'withheld.1')).toEqual([3, 0, 0, 0, 0, 0, 3]);
    // The （三）不予公开 label moved onto item 4; the row is still item 4.
    expect(rowValues(report, 'withheld.4')).toEqual([3, 0, 0, 0, 0, 0, 3]);
    expect(rowValues(report, 'unavailable.1')).toEqual([34, 0, 0, 0, 0, 0, 34]);
    expect(rowValues(report, 'unavailable.2')).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(rowValues(report, 'outcomeTotal')).toEqual([87, 2, 0, 0, 0, 9, 98]);
    expect(rowValues(report, 'carriedOver')).toEqual([1, 0, 0, 0, 0, 0, 1]);
  });

  it('infers seed 002 其他 only where arithmetic proves it, and says so', () => {
    const report = seed('002');
    const apps = report.applications;
    expect(apps?.received?.other).toMatchObject({ value: 9, at: { line: 41, raw: '9' } });
    expect(apps?.received?.other?.inferred).toBeUndefined();
    expect(apps?.granted?.other).toMatchObject({ value: 9, inferred: true });
    expect(apps?.outcomeTotal?.other).toMatchObject({ value: 9, inferred: true });
    // 一 + 二 = 三（七）+ 四 on the total column: 99 + 0 = 98 + 1.
    const total = (id: ApplicationRowId) => apps?.[id]?.total?.value ?? Number.NaN;
    expect(total('received') + total('carriedIn')).toBe(total('outcomeTotal') + total('carriedOver'));
    const missing = report.notes.filter((n) => n.kind === 'column-missing' && n.column === '其他');
    expect(missing.length).toBeGreaterThanOrEqual(23);
    expect(missing.some((n) => n.row === undefined && n.detail.includes('表头'))).toBe(true);
    const inferred = report.notes.find((n) => n.kind === 'value-inferred' && n.row === 'granted');
    expect(inferred).toMatchObject({ column: '其他', section: '三' });
    expect(inferred?.detail).toContain('46');
  });

  it('reads seed 002 table 四', () => {
    const reviews = seed('002').reviews;
    expect(reviews?.review?.upheld?.value).toBe(1);
    expect(reviews?.review?.total?.value).toBe(1);
    expect(reviews?.litigationDirect?.other?.value).toBe(2);
    expect(reviews?.litigationDirect?.total?.value).toBe(2);
    expect(reviews?.litigationAfterReview?.pending?.value).toBe(1);
    expect(reviews?.litigationAfterReview?.total?.value).toBe(1);
    expect(reviews?.litigationAfterReview?.total?.at).toEqual({ line: 72, raw: '1' });
  });

  it('records 本年度止件数 as a label deviation on seeds 001 and 004', () => {
    for (const id of ['001', '004'] as const) {
      const deviation = seed(id).labelDeviations.find((d) => d.section === '二');
      expect(deviation, id).toMatchObject({ expected: '本年废止件数', found: '本年度止件数' });
      expect(deviation?.at.line).toBeGreaterThan(0);
    }
    // The deviating column is still read as 本年废止件数.
    expect(seed('001').activeDisclosure?.rules?.repealed?.value).toBe(0);
  });

  it('has no label deviation on seeds 000 and 003', () => {
    expect(seed('000').labelDeviations).toEqual([]);
    expect(seed('003').labelDeviations).toEqual([]);
  });

  it('records seed 002 wording 其他法律法规禁止公开 for the template’s 其他法律行政法规禁止公开', () => {
    const deviations = seed('002').labelDeviations;
    expect(deviations).toHaveLength(1);
    expect(deviations[0]).toMatchObject({ section: '三', expected: '其他法律行政法规禁止公开' });
  });

  it('reads seed 004 section 二 across the blank line that splits it, with its 57.2343 fee', () => {
    const active = seed('004').activeDisclosure;
    expect(active?.licensing?.decisions?.value).toBe(8);
    expect(active?.enforcement?.decisions?.value).toBe(0);
    expect(active?.fees?.amount).toEqual({ value: 57.2343, at: { line: 35, raw: '57.2343' } });
  });

  it('reads the all-zero seeds 000, 001, 003 and 004 without notes', () => {
    for (const id of ['000', '001', '003', '004'] as const) {
      const report = seed(id);
      expect(report.notes, id).toEqual([]);
      for (const row of APPLICATION_ROWS_2021)
        expect(rowValues(report, row), `${id} ${row}`).toEqual([0, 0, 0, 0, 0, 0, 0]);
    }
  });

  it('exposes parser version 1.2.0 (1.1: ragged HTML tables read by the text rule; 1.2: PDF tables by geometry, .doc/.wps, text layouts, OCR)', () => {
    expect(PARSER_VERSION).toBe('1.2.0');
  });
});
