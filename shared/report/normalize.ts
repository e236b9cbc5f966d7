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
export function normalizeText(input: string, options: { clean?: boolean } = {}): string {
  let text = input.indexOf('\r') >= 0 ? input.replace(/\r\n?/g, '\n') : input;
  // `clean`: the caller knows the text holds none of CLEANUP_CHARS (utf8MayNeedCleanup said so of its bytes).
  if (!options.clean && NEEDS_CLEANUP.test(text)) {
    text = text.replace(CLEANUP_CHARS, (ch) => {
      const code = ch.charCodeAt(0);
      if (code === 0xa0 || code === 0x3000) return ' ';
      if (code >= 0x2e80 && code <= 0x2fdf) return RADICAL_SUPPLEMENT[ch] ?? ch.normalize('NFKC');
      return '';
    });
  }
  return text;
}

/**
 * CJK Radicals Supplement (U+2E80–U+2EFF) has almost no NFKC mappings, yet Chromium/Noto PDFs yield these
 * for ordinary characters (民 → ⺠, 页 → ⻚). The ones that stand for a whole character are mapped here.
 */
const RADICAL_SUPPLEMENT: Record<string, string> = Object.fromEntries(
  [
    ...'⺠民⻚页⻓长⻔门⻅见⻆角⻋车⻛风⻜飞⻝食⻢马⻥鱼⻦鸟⻨麦⻩黄⻬齐⻮齿⻰龙⻳龟⺟母⻉贝⻙韦⻄西⻘青⻗雨⻣骨⻤鬼⻧卤⻪黾⻁虎⻐金⻡首⺩王⺬示⺳网⻊足⺝月⺼月⻑長⻢马⺅亻⺉刂⺌小⺗心⺣灬⺮竹⺶羊⺻聿⺾艹⻈讠⻏阝⻖阝⻌辶',
  ].reduce<[string, string][]>((pairs, ch, i, all) => {
    if (i % 2 === 0) pairs.push([ch, all[i + 1] as string]);
    return pairs;
  }, []),
);

/** UTF-8 of the characters CLEANUP_CHARS holds that start with their own lead byte (U+00A0, U+3000, U+FEFF). */
const CLEANUP_SEQUENCES = [Buffer.from([0xc2, 0xa0]), Buffer.from([0xe3, 0x80, 0x80]), Buffer.from([0xef, 0xbb, 0xbf])];

/**
 * Whether UTF-8 bytes may hold a character normalizeText replaces (CLEANUP_CHARS), searched in the bytes by
 * native code: 2.5 times faster than the regex over the decoded Chinese text (seeds: 2.0 µs against 5.1 µs).
 * Never false when one is there (a unit test tries every BMP character); a true only sends the text to the regex.
 */
export function utf8MayNeedCleanup(bytes: Uint8Array): boolean {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const sequence of CLEANUP_SEQUENCES) if (buffer.indexOf(sequence) >= 0) return true;
  // Lead byte E2: U+2E80–U+2FFF (second byte BA–BF) and U+200B–U+200D (E2 80 8B–8D). Chinese text has a few
  // E2 characters (“”—…), each checked here.
  for (let at = buffer.indexOf(0xe2); at >= 0; at = buffer.indexOf(0xe2, at + 1)) {
    const second = buffer[at + 1] ?? 0;
    if (second >= 0xba && second <= 0xbf) return true;
    const third = buffer[at + 2] ?? 0;
    if (second === 0x80 && third >= 0x8b && third <= 0x8d) return true;
  }
  return false;
}

const NEEDS_CLEANUP = /[\u00a0\u3000\u2e80-\u2fdf\u200b-\u200d\ufeff]/;
const CLEANUP_CHARS = /[\u00a0\u3000\u2e80-\u2fdf\u200b-\u200d\ufeff]/g;

/** What one table cell holds: a number, a placeholder for "unknown", or something else (a label). */
export interface CellReading {
  value: number | null;
  blank: boolean;
  /** A number too large to be real (beyond Number.MAX_SAFE_INTEGER): still a value cell, value null. */
  implausible?: boolean;
}

/** Beyond this a double rounds (99999999999999999999 → 100000000000000000000): refused as implausible. */
const TOO_LARGE: CellReading = Object.freeze({ value: null, blank: false, implausible: true }) as CellReading;

function checked(value: number): CellReading | null {
  if (!Number.isFinite(value)) return TOO_LARGE;
  return Math.abs(value) > Number.MAX_SAFE_INTEGER ? TOO_LARGE : { value, blank: false };
}

/** Placeholders that mean "no value given": never read as 0. */
const PLACEHOLDERS = new Set(['/', '／', '-', '－', '—', '——', '–', '―', '\\', '无', '空', '—/—', 'N/A', 'n/a']);

