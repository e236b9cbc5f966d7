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
}

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
}
