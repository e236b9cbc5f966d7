/**
 * Character-level clean-up shared by every input format, and the reading of one table cell.
 * Everything here works per character or per short cell: no regex runs over unbounded input.
 */

/**
 * Normalises extracted text without changing its line structure (line numbers stay valid):
 * CRLF/CR to LF, NBSP and ideographic space to a plain space, zero-width characters dropped,
 * and CJK radicals (U+2E80–U+2FDF, which PDF extraction yields for e.g. 文 → ⽂) folded with NFKC.
 * Whole-string NFKC is avoided on purpose: it would also turn full-width ：，（） into ASCII.
 */
export function normalizeText(input: string): string {
  let text = input.indexOf('\r') >= 0 ? input.replace(/\r\n?/g, '\n') : input;
  if (NEEDS_CLEANUP.test(text)) {
    text = text.replace(CLEANUP_CHARS, (ch) => {
      const code = ch.charCodeAt(0);
      if (code === 0xa0 || code === 0x3000) return ' ';
      if (code >= 0x2e80 && code <= 0x2fdf) return ch.normalize('NFKC');
      return '';
    });
  }
  return text;
}

const NEEDS_CLEANUP = /[\u00a0\u3000\u2e80-\u2fdf\u200b-\u200d\ufeff]/;
const CLEANUP_CHARS = /[\u00a0\u3000\u2e80-\u2fdf\u200b-\u200d\ufeff]/g;

/** What one table cell holds: a number, a placeholder for "unknown", or something else (a label). */
export interface CellReading {
  value: number | null;
  blank: boolean;
}

/** Placeholders that mean "no value given": never read as 0. */
const PLACEHOLDERS = new Set(['/', '／', '-', '－', '—', '——', '–', '―', '\\', '无', '空', '—/—', 'N/A', 'n/a']);

// Bounded by MAX_VALUE_CELL, and no nested quantifiers: linear.
const NUMBER = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$/;
const MAX_VALUE_CELL = 32;

/**
 * Reads a trimmed cell. Returns null when the cell is not a value (a label or prose);
 * `{value: null, blank: true}` for an empty cell or a placeholder ("/", "-", "—", "－").
 */
export function readCell(cell: string): CellReading | null {
  if (cell.length === 0) return { value: null, blank: true };
  if (cell.length > MAX_VALUE_CELL) return null;
  const first = cell.charCodeAt(0);
  // Fast exit for CJK labels: a value starts with a digit, sign, full-width digit or a placeholder.
  if (first > 0x7f && !isFullWidthDigit(first) && !PLACEHOLDERS.has(cell)) return null;
  if (PLACEHOLDERS.has(cell)) return { value: null, blank: true };
  const ascii = toAsciiDigits(cell).replace(/\s+/g, '');
  if (!NUMBER.test(ascii)) return null;
  const value = Number(ascii.replace(/,/g, ''));
  return Number.isFinite(value) ? { value, blank: false } : null;
}

function isFullWidthDigit(code: number): boolean {
  return (code >= 0xff10 && code <= 0xff19) || code === 0xff0b || code === 0xff0d;
}

function toAsciiDigits(cell: string): string {
  let out = '';
  for (let i = 0; i < cell.length; i++) {
    const code = cell.charCodeAt(i);
    if (code >= 0xff10 && code <= 0xff19) out += String.fromCharCode(code - 0xff10 + 48);
    else if (code === 0xff0e) out += '.';
    else if (code === 0xff0c) out += ',';
    else if (code === 0xff0b) out += '+';
    else if (code === 0xff0d) out += '-';
    else out += cell[i];
  }
  return out;
}

/**
 * Folds a label for comparison: drops whitespace, numbering punctuation and quotes, and unifies
 * half/full-width brackets and colons, so "(二) 部分公开(区分处理的, …)" equals the template's wording.
 */
export function foldLabel(label: string): string {
  let out = '';
  for (let i = 0; i < label.length; i++) {
    const ch = label[i] as string;
    const code = ch.charCodeAt(0);
    if (code <= 0x20 || code === 0x3000 || code === 0xa0) continue;
    const mapped = FOLD_MAP[ch];
    if (mapped === undefined) out += ch;
    else out += mapped;
  }
  return out;
}

const FOLD_MAP: Record<string, string> = {
  '(': '（',
  ')': '）',
  ':': '：',
  ',': '，',
  '“': '',
  '”': '',
  '"': '',
  '‘': '',
  '’': '',
  "'": '',
  '「': '',
  '」': '',
  '.': '.',
  '．': '.',
  '、': '.',
};
