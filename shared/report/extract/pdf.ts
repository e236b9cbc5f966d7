/**
 * PDF to lines and table grids with pdfjs-dist (legacy build, runs in Node). Tables are read by geometry:
 * the ruling lines of the operator list give the cell grid (merged cells included), text items are placed
 * in cells by position, and the grid goes to the same table reader as HTML (extract/grid.ts). Text outside
 * ruled tables is rebuilt into lines by baseline (a wide gap becomes a tab, for tables drawn without rules).
 * A table continuing on the next page (same columns, nothing but a page number between) is one table.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { isPageMarker } from '../core.ts';
import type { ParseNote } from '../model.ts';
import { normalizeText, readCell } from '../normalize.ts';
import type { GridLine, LineSource } from '../rows.ts';
import { emitTable, type GridSink, type Slot, type SlotGrid } from './grid.ts';
import { alignRulelessTables } from './pdf-columns.ts';
import { collectRules, type PageRules, type RuleOps } from './pdf-rules.ts';
import { groupLines, joinWrapped, layoutPage, type PdfTable, type PdfTextItem } from './pdf-tables.ts';

export interface PdfExtraction extends LineSource {
  text: string;
  lines: string[];
  grid: Map<number, GridLine>;
  pages: number;
  notes: ParseNote[];
}

export interface PdfLimits {
  /** Pages read at most; later pages are skipped with an 'input-truncated' note. @default 60 */
  maxPages?: number;
  /** Larger files are not opened at all. @default 50 MiB */
  maxBytes?: number;
  /** Characters of text kept at most. @default 2,000,000 */
  maxChars?: number;
  /** Gives up on a file pdfjs cannot finish. @default 30,000 ms */
  timeoutMs?: number;
  /**
   * Directory of the pdfjs-dist package (holding cmaps/ and standard_fonts/), for bundles where
   * `require.resolve('pdfjs-dist/package.json')` does not work. @default resolved from node_modules
   */
  pdfjsDir?: string;
}

const DEFAULTS: Required<Omit<PdfLimits, 'pdfjsDir'>> = {
  maxPages: 60,
  maxBytes: 50 * 1024 * 1024,
  maxChars: 2_000_000,
  timeoutMs: 30_000,
};

/**
 * A scan without a text layer: fewer visible characters than this in the whole file, or fewer than
 * MIN_CHARS_PER_PAGE per page on average (a scan may still carry page numbers or a stamp as text).
 */
const MIN_TEXT_CHARS = 20;
const MIN_CHARS_PER_PAGE = 40;

interface TextItemLike {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDocument = Awaited<ReturnType<Pdfjs['getDocument']>['promise']>;

let pdfjsPromise: Promise<Pdfjs> | null = null;

function loadPdfjs(): Promise<Pdfjs> {
  pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsPromise;
}

/** pdfjs needs filesystem paths ending in '/' (a file:// URL silently drops CJK text in non-embedded fonts). */
function assetDirs(pdfjsDir?: string): { cMapUrl: string; standardFontDataUrl: string; wasmUrl: string } {
  const root = pdfjsDir ?? path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  return {
    cMapUrl: `${path.join(root, 'cmaps')}/`,
    standardFontDataUrl: `${path.join(root, 'standard_fonts')}/`,
    wasmUrl: `${path.join(root, 'wasm')}/`,
  };
}

/** An opened document: pdfjs itself (for its OPS table), the document, and how to release it. */
interface OpenedPdf {
  pdfjs: Pdfjs;
  doc: PdfDocument;
  /** Pages to read: all of them up to the page cap. */
  pages: number;
  destroy: () => Promise<void>;
}

/**
 * The one place a PDF is loaded (so resource limits such as the page cap live here). `onTask` receives
 * the destroy hook as soon as loading starts, so a timeout can release a document still loading.
 */
async function openPdf(
  bytes: Uint8Array,
  opts: Required<Omit<PdfLimits, 'pdfjsDir'>> & Pick<PdfLimits, 'pdfjsDir'>,
  notes: ParseNote[],
  onTask: (destroy: () => Promise<void>) => void,
): Promise<OpenedPdf> {
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    // pdfjs transfers (detaches) the buffer it is given: pass a copy.
    data: new Uint8Array(bytes),
    ...assetDirs(opts.pdfjsDir),
    cMapPacked: true,
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 0,
    stopAtErrors: false,
  });
  const destroy = () => task.destroy();
  onTask(destroy);
  const doc = await task.promise;
  const pages = Math.min(doc.numPages, opts.maxPages);
  if (doc.numPages > pages) {
    notes.push({ kind: 'input-truncated', detail: `PDF 共 ${doc.numPages} 页，只读取前 ${pages} 页` });
  }
  return { pdfjs, doc, pages, destroy };
}

