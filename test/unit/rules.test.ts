import { afterAll, describe, expect, it } from 'vitest';
import type { AnnualReport, Cell } from '../../shared/report/model.ts';
import { RULE_CATALOGUE } from '../../shared/rules/catalogue.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { inferAgencyLevel } from '../../shared/rules/plausibility.ts';
import { type ValidationContext, validateReport } from '../../shared/rules/validate.ts';
import { generateReport, reportFromValues } from '../support/report-generator.ts';

// Every rule id any test here sees is checked against the catalogue at the end.
const emitted = new Set<string>();

function validate(report: AnnualReport, context: ValidationContext = {}): Finding[] {
  const findings = validateReport(report, context);
  for (const finding of findings) emitted.add(finding.rule);
  return findings;
}

function byRule(findings: Finding[], rule: string): Finding[] {
  return findings.filter((finding) => finding.rule === rule);
}

/** A consistent report with some applications in every column (seed chosen for non-zero tables). */
function consistentReport(seed = 11): AnnualReport {
  return reportFromValues(generateReport(seed, { maxReceived: 30 }));
}

function setCell(cell: Cell | undefined, value: number | null): void {
  if (!cell) throw new Error('cell missing in the test model');
  cell.value = value;
}

afterAll(() => {
  const catalogued = new Set(RULE_CATALOGUE.map((rule) => rule.id));
  for (const id of emitted) expect(catalogued, `rule ${id} is not in RULE_CATALOGUE`).toContain(id);
});

describe('consistent reports', () => {
  it('produce no finding at all over 300 generated reports', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const findings = validate(reportFromValues(generateReport(seed)));
      expect(findings, `seed ${seed}`).toEqual([]);
    }
  });
});

