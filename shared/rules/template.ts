/** Conformity with the national template: labels, layout version, and the template's citation. */
import type { Finding } from './finding.ts';
import { allMatches } from './regex.ts';
import type { Rule } from './rule.ts';

/** template.label-deviation: a printed label that differs from the template's (本年度止件数 for 本年废止件数). */
export const labelDeviation: Rule = (report) =>
  report.labelDeviations.map(
    (deviation): Finding => ({
      rule: 'template.label-deviation',
      severity: 'warning',
      message: `第${deviation.section}部分表格中的“${deviation.found}”与国家模板的“${deviation.expected}”不一致。请按国办公开办函〔2021〕30号格式使用模板原文，避免读者误解统计口径。`,
      location: { section: deviation.section, at: deviation.at },
      expected: deviation.expected,
      actual: deviation.found,
    }),
  );

/** template.version-mismatch: a report for 2021 or later in the 2019 trial layout. */
export const versionMismatch: Rule = (report) => {
  if (report.template !== '2019' || report.year === null || report.year < 2021) return [];
  return [
    {
      rule: 'template.version-mismatch',
      severity: 'error',
      message: `这是 ${report.year} 年度的报告，却使用了 2019 年试行格式（国办公开办函〔2019〕60号）的表格。2021 年度起应使用国办公开办函〔2021〕30号印发的新格式（第二部分按第二十条各项填报，第三部分“（六）其他处理”分三项）。请按新格式重新编制。`,
      location: {},
      expected: '2021',
      actual: '2019',
    },
  ];
};

const WRONG_CITATIONS: { pattern: RegExp; correct: string }[] = [
  { pattern: /国办发\s*[〔[［(（]\s*20(?:19|21)\s*[〕\]］)）]\s*(?:30|60)\s*号/g, correct: '国办公开办函' },
  { pattern: /国办公开办涵/g, correct: '国办公开办函' },
  { pattern: /国办公开函\s*[〔[［(（]\s*20(?:19|21)/g, correct: '国办公开办函' },
];

/** template.citation-wrong: the template cited under a wrong document number (国办发〔2021〕30号, 办涵). */
export const citationWrong: Rule = (report) => {
  const findings: Finding[] = [];
  for (const { pattern, correct } of WRONG_CITATIONS) {
    for (const match of allMatches(pattern, report.text)) {
      const line = report.text.slice(0, match.index).split('\n').length;
      findings.push({
        rule: 'template.citation-wrong',
        severity: 'warning',
        message: `报告引用年度报告格式文件时写作“${match[0]}”，文号有误：应为“${correct}〔2021〕30号”（国务院办公厅政府信息与政务公开办公室印发）。请更正引用。`,
        location: { at: { line, raw: match[0] } },
        expected: `${correct}〔2021〕30号`,
        actual: match[0],
      });
      if (findings.length >= 5) return findings;
    }
  }
  return findings;
};

export const TEMPLATE_RULES: Rule[] = [labelDeviation, versionMismatch, citationWrong];
