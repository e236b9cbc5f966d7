// Entry points of the report parser. Signatures are a contract shared with the validator and the CLI.

import { decodeBody } from '../text/charset.ts';
import { parseLines } from './core.ts';
import { detectFormat } from './detect-format.ts';
import { extractDocxHtml } from './extract/docx.ts';
import { htmlToLines } from './extract/html.ts';
import { extractPdfText, type PdfLimits } from './extract/pdf.ts';
import { checkPdf } from './extract/pdf-guard.ts';
import type { AnnualReport, ParseNote, SourceFormat } from './model.ts';
import { normalizeText } from './normalize.ts';

/** Bumped whenever parsing changes what it produces; stored with every result. */
export const PARSER_VERSION = '1.1.0';

export interface ReportInput {
  bytes: Uint8Array;
  /** Used to tell the format when the content type is missing or generic. */
  fileName?: string;
  contentType?: string;
  /** Charset already determined by the fetcher (HTML/text only). */
  charset?: string;
}

/** Longest text the parser reads; the rest is dropped with an 'input-truncated' note. */
export const MAX_TEXT_CHARS = 2_000_000;

/**
 * Detects the format (magic bytes, content type, file name) and parses. Damage becomes notes (a scanned
 * PDF gives 'no-text', a legacy .doc an 'extraction-damage' note); a document over the parse limits
 * (a ZIP or PDF decompression bomb) throws DocumentLimitError (limits.ts) with a Chinese reason.
 */
export async function parseReport(input: ReportInput, limits: PdfLimits = {}): Promise<AnnualReport> {
  const { bytes } = input;
  const format = detectFormat(bytes, { fileName: input.fileName, contentType: input.contentType });
  switch (format) {
    case 'pdf': {
      // Refuses decompression bombs (DocumentLimitError) before pdfjs allocates for them.
      checkPdf(bytes);
      const extracted = await extractPdfText(bytes, limits);
      const report = parseText(extracted.text, 'pdf');
      return withNotes(report, extracted.notes);
    }
    case 'docx': {
      const extracted = await extractDocxHtml(bytes);
      return withNotes(parseHtml(extracted.html, 'docx'), extracted.notes);
    }
    case 'doc':
      return withNotes(parseText('', 'docx'), [
        { kind: 'extraction-damage', detail: '旧版 Word（.doc/.wps）格式暂不支持解析，请提供 PDF、DOCX 或网页版本' },
      ]);
    case 'html': {
      const { text } = decodeBody(bytes, input.contentType, input.charset);
      return parseHtml(text, 'html');
    }
    case 'text': {
      const { text } = decodeBody(bytes, input.contentType, input.charset);
      return parseText(text, 'text');
    }
    default:
      return withNotes(parseText('', 'text'), [
        { kind: 'extraction-damage', detail: '无法识别的文件格式（既不是文本、网页，也不是 PDF 或 DOCX）' },
      ]);
  }
}

/** Puts extraction notes first: they explain everything the parser noticed after them. */
function withNotes(report: AnnualReport, notes: ParseNote[]): AnnualReport {
  if (notes.length === 0) return report;
  const noText = notes.some((n) => n.kind === 'no-text' || n.kind === 'extraction-damage');
  // With no text at all, "section missing" ×6 says nothing more than the extraction note.
  const rest =
    noText && report.text.trim().length === 0
      ? report.notes.filter((n) => n.kind !== 'section-missing' && n.kind !== 'table-missing')
      : report.notes;
  return { ...report, notes: [...notes, ...rest] };
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
export function parseText(text: string, format: SourceFormat = 'text'): AnnualReport {
  const notes: ParseNote[] = [];
  const input = capLength(text, MAX_TEXT_CHARS, '文本过长', notes);
  const normalized = normalizeText(input);
  return parseLines({ lines: normalized.split('\n'), text: normalized }, { format, notes });
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
