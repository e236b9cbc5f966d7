/**
 * The rows every export shares (site CSV/XLSX, the digest attachment, `nianbao export`): one row per
 * registry agency (the missing, late and unreachable ones included, with days late) and one row per
 * finding, with one column set. Pure: `now` and the links come in.
 */
import { beijingDayNumber, parseBeijingInstant } from '../compliance/deadline.ts';
import type { Assessment, ComplianceStatus } from '../compliance/status.ts';
import { STATUS_LABELS } from '../compliance/status.ts';
import { type AgencyLevel, LEVEL_LABELS } from '../registry/agency.ts';
import { type Finding, SEVERITY_LABELS, type Severity } from '../rules/finding.ts';
import { fingerprintFinding } from '../triage/triage.ts';
import type { CsvColumn } from './csv.ts';

/** Label shown for an agency of the registry that no run has assessed yet. */
export const NOT_ASSESSED_LABEL = '未评估';

/**
 * The office's triage of an agency-year or one of its findings (核查状态), e.g. "已核实" or "误报".
 * Given the finding when the label is per finding; undefined leaves the cell empty.
 */
export type TriageLabel = (agencyId: string, year: number, finding?: Finding) => string | undefined;

/** Where an agency's or finding's evidence can be read (absolute URLs or paths relative to the file). */
export interface ExportLinks {
  /** The agency's own page the report was found on (report-derived). */
  source?: string;
  /** The archived copy. */
  snapshot?: string;
  /** Our check of the report (report page, or the agency page when no report). */
  results?: string;
}

/** One agency of the registry with what is known about it for a year. */
export interface AgencyExportInput {
  agency: { id: string; name: string; level: AgencyLevel | null; region: string[] };
  year: number;
  /** null when no run has assessed the agency for the year. */
  assessment: Assessment | null;
  /** Findings to list; default: the assessment's. */
  findings?: Finding[];
  links: ExportLinks;
}

/** One row of the 机关状态 sheet and agencies.csv. */
export interface AgencyStatusRow {
  year: number;
  region: string;
  agencyId: string;
  agency: string;
  level: string;
  status: ComplianceStatus | null;
  statusLabel: string;
  /** Every aspect that applies, primary first (the rates read them). */
  flags: ComplianceStatus[];
  /** Every aspect that applies, in Chinese, primary first ("逾期公开、数据不一致"). */
  flagsLabel: string;
  /** Beijing calendar date 'YYYY-MM-DD'. */
  deadline: string | null;
  /** Beijing date-time 'YYYY-MM-DD HH:mm', or null when not published (or unknown). */
  publishDate: string | null;
  /**
   * Late: days after the deadline it was published; missing: days the deadline has passed by (as of
   * the assessment). null otherwise, and when unknown.
   */
  daysLate: number | null;
  errors: number;
  warnings: number;
  infos: number;
  triage: string;
  reason: string;
  links: ExportLinks;
}

/** One row of the 问题清单 sheet and findings.csv. */
export interface FindingExportRow {
  year: number;
  region: string;
  agencyId: string;
  agency: string;
  level: string;
  statusLabel: string;
  severity: Severity;
  severityLabel: string;
  rule: string;
  message: string;
  section: string;
  row: string;
  column: string;
  expected: string | number | null;
  actual: string | number | null;
  triage: string;
  /** The finding's stable fingerprint (shared/triage), what `nianbao triage --finding` takes. */
  fingerprint: string;
  sha256: string;
  links: ExportLinks;
}

/** "YYYY-MM-DD HH:mm" in Beijing time of an ISO instant, null when unreadable. */
export function beijingDateTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const ms = parseBeijingInstant(iso);
  if (ms === undefined) return null;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** Days between the deadline day and the assessment day, for a report still missing. */
function daysOverdue(assessment: Assessment): number | null {
  const deadline = parseBeijingInstant(assessment.deadline);
  const at = parseBeijingInstant(assessment.assessedAt);
  if (deadline === undefined || at === undefined) return null;
  return Math.max(0, beijingDayNumber(at) - beijingDayNumber(deadline));
}

function statusLabel(status: ComplianceStatus | null | undefined): string {
  return status ? (STATUS_LABELS[status] ?? status) : NOT_ASSESSED_LABEL;
}

