import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { yearOnYearFindings } from '../../shared/compliance/assess.ts';
import type { AnnualReport } from '../../shared/report/model.ts';
import { parseReport } from '../../shared/report/parse.ts';
import { ruleInfo } from '../../shared/rules/catalogue.ts';
import { validateReport } from '../../shared/rules/validate.ts';
import { copiedSimilarity, isYoyJump, maskYears, yearOnYearTotals } from '../../shared/rules/yoy.ts';
import type { ReportResult } from '../../shared/storage/records.ts';

const REAL = path.join(import.meta.dirname, '..', '..', '..', 'shared', 'real-reports');

async function real(name: string): Promise<AnnualReport> {
  const text = readFileSync(path.join(REAL, `${name}.txt`), 'utf8');
  return parseReport({ bytes: new TextEncoder().encode(text), fileName: `${name}.txt` });
}

/** The same agency's consecutive real reports (河北省教育厅 2021→2023, 河北省工信厅 2019→2023). */
const PAIRS = [
  ['03_hebei_jyt_prov-dept_2021', '04_hebei_jyt_prov-dept_2022'],
  ['04_hebei_jyt_prov-dept_2022', '05_hebei_jyt_prov-dept_2023'],
  ['06_hebei_gxt_prov-dept_2019', '07_hebei_gxt_prov-dept_2020'],
  ['07_hebei_gxt_prov-dept_2020', '08_hebei_gxt_prov-dept_2021'],
  ['08_hebei_gxt_prov-dept_2021', '09_hebei_gxt_prov-dept_2022'],
  ['09_hebei_gxt_prov-dept_2022', '10_hebei_gxt_prov-dept_2023'],
] as const;

const YOY_IDS = ['plausibility.yoy-jump', 'content.copied'];

function withReceivedTotal(report: AnnualReport, value: number): AnnualReport {
  const received = report.applications?.received;
  if (!received?.total) throw new Error('fixture lacks 表三 本年新收 总计');
  return {
    ...report,
    applications: { ...report.applications, received: { ...received, total: { ...received.total, value } } },
  };
}

describe('year-on-year rules on real consecutive reports', () => {
  it.each(PAIRS)('%s → %s: neither a copy nor a jump', async (before, after) => {
    const previous = await real(before);
    const current = await real(after);
    expect(copiedSimilarity(current.text, previous.text)).toBeLessThan(0.5);
    const findings = validateReport(current, { previousYear: previous });
    expect(findings.filter((f) => YOY_IDS.includes(f.rule))).toEqual([]);
  });

  it('finds last year’s text with only the years changed', async () => {
    const previous = await real('05_hebei_jyt_prov-dept_2023');
    const shifted = previous.text.replace(/2023/g, '2024').replace(/2022/g, '2023');
    const current = { ...previous, year: 2024, text: shifted };
    const findings = validateReport(current, { previousYear: previous }).filter((f) => f.rule === 'content.copied');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toMatch(/与2023年度报告有 100% 相同/);
    // Not across a gap: the 2019 report is not "last year's" for 2024.
    expect(
      validateReport(current, { previousYear: { ...previous, year: 2019 } }).some((f) => f.rule === 'content.copied'),
    ).toBe(false);
  });

  it('masks Arabic and Chinese years alike', () => {
    expect(maskYears('2024年度报告，二〇二三年，于2024-01-15公布')).toBe('#年报告，#年，于#-01-15公布');
  });
});

describe('plausibility.yoy-jump', () => {
  it('flags ×5 and ÷5 only on a base of at least 20', () => {
    expect(isYoyJump(44, 221)).toBe(true);
    expect(isYoyJump(44, 220)).toBe(false);
    expect(isYoyJump(44, 8)).toBe(true);
    expect(isYoyJump(44, 9)).toBe(false);
    expect(isYoyJump(20, 0)).toBe(true);
    expect(isYoyJump(19, 500)).toBe(false);
  });

  it('warns on 表三 本年新收 that jumped against last year, naming both numbers', async () => {
    const previous = await real('04_hebei_jyt_prov-dept_2022'); // 本年新收 总计 44
    const current = withReceivedTotal(await real('05_hebei_jyt_prov-dept_2023'), 300);
    const totals = yearOnYearTotals(current, previous);
    expect(totals[0]).toMatchObject({ section: '三', previous: 44, current: 300 });
    const jumps = validateReport(current, { previousYear: previous }).filter((f) => f.rule === 'plausibility.yoy-jump');
    expect(jumps).toHaveLength(1);
    expect(jumps[0]).toMatchObject({ severity: 'warning', expected: 44, actual: 300, location: { section: '三' } });
    expect(jumps[0]?.message).toContain('本年度为 300 件，2022年度报告为 44 件，增加到 6.8 倍');
  });

  it('runs at assessment when the parse had no previous year, and not twice', async () => {
    const previous = await real('04_hebei_jyt_prov-dept_2022');
    const current = withReceivedTotal(await real('05_hebei_jyt_prov-dept_2023'), 5);
    const result = (report: AnnualReport, findings: ReportResult['findings'] = []) =>
      ({
        agencyId: 'a',
        year: report.year ?? 0,
        sha256: 'x',
        rawKey: '',
        parserVersion: '',
        parsedAt: '',
        report,
        findings,
      }) as ReportResult;
    const late = yearOnYearFindings(result(previous), result(current));
    expect(late.map((f) => f.rule)).toEqual(['plausibility.yoy-jump']);
    expect(yearOnYearFindings(result(previous), result(current, late))).toEqual([]);
    expect(yearOnYearFindings(null, result(current))).toEqual([]);
  });

  it('is in the rule catalogue with an example', () => {
    for (const id of YOY_IDS) expect(ruleInfo(id)?.example).toBeTruthy();
  });
});

describe('the agency page', () => {
  it('shows 表三/表四 totals beside last year’s, marking a five-fold change', async () => {
    const { renderAgencyPage } = await import('../../shared/site/pages.ts');
    const previous = await real('04_hebei_jyt_prov-dept_2022');
    const current = withReceivedTotal(await real('05_hebei_jyt_prov-dept_2023'), 300);
    const view = (year: number, report: AnnualReport) => ({
      year,
      state: undefined,
      results: [],
      fetches: [],
      sourceUrls: new Map<string, string>(),
      report,
    });
    const agency = {
      id: 'hebei-jyt',
      name: '河北省教育厅',
      level: 'province-department' as const,
      region: ['河北省'],
      listUrls: [],
      inRegistry: true,
    };
    const html = renderAgencyPage(agency, [view(2023, current), view(2022, previous)], '2024-04-08T02:00:00Z');
    const section = html.slice(html.indexOf('id="year-2023"'), html.indexOf('id="year-2022"'));
    expect(section).toContain('与上年比较');
    expect(section).toMatch(
      /<tr class="yoy-jump"><td>表三 本年新收申请（总计）<\/td><td class="num">44<\/td><td class="num">300<\/td><td class="num">\+256 <span class="sev-warning">变化超过 5 倍<\/span>/,
    );
    // The oldest year has nothing to compare with.
    expect(html.slice(html.indexOf('id="year-2022"'))).not.toContain('与上年比较');
  });
});
