/**
 * Arithmetic relations of tables 三 and 四 (国办公开办函〔2021〕30号): errors when broken, an info finding
 * when a relation needs an unknown cell (blank, "/", unreadable), which is never read as 0.
 */
import {
  type AnnualReport,
  APPLICANT_COLUMN_LABELS,
  APPLICANT_COLUMNS,
  APPLICATION_ROW_LABELS,
  APPLICATION_ROWS_2021,
  type ApplicantColumnId,
  type ApplicationRowId,
  type ApplicationTable,
  type Cell,
  REVIEW_COLUMNS,
  REVIEW_GROUP_LABELS,
  type ReviewColumnId,
  type ReviewGroupId,
} from '../report/model.ts';
import { applicantScratch, readApplicantRow, valueOrNaN } from './cells.ts';
import type { Finding, FindingLocation } from './finding.ts';
import { applicationCellLocation, describeSource, formatNumber, reviewCellLocation } from './locate.ts';
import { type Rule, sameNumber } from './rule.ts';

const APPLICANT_PARTS = APPLICANT_COLUMNS.filter((column) => column !== 'total');
const ALL_ROWS: ApplicationRowId[] = [...APPLICATION_ROWS_2021, 'otherHandling'];
const REVIEW_PARTS = REVIEW_COLUMNS.filter((column) => column !== 'total');

const OUTCOME_ROWS_2021 = APPLICATION_ROWS_2021.filter(
  (row) => row !== 'received' && row !== 'carriedIn' && row !== 'outcomeTotal' && row !== 'carriedOver',
) as ApplicationRowId[];
const OUTCOME_ROWS_2019: ApplicationRowId[] = [
  ...OUTCOME_ROWS_2021.filter((row) => !row.startsWith('otherHandling.')),
  'otherHandling',
];

/** Rows summed into 三（七）总计; the 2019 layout has a single （六）其他处理 row. */
export function outcomeRows(table: ApplicationTable): ApplicationRowId[] {
  const hasSplitOther =
    table['otherHandling.1'] !== undefined ||
    table['otherHandling.2'] !== undefined ||
    table['otherHandling.3'] !== undefined;
  return !hasSplitOther && table.otherHandling !== undefined ? OUTCOME_ROWS_2019 : OUTCOME_ROWS_2021;
}

interface Term {
  cell: Cell | undefined;
  /** Locations are built only for findings: most relations hold. */
  locate: () => FindingLocation;
}

/** Collects what a relation could not assess, to report once per relation instead of per row. */
class NotAssessable {
  readonly unknownCells: FindingLocation[] = [];
  readonly relations: string[] = [];
  readonly ruleId: string;
  constructor(ruleId: string) {
    this.ruleId = ruleId;
  }

  add(relation: string, unknown: Term[]): void {
    this.relations.push(relation);
    for (const term of unknown) this.unknownCells.push(term.locate());
  }

  finding(): Finding[] {
    if (this.relations.length === 0) return [];
    const shown = this.relations.slice(0, 8).join('；');
    const more = this.relations.length > 8 ? ` 等 ${this.relations.length} 处` : '';
    return [
      {
        rule: 'arith.not-assessable',
        severity: 'info',
        message: `以下勾稽关系（${this.ruleId}）因涉及空白、“/”或无法识别的单元格而无法核验（空白不按 0 计）：${shown}${more}。请补全这些单元格后再核对。`,
        location: this.unknownCells[0] ?? {},
        cells: this.unknownCells,
        expected: this.ruleId,
      },
    ];
  }
}

/**
 * Checks `total = Σ parts`; returns a finding when broken, records the relation as not assessable when a
 * term is unknown. `describe` builds the Chinese message from the two sides.
 */
function checkSum(
  rule: string,
  total: Term,
  parts: Term[],
  relation: string,
  skipped: NotAssessable,
  describe: (expected: string, actual: string, difference: string) => string,
): Finding | null {
  let expected = 0;
  let known = total.cell !== undefined && total.cell.value !== null;
  for (const term of parts) {
    const value = term.cell?.value;
    if (value === undefined || value === null) known = false;
    else expected += value;
  }
  if (!known) {
    const unknown = [total, ...parts].filter((term) => term.cell === undefined || term.cell.value === null);
    const totalValue = total.cell?.value;
    // Counts are never negative: known parts already above a known total break the relation whatever the
    // unknown cells hold.
    if (totalValue !== undefined && totalValue !== null && expected > totalValue && !sameNumber(expected, totalValue)) {
      return exceedsTotal(rule, total, parts, unknown, expected, totalValue, relation);
    }
    skipped.add(relation, unknown);
    return null;
  }
  const actual = total.cell?.value ?? 0;
  if (sameNumber(expected, actual)) return null;
  const difference = formatNumber(Math.abs(actual - expected));
  return {
    rule,
    severity: 'error',
    message: describe(formatNumber(expected), formatNumber(actual), difference),
    location: total.locate(),
    cells: [total.locate(), ...parts.map((term) => term.locate())],
    expected,
    actual,
  };
}

