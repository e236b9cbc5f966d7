/**
 * Counts written the way reports write them: Arabic digits, full-width digits (９９), Chinese numerals
 * (十一, 二十, 一百零五, 两千三百) and simple mixed forms (1万2千). One pass over the characters, no regex.
 */

/** Regex source of a count's characters (for a character class or a bounded run), without brackets. */
export const NUMERAL_CHARS = '0-9０-９零〇一二两三四五六七八九十百千万';

/** A bounded run of count characters, as a capture group: long enough for 一万二千三百四十五. */
export const NUMERAL_GROUP = `([${NUMERAL_CHARS}]{1,12})`;

const DIGITS = new Map<string, number>([
  ['零', 0],
  ['〇', 0],
  ['一', 1],
  ['二', 2],
  ['两', 2],
  ['三', 3],
  ['四', 4],
  ['五', 5],
  ['六', 6],
  ['七', 7],
  ['八', 8],
  ['九', 9],
]);
const UNITS = new Map<string, number>([
  ['十', 10],
  ['百', 100],
  ['千', 1000],
]);

/** 0–9 for an Arabic or full-width digit, else -1. */
function arabicDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0xff10 && code <= 0xff19) return code - 0xff10;
  return -1;
}

/** True when `raw` is only Arabic or full-width digits. */
export function isArabicNumeral(raw: string): boolean {
  if (raw.length === 0) return false;
  for (let i = 0; i < raw.length; i++) if (arabicDigit(raw.charCodeAt(i)) < 0) return false;
  return true;
}

/**
 * The value of a count written in digits, full-width digits, Chinese numerals or a simple mix of them;
 * null when `raw` is not one well-formed number. Ambiguous colloquial short forms (一百五 for 150, 1万2
 * for 12,000) and bare 百/千/万 without a coefficient (上百件) are rejected rather than guessed.
 */
export function parseCount(raw: string): number | null {
  if (raw.length === 0) return null;
  if (isArabicNumeral(raw)) {
    let value = 0;
    for (let i = 0; i < raw.length; i++) value = value * 10 + arabicDigit(raw.charCodeAt(i));
    return value;
  }
  let high = 0; // the part before 万, times 10,000
  let sawWan = false;
  let section = 0; // the part below 万 so far
  let lastUnit = 100_000; // units inside a section must fall: 千 > 百 > 十
  let pending: number | null = null; // the digit(s) not yet multiplied by a unit
  let pendingArabic = false;
  let zeroSinceUnit = false;
  let sectionHasContent = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    const arabic = arabicDigit(raw.charCodeAt(i));
    if (arabic >= 0) {
      if (pending !== null) {
        if (!pendingArabic) return null;
        pending = pending * 10 + arabic;
      } else pending = arabic;
      pendingArabic = true;
      sectionHasContent = true;
      continue;
    }
    const digit = DIGITS.get(ch);
    if (digit !== undefined) {
      if (pending !== null) return null; // 一二: a digit string, not a count
      if (digit === 0) {
        // 零 holds a place (一百零五) or is the whole number.
        if (raw.length === 1) return 0;
        if (!sectionHasContent && !sawWan) return null;
        zeroSinceUnit = true;
        continue;
      }
      pending = digit;
      pendingArabic = false;
      sectionHasContent = true;
      continue;
    }
    const unit = UNITS.get(ch);
    if (unit !== undefined) {
      let coefficient = pending;
      if (coefficient === null) {
        // A leading 十 means 一十 (十一 = 11); 百 and 千 need their digit.
        if (unit !== 10 || sectionHasContent || sawWan) return null;
        coefficient = 1;
      }
      if (unit >= lastUnit || coefficient > 9) return null;
      section += coefficient * unit;
      lastUnit = unit;
      pending = null;
      zeroSinceUnit = false;
      sectionHasContent = true;
      continue;
    }
    if (ch === '万') {
      if (sawWan) return null;
      const below = section + (pending ?? 0);
      if (below === 0) return null;
      high = below * 10_000;
      sawWan = true;
      section = 0;
      lastUnit = 10_000;
      pending = null;
      zeroSinceUnit = false;
      sectionHasContent = false;
      continue;
    }
    return null;
  }
  if (pending !== null) {
    // 二十三 is 23, but 一百五 / 1万2 are colloquial short forms: refuse to guess unless 零 marks the place.
    if (lastUnit > 10 && lastUnit !== 100_000 && !zeroSinceUnit) return null;
    if (lastUnit === 10 && pending > 9) return null;
    section += pending;
  } else if (zeroSinceUnit) return null; // 一百零
  return high + section;
}

const ASCII_DIGITS = /^[0-9]+$/;

/** Characters before a count that make it approximate or ordinal (数十件, 几十件, 近百件, 第三条, 1.5 件). */
const NOT_EXACT_BEFORE = new Set([...'第数几上近成约逾.．'].map((ch) => ch.charCodeAt(0)));
/** Characters that may follow a Chinese-numeral count's unit: 一件事, 一次性, 一条龙, 零件采购 are words. */
const CLAUSE_BREAK = new Set([...'，,。；;、：:）)（(！？!?和及与或 \t\n\u3000'].map((ch) => ch.charCodeAt(0)));

/**
 * The count written at text[start, start + raw.length), or null when it is not one: malformed, approximate
 * or ordinal (第三条), or a Chinese numeral whose unit (ending at `afterUnit`) runs on into a word (一件事,
 * 一次性, 零件采购). Arabic counts keep their old leniency after the unit.
 */
export function countAt(text: string, start: number, raw: string, afterUnit: number): number | null {
  if (start > 0 && NOT_EXACT_BEFORE.has(text.charCodeAt(start - 1))) return null;
  // The common case, plain ASCII digits, without the general parser.
  if (ASCII_DIGITS.test(raw)) return Number(raw);
  const value = parseCount(raw);
  if (value === null) return null;
  if (!isArabicNumeral(raw) && afterUnit < text.length && !CLAUSE_BREAK.has(text.charCodeAt(afterUnit))) return null;
  return value;
}
