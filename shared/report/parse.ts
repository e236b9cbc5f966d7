// Entry points of the report parser. Signatures are a contract shared with the validator and the CLI.
import { parseLines } from './core.ts';
import type { AnnualReport, ParseNote, SourceFormat } from './model.ts';
import { normalizeText } from './normalize.ts';

/** Bumped whenever parsing changes what it produces; stored with every result. */
export const PARSER_VERSION = '1.0.0';

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

/** Detects the format (magic bytes, content type, file name) and parses. Never throws on bad content: damage becomes notes. */
export async function parseReport(_input: ReportInput): Promise<AnnualReport> {
  throw new Error('parseReport: not implemented yet');
}

/**
 * Parses text extracted from a PDF or page (the seeds' form): tab-separated table rows, headings
 * "一、总体情况" … "六、其他需要报告的事项". Single pass, linear in the input.
 */
export function parseText(text: string, format: SourceFormat = 'text'): AnnualReport {
  const notes: ParseNote[] = [];
  let input = text;
  if (input.length > MAX_TEXT_CHARS) {
    notes.push({
      kind: 'input-truncated',
      detail: `文本过长（${input.length} 字符），只读取前 ${MAX_TEXT_CHARS} 字符`,
    });
    input = input.slice(0, MAX_TEXT_CHARS);
  }
  const normalized = normalizeText(input);
  return parseLines({ lines: normalized.split('\n'), text: normalized }, { format, notes });
}

/** Parses an HTML document with real <table> markup (rowspan/colspan resolved). */
export function parseHtml(_html: string, _format: SourceFormat = 'html'): AnnualReport {
  throw new Error('parseHtml: not implemented yet');
}
