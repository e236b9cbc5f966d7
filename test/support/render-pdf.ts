/**
 * Renders HTML to PDF with the system Chromium (playwright-core, no browser download), for tests and
 * benchmarks that need real PDFs. One browser is started lazily and reused; call `closePdfRenderer()`
 * when done (e.g. in afterAll).
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';

export { CHROMIUM_PATH } from './browser.ts';

let browserPromise: Promise<Browser> | null = null;

/** The shared browser, started on first use. */
export function pdfBrowser(): Promise<Browser> {
  browserPromise ??= launchChromium();
  return browserPromise;
}

export interface RenderPdfOptions {
  /** Paper format. @default 'A4' */
  format?: string;
}

/** Renders one HTML document (UTF-8 string) to PDF bytes. */
export async function renderPdf(html: string, options: RenderPdfOptions = {}): Promise<Uint8Array> {
  const browser = await pdfBrowser();
  const page = await browser.newPage();
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ format: options.format ?? 'A4', printBackground: true });
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } finally {
    await page.close();
  }
}

/** Renders many documents with the same browser, one page at a time. */
export async function renderPdfs(htmls: readonly string[], options: RenderPdfOptions = {}): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const html of htmls) out.push(await renderPdf(html, options));
  return out;
}

/** Closes the shared browser (safe to call when none was started). */
export async function closePdfRenderer(): Promise<void> {
  const pending = browserPromise;
  browserPromise = null;
  if (pending) await (await pending).close();
}
