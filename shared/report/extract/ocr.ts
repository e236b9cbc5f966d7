/**
 * Optional OCR of a scanned PDF with the Tesseract CLI (Debian: tesseract-ocr + tesseract-ocr-chi-sim) and
 * poppler's pdftoppm to rasterise pages. Used only where both are installed (never in Lambda); every
 * number read this way is marked as OCR'd, and its arithmetic is a warning to check by hand, never an error.
 * Bounded: pages, time per page and output size are capped; a failure means "no OCR", never a crash.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface OcrLimits {
  /** Pages recognised at most. @default 10 */
  maxPages?: number;
  /** Time for one page (rasterising or recognising). @default 120,000 ms */
  pageTimeoutMs?: number;
}

export interface OcrResult {
  text: string;
  pages: number;
}

const MAX_OUTPUT = 4 * 1024 * 1024;
let available: Promise<boolean> | null = null;

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: MAX_OUTPUT, encoding: 'utf8' }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  });
}

/** True when tesseract (with Simplified Chinese) and pdftoppm can be run; checked once per process. */
export function ocrAvailable(): Promise<boolean> {
  available ??= (async () => {
    try {
      const langs = await run('tesseract', ['--list-langs'], 10_000);
      if (!/^chi_sim$/m.test(langs)) return false;
      await run('pdftoppm', ['-v'], 10_000);
      return true;
    } catch {
      return false;
    }
  })();
  return available;
}

/** Recognises the text of a scanned PDF, page by page; null when OCR is unavailable or fails. */
export async function ocrPdf(bytes: Uint8Array, limits: OcrLimits = {}): Promise<OcrResult | null> {
  if (!(await ocrAvailable())) return null;
  const maxPages = limits.maxPages ?? 10;
  const timeout = limits.pageTimeoutMs ?? 120_000;
  const dir = await mkdtemp(path.join(tmpdir(), 'nianbao-ocr-'));
  try {
    const pdf = path.join(dir, 'in.pdf');
    await writeFile(pdf, bytes);
    // 200 dpi grey: enough for 10.5 pt table text; the page count is capped before any page is drawn.
    await run(
      'pdftoppm',
      ['-r', '200', '-gray', '-png', '-l', String(maxPages), pdf, path.join(dir, 'page')],
      timeout * maxPages,
    );
    const pages = (await readdir(dir)).filter((name) => name.startsWith('page') && name.endsWith('.png')).sort();
    const texts: string[] = [];
    for (const page of pages.slice(0, maxPages)) {
      // --psm 6: one uniform block per page keeps table rows on one line each.
      texts.push(await run('tesseract', [path.join(dir, page), 'stdout', '-l', 'chi_sim', '--psm', '6'], timeout));
    }
    return { text: texts.join('\n'), pages: pages.length };
  } catch {
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
