// Tables drawn without rules (borderless HTML printed by Chromium): columns come from the numbers' positions
// and the header labels, so blank cells stay blank in their own column, as in the HTML of the same document.
// And HTML's default bordered table (bevelled borders drawn as trapezoids, with cell spacing) read by its rules.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { valuesOf } from '../../shared/report/generate.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { analyseReport } from '../../shared/rules/validate.ts';
import { type OfficeDoc, officeHtml } from '../support/office-doc.ts';
import { closePdfRenderer, renderPdf } from '../support/render-pdf.ts';

afterAll(() => closePdfRenderer());

const SPEC = fileURLToPath(new URL('../fixtures/office/office-001-blanks.json', import.meta.url));
const summary = (findings: Finding[]) =>
  findings.map((f) => `${f.severity} ${f.rule} ${f.location?.row ?? ''}×${f.location?.column ?? ''}`).sort();

describe('PDF tables without ruling lines', () => {
  const doc = JSON.parse(readFileSync(SPEC, 'utf8')) as OfficeDoc;
  const borderless = officeHtml(doc).replaceAll('<table border="1">', '<table>');

  for (const align of ['left', 'center']) {
    it(`numbers aligned ${align}: the same cells and findings as the HTML, blanks unknown in their column`, async () => {
      const html = borderless.replace(
        '</head>',
        `<style>td{padding:2px 6px;font-size:11px;text-align:${align}}</style></head>`,
      );
      const bytes = await renderPdf(html);
      const pdf = await analyseReport({ bytes, fileName: 'borderless.pdf' });
      const reference = await analyseReport({ bytes: new TextEncoder().encode(officeHtml(doc)), fileName: 'x.html' });
      expect(valuesOf(pdf.report)).toEqual(valuesOf(reference.report));
      expect(pdf.report.applications?.received?.business).toMatchObject({ value: null, blank: true });
      expect(pdf.report.applications?.granted?.total).toMatchObject({ value: null, blank: true });
      expect(pdf.report.reviews?.litigationDirect?.pending).toMatchObject({ value: null, blank: true });
      expect(summary(pdf.findings)).toEqual(summary(reference.findings));
    }, 60_000);
  }

  it('<table border="1"> (bevelled inset borders, cell spacing): read by its rules, same as the HTML', async () => {
    const bytes = await renderPdf(officeHtml(doc));
    const pdf = await analyseReport({ bytes, fileName: 'bordered.pdf' });
    const reference = await analyseReport({ bytes: new TextEncoder().encode(officeHtml(doc)), fileName: 'x.html' });
    expect(valuesOf(pdf.report)).toEqual(valuesOf(reference.report));
    expect(pdf.report.notes).toEqual([]);
    expect(summary(pdf.findings)).toEqual(summary(reference.findings));
  }, 60_000);
});
