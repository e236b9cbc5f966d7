/**
 * DOCX to HTML with mammoth (which keeps tables, unlike its raw-text mode), then the HTML reader.
 */
import type { ParseNote } from '../model.ts';

export interface DocxExtraction {
  html: string;
  notes: ParseNote[];
}

/** Converts a .docx to HTML. Never throws: a damaged file comes back empty with a note. */
export async function extractDocxHtml(bytes: Uint8Array): Promise<DocxExtraction> {
  try {
    // Loaded on first use: text and HTML parsing (and their Lambda bundles' start-up) never pay for it.
    const { default: mammoth } = await import('mammoth');
    const result = await mammoth.convertToHtml({
      buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
    return { html: result.value, notes: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      html: '',
      notes: [{ kind: 'extraction-damage', detail: `DOCX 无法解析：${message.slice(0, 200)}` }],
    };
  }
}
