/** Values that are possible arithmetically but implausible: fees in the wrong unit, negative or fractional counts. */
import type { AgencyLevel } from '../registry/agency.ts';
import {
  ACTIVE_COLUMN_LABELS,
  type ActiveDisclosureColumnId,
  type ActiveDisclosureRowId,
  type AnnualReport,
  APPLICANT_COLUMNS,
  type ApplicantColumnId,
  type ApplicationRowId,
  activeColumnLabel,
  type Cell,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
} from '../report/model.ts';
import { applicantScratch, readApplicantRow } from './cells.ts';
import type { Finding, FindingLocation } from './finding.ts';
import { applicationCellLocation, cellName, formatNumber, reviewCellLocation } from './locate.ts';
import type { Rule } from './rule.ts';
import type { RuleInfo } from './rule-info.ts';

const LEVEL_NAMES: Record<AgencyLevel, string> = {
  'province-government': '省级人民政府',
  'city-government': '设区的市级人民政府',
  'county-government': '县级人民政府',
  'province-department': '省级部门',
  'city-department': '市级部门',
  'county-department': '县级部门',
  township: '乡镇（街道）',
};

/**
 * Upper bound, in 万元, of a plausible year of 行政事业性收费 per level. Generous on purpose: the rule is
 * there to catch 元 typed into a 万元 column (a factor of 10,000), not to second-guess real amounts.
 */
const FEE_CEILING_WAN: Record<AgencyLevel, number> = {
  township: 5_000,
  'county-department': 100_000,
  'county-government': 500_000,
  'city-department': 1_000_000,
  'city-government': 5_000_000,
  'province-department': 10_000_000,
  'province-government': 50_000_000,
};

/**
 * Infers the agency level from its name when the registry does not give it: 乡/镇/街道 → township,
 * 县/区/旗 人民政府 → county government, a 局/办/委… under a county → county department, and so on.
 * Returns null when the name says too little.
 */
export function inferAgencyLevel(name: string | null): AgencyLevel | null {
  if (!name) return null;
  const compact = name.replace(/\s+/g, '');
  const core = compact.replace(/(?:人民政府|政府|办事处|党委|党工委)$/, '');
  if (/(?:乡|镇|街道|苏木)$/.test(core)) return 'township';
  const isGovernment = /人民政府$/.test(compact) || /政府$/.test(compact);
  if (isGovernment) {
    if (/(?:县|旗|区)$/.test(core)) return 'county-government';
    if (/(?:省|自治区)$/.test(core) || /^(?:北京|天津|上海|重庆)市$/.test(core)) return 'province-government';
    if (/市$/.test(core)) return 'city-government';
    return null;
  }
  // A department: the level is that of the last region named before the department's own name.
  const region = /^(.*?(?:省|自治区|市|州|盟|县|旗|区))/.exec(compact)?.[1] ?? '';
  const last = /(?:省|自治区|市|州|盟|县|旗|区)(?=[^省自治区市州盟县旗]*$)/.exec(region)?.[0];
  if (/(?:县|旗)/.test(region) || last === '区') return 'county-department';
  if (last === '市' || last === '州' || last === '盟') return 'city-department';
  if (last === '省' || last === '自治区') return 'province-department';
  return null;
}

function levelOf(
  report: AnnualReport,
  level: AgencyLevel | undefined,
): { level: AgencyLevel; inferred: boolean } | null {
  if (level) return { level, inferred: false };
  const inferred = inferAgencyLevel(report.agency);
  return inferred ? { level: inferred, inferred: true } : null;
}

function feeLocation(cell: Cell, label: string): FindingLocation {
  return { section: '二', row: label, column: ACTIVE_COLUMN_LABELS.amount, at: cell.at };
}

/** What plausibility.fee-unit says about itself (rules.html, the evaluation's defect titles). */
export const PLAUSIBILITY_FEE_UNIT_INFO: RuleInfo = {
  id: 'plausibility.fee-unit',
  severity: 'warning',
  title: '收费金额单位疑似有误',
  description: '“行政事业性收费”以万元填报，金额对该级机关明显不合常理，疑似把“元”填进了“万元”栏。',
  example: '某县人民政府填报 5268464.2119 万元（约 527 亿元）。',
};

