/** Across years: this year's 二、上年结转 must equal last year's 四、结转下年度继续办理, column by column. */
import {
  ACTIVE_COLUMN_LABELS,
  ACTIVE_ROW_LABELS,
  APPLICANT_COLUMN_LABELS,
  APPLICANT_COLUMNS,
} from '../report/model.ts';
import type { Finding } from './finding.ts';
import { applicationCellLocation, formatNumber } from './locate.ts';
import type { Rule } from './rule.ts';
import type { RuleInfo } from './rule-info.ts';

/** What carryover.mismatch says about itself (rules.html, the evaluation's defect titles). */
export const CARRYOVER_MISMATCH_INFO: RuleInfo = {
  id: 'carryover.mismatch',
  severity: 'error',
  title: '上年结转与上年度报告不一致',
  description: '本年“二、上年结转”（每一列）应等于上一年度报告的“四、结转下年度继续办理”。',
  example: '2024 年度报告上年结转 0 件，2023 年度报告结转下年度 1 件。',
};

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

const ACTIVE_ROWS = ['rules', 'normativeDocs'] as const;

/** What carryover.in-force says about itself (rules.html, the evaluation's defect titles). */
export const CARRYOVER_IN_FORCE_INFO: RuleInfo = {
  id: 'carryover.in-force',
  severity: 'warning',
  title: '现行有效件数与上年不衔接',
  description:
    '表二规章、行政规范性文件：上年度现行有效件数＋本年制发－本年废止，应等于本年现行有效件数（需有上一年度报告）；文件失效而未计入废止时也会不一致，故为警告。',
  example: '2021 年现行有效 181 件，2022 年制发 5、废止 17，应为 169 件，却填报 159 件。',
};

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
  for (const row of ACTIVE_ROWS) {
    const label = ACTIVE_ROW_LABELS[row];
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
        column: ACTIVE_COLUMN_LABELS.inForce,
        ...(now?.inForce?.at ? { at: now.inForce.at } : {}),
      },
      expected,
      actual: inForce,
    });
  }
  return findings;
};

export const CARRYOVER_RULES: Rule[] = [carryoverMismatch, inForceCarryover];

/** The rules of this module, described (rules/catalogue.ts gathers every module's). */
export const CARRYOVER_RULE_INFO: RuleInfo[] = [CARRYOVER_MISMATCH_INFO, CARRYOVER_IN_FORCE_INFO];
