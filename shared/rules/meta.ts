/** The report's identity: agency and year, and whether the stated statistical period matches the year. */
import type { Finding } from './finding.ts';
import { allMatches } from './regex.ts';
import type { Rule } from './rule.ts';

/**
 * meta.title-not-found (info): the text holds no title line at all (a page stored without its heading), and
 * the body does not name the agency either. Nothing to blame: the title may well be on the original page.
 */
export const titleNotFound: Rule = (report) =>
  report.title === null && (report.agency === null || report.year === null)
    ? [
        {
          rule: 'meta.title-not-found',
          severity: 'info',
          message: `读取到的文本中没有标题行${report.agency === null ? '，也未能从正文识别发布机关' : ''}${report.year === null ? '，未能识别报告年度' : ''}。这通常是网页转存时未保留标题所致；如原件标题写明了机关全称和年度，则无需处理。`,
          location: {},
        },
      ]
    : [];

/** meta.agency-unknown: the title did not name the agency. */
export const agencyUnknown: Rule = (report) =>
  report.agency || report.title === null
    ? []
    : [
        {
          rule: 'meta.agency-unknown',
          severity: 'warning',
          message:
            '未能从标题中识别出发布机关名称。年度报告标题应为“××（机关全称）××××年政府信息公开工作年度报告”，请在标题中写明机关全称。',
          location: {},
          ...(report.title ? { actual: report.title } : {}),
        },
      ];

/** meta.year-unknown: the title did not name the report year. */
export const yearUnknown: Rule = (report) =>
  report.year !== null || report.title === null
    ? []
    : [
        {
          rule: 'meta.year-unknown',
          severity: 'warning',
          message: '未能识别报告所属年度。标题应写明统计年度（如“2024年政府信息公开工作年度报告”），请补充。',
          location: {},
          ...(report.title ? { actual: report.title } : {}),
        },
      ];

// Bounded gaps keep these linear on hostile input.
const PERIOD_START = /统计(?:时限|期限|时间|区间|数据|周期)[^。\n]{0,12}?(\d{4})\s*年\s*0?1\s*月\s*0?1\s*日/g;

/** meta.period-mismatch: the stated statistical period starts in another year than the report's. */
export const periodMismatch: Rule = (report) => {
  if (report.year === null) return [];
  const findings: Finding[] = [];
  for (const match of allMatches(PERIOD_START, report.text.slice(0, 200_000))) {
    const stated = Number(match[1]);
    if (stated === report.year) continue;
    const line = report.text.slice(0, match.index).split('\n').length;
    findings.push({
      rule: 'meta.period-mismatch',
      severity: 'warning',
      message: `报告说明的统计时限从 ${stated} 年开始，但这是 ${report.year} 年度的报告，疑似沿用了往年文本。请核对统计时限。`,
      location: { at: { line, raw: match[0] } },
      expected: report.year,
      actual: stated,
    });
    break;
  }
  return findings;
};

export const META_RULES: Rule[] = [titleNotFound, agencyUnknown, yearUnknown, periodMismatch];
