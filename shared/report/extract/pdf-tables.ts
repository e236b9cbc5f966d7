/**
 * Tables of a PDF page by geometry: the ruling lines give the cell grid (a missing rule between two grid
 * cells merges them: rowspan/colspan), every text item goes to the cell its centre lies in, and a cell's
 * items are joined in reading order (a wrapped label or header, "商业企 / 业", reads whole). Text outside
 * every table is returned as it is, for line rebuilding. Whitespace-only items never place text anywhere.
 */
import { normalizeText } from '../normalize.ts';
import { fillCell, type SlotGrid } from './grid.ts';
import type { HorizontalRule, PageRules, VerticalRule } from './pdf-rules.ts';

/** A text item in page space: baseline start (x, y), advance width and font size, in points. */
export interface PdfTextItem {
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

/** A table found on a page: its column boundaries (left to right), its extent and its grid. */
export interface PdfTable {
  top: number;
  bottom: number;
  /** x of every column boundary, ascending (columns + 1 values). */
  columns: number[];
  grid: SlotGrid;
}

export interface PageLayout {
  tables: PdfTable[];
  /** Items outside every table, for line rebuilding. */
  loose: PdfTextItem[];
}

/** Rules closer than this (points) are one rule (double borders, Chromium's cell spacing, line caps). */
const SNAP = 2.5;
/** Thinner columns or rows (points) hold no text: slivers between a table's border and its cells'. */
const MIN_CELL = 4;
const MAX_ROWS = 400;
/** Tables kept per page at most (each text item is tested against each). */
const MAX_FRAMES = 40;
const MAX_COLS = 64;
/** Items kept per cell at most (a hostile PDF may stack thousands in one place). */
const MAX_ITEMS_PER_CELL = 400;

/** Splits a page's text into the tables its rules draw and the rest. */
export function layoutPage(items: readonly PdfTextItem[], rules: PageRules): PageLayout {
  const frames = findFrames(mergeHorizontal(rules.horizontal), mergeVertical(rules.vertical));
  if (frames.length === 0) return { tables: [], loose: items.slice() };
  const loose: PdfTextItem[] = [];
  const buckets = frames.map(() => new Map<number, PdfTextItem[]>());
  for (const item of items) {
    const frameIndex = frames.findIndex((frame) => inside(frame, centreX(item), centreY(item)));
    if (frameIndex < 0) {
      loose.push(item);
      continue;
    }
    const frame = frames[frameIndex] as Frame;
    for (const piece of splitAcrossColumns(item, frame.xs)) {
      const col = columnOf(frame.xs, centreX(piece));
      const row = rowOf(frame.ys, centreY(piece));
      if (col < 0 || row < 0) continue;
      const root = frame.find(row * frame.cols + col);
      const bucket = buckets[frameIndex] as Map<number, PdfTextItem[]>;
      const list = bucket.get(root);
      if (!list) bucket.set(root, [piece]);
      else if (list.length < MAX_ITEMS_PER_CELL) list.push(piece);
    }
  }
  const tables: PdfTable[] = [];
  frames.forEach((frame, k) => {
    const table = buildGrid(frame, buckets[k] as Map<number, PdfTextItem[]>);
    if (table) tables.push(table);
  });
  return { tables, loose };
}

// ---- Rules to frames ------------------------------------------------------------------------------

function mergeHorizontal(rules: readonly HorizontalRule[]): HorizontalRule[] {
  const sorted = rules.slice().sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const out: HorizontalRule[] = [];
  for (const rule of sorted) {
    // Collinear and touching: one rule (borders are often drawn cell by cell).
    let merged = false;
    for (let k = out.length - 1; k >= 0; k--) {
      const prev = out[k] as HorizontalRule;
      if (rule.y - prev.y > SNAP) break;
      if (rule.x0 <= prev.x1 + SNAP && rule.x1 >= prev.x0 - SNAP) {
        prev.x0 = Math.min(prev.x0, rule.x0);
        prev.x1 = Math.max(prev.x1, rule.x1);
        merged = true;
        break;
      }
    }
    if (!merged) out.push({ ...rule });
  }
  return out;
}

function mergeVertical(rules: readonly VerticalRule[]): VerticalRule[] {
  const sorted = rules.slice().sort((a, b) => a.x - b.x || a.y0 - b.y0);
  const out: VerticalRule[] = [];
  for (const rule of sorted) {
    let merged = false;
    for (let k = out.length - 1; k >= 0; k--) {
      const prev = out[k] as VerticalRule;
      if (rule.x - prev.x > SNAP) break;
      if (rule.y0 <= prev.y1 + SNAP && rule.y1 >= prev.y0 - SNAP) {
        prev.y0 = Math.min(prev.y0, rule.y0);
        prev.y1 = Math.max(prev.y1, rule.y1);
        merged = true;
        break;
      }
    }
    if (!merged) out.push({ ...rule });
  }
  return out;
}

/** A table's skeleton: grid lines, its rules, and a union-find of grid cells merged by missing rules. */
interface Frame {
  xs: number[];
  /** Row boundaries, top first (descending y). */
  ys: number[];
  rows: number;
  cols: number;
  parent: Int32Array;
  find: (cell: number) => number;
}

function findFrames(horizontal: HorizontalRule[], vertical: VerticalRule[]): Frame[] {
  const h = horizontal.length;
  const parent = new Int32Array(h + vertical.length);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[i] !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  for (let i = 0; i < h; i++) {
    const a = horizontal[i] as HorizontalRule;
    for (let j = 0; j < vertical.length; j++) {
      const b = vertical[j] as VerticalRule;
      if (b.x >= a.x0 - SNAP && b.x <= a.x1 + SNAP && a.y >= b.y0 - SNAP && a.y <= b.y1 + SNAP) {
        parent[find(i)] = find(h + j);
      }
    }
  }
  const groups = new Map<number, { hs: HorizontalRule[]; vs: VerticalRule[] }>();
  for (let i = 0; i < parent.length; i++) {
    const root = find(i);
    let group = groups.get(root);
    if (!group) {
      group = { hs: [], vs: [] };
      groups.set(root, group);
    }
    if (i < h) group.hs.push(horizontal[i] as HorizontalRule);
    else group.vs.push(vertical[i - h] as VerticalRule);
  }
  const frames: Frame[] = [];
  for (const { hs, vs } of groups.values()) {
    if (hs.length === 0 || vs.length === 0) continue;
    const frame = frameOf(hs, vs);
    if (frame) frames.push(frame);
    if (frames.length >= MAX_FRAMES) break;
  }
  return frames;
}

function frameOf(hs: HorizontalRule[], vs: VerticalRule[]): Frame | null {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const r of hs) {
    minX = Math.min(minX, r.x0);
    maxX = Math.max(maxX, r.x1);
  }
  for (const r of vs) {
    minY = Math.min(minY, r.y0);
    maxY = Math.max(maxY, r.y1);
  }
  // The outer edges count as boundaries even where a border is not drawn (open-sided tables).
  const xs = dropSlivers(snap([minX, maxX, ...vs.map((r) => r.x)]).filter((x) => x >= minX - SNAP && x <= maxX + SNAP));
  const ys = dropSlivers(
    snap([minY, maxY, ...hs.map((r) => r.y)]).filter((y) => y >= minY - SNAP && y <= maxY + SNAP),
  ).reverse();
  const cols = xs.length - 1;
  const rows = ys.length - 1;
  if (cols < 2 || rows < 1 || cols > MAX_COLS || rows > MAX_ROWS) return null;
  const parent = new Int32Array(rows * cols);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[i] !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    // The top-left cell stays the root: it is where the merged cell's text is emitted.
    if (ra !== rb) {
      if (ra < rb) parent[rb] = ra;
      else parent[ra] = rb;
    }
  };
  for (let r = 0; r < rows; r++) {
    const midY = ((ys[r] as number) + (ys[r + 1] as number)) / 2;
    for (let c = 0; c < cols; c++) {
      const midX = ((xs[c] as number) + (xs[c + 1] as number)) / 2;
      if (c + 1 < cols && !hasVertical(vs, xs[c + 1] as number, midY)) union(r * cols + c, r * cols + c + 1);
      if (r + 1 < rows && !hasHorizontal(hs, ys[r + 1] as number, midX)) union(r * cols + c, (r + 1) * cols + c);
    }
  }
  return { xs, ys, rows, cols, parent, find };
}