/** plausibility.fee-unit: a 行政事业性收费 amount in 万元 that is implausible for the agency's level. */
export const feeUnit: Rule = (report, context) => {
  const row = report.activeDisclosure?.fees;
  const cell = row?.amount;
  if (!cell || cell.value === null) return [];
  const level = levelOf(report, context.level);
  if (!level) return [];
  const ceiling = FEE_CEILING_WAN[level.level];
  if (cell.value <= ceiling) return [];
  // 1 亿元 = 10,000 万元; and the same figure read as 元 is value / 10,000 万元.
  const yiYuan = cell.value / 10_000;
  return [
    {
      rule: 'plausibility.fee-unit',
      severity: 'warning',
      message: `“行政事业性收费”本年收费金额填报为 ${formatNumber(cell.value)} 万元（约 ${formatNumber(Math.round(yiYuan))} 亿元），对${LEVEL_NAMES[level.level]}${level.inferred ? '（按机关名称推断）' : ''}明显不合常理（合理上限约 ${formatNumber(ceiling)} 万元），疑似把以“元”为单位的数字填进了“万元”栏（若按元计，约为 ${formatNumber(yiYuan)} 万元）。请核实金额与单位。`,
      location: feeLocation(cell, row?.label ?? '行政事业性收费'),
      expected: `≤ ${ceiling}`,
      actual: cell.value,
    },
  ];
};

type CellCheck = (cell: Cell, isCount: boolean, signed: boolean) => boolean;

interface CellHit {
  cell: Cell;
  location: FindingLocation;
  isCount: boolean;
  signed: boolean;
}

/**
 * Visits every numeric cell of tables 二, 三, 四 and returns a finding location for those `suspicious`
 * accepts. Plain loops, and locations built only for hits: this runs on every report.
 */
function suspiciousCells(report: AnnualReport, suspicious: CellCheck): CellHit[] {
  const hits: CellHit[] = [];
  const active = report.activeDisclosure;
  if (active) {
    for (const rowId in active) {
      const row = active[rowId as ActiveDisclosureRowId] as Record<string, unknown> | undefined;
      if (!row) continue;
      for (const key in row) {
        const value = row[key];
        if (key === 'label' || typeof value !== 'object' || value === null) continue;
        const cell = value as Cell;
        const column = key as ActiveDisclosureColumnId;
        const isAmount =
          column === 'amount' || (rowId === 'procurement' && column !== 'decisions' && column !== 'projects');
        // The 2019 layout's 本年增/减 is a signed change.
        const signed = column === 'added';
        if (!suspicious(cell, !isAmount, signed)) continue;
        hits.push({
          isCount: !isAmount,
          signed,
          cell,
          location: {
            section: '二',
            row: String(row.label ?? rowId),
            column: activeColumnLabel(column, report.template) ?? key,
            at: cell.at,
          },
        });
      }
    }
  }
  const applications = report.applications;
  if (applications) {
    const rowCells = applicantScratch();
    for (const row in applications) {
      const cells = applications[row as ApplicationRowId];
      if (!cells) continue;
      readApplicantRow(cells, rowCells);
      for (let k = 0; k < APPLICANT_COLUMNS.length; k++) {
        const column = APPLICANT_COLUMNS[k] as ApplicantColumnId;
        const cell = rowCells[k];
        if (!cell || !suspicious(cell, true, false)) continue;
        hits.push({
          cell,
          location: applicationCellLocation(row as ApplicationRowId, column, cell),
          isCount: true,
          signed: false,
        });
      }
    }
  }
  const reviews = report.reviews;
  if (reviews) {
    for (const group of REVIEW_GROUPS) {
      const cells = reviews[group];
      if (!cells) continue;
      for (const column of REVIEW_COLUMNS) {
        const cell = cells[column];
        if (!cell || !suspicious(cell, true, false)) continue;
        hits.push({ cell, location: reviewCellLocation(group, column, cell), isCount: true, signed: false });
      }
    }
  }
  return hits;
}

