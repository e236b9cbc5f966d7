// An image-only (scanned) PDF, made from a real text PDF (test/fixtures/scan/make-scan.sh): one clear finding,
// 扫描件，无法自动核验, nothing blaming the agency; with Tesseract installed, OCR as an aid whose numbers are
// marked and whose arithmetic is never an error.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ocrAvailable } from '../../shared/report/extract/ocr.ts';
import { APPLICANT_COLUMNS } from '../../shared/report/model.ts';
import { analyseReport } from '../../shared/rules/validate.ts';

const scan = readFileSync(new URL('../fixtures/scan/scan-2023.pdf', import.meta.url));
const hasOcr = await ocrAvailable();
if (!hasOcr)
  console.log('skipped OCR tests: tesseract with chi_sim (tesseract-ocr-chi-sim) or pdftoppm is not installed');

describe('a scanned PDF', () => {
  it('without OCR: exactly one finding, first, saying scan, with a next step; nothing about title, sections or tables', async () => {
    const { report, findings } = await analyseReport({ bytes: scan, fileName: 'scan.pdf', ocr: 'off' });
    expect(report.format).toBe('pdf');
    expect(findings.map((finding) => finding.rule)).toEqual(['extract.no-text']);
    expect(findings[0]?.message).toContain('扫描件，无法自动核验');
    expect(findings[0]?.message).toContain('下一步');
    expect(findings[0]?.message).toContain('不代表报告有误');
  });

  it.skipIf(!hasOcr)(
    'with OCR (first page): the scan finding stays first, cells are marked OCR, no error but the scan itself',
    async () => {
      const { report, findings } = await analyseReport({
        bytes: scan,
        fileName: 'scan.pdf',
        ocr: { maxPages: 1 },
      });
      expect(findings[0]?.rule).toBe('extract.no-text');
      expect(findings.some((finding) => finding.rule === 'extract.ocr')).toBe(true);
      // Page 1 holds the title and section 一: OCR read them.
      expect(report.agency).toBe('卢氏县工业和信息化和科技局');
      expect(report.year).toBe(2023);
      expect(findings.filter((finding) => finding.severity === 'error').map((finding) => finding.rule)).toEqual([
        'extract.no-text',
      ]);
      expect(
        findings.filter((finding) => /^(meta|struct|template|content|narrative|plausibility)\./.test(finding.rule)),
      ).toEqual([]);
      for (const row of Object.values(report.applications ?? {}))
        for (const column of APPLICANT_COLUMNS) if (row?.[column]) expect(row[column]?.at.ocr).toBe(true);
    },
    180_000,
  );
});