/** Extracts lines and table grids from a PDF. Never throws: unreadable files come back empty with a note. */
export async function extractPdfText(bytes: Uint8Array, limits: PdfLimits = {}): Promise<PdfExtraction> {
  const opts = { ...DEFAULTS, ...limits };
  const notes: ParseNote[] = [];
  const empty = (): PdfExtraction => ({ text: '', lines: [], grid: new Map(), pages: 0, notes });
  if (bytes.length > opts.maxBytes) {
    notes.push({
      kind: 'input-truncated',
      detail: `PDF 文件过大（${Math.round(bytes.length / 1024 / 1024)} MB），未解析`,
    });
    return empty();
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
  });
  let destroy: (() => Promise<void>) | null = null;
  try {
    const work = (async () => {
      const opened = await openPdf(bytes, opts, notes, (release) => {
        destroy = release;
      });
      const ops = ruleOps(opened.pdfjs.OPS);
      const builder = new DocumentBuilder(opts.maxChars);
      for (let p = 1; p <= opened.pages && !builder.full; p++) {
        const page = await opened.doc.getPage(p);
        const content = await page.getTextContent();
        const items = textItems(content.items as TextItemLike[]);
        // The operator list costs about half again the text: read it only where the text looks like a table
        // (a scan, or a page of prose, has none to read).
        const rules = looksTabular(items) ? collectRulesOf(await page.getOperatorList(), ops) : NO_RULES;
        builder.addPage(p, items, rules);
        page.cleanup();
      }
      builder.finish();
      if (builder.full) notes.push({ kind: 'input-truncated', detail: `PDF 文本过长，只读取前 ${opts.maxChars} 字符` });
      return { builder, pages: opened.doc.numPages };
    })();
    const result = await Promise.race([work, timeout]);
    if (result === 'timeout') {
      work.catch(() => undefined);
      notes.push({ kind: 'extraction-damage', detail: `PDF 解析超时（${opts.timeoutMs} ms），未能读取` });
      return empty();
    }
    const { lines, grid } = result.builder;
    const text = lines.join('\n');
    const pagesRead = Math.max(1, Math.min(result.pages, opts.maxPages));
    if (countVisible(text, MIN_CHARS_PER_PAGE * pagesRead) < Math.max(MIN_TEXT_CHARS, MIN_CHARS_PER_PAGE * pagesRead)) {
      notes.push({
        kind: 'no-text',
        detail: 'PDF 没有可提取的文字层（可能是扫描件），需要 OCR 才能检查',
      });
    }
    return { text, lines, grid, pages: result.pages, notes };
  } catch (err) {
    notes.push({ kind: 'extraction-damage', detail: `PDF 无法解析：${describe(err)}` });
    return empty();
  } finally {
    if (timer) clearTimeout(timer);
    const release = destroy as (() => Promise<void>) | null;
    if (release) await release().catch(() => undefined);
  }
}

/**
 * True when a page's text may hold a table: a few items that are bare values, or two lines of three or more
 * items apart by more than a character (a header row or a row of cells). Prose runs touch each other.
 */
export function looksTabular(items: readonly PdfTextItem[]): boolean {
  let values = 0;
  for (const item of items) if (readCell(item.str.trim()) !== null && ++values >= 3) return true;
  let tabular = 0;
  for (const line of groupLines(items)) {
    let separated = 0;
    for (let k = 1; k < line.length; k++) {
      const previous = line[k - 1] as PdfTextItem;
      const item = line[k] as PdfTextItem;
      if (item.x - (previous.x + previous.width) > item.size) separated++;
    }
    if (separated >= 2 && ++tabular >= 2) return true;
  }
  return false;
}

const NO_RULES: PageRules = { horizontal: [], vertical: [], truncated: false };

function collectRulesOf(operators: { fnArray: ArrayLike<number>; argsArray: ArrayLike<unknown> }, ops: RuleOps) {
  return collectRules(operators.fnArray, operators.argsArray, ops);
}

