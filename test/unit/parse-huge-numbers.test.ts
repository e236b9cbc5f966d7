/**
 * Numbers beyond safe integers (99999999999999999999 would round to 100000000000000000000): refused as
 * implausible, kept in their own column as unknown (never a rounded value, never a label that shifts
 * the columns after it), and reported by plausibility.too-large.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCell } from '../../shared/report/normalize.ts';
import { parseHtml, parseText } from '../../shared/report/parse.ts';
import { validateReport } from '../../shared/rules/validate.ts';

const HUGE = '99999999999999999999';
const TEXT = readFileSync(new URL('../../demo/seeds/000_8082592266180d8d.txt', import.meta.url), 'utf8');
const HTML = readFileSync(new URL('../fixtures/reports/template-2021.html', import.meta.url), 'utf8');

describe('numbers beyond safe integers', () => {
  it('reads the largest safe integer, refuses the next ones, in ASCII and full-width digits', () => {
    expect(readCell(String(Number.MAX_SAFE_INTEGER))).toEqual({ value: Number.MAX_SAFE_INTEGER, blank: false });
    expect(readCell('9007199254740993')).toMatchObject({ value: null, blank: false, implausible: true });
    expect(readCell(HUGE)).toMatchObject({ value: null, implausible: true });
    expect(readCell('９９９９９９９９９９９９９９９９９９９９')).toMatchObject({ value: null, implausible: true });
    expect(readCell('99,999,999,999,999,999,999')).toMatchObject({ value: null, implausible: true });
    expect(readCell('1'.repeat(400))).toMatchObject({ value: null, implausible: true });
  });

  for (const [name, report] of [
    ['tab-separated text', () => parseText(TEXT.replace('规章\t0\t0\t0', `规章\t0\t${HUGE}\t0`))],
    ['text with spaces', () => parseText(TEXT.replace('规章\t0\t0\t0', `规章  0  ${HUGE}  0`))],
    [
      'an HTML table',
      () =>
        parseHtml(
          HTML.replace(
            '<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>',
            `<tr><td>规章</td><td>0</td><td>${HUGE}</td><td>0</td></tr>`,
          ),
        ),
    ],
  ] as const) {
    it(`keeps the cell in its column as unknown, from ${name}, and reports it`, () => {
      const parsed = report();
      const row = parsed.activeDisclosure?.rules;
      expect(row?.issued?.value).toBe(0);
      expect(row?.repealed).toMatchObject({ value: null, implausible: true, at: { raw: HUGE } });
      expect(row?.inForce?.value).toBe(0);
      const findings = validateReport(parsed);
      const tooLarge = findings.filter((f) => f.rule === 'plausibility.too-large');
      expect(tooLarge).toHaveLength(1);
      expect(tooLarge[0]?.message).toContain(HUGE);
      expect(JSON.stringify(findings)).not.toContain('100000000000000000000');
      expect(findings.some((f) => f.rule === 'struct.blank-cell')).toBe(false);
    });
  }
});
