/**
 * One table row as the section readers see it, whatever the input: label cells and value cells,
 * each value with its provenance. Text lines are split on tabs (or on wide spaces when the extractor
 * lost the tabs); HTML/DOCX rows arrive as grid cells with their table/row/column.
 */
import type { Cell, Provenance } from './model.ts';
import { type CellReading, readCell, smallNumberReading } from './normalize.ts';

export interface GridCellRef {
  table: number;
  row: number;
  col: number;
}

/** A row of an HTML/DOCX table after rowspan/colspan are resolved. */
export interface GridLine {
  /** Cells in column order: origin cells, plus copies of row-spanning label cells. */
  cells: string[];
  refs: GridCellRef[];
  /** True for a copy of a cell spanning down from an earlier row. */
  spanned: boolean[];
  /**
   * The row belongs to a ragged table (a column holds labels in some rows and values in others, as
   * when extracted text is pasted into a table): grid positions name no column there, so the row is
   * read by the text rule (empty cells outside the run of written values are layout).
   */
  ragged?: boolean;
}

/** The document as lines; table rows of HTML/DOCX input carry their grid cells. */
export interface LineSource {
  lines: string[];
  /** The lines joined with '\n', when the caller already has it (saves a join). */
  text?: string;
  grid?: Map<number, GridLine>;
}

/**
 * A value as read: already in the model's Cell shape (`blank` only when true), so placing it in a table
 * needs no copy. Tokens are never mutated after creation.
 */
export type ValueToken = Cell;

function token(reading: CellReading, at: Provenance): ValueToken {
  if (reading.blank) return { value: null, blank: true, at };
  return reading.implausible ? { value: null, implausible: true, at } : { value: reading.value, at };
}

export interface TableRow {
  /** Non-numeric cells (labels), trimmed. */
  labels: string[];
  values: ValueToken[];
  /** 1-based line of the row in the extracted text. */
  line: number;
}

const NO_LABELS: string[] = [];

/** True when the row holds at least one written value (a number or a placeholder), not just empty cells. */
export function hasData(row: TableRow): boolean {
  for (const v of row.values) if (!v.blank || v.at.raw.length > 0) return true;
  return false;
}

/** Splits a tab-separated text line. Empty cells between two values are blank values; outer ones are layout. */
export function rowFromTabs(raw: string, line: number): TableRow {
  // Hot path (every table row of every report): scan the tabs once, no split, no per-cell arrays.
  let spaceBeforeDigit = false;
  let count = 0;
  let first = -1;
  let last = -1;
  const length = raw.length;
  let start = 0;
  for (;;) {
    // A char scan: cheaper than an indexOf call per cell on these short lines.
    let end = start;
    for (; end < length; end++) {
      const code = raw.charCodeAt(end);
      if (code === 9) break;
      if (code === 32 && !spaceBeforeDigit) {
        const next = raw.charCodeAt(end + 1);
        spaceBeforeDigit = next >= 48 && next <= 57;
      }
    }
    let a = start;
    let b = end;
    while (a < b && raw.charCodeAt(a) <= 32) a++;
    while (b > a && raw.charCodeAt(b - 1) <= 32) b--;
    // Most cells are small whole numbers ("0", "12"): read in place, their text shared, instead of a new
    // string per cell that readCell then reads again.
    const small = smallNumberAt(raw, a, b);
    const cell = small >= 0 ? (SMALL_NUMBER_TEXTS[small] as string) : a === b ? '' : raw.slice(a, b);
    const reading = small >= 0 ? smallNumberReading(small) : cell.length === 0 ? null : readCell(cell);
    if (count < scratchCells.length) {
      scratchCells[count] = cell;
      scratchReadings[count] = reading;
    } else {
      scratchCells.push(cell);
      scratchReadings.push(reading);
    }
    if (reading !== null) {
      if (first < 0) first = count;
      last = count;
    }
    count++;
    if (end >= length) break;
    start = end + 1;
  }
  // Seen in the same scan: a space before a digit, as when PDF extraction ran cells together.
  if (spaceBeforeDigit) {
    const peeled = peeledRow(raw, line);
    if (peeled) return peeled;
  }
  return assemble(scratchCells, scratchReadings, count, first, last, line);
}