/** Names the cells of a term list for a message: "自然人（3）、商业企业（空白）". */
function termNames(terms: Term[], byColumn: boolean): string {
  const shown = terms.slice(0, 8).map((term) => {
    const location = term.locate();
    const value = term.cell?.value;
    const name = (byColumn ? location.column : location.row) ?? '';
    return `${name}（${value === undefined ? '未读到' : value === null ? '空白' : formatNumber(value)}）`;
  });
  return `${shown.join('、')}${terms.length > 8 ? ` 等 ${terms.length} 项` : ''}`;
}

/** The certain breach of `total = Σ parts` when parts are unknown but the known ones already exceed the total. */
function exceedsTotal(
  rule: string,
  total: Term,
  parts: Term[],
  unknown: Term[],
  knownSum: number,
  totalValue: number,
  relation: string,
): Finding {
  // Zeros add nothing to the excess: only the non-zero known parts are named.
  const known = parts.filter(
    (term) => term.cell?.value !== undefined && term.cell.value !== null && term.cell.value !== 0,
  );
  // Parts of one row differ by column; parts of one column (三（七）总计) by row.
  const columns = parts.map((term) => term.locate().column);
  const byColumn = new Set(columns).size === columns.length;
  return {
    rule,
    severity: 'error',
    message: `表${total.locate().section ?? ''}${relation}：已填的 ${termNames(known, byColumn)} 之和为 ${formatNumber(knownSum)}，已超过“总计”填报的 ${formatNumber(totalValue)}${describeSource(total.locate())}，至少相差 ${formatNumber(knownSum - totalValue)}。另有 ${unknown.length} 个单元格（${termNames(unknown, byColumn)}）空白或无法识别，但件数不可能为负，无论其实际数值为何，这一关系都不成立。请核对这些数字。`,
    location: total.locate(),
    cells: [total.locate(), ...known.map((term) => term.locate()), ...unknown.map((term) => term.locate())],
    expected: `≥ ${formatNumber(knownSum)}`,
    actual: totalValue,
  };
}

function applicationTerm(table: ApplicationTable, row: ApplicationRowId, column: ApplicantColumnId): Term {
  const cell = table[row]?.[column];
  return { cell, locate: () => applicationCellLocation(row, column, cell) };
}

/** arith.row-total: in every row of table 三, 自然人 + 五类法人 = 总计. */
export const rowTotal: Rule = (report) => {
  const table = report.applications;
  if (!table) return [];
  const skipped = new NotAssessable('arith.row-total');
  const findings: Finding[] = [];
  for (const row of ALL_ROWS) {
    const cells = table[row];
    if (cells === undefined) continue;
    // Fast path: most rows hold; build terms and locations only for the others. Same order of addition
    // as checkSum (自然人 … 其他); NaN marks an unknown part, and sends the row to the full check.
    const sum =
      valueOrNaN(cells.natural) +
      valueOrNaN(cells.business) +
      valueOrNaN(cells.research) +
      valueOrNaN(cells.nonprofit) +
      valueOrNaN(cells.legal) +
      valueOrNaN(cells.other);
    const totalValue = cells.total?.value;
    if (!Number.isNaN(sum) && totalValue !== undefined && totalValue !== null && sameNumber(sum, totalValue)) continue;
    const total = applicationTerm(table, row, 'total');
    const parts = APPLICANT_PARTS.map((column) => applicationTerm(table, row, column));
    const finding = checkSum(
      'arith.row-total',
      total,
      parts,
      `${APPLICATION_ROW_LABELS[row]} 的行合计`,
      skipped,
      (expected, actual, difference) =>
        `表三“${APPLICATION_ROW_LABELS[row]}”一行：自然人与各类法人或其他组织之和为 ${expected}，但“总计”列填报为 ${actual}${describeSource(total.locate())}，相差 ${difference}。请逐列核对该行数字，改正后总计应等于各列之和。`,
    );
    if (finding) findings.push(finding);
  }
  return [...findings, ...skipped.finding()];
};

const BALANCE_NAMES = ['本年新收', '上年结转', '办理结果总计', '结转下年度'];

/**
 * 一 + 二 = 三（七） + 四 with unknown cells: when one side is fully known and the other side's known cells
 * already exceed it, the relation fails whatever the unknowns hold (counts are never negative).
 */
