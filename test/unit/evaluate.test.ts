import { describe, expect, it } from 'vitest';
import type { Assessment, ComplianceStatus } from '../../shared/compliance/status.ts';
import { agencyScore, buildEvaluation } from '../../shared/evaluate/model.ts';
import { renderEvaluationHtml } from '../../shared/evaluate/render.ts';
import type { Agency, AgencyLevel } from '../../shared/registry/agency.ts';
import type { Finding } from '../../shared/rules/finding.ts';

const agency = (id: string, level: AgencyLevel, region: string[], name = id): Agency => ({
  id,
  name,
  level,
  region,
  listUrls: ['https://example.gov.cn/'],
});

const AGENCIES: Agency[] = [
  agency('a-gov', 'county-government', ['河南省', '甲市', '甲县'], '甲县人民政府'),
  agency('a-edu', 'county-department', ['河南省', '甲市', '甲县'], '甲县教育局'),
  agency('a-fin', 'county-department', ['河南省', '甲市', '甲县'], '甲县财政局'),
  agency('b-gov', 'county-government', ['河南省', '甲市', '乙县'], '乙县人民政府'),
  agency('b-edu', 'county-department', ['河南省', '甲市', '乙县'], '乙县教育局'),
  agency('c-city', 'city-government', ['河南省', '丙市'], '丙市人民政府'),
  agency('c-town', 'township', ['河南省', '丙市', '丙区'], '丙区东城街道办事处'),
];

function assessment(
  id: string,
  status: ComplianceStatus,
  flags: ComplianceStatus[] = [status],
  findings: Finding[] = [],
) {
  return {
    agencyId: id,
    year: 2024,
    status,
    flags,
    deadline: '2025-01-31T23:59:59.999+08:00',
    publishDate: null,
    findings,
    assessedAt: '2025-04-07T10:00:00+08:00',
  } as Assessment;
}

const error = (rule: string, message = `${rule} 的问题`): Finding => ({ rule, severity: 'error', message });

const NOW = new Map<string, Assessment>([
  ['a-gov', assessment('a-gov', 'on-time')],
  ['a-edu', assessment('a-edu', 'late', ['late', 'inconsistent'], [error('arith.row-total'), error('arith.balance')])],
  ['a-fin', assessment('a-fin', 'unreachable', ['unreachable'], [error('fetch.anti-bot')])],
  ['b-gov', assessment('b-gov', 'missing')],
  ['b-edu', assessment('b-edu', 'inconsistent', ['inconsistent'], [error('arith.row-total')])],
  ['c-city', assessment('c-city', 'on-time')],
]);
const BEFORE = new Map<string, Assessment>([
  ['a-gov', assessment('a-gov', 'late')],
  ['b-gov', assessment('b-gov', 'missing')],
  ['b-edu', assessment('b-edu', 'missing')],
]);

describe('buildEvaluation', () => {
  const evaluation = buildEvaluation({
    year: 2024,
    agencies: AGENCIES,
    assessments: NOW,
    previous: BEFORE,
    now: new Date('2025-04-07T02:00:00Z'),
  });

  it('groups one level below what all agencies share, unknown and unassessed outside the rates', () => {
    expect(evaluation.byRegion.map((r) => r.region)).toEqual(['河南省/丙市', '河南省/甲市']);
    const jia = evaluation.byRegion.find((r) => r.region === '河南省/甲市');
    expect(jia?.rates).toMatchObject({ agencies: 5, due: 4, published: 3, onTime: 2, late: 1, missing: 1, unknown: 1 });
    expect(jia?.rates.onTimeRate).toBeCloseTo(0.5);
    expect(jia?.rates.problemRate).toBeCloseTo(2 / 3);
    const bing = evaluation.byRegion.find((r) => r.region === '河南省/丙市');
    expect(bing?.rates).toMatchObject({ agencies: 2, due: 1, notAssessed: 1 });
  });

  it('compares with last year per region', () => {
    const jia = evaluation.byRegion.find((r) => r.region === '河南省/甲市');
    expect(jia?.previous?.onTimeRate).toBe(0); // 3 due last year, none on time
    expect(jia?.previous?.publishRate).toBeCloseTo(1 / 3);
    expect(evaluation.byRegion.find((r) => r.region === '河南省/丙市')?.previous).toBeNull();
    expect(evaluation.hasPrevious).toBe(true);
  });

  it('ranks counties by their rates and departments by score (unreachable ones unranked)', () => {
    expect(evaluation.countyRanking.map((r) => [r.rank, r.region])).toEqual([
      [1, '河南省/甲市/甲县'],
      [2, '河南省/甲市/乙县'],
    ]);
    expect(evaluation.departmentRanking.map((r) => [r.rank, r.agencyId, r.score])).toEqual([
      [1, 'b-edu', 90],
      [2, 'a-edu', 40],
    ]);
  });

  it('lists the common defects with examples, never our own fetch failures', () => {
    expect(evaluation.defects.map((d) => [d.rule, d.agencies, d.findings])).toEqual([
      ['arith.row-total', 2, 2],
      ['arith.balance', 1, 1],
    ]);
    expect(evaluation.defects[0]?.examples.map((e) => e.agency)).toEqual(['甲县教育局', '乙县教育局']);
    expect(evaluation.defects[0]?.title).not.toBe('arith.row-total'); // from the catalogue
  });

  it('renders every name escaped, with the rates as data and the print stylesheet', () => {
    const hostile = buildEvaluation({
      year: 2024,
      agencies: [agency('x', 'county-department', ['河南省', '<script>alert(1)</script>县'], '<img src=x>局')],
      assessments: new Map([
        ['x', assessment('x', 'inconsistent', ['inconsistent'], [error('arith.row-total', '<b>x</b>')])],
      ]),
      now: new Date('2025-04-07T02:00:00Z'),
    });
    const html = renderEvaluationHtml(hostile);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x>');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('@page { size: A4');
    expect(html).toMatch(/data-rate="onTimeRate" data-group="total:合计" data-value="1"/);
    expect(renderEvaluationHtml(evaluation)).toContain('+50.0 个百分点'); // 甲市 按时公开率 0% → 50%
  });

  it('renders an empty registry (no agencies) with unknown rates', () => {
    const empty = buildEvaluation({ year: 2024, agencies: [], assessments: new Map(), now: new Date(0) });
    expect(empty.total.agencies).toBe(0);
    expect(renderEvaluationHtml(empty)).toContain('data-group="total:合计" data-value=""');
  });

  it('scores agencies as the report says', () => {
    expect(agencyScore(assessment('x', 'missing'))).toBe(0);
    expect(agencyScore(assessment('x', 'pending'))).toBeNull();
    expect(
      agencyScore(
        assessment('x', 'on-time', ['on-time'], [{ rule: 'struct.blank-cell', severity: 'warning', message: '' }]),
      ),
    ).toBe(98);
  });
});
