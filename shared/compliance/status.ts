import type { Finding } from '../rules/finding.ts';

/** Compliance status of one agency for one report year. */
export type ComplianceStatus =
  | 'on-time'
  | 'late'
  | 'missing'
  | 'pending'
  | 'unreachable'
  | 'inconsistent'
  | 'unparseable';

export const STATUS_LABELS: Record<ComplianceStatus, string> = {
  'on-time': '按时公开',
  late: '逾期公开',
  missing: '未公开',
  pending: '未到期限',
  unreachable: '无法访问',
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
  /** A Chinese sentence explaining the status when it needs one (fetch error, why unparseable, …). */
  reason?: string;
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
  'unreachable',
];

/** Display order, worst first: the digest's summary, the site's tables and filters, the chart's stacks (worst at the bottom). */
export const STATUS_ORDER: readonly ComplianceStatus[] = [
  'missing',
  'late',
  'inconsistent',
  'unparseable',
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
