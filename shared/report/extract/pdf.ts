/**
 * PDF to text lines with pdfjs-dist (legacy build, runs in Node). Lines and table cells are rebuilt from
 * the position of each text item: items on one baseline form a line, wide horizontal gaps become tabs,
 * so the text parser reads the tables the same way as the seeds.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ParseNote } from '../model.ts';
import { normalizeText } from '../normalize.ts';

export interface PdfExtraction {
  text: string;
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

interface Positioned {
  str: string;
  x: number;
  y: number;
  right: number;
  size: number;
}

let pdfjsPromise: Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | null = null;

function loadPdfjs(): Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> {
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

/** Extracts text from a PDF. Never throws: unreadable files come back empty with a note. */
export async function extractPdfText(bytes: Uint8Array, limits: PdfLimits = {}): Promise<PdfExtraction> {
  const opts = { ...DEFAULTS, ...limits };
  const notes: ParseNote[] = [];
  if (bytes.length > opts.maxBytes) {
    notes.push({
      kind: 'input-truncated',
      detail: `PDF 文件过大（${Math.round(bytes.length / 1024 / 1024)} MB），未解析`,
    });
    return { text: '', pages: 0, notes };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
  });
  let destroy: (() => Promise<void>) | null = null;
  try {
    const work = (async () => {
      const pdfjs = await loadPdfjs();
      const task = pdfjs.getDocument({
        // pdfjs transfers (detaches) the buffer it is given: pass a copy.
        data: new Uint8Array(bytes),
        ...assetDirs(limits.pdfjsDir),
        cMapPacked: true,
        useSystemFonts: false,
        disableFontFace: true,
        verbosity: 0,
        stopAtErrors: false,
      });
      destroy = () => task.destroy();
      const doc = await task.promise;
      const pageCount = doc.numPages;
      const pages = Math.min(pageCount, opts.maxPages);
      if (pageCount > pages) {
        notes.push({ kind: 'input-truncated', detail: `PDF 共 ${pageCount} 页，只读取前 ${pages} 页` });
      }
      const lines: string[] = [];
      let chars = 0;
      for (let p = 1; p <= pages && chars < opts.maxChars; p++) {
        const page = await doc.getPage(p);
        const content = await page.getTextContent();
        const pageLines = rebuildLines(content.items as TextItemLike[]);
        // A bare number closing a page is its page number ("3"), not a table value.
        const lastLine = pageLines[pageLines.length - 1];
        if (pageLines.length > 3 && lastLine !== undefined && /^\d{1,3}$/.test(lastLine.trim())) pageLines.pop();
        for (const line of pageLines) chars += line.length + 1;
        lines.push(...pageLines, '');
        page.cleanup();
      }
      if (chars >= opts.maxChars)
        notes.push({ kind: 'input-truncated', detail: `PDF 文本过长，只读取前 ${opts.maxChars} 字符` });
      return { lines, pages: pageCount };
    })();
    const result = await Promise.race([work, timeout]);
    if (result === 'timeout') {
      work.catch(() => undefined);
      notes.push({ kind: 'extraction-damage', detail: `PDF 解析超时（${opts.timeoutMs} ms），未能读取` });
      return { text: '', pages: 0, notes };
    }
    const text = normalizeText(result.lines.join('\n'));
    const pagesRead = Math.max(1, Math.min(result.pages, opts.maxPages));
    if (countVisible(text, MIN_CHARS_PER_PAGE * pagesRead) < Math.max(MIN_TEXT_CHARS, MIN_CHARS_PER_PAGE * pagesRead)) {
      notes.push({
        kind: 'no-text',
        detail: 'PDF 没有可提取的文字层（可能是扫描件），需要 OCR 才能检查',
      });
    }
    return { text, pages: result.pages, notes };
  } catch (err) {
    notes.push({ kind: 'extraction-damage', detail: `PDF 无法解析：${describe(err)}` });
    return { text: '', pages: 0, notes };
  } finally {
    if (timer) clearTimeout(timer);
    const release = destroy as (() => Promise<void>) | null;
    if (release) await release().catch(() => undefined);
  }
}

/**
 * Groups text items into lines by baseline (top to bottom) and joins each line's items left to right:
 * a gap wider than about one character becomes a tab (a cell boundary), a smaller one a space.
 */
export function rebuildLines(items: readonly TextItemLike[]): string[] {
  const positioned: Positioned[] = [];
  for (const item of items) {
    if (typeof item.str !== 'string' || item.str.length === 0 || !Array.isArray(item.transform)) continue;
    const size = Math.abs(item.height) || Math.abs(item.transform[3] ?? 0) || 10;
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    positioned.push({ str: item.str, x, y, right: x + Math.abs(item.width), size });
  }
  positioned.sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Positioned[][] = [];
  let current: Positioned[] = [];
  let lineY = Number.NaN;
  let lineSize = 0;
  for (const item of positioned) {
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
  return lines.map(joinLine);
}

function joinLine(items: Positioned[]): string {
  items.sort((a, b) => a.x - b.x);
  let out = '';
  let right = Number.NaN;
  for (const item of items) {
    if (out.length > 0) {
      const gap = item.x - right;
      // Text runs of one paragraph touch; table cells are separated by their padding (≥ ~0.4 em).
      if (gap > item.size * 0.4) out += '\t';
      else if (gap > item.size * 0.15 && !out.endsWith(' ') && !item.str.startsWith(' ')) out += ' ';
    }
    out += item.str;
    right = Number.isNaN(right) ? item.right : Math.max(right, item.right);
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
