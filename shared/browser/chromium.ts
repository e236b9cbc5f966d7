/**
 * How we start the system Chromium (Debian's /usr/bin/chromium) through playwright-core: no sandbox
 * (containers), no GPU, no background traffic. One home for the tests, the benchmarks and the CLI's
 * PDF export; playwright-core is loaded on demand, so commands that print nothing never need it.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Whether a system Chromium is installed where we look for it. */
export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Starts a headless system Chromium; the caller closes it. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
}

/**
 * Prints an HTML document to an A4 PDF (backgrounds on, page numbers in the footer), or gives null
 * when Chromium or playwright-core is not installed.
 */
export async function htmlToPdf(html: string, options: { footer?: string } = {}): Promise<Uint8Array | null> {
  if (!chromiumInstalled()) return null;
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch {
    return null;
  }
  try {
    const page = await browser.newPage();
    // No network: the document is self-contained (inline CSS and SVG).
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const escaped = (options.footer ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#667085;font-family:'Noto Sans CJK SC',sans-serif">${escaped} 第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>`,
    });
    return new Uint8Array(pdf);
  } finally {
    await browser.close();
  }
}