function unbalancedDespiteUnknowns(
  left: Term[],
  right: Term[],
): { complete: number; partial: number; completeName: string; partialName: string } | null {
  const side = (terms: Term[], offset: number) => {
    let sum = 0;
    let complete = true;
    const names: string[] = [];
    terms.forEach((term, i) => {
      const value = term.cell?.value;
      if (value === undefined || value === null) complete = false;
      else {
        sum += value;
        names.push(`${BALANCE_NAMES[offset + i]}（${formatNumber(value)}）`);
      }
    });
    return { sum, complete, names: names.join('加') };
  };
  const a = side(left, 0);
  const b = side(right, 2);
  for (const [full, partial] of [
    [a, b],
    [b, a],
  ] as const) {
    if (full.complete && !partial.complete && partial.sum > full.sum && !sameNumber(partial.sum, full.sum)) {
      return { complete: full.sum, partial: partial.sum, completeName: full.names, partialName: partial.names };
    }
  }
  return null;
}

/** arith.balance: per column, 一 + 二 = 三（七）总计 + 四 (the table's own header states it). */
export const balance: Rule = (report) => {
  const table = report.applications;
  if (!table) return [];
  const skipped = new NotAssessable('arith.balance');
  const findings: Finding[] = [];
  for (const column of APPLICANT_COLUMNS) {
    const values = [table.received, table.carriedIn, table.outcomeTotal, table.carriedOver].map(
      (row) => row?.[column]?.value,
    );
    const [a, b, c, d] = values;
    if (typeof a === 'number' && typeof b === 'number' && typeof c === 'number' && typeof d === 'number') {
      if (sameNumber(a + b, c + d)) continue;
    }
    const received = applicationTerm(table, 'received', column);
    const carriedIn = applicationTerm(table, 'carriedIn', column);
    const handled = applicationTerm(table, 'outcomeTotal', column);
    const carriedOver = applicationTerm(table, 'carriedOver', column);
    const terms = [received, carriedIn, handled, carriedOver];
    const label = APPLICANT_COLUMN_LABELS[column];
    const unknown = terms.filter((term) => term.cell === undefined || term.cell.value === null);
    if (unknown.length > 0) {
      const certain = unbalancedDespiteUnknowns([received, carriedIn], [handled, carriedOver]);
      if (certain) {
        findings.push({
          rule: 'arith.balance',
          severity: 'error',
          message: `表三“${label}”列：${certain.completeName}共 ${formatNumber(certain.complete)} 件，而另一侧已填的${certain.partialName}已达 ${formatNumber(certain.partial)} 件，超出 ${formatNumber(certain.partial - certain.complete)}。另有 ${unknown.length} 个单元格空白或无法识别，但件数不可能为负，按模板“第一项加第二项之和，等于第三项加第四项之和”这一关系无论如何都不成立。请核对该列这四个数字。`,
          location: { ...received.locate() },
          cells: terms.map((term) => term.locate()),
          expected: certain.complete,
          actual: `≥ ${formatNumber(certain.partial)}`,
        });
        continue;
      }
      skipped.add(`“${label}”列 一＋二＝三（七）＋四`, unknown);
      continue;
    }
    const value = (term: Term) => term.cell?.value ?? 0;
    const incoming = value(received) + value(carriedIn);
    const outgoing = value(handled) + value(carriedOver);
    if (sameNumber(incoming, outgoing)) continue;
    findings.push({
      rule: 'arith.balance',
      severity: 'error',
      message: `表三“${label}”列：本年新收（${formatNumber(value(received))}）加上年结转（${formatNumber(value(carriedIn))}）共 ${formatNumber(incoming)} 件，但办理结果总计（${formatNumber(value(handled))}）加结转下年度（${formatNumber(value(carriedOver))}）为 ${formatNumber(outgoing)} 件，相差 ${formatNumber(Math.abs(incoming - outgoing))}。按模板“第一项加第二项之和，等于第三项加第四项之和”，请核对该列这四个数字。`,
      location: { ...received.locate() },
      cells: terms.map((term) => term.locate()),
      expected: incoming,
      actual: outgoing,
    });
  }
  return [...findings, ...skipped.finding()];
};

