import type { Finding } from '../rules/finding.ts';

/** Compliance status of one agency for one report year. */
export type ComplianceStatus =
  | 'on-time'
  | 'late'
  | 'missing'
  | 'pending'
  | 'unreachable'
  | 'blocked'
  | 'address-broken'
  | 'inconsistent'
  | 'unparseable';

export const STATUS_LABELS: Record<ComplianceStatus, string> = {
  'on-time': '按时公开',
  late: '逾期公开',
  missing: '未公开',
  pending: '未到期限',
  unreachable: '无法访问',
  blocked: '网站拦截',
  'address-broken': '名录地址失效',
  inconsistent: '数据不一致',
  unparseable: '无法解析',
};

/** The assessment of one agency-year at one moment. */
export interface Assessment {
  agencyId: string;
  year: number;
  status: ComplianceStatus;
  /** Deadline as an ISO date-time in Asia/Shanghai (end of the deadline day). */
  deadline: string;
  publishDate: string | null;
  /** Days after the deadline (late only). */
  daysLate?: number;
  findings: Finding[];
  /** Keys of the evidence: raw snapshot and result. */
  rawKey?: string;
  resultKey?: string;
  sourceUrl?: string;
  assessedAt: string;
  /**
   * Every aspect that applies, the primary `status` first (e.g. ['late', 'inconsistent']): one
   * status cannot say both "late" and "inconsistent", and the digest must show both. See assess.ts
   * for the precedence that picks `status`.
   */
  flags?: ComplianceStatus[];
  /** A plain Chinese sentence explaining the status when it needs one (why unreachable, why unparseable, …). */
  reason?: string;
  /** What the office should do next, in Chinese (every problem status has one; see NEXT_STEPS). */
  nextStep?: string;
  /** Technical detail behind the reason (HTTP status, error message, URL), shown under it, never instead. */
  detail?: string;
  /** Where the publish date came from (SnapshotMeta.publishDateSource). */
  publishDateSource?: string | null;
  /** The report's title as found (report-derived: escape when rendering). */
  title?: string | null;
  /** Content hash of the chosen report. */
  sha256?: string;
  /** The article page the report was found on. */
  pageUrl?: string;
}

/** Statuses that are a problem for the digest (pending and on-time are not). */
export const PROBLEM_STATUSES: readonly ComplianceStatus[] = [
  'missing',
  'late',
  'inconsistent',
  'unparseable',
  'address-broken',
  'blocked',
  'unreachable',
];

/**
 * Statuses that mean WE could not check (never a finding against the agency): during one of these a
 * problem seen earlier is neither confirmed nor resolved.
 */
export const FETCH_FAILURE_STATUSES: readonly ComplianceStatus[] = ['address-broken', 'blocked', 'unreachable'];

/** The office's next step for each status (empty: nothing to do). */
export const NEXT_STEPS: Record<ComplianceStatus, string> = {
  missing: '请联系该机关核实是否已公开；如报告发布在其他栏目，请在名录中补充报告地址（reportUrls）',
  late: '请在通报中列明逾期情况，督促该机关今后按期公开',
  inconsistent: '请该机关核对报告中标出的数据并更正',
  unparseable: '请手工打开报告核查；如为扫描件，可请该机关提供可复制文字的版本',
  'address-broken': '名录地址失效，请更新名录',
  blocked: '网站拦截自动访问，请联系该机关或手工核查',
  unreachable: '系统下次运行时会自动重试；如连续数周无法访问，请手工打开网站核查',
  pending: '',
  'on-time': '',
};

/** Display order, worst first: the digest's summary, the site's tables and filters, the chart's stacks (worst at the bottom). */
export const STATUS_ORDER: readonly ComplianceStatus[] = [
  'missing',
  'late',
  'inconsistent',
  'unparseable',
  'address-broken',
  'blocked',
  'unreachable',
  'pending',
  'on-time',
];

/** History of one agency-year across runs (state/{year}/{agencyId}.json). */
export interface AgencyYearState {
  agencyId: string;
  year: number;
  current: Assessment;
  firstSeen: string | null;
  lastChanged: string;
  /** Content hashes seen over time, to report edits and removals after publication. */
  snapshots: { sha256: string; firstSeen: string; lastSeen: string }[];
  history: { at: string; status: ComplianceStatus; sha256?: string }[];
  /** When a report that had been found was no longer found on a reachable site. */
  removedAt?: string;
}
