// The five real reports (extracted text) through the text parser and the validator.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AnnualReport } from '../../shared/report/model.ts';
import { parseText } from '../../shared/report/parse.ts';
import { RULE_CATALOGUE } from '../../shared/rules/catalogue.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { validateReport } from '../../shared/rules/validate.ts';
import { expectApplicationColumnsBalance, SEED_FILES, SEED_IDENTITIES, seedText } from '../support/seeds.ts';

function seed(prefix: string): { report: AnnualReport; findings: Finding[] } {
  const report = parseText(seedText(prefix));
  return { report, findings: validateReport(report) };
}

const rules = (findings: Finding[]) => findings.map((finding) => finding.rule);

describe('the five seeds', () => {
  it('are all there', () => {
    expect(SEED_FILES).toHaveLength(5);
  });

  it.each(SEED_IDENTITIES)(
    'seed %s: agency %s, year %i, no arith error, every rule catalogued',
    (prefix, agency, year) => {
      const { report, findings } = seed(prefix);
      expect(report.agency).toBe(agency);
      expect(report.year).toBe(year);
      expect(findings.filter((finding) => finding.rule.startsWith('arith.') && finding.severity === 'error')).toEqual(
        [],
      );
      expect(rules(findings)).not.toContain('meta.agency-unknown');
      const catalogued = new Set(RULE_CATALOGUE.map((rule) => rule.id));
      for (const rule of rules(findings)) expect(catalogued).toContain(rule);
    },
  );

  it('seed 002: the 其他 column is reported missing (extraction damage) and its inferred values reconcile', () => {
    const { report, findings } = seed('002');
    const missing = findings.filter(
      (finding) => finding.rule === 'struct.column-missing' && finding.location?.column === '其他',
    );
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ severity: 'warning', location: { section: '三' } });
    expect(missing[0]?.message).toContain('提取损坏');
    expect(missing[0]?.message).toContain('三（一）予以公开＝9');
    const table = report.applications;
    expect(table?.granted?.other).toMatchObject({ value: 9, inferred: true });
    // 99 = 98 + 1 in the 总计 column, and every column balances with the inferred values.
    expect(table?.received?.total?.value).toBe(99);
    expect(table?.outcomeTotal?.total?.value).toBe(98);
    expect(table?.carriedOver?.total?.value).toBe(1);
    expectApplicationColumnsBalance(table);
    expect(rules(findings)).not.toContain('arith.not-assessable');
  });

  it('seed 002: 5268464.2119 万元 for a county government is flagged as a unit error', () => {
    const { findings } = seed('002');
    const fee = findings.filter((finding) => finding.rule === 'plausibility.fee-unit');
    expect(fee).toHaveLength(1);
    expect(fee[0]?.actual).toBe(5268464.2119);
  });

  it('seed 002: the narrative (受理 99 件 … 结转下年度继续办理 1 件) agrees with the table: no narrative finding', () => {
    const { findings } = seed('002');
    expect(findings.filter((finding) => finding.rule.startsWith('narrative.'))).toEqual([]);
  });

  it.each(['001', '004'])('seed %s: 本年度止件数 is a template label deviation', (prefix) => {
    const { findings } = seed(prefix);
    const deviation = findings.filter((finding) => finding.rule === 'template.label-deviation');
    expect(deviation).toContainEqual(expect.objectContaining({ expected: '本年废止件数', actual: '本年度止件数' }));
  });

  it('seed 004: 57.2343 万元 is plausible, and the denied 信息处理费 is a different fee: no fee finding', () => {
    const { report, findings } = seed('004');
    expect(report.activeDisclosure?.fees?.amount?.value).toBe(57.2343);
    expect(rules(findings)).not.toContain('plausibility.fee-unit');
  });

  it("seed 000: the narrative's 23 = 2+1+11+1+3+1+4 checks out", () => {
    const { report, findings } = seed('000');
    expect(report.sections.一?.text).toContain('累计公开信息 23 次');
    expect(findings.filter((finding) => finding.rule.startsWith('narrative.'))).toEqual([]);
  });

  it('seed 003 (a township) raises no 规章 or fee finding', () => {
    const { findings } = seed('003');
    expect(rules(findings)).not.toContain('plausibility.rules-township');
    expect(rules(findings)).not.toContain('plausibility.fee-unit');
  });
});

describe('the 2019 trial layout', () => {
  const source = readFileSync(fileURLToPath(new URL('../fixtures/reports/template-2019.txt', import.meta.url)), 'utf8');

  it('is fine for a 2020 report: no version finding, no arith error', () => {
    const report = parseText(source);
    expect(report.template).toBe('2019');
    const findings = validateReport(report);
    expect(rules(findings)).not.toContain('template.version-mismatch');
    expect(findings.filter((finding) => finding.rule.startsWith('arith.') && finding.severity === 'error')).toEqual([]);
  });

  it('is a template.version-mismatch error in a 2023 report', () => {
    const report = parseText(source.replace(/2020/g, '2023'));
    expect(report.year).toBe(2023);
    const mismatch = validateReport(report).filter((finding) => finding.rule === 'template.version-mismatch');
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]).toMatchObject({ severity: 'error', expected: '2021', actual: '2019' });
  });
});