describe('arith', () => {
  it('arith.row-total names the row, the 总计 cell and every part, with expected and actual', () => {
    const report = consistentReport();
    const cell = report.applications?.granted?.natural as Cell;
    const before = cell.value as number;
    setCell(cell, before + 1);
    const [finding, ...others] = byRule(validate(report), 'arith.row-total');
    expect(others).toEqual([]);
    expect(finding?.severity).toBe('error');
    expect(finding?.location).toMatchObject({ section: '三', row: '三（一）予以公开', column: '总计' });
    expect(finding?.cells).toContainEqual(expect.objectContaining({ row: '三（一）予以公开', column: '自然人' }));
    const total = report.applications?.granted?.total?.value as number;
    expect(finding?.expected).toBe(total + 1);
    expect(finding?.actual).toBe(total);
    expect(finding?.message).toMatch(/予以公开.*总计/);
  });

  it('arith.balance fires per column when 一 + 二 ≠ 三（七）+ 四', () => {
    const report = consistentReport();
    // Keep the row total right, so only the balance breaks (in 自然人 and 总计).
    setCell(report.applications?.received?.natural, (report.applications?.received?.natural?.value ?? 0) + 2);
    setCell(report.applications?.received?.total, (report.applications?.received?.total?.value ?? 0) + 2);
    const findings = validate(report);
    expect(byRule(findings, 'arith.row-total')).toEqual([]);
    const balance = byRule(findings, 'arith.balance');
    expect(balance.map((finding) => finding.location?.column).sort()).toEqual(['总计', '自然人']);
    expect(balance[0]?.cells?.map((cell) => cell.row)).toEqual([
      '一、本年新收政府信息公开申请数量',
      '二、上年结转政府信息公开申请数量',
      '三（七）总计',
      '四、结转下年度继续办理',
    ]);
  });

  it('arith.outcome-total fires when （七）总计 ≠ the sum of （一）…（六）', () => {
    const report = consistentReport();
    const natural = report.applications?.['notProcessed.2']?.natural;
    const total = report.applications?.['notProcessed.2']?.total;
    setCell(natural, (natural?.value ?? 0) + 1);
    setCell(total, (total?.value ?? 0) + 1);
    const findings = byRule(validate(report), 'arith.outcome-total');
    expect(findings.map((finding) => finding.location?.column).sort()).toEqual(['总计', '自然人']);
    expect(findings[0]?.cells).toContainEqual(
      expect.objectContaining({ row: '三（五）不予处理 2.重复申请', column: findings[0]?.location?.column }),
    );
  });

  it('arith.review-total and arith.litigation-total check each group of table 四', () => {
    const report = consistentReport();
    setCell(report.reviews?.review?.upheld, (report.reviews?.review?.upheld?.value ?? 0) + 1);
    setCell(
      report.reviews?.litigationAfterReview?.total,
      (report.reviews?.litigationAfterReview?.total?.value ?? 0) + 3,
    );
    const findings = validate(report);
    const review = byRule(findings, 'arith.review-total');
    expect(review).toHaveLength(1);
    expect(review[0]?.cells).toContainEqual(expect.objectContaining({ row: '行政复议', column: '结果维持' }));
    const litigation = byRule(findings, 'arith.litigation-total');
    expect(litigation).toHaveLength(1);
    expect(litigation[0]?.location).toMatchObject({ section: '四', row: '行政诉讼（复议后起诉）', column: '总计' });
    expect(litigation[0]?.expected).toBe((litigation[0]?.actual as number) - 3);
  });

  it('an unknown cell makes relations not assessable (info), never an error, and is counted as blank', () => {
    const report = consistentReport();
    const cell = report.applications?.granted?.other as Cell;
    cell.value = null;
    cell.blank = true;
    cell.at = { raw: '/' };
    const findings = validate(report);
    expect(findings.filter((finding) => finding.rule.startsWith('arith.') && finding.severity === 'error')).toEqual([]);
    const notAssessable = byRule(findings, 'arith.not-assessable');
    expect(notAssessable.length).toBeGreaterThanOrEqual(2); // the row total and the 其他 column of （七）
    for (const finding of notAssessable) {
      expect(finding.severity).toBe('info');
      expect(finding.cells).toContainEqual(expect.objectContaining({ row: '三（一）予以公开', column: '其他' }));
    }
    const blank = byRule(findings, 'struct.blank-cell');
    expect(blank).toHaveLength(1);
    expect(blank[0]).toMatchObject({ severity: 'warning', actual: 1, location: { section: '三' } });
    expect(blank[0]?.message).toContain('“/”');
  });

  it('uses the single （六）其他处理 row of the 2019 layout in the outcome total', () => {
    const report = consistentReport();
    const table = report.applications ?? {};
    const merged = { ...table['otherHandling.1'] };
    for (const column of ['natural', 'business', 'research', 'nonprofit', 'legal', 'other', 'total'] as const) {
      const sum = ['otherHandling.1', 'otherHandling.2', 'otherHandling.3'].reduce(
        (acc, row) => acc + (table[row as 'otherHandling.1']?.[column]?.value ?? 0),
        0,
      );
      merged[column] = { value: sum, at: { raw: String(sum) } };
    }
    delete table['otherHandling.1'];
    delete table['otherHandling.2'];
    delete table['otherHandling.3'];
    table.otherHandling = merged;
    report.template = '2019';
    report.year = 2020;
    expect(validate(report).filter((finding) => finding.rule.startsWith('arith.'))).toEqual([]);
  });
});