function ruleOps(OPS: Pdfjs['OPS']): RuleOps {
  return {
    save: OPS.save,
    restore: OPS.restore,
    transform: OPS.transform,
    constructPath: OPS.constructPath,
    paintFormXObjectBegin: OPS.paintFormXObjectBegin,
    paintFormXObjectEnd: OPS.paintFormXObjectEnd,
    stroke: OPS.stroke,
    closeStroke: OPS.closeStroke,
    fill: OPS.fill,
    eoFill: OPS.eoFill,
    fillStroke: OPS.fillStroke,
    eoFillStroke: OPS.eoFillStroke,
    closeFillStroke: OPS.closeFillStroke,
    closeEOFillStroke: OPS.closeEOFillStroke,
  };
}

/** pdfjs text items in page space; whitespace-only items (pdfjs emits them across cell gaps) are dropped. */
export function textItems(items: readonly TextItemLike[]): PdfTextItem[] {
  const out: PdfTextItem[] = [];
  for (const item of items) {
    if (typeof item.str !== 'string' || !Array.isArray(item.transform)) continue;
    if (item.str.trim().length === 0) continue;
    const size = Math.abs(item.height) || Math.abs(item.transform[3] ?? 0) || 10;
    out.push({
      str: item.str,
      x: item.transform[4] ?? 0,
      y: item.transform[5] ?? 0,
      width: Math.abs(item.width),
      size,
    });
  }
  return out;
}

type Block =
  | { y: number; line: string }
  | { y: number; table: PdfTable }
  | { y: number; row: Slot[]; region: number; index: number };

/** A table waiting to see whether the next page continues it. */
interface OpenTable {
  page: number;
  columns: number[];
  rows: SlotGrid;
  /** Page numbers seen between its parts, emitted after it. */
  held: string[];
}

/** Column boundaries within this distance (points) are the same table's columns on the next page. */
const SAME_COLUMN = 3;

/** Assembles the document's lines and grid rows page by page. */
class DocumentBuilder implements GridSink {
  readonly lines: string[] = [];
  readonly grid = new Map<number, GridLine>();
  private chars = 0;
  private tables = 0;
  private open: OpenTable | null = null;

  private readonly maxChars: number;

  constructor(maxChars: number) {
    this.maxChars = maxChars;
  }

  get full(): boolean {
    return this.chars >= this.maxChars;
  }

  addPage(page: number, items: PdfTextItem[], rules: Parameters<typeof layoutPage>[1]): void {
    const layout = layoutPage(items, rules);
    const blocks: Block[] = [];
    for (const aligned of alignRulelessTables(groupLines(layout.loose), joinLine)) {
      const y = (aligned.items[0] as PdfTextItem).y;
      if (aligned.row) {
        const row = aligned.row.map((slot) => ({ ...slot, text: normalizeText(slot.text) }));
        blocks.push({ y, row, region: aligned.region, index: aligned.index });
      } else blocks.push({ y, line: normalizeText(joinLine(aligned.items)) });
    }
    for (const table of layout.tables) blocks.push({ y: table.top, table });
    blocks.sort((a, b) => b.y - a.y);
    // A bare number closing a page is its page number ("3"), not a table value.
    const last = blocks[blocks.length - 1];
    if (blocks.length > 3 && last && 'line' in last && /^\d{1,3}$/.test(last.line.trim())) blocks.pop();
    const regions = new Map<number, number>();
    for (const block of blocks) {
      if ('line' in block) this.addLine(block.line);
      else if ('table' in block) this.addTable(page, block.table);
      else {
        // A row of a table without rules: emitted in place (its wrapped label lines stay text around it).
        this.closeTable();
        let index = regions.get(block.region);
        if (index === undefined) {
          index = this.tables++;
          regions.set(block.region, index);
        }
        const start = this.lines.length;
        emitTable([block.row], index, this, block.index);
        for (let i = start; i < this.lines.length; i++) this.chars += (this.lines[i] as string).length + 1;
      }
    }
  }

  finish(): void {
    this.closeTable();
  }

  private addLine(line: string): void {
    const trimmed = line.trim();
    if (this.open) {
      if (trimmed.length === 0 || (trimmed.length <= 16 && isPageMarker(trimmed))) {
        this.open.held.push(line);
        return;
      }
      this.closeTable();
    }
    this.push(line);
  }