/** arith.outcome-total: per column, 三（七）总计 = （一）+（二）+ all items of （三）…（六）. */
export const outcomeTotal: Rule = (report) => {
  const table = report.applications;
  if (!table) return [];
  const skipped = new NotAssessable('arith.outcome-total');
  const findings: Finding[] = [];
  const items = outcomeRows(table);
  // Fast path: every column's sum in one pass over the rows (named loads), in the order checkSum adds;
  // NaN marks a column with a missing or unknown cell, which gets the full check.
  const sums = [0, 0, 0, 0, 0, 0, 0];
  const rowCells = applicantScratch();
  for (const row of items) {
    const cells = table[row];
    if (cells === undefined) {
      sums.fill(Number.NaN);
      break;
    }
    readApplicantRow(cells, rowCells);
    for (let k = 0; k < 7; k++) sums[k] = (sums[k] as number) + valueOrNaN(rowCells[k]);
  }
  const totalCells = table.outcomeTotal;
  if (totalCells) readApplicantRow(totalCells, rowCells);
  for (let k = 0; k < APPLICANT_COLUMNS.length; k++) {
    const column = APPLICANT_COLUMNS[k] as ApplicantColumnId;
    const sum = sums[k] as number;
    const totalValue = totalCells ? rowCells[k]?.value : undefined;
    if (!Number.isNaN(sum) && totalValue !== undefined && totalValue !== null && sameNumber(sum, totalValue)) continue;
    const total = applicationTerm(table, 'outcomeTotal', column);
    const parts = items.map((row) => applicationTerm(table, row, column));
    const label = APPLICANT_COLUMN_LABELS[column];
    const finding = checkSum(
      'arith.outcome-total',
      total,
      parts,
      `“${label}”列 三（七）总计`,
      skipped,
      (expected, actual, difference) =>
        `表三“${label}”列：办理结果（一）至（六）各项之和为 ${expected}，但“（七）总计”填报为 ${actual}${describeSource(total.locate())}，相差 ${difference}。请核对该列各项办理结果及总计。`,
    );
    if (finding) findings.push(finding);
  }
  return [...findings, ...skipped.finding()];
};

function reviewTerm(report: AnnualReport, group: ReviewGroupId, column: ReviewColumnId): Term {
  const cell = report.reviews?.[group]?.[column];
  return { cell, locate: () => reviewCellLocation(group, column, cell) };
}

function reviewGroupTotal(rule: string, groups: ReviewGroupId[]): Rule {
  return (report) => {
    if (!report.reviews) return [];
    const skipped = new NotAssessable(rule);
    const findings: Finding[] = [];
    for (const group of groups) {
      const cells = report.reviews[group];
      if (!cells) continue;
      // Fast path: most groups hold; build terms and locations only for the others.
      let sum = 0;
      let known = true;
      for (const column of REVIEW_PARTS) {
        const value = cells[column]?.value;
        if (value === undefined || value === null) {
          known = false;
          break;
        }
        sum += value;
      }
      const totalValue = cells.total?.value;
      if (known && totalValue !== undefined && totalValue !== null && sameNumber(sum, totalValue)) continue;
      const total = reviewTerm(report, group, 'total');
      const parts = REVIEW_PARTS.map((column) => reviewTerm(report, group, column));
      const label = REVIEW_GROUP_LABELS[group];
      const finding = checkSum(
        rule,
        total,
        parts,
        `${label} 总计`,
        skipped,
        (expected, actual, difference) =>
          `表四“${label}”：结果维持、结果纠正、其他结果、尚未审结之和为 ${expected}，但“总计”填报为 ${actual}${describeSource(total.locate())}，相差 ${difference}。请核对这五个数字。`,
      );
      if (finding) findings.push(finding);
    }
    return [...findings, ...skipped.finding()];
  };
}

/** arith.review-total: 行政复议 总计 = 维持 + 纠正 + 其他 + 尚未审结. */
export const reviewTotal: Rule = reviewGroupTotal('arith.review-total', ['review']);

/** arith.litigation-total: the same for both 行政诉讼 groups (direct, and after review). */
export const litigationTotal: Rule = reviewGroupTotal('arith.litigation-total', [
  'litigationDirect',
  'litigationAfterReview',
]);

/**
 * A broken relation that involves a cell read by OCR is not certain: the digits may be misrecognised. It
 * becomes an arith.ocr-check warning ("OCR 结果需人工核对"), never an error.
 */
function ocrAware(rule: Rule): Rule {
  const wrapped: Rule = (report, context) =>
    rule(report, context).map((finding) =>
      finding.severity === 'error' && finding.cells?.some((cell) => cell.at?.ocr === true)
        ? {
            ...finding,
            rule: 'arith.ocr-check',
            severity: 'warning',
            message: `OCR 结果需人工核对（原规则 ${finding.rule}，涉及的数字由文字识别读出，可能识别有误）：${finding.message}`,
          }
        : finding,
    );
  Object.defineProperty(wrapped, 'name', { value: rule.name });
  return wrapped;
}

export const ARITH_RULES: Rule[] = [rowTotal, balance, outcomeTotal, reviewTotal, litigationTotal].map(ocrAware);