describe('struct, template, meta', () => {
  it('struct.section-missing per missing section; struct.no-sections when none is found', () => {
    const report = consistentReport();
    delete report.sections.五;
    const missing = byRule(validate(report), 'struct.section-missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ severity: 'error', location: { section: '五' } });
    report.sections = {};
    const findings = validate(report);
    expect(byRule(findings, 'struct.no-sections')).toHaveLength(1);
    expect(byRule(findings, 'struct.section-missing')).toEqual([]);
  });

  it('a scanned PDF (no text layer) gets extract.no-text alone, not six missing sections', () => {
    const report = consistentReport();
    report.sections = {};
    report.applications = null;
    report.reviews = null;
    report.activeDisclosure = null;
    report.text = '';
    report.notes.push({ kind: 'no-text', detail: '共 4 页，均无文字层' });
    const errors = validate(report).filter((finding) => finding.severity === 'error');
    expect(errors.map((finding) => finding.rule)).toEqual(['extract.no-text']);
  });

  it('struct.table-missing when section 三 is there but its table is not', () => {
    const report = consistentReport();
    report.applications = null;
    const findings = byRule(validate(report), 'struct.table-missing');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.location?.section).toBe('三');
    expect(findings[0]?.message).toContain('国办公开办函〔2021〕30号');
  });

  it("struct.table-missing cites the template of the report's year: 2019 and 2020 reports the 2019 trial format", () => {
    for (const [year, cited, notCited] of [
      [2020, '〔2019〕60号', '〔2021〕30号'],
      [2021, '〔2021〕30号', '〔2019〕60号'],
    ] as const) {
      const report = consistentReport();
      report.year = year;
      report.applications = null;
      const [finding] = byRule(validate(report), 'struct.table-missing');
      expect(finding?.message).toContain(cited);
      expect(finding?.message).not.toContain(notCited);
    }
  });

  it('struct.column-missing says extraction damage, not the agency, and lists the inferred values', () => {
    const report = consistentReport();
    const outcome = report.applications?.outcomeTotal?.other as Cell;
    outcome.inferred = true;
    report.notes.push(
      { kind: 'column-missing', section: '三', row: 'granted', column: 'other', detail: '该行只有 6 个数' },
      { kind: 'column-missing', section: '三', row: 'outcomeTotal', column: '其他', detail: '该行只有 6 个数' },
      { kind: 'value-inferred', section: '三', row: 'outcomeTotal', column: 'other', detail: '总计减其余各列' },
    );
    const findings = validate(report);
    const missing = byRule(findings, 'struct.column-missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ severity: 'warning', location: { section: '三', column: '其他' } });
    expect(missing[0]?.message).toContain('损坏');
    expect(missing[0]?.message).toContain('而非机关填报错误');
    expect(missing[0]?.message).toContain(`三（七）总计＝${outcome.value}`);
    expect(missing[0]?.cells?.map((cell) => cell.row)).toEqual(['三（一）予以公开', '三（七）总计']);
    // The inferred value is folded into the column finding, not repeated.
    expect(byRule(findings, 'extract.value-inferred')).toEqual([]);
  });

  it.each([
    ['html', '网页表格'],
    ['docx', 'DOCX 表格'],
    ['pdf', 'PDF 转文字'],
  ] as const)('struct.column-missing in a %s report names that cause', (format, cause) => {
    const report = consistentReport();
    report.format = format;
    report.notes.push({
      kind: 'column-missing',
      section: '三',
      row: 'granted',
      column: 'other',
      detail: '该行只有 6 个数',
    });
    const message = byRule(validate(report), 'struct.column-missing')[0]?.message ?? '';
    expect(message).toContain(cause);
    if (format !== 'pdf') expect(message).not.toContain('PDF');
  });

  it('parse notes: no-text says scan, first, and silences every rule that would judge the text', () => {
    const report = consistentReport();
    report.agency = null;
    report.notes.push({ kind: 'no-text', detail: 'PDF 共 3 页，没有文字层' });
    const findings = validate(report);
    expect(findings[0]?.rule).toBe('extract.no-text');
    expect(findings[0]?.message).toContain('扫描件，无法自动核验');
    expect(findings.map((finding) => finding.rule).filter((rule) => !rule.startsWith('extract.'))).toEqual([]);
  });

  it('parse notes: truncation and damage are reported', () => {
    const report = consistentReport();
    report.notes.push(
      { kind: 'input-truncated', detail: '只读取了前 5 MB' },
      { kind: 'extraction-damage', detail: '“自20231月1日起”' },
      { kind: 'row-unreadable', section: '三', row: '（三）不予公开 9.其他', detail: '模板中没有该行' },
    );
    const findings = validate(report);
    expect(byRule(findings, 'extract.truncated')).toHaveLength(1);
    expect(byRule(findings, 'extract.damage')).toHaveLength(1);
    expect(byRule(findings, 'struct.row-unreadable')).toHaveLength(1);
  });

  it('content.section-empty for a 五 that only says 无, and for an empty 一', () => {
    const report = consistentReport();
    (report.sections.五 as { text: string }).text = '无。';
    (report.sections.一 as { text: string }).text = '  ';
    const findings = byRule(validate(report), 'content.section-empty');
    expect(findings.map((finding) => finding.location?.section).sort()).toEqual(['一', '五']);
  });

  it('template.label-deviation per deviating label', () => {
    const report = consistentReport();
    report.labelDeviations.push({
      section: '二',
      expected: '本年废止件数',
      found: '本年度止件数',
      at: { line: 40, raw: '本年度止件数' },
    });
    const [finding] = byRule(validate(report), 'template.label-deviation');
    expect(finding).toMatchObject({ severity: 'warning', expected: '本年废止件数', actual: '本年度止件数' });
    expect(finding?.message).toContain('本年度止件数');
  });

  it('template.version-mismatch only for a 2021+ report in the 2019 layout', () => {
    const report = consistentReport();
    report.template = '2019';
    report.year = 2023;
    expect(byRule(validate(report), 'template.version-mismatch')).toHaveLength(1);
    report.year = 2020;
    expect(byRule(validate(report), 'template.version-mismatch')).toEqual([]);
  });

  it('template.citation-wrong for 国办发〔2021〕30号 and 办涵, not for the right number', () => {
    const report = consistentReport();
    expect(report.text).toContain('国办公开办函〔2021〕30号');
    expect(byRule(validate(report), 'template.citation-wrong')).toEqual([]);
    report.text += '\n依据国办发〔2021〕30号和国办公开办涵〔2021〕30号要求。';
    const findings = byRule(validate(report), 'template.citation-wrong');
    expect(findings.map((finding) => finding.actual)).toEqual(['国办发〔2021〕30号', '国办公开办涵']);
    expect(findings.map((finding) => finding.expected)).toEqual([
      '国办公开办函〔2021〕30号',
      '国办公开办函〔2021〕30号',
    ]);
  });

  it('template.citation-wrong corrects the document the report meant: 国办发〔2019〕60号 to 〔2019〕60号', () => {
    const report = consistentReport();
    report.year = 2020;
    report.text += '\n依据国办发〔2019〕60号和国办公开办涵〔2019〕60号要求。';
    const findings = byRule(validate(report), 'template.citation-wrong');
    expect(findings.map((finding) => finding.expected)).toEqual([
      '国办公开办函〔2019〕60号',
      '国办公开办函〔2019〕60号',
    ]);
    for (const finding of findings) expect(finding.message).not.toContain('〔2021〕30号');
  });

  it('meta.agency-unknown, meta.year-unknown and meta.period-mismatch', () => {
    const report = consistentReport();
    report.agency = null;
    report.year = null;
    let findings = validate(report);
    expect(byRule(findings, 'meta.agency-unknown')).toHaveLength(1);
    expect(byRule(findings, 'meta.year-unknown')).toHaveLength(1);
    // No title line at all (a page stored without its heading): one neutral info, nothing blaming the title.
    report.title = null;
    findings = validate(report);
    expect(findings.filter((finding) => finding.rule.startsWith('meta.')).map((finding) => finding.rule)).toEqual([
      'meta.title-not-found',
    ]);
    expect(byRule(findings, 'meta.title-not-found')[0]?.severity).toBe('info');
    const fresh = consistentReport();
    fresh.year = (fresh.year as number) + 1;
    findings = byRule(validate(fresh), 'meta.period-mismatch');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.actual).toBe((fresh.year as number) - 1);
  });
});

