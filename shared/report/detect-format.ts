/**
 * Tells what a downloaded file is (magic bytes first, then content type, then file name). Text is
 * decoded by the one decoder, shared/text/charset.ts.
 */

export type DetectedFormat = 'pdf' | 'docx' | 'doc' | 'wps' | 'html' | 'text' | 'unknown';

/** What the first bytes of a file say it is: the one magic-byte sniffer (the fetcher uses it too). */
export type MagicKind = 'pdf' | 'zip' | 'ole';

/** PDF header within the first KB, a ZIP (OOXML, OFD) or an OLE2 compound file (.doc, .wps, .xls), else null. */
export function sniffMagic(bytes: Uint8Array): MagicKind | null {
  if (findPdfHeader(bytes) >= 0) return 'pdf';
  if (startsWith(bytes, 0, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if (startsWith(bytes, 0, [0xd0, 0xcf, 0x11, 0xe0])) return 'ole';
  return null;
}

export interface FormatHints {
  fileName?: string;
  contentType?: string;
}

/** Detects the format of a file from its bytes, content type and name. */
export function detectFormat(bytes: Uint8Array, hints: FormatHints = {}): DetectedFormat {
  const type = (hints.contentType ?? '').toLowerCase();
  const name = (hints.fileName ?? '').toLowerCase().replace(/[?#].*$/, '');
  const magic = sniffMagic(bytes);
  if (magic === 'pdf') return 'pdf';
  if (magic === 'zip') return 'docx'; // PK zip (OOXML)
  // OLE2 compound file: Word 97–2003 or WPS (the same container; the name tells which was published).
  if (magic === 'ole') return name.endsWith('.wps') || type.includes('wps') ? 'wps' : 'doc';
  // Declared PDF without the %PDF header: often an HTML error page; sniff instead.
  if (type.includes('pdf') || name.endsWith('.pdf')) return sniffText(bytes);
  if (type.includes('wordprocessingml') || name.endsWith('.docx')) return 'docx';
  // Named Word/WPS without the OLE header: Word's "save as web page" .doc is HTML; anything else is still
  // handed to the Word reader, which says plainly that it cannot open it.
  if (name.endsWith('.wps') || type.includes('msword') || name.endsWith('.doc')) {
    if (looksLikeHtml(bytes)) return 'html';
    return name.endsWith('.wps') ? 'wps' : 'doc';
  }
  if (type.includes('html') || name.endsWith('.html') || name.endsWith('.htm') || name.endsWith('.shtml'))
    return 'html';
  if (type.startsWith('text/') || name.endsWith('.txt')) return looksLikeHtml(bytes) ? 'html' : 'text';
  return sniffText(bytes);
}

function sniffText(bytes: Uint8Array): DetectedFormat {
  if (bytes.length === 0) return 'text';
  if (looksLikeHtml(bytes)) return 'html';
  // Binary junk (many control bytes) is not text.
  const sample = bytes.subarray(0, 4096);
  let control = 0;
  for (const b of sample) if (b < 9 || (b > 13 && b < 32)) control++;
  return control > sample.length / 10 ? 'unknown' : 'text';
}

/** Markup that makes a file HTML, each after a '<' (ASCII, lower case; matched case-insensitively). */
const HTML_MARKERS: readonly (readonly number[])[] = ['html', '!doctype html', 'body', 'table'].map((m) =>
  [...m].map((c) => c.charCodeAt(0)),
);

/**
 * '<html', '<!doctype html', '<body' or '<table' (any case) in the first 2 KB. A byte scan: text in
 * UTF-8 or GB18030 has no 0x3C inside a multi-byte character, so only real '<' bytes are looked at.
 */
function looksLikeHtml(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 2048);
  const head = bytes.subarray(0, end);
  for (let i = head.indexOf(0x3c); i >= 0; i = head.indexOf(0x3c, i + 1)) {
    for (const marker of HTML_MARKERS) if (matchesAsciiLower(head, i + 1, end, marker)) return true;
  }
  return false;
}

/** True when `bytes[at…]` spells `lower` (ASCII lower case), A–Z folded, within `end`. */
function matchesAsciiLower(bytes: Uint8Array, at: number, end: number, lower: readonly number[]): boolean {
  if (at + lower.length > end) return false;
  for (let k = 0; k < lower.length; k++) {
    const b = bytes[at + k] as number;
    const want = lower[k] as number;
    if (b !== want && !(b >= 0x41 && b <= 0x5a && b + 32 === want)) return false;
  }
  return true;
}

/** Offset of "%PDF-" within the first 1024 bytes (readers accept leading junk), or -1. */
export function findPdfHeader(bytes: Uint8Array): number {
  const limit = Math.min(bytes.length - 5, 1024);
  // Bounded view: indexOf on the whole file would scan all of it when there is no '%'.
  const head = bytes.subarray(0, Math.max(0, limit + 1));
  for (let i = head.indexOf(0x25); i >= 0; i = head.indexOf(0x25, i + 1)) {
    if (
      bytes[i] === 0x25 &&
      bytes[i + 1] === 0x50 &&
      bytes[i + 2] === 0x44 &&
      bytes[i + 3] === 0x46 &&
      bytes[i + 4] === 0x2d
    ) {
      return i;
    }
  }
  return -1;
}

function startsWith(bytes: Uint8Array, offset: number, magic: readonly number[]): boolean {
  if (bytes.length < offset + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[offset + i] !== magic[i]) return false;
  return true;
}