/**
 * Drops a boundary that makes a column or row too thin to hold text (a table's outer border drawn apart
 * from its cells' borders, as with HTML cell spacing): the sliver joins its neighbour.
 */
function dropSlivers(sorted: number[]): number[] {
  const out: number[] = [];
  for (const v of sorted) {
    if (out.length > 0 && v - (out[out.length - 1] as number) < MIN_CELL) {
      // Keep the outermost of the two at the table's edges, the first elsewhere.
      if (out.length === 1) continue;
      if (v === sorted[sorted.length - 1]) out[out.length - 1] = v;
      continue;
    }
    out.push(v);
  }
  return out;
}

function hasVertical(vs: readonly VerticalRule[], x: number, y: number): boolean {
  for (const r of vs) if (Math.abs(r.x - x) <= SNAP && r.y0 <= y && r.y1 >= y) return true;
  return false;
}

function hasHorizontal(hs: readonly HorizontalRule[], y: number, x: number): boolean {
  for (const r of hs) if (Math.abs(r.y - y) <= SNAP && r.x0 <= x && r.x1 >= x) return true;
  return false;
}

/** Sorted distinct positions, nearby ones (within SNAP) taken as one (their mean). */
function snap(values: number[]): number[] {
  values.sort((a, b) => a - b);
  const out: number[] = [];
  let sum = 0;
  let count = 0;
  let last = Number.NaN;
  for (const v of values) {
    if (count > 0 && v - last > SNAP) {
      out.push(sum / count);
      sum = 0;
      count = 0;
    }
    sum += v;
    count++;
    last = v;
  }
  if (count > 0) out.push(sum / count);
  return out;
}

