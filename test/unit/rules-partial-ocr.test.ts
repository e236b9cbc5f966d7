// Partial rows (unknown cells, but the known ones already exceed the total: certain, since counts are never
// negative) and OCR'd cells (a broken relation is a warning to check by hand, never an error).
import { describe, expect, it } from 'vitest';
import { generateReport, reportFromValues } from '../../shared/report/generate.ts';
import type { AnnualReport, Cell } from '../../shared/report/model.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { validateReport } from '../../shared/rules/validate.ts';

function report(): AnnualReport {
  // Seed 11 with up to 30 received per column: every row of 三 has non-zero cells.
  return reportFromValues(generateReport(11, { maxReceived: 30 }));
}
const byRule = (findings: Finding[], rule: string) => findings.filter((finding) => finding.rule === rule);

function blank(cell: Cell | undefined): void {
  if (!cell) throw new Error('cell missing');
  cell.value = null;
  cell.blank = true;
  cell.at = { raw: '' };
}

describe('partial rows', () => {
  it('arith.row-total: a blank cell, but the known parts exceed 总计: a certain error naming the cells', () => {
    const r = report();
    const row = r.applications?.granted;
    if (!row?.natural || !row.total) throw new Error('row missing');
    const total = row.total.value as number;
    row.natural.value = total + 5; // alone above the total
    blank(row.other);
    const [finding, ...rest] = byRule(validateReport(r), 'arith.row-total');
    expect(rest).toEqual([]);
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toContain('件数不可能为负');
    expect(finding?.message).toContain(`自然人（${total + 5}）`);
    expect(finding?.message).toContain('其他（空白）');
    expect(finding?.cells).toContainEqual(expect.objectContaining({ row: '三（一）予以公开', column: '其他' }));
  });

  it('a blank cell with known parts below the total stays not assessable (info), never an error', () => {
    const r = report();
    blank(r.applications?.granted?.natural);
    const findings = validateReport(r);
    expect(byRule(findings, 'arith.row-total')).toEqual([]);
    expect(findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(byRule(findings, 'arith.not-assessable').length).toBeGreaterThan(0);
  });

  it('arith.outcome-total: a blank item, but the other items already exceed （七）总计', () => {
    const r = report();
    const total = r.applications?.outcomeTotal?.natural?.value as number;
    const granted = r.applications?.granted;
    if (!granted?.natural || !granted.total) throw new Error('row missing');
    granted.total.value = (granted.total.value as number) + total + 1;
    granted.natural.value = (granted.natural.value as number) + total + 1;
    blank(r.applications?.['notProcessed.2']?.natural);
    const natural = byRule(validateReport(r), 'arith.outcome-total').filter((f) => f.location?.column === '自然人');
    expect(natural).toHaveLength(1);
    expect(natural[0]?.message).toContain('三（五）不予处理 2.重复申请（空白）');
  });

  it('arith.balance: 四 blank, but 三（七）总计 alone exceeds 一 + 二', () => {
    const r = report();
    const apps = r.applications;
    if (!apps?.received?.natural || !apps.carriedIn?.natural || !apps.outcomeTotal?.natural) throw new Error('missing');
    const incoming = (apps.received.natural.value as number) + (apps.carriedIn.natural.value as number);
    apps.outcomeTotal.natural.value = incoming + 3;
    blank(apps.carriedOver?.natural);
    const natural = byRule(validateReport(r), 'arith.balance').filter((f) => f.location?.column === '自然人');
    expect(natural).toHaveLength(1);
    expect(natural[0]?.severity).toBe('error');
    expect(natural[0]?.message).toContain('超出 3');
  });

  it('review groups: a blank result, but the others exceed 总计', () => {
    const r = report();
    const review = r.reviews?.review;
    if (!review?.upheld || !review.total) throw new Error('missing');
    review.upheld.value = (review.total.value as number) + 2;
    blank(review.pending);
    expect(byRule(validateReport(r), 'arith.review-total')).toHaveLength(1);
  });
});

describe('cells read by OCR', () => {
  it('a broken relation on OCR cells is an arith.ocr-check warning "OCR 结果需人工核对", never an error', () => {
    const r = report();
    const row = r.applications?.granted;
    if (!row?.natural) throw new Error('row missing');
    for (const cell of Object.values(row)) if (cell) cell.at = { ...cell.at, ocr: true };
    row.natural.value = (row.natural.value as number) + 1;
    const findings = validateReport(r);
    expect(byRule(findings, 'arith.row-total')).toEqual([]);
    const [check] = byRule(findings, 'arith.ocr-check');
    expect(check?.severity).toBe('warning');
    expect(check?.message).toContain('OCR 结果需人工核对');
    expect(findings.filter((finding) => finding.rule.startsWith('arith.') && finding.severity === 'error')).toEqual([]);
  });
});
