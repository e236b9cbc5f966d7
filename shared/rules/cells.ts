/**
 * Reading table 三 fast. Rules visit every cell of every report; a column id in a variable makes each
 * `cells[column]` a megamorphic keyed load, so rows are read here with named loads, once.
 */
import type { ApplicationRow, Cell } from '../report/model.ts';

/** The cells of one row of table 三 into `out`, in APPLICANT_COLUMNS order (自然人 … 其他, 总计). */
export function readApplicantRow(cells: ApplicationRow, out: (Cell | undefined)[]): void {
  out[0] = cells.natural;
  out[1] = cells.business;
  out[2] = cells.research;
  out[3] = cells.nonprofit;
  out[4] = cells.legal;
  out[5] = cells.other;
  out[6] = cells.total;
}

/** A cell's value for sums: NaN when the cell is missing or unknown, so one check covers a whole sum. */
export function valueOrNaN(cell: Cell | undefined): number {
  return cell === undefined || cell.value === null ? Number.NaN : cell.value;
}

/** A scratch row for readApplicantRow (one per caller: never shared across nested loops). */
export function applicantScratch(): (Cell | undefined)[] {
  return [undefined, undefined, undefined, undefined, undefined, undefined, undefined];
}
