// Random consistent reports rendered by Chromium to PDF parse back to the same numbers with no arith
// finding. Few runs: each PDF costs a browser page.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseReport } from '../../shared/rules/validate.ts';
import { closePdfRenderer, renderPdf } from '../support/render-pdf.ts';
import { generateReport, valuesOf } from '../support/report-generator.ts';

afterAll(() => closePdfRenderer());

describe('round trip through PDF', () => {
  it('random consistent reports → HTML → Chromium PDF → parse: same numbers, no arith finding', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const generated = generateReport(seed);
        const bytes = await renderPdf(generated.html);
        const { report, findings } = await analyseReport({ bytes, fileName: 'report.pdf' }, { level: generated.level });
        expect(report.format).toBe('pdf');
        expect(report.agency).toBe(generated.agency);
        expect(report.year).toBe(generated.year);
        expect(valuesOf(report)).toEqual(generated.values);
        expect(findings.filter((finding) => finding.rule.startsWith('arith.'))).toEqual([]);
        // Wrapped lines must not fool the narrative checks: a consistent report is clean.
        expect(findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
      }),
      { numRuns: 5 },
    );
  }, 180_000);
});
