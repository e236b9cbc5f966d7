/**
 * Section 四: 行政复议 and 行政诉讼 (未经复议直接起诉, 复议后起诉), 5 values each. The template prints the
 * 15 values as one row under a three-level header; some reports print one row per group instead.
 */
import {
  type Cell,
  type ParseNote,
  REVIEW_COLUMN_LABELS,
  REVIEW_COLUMNS,
  REVIEW_GROUP_LABELS,
  REVIEW_GROUPS,
  type ReviewGroupId,
  type ReviewTable,
} from '../model.ts';
import { foldLabel } from '../normalize.ts';
import { hasData, type TableRow, type ValueToken } from '../rows.ts';

const VALUE_COUNT = REVIEW_GROUPS.length * REVIEW_COLUMNS.length;
const GROUP_WIDTH = REVIEW_COLUMNS.length;

/** Reads table 四. `feed` returns true when the row belonged to it. */
export class ReviewsReader {
  table: ReviewTable | null = null;
  readonly notes: ParseNote[] = [];
  private readonly flat: ValueToken[] = [];
  private readonly byGroup: Partial<Record<ReviewGroupId, ValueToken[]>> = {};
  private headerSeen = false;

  feed(row: TableRow): boolean {
    if (!hasData(row)) {
      const header = row.labels.some((l) => {
        const f = foldLabel(l);
        return f.includes('行政复议') || f.includes('行政诉讼') || f.includes('维持') || f.includes('审结');
      });
      if (header) this.headerSeen = true;
      return header;
    }
    const group = row.labels.length > 0 ? matchGroup(row.labels) : null;
    if (group) {
      if (!this.byGroup[group]) this.byGroup[group] = row.values.slice(0, GROUP_WIDTH);
      return true;
    }
    // Prose with a number in it is not part of the table.
    if (row.labels.length > 0 && !this.headerSeen) return false;
    if (row.labels.some((l) => l.length > 20)) return false;
    for (const v of row.values) if (this.flat.length < VALUE_COUNT + 1) this.flat.push(v);
    return true;
  }

  finish(): void {
    // Every group from the start, in the template's order: one shape for every report's table.
    const table: ReviewTable = {
      review: undefined,
      litigationDirect: undefined,
      litigationAfterReview: undefined,
    } satisfies Record<ReviewGroupId, undefined>;
    let any = false;
    const groups = Object.keys(this.byGroup) as ReviewGroupId[];
    if (groups.length > 0) {
      for (const group of groups) {
        const values = this.byGroup[group] as ValueToken[];
        table[group] = toGroup(values);
        any = true;
        if (values.length < GROUP_WIDTH) {
          this.notes.push({
            kind: 'column-missing',
            section: '四',
            row: REVIEW_GROUP_LABELS[group],
            detail: `该组读到 ${values.length} 个数值（应为 ${GROUP_WIDTH} 个）`,
          });
        }
      }
    } else if (this.flat.length > 0) {
      any = true;
      this.readFlat(table);
    }
    this.table = any ? table : null;
  }

