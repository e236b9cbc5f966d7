/**
 * DOCX to HTML with mammoth (which keeps tables, unlike its raw-text mode), then the HTML reader.
 */
import type { ParseNote } from '../model.ts';
import { checkZip, ZipDamagedError, type ZipLimits } from './zip-guard.ts';

export interface DocxExtraction {
  html: string;
  notes: ParseNote[];
}

/**
 * Converts a .docx to HTML. A damaged file comes back empty with a note; an archive over the ZIP
 * limits (zip-guard.ts, checked before mammoth sees it) throws DocumentLimitError.
 */
export async function extractDocxHtml(bytes: Uint8Array, limits: ZipLimits = {}): Promise<DocxExtraction> {
  try {
    checkZip(bytes, limits);
  } catch (error) {
    if (error instanceof ZipDamagedError)
      return { html: '', notes: [{ kind: 'extraction-damage', detail: error.message }] };
    throw error;
  }
  try {
    // Loaded on first use: text and HTML parsing (and their Lambda bundles' start-up) never pay for it.
    const { default: mammoth } = await import('mammoth');
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      // Images are never decoded or inlined as data: URIs (the parser reads text; zip-guard did not
      // inflate media, so mammoth must not either).
      { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
    );
    return { html: result.value, notes: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      html: '',
      notes: [{ kind: 'extraction-damage', detail: `DOCX 无法解析：${message.slice(0, 200)}` }],
    };
  }
}
