/** Conformity with the national template: labels, layout version, and the template's citation. */
import { requiredTemplate, TEMPLATE_DOCUMENTS } from '../report/model.ts';
import type { Finding } from './finding.ts';
import { allMatches } from './regex.ts';
import type { Rule } from './rule.ts';
import type { RuleInfo } from './rule-info.ts';

/** What template.label-deviation says about itself (rules.html, the evaluation's defect titles). */
export const TEMPLATE_LABEL_DEVIATION_INFO: RuleInfo = {
  id: 'template.label-deviation',
  severity: 'warning',
  title: '表格标签与模板不一致',
  description: `表格中的栏目名称与年度报告格式原文不同（2021 年度起为${TEMPLATE_DOCUMENTS['2021']}，2019、2020 年度为${TEMPLATE_DOCUMENTS['2019']}）。`,
  example: '表二写“本年度止件数”，模板为“本年废止件数”。',
};

/** template.label-deviation: a printed label that differs from the template's (本年度止件数 for 本年废止件数). */
export const labelDeviation: Rule = (report) => {
  // A plain loop: the rule runs once per report and is compiled mid-run; a map callback compiles larger.
  const findings: Finding[] = [];
  const deviations = report.labelDeviations;
  if (deviations.length === 0) return findings;
  const document = TEMPLATE_DOCUMENTS[requiredTemplate(report)];
  for (const deviation of deviations) {
    findings.push({
      rule: 'template.label-deviation',
      severity: 'warning',
      message: `第${deviation.section}部分表格中的“${deviation.found}”与国家模板的“${deviation.expected}”不一致。请按${document}格式使用模板原文，避免读者误解统计口径。`,
      location: { section: deviation.section, at: deviation.at },
      expected: deviation.expected,
      actual: deviation.found,
    });
  }
  return findings;
};

/** What template.version-mismatch says about itself (rules.html, the evaluation's defect titles). */
export const TEMPLATE_VERSION_MISMATCH_INFO: RuleInfo = {
  id: 'template.version-mismatch',
  severity: 'error',
  title: '使用了旧版格式',
  description: `2021 年度及以后的报告仍使用 2019 年试行格式（${TEMPLATE_DOCUMENTS['2019']}）。`,
  example: '2023 年度报告第三部分“（六）其他处理”只有一行，第二部分仍按“本年新制作数量”等栏目填报。',
};

/** template.version-mismatch: a report for 2021 or later in the 2019 trial layout. */
export const versionMismatch: Rule = (report) => {
  if (report.template !== '2019' || report.year === null || report.year < 2021) return [];
  return [
    {
      rule: 'template.version-mismatch',
      severity: 'error',
      message: `这是 ${report.year} 年度的报告，却使用了 2019 年试行格式（${TEMPLATE_DOCUMENTS['2019']}）的表格。2021 年度起应使用${TEMPLATE_DOCUMENTS['2021']}印发的新格式（第二部分按第二十条各项填报，第三部分“（六）其他处理”分三项）。请按新格式重新编制。`,
      location: {},
      expected: '2021',
      actual: '2019',
    },
  ];
};