function inside(frame: Frame, x: number, y: number): boolean {
  return (
    x >= (frame.xs[0] as number) &&
    x <= (frame.xs[frame.cols] as number) &&
    y <= (frame.ys[0] as number) &&
    y >= (frame.ys[frame.rows] as number)
  );
}

function columnOf(xs: readonly number[], x: number): number {
  for (let c = 0; c + 1 < xs.length; c++) if (x < (xs[c + 1] as number)) return x >= (xs[c] as number) ? c : -1;
  return -1;
}

function rowOf(ys: readonly number[], y: number): number {
  for (let r = 0; r + 1 < ys.length; r++) if (y > (ys[r + 1] as number)) return y <= (ys[r] as number) ? r : -1;
  return -1;
}

function centreX(item: PdfTextItem): number {
  return item.x + item.width / 2;
}

/** The middle of the glyphs, a little above the baseline. */
function centreY(item: PdfTextItem): number {
  return item.y + item.size * 0.35;
}

/**
 * An item whose text runs over a column boundary with spaces in it ("1 0 11" drawn as one run) is cut at
 * its spaces, each word placed by its share of the advance width. Items within one column stay whole.
 */
function splitAcrossColumns(item: PdfTextItem, xs: readonly number[]): PdfTextItem[] {
  if (!/\s/.test(item.str.trim())) return [item];
  const left = item.x + 1;
  const right = item.x + item.width - 1;
  if (!xs.some((x) => x > left && x < right)) return [item];
  const perChar = item.width / Math.max(1, item.str.length);
  const pieces: PdfTextItem[] = [];
  const word = /\S+/g;
  for (let m = word.exec(item.str); m !== null; m = word.exec(item.str)) {
    pieces.push({ str: m[0], x: item.x + m.index * perChar, y: item.y, width: m[0].length * perChar, size: item.size });
  }
  return pieces;
}

