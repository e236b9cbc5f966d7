/**
 * A report as a word processor holds it, with Word-style tables (merged label columns, multi-row headers,
 * blank cells): the JSON shape scripts/fixtures/make-office-docx.py turns into a DOCX (then LibreOffice into
 * PDF), and the HTML rendering of the same document, the reference a PDF reading must agree with.
 */
import { escapeHtml } from '../../shared/html/escape.ts';

/** One table cell as typed: its text and how many grid rows/columns it covers. */
export interface OfficeCell {
  text: string;
  rowspan?: number;
  colspan?: number;
}

export interface OfficeTable {
  /** Column widths in centimetres (the grid's columns). */
  widths: number[];
  /** Rows as typed: each lists the cells that start in it, left to right (HTML's rule). */
  rows: OfficeCell[][];
  /** Leading rows Word repeats at the top of every page the table continues on. */
  repeatHeaderRows?: number;
}

export type OfficeBlock = { heading: string } | { paragraph: string } | { table: OfficeTable };

export interface OfficeDoc {
  /** File name stem of the DOCX/PDF. */
  name: string;
  /** What this document exercises, for the reader of the fixture folder. */
  about: string;
  title: string;
  blocks: OfficeBlock[];
}

/** The document as an HTML page with real rowspan/colspan (what the HTML path reads correctly). */
export function officeHtml(doc: OfficeDoc): string {
  const body: string[] = [`<h1>${escapeHtml(doc.title)}</h1>`];
  for (const block of doc.blocks) {
    if ('heading' in block) body.push(`<h2>${escapeHtml(block.heading)}</h2>`);
    else if ('paragraph' in block) body.push(`<p>${escapeHtml(block.paragraph)}</p>`);
    else {
      const rows = block.table.rows.map(
        (row) =>
          `<tr>${row
            .map((cell) => {
              const rowspan = cell.rowspan && cell.rowspan > 1 ? ` rowspan="${cell.rowspan}"` : '';
              const colspan = cell.colspan && cell.colspan > 1 ? ` colspan="${cell.colspan}"` : '';
              return `<td${rowspan}${colspan}>${escapeHtml(cell.text)}</td>`;
            })
            .join('')}</tr>`,
      );
      body.push(`<table border="1">${rows.join('')}</table>`);
    }
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title></head><body>${body.join('\n')}</body></html>`;
}