/** What plausibility.negative says about itself (rules.html, the evaluation's defect titles). */
export const PLAUSIBILITY_NEGATIVE_INFO: RuleInfo = {
  id: 'plausibility.negative',
  severity: 'error',
  title: '出现负数',
  description: '件数和金额不可能为负。',
  example: '“二、上年结转”填 −1。',
};

/**
 * plausibility.negative (a count or amount below zero), plausibility.non-integer (a count that is not a
 * whole number) and plausibility.too-large (below), in one pass over the cells: a pass over every cell of
 * the three tables per rule cost as much as the rest of the plausibility rules together.
 */
export const countValues: Rule = (report) => {
  const hits = suspiciousCells(
    report,
    ({ value, implausible }, isCount, signed) =>
      implausible === true || (value !== null && ((value < 0 && !signed) || (isCount && !Number.isInteger(value)))),
  );
  if (hits.length === 0) return [];
  const findings: Finding[] = [];
  for (const hit of hits) if (hit.cell.value !== null) valueFindings(hit, findings);
  for (const hit of hits) if (hit.cell.implausible === true) findings.push(tooLargeFinding(hit));
  return findings;
};

function valueFindings({ cell, location, isCount, signed }: CellHit, findings: Finding[]): void {
  const value = cell.value as number;
  const where = `表${location.section}“${cellName(location)}”`;
  if (value < 0 && !signed) {
    findings.push({
      rule: 'plausibility.negative',
      severity: 'error',
      message: `${where}填报为负数 ${formatNumber(value)}。件数和金额不可能为负，请更正。`,
      location,
      expected: '≥ 0',
      actual: value,
    });
  }
  if (isCount && !Number.isInteger(value)) {
    findings.push({
      rule: 'plausibility.non-integer',
      severity: 'error',
      message: `${where}是件数，却填报为小数 ${formatNumber(value)}。件数应为整数，请更正。`,
      location,
      expected: '整数',
      actual: value,
    });
  }
}

/** What plausibility.rules-township says about itself (rules.html, the evaluation's defect titles). */
export const PLAUSIBILITY_RULES_TOWNSHIP_INFO: RuleInfo = {
  id: 'plausibility.rules-township',
  severity: 'warning',
  title: '县乡机关填报了规章',
  description: '县乡两级机关无权制定规章，却填报规章制发或现行有效件数。',
  example: '某乡人民政府填报规章现行有效 3 件。',
};

/** plausibility.rules-township: a township reporting 规章 (only provinces and districted cities make them). */
export const rulesTownship: Rule = (report, context) => {
  const level = levelOf(report, context.level);
  if (level?.level !== 'township' && level?.level !== 'county-government' && level?.level !== 'county-department') {
    return [];
  }
  const row = report.activeDisclosure?.rules;
  if (!row) return [];
  const findings: Finding[] = [];
  for (const column of ['issued', 'inForce'] as const) {
    const cell = row[column];
    if (!cell || cell.value === null || cell.value <= 0) continue;
    findings.push({
      rule: 'plausibility.rules-township',
      severity: 'warning',
      message: `${LEVEL_NAMES[level.level]}填报“规章”${activeColumnLabel(column, report.template).replace(/(?:件数|量)$/, '')} ${formatNumber(cell.value)} 件。依《立法法》，只有国务院部门和省、自治区、直辖市及设区的市、自治州人民政府可以制定规章，县乡两级不制定规章。请核实是否应填入“行政规范性文件”一行。`,
      location: {
        section: '二',
        row: row.label,
        column: activeColumnLabel(column, report.template),
        at: cell.at,
      },
      expected: 0,
      actual: cell.value,
    });
  }
  return findings;
};