function rowFromCells(cells: string[], line: number): TableRow {
  const readings: (CellReading | null)[] = [];
  let first = -1;
  let last = -1;
  for (let i = 0; i < cells.length; i++) {
    const cell = (cells[i] as string).trim();
    cells[i] = cell;
    const reading = cell.length === 0 ? null : readCell(cell);
    readings.push(reading);
    if (reading !== null) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return assemble(cells, readings, cells.length, first, last, line);
}

function assemble(
  cells: readonly string[],
  readings: readonly (CellReading | null)[],
  count: number,
  first: number,
  last: number,
  line: number,
  refs?: readonly GridCellRef[],
): TableRow {
  // Grown by push(): a presized new Array(n) is holey, and a holey array cost more in every reader of
  // row.values than the slots push() reserves (callgrind: 11 % fewer instructions in rowFromTabs).
  let labels: string[] = NO_LABELS;
  const values: ValueToken[] = [];
  for (let i = 0; i < count; i++) {
    const cell = cells[i] as string;
    const reading = readings[i] ?? null;
    if (reading !== null) {
      values.push(token(reading, refs ? gridAt(refs, i, line, cell) : { line, raw: cell }));
    } else if (cell.length === 0) {
      if (i > first && i < last)
        values.push({ value: null, blank: true, at: refs ? gridAt(refs, i, line, '') : { line, raw: '' } });
    } else if (i > first && i < last && cell.length <= 12) {
      // Damaged cell inside the value run ("O", "l2"): unknown, never guessed.
      values.push({ value: null, at: refs ? gridAt(refs, i, line, cell) : { line, raw: cell } });
    } else {
      if (labels === NO_LABELS) labels = [];
      labels.push(cell);
    }
  }
  return { labels, values, line };
}

function gridAt(refs: readonly GridCellRef[], i: number, line: number, raw: string): Provenance {
  const ref = refs[i] as GridCellRef;
  return { table: ref.table, row: ref.row, col: ref.col, line, raw };
}

/** Reused between calls: parsing is synchronous, so one scratch buffer is enough. */
const scratchCells: string[] = [];
const scratchReadings: (CellReading | null)[] = [];

/** Texts of the numbers smallNumberAt reads, made once: "0" … "999". */
const SMALL_NUMBER_TEXTS: readonly string[] = Array.from({ length: 1000 }, (_, value) => String(value));

/**
 * The value of raw[a, b) when it is a whole number of 1–3 ASCII digits written as String(value) would
 * write it (no leading zero), else -1: then its text equals SMALL_NUMBER_TEXTS[value].
 */
function smallNumberAt(raw: string, a: number, b: number): number {
  const length = b - a;
  if (length < 1 || length > 3) return -1;
  let value = 0;
  for (let i = a; i < b; i++) {
    const digit = raw.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9 || (digit === 0 && i === a && length > 1)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * PDF extraction often runs neighbouring cells together with single spaces ("4.保护第三方合法权益 3 0 0"):
 * the row with those numbers peeled off into cells of their own, or null when no cell ends in one.
 */
function peeledRow(raw: string, line: number): TableRow | null {
  const parts = raw.split('\t');
  if (!parts.some((p) => p.indexOf(' ') >= 0 && endsWithNumber(p))) return null;
  return rowFromCells(
    parts.flatMap((p) => (p.indexOf(' ') >= 0 && endsWithNumber(p) ? peelNumbers(p.trim()) : [p])),
    line,
  );
}

function endsWithNumber(cell: string): boolean {
  const trimmed = cell.trimEnd();
  const space = trimmed.lastIndexOf(' ');
  return space >= 0 && readCell(trimmed.slice(space + 1)) !== null;
}

/** "label 1 2 3" → ["label", "1", "2", "3"]; a cell of numbers only → the numbers. */
function peelNumbers(cell: string): string[] {
  const words = cell.split(' ');
  let cut = words.length;
  while (cut > 0) {
    const word = words[cut - 1] as string;
    if (word.length === 0 || readCell(word) === null) break;
    cut--;
  }
  const out = cut > 0 ? [words.slice(0, cut).join(' ')] : [];
  for (let k = cut; k < words.length; k++) if ((words[k] as string).length > 0) out.push(words[k] as string);
  return out;
}

const WIDE_GAP = / {2,}|\u3000+/;

/**
 * Splits a text line without tabs (an extractor that kept spaces): cells on runs of 2+ spaces, then
 * trailing space-separated numbers peeled off the last label ("规章 0 0 0").
 */
export function rowFromLooseText(trimmed: string, line: number): TableRow {
  const cells = trimmed.length > 400 ? [trimmed] : trimmed.split(WIDE_GAP);
  const labels: string[] = [];
  const values: ValueToken[] = [];
  for (const cell of cells) {
    if (cell.length === 0) continue;
    const whole = readCell(cell);
    if (whole !== null) {
      values.push(token(whole, { line, raw: cell }));
      continue;
    }
    if (cell.indexOf(' ') < 0 || values.length > 0) {
      if (values.length === 0) labels.push(cell);
      continue;
    }
    const words = cell.split(' ');
    let cut = words.length;
    while (cut > 0) {
      const word = words[cut - 1] as string;
      if (word.length === 0 || readCell(word) === null) break;
      cut--;
    }
    if (cut > 0) labels.push(words.slice(0, cut).join(' '));
    for (let k = cut; k < words.length; k++) {
      const word = words[k] as string;
      const r = readCell(word) as CellReading;
      values.push(token(r, { line, raw: word }));
    }
  }
  return { labels, values, line };
}

/**
 * Reads a grid row: every origin cell after the first label is a slot (empty means blank), copies of
 * row-spanning cells only contribute their labels.
 */
export function rowFromGrid(grid: GridLine, line: number): TableRow {
  if (grid.ragged) return raggedRowFromGrid(grid, line);
  const labels: string[] = [];
  const values: ValueToken[] = [];
  // In a row with a label, empty cells before it are layout; in a value-only row every cell counts.
  let seenContent = !grid.cells.some((cell, i) => !grid.spanned[i] && cell.length > 0 && readCell(cell) === null);
  for (let i = 0; i < grid.cells.length; i++) {
    const cell = grid.cells[i] as string;
    const ref = grid.refs[i] as GridCellRef;
    const reading = readCell(cell);
    if (grid.spanned[i]) {
      if (reading === null && cell.length > 0) labels.push(cell);
      continue;
    }
    if (reading === null) {
      labels.push(cell);
      seenContent = true;
      continue;
    }
    if (cell.length === 0 && !seenContent) continue;
    seenContent = true;
    values.push(token(reading, { table: ref.table, row: ref.row, col: ref.col, line, raw: cell }));
  }
  return { labels, values, line };
}

/**
 * A row of a ragged table, read as a text row is (one rule for both, so a row that lost a column in
 * extraction reaches the section reader short, where header analysis and arithmetic place it), with
 * grid provenance kept. Copies of row-spanning cells only contribute their labels.
 */
function raggedRowFromGrid(grid: GridLine, line: number): TableRow {
  const cells: string[] = [];
  const readings: (CellReading | null)[] = [];
  const refs: GridCellRef[] = [];
  let first = -1;
  let last = -1;
  for (let i = 0; i < grid.cells.length; i++) {
    const cell = grid.cells[i] as string;
    const reading = cell.length === 0 ? null : readCell(cell);
    if (grid.spanned[i] && (cell.length === 0 || reading !== null)) continue;
    if (reading !== null) {
      if (first < 0) first = cells.length;
      last = cells.length;
    }
    cells.push(cell);
    readings.push(reading);
    refs.push(grid.refs[i] as GridCellRef);
  }
  return assemble(cells, readings, cells.length, first, last, line, refs);
}
