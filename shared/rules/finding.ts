import type { Provenance, SectionId } from '../report/model.ts';

export type Severity = 'error' | 'warning' | 'info';

/** Where a finding points: section, the row and column labels as an official reads them, and the source. */
export interface FindingLocation {
  section?: SectionId;
  /** Row label as in the template, e.g. "三（七）总计". */
  row?: string;
  /** Column label, e.g. "其他" or "总计". */
  column?: string;
  at?: Provenance;
}

/** One problem found in a report (or in fetching it). `rule` ids are stable: tests, digests and the site key on them. */
export interface Finding {
  rule: string;
  severity: Severity;
  /** A Chinese sentence an official can act on. */
  message: string;
  location?: FindingLocation;
  /** Every cell the finding involves (the first is the most likely culprit when there is one). */
  cells?: FindingLocation[];
  expected?: number | string;
  actual?: number | string;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Chinese name of each severity, as every report, email and export shows it. */
export const SEVERITY_LABELS: Record<Severity, string> = { error: '错误', warning: '警告', info: '提示' };
