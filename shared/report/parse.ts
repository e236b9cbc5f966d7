// Entry points of the report parser. Signatures are a contract shared with the validator and the CLI.
import { decodeBody } from '../text/charset.ts';
import { cellPerLineSource } from './cell-lines.ts';
import { parseLines } from './core.ts';
import { type DetectedFormat, detectFormat } from './detect-format.ts';
import { extractDocText } from './extract/doc.ts';
import { extractDocxHtml } from './extract/docx.ts';
import { htmlToLines } from './extract/html.ts';
import { type OcrLimits, ocrPdf } from './extract/ocr.ts';
import { extractPdfText, type PdfLimits } from './extract/pdf.ts';
import { checkPdf } from './extract/pdf-guard.ts';
import { isLayoutText, joinWrappedCells } from './layout-text.ts';
import type { AnnualReport, Cell, ParseNote, SourceFormat } from './model.ts';
import { normalizeText, utf8MayNeedCleanup } from './normalize.ts';
import { isJoinedPage, splitJoinedPage } from './run-together.ts';

/** Bumped whenever parsing changes what it produces; stored with every result. */
export const PARSER_VERSION = '1.2.0';

export interface ReportInput {
  bytes: Uint8Array;
  /** Used to tell the format when the content type is missing or generic. */
  fileName?: string;
  contentType?: string;
  /** Charset already determined by the fetcher (HTML/text only). */
  charset?: string;
  /** detectFormat's answer for these bytes, when the caller already asked it (the CLI, to size its read). */
  format?: DetectedFormat;
  /**
   * OCR of scanned PDFs with Tesseract: 'auto' (default) where tesseract + chi_sim are installed, 'off' never,
   * or limits (pages, time per page).
   */
  ocr?: 'auto' | 'off' | OcrLimits;
}

/** Longest text the parser reads; the rest is dropped with an 'input-truncated' note. */
export const MAX_TEXT_CHARS = 2_000_000;

/**
 * Detects the format (magic bytes, content type, file name) and parses. Damage becomes notes (a scanned
 * PDF gives 'no-text'; a file that could not be read at all 'extraction-failed'); only a document over
 * the parse limits (a ZIP or PDF decompression bomb) throws DocumentLimitError (limits.ts) with a Chinese reason.
 */
export async function parseReport(input: ReportInput, limits: PdfLimits = {}): Promise<AnnualReport> {
  const { bytes } = input;
  const format = input.format ?? detectFormat(bytes, { fileName: input.fileName, contentType: input.contentType });
  switch (format) {
    case 'pdf': {
      // Refuses decompression bombs (DocumentLimitError) before pdfjs allocates for them.
      checkPdf(bytes);
      const extracted = await extractPdfText(bytes, limits);
      if (input.ocr !== 'off' && extracted.notes.some((note) => note.kind === 'no-text')) {
        const ocr = await ocrPdf(bytes, typeof input.ocr === 'object' ? input.ocr : {});
        if (ocr && ocr.text.replace(/\s+/g, '').length >= 40) {
          // The scan stays a scan (no-text first: 扫描件，无法自动核验); what OCR read is an aid, every cell marked.
          const report = markOcr(parseText(ocr.text, 'pdf'));
          return withNotes(report, [
            ...extracted.notes,
            { kind: 'ocr', detail: `已用 OCR（Tesseract）识别 ${ocr.pages} 页文字，识别出的数字均需人工核对` },
          ]);
        }
      }
      return withNotes(parseLines(extracted, { format: 'pdf' }), failedWhenEmpty(extracted.text, extracted.notes));
    }
    case 'docx': {
      const extracted = await extractDocxHtml(bytes);
      return withNotes(parseHtml(extracted.html, 'docx'), failedWhenEmpty(extracted.html, extracted.notes));
    }
    case 'doc':
    case 'wps': {
      const extracted = await extractDocText(bytes, format);
      return withNotes(parseText(extracted.text, format), failedWhenEmpty(extracted.text, extracted.notes));
    }
    case 'html': {
      const { text } = decodeBody(bytes, input.contentType, input.charset);
      return parseHtml(text, 'html');
    }
    case 'text': {
      const { text, charset } = decodeBody(bytes, input.contentType, input.charset);
      // UTF-8 bytes without a character normalizeText replaces (most reports): no clean-up pass over the text.
      return parseText(text, 'text', { clean: charset === 'utf-8' && !utf8MayNeedCleanup(bytes) });
    }
    default:
      return withNotes(parseText('', 'text'), [
        {
          kind: 'extraction-failed',
          detail: '无法识别的文件格式（不是文本、网页、PDF、DOCX、DOC 或 WPS），系统无法读取其内容',
        },
      ]);
  }
}