/** What plausibility.too-large says about itself (rules.html, the evaluation's defect titles). */
export const PLAUSIBILITY_TOO_LARGE_INFO: RuleInfo = {
  id: 'plausibility.too-large',
  severity: 'error',
  title: '数字大得不可能',
  description: '单元格中的数字超过 2^53（约 9×10^15），不可能是真实的件数或金额；按无法核对处理，不作四舍五入。',
  example: '“规章”本年废止件数填 99999999999999999999。',
};

/**
 * plausibility.too-large (found by countValues): a number beyond 2^53 (no real count or amount; a double
 * cannot even hold it exactly). The cell keeps its column but reads as unknown, never as a rounded value.
 */
function tooLargeFinding({ cell, location }: CellHit): Finding {
  return {
    rule: 'plausibility.too-large',
    severity: 'error',
    message: `表${location.section}“${cellName(location)}”填报为 ${cell.at.raw}，远超任何可能的件数或金额，按无法核对处理。请核实后更正。`,
    location,
    expected: `≤ ${Number.MAX_SAFE_INTEGER}`,
    actual: cell.at.raw,
  };
}

/** What plausibility.copied-block says about itself (rules.html, the evaluation's defect titles). */
export const PLAUSIBILITY_COPIED_BLOCK_INFO: RuleInfo = {
  id: 'plausibility.copied-block',
  severity: 'warning',
  title: '复议后起诉一栏疑似复制',
  description: '表四“行政诉讼（复议后起诉）”五个数字与“行政复议”完全相同（且有案件），疑似复制了行政复议一栏。',
  example: '行政复议 6/1/0/0/7，复议后起诉也是 6/1/0/0/7。',
};

/**
 * plausibility.copied-block (warning): table 四's 复议后起诉 block identical, cell for cell, to its 行政复议 block
 * with cases in two or more results and a total of 5 or more: a probable copy (the two count different cases).
 */
export const copiedReviewBlock: Rule = (report) => {
  const review = report.reviews?.review;
  const after = report.reviews?.litigationAfterReview;
  if (!review || !after) return [];
  const columns = ['upheld', 'corrected', 'other', 'pending', 'total'] as const;
  const values = columns.map((column) => [review[column]?.value, after[column]?.value] as const);
  if (values.some(([a, b]) => a == null || b == null || a !== b)) return [];
  // Small or single-result blocks coincide by chance (1/0/0/0/1 twice); a copy shows in a varied block.
  const total = review.total?.value ?? 0;
  const nonZeroResults = values.slice(0, 4).filter(([a]) => a !== 0).length;
  if (total < 5 || nonZeroResults < 2) return [];
  return [
    {
      rule: 'plausibility.copied-block',
      severity: 'warning',
      message: `表四“行政诉讼（复议后起诉）”五个数字（${values.map(([a]) => a).join('/')}）与“行政复议”完全相同，疑似复制了行政复议一栏。复议后起诉的案件通常只是复议案件的一部分，请核对该栏。`,
      location: { section: '四', row: '行政诉讼（复议后起诉）', column: '总计' },
      actual: values.map(([a]) => a).join('/'),
    },
  ];
};

export const PLAUSIBILITY_RULES: Rule[] = [feeUnit, countValues, rulesTownship, copiedReviewBlock];

/** What plausibility.non-integer says about itself (rules.html, the evaluation's defect titles). */
export const PLAUSIBILITY_NON_INTEGER_INFO: RuleInfo = {
  id: 'plausibility.non-integer',
  severity: 'error',
  title: '件数不是整数',
  description: '件数栏目应为整数（收费金额除外）。',
  example: '“行政许可”处理决定数量填 12.5。',
};

/** The rules of this module, described (rules/catalogue.ts gathers every module's). */
export const PLAUSIBILITY_RULE_INFO: RuleInfo[] = [
  PLAUSIBILITY_COPIED_BLOCK_INFO,
  PLAUSIBILITY_FEE_UNIT_INFO,
  PLAUSIBILITY_NEGATIVE_INFO,
  PLAUSIBILITY_NON_INTEGER_INFO,
  PLAUSIBILITY_TOO_LARGE_INFO,
  PLAUSIBILITY_RULES_TOWNSHIP_INFO,
];
