/**
 * Text laid out with spaces (pdftotext -layout of a Word/WPS PDF): table cells wrap inside their column, so a
 * header reads "商业企" over "业" and a long row label spans two or three lines around the row's values.
 * Before the line parser runs, wrapped header words are joined by column position, and a value row's label
 * fragment is joined with the label line that opens it and the short line that closes it. Line count is
 * kept (joined lines become empty), so line numbers stay valid. Linear, bounded per line.
 */

/** Header words of table 三 that wrap in narrow columns. */
const HEADER_WORDS = ['商业企业', '科研机构', '社会公益组织', '法律服务机构'];
/** A run of 2+ spaces after a word: a cell boundary in layout text. */
const CELL = /\S+(?: \S+)*/g;
/** A value row: a label, then values set apart by runs of spaces. */
const VALUE_ROW = /^(\s*)(\S.{0,60}?) {2,}([-\d.／/—]{1,12}(?: +[-\d.／/—]{1,12}){1,20})\s*$/;
/** A row label's own opening: 一、 （一） 1. 1、 */
const ROW_MARKER = /^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．])/;
const MAX_LINE = 400;

interface Token {
  text: string;
  start: number;
}

function tokens(line: string): Token[] {
  const out: Token[] = [];
  for (const match of line.matchAll(CELL)) out.push({ text: match[0], start: match.index ?? 0 });
  return out;
}

/** True when the text has the layout form: many lines with runs of 4+ spaces between words. */
export function isLayoutText(lines: readonly string[]): boolean {
  let spaced = 0;
  let tabbed = 0;
  for (const line of lines) {
    // Tab-separated tables (the seeds' form) are not layout text; most lines have neither.
    if (line.indexOf('\t') >= 0 && ++tabbed >= 10) return false;
    if (line.length >= MAX_LINE || line.indexOf('    ') < 0) continue;
    if (/\S {4,}\S/.test(line) && ++spaced >= 20) return true;
  }
  return false;
}

/** Joins wrapped header words and wrapped row labels in place (same number of lines). */
export function joinWrappedCells(input: readonly string[]): string[] {
  const lines = input.slice();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0 || line.length > MAX_LINE) continue;
    joinHeaderFragments(lines, i);
    const row = VALUE_ROW.exec(lines[i] as string);
    if (row) joinRowLabel(lines, i, row);
  }
  return lines;
}

/** "商业企" at column c and "业" below it at about the same column: one word, on the upper line. */
function joinHeaderFragments(lines: string[], i: number): void {
  const upper = tokens(lines[i] as string);
  if (upper.length === 0 || !upper.some((t) => HEADER_WORDS.some((w) => w.startsWith(t.text) && w !== t.text))) return;
  for (let k = i + 1; k <= i + 3 && k < lines.length; k++) {
    const lower = tokens(lines[k] as string);
    if (lower.length === 0) continue;
    let changed = false;
    const upperLine = (lines[i] as string).split('');
    const lowerLine = (lines[k] as string).split('');
    for (const top of upper) {
      const word = HEADER_WORDS.find((w) => w.startsWith(top.text) && w !== top.text);
      if (!word) continue;
      const bottom = lower.find((t) => Math.abs(t.start - top.start) <= 3 && top.text + t.text === word);
      if (!bottom) continue;
      // Write the whole word on the upper line (its column has room: the next cell is wider apart).
      for (let c = 0; c < word.length; c++) upperLine[top.start + c] = word[c] as string;
      for (let c = 0; c < bottom.text.length; c++) lowerLine[bottom.start + c] = ' ';
      changed = true;
    }
    if (changed) {
      lines[i] = upperLine.join('');
      lines[k] = lowerLine.join('').trimEnd();
      return;
    }
  }
}

/** "1、申请人无正当理由逾期不补" / "正、…其政府信  67 3 0 …" / "息公开申请": one label on the value line. */
function joinRowLabel(lines: string[], i: number, row: RegExpExecArray): void {
  const label = (row[2] as string).trim();
  if (!/[\u4e00-\u9fff]/.test(label) || ROW_MARKER.test(label) || /\s{2,}/.test(label)) return;
  let before = -1;
  for (let k = i - 1; k >= Math.max(0, i - 3); k--) {
    const text = (lines[k] as string).trim();
    if (text.length === 0) continue;
    // The opening line: a row marker, no values, no sentence end; the label may sit after a group cell.
    const cells = tokens(lines[k] as string);
    const last = cells[cells.length - 1];
    if (last && ROW_MARKER.test(last.text) && !/[。；]$/.test(last.text) && !/\d\s*$/.test(text)) before = k;
    // A short fragment of the merged group cell ("他处理") may sit between the label's lines.
    if (before < 0 && cells.length === 1 && text.length <= 4) continue;
    break;
  }
  if (before < 0) return;
  const opening = tokens(lines[before] as string);
  const open = opening[opening.length - 1] as Token;
  let closing = '';
  for (let k = i + 1; k <= Math.min(lines.length - 1, i + 2); k++) {
    const text = (lines[k] as string).trim();
    if (text.length === 0) continue;
    if (
      text.length >= 3 &&
      text.length <= 20 &&
      !ROW_MARKER.test(text) &&
      !/\d/.test(text) &&
      tokens(lines[k] as string).length === 1
    ) {
      closing = text;
      lines[k] = '';
    }
    break;
  }
  const rest = (lines[before] as string).slice(0, open.start).trimEnd();
  lines[before] = rest;
  lines[i] = `${row[1]}${open.text}${label}${closing}  ${row[3]}`;
}
