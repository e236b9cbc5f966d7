// Every real report in ../shared/real-reports/ (the .txt files; the .pdf is read by the PDF tests): the
// defects its README lists are found, and nothing else at error severity. Read from that path, never copied.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AnnualReport } from '../../shared/report/model.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { analyseReport, type ValidationContext } from '../../shared/rules/validate.ts';

const DIR = fileURLToPath(new URL('../../../shared/real-reports/', import.meta.url));
const present = existsSync(`${DIR}README.md`);
if (!present) console.log(`skipped: the real reports are not at ${DIR}`);

const FILES = {
  '01': '01_huaian_city_gov_2024.txt',
  '02': '02_hebei_jyt_prov-dept_2019.txt',
  '03': '03_hebei_jyt_prov-dept_2021.txt',
  '04': '04_hebei_jyt_prov-dept_2022.txt',
  '05': '05_hebei_jyt_prov-dept_2023.txt',
  '06': '06_hebei_gxt_prov-dept_2019.txt',
  '07': '07_hebei_gxt_prov-dept_2020.txt',
  '08': '08_hebei_gxt_prov-dept_2021.txt',
  '09': '09_hebei_gxt_prov-dept_2022.txt',
  '10': '10_hebei_gxt_prov-dept_2023.txt',
} as const;
type Id = keyof typeof FILES;

/** The errors each report must get: exactly its real defects at error severity, nothing else. */
const ERRORS: Record<Id, string[]> = {
  '01': [],
  '02': ['struct.section-missing:六'],
  '03': [],
  '04': [],
  '05': [],
  '06': ['struct.section-missing:六', 'struct.table-missing:四'],
  '07': ['struct.section-missing:六', 'struct.table-missing:四'],
  '08': [],
  '09': [],
  '10': [],
};

/** The report before it, for the checks across years (03→04→05, 08→09→10). */
const PREVIOUS: Partial<Record<Id, Id>> = { '04': '03', '05': '04', '09': '08', '10': '09' };

const results = new Map<Id, { report: AnnualReport; findings: Finding[] }>();
async function analysed(id: Id): Promise<{ report: AnnualReport; findings: Finding[] }> {
  const cached = results.get(id);
  if (cached) return cached;
  const previous = PREVIOUS[id];
  const context: ValidationContext = previous ? { previousYear: (await analysed(previous)).report } : {};
  const result = await analyseReport({ bytes: readFileSync(`${DIR}${FILES[id]}`), fileName: FILES[id] }, context);
  results.set(id, result);
  return result;
}
const rules = (findings: Finding[]) => findings.map((finding) => finding.rule);
const byRule = (findings: Finding[], rule: string) => findings.filter((finding) => finding.rule === rule);

