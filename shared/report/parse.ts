// CONTRACT STUB (owned by the parser work): signatures are fixed, bodies to be written.
import type { AnnualReport, SourceFormat } from './model.ts';

/** Bumped whenever parsing changes what it produces; stored with every result. */
export const PARSER_VERSION = '0.0.0';

export interface ReportInput {
  bytes: Uint8Array;
  /** Used to tell the format when the content type is missing or generic. */
  fileName?: string;
  contentType?: string;
  /** Charset already determined by the fetcher (HTML/text only). */
  charset?: string;
}

/** Detects the format (magic bytes, content type, file name) and parses. Never throws on bad content: damage becomes notes. */
export async function parseReport(_input: ReportInput): Promise<AnnualReport> {
  throw new Error('parseReport: not implemented yet');
}

/** Parses text extracted from a PDF or page (the seeds' form). */
export function parseText(_text: string, _format: SourceFormat = 'text'): AnnualReport {
  throw new Error('parseText: not implemented yet');
}

/** Parses an HTML document with real <table> markup (rowspan/colspan resolved). */
export function parseHtml(_html: string, _format: SourceFormat = 'html'): AnnualReport {
  throw new Error('parseHtml: not implemented yet');
}
