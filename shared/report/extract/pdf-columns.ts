/**
 * Tables drawn without rules: the columns come from positions. In a run of lines holding numbers, the
 * numbers' horizontal centres cluster into columns, and header labels just above the run add columns where
 * no row has a number (a column left blank everywhere); each number goes to its column and a column without
 * one in a row is a blank cell (unknown), never a shifted neighbour. Rows come out as grid rows: one label
 * cell, then one cell per column.
 */
import { readCell } from '../normalize.ts';
import type { Slot } from './grid.ts';
import type { PdfTextItem } from './pdf-tables.ts';

/** A line left as text, or a row of a ruleless table (`region` numbers the table, `index` is its row). */
export type AlignedLine =
  | { items: PdfTextItem[]; row?: undefined }
  | { items: PdfTextItem[]; row: Slot[]; region: number; index: number };

/** Text lines allowed between two numeric rows of one table (wrapped labels). */
const MAX_GAP_LINES = 3;
/** Header lines looked at above a table. */
const HEADER_LINES = 3;
// One numeric line is enough when it is a clean row (label, then values only); header labels place its blanks.
const MIN_ROWS = 1;
const MIN_COLUMNS = 2;
const MAX_COLUMNS = 32;

function isValue(item: PdfTextItem): boolean {
  const text = item.str.trim();
  return text.length > 0 && readCell(text) !== null;
}

function centre(item: PdfTextItem): number {
  return item.x + item.width / 2;
}

/**
 * Aligns the ruleless tables among `lines` (items per line, top to bottom, each line left to right).
 * `join` renders a label's items as text. Lines outside such tables are returned unchanged.
 */
export function alignRulelessTables(
  lines: readonly PdfTextItem[][],
  join: (items: readonly PdfTextItem[]) => string,
): AlignedLine[] {
  const out: AlignedLine[] = lines.map((items) => ({ items }));
  let region = 0;
  let i = 0;
  while (i < lines.length) {
    if (countValues(lines[i] as PdfTextItem[]) < 2) {
      i++;
      continue;
    }
    // A run of numeric lines, with at most MAX_GAP_LINES text lines between two of them.
    const numeric: number[] = [i];
    let j = i + 1;
    let gap = 0;
    while (j < lines.length && gap <= MAX_GAP_LINES) {
      if (countValues(lines[j] as PdfTextItem[]) >= 2) {
        numeric.push(j);
        gap = 0;
      } else gap++;
      j++;
    }
    const end = (numeric[numeric.length - 1] as number) + 1;
    if (numeric.length >= MIN_ROWS) {
      const columns = columnsOf(lines, numeric, i);
      if (columns) {
        const rows = numeric.map((k) => alignRow(lines[k] as PdfTextItem[], columns, join));
        if (rows.every((row) => row !== null)) {
          numeric.forEach((k, index) => {
            out[k] = { items: lines[k] as PdfTextItem[], row: rows[index] as Slot[], region, index };
          });
          region++;
        }
      }
    }
    i = end;
  }
  return out;
}

function countValues(items: readonly PdfTextItem[]): number {
  let n = 0;
  for (const item of items) if (isValue(item)) n++;
  return n;
}

/** Column centres of a run: clusters of the numbers' centres, plus header labels over no cluster. */
function columnsOf(lines: readonly PdfTextItem[][], numeric: readonly number[], first: number): number[] | null {
  const centres: number[] = [];
  let size = 0;
  for (const k of numeric) {
    for (const item of lines[k] as PdfTextItem[]) {
      if (!isValue(item)) continue;
      centres.push(centre(item));
      size = Math.max(size, item.size);
    }
  }
  const tolerance = size * 1.5;
  centres.sort((a, b) => a - b);
  const columns: number[] = [];
  let sum = 0;
  let count = 0;
  let last = Number.NaN;
  for (const c of centres) {
    if (count > 0 && c - last > tolerance) {
      columns.push(sum / count);
      sum = 0;
      count = 0;
    }
    sum += c;
    count++;
    last = c;
  }
  if (count > 0) columns.push(sum / count);
  const left = (columns[0] ?? 0) - tolerance;
  // Header labels above the run: a label over no column (and not spanning several) is a column of blanks.
  for (let k = first - 1; k >= 0 && k >= first - HEADER_LINES; k--) {
    const items = lines[k] as PdfTextItem[];
    if (countValues(items) > 0) break;
    for (const item of items) {
      const c = centre(item);
      if (c < left) continue;
      const covered = columns.filter((x) => x >= item.x - tolerance / 2 && x <= item.x + item.width + tolerance / 2);
      if (covered.length === 0 && !columns.some((x) => Math.abs(x - c) <= tolerance)) columns.push(c);
    }
  }
  columns.sort((a, b) => a - b);
  if (columns.length < MIN_COLUMNS || columns.length > MAX_COLUMNS) return null;
  return columns;
}

/** One row: the label (items left of the first column) and a cell per column; null when two values collide. */
function alignRow(
  items: readonly PdfTextItem[],
  columns: readonly number[],
  join: (items: readonly PdfTextItem[]) => string,
): Slot[] | null {
  const half = columns.length > 1 ? Math.min(...columns.slice(1).map((x, k) => x - (columns[k] as number))) / 2 : 0;
  const labelItems: PdfTextItem[] = [];
  const cells: string[] = columns.map(() => '');
  for (const item of items) {
    const c = centre(item);
    if (!isValue(item)) {
      if (c < (columns[0] as number) - half) labelItems.push(item);
      else return null;
      continue;
    }
    let best = -1;
    let distance = Infinity;
    columns.forEach((x, k) => {
      const d = Math.abs(x - c);
      if (d < distance) {
        distance = d;
        best = k;
      }
    });
    if (best < 0 || distance > half || (cells[best] as string).length > 0) return null;
    cells[best] = item.str.trim();
  }
  const label = join(labelItems).replace(/\t+/g, ' ').trim();
  // No label on this line (it wrapped onto the line above): the values alone, none of them a label slot.
  return (label.length > 0 ? [label, ...cells] : cells).map((text) => ({ text, origin: true, vertical: false }));
}
