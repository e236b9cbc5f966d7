/**
 * The one text decoder: fetched pages (the scan), stored documents (the parser) and archive previews
 * (the site) all decode bytes here. `fetch().text()` would ignore `charset=gbk` and decode as UTF-8, so
 * we read bytes and decide ourselves, in a fixed order:
 * override → BOM → Content-Type charset → <meta>/<?xml encoding?> in the first 4 KB → UTF-8 if the
 * bytes are valid UTF-8 → GB18030.
 * GBK and GB2312 labels decode as GB18030 (a superset: pages labelled GB2312 routinely hold GBK-only
 * characters).
 */
import { isAscii, isUtf8, transcode } from 'node:buffer';

export type CharsetSource = 'override' | 'bom' | 'header' | 'meta' | 'utf8-valid' | 'fallback';

export interface DecodedBody {
  text: string;
  /** The encoding actually used (WHATWG name: 'utf-8', 'gb18030', 'big5', …). */
  charset: string;
  /** Where that choice came from. */
  source: CharsetSource;
  /** The label the page declared (header or meta), if any, e.g. 'gb2312'. */
  declared: string | null;
  /** True when replacement characters (U+FFFD) remain: the encoding is probably wrong. */
  suspect: boolean;
}

/**
 * Labels that Chinese servers send by default without meaning it (Tomcat's ISO-8859-1, which WHATWG
 * maps to windows-1252). Every byte string "decodes" in it, so it could never be caught as wrong.
 */
const WEAK_HEADER_LABELS = new Set(['windows-1252']);

/**
 * Canonical decoder name for a charset label, or undefined if unknown. GBK-family labels map to
 * 'gb18030'.
 */
export function canonicalCharset(label: string): string | undefined {
  const cleaned = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (cleaned === '') return undefined;
  try {
    const encoding = new TextDecoder(cleaned).encoding;
    return encoding === 'gbk' ? 'gb18030' : encoding;
  } catch {
    return undefined;
  }
}

/** The charset parameter of a Content-Type header value. */
export function charsetFromContentType(contentType: string | undefined | null): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return match?.[2];
}

/** The charset declared by <meta charset>, <meta http-equiv="Content-Type"> or <?xml encoding?> in the first 4 KB. */
export function charsetFromMarkup(bytes: Uint8Array): string | undefined {
  // Buffer's latin1 view, not a new TextDecoder: constructing a decoder per document cost ~70 µs, more
  // than parsing a text report; tags and charset names are ASCII either way.
  const buffer = asBuffer(bytes);
  // Every form below starts with '<': a head without one (a plain-text report) has no declaration.
  if (buffer.subarray(0, 4096).indexOf(0x3c) < 0) return undefined;
  const head = buffer.toString('latin1', 0, 4096);
  const xml = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) return xml[1];
  for (const tag of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const direct = /\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(tag);
    if (direct) return direct[1];
  }
  return undefined;
}

function bomOf(bytes: Uint8Array): { charset: string; length: number } | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { charset: 'utf-8', length: 3 };
  if (a === 0xff && b === 0xfe) return { charset: 'utf-16le', length: 2 };
  if (a === 0xfe && b === 0xff) return { charset: 'utf-16be', length: 2 };
  if (a === 0x84 && b === 0x31 && c === 0x95 && d === 0x33) return { charset: 'gb18030', length: 4 };
  return undefined;
}

/** A Buffer view of the same memory (no copy). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decoders are reusable for one-shot decoding; creating one per document costs more than decoding it. */
const decoders = new Map<string, TextDecoder>();

/**
 * UTF-8 is read by Node directly: ASCII as Latin-1 (the same characters), other valid UTF-8 transcoded
 * to UTF-16 by ICU, several times faster than TextDecoder on Chinese text (the same string).
 */
