/** Across years: this year's 二、上年结转 must equal last year's 四、结转下年度继续办理, column by column. */
import { APPLICANT_COLUMN_LABELS, APPLICANT_COLUMNS } from '../report/model.ts';
import type { Finding } from './finding.ts';
import { applicationCellLocation, formatNumber } from './locate.ts';
import type { Rule } from './rule.ts';

/** carryover.mismatch: needs ValidationContext.previousYear (the same agency, the year before). */
export const carryoverMismatch: Rule = (report, context) => {
  const previous = context.previousYear;
  if (!previous?.applications || !report.applications) return [];
  if (report.year !== null && previous.year !== null && previous.year !== report.year - 1) return [];
  const findings: Finding[] = [];
  for (const column of APPLICANT_COLUMNS) {
    const carriedIn = report.applications.carriedIn?.[column];
    const lastCarriedOver = previous.applications.carriedOver?.[column];
    if (!carriedIn || !lastCarriedOver || carriedIn.value === null || lastCarriedOver.value === null) continue;
    if (carriedIn.value === lastCarriedOver.value) continue;
    const here = applicationCellLocation('carriedIn', column, carriedIn);
    const there = applicationCellLocation('carriedOver', column, lastCarriedOver);
    findings.push({
      rule: 'carryover.mismatch',
      severity: 'error',
      message: `表三“${APPLICANT_COLUMN_LABELS[column]}”列：本年“上年结转”填报 ${formatNumber(carriedIn.value)} 件，但${previous.year ?? '上一'}年度报告的“结转下年度继续办理”为 ${formatNumber(lastCarriedOver.value)} 件。两者应相等，请核对本年或上年的数字。`,
      location: here,
      cells: [here, { ...there, row: `${previous.year ?? '上'}年度报告 ${there.row}` }],
      expected: lastCarriedOver.value,
      actual: carriedIn.value,
    });
  }
  return findings;
};

const ACTIVE_ROWS = [
  ['rules', '规章'],
  ['normativeDocs', '行政规范性文件'],
] as const;

/**
 * carryover.in-force (warning): 表二 现行有效件数 should be last year's plus 本年制发 minus 本年废止. A warning,
 * not an error: a document can also lapse (失效) without being repealed. Needs the previous year's report.
 */
export const inForceCarryover: Rule = (report, context) => {
  const previous = context.previousYear;
  if (!previous?.activeDisclosure || !report.activeDisclosure) return [];
  if (report.year === null || previous.year === null || previous.year !== report.year - 1) return [];
  if (report.template !== '2021' || previous.template !== '2021') return [];
  const findings: Finding[] = [];
  for (const [row, label] of ACTIVE_ROWS) {
    const now = report.activeDisclosure[row];
    const before = previous.activeDisclosure[row]?.inForce?.value;
    const issued = now?.issued?.value;
    const repealed = now?.repealed?.value;
    const inForce = now?.inForce?.value;
    if (before == null || issued == null || repealed == null || inForce == null) continue;
    const expected = before + issued - repealed;
    if (expected === inForce) continue;
    findings.push({
      rule: 'carryover.in-force',
      severity: 'warning',
      message: `表二“${label}”：${previous.year}年度报告的现行有效件数为 ${formatNumber(before)}，本年制发 ${formatNumber(issued)} 件、废止 ${formatNumber(repealed)} 件，现行有效应为 ${formatNumber(expected)} 件，但本年填报 ${formatNumber(inForce)} 件，相差 ${formatNumber(Math.abs(expected - inForce))}。如有文件失效而未列入废止，请在报告中说明；否则请核对这几个数字。`,
      location: {
        section: '二',
        row: label,
        column: '现行有效件数',
        ...(now?.inForce?.at ? { at: now.inForce.at } : {}),
      },
      expected,
      actual: inForce,
    });
  }
  return findings;
};

export const CARRYOVER_RULES: Rule[] = [carryoverMismatch, inForceCarryover];
