/**
 * Disclosure rates from statuses, the one definition the workbook's 按地区统计 sheet and the year's
 * evaluation share. Unknown is never 0: agencies we could not check (unreachable, blocked by the site, or a
 * registry address gone; no report known), not yet assessed or not yet due stay out of every denominator,
 * and reports we could not read stay out of the problem rate.
 *
 *   应公开 (due)      = missing + published
 *   按时公开率         = published on time / due
 *   公开率             = published (on time or late) / due
 *   问题率             = published and checked with an error finding (inconsistent) / published and checked
 */
import { type Assessment, type ComplianceStatus, FETCH_FAILURE_STATUSES } from '../compliance/status.ts';

/**
 * The Chinese name of the `unknown` class in tables and charts: 无法访问, 网站拦截 and 名录地址失效 with
 * no report known. Our failure to check, never the agency's.
 */
export const UNKNOWN_RATE_LABEL = '无法核查';

/** How one agency-year counts in the rates. */
export type RateClass = 'on-time' | 'late' | 'missing' | 'unknown' | 'not-due' | 'not-assessed';

/** The counts behind a group's rates. */
export interface RateCounts {
  agencies: number;
  due: number;
  published: number;
  onTime: number;
  late: number;
  missing: number;
  /** Could not check (unreachable, blocked, address broken) and no earlier report known. */
  unknown: number;
  notDue: number;
  notAssessed: number;
  /** Published and readable (not unparseable). */
  checked: number;
  /** Checked with at least one error finding. */
  withErrors: number;
}

export interface Rates {
  /** Share 0..1, or null when nothing is due. */
  onTimeRate: number | null;
  publishRate: number | null;
  /** Share 0..1 of checked reports with errors, or null when none was checked. */
  problemRate: number | null;
}

export type GroupRates = RateCounts & Rates;

/** How one assessment counts (null: not assessed). */
export function rateClass(assessment: Pick<Assessment, 'status' | 'flags'> | null | undefined): RateClass {
  if (!assessment) return 'not-assessed';
  const status: ComplianceStatus = assessment.status;
  if (status === 'pending') return 'not-due';
  if (FETCH_FAILURE_STATUSES.includes(status)) return 'unknown';
  if (status === 'missing') return 'missing';
  if (status === 'on-time' || status === 'late' || status === 'inconsistent' || status === 'unparseable') {
    return status === 'late' || (assessment.flags ?? []).includes('late') ? 'late' : 'on-time';
  }
  // A status this module does not know yet (added elsewhere) is not guessed at.
  return 'unknown';
}

export function emptyCounts(): RateCounts {
  return {
    agencies: 0,
    due: 0,
    published: 0,
    onTime: 0,
    late: 0,
    missing: 0,
    unknown: 0,
    notDue: 0,
    notAssessed: 0,
    checked: 0,
    withErrors: 0,
  };
}

/** Adds one agency-year to `counts`. */
export function addToCounts(counts: RateCounts, assessment: Pick<Assessment, 'status' | 'flags'> | null): void {
  counts.agencies++;
  const kind = rateClass(assessment);
  switch (kind) {
    case 'not-assessed':
      counts.notAssessed++;
      return;
    case 'not-due':
      counts.notDue++;
      return;
    case 'unknown':
      counts.unknown++;
      return;
    case 'missing':
      counts.missing++;
      counts.due++;
      return;
    default: {
      counts.due++;
      counts.published++;
      if (kind === 'late') counts.late++;
      else counts.onTime++;
      const flags = assessment?.flags ?? (assessment ? [assessment.status] : []);
      if (!flags.includes('unparseable') && assessment?.status !== 'unparseable') {
        counts.checked++;
        if (flags.includes('inconsistent') || assessment?.status === 'inconsistent') counts.withErrors++;
      }
    }
  }
}

/** The rates of a set of counts. */
export function ratesOf(counts: RateCounts): GroupRates {
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  return {
    ...counts,
    onTimeRate: share(counts.onTime, counts.due),
    publishRate: share(counts.published, counts.due),
    problemRate: share(counts.withErrors, counts.checked),
  };
}

/** Groups agency-years by `keyOf` and gives each group's rates, in first-seen key order. */
export function groupRates<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  assessmentOf: (item: T) => Pick<Assessment, 'status' | 'flags'> | null,
): Map<string, GroupRates> {
  const groups = new Map<string, RateCounts>();
  for (const item of items) {
    const key = keyOf(item);
    let counts = groups.get(key);
    if (!counts) {
      counts = emptyCounts();
      groups.set(key, counts);
    }
    addToCounts(counts, assessmentOf(item));
  }
  return new Map([...groups].map(([key, counts]) => [key, ratesOf(counts)]));
}

/** "87.5%" (one decimal), or "—" when the rate is unknown. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}
