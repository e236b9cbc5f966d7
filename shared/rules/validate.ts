/**
 * The validator: every rule family run over one parsed report. Pure; the parser's damage notes become
 * findings too, and a parse that fails outright becomes a finding instead of an exception.
 */
import type { AgencyLevel } from '../registry/agency.ts';
import { type AnnualReport, SECTION_IDS, type SourceFormat, unreadNote } from '../report/model.ts';
import { parseReport, type ReportInput } from '../report/parse.ts';
import { ARITH_RULES } from './arith.ts';
import { CARRYOVER_RULES } from './carryover.ts';
import { type Finding, SEVERITY_RANK } from './finding.ts';
import { META_RULES } from './meta.ts';
import { NARRATIVE_RULES } from './narrative.ts';
import { PLAUSIBILITY_RULES } from './plausibility.ts';
import type { Rule } from './rule.ts';
import { STRUCT_RULES } from './struct.ts';
import { TEMPLATE_RULES } from './template.ts';
import { YOY_RULES } from './yoy.ts';

export interface ValidationContext {
  /** Agency level from the registry, when known (plausibility checks depend on it). */
  level?: AgencyLevel;
  /** The same agency's report for the year before, when stored (carry-over check). */
  previousYear?: AnnualReport | null;
}

/** Every rule, in family order. */
export const ALL_RULES: Rule[] = [
  ...META_RULES,
  ...STRUCT_RULES,
  ...TEMPLATE_RULES,
  ...ARITH_RULES,
  ...CARRYOVER_RULES,
  ...NARRATIVE_RULES,
  ...PLAUSIBILITY_RULES,
  ...YOY_RULES,
];

const SECTION_ORDER = new Map<string, number>(SECTION_IDS.map((id, index) => [id, index]));

/** Orders findings by severity, then section (unsectioned first: they concern the whole report), then rule id. */
export function sortFindings(findings: Finding[]): Finding[] {
  const sectionRank = (finding: Finding) =>
    finding.location?.section === undefined ? -1 : (SECTION_ORDER.get(finding.location.section) ?? 99);
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] ||
        sectionRank(a.finding) - sectionRank(b.finding) ||
        (a.finding.rule < b.finding.rule ? -1 : a.finding.rule > b.finding.rule ? 1 : 0) ||
        a.index - b.index,
    )
    .map(({ finding }) => finding);
}

/**
 * Rules that may run on a document we could not read: only the ones reporting the reading itself. Every
 * other family (meta, struct, template, content, arith, narrative, …) would judge text we did not get.
 */
const SPEAKS_OF_READING = /^(?:extract|internal)\./;
/** With OCR text: also its arithmetic, which on OCR'd cells is only ever a warning to check by hand. */
const OCR_AID = /^arith\.(?:ocr-check|not-assessable)$/;

/**
 * Runs every rule; findings sorted by severity, then section. Pure. When the text could not be read
 * (unreadNote), only the findings about the reading remain, and the one that says why comes first.
 */
export function validateReport(report: AnnualReport, context: ValidationContext = {}): Finding[] {
  const unread = unreadNote(report);
  if (unread) {
    const ocr = report.notes.some((note) => note.kind === 'ocr');
    const reading = runRules(report, context).filter(
      (finding) => SPEAKS_OF_READING.test(finding.rule) || (ocr && OCR_AID.test(finding.rule)),
    );
    const cause = unread.kind === 'no-text' ? 'extract.no-text' : 'extract.failed';
    return [
      ...reading.filter((finding) => finding.rule === cause),
      ...sortFindings(reading.filter((finding) => finding.rule !== cause)),
    ];
  }
  const findings = runRules(report, context);
  return findings.length < 2 ? findings : sortFindings(findings);
}

function runRules(report: AnnualReport, context: ValidationContext): Finding[] {
  const findings: Finding[] = [];
  for (const rule of ALL_RULES) {
    try {
      const found = rule(report, context);
      for (const finding of found) findings.push(finding);
    } catch (error) {
      // A rule bug must not hide every other finding; surface it instead.
      findings.push({
        rule: 'internal.rule-failed',
        severity: 'info',
        message: `内部错误：规则 ${rule.name || '（匿名）'} 运行失败（${error instanceof Error ? error.message : String(error)}），其余规则的结果不受影响。`,
      });
    }
  }
  return findings;
}

function formatFromName(fileName: string | undefined): SourceFormat {
  const extension = fileName?.toLowerCase().split('.').pop();
  if (extension === 'pdf') return 'pdf';
  if (extension === 'docx') return 'docx';
  if (extension === 'doc') return 'doc';
  if (extension === 'wps') return 'wps';
  if (extension === 'html' || extension === 'htm') return 'html';
  return 'text';
}

/** An empty report, for input the parser could not read at all. */
export function emptyReport(format: SourceFormat): AnnualReport {
  return {
    agency: null,
    year: null,
    title: null,
    format,
    template: 'unknown',
    sections: {},
    activeDisclosure: null,
    applications: null,
    reviews: null,
    labelDeviations: [],
    notes: [],
    text: '',
  };
}

/** parseReport + validateReport. Never throws on bad content: a failed parse is an extract.parse-failed finding. */
export async function analyseReport(
  input: ReportInput,
  context: ValidationContext = {},
): Promise<{ report: AnnualReport; findings: Finding[] }> {
  let report: AnnualReport;
  try {
    report = await parseReport(input);
  } catch (error) {
    report = emptyReport(formatFromName(input.fileName));
    const reason = error instanceof Error ? error.message : String(error);
    return {
      report,
      findings: [
        {
          rule: 'extract.parse-failed',
          severity: 'error',
          message: `无法解析该文件（${reason}）。文件可能已损坏、格式不受支持或并非年度报告，请人工打开原件核实。`,
          location: {},
        },
      ],
    };
  }
  return { report, findings: validateReport(report, context) };
}