  private addTable(page: number, table: PdfTable): void {
    const open = this.open;
    const columns = open && open.page === page - 1 ? commonColumns(open.columns, table.columns) : null;
    if (open && columns) {
      if (columns.length !== open.columns.length) open.rows = expandColumns(open.rows, open.columns, columns);
      open.columns = columns;
      const rows =
        columns.length === table.columns.length ? table.grid : expandColumns(table.grid, table.columns, columns);
      const last = open.rows[open.rows.length - 1];
      const first = rows[0];
      // A row the page break cut in two (a wrapped header or label finished on the next page): one row.
      const joined = last !== undefined && first !== undefined && joinSplitRow(last, first);
      for (let r = joined ? 1 : 0; r < rows.length; r++) open.rows.push(rows[r] as SlotGrid[number]);
      open.page = page;
      return;
    }
    this.closeTable();
    this.open = { page, columns: table.columns, rows: table.grid.slice(), held: [] };
  }

  private closeTable(): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    const start = this.lines.length;
    emitTable(open.rows, this.tables++, this);
    for (let i = start; i < this.lines.length; i++) this.chars += (this.lines[i] as string).length + 1;
    for (const line of open.held) this.push(line);
  }

  private push(line: string): void {
    this.lines.push(line);
    this.chars += line.length + 1;
  }
}

/**
 * Joins the first row of a table's continuation into the last row before the page break when it is the
 * rest of that row: text only where the row above has text of its own, never a number on either side, and
 * not every column written (a complete row is a row of its own). Returns false, changing nothing, otherwise.
 */
function joinSplitRow(above: SlotGrid[number], below: SlotGrid[number]): boolean {
  let written = 0;
  let columns = 0;
  for (let c = 0; c < below.length; c++) {
    const slot = below[c];
    if (!slot?.origin) continue;
    columns++;
    if (slot.text.length === 0) continue;
    written++;
    const top = above[c];
    if (!top?.origin || top.text.length === 0) return false;
    if (readCell(top.text) !== null || readCell(slot.text) !== null) return false;
  }
  if (written === 0 || written === columns) return false;
  for (let c = 0; c < below.length; c++) {
    const slot = below[c];
    const top = above[c];
    if (!slot?.origin || slot.text.length === 0 || !top) continue;
    top.text = joinWrapped(top.text, slot.text);
  }
  return true;
}

/**
 * The column boundaries of a table continued on the next page: both parts have the same outer edges and
 * the boundaries of one part are all boundaries of the other (a part may merge columns the other splits,
 * as a header over the label columns does). Returns the finer of the two, or null when they differ.
 */
function commonColumns(a: readonly number[], b: readonly number[]): number[] | null {
  const [coarse, fine] = a.length <= b.length ? [a, b] : [b, a];
  if (coarse.length < 2) return null;
  if (Math.abs((a[0] as number) - (b[0] as number)) > SAME_COLUMN) return null;
  if (Math.abs((a[a.length - 1] as number) - (b[b.length - 1] as number)) > SAME_COLUMN) return null;
  for (const x of coarse) if (!fine.some((y) => Math.abs(x - y) <= SAME_COLUMN)) return null;
  return fine.slice();
}

/** Re-lays rows drawn on boundaries `from` onto the finer boundaries `to`: a cell covers every finer column in it. */
function expandColumns(rows: SlotGrid, from: readonly number[], to: readonly number[]): SlotGrid {
  const targetOf = (x: number) => to.findIndex((y) => Math.abs(x - y) <= SAME_COLUMN);
  return rows.map((row) => {
    const out: SlotGrid[number] = [];
    for (let c = 0; c + 1 < from.length; c++) {
      const slot = row[c];
      const start = targetOf(from[c] as number);
      const end = targetOf(from[c + 1] as number);
      for (let k = start; k < end; k++) {
        out[k] = slot && k > start ? { text: slot.text, origin: false, vertical: false } : slot;
      }
    }
    return out;
  });
}

/**
 * Joins one line of text outside ruled tables left to right: a gap wider than about 0.4 em becomes a tab
 * (a cell boundary of a table drawn without rules), a smaller one a space.
 */
function joinLine(items: readonly PdfTextItem[]): string {
  let out = '';
  let right = Number.NaN;
  for (const item of items) {
    if (out.length > 0) {
      const gap = item.x - right;
      if (gap > item.size * 0.4) out += '\t';
      else if (gap > item.size * 0.15 && !out.endsWith(' ') && !item.str.startsWith(' ')) out += ' ';
    }
    out += item.str;
    right = Number.isNaN(right) ? item.x + item.width : Math.max(right, item.x + item.width);
  }
  return out;
}

function countVisible(text: string, enough: number): number {
  let n = 0;
  for (let i = 0; i < text.length && n < enough; i++) if (text.charCodeAt(i) > 32) n++;
  return n;
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
