/**
 * HTML to lines: block elements become lines, data tables become one line per grid row with rowspan and
 * colspan resolved, so the same line parser reads pages, DOCX (via mammoth) and plain text alike.
 */
import { load } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { ParseNote } from '../model.ts';
import { normalizeText } from '../normalize.ts';
import type { GridLine, LineSource } from '../rows.ts';
import { emitTable, fillCell, type SlotGrid } from './grid.ts';

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'ul',
  'ol',
  'section',
  'article',
  'header',
  'footer',
  'blockquote',
  'dd',
  'dt',
  'dl',
  'center',
  'form',
  'main',
  'nav',
  'aside',
  'figure',
  'figcaption',
  'hr',
  'tr',
  'td',
  'th',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'table',
  'address',
  'body',
  'html',
]);
const SKIP_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'head',
  'template',
  'svg',
  'iframe',
  'object',
  'select',
  'option',
  'button',
  'input',
  'textarea',
  'canvas',
  'video',
  'audio',
]);

const MAX_DEPTH = 300;
const MAX_GRID_ROWS = 2000;
const MAX_GRID_COLS = 64;
const MAX_SPAN = 200;

export interface HtmlLines extends LineSource {
  /** The document's <title>, a fallback for the report title. */
  documentTitle: string | null;
  /** Number of data tables found. */
  tableCount: number;
  notes: ParseNote[];
}

/** Extracts lines and table grids from an HTML document. */
export function htmlToLines(html: string): HtmlLines {
  const $ = load(html, { xml: { xmlMode: false, decodeEntities: true } });
  const state: WalkState = { lines: [], grid: new Map(), current: '', tableCount: 0, truncated: false, title: null };
  const root = $.root()[0];
  if (root) walkChildren(root as unknown as Element, state, 0, false);
  flush(state);
  const notes: ParseNote[] = [];
  if (state.truncated) {
    notes.push({ kind: 'extraction-damage', detail: '网页嵌套过深或表格过大，部分内容未读取' });
  }
  return {
    lines: state.lines,
    grid: state.grid,
    text: state.lines.join('\n'),
    documentTitle: state.title,
    tableCount: state.tableCount,
    notes,
  };
}

interface WalkState {
  lines: string[];
  grid: Map<number, GridLine>;
  current: string;
  tableCount: number;
  truncated: boolean;
  /** Text of the first <title>, found while walking (no selector pass over the DOM). */
  title: string | null;
}

function flush(state: WalkState): void {
  const line = state.current.trim();
  if (line.length > 0) state.lines.push(normalizeText(line));
  state.current = '';
}

function walkChildren(node: Element, state: WalkState, depth: number, pre: boolean): void {
  for (const child of node.children ?? []) walk(child, state, depth + 1, pre);
}

function walk(node: AnyNode, state: WalkState, depth: number, pre: boolean): void {
  if (depth > MAX_DEPTH) {
    state.truncated = true;
    return;
  }
  if (node.type === 'text') {
    const data = (node as unknown as { data: string }).data;
    if (pre) {
      const parts = data.split(/\r\n|\r|\n/);
      parts.forEach((part, i) => {
        if (i > 0) flush(state);
        state.current += part;
      });
    } else {
      state.current += data.replace(/\s+/g, ' ');
    }
    return;
  }
  if (node.type !== 'tag' && node.type !== 'root') return;
  const element = node as Element;
  const name = element.name?.toLowerCase() ?? '';
  if (name === 'title') {
    state.title ??= collapse(cellText(element)) || null;
    return;
  }
  if (name === 'head') {
    for (const child of element.children ?? []) {
      if (child.type === 'tag' && (child as Element).name === 'title') walk(child, state, depth + 1, pre);
    }
    return;
  }
  if (SKIP_TAGS.has(name)) return;
  if (name === 'br') {
    flush(state);
    return;
  }
  if (name === 'table' && !hasNestedTable(element)) {
    flush(state);
    readTable(element, state);
    return;
  }
  const block = BLOCK_TAGS.has(name);
  const isPre = pre || name === 'pre' || name === 'textarea';
  if (block || name === 'pre') flush(state);
  walkChildren(element, state, depth, isPre);
  if (block || name === 'pre') flush(state);
}

function hasNestedTable(table: Element): boolean {
  const stack: AnyNode[] = [...(table.children ?? [])];
  let budget = 20000;
  while (stack.length > 0 && budget-- > 0) {
    const node = stack.pop() as AnyNode;
    if (node.type !== 'tag') continue;
    const el = node as Element;
    if (el.name === 'table') return true;
    for (const c of el.children ?? []) stack.push(c);
  }
  return false;
}

function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of table.children ?? []) {
    if (child.type !== 'tag') continue;
    const el = child as Element;
    if (el.name === 'tr') rows.push(el);
    else if (el.name === 'thead' || el.name === 'tbody' || el.name === 'tfoot') {
      for (const tr of el.children ?? [])
        if (tr.type === 'tag' && (tr as Element).name === 'tr') rows.push(tr as Element);
    }
  }
  return rows;
}

function span(value: string | undefined, max: number): number {
  const n = Number.parseInt(value ?? '1', 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : 1;
}

/** Resolves rowspan/colspan into a grid and emits one line per row. */
function readTable(table: Element, state: WalkState): void {
  const rows = tableRows(table);
  if (rows.length > MAX_GRID_ROWS) state.truncated = true;
  const rowCount = Math.min(rows.length, MAX_GRID_ROWS);
  const grid: SlotGrid = [];
  for (let r = 0; r < rowCount; r++) grid.push([]);
  for (let r = 0; r < rowCount; r++) {
    const tr = rows[r] as Element;
    const gridRow = grid[r] as SlotGrid[number];
    let col = 0;
    for (const child of tr.children ?? []) {
      if (child.type !== 'tag') continue;
      const cell = child as Element;
      if (cell.name !== 'td' && cell.name !== 'th') continue;
      while (col < MAX_GRID_COLS && gridRow[col] !== undefined) col++;
      if (col >= MAX_GRID_COLS) {
        state.truncated = true;
        break;
      }
      const rowSpan = span(cell.attribs?.rowspan, Math.min(MAX_SPAN, rowCount - r));
      const colSpan = span(cell.attribs?.colspan, MAX_GRID_COLS - col);
      fillCell(grid, r, col, rowSpan, colSpan, normalizeText(cellText(cell)));
      col += colSpan;
    }
  }
  emitTable(grid, state.tableCount++, state);
}

/** Text of a cell: line breaks and paragraphs inside it become spaces. */
function cellText(cell: Element): string {
  const parts: string[] = [];
  const stack: AnyNode[] = [cell];
  let budget = 5000;
  while (stack.length > 0 && budget-- > 0) {
    const node = stack.pop() as AnyNode;
    if (node.type === 'text') {
      parts.push((node as unknown as { data: string }).data);
      continue;
    }
    if (node.type !== 'tag') continue;
    const el = node as Element;
    if (SKIP_TAGS.has(el.name)) continue;
    if (el.name === 'br' || el.name === 'p' || el.name === 'div') parts.push(' ');
    const children = el.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as AnyNode);
  }
  return collapse(parts.join(''));
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