describe.skipIf(!present)('the real reports', () => {
  it.each(Object.keys(FILES) as Id[])(
    '%s: exactly its real defects at error severity; agency and year read',
    async (id) => {
      const { report, findings } = await analysed(id);
      const errors = findings
        .filter((finding) => finding.severity === 'error')
        .map((finding) => `${finding.rule}:${finding.location?.section ?? ''}`)
        .sort();
      expect(errors).toEqual(ERRORS[id]);
      expect(report.year).toBe(Number(FILES[id].slice(-8, -4)));
      // Never blame a title we did not get, never accuse arithmetic on cells we could not separate.
      expect(rules(findings)).not.toContain('meta.agency-unknown');
      expect(rules(findings)).not.toContain('meta.year-unknown');
      expect(rules(findings).filter((rule) => rule.startsWith('arith.') && rule !== 'arith.not-assessable')).toEqual(
        [],
      );
    },
  );

  it('01 (pdftotext -layout of the WPS PDF): wrapped headers and labels read, every cell right, no finding', async () => {
    const { report, findings } = await analysed('01');
    expect(findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
    const row = (
      id: 'received' | 'carriedIn' | 'outcomeTotal' | 'carriedOver' | 'otherHandling.1' | 'otherHandling.2',
    ) =>
      (['natural', 'business', 'research', 'nonprofit', 'legal', 'other', 'total'] as const).map(
        (column) => report.applications?.[id]?.[column]?.value,
      );
    expect(row('received')).toEqual([3001, 53, 0, 0, 61, 4, 3119]);
    expect(row('carriedIn')).toEqual([34, 0, 0, 0, 0, 0, 34]);
    expect(row('outcomeTotal')).toEqual([2932, 53, 0, 0, 61, 4, 3050]);
    expect(row('carriedOver')).toEqual([103, 0, 0, 0, 0, 0, 103]);
    expect(row('otherHandling.1')).toEqual([67, 3, 0, 0, 1, 0, 71]);
    expect(row('otherHandling.2')).toEqual([6, 0, 0, 0, 0, 0, 6]);
    const group = (id: 'review' | 'litigationDirect' | 'litigationAfterReview') =>
      (['upheld', 'corrected', 'other', 'pending', 'total'] as const).map(
        (column) => report.reviews?.[id]?.[column]?.value,
      );
    expect(group('review')).toEqual([72, 64, 178, 37, 351]);
    expect(group('litigationDirect')).toEqual([13, 4, 8, 1, 26]);
    expect(group('litigationAfterReview')).toEqual([12, 1, 1, 6, 20]);
  });

  it('02: blank cells are unknown, never 0 (16 rows of 表三 and 12 of 15 表四 cells in the README)', async () => {
    const { report, findings } = await analysed('02');
    const blank = byRule(findings, 'struct.blank-cell');
    expect(blank.map((finding) => finding.location?.section)).toEqual(['三', '四']);
    expect(blank[1]?.actual).toBe(12);
    expect(report.applications?.partlyGranted?.natural?.value).toBeNull();
  });

  it('03: the blank 上年结转 总计 is unknown and reported as blank, not a lost column', async () => {
    const { report, findings } = await analysed('03');
    expect(report.applications?.carriedIn?.total).toMatchObject({ value: null, blank: true });
    expect(byRule(findings, 'struct.blank-cell')[0]?.cells).toEqual([
      expect.objectContaining({ row: '二、上年结转政府信息公开申请数量', column: '总计' }),
    ]);
    expect(rules(findings)).not.toContain('struct.column-missing');
  });

  it('04, 05: the wrong six-part introduction', async () => {
    for (const id of ['04', '05'] as const)
      expect(rules((await analysed(id)).findings)).toContain('template.intro-parts');
  });

  it('04, 05: 表二 行政规范性文件 现行有效 does not carry across years (169 → 159, 157 → 156)', async () => {
    expect(byRule((await analysed('04')).findings, 'carryover.in-force')).toEqual([
      expect.objectContaining({ expected: 169, actual: 159 }),
    ]);
    expect(byRule((await analysed('05')).findings, 'carryover.in-force')).toEqual([
      expect.objectContaining({ expected: 157, actual: 156 }),
    ]);
  });

  it('05: the 复议后起诉 block copied from 行政复议 (6/1/0/0/7)', async () => {
    expect(byRule((await analysed('05')).findings, 'plausibility.copied-block')[0]?.actual).toBe('6/1/0/0/7');
  });

  it('07: the blank 表二 规章 row', async () => {
    const { report, findings } = await analysed('07');
    expect(report.activeDisclosure?.rules?.issued?.value ?? null).toBeNull();
    const blank = byRule(findings, 'struct.blank-cell').find((finding) => finding.location?.row === '规章');
    // Its cells by the 2019 trial format's column names, told once: not also as an unreadable row.
    expect(blank?.message).toContain('“规章 × 本年新制作数量”、“规章 × 本年新公开数量”、“规章 × 对外公开总数量”');
    expect(byRule(findings, 'struct.row-unreadable')).toEqual([]);
    // A 2020 report is held to the 2019 trial format, and its messages cite that one.
    expect(byRule(findings, 'struct.table-missing')[0]?.message).toContain('国办公开办函〔2019〕60号');
    for (const finding of findings) expect(finding.message).not.toContain('〔2021〕30号');
  });

  it('08–10: cells run together are cut where exactly one cutting satisfies every relation', async () => {
    const totals = async (id: Id, row: 'received' | 'granted' | 'partlyGranted') => {
      const table = (await analysed(id)).report.applications;
      return (['natural', 'business', 'research', 'nonprofit', 'legal', 'other', 'total'] as const).map(
        (column) => table?.[row]?.[column]?.value,
      );
    };
    expect(await totals('08', 'received')).toEqual([4, 0, 0, 0, 0, 0, 4]);
    expect(await totals('08', 'granted')).toEqual([3, 0, 0, 0, 0, 0, 3]);
    expect(await totals('08', 'partlyGranted')).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(await totals('09', 'received')).toEqual([12, 1, 0, 1, 0, 0, 14]);
    expect(await totals('10', 'received')).toEqual([8, 1, 0, 1, 0, 0, 10]);
  });

  it('06, 07: glued tables that cannot be cut for certain say so honestly, as a warning', async () => {
    for (const id of ['06', '07'] as const) {
      const glued = byRule((await analysed(id)).findings, 'extract.cells-run-together');
      expect(glued.map((finding) => finding.severity)).toContain('warning');
      expect(glued.some((finding) => finding.location?.section === '三')).toBe(true);
    }
  });

  it('carry-over holds across 03→04→05 and 08→09→10: no carryover.mismatch', async () => {
    for (const id of ['04', '05', '09', '10'] as const)
      expect(rules((await analysed(id)).findings)).not.toContain('carryover.mismatch');
  });
});