describe('narrative', () => {
  function withNarrative(text: string, report = consistentReport()): AnnualReport {
    (report.sections.一 as { text: string }).text = text;
    return report;
  }

  it('narrative.mismatch when a stated count disagrees with table 三', () => {
    const report = consistentReport();
    const granted = report.applications?.granted?.total?.value as number;
    const text = `本年度予以公开 ${granted + 17} 件。`;
    const findings = byRule(validate(withNarrative(text)), 'narrative.mismatch');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      expected: granted,
      actual: granted + 17,
      location: { row: '三（一）予以公开' },
    });
  });

  it('narrative.mismatch for review and litigation counts against table 四', () => {
    const report = consistentReport();
    const review = report.reviews?.review?.total?.value as number;
    const findings = byRule(
      validate(withNarrative(`发生行政复议 ${review + 1} 件，行政诉讼 0 件。`)),
      'narrative.mismatch',
    );
    expect(findings.map((finding) => finding.location?.section)).toContain('四');
  });

  it("seed 002's wording is right: 99 received = 98 handled + 1 carried over; outcomes match the table", () => {
    const report = consistentReport();
    const table = report.applications ?? {};
    const set = (row: keyof typeof table, total: number) => setCell(table[row]?.total, total);
    // Only totals are read by the narrative rules; make them seed 002's.
    set('received', 99);
    set('carriedIn', 0);
    set('granted', 46);
    set('partlyGranted', 11);
    for (const row of ['withheld.1', 'withheld.4'] as const) set(row, 3);
    for (const row of ['withheld.2', 'withheld.3', 'withheld.5', 'withheld.6', 'withheld.7', 'withheld.8'] as const)
      set(row, 0);
    set('unavailable.1', 34);
    set('unavailable.2', 1);
    set('unavailable.3', 0);
    set('carriedOver', 1);
    const text =
      '2024 年受理依申请公开办理件 99 件，办理结果为：予以公开 46 件，部分公开 11 件，不予公开 6 件，无法提供 35 件。结转下年度继续办理 1 件，答复率 100%。';
    const findings = validate(withNarrative(text, report)).filter((finding) => finding.rule.startsWith('narrative.'));
    expect(findings).toEqual([]);
    // …and a wrong stated total is caught by the sum check.
    const wrong = validate(withNarrative(text.replace('99 件', '97 件'), report));
    expect(byRule(wrong, 'narrative.sum')).toHaveLength(1);
  });

  it("narrative.sum: seed 000's 23 = 2+1+11+1+3+1+4 passes, 24 does not", () => {
    const sentence =
      '一是根据政务公开要求，本年度在政府信息公开平台上累计公开信息 23 次，其中项目库公示 2 次，年度资金计划 1 次，资金安排情况公示 11 次，年度项目完成情况 1 次，项目批复 3 次，资产管理公示 1 次，雨露计划公示 4 次。';
    expect(byRule(validate(withNarrative(sentence)), 'narrative.sum')).toEqual([]);
    const wrong = byRule(validate(withNarrative(sentence.replace('23 次', '24 次'))), 'narrative.sum');
    expect(wrong).toHaveLength(1);
    expect(wrong[0]).toMatchObject({ expected: 24, actual: 23 });
    // A list that says it is partial (等) may fall short.
    expect(byRule(validate(withNarrative('共发布 30 条，其中通知 2 条、公告 3 条等。')), 'narrative.sum')).toEqual([]);
  });
});

