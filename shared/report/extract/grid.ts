/**
 * The one table reader behind HTML, DOCX and PDF input: a grid of slots (rowspan/colspan resolved) becomes
 * one line per row with its grid cells. HTML places cells by markup order; PDF places them by geometry
 * (ruling lines); both fill the same grid and emit rows the same way, so the section readers see one shape.
 */
import { readCell } from '../normalize.ts';
import type { GridCellRef, GridLine } from '../rows.ts';

/** One position of the grid: the cell covering it, and whether it is that cell's top-left corner. */
export interface Slot {
  text: string;
  origin: boolean;
  /** Copy of a cell spanning down from a row above (same column as its origin). */
  vertical: boolean;
}

export type SlotGrid = (Slot | undefined)[][];

/** Where the rows go: lines of the document and the grid cells of the lines that are table rows. */
export interface GridSink {
  lines: string[];
  grid: Map<number, GridLine>;
}

/**
 * Covers `rowSpan × colSpan` positions from (row, col) with one cell's text. Positions already covered
 * (an earlier cell's span) are kept: the first cell wins, as browsers lay tables out.
 */
export function fillCell(
  grid: SlotGrid,
  row: number,
  col: number,
  rowSpan: number,
  colSpan: number,
  text: string,
): void {
  for (let dr = 0; dr < rowSpan; dr++) {
    const target = grid[row + dr];
    if (!target) break;
    for (let dc = 0; dc < colSpan; dc++) {
      if (target[col + dc] !== undefined) continue;
      target[col + dc] = { text, origin: dr === 0 && dc === 0, vertical: dr > 0 && dc === 0 };
    }
  }
}

/** Emits one line per non-empty grid row into `sink`, with table/row/column provenance. */
export function emitTable(grid: SlotGrid, tableIndex: number, sink: GridSink, rowOffset = 0): void {
  const ragged = isRagged(grid);
  for (let r = 0; r < grid.length; r++) {
    const gridRow = grid[r] as (Slot | undefined)[];
    const cells: string[] = [];
    const refs: GridCellRef[] = [];
    const spanned: boolean[] = [];
    const texts: string[] = [];
    for (let c = 0; c < gridRow.length; c++) {
      const slot = gridRow[c];
      if (!slot || (!slot.origin && !slot.vertical)) continue;
      cells.push(slot.text);
      refs.push({ table: tableIndex, row: r + rowOffset, col: c });
      spanned.push(!slot.origin);
      if (slot.origin) texts.push(slot.text);
    }
    if (cells.length === 0) continue;
    sink.grid.set(sink.lines.length, ragged ? { cells, refs, spanned, ragged } : { cells, refs, spanned });
    sink.lines.push(texts.join('\t'));
  }
}

/**
 * True when a column holds a label in one data row and a written value in another: the table was typed
 * unaligned (often extracted text pasted into a table), so grid positions do not name columns. In an
 * aligned table an empty cell is a blank value wherever it sits; header rows (labels only) don't count.
 */
export function isRagged(grid: SlotGrid): boolean {
  const labelColumns = new Set<number>();
  const valueColumns = new Set<number>();
  const rowLabels: number[] = [];
  for (const gridRow of grid) {
    rowLabels.length = 0;
    let hasValue = false;
    for (let c = 0; c < gridRow.length; c++) {
      const slot = gridRow[c];
      if (!slot?.origin || slot.text.length === 0) continue;
      if (readCell(slot.text) === null) rowLabels.push(c);
      else {
        hasValue = true;
        valueColumns.add(c);
      }
    }
    if (hasValue) for (const c of rowLabels) labelColumns.add(c);
  }
  for (const c of labelColumns) if (valueColumns.has(c)) return true;
  return false;
}