/** `literal` starts every match: a text without it (nearly all) is passed over by includes(), 5× cheaper. */
const WRONG_CITATIONS: { literal: string; pattern: RegExp }[] = [
  {
    literal: '国办发',
    pattern: /国办发\s*[〔[［(（]\s*20(?:19|21)\s*[〕\]］)）]\s*(?:30|60)\s*号/g,
  },
  { literal: '国办公开办涵', pattern: /国办公开办涵/g },
  { literal: '国办公开函', pattern: /国办公开函\s*[〔[［(（]\s*20(?:19|21)/g },
];

/** What template.citation-wrong says about itself (rules.html, the evaluation's defect titles). */
export const TEMPLATE_CITATION_WRONG_INFO: RuleInfo = {
  id: 'template.citation-wrong',
  severity: 'warning',
  title: '格式文件文号引用错误',
  description: '报告引用年度报告格式文件时写错文号。',
  example: '写作“国办发〔2021〕30号”，应为“国办公开办函〔2021〕30号”。',
};

/** template.citation-wrong: the template cited under a wrong document number (国办发〔2021〕30号, 办涵). */
export const citationWrong: Rule = (report) => {
  const findings: Finding[] = [];
  for (const { literal, pattern } of WRONG_CITATIONS) {
    if (!report.text.includes(literal)) continue;
    for (const match of allMatches(pattern, report.text)) {
      const line = report.text.slice(0, match.index).split('\n').length;
      // The document the report meant: the year it wrote (国办发〔2019〕60号 meant the 2019 trial format),
      // else the one its year had to follow.
      const written = /20(19|21)/.exec(match[0])?.[0];
      const correct = TEMPLATE_DOCUMENTS[written === '2019' || written === '2021' ? written : requiredTemplate(report)];
      findings.push({
        rule: 'template.citation-wrong',
        severity: 'warning',
        message: `报告引用年度报告格式文件时写作“${match[0]}”，文号有误：应为“${correct}”（国务院办公厅政府信息与政务公开办公室印发）。请更正引用。`,
        location: { at: { line, raw: match[0] } },
        expected: correct,
        actual: match[0],
      });
      if (findings.length >= 5) return findings;
    }
  }
  return findings;
};

/** The six parts as the introduction lists them ("本报告由…六部分组成", "全文包括…"), bounded. */
const INTRO_PARTS = /(?:全文包括|本报告由|报告由|全文由|包括)([^。]{10,200}?)(?:等)?(?:六|6)(?:个)?部分/;
/** What every INTRO_PARTS match ends with: a text holding none of them is passed over by includes(), not the regex. */
const INTRO_PARTS_ENDINGS = ['六部分', '六个部分', '6部分', '6个部分'];
/** Words of section 一's sub-items (2021 template) that are not parts of the report. */
const NOT_A_PART = ['政府信息管理', '平台建设', '监督保障'];

/** What template.intro-parts says about itself (rules.html, the evaluation's defect titles). */
export const TEMPLATE_INTRO_PARTS_INFO: RuleInfo = {
  id: 'template.intro-parts',
  severity: 'warning',
  title: '开头所列六个部分与格式不符',
  description:
    '报告开头“全文包括……六部分”所列的部分与年度报告格式的六个部分不一致，例如把“政府信息管理”“平台建设”（总体情况下的内容）列为部分。',
  example: '“全文包括总体情况、主动公开、依申请公开、政府信息管理、平台建设、其他需要报告的事项六个部分”。',
};

/**
 * template.intro-parts (warning): the introduction lists six parts that are not the template's six (as
 * 04/05: "总体情况、主动公开、依申请公开、政府信息管理、平台建设、其他需要报告的事项").
 */
export const introParts: Rule = (report) => {
  const head = report.text.slice(0, 5000);
  if (!INTRO_PARTS_ENDINGS.some((ending) => head.includes(ending))) return [];
  const match = INTRO_PARTS.exec(head);
  if (!match) return [];
  const listed = match[1] as string;
  const wrong = NOT_A_PART.filter((word) => listed.includes(word));
  if (wrong.length === 0 || /复议|诉讼/.test(listed)) return [];
  const line = head.slice(0, match.index).split('\n').length;
  return [
    {
      rule: 'template.intro-parts',
      severity: 'warning',
      message: `报告开头所列的六个部分（“${listed.replace(/^[，,：:\s]+/, '')}”）与年度报告格式的六个部分不符：“${wrong.join('”“')}”是“总体情况”下的内容，而“收到和处理政府信息公开申请情况”“政府信息公开行政复议、行政诉讼情况”“存在的主要问题及改进情况”未列出。请按${TEMPLATE_DOCUMENTS[requiredTemplate(report)]}的六个部分表述。`,
      location: { at: { line, raw: match[0].slice(0, 120) } },
      actual: listed,
    },
  ];
};

export const TEMPLATE_RULES: Rule[] = [labelDeviation, versionMismatch, citationWrong, introParts];

/** The rules of this module, described (rules/catalogue.ts gathers every module's). */
export const TEMPLATE_RULE_INFO: RuleInfo[] = [
  TEMPLATE_LABEL_DEVIATION_INFO,
  TEMPLATE_VERSION_MISMATCH_INFO,
  TEMPLATE_CITATION_WRONG_INFO,
  TEMPLATE_INTRO_PARTS_INFO,
];
