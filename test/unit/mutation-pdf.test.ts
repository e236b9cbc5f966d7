// Mutation tests through PDF. (1) Every cell of 三/四 read from a real PDF (the 淮安 WPS PDF, the LibreOffice
// office fixtures without blanks) is guarded: changing it in the parsed model is caught by an arith error
// naming it, so the PDF reading gives every cell its right row and column. (2) Eight generated reports with
// one changed cell, rendered by Chromium to PDF and parsed back: caught naming that cell. Few renders: each
// costs a browser page.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cloneValues, generateReport, renderHtml } from '../../shared/report/generate.ts';
import { parseReport } from '../../shared/report/parse.ts';
import { validateReport } from '../../shared/rules/validate.ts';
import { assertAllCaught, caught, modelTargets, mutateAll, type Tally, valueTargets } from '../support/mutation.ts';
import { closePdfRenderer, renderPdf } from '../support/render-pdf.ts';

afterAll(() => closePdfRenderer());

const REAL_PDF = fileURLToPath(new URL('../../../shared/real-reports/01_huaian_city_gov_2024.pdf', import.meta.url));
const OFFICE = fileURLToPath(new URL('../fixtures/office/', import.meta.url));
const PDFS = [
  REAL_PDF,
  ...['office-000-merged', 'office-002-typo', 'office-003-repeat-header', 'office-004-large-font'].map(
    (name) => `${OFFICE}${name}.pdf`,
  ),
];

describe('mutation through PDF', () => {
  it('every cell of 三/四 read from real PDFs is guarded by an arith rule that names it', async () => {
    const tally: Tally = { mutants: 0, caught: 0, missed: [] };
    for (const file of PDFS) {
      const report = await parseReport({ bytes: new Uint8Array(readFileSync(file)), fileName: 'report.pdf' });
      expect(validateReport(report).filter((f) => f.rule.startsWith('arith.') && f.severity === 'error')).toEqual([]);
      const targets = modelTargets(report);
      expect(targets.length, file).toBe(190);
      mutateAll(targets, (target) => caught(validateReport(report), target), file, tally);
    }
    assertAllCaught('PDF, parsed model', tally);
  }, 60_000);

  it('a single changed cell in a Chromium-rendered PDF is caught naming that cell', async () => {
    const tally: Tally = { mutants: 0, caught: 0, missed: [] };
    const generated = generateReport(7, { maxReceived: 20 });
    const values = cloneValues(generated.values);
    const spec = { agency: generated.agency, year: generated.year, values };
    const targets = valueTargets(values);
    // Spread over 三 (rows, groups, 总计 column) and 四 (each group): 8 renders.
    const picked = [0, 9, 45, 110, 168, 174, 182, 189].map((i) => targets[i]);
    for (const target of picked) {
      if (!target) continue;
      const original = target.get();
      target.set(original + 1);
      const bytes = await renderPdf(renderHtml(spec));
      const report = await parseReport({ bytes, fileName: 'mutant.pdf' });
      tally.mutants++;
      if (caught(validateReport(report), target)) tally.caught++;
      else tally.missed.push(`${target.row} × ${target.column} +1`);
      target.set(original);
    }
    assertAllCaught('PDF, Chromium-rendered mutants', tally);
    expect(tally.mutants).toBe(8);
  }, 120_000);
});