// ---- Cells -----------------------------------------------------------------------------------------

function buildGrid(frame: Frame, bucket: Map<number, PdfTextItem[]>): PdfTable | null {
  const { rows, cols } = frame;
  const grid: SlotGrid = [];
  for (let r = 0; r < rows; r++) grid.push([]);
  const seen = new Set<number>();
  for (let cell = 0; cell < rows * cols; cell++) {
    const root = frame.find(cell);
    if (seen.has(root)) continue;
    seen.add(root);
    // The merged cell's extent: the bounding box of its grid cells (scanned from its top-left root).
    const r0 = Math.floor(root / cols);
    const c0 = root % cols;
    let r1 = r0;
    let c1 = c0;
    for (let r = r0; r < rows; r++) {
      let any = false;
      for (let c = c0; c < cols; c++) {
        if (frame.find(r * cols + c) === root) {
          any = true;
          if (c > c1) c1 = c;
        }
      }
      if (!any) break;
      r1 = r;
    }
    fillCell(grid, r0, c0, r1 - r0 + 1, c1 - c0 + 1, cellText(bucket.get(root) ?? []));
  }
  // Rows with no text of their own (a rule drawn through a merged cell) are layout, not table rows.
  const kept = grid.filter((row) => row.some((slot) => slot?.origin && slot.text.length > 0));
  if (kept.length === 0) return null;
  return { top: frame.ys[0] as number, bottom: frame.ys[rows] as number, columns: frame.xs, grid: kept };
}

/**
 * A cell's text: its items grouped into lines (top to bottom), each line left to right. Wrapped lines are
 * joined without a space (Chinese), except between two Latin letters or digits.
 */
export function cellText(items: readonly PdfTextItem[]): string {
  const visible = items.filter((item) => item.str.trim().length > 0);
  if (visible.length === 0) return '';
  const lines = groupLines(visible);
  let out = '';
  for (const line of lines) out = joinWrapped(out, joinWords(line));
  return normalizeText(out).replace(/\s+/g, ' ').trim();
}

/** Appends the next line of a wrapped cell: no space in Chinese, a space between two Latin words or numbers. */
export function joinWrapped(text: string, next: string): string {
  if (text.length === 0) return next;
  if (next.length === 0) return text;
  const space = isWordChar(text.charCodeAt(text.length - 1)) && isWordChar(next.charCodeAt(0));
  return space ? `${text} ${next}` : text + next;
}

/** Items on one baseline (within about half a font size) form a line; lines top to bottom. */
export function groupLines<T extends PdfTextItem>(items: readonly T[]): T[][] {
  const sorted = items.slice().sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: T[][] = [];
  let current: T[] = [];
  let lineY = Number.NaN;
  let lineSize = 0;
  for (const item of sorted) {
    if (current.length > 0 && Math.abs(item.y - lineY) <= Math.max(lineSize, item.size) * 0.45) {
      current.push(item);
      continue;
    }
    if (current.length > 0) lines.push(current);
    current = [item];
    lineY = item.y;
    lineSize = item.size;
  }
  if (current.length > 0) lines.push(current);
  for (const line of lines) line.sort((a, b) => a.x - b.x);
  return lines;
}

/** Joins the items of one line inside a cell: touching runs are one word, a visible gap is a space. */
function joinWords(line: readonly PdfTextItem[]): string {
  let out = '';
  let right = Number.NaN;
  for (const item of line) {
    const str = item.str.trim();
    if (out.length > 0 && item.x - right > item.size * 0.25) out += ' ';
    out += str;
    right = Number.isNaN(right) ? item.x + item.width : Math.max(right, item.x + item.width);
  }
  return out;
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