describe('plausibility', () => {
  it('infers agency levels from names', () => {
    expect(inferAgencyLevel('卢氏县人民政府')).toBe('county-government');
    expect(inferAgencyLevel('卢氏县乡村振兴局')).toBe('county-department');
    expect(inferAgencyLevel('卢氏县国防动员办公室')).toBe('county-department');
    expect(inferAgencyLevel('隆德县山河乡')).toBe('township');
    expect(inferAgencyLevel('卢氏县城关镇人民政府')).toBe('township');
    expect(inferAgencyLevel('某区东明街道办事处')).toBe('township');
    expect(inferAgencyLevel('三门峡市人民政府')).toBe('city-government');
    expect(inferAgencyLevel('三门峡市生态环境局')).toBe('city-department');
    expect(inferAgencyLevel('河南省财政厅')).toBe('province-department');
    expect(inferAgencyLevel('河南省人民政府')).toBe('province-government');
    expect(inferAgencyLevel(null)).toBeNull();
  });

  it('plausibility.fee-unit for a county reporting 5268464.2119 万元; not for 57.2343 万元 of a county office', () => {
    const county = consistentReport();
    county.agency = '卢氏县人民政府';
    setCell(county.activeDisclosure?.fees?.amount, 5268464.2119);
    const [finding] = byRule(validate(county), 'plausibility.fee-unit');
    expect(finding).toMatchObject({
      severity: 'warning',
      actual: 5268464.2119,
      location: { section: '二', row: '行政事业性收费' },
    });
    expect(finding?.message).toContain('县级人民政府');
    expect(finding?.message).toContain('元');
    const office = consistentReport();
    office.agency = '卢氏县国防动员办公室';
    setCell(office.activeDisclosure?.fees?.amount, 57.2343);
    expect(byRule(validate(office), 'plausibility.fee-unit')).toEqual([]);
  });

  it('the registry level wins over the name', () => {
    const report = consistentReport();
    report.agency = '某某委员会';
    setCell(report.activeDisclosure?.fees?.amount, 20_000);
    expect(byRule(validate(report), 'plausibility.fee-unit')).toEqual([]);
    expect(byRule(validate(report, { level: 'township' }), 'plausibility.fee-unit')).toHaveLength(1);
  });

  it('plausibility.negative and plausibility.non-integer name the cell; fees may have decimals', () => {
    const report = consistentReport();
    setCell(report.reviews?.review?.pending, -1);
    setCell(report.activeDisclosure?.licensing?.decisions, 12.5);
    setCell(report.activeDisclosure?.fees?.amount, 1.2345);
    const findings = validate(report);
    expect(byRule(findings, 'plausibility.negative')[0]?.location).toMatchObject({
      row: '行政复议',
      column: '尚未审结',
    });
    const fractional = byRule(findings, 'plausibility.non-integer');
    expect(fractional).toHaveLength(1);
    expect(fractional[0]?.location).toMatchObject({ row: '行政许可', column: '本年处理决定数量' });
  });

  it('plausibility.rules-township for a township reporting 规章', () => {
    const report = consistentReport();
    report.agency = '隆德县山河乡';
    setCell(report.activeDisclosure?.rules?.inForce, 3);
    const findings = byRule(validate(report), 'plausibility.rules-township');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('行政规范性文件');
    expect(findings[0]?.message).toContain('填报“规章”现行有效 3 件');
    expect(findings[0]?.location?.column).toBe('现行有效件数');
    // A 2019 trial-format report is told in its own template's words.
    report.template = '2019';
    const [trial] = byRule(validate(report), 'plausibility.rules-township');
    expect(trial?.message).toContain('填报“规章”对外公开总数 3 件');
    expect(trial?.location?.column).toBe('对外公开总数量');
  });
});