/** One row per agency, in the order given (the registry's). */
export function agencyStatusRows(inputs: readonly AgencyExportInput[], triage?: TriageLabel): AgencyStatusRow[] {
  return inputs.map(({ agency, year, assessment, findings, links }) => {
    const list = findings ?? assessment?.findings ?? [];
    const count = (severity: Severity) => list.filter((f) => f.severity === severity).length;
    const status = assessment?.status ?? null;
    let daysLate: number | null = null;
    if (assessment?.daysLate !== undefined) daysLate = assessment.daysLate;
    else if (status === 'missing') daysLate = daysOverdue(assessment as Assessment);
    return {
      year,
      region: agency.region.join('/'),
      agencyId: agency.id,
      agency: agency.name,
      level: agency.level ? LEVEL_LABELS[agency.level] : '',
      status,
      statusLabel: statusLabel(status),
      flags: assessment?.flags ?? (status ? [status] : []),
      flagsLabel: (assessment?.flags ?? (status ? [status] : [])).map(statusLabel).join('、') || NOT_ASSESSED_LABEL,
      deadline: assessment ? assessment.deadline.slice(0, 10) : null,
      publishDate: beijingDateTime(assessment?.publishDate),
      daysLate,
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      triage: triage?.(agency.id, year) ?? '',
      reason: assessment?.reason ?? (assessment ? '' : '尚未抓取或评估该机关'),
      links,
    };
  });
}

/** One row per finding of every agency, in the order given. */
export function findingExportRows(inputs: readonly AgencyExportInput[], triage?: TriageLabel): FindingExportRow[] {
  const rows: FindingExportRow[] = [];
  for (const { agency, year, assessment, findings, links } of inputs) {
    for (const finding of findings ?? assessment?.findings ?? []) {
      rows.push({
        year,
        region: agency.region.join('/'),
        agencyId: agency.id,
        agency: agency.name,
        level: agency.level ? LEVEL_LABELS[agency.level] : '',
        statusLabel: statusLabel(assessment?.status),
        severity: finding.severity,
        severityLabel: SEVERITY_LABELS[finding.severity] ?? finding.severity,
        rule: finding.rule,
        message: finding.message,
        section: finding.location?.section ?? '',
        row: finding.location?.row ?? '',
        column: finding.location?.column ?? '',
        expected: finding.expected ?? null,
        actual: finding.actual ?? null,
        triage: triage?.(agency.id, year, finding) ?? '',
        fingerprint: fingerprintFinding(agency.id, year, finding),
        sha256: assessment?.sha256 ?? '',
        links,
      });
    }
  }
  return rows;
}

/** The columns of findings.csv (and of the 问题清单 sheet), one set for the site and the email. */
export const FINDING_COLUMNS: readonly CsvColumn<FindingExportRow>[] = [
  { header: '地区', value: (r) => r.region },
  { header: '机关', value: (r) => r.agency },
  { header: '机关编号', value: (r) => r.agencyId },
  { header: '级别', value: (r) => r.level },
  { header: '年度', value: (r) => r.year },
  { header: '状态', value: (r) => r.statusLabel },
  { header: '严重程度', value: (r) => r.severityLabel },
  { header: '规则', value: (r) => r.rule },
  { header: '问题说明', value: (r) => r.message },
  { header: '章节', value: (r) => r.section },
  { header: '行', value: (r) => r.row },
  { header: '列', value: (r) => r.column },
  { header: '应为', value: (r) => r.expected },
  { header: '实为', value: (r) => r.actual },
  { header: '核查状态', value: (r) => r.triage },
  { header: '问题指纹', value: (r) => r.fingerprint },
  { header: '原网页', value: (r) => r.links.source },
  { header: '存档', value: (r) => r.links.snapshot },
  { header: '核查页', value: (r) => r.links.results },
  { header: 'SHA-256', value: (r) => r.sha256 },
];

/** The columns of agencies.csv (and of the 机关状态 sheet). */
export const AGENCY_COLUMNS: readonly CsvColumn<AgencyStatusRow>[] = [
  { header: '地区', value: (r) => r.region },
  { header: '机关', value: (r) => r.agency },
  { header: '机关编号', value: (r) => r.agencyId },
  { header: '级别', value: (r) => r.level },
  { header: '年度', value: (r) => r.year },
  { header: '状态', value: (r) => r.statusLabel },
  { header: '全部情形', value: (r) => r.flagsLabel },
  { header: '截止日期', value: (r) => r.deadline },
  { header: '发布日期', value: (r) => r.publishDate },
  { header: '逾期天数', value: (r) => r.daysLate },
  { header: '错误数', value: (r) => r.errors },
  { header: '警告数', value: (r) => r.warnings },
  { header: '提示数', value: (r) => r.infos },
  { header: '核查状态', value: (r) => r.triage },
  { header: '原因', value: (r) => r.reason },
  { header: '原网页', value: (r) => r.links.source },
  { header: '存档', value: (r) => r.links.snapshot },
  { header: '核查页', value: (r) => r.links.results },
];