function decodeWith(charset: string, bytes: Uint8Array, validUtf8: boolean): string {
  if (charset === 'utf-8') {
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf; // TextDecoder drops it too
    const buffer = asBuffer(bom ? bytes.subarray(3) : bytes);
    if (isAscii(buffer)) return buffer.toString('latin1');
    if (typeof transcode !== 'function' || buffer.length < 64 || !(validUtf8 || isUtf8(buffer)))
      return buffer.toString('utf8');
    return transcode(buffer, 'utf8', 'utf16le').toString('utf16le');
  }
  let decoder = decoders.get(charset);
  if (!decoder) {
    decoder = new TextDecoder(charset);
    if (decoders.size < 16) decoders.set(charset, decoder);
  }
  return decoder.decode(bytes);
}

function decodesCleanly(charset: string, bytes: Uint8Array): boolean {
  if (charset === 'utf-8') return isUtf8(asBuffer(bytes)); // one SIMD pass, no string built
  try {
    new TextDecoder(charset, { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * `clean`: the caller has checked that `bytes` decode cleanly in `charset` (decodesCleanly). For UTF-8 the
 * validity check is then not repeated.
 */
function result(
  bytes: Uint8Array,
  charset: string,
  source: CharsetSource,
  declared: string | null,
  skip = 0,
  clean = false,
): DecodedBody {
  const body = skip ? bytes.subarray(skip) : bytes;
  const validUtf8 = clean && charset === 'utf-8';
  const text = decodeWith(charset, body, validUtf8);
  // Valid UTF-8 holds U+FFFD only where its bytes spell it: one search of the text serves every charset
  // (as fast as searching the bytes, and Buffer.indexOf's checks stay out of this once-per-file function).
  const suspect = text.includes('\uFFFD');
  return { text, charset, source, declared, suspect };
}

/**
 * Decodes a response body (see the module comment for the order). A declared charset that leaves
 * replacement characters while UTF-8 or GB18030 decodes the bytes cleanly gives way to that
 * (sites copy templates with the wrong <meta>); an explicit override is always obeyed.
 */
export function decodeBody(bytes: Uint8Array, contentType?: string | null, override?: string | null): DecodedBody {
  if (override) {
    const charset = canonicalCharset(override);
    if (charset) return result(bytes, charset, 'override', override);
  }

  const bom = bomOf(bytes);
  if (bom) return result(bytes, bom.charset, 'bom', null, bom.length);

  const headerLabel = charsetFromContentType(contentType);
  const metaLabel = charsetFromMarkup(bytes);
  const headerCharset = headerLabel ? canonicalCharset(headerLabel) : undefined;
  const metaCharset = metaLabel ? canonicalCharset(metaLabel) : undefined;

  const declaredChoices: { charset: string; source: CharsetSource; label: string }[] = [];
  // Latin-1 on a Chinese government site is a server or template default, not a statement: ignore it.
  if (headerCharset && headerLabel && !WEAK_HEADER_LABELS.has(headerCharset)) {
    declaredChoices.push({ charset: headerCharset, source: 'header', label: headerLabel });
  }
  if (metaCharset && metaLabel && !WEAK_HEADER_LABELS.has(metaCharset))
    declaredChoices.push({ charset: metaCharset, source: 'meta', label: metaLabel });

  const declared = declaredChoices[0];
  if (declared) {
    if (decodesCleanly(declared.charset, bytes))
      return result(bytes, declared.charset, declared.source, declared.label, 0, true);
    // The declaration is wrong for these bytes: prefer an encoding that fits them all.
    for (const fallback of ['utf-8', 'gb18030']) {
      if (fallback !== declared.charset && decodesCleanly(fallback, bytes)) {
        return result(bytes, fallback, fallback === 'utf-8' ? 'utf8-valid' : 'fallback', declared.label, 0, true);
      }
    }
    return result(bytes, declared.charset, declared.source, declared.label);
  }

  if (decodesCleanly('utf-8', bytes)) return result(bytes, 'utf-8', 'utf8-valid', null, 0, true);
  return result(bytes, 'gb18030', 'fallback', null);
}
