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

export const CARRYOVER_RULES: Rule[] = [carryoverMismatch];
