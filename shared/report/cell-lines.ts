/**
 * Web pages saved as text with one table cell per line (as crawlers store government pages): every cell is
 * preceded by two empty lines, a new row by two more, and an empty cell is an empty value line (three
 * empty lines). Rebuilt into grid rows, so blank cells keep their column, like an HTML table's.
 *
 * Between two non-empty lines inside a table, k empty lines mean: k = 0 the same cell goes on (a wrapped
 * "商业 / 企业"), k = 2 + 3b the next cell after b blank cells, k = 4 + 3b a new row and b blank cells
 * (closing the previous row, or opening the new one when it starts with a value). A table starts at a run of 4 or more empty lines after prose, and ends at a
 * section heading. Line numbers are kept: a row sits on the line of its first cell, its other lines empty.
 */

import { readCell } from './normalize.ts';
import type { GridLine, LineSource } from './rows.ts';
import { matchSectionHeading } from './sections.ts';

/** Fewer two-empty-line gaps than this: not the layout (prose with blank lines between paragraphs). */
const MIN_CELL_GAPS = 40;
/** Cells per row and rows per document read at most (bounded work on hostile input). */
const MAX_CELLS_PER_ROW = 64;
const MAX_ROWS = 5_000;

/** True when the text looks like the one-cell-per-line layout (cheap: counts gaps of exactly two empty lines). */
export function isCellPerLine(lines: readonly string[]): boolean {
  // Each gap takes two empty lines and the line after them: shorter texts cannot have enough (most reports).
  if (lines.length < 3 * MIN_CELL_GAPS) return false;
  let gaps = 0;
  let empty = 0;
  for (const line of lines) {
    if (line.trim().length === 0) {
      empty++;
      continue;
    }
    if (empty === 2 || empty === 4) gaps++;
    if (gaps >= MIN_CELL_GAPS) return true;
    empty = 0;
  }
  return false;
}

/** The lines with their table rows as grid lines, or null when the text is not in this layout. */
export function cellPerLineSource(lines: readonly string[]): LineSource | null {
  if (!isCellPerLine(lines)) return null;
  const out = lines.slice();
  const grid = new Map<number, GridLine>();
  let table = -1;
  let inTable = false;
  let rowStart = -1;
  let rowIndex = 0;
  let cells: string[] = [];
  let rows = 0;
  let empty = 0;

  const flush = () => {
    if (rowStart >= 0 && cells.length > 0 && rows < MAX_ROWS) {
      grid.set(rowStart, {
        cells,
        refs: cells.map((_, col) => ({ table, row: rowIndex, col })),
        spanned: cells.map(() => false),
      });
      out[rowStart] = cells.join('\t');
      rows++;
      rowIndex++;
    }
    cells = [];
    rowStart = -1;
  };
  const pushBlanks = (count: number) => {
    for (let i = 0; i < count && cells.length < MAX_CELLS_PER_ROW; i++) cells.push('');
  };

  for (let i = 0; i < lines.length; i++) {
    const trimmed = (lines[i] as string).trim();
    if (trimmed.length === 0) {
      empty++;
      continue;
    }
    const gap = empty;
    empty = 0;
    if (inTable && gap >= 4 && matchSectionHeading(trimmed) !== null) {
      // A section heading after the table's last cell: prose again.
      flush();
      inTable = false;
      continue;
    }
    if (!inTable) {
      if (gap < 4 || matchSectionHeading(trimmed) !== null) continue;
      inTable = true;
      table++;
      rowIndex = 0;
      rowStart = i;
      cells = [trimmed];
      out[i] = '';
      continue;
    }
    out[i] = '';
    if (gap === 0) {
      // A cell wrapped over lines ("商业" / "企业").
      if (cells.length > 0) cells[cells.length - 1] += trimmed;
      else cells.push(trimmed);
      continue;
    }
    if (gap % 3 === 1) {
      // b blank cells at a row boundary: they close the previous row when a label opens the next one, and
      // open the next row when it starts with a value (a row of values only, as table 四's).
      const blanks = (gap - 4) / 3;
      const opensWithValue = readCell(trimmed) !== null;
      if (!opensWithValue) pushBlanks(blanks);
      flush();
      rowStart = i;
      cells = [];
      if (opensWithValue) pushBlanks(blanks);
      cells.push(trimmed);
      continue;
    }
    pushBlanks(Math.floor((gap - 2) / 3));
    if (cells.length < MAX_CELLS_PER_ROW) cells.push(trimmed);
  }
  if (inTable) {
    pushBlanks(Math.max(0, Math.floor((empty - 2) / 3)));
    flush();
  }
  return { lines: out, grid };
}
