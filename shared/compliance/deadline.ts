/**
 * Publication deadlines for annual reports (《政府信息公开条例》 第四十九、五十条) and Beijing-time
 * calendar arithmetic. Asia/Shanghai has had no daylight saving since 1991, so a fixed UTC+8 offset is
 * exact for every report year this tool handles; no time-zone database is needed.
 */
import { type Agency, LEGAL_DEADLINES, type Registry } from '../registry/agency.ts';

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export { LEGAL_DEADLINES };

/** Under the old 条例 (reports for 2018 and earlier) every organ had until 3月31日. */
export const PRE_2019_DEADLINE = '03-31';
/** The last report year the old rule applies to. */
export const LAST_OLD_RULE_YEAR = 2018;

export type DeadlineSource = 'law' | 'pre-2019-law' | 'registry-level' | 'agency';

export interface Deadline {
  /** The deadline day in Beijing, 'YYYY-MM-DD' (in the year after the report year). */
  date: string;
  /** End of that day as an ISO date-time with the +08:00 offset, e.g. '2025-01-31T23:59:59.999+08:00'. */
  endOfDay: string;
  /** The first instant that is late: 00:00 Beijing on the following day, in epoch milliseconds. */
  lateFromMs: number;
  source: DeadlineSource;
}

/** Thrown when a deadline override is not a valid 'MM-DD'. */
export class InvalidDeadlineError extends Error {
  constructor(value: string, where: string) {
    super(`期限设置无效（${where}）：${JSON.stringify(value)}，应为 MM-DD，例如 01-31`);
    this.name = 'InvalidDeadlineError';
  }
}

/**
 * The publication deadline of `agency`'s report for `year`. Precedence: reports for years ≤ 2018 always
 * use the old rule (3月31日: overrides describe today's rules, not the old 条例); otherwise the agency's
 * own `deadline`, then the registry's per-level date, then the law. A '02-29' override in a year
 * without 29 February falls on 28 February (the last day of that month). Pure.
 */
export function deadlineFor(
  agency: Pick<Agency, 'level' | 'deadline'>,
  year: number,
  registry?: { deadlines?: Partial<Registry['deadlines']> },
): Deadline {
  let monthDay: string;
  let source: DeadlineSource;
  if (year <= LAST_OLD_RULE_YEAR) {
    monthDay = PRE_2019_DEADLINE;
    source = 'pre-2019-law';
  } else if (agency.deadline) {
    monthDay = agency.deadline;
    source = 'agency';
  } else if (registry?.deadlines?.[agency.level]) {
    monthDay = registry.deadlines[agency.level] as string;
    source = 'registry-level';
  } else {
    monthDay = LEGAL_DEADLINES[agency.level];
    source = 'law';
  }
  const match = /^(\d{2})-(\d{2})$/.exec(monthDay);
  const month = Number(match?.[1]);
  let day = Number(match?.[2]);
  if (!match || month < 1 || month > 12 || day < 1 || day > 31) throw new InvalidDeadlineError(monthDay, source);
  const dueYear = year + 1;
  const lastDay = daysInMonth(dueYear, month);
  if (day > lastDay) {
    // Only 02-29 (or a 31st in a short month, which a person would not write) gets here.
    if (day > 29 || month !== 2) throw new InvalidDeadlineError(monthDay, source);
    day = lastDay;
  }
  const date = `${dueYear}-${pad2(month)}-${pad2(day)}`;
  const lateFromMs = Date.UTC(dueYear, month - 1, day + 1) - BEIJING_OFFSET_MS;
  return { date, endOfDay: `${date}T23:59:59.999+08:00`, lateFromMs, source };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Parses a date or date-time as an instant. Date-only strings ('2025-01-31') and date-times without an
 * offset are read as Beijing time, because that is what Chinese government pages print. Undefined when
 * unreadable.
 */
export function parseBeijingInstant(value: string): number | undefined {
  const text = value.trim();
  const dateOnly = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (dateOnly) {
    return Date.UTC(Number(dateOnly[1]), Number(dateOnly[2]) - 1, Number(dateOnly[3])) - BEIJING_OFFSET_MS;
  }
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const ms = Date.parse(hasOffset ? text : `${text.replace(' ', 'T')}+08:00`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Days since 1970-01-01 of the Beijing calendar day that contains `ms`. */
export function beijingDayNumber(ms: number): number {
  return Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);
}

/** The Beijing calendar date 'YYYY-MM-DD' of an instant. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The report year due now: the Beijing calendar year before the one `now` falls in. */
export function defaultReportYear(now: Date): number {
  return new Date(now.getTime() + BEIJING_OFFSET_MS).getUTCFullYear() - 1;
}

/** An instant as an ISO date-time in Beijing time: '2025-02-01T00:00:00+08:00'. */
export function toBeijingIso(ms: number): string {
  return `${new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/**
 * Whole Beijing calendar days from the deadline day to the day of publication: 0 when published on
 * or before the deadline day, 1 for any time on the next day, and so on.
 */
export function daysAfterDeadline(publishedMs: number, deadline: Deadline): number {
  const deadlineDay = beijingDayNumber(deadline.lateFromMs - 1);
  return Math.max(0, beijingDayNumber(publishedMs) - deadlineDay);
}

/** ISO-8601 week of the Beijing calendar day containing `ms`, e.g. '2026-W48'. */
export function isoWeekOf(ms: number): string {
  const day = beijingDayNumber(ms);
  // 1970-01-01 was a Thursday; ISO weekday 1 = Monday … 7 = Sunday.
  const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
  const thursday = day - weekday + 4;
  const thursdayDate = new Date(thursday * DAY_MS);
  const weekYear = thursdayDate.getUTCFullYear();
  const firstDay = Date.UTC(weekYear, 0, 1) / DAY_MS;
  const week = Math.floor((thursday - firstDay) / 7) + 1;
  return `${weekYear}-W${pad2(week)}`;
}

/** Start (Monday 00:00 Beijing) of the ISO week containing `ms`, in epoch milliseconds. */
export function isoWeekStartMs(ms: number): number {
  const day = beijingDayNumber(ms);
  const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
  return (day - weekday + 1) * DAY_MS - BEIJING_OFFSET_MS;
}