/**
 * An extractor that gave no text and explained why (damage, too large, timeout) failed outright: its notes
 * become 'extraction-failed', so no finding rests on the text we did not get.
 */
function failedWhenEmpty(text: string, notes: ParseNote[]): ParseNote[] {
  if (text.trim().length > 0) return notes;
  return notes.map((note) =>
    note.kind === 'extraction-damage' || note.kind === 'input-truncated'
      ? { ...note, kind: 'extraction-failed' }
      : note,
  );
}

/** Puts extraction notes first: they explain everything the parser noticed after them. */
function withNotes(report: AnnualReport, notes: ParseNote[]): AnnualReport {
  if (notes.length === 0) return report;
  const noText = notes.some(
    (n) => n.kind === 'no-text' || n.kind === 'extraction-failed' || n.kind === 'extraction-damage',
  );
  // With no text at all, "section missing" ×6 says nothing more than the extraction note.
  const rest =
    noText && report.text.trim().length === 0
      ? report.notes.filter((n) => n.kind !== 'section-missing' && n.kind !== 'table-missing')
      : report.notes;
  return { ...report, notes: [...notes, ...rest] };
}

/** Marks every table cell of a report parsed from OCR text: its digits may be misread. */
function markOcr(report: AnnualReport): AnnualReport {
  const tables = [report.activeDisclosure, report.applications, report.reviews] as (Record<
    string,
    Record<string, unknown> | undefined
  > | null)[];
  for (const table of tables) {
    if (!table) continue;
    for (const row of Object.values(table)) {
      if (!row) continue;
      for (const cell of Object.values(row)) {
        if (typeof cell === 'object' && cell !== null && 'at' in cell) (cell as Cell).at.ocr = true;
      }
    }
  }
  return report;
}

/** Keeps parsing linear on hostile inputs: reads only the first `max` characters and says so in a note. */
function capLength(input: string, max: number, problem: string, notes: ParseNote[]): string {
  if (input.length <= max) return input;
  notes.push({ kind: 'input-truncated', detail: `${problem}（${input.length} 字符），只读取前 ${max} 字符` });
  return input.slice(0, max);
}

/**
 * Parses text extracted from a PDF or page (the seeds' form): tab-separated table rows, headings
 * "一、总体情况" … "六、其他需要报告的事项". Single pass, linear in the input.
 */
export function parseText(
  text: string,
  format: SourceFormat = 'text',
  options: { /** The text holds no character normalizeText replaces (see utf8MayNeedCleanup). */ clean?: boolean } = {},
): AnnualReport {
  const notes: ParseNote[] = [];
  let input = capLength(text, MAX_TEXT_CHARS, '文本过长', notes);
  // A page with all text nodes joined: paragraphs back on their lines, glued tables cut where certain.
  if (format === 'text' && isJoinedPage(input)) {
    const joined = splitJoinedPage(input);
    notes.push(...joined.notes);
    input = joined.lines.join('\n');
  }
  const normalized = normalizeText(input, options);
  let lines = normalized.split('\n');
  // The lines joined again: the normalized text itself unless lines were rewritten (no second copy).
  let joined = normalized;
  // pdftotext -layout: cells wrapped inside their column ("商业企" over "业") joined back first.
  if (isLayoutText(lines)) {
    lines = joinWrappedCells(lines);
    joined = lines.join('\n');
  }
  // Pages stored one table cell per line: rows rebuilt as grid rows (blank cells keep their column).
  const cellRows = format === 'text' ? cellPerLineSource(lines) : null;
  if (cellRows) return parseLines({ ...cellRows, text: normalized }, { format, notes });
  return parseLines({ lines, text: joined }, { format, notes });
}

/**
 * Parses an HTML document with real <table> markup (rowspan/colspan resolved into a grid; cells keep
 * table/row/column provenance). A page without tables is read as text, line by line.
 */
export function parseHtml(html: string, format: SourceFormat = 'html'): AnnualReport {
  const notes: ParseNote[] = [];
  const input = capLength(html, MAX_HTML_CHARS, '网页过大', notes);
  const extracted = htmlToLines(input);
  notes.push(...extracted.notes);
  return parseLines(extracted, { format, fallbackTitle: extracted.documentTitle, notes });
}

/** Largest HTML the parser reads (markup included). */
export const MAX_HTML_CHARS = 8_000_000;