/** 1 for each UTF-16 code a value cell can start with beyond ASCII (full-width digits and signs, placeholders). */
const VALUE_FIRST = new Uint8Array(0x10000);
for (const placeholder of PLACEHOLDERS) VALUE_FIRST[placeholder.charCodeAt(0)] = 1;
for (let code = 0x80; code < 0x10000; code++) if (isFullWidthNumeric(code)) VALUE_FIRST[code] = 1;

// Bounded by MAX_VALUE_CELL, and no nested quantifiers: linear.
const NUMBER = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$/;
const MAX_VALUE_CELL = 32;

/**
 * Reads a trimmed cell. Returns null when the cell is not a value (a label or prose);
 * `{value: null, blank: true}` for an empty cell or a placeholder ("/", "-", "—", "－").
 */
export function readCell(cell: string): CellReading | null {
  if (cell.length === 0) return BLANK;
  // Labels start with a Han character: rejected by one table load, before any scanning or hashing.
  const first = cell.charCodeAt(0);
  if (first > 0x7f && VALUE_FIRST[first] === 0) return null;
  const plain = readPlainNumber(cell);
  if (plain !== null)
    return plain < SMALL_READINGS.length && Number.isInteger(plain)
      ? (SMALL_READINGS[plain] as CellReading)
      : checked(plain);
  if (cell.length > MAX_VALUE_CELL) return null;
  if (PLACEHOLDERS.has(cell)) return BLANK;
  // Only digits, separators and signs (ASCII or full-width) can make a number: reject labels early.
  for (let i = 0; i < cell.length; i++) {
    const code = cell.charCodeAt(i);
    if (code <= 0x7f ? !NUMERIC_ASCII[code] : !isFullWidthNumeric(code)) return null;
  }
  const ascii = toAsciiDigits(cell);
  if (!NUMBER.test(ascii)) return null;
  return checked(Number(ascii.replace(/,/g, '')));
}

const BLANK: CellReading = Object.freeze({ value: null, blank: true }) as CellReading;

/**
 * The readings of the small whole numbers most cells hold, made once (frozen: readings are shared and
 * never changed), instead of one object per cell of every table.
 */
const SMALL_READINGS: readonly CellReading[] = Array.from(
  { length: 1024 },
  (_, value) => Object.freeze({ value, blank: false }) as CellReading,
);

/** readCell's answer for a whole number below 1,024 written plainly ("0", "12"): one shared reading. */
export function smallNumberReading(value: number): CellReading {
  return SMALL_READINGS[value] as CellReading;
}

/** Fast path for the common case: ASCII digits with at most one inner decimal point. */
function readPlainNumber(cell: string): number | null {
  let dots = 0;
  for (let i = 0; i < cell.length; i++) {
    const code = cell.charCodeAt(i);
    if (code === 46) {
      if (i === 0 || i === cell.length - 1 || ++dots > 1) return null;
    } else if (code < 48 || code > 57) {
      return null;
    }
  }
  if (dots === 0 && cell.length <= 15) {
    // Whole numbers below 10^15 are exact in a double: the value Number() gives, without the call.
    let value = 0;
    for (let i = 0; i < cell.length; i++) value = value * 10 + (cell.charCodeAt(i) - 48);
    return value;
  }
  return Number(cell);
}

function isFullWidthNumeric(code: number): boolean {
  return (code >= 0xff10 && code <= 0xff19) || code === 0xff0b || code === 0xff0d || code === 0xff0e || code === 0xff0c;
}

const NUMERIC_ASCII: boolean[] = [];
for (let code = 0; code < 128; code++) {
  NUMERIC_ASCII[code] =
    (code >= 48 && code <= 57) || code === 46 || code === 44 || code === 43 || code === 45 || code === 32;
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
  const cached = foldCache.get(label);
  if (cached !== undefined) return cached;
  const folded = FOLDABLE.test(label) ? label.replace(FOLDABLE_ALL, (ch) => FOLD_MAP[ch] ?? '') : label;
  if (foldCache.size < MAX_CACHE) foldCache.set(label, folded);
  return folded;
}

// Template labels recur in every report: folding each distinct label once keeps parsing fast. The cache
// fills once and is never cleared, so hostile input with endless distinct labels cannot make it churn.
const MAX_CACHE = 4096;
const foldCache = new Map<string, string>();
const FOLDABLE = /[\s\u3000\u00a0()（）:,“”"‘’'「」.．、]/;
const FOLDABLE_ALL = /[\s\u3000\u00a0()（）:,“”"‘’'「」.．、]/g;

const FOLD_MAP: Record<string, string> = {
  '（': '（',
  '）': '）',
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
