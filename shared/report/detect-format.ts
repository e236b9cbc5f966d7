/**
 * Tells what a downloaded file is (magic bytes first, then content type, then file name) and decodes
 * text with the right charset (BOM, declared charset, or GB18030 when UTF-8 decoding fails).
 */
import { isAscii, isUtf8, transcode } from 'node:buffer';

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

/** The first bytes as a Latin-1 string (one char per byte): enough to look for ASCII markup. */
function asciiHead(bytes: Uint8Array, max: number): string {
  const length = Math.min(bytes.length, max);
  return asBuffer(bytes).toString('latin1', 0, length);
}

/** A Buffer view of the same memory (no copy). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function startsWith(bytes: Uint8Array, offset: number, magic: readonly number[]): boolean {
  if (bytes.length < offset + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[offset + i] !== magic[i]) return false;
  return true;
}

export interface DecodedText {
  text: string;
  charset: string;
}

/**
 * Decodes text or HTML: a BOM wins, then the charset given by the caller or the content type, then a
 * <meta charset> in the first bytes; UTF-8 is tried last and GB18030 used when UTF-8 yields U+FFFD.
 */
export function decodeText(bytes: Uint8Array, charsetHint?: string, contentType?: string): DecodedText {
  if (startsWith(bytes, 0, [0xef, 0xbb, 0xbf]))
    return { text: decodeWith('utf-8', bytes.subarray(3)), charset: 'utf-8' };
  if (startsWith(bytes, 0, [0xff, 0xfe]))
    return { text: decodeWith('utf-16le', bytes.subarray(2)), charset: 'utf-16le' };
  if (startsWith(bytes, 0, [0xfe, 0xff]))
    return { text: decodeWith('utf-16be', bytes.subarray(2)), charset: 'utf-16be' };
  const declared =
    normaliseCharset(charsetHint) ?? normaliseCharset(charsetFromContentType(contentType)) ?? sniffMetaCharset(bytes);
  if (declared && declared !== 'utf-8') {
    const text = tryDecode(declared, bytes);
    if (text !== null) return { text, charset: declared };
  }
  const valid = decodeValidUtf8(bytes);
  if (valid !== null && !valid.includes('\ufffd')) return { text: valid, charset: 'utf-8' };
  const utf8 = valid ?? decodeWith('utf-8', bytes);
  if (!utf8.includes('\ufffd')) return { text: utf8, charset: 'utf-8' };
  const gb = tryDecode('gb18030', bytes);
  if (gb !== null && countReplacement(gb) < countReplacement(utf8)) return { text: gb, charset: 'gb18030' };
  return { text: utf8, charset: 'utf-8' };
}

function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /charset\s*=\s*["']?([\w-]+)/i.exec(contentType);
  return m?.[1];
}

function sniffMetaCharset(bytes: Uint8Array): string | null {
  if (!hasMetaTag(bytes, 4096)) return null;
  const head = asciiHead(bytes, 4096);
  const m = /<meta[^>]{0,200}?charset\s*=\s*["']?([\w-]{2,20})/i.exec(head);
  return normaliseCharset(m?.[1]);
}

const META = [...'meta'].map((c) => c.charCodeAt(0));

/** '<meta' (any case) within the first `max` bytes: most documents have none, and skip the regex. */
function hasMetaTag(bytes: Uint8Array, max: number): boolean {
  const end = Math.min(bytes.length, max);
  const head = bytes.subarray(0, end);
  for (let i = head.indexOf(0x3c); i >= 0; i = head.indexOf(0x3c, i + 1)) {
    if (matchesAsciiLower(head, i + 1, end, META)) return true;
  }
  return false;
}

/**
 * Decodes bytes that are valid UTF-8, or returns null. Validation is one SIMD pass (isUtf8); ASCII is
 * read as Latin-1 (the same characters), and other text transcoded to UTF-16 by ICU, several times
 * faster than Buffer#toString('utf8') on Chinese text. Same string as the plain decoder gives.
 */
function decodeValidUtf8(bytes: Uint8Array): string | null {
  const buffer = asBuffer(bytes);
  if (isAscii(buffer)) return buffer.toString('latin1');
  if (!isUtf8(buffer)) return null;
  if (typeof transcode !== 'function' || buffer.length < 64) return buffer.toString('utf8');
  return transcode(buffer, 'utf8', 'utf16le').toString('utf16le');
}

function normaliseCharset(charset: string | undefined | null): string | null {
  if (!charset) return null;
  const c = charset.trim().toLowerCase();
  if (c === 'utf8' || c === 'utf-8') return 'utf-8';
  // GBK and GB2312 pages often contain characters outside their set: GB18030 is a superset.
  if (c === 'gbk' || c === 'gb2312' || c === 'gb18030' || c === 'x-gbk' || c === 'cp936') return 'gb18030';
  return c;
}

function tryDecode(charset: string, bytes: Uint8Array): string | null {
  try {
    return decodeWith(charset, bytes);
  } catch {
    return null;
  }
}

/** Decoders are reusable for one-shot decoding; creating one per document costs more than decoding it. */
const decoders = new Map<string, TextDecoder>();

function decodeWith(charset: string, bytes: Uint8Array): string {
  if (charset === 'utf-8') return asBuffer(bytes).toString('utf8');
  let decoder = decoders.get(charset);
  if (!decoder) {
    decoder = new TextDecoder(charset);
    if (decoders.size < 16) decoders.set(charset, decoder);
  }
  return decoder.decode(bytes);
}

function countReplacement(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}
