import { describe, expect, it } from 'vitest';
import {
  daysAfterDeadline,
  deadlineFor,
  InvalidDeadlineError,
  isoWeekOf,
  parseBeijingInstant,
} from '../../shared/compliance/deadline.ts';

const department = { level: 'county-department' as const };
const countyGovernment = { level: 'county-government' as const };
const township = { level: 'township' as const };

describe('deadlineFor', () => {
  it('gives departments and townships 31 January and governments 31 March of the next year', () => {
    expect(deadlineFor(department, 2024).date).toBe('2025-01-31');
    expect(deadlineFor(township, 2024).date).toBe('2025-01-31');
    expect(deadlineFor(countyGovernment, 2024).date).toBe('2025-03-31');
    expect(deadlineFor({ level: 'province-government' }, 2024).source).toBe('law');
  });

  it('applies the old rule (31 March for everyone) to reports for 2018 and earlier', () => {
    expect(deadlineFor(department, 2018)).toMatchObject({ date: '2019-03-31', source: 'pre-2019-law' });
    expect(deadlineFor({ level: 'township', deadline: '01-15' }, 2017).date).toBe('2018-03-31');
    expect(deadlineFor(department, 2019).date).toBe('2020-01-31');
  });

  it('prefers the agency override, then the registry level, then the law', () => {
    const registry = { deadlines: { 'county-government': '03-10' } };
    expect(deadlineFor(countyGovernment, 2024, registry)).toMatchObject({
      date: '2025-03-10',
      source: 'registry-level',
    });
    expect(deadlineFor({ ...countyGovernment, deadline: '02-15' }, 2024, registry)).toMatchObject({
      date: '2025-02-15',
      source: 'agency',
    });
  });

  it('ends at the end of the Beijing day, which is 16:00 UTC', () => {
    const deadline = deadlineFor(department, 2024);
    expect(deadline.endOfDay).toBe('2025-01-31T23:59:59.999+08:00');
    expect(new Date(deadline.lateFromMs).toISOString()).toBe('2025-01-31T16:00:00.000Z');
  });

  it('keeps 29 February in a leap year and falls back to 28 February otherwise', () => {
    expect(deadlineFor({ level: 'township', deadline: '02-29' }, 2023).date).toBe('2024-02-29');
    expect(deadlineFor({ level: 'township', deadline: '02-29' }, 2024).date).toBe('2025-02-28');
  });

  it('rejects malformed overrides', () => {
    expect(() => deadlineFor({ level: 'township', deadline: '1-31' }, 2024)).toThrow(InvalidDeadlineError);
    expect(() => deadlineFor({ level: 'township', deadline: '04-31' }, 2024)).toThrow(InvalidDeadlineError);
    expect(() => deadlineFor({ level: 'township', deadline: '13-01' }, 2024)).toThrow(InvalidDeadlineError);
  });
});

describe('daysAfterDeadline (Beijing calendar days)', () => {
  const deadline = deadlineFor(department, 2024); // 2025-01-31

  it('counts 23:59 Beijing on the deadline day as on time and 00:00 the next day as one day late', () => {
    expect(daysAfterDeadline(Date.parse('2025-01-31T23:59:59+08:00'), deadline)).toBe(0);
    expect(Date.parse('2025-01-31T23:59:59+08:00') < deadline.lateFromMs).toBe(true);
    expect(daysAfterDeadline(Date.parse('2025-02-01T00:00:00+08:00'), deadline)).toBe(1);
    expect(Date.parse('2025-02-01T00:00:00+08:00') >= deadline.lateFromMs).toBe(true);
  });

  it('reads 31 January 20:00 UTC as 1 February in Beijing (late), not as the deadline day', () => {
    expect(daysAfterDeadline(Date.parse('2025-01-31T20:00:00Z'), deadline)).toBe(1);
    expect(daysAfterDeadline(Date.parse('2025-01-31T15:59:59Z'), deadline)).toBe(0);
  });

  it('counts across the end of February in leap and common years', () => {
    expect(daysAfterDeadline(Date.parse('2025-03-01T09:00:00+08:00'), deadline)).toBe(29);
    const leap = deadlineFor(department, 2023); // 2024-01-31
    expect(daysAfterDeadline(Date.parse('2024-03-01T09:00:00+08:00'), leap)).toBe(30);
  });
});

describe('parseBeijingInstant', () => {
  it('reads dates and offset-less date-times as Beijing time', () => {
    expect(parseBeijingInstant('2025-01-31')).toBe(Date.parse('2025-01-31T00:00:00+08:00'));
    expect(parseBeijingInstant('2025-01-31 10:30:00')).toBe(Date.parse('2025-01-31T10:30:00+08:00'));
    expect(parseBeijingInstant('2025-01-31T02:30:00Z')).toBe(Date.parse('2025-01-31T10:30:00+08:00'));
    expect(parseBeijingInstant('not a date')).toBeUndefined();
  });
});

describe('isoWeekOf (Asia/Shanghai)', () => {
  it('numbers weeks by the Beijing calendar day', () => {
    // Sunday 2026-11-29 20:00 UTC is Monday 2026-11-30 04:00 in Beijing: the next ISO week.
    expect(isoWeekOf(Date.parse('2026-11-29T15:59:59Z'))).toBe('2026-W48');
    expect(isoWeekOf(Date.parse('2026-11-29T16:00:00Z'))).toBe('2026-W49');
  });

  it('handles week-years that differ from the calendar year', () => {
    expect(isoWeekOf(Date.parse('2021-01-03T12:00:00+08:00'))).toBe('2020-W53');
    expect(isoWeekOf(Date.parse('2024-12-30T12:00:00+08:00'))).toBe('2025-W01');
    expect(isoWeekOf(Date.parse('2025-01-01T12:00:00+08:00'))).toBe('2025-W01');
  });
});
