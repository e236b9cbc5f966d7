// Narrative statements that combine categories ("予以公开及部分公开 N 件", "不予公开及无法提供") and shares
// ("占 33.9%"): consistent ones raise nothing, real mismatches of this shape are found.
import { describe, expect, it } from 'vitest';
import { generateReport, reportFromValues } from '../../shared/report/generate.ts';
import type { AnnualReport } from '../../shared/report/model.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { validateReport } from '../../shared/rules/validate.ts';

function withNarrative(text: string): AnnualReport {
  const report = reportFromValues(generateReport(11, { maxReceived: 30 }));
  const section = report.sections.一;
  if (!section) throw new Error('section 一 missing');
  section.text = text;
  return report;
}
const total = (report: AnnualReport, row: 'granted' | 'partlyGranted' | 'received' | 'carriedIn' | 'outcomeTotal') =>
  report.applications?.[row]?.total?.value as number;
const rows = (report: AnnualReport, prefix: string) =>
  Object.entries(report.applications ?? {})
    .filter(([row]) => row.startsWith(`${prefix}.`))
    .reduce((sum, [, cells]) => sum + ((cells?.total?.value as number) ?? 0), 0);
const narrative = (findings: Finding[]) => findings.filter((finding) => finding.rule.startsWith('narrative.'));

describe('combined categories', () => {
  const base = withNarrative('');
  const granted = total(base, 'granted') + total(base, 'partlyGranted');
  const refused = rows(base, 'withheld') + rows(base, 'unavailable');

  it.each([
    `本年度予以公开及部分公开 ${granted} 件。`,
    `予以公开和部分公开共 ${granted} 件，不予公开及无法提供 ${refused} 件。`,
    `予以公开、部分公开的申请合计 ${granted} 件；不予公开、无法提供共 ${refused} 件。`,
  ])('a consistent statement raises nothing: %s', (text) => {
    expect(narrative(validateReport(withNarrative(text)))).toEqual([]);
  });

  it('a combined count that is not the sum of its rows is found, naming both rows', () => {
    const [finding, ...rest] = narrative(validateReport(withNarrative(`予以公开及部分公开 ${granted + 2} 件。`)));
    expect(rest).toEqual([]);
    expect(finding?.rule).toBe('narrative.mismatch');
    expect(finding?.expected).toBe(granted);
    expect(finding?.actual).toBe(granted + 2);
    expect(finding?.message).toContain('“予以公开”与“部分公开”');
  });

  it('不予公开及无法提供: checked against the sum of both groups', () => {
    const found = narrative(validateReport(withNarrative(`不予公开及无法提供 ${refused + 1} 件。`)));
    expect(found.map((finding) => finding.expected)).toEqual([refused]);
  });

  it('"分别为" gives one count each and is not read as a combined count', () => {
    const text = `予以公开、部分公开分别为 ${total(base, 'granted')} 件、${total(base, 'partlyGranted')} 件。`;
    expect(narrative(validateReport(withNarrative(text)))).toEqual([]);
  });
});

describe('shares', () => {
  const base = withNarrative('');
  const received = total(base, 'received');
  const part = Math.max(1, Math.floor(received / 3));
  const share = (digits: number) => ((part / received) * 100).toFixed(digits);

  it.each([1, 0, 2])('a share printed with %i decimals, rounded, raises nothing', (digits) => {
    const text = `全年收到政府信息公开申请 ${received} 件，其中网络申请 ${part} 件，占 ${share(digits)}%。`;
    expect(narrative(validateReport(withNarrative(text)))).toEqual([]);
  });

  it('a share of the outcomes total is accepted too', () => {
    const outcomes = total(base, 'outcomeTotal');
    const text = `予以公开 ${total(base, 'granted')} 件，占 ${((total(base, 'granted') / outcomes) * 100).toFixed(1)}%，申请均已办结。`;
    expect(narrative(validateReport(withNarrative(text)))).toEqual([]);
  });

  it('a share that fits no base is found', () => {
    const wrong = (Number(share(1)) + 7).toFixed(1);
    const text = `全年收到政府信息公开申请 ${received} 件，其中网络申请 ${part} 件，占 ${wrong}%。`;
    const [finding, ...rest] = narrative(validateReport(withNarrative(text)));
    expect(rest).toEqual([]);
    expect(finding?.rule).toBe('narrative.share');
    expect(finding?.actual).toBe(Number(wrong));
  });
});