  private readFlat(table: ReviewTable): void {
    let values = this.flat;
    if (values.length > VALUE_COUNT) {
      this.notes.push({
        kind: 'extraction-damage',
        section: '四',
        detail: `读到 ${values.length} 个以上数值（应为 ${VALUE_COUNT} 个），仅采用前 ${VALUE_COUNT} 个`,
      });
      values = values.slice(0, VALUE_COUNT);
    }
    if (values.length === VALUE_COUNT) {
      REVIEW_GROUPS.forEach((group, g) => {
        table[group] = toGroup(values.slice(g * GROUP_WIDTH, (g + 1) * GROUP_WIDTH));
      });
      return;
    }
    const line = values[0]?.at.line;
    this.notes.push({
      kind: 'column-missing',
      section: '四',
      detail: `读到 ${values.length} 个数值（应为 ${VALUE_COUNT} 个），缺失的列无法直接确定`,
      ...(line !== undefined ? { at: { line, raw: '' } } : {}),
    });
    const solved = values.length === VALUE_COUNT - 1 ? solveOneMissing(values) : null;
    if (solved) {
      const { position, value } = solved;
      const full: (ValueToken | null)[] = [...values.slice(0, position), null, ...values.slice(position)];
      REVIEW_GROUPS.forEach((group, g) => {
        const cells: Partial<Record<(typeof REVIEW_COLUMNS)[number], Cell>> = {};
        REVIEW_COLUMNS.forEach((col, c) => {
          const token = full[g * GROUP_WIDTH + c];
          cells[col] = token ? toCell(token) : { value, inferred: true, at: { line, raw: '' } };
        });
        table[group] = cells;
      });
      const group = REVIEW_GROUPS[Math.floor(position / GROUP_WIDTH)] as ReviewGroupId;
      const col = REVIEW_COLUMNS[position % GROUP_WIDTH] as (typeof REVIEW_COLUMNS)[number];
      this.notes.push({
        kind: 'value-inferred',
        section: '四',
        row: REVIEW_GROUP_LABELS[group],
        column: REVIEW_COLUMN_LABELS[col],
        detail: `只有一种缺列位置能使三组合计都成立，据此推定为 ${value}`,
      });
      return;
    }
    // Positions unknown: every cell stays unknown rather than shifted.
    for (const group of REVIEW_GROUPS) {
      const cells: Partial<Record<(typeof REVIEW_COLUMNS)[number], Cell>> = {};
      for (const col of REVIEW_COLUMNS) cells[col] = { value: null, at: { line, raw: '' } };
      table[group] = cells;
    }
  }
}

function matchGroup(labels: readonly string[]): ReviewGroupId | null {
  const text = labels.map(foldLabel).join('');
  if (text.includes('复议后起诉')) return 'litigationAfterReview';
  if (text.includes('未经复议') || text.includes('直接起诉')) return 'litigationDirect';
  if (text === '行政复议' || (text.includes('行政复议') && !text.includes('诉讼'))) return 'review';
  return null;
}

function toGroup(values: readonly ValueToken[]): Partial<Record<(typeof REVIEW_COLUMNS)[number], Cell>> {
  const cells: Partial<Record<(typeof REVIEW_COLUMNS)[number], Cell>> = {};
  REVIEW_COLUMNS.forEach((col, i) => {
    const token = values[i];
    if (token) cells[col] = toCell(token);
  });
  return cells;
}

/** Tokens already have the Cell shape and are never mutated: placed as they are. */
function toCell(token: ValueToken): Cell {
  return token;
}

/**
 * With one of 15 values lost, tries every position; succeeds only when all consistent placements
 * give the same 15 numbers (each group: 维持 + 纠正 + 其他 + 尚未审结 = 总计, values ≥ 0).
 */
function solveOneMissing(values: readonly ValueToken[]): { position: number; value: number } | null {
  if (values.some((v) => v.value === null)) return null;
  const nums = values.map((v) => v.value as number);
  let solution: { position: number; value: number; vector: string } | null = null;
  for (let p = 0; p < VALUE_COUNT; p++) {
    const full = [...nums.slice(0, p), Number.NaN, ...nums.slice(p)];
    const g = Math.floor(p / GROUP_WIDTH);
    const base = g * GROUP_WIDTH;
    const c = p - base;
    if (c === GROUP_WIDTH - 1) {
      full[p] = sum(full.slice(base, base + 4));
    } else {
      const parts = full.slice(base, base + 4).filter((_, i) => i !== c);
      const v = (full[base + 4] as number) - sum(parts);
      if (v < 0) continue;
      full[p] = v;
    }
    let consistent = true;
    for (let k = 0; k < REVIEW_GROUPS.length && consistent; k++) {
      if (sum(full.slice(k * GROUP_WIDTH, k * GROUP_WIDTH + 4)) !== full[k * GROUP_WIDTH + 4]) consistent = false;
    }
    if (!consistent) continue;
    const vector = full.join(',');
    if (solution && solution.vector !== vector) return null;
    if (!solution) solution = { position: p, value: full[p] as number, vector };
  }
  return solution ? { position: solution.position, value: solution.value } : null;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