describe('carryover', () => {
  it("carryover.mismatch when 上年结转 ≠ last year's 结转下年度, per column", () => {
    const previous = consistentReport(12);
    const report = consistentReport(11);
    previous.year = (report.year as number) - 1;
    const findings = validate(report, { previousYear: previous });
    const columns = (['natural', 'business', 'research', 'nonprofit', 'legal', 'other', 'total'] as const).filter(
      (column) =>
        report.applications?.carriedIn?.[column]?.value !== previous.applications?.carriedOver?.[column]?.value,
    );
    expect(byRule(findings, 'carryover.mismatch')).toHaveLength(columns.length);
    expect(columns.length).toBeGreaterThan(0);
    // Equal values, or a previous report from another year, raise nothing.
    previous.year = (report.year as number) - 3;
    expect(byRule(validate(report, { previousYear: previous }), 'carryover.mismatch')).toEqual([]);
  });
});

describe('ordering and catalogue', () => {
  it('sorts errors before warnings before info', () => {
    const report = consistentReport();
    report.agency = null;
    setCell(report.applications?.granted?.natural, 999);
    report.notes.push({ kind: 'extraction-damage', detail: 'x' });
    const ranks = validate(report).map((finding) => ({ error: 0, warning: 1, info: 2 })[finding.severity]);
    expect(ranks).toEqual([...ranks].sort());
  });

  it('the catalogue has unique ids, Chinese titles, descriptions and examples', () => {
    const ids = RULE_CATALOGUE.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULE_CATALOGUE) {
      for (const text of [rule.title, rule.description, rule.example]) expect(text).toMatch(/[\u4e00-\u9fff]/);
    }
    for (const id of [
      'struct.section-missing',
      'struct.table-missing',
      'struct.column-missing',
      'template.label-deviation',
      'arith.row-total',
      'arith.balance',
      'arith.outcome-total',
      'arith.review-total',
      'arith.litigation-total',
      'narrative.mismatch',
      'narrative.sum',
      'plausibility.fee-unit',
      'plausibility.negative',
      'plausibility.non-integer',
      'struct.blank-cell',
      'content.section-empty',
      'template.version-mismatch',
      'meta.agency-unknown',
      'meta.year-unknown',
      'carryover.mismatch',
    ]) {
      expect(ids).toContain(id);
    }
  });
});

describe('catalogue covers the source', () => {
  it('every rule id written in shared/rules/*.ts is in RULE_CATALOGUE', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../shared/rules/', import.meta.url);
    const families = 'arith|struct|template|narrative|plausibility|carryover|meta|content|extract|internal';
    const pattern = new RegExp(`'((?:${families})\\.[a-z-]+)'`, 'g');
    const ids = new Set<string>();
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && name !== 'catalogue.ts')) {
      for (const match of readFileSync(new URL(file, dir), 'utf8').matchAll(pattern)) ids.add(match[1] as string);
    }
    expect(ids.size).toBeGreaterThan(25);
    const catalogued = new Set(RULE_CATALOGUE.map((rule) => rule.id));
    expect([...ids].filter((id) => !catalogued.has(id))).toEqual([]);
  });
});
