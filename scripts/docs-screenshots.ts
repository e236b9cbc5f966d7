/**
 * Makes the screenshots in docs/ from the demo (`npm start` into a temp folder): the agency list, a report
 * page and the digest at 390 px (a phone), and the year's evaluation printed to A4 (Chromium's PDF, each
 * page rasterised with pdftoppm and laid side by side). Needs /usr/bin/chromium and poppler-utils.
 *
 *     npx tsx scripts/docs-screenshots.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { run as runDemo } from '../demo/cli.ts';
import { htmlToPdf, launchChromium } from '../shared/browser/chromium.ts';

const DOCS = path.join(import.meta.dirname, '..', 'docs');
const PHONE = { width: 390, height: 844 };

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'nianbao-docs-'));
  try {
    const log = console.log;
    console.log = () => {};
    const code = await runDemo(['--store', root]);
    console.log = log;
    if (code !== 0) throw new Error(`demo exited ${code}`);
    const site = path.join(root, 'site');
    const reportDir = path.join(site, 'report', '2023', 'lushi-gfdy');
    const reportPage = path.join(reportDir, readdirSync(reportDir).find((f) => f.endsWith('.html')) as string);
    const digest = path.join(
      root,
      'outbox',
      readdirSync(path.join(root, 'outbox')).find((f) => f.endsWith('.html')) as string,
    );

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      const shoot = async (file: string, name: string, clipHeight = 1800) => {
        await page.goto(pathToFileURL(file).href);
        await page.waitForLoadState('load');
        const height = Math.min(clipHeight, await page.evaluate(() => document.documentElement.scrollHeight));
        await page.screenshot({
          path: path.join(DOCS, name),
          fullPage: true,
          clip: { x: 0, y: 0, width: PHONE.width, height },
        });
      };
      await shoot(path.join(site, 'region', '河南省-三门峡市-卢氏县.html'), 'phone-agency-list.png');
      await shoot(reportPage, 'phone-report.png', 3400);
      await shoot(digest, 'phone-digest.png');
    } finally {
      await browser.close();
    }

    // The evaluation as printed: Chromium's A4 PDF, pages rasterised and shown side by side.
    const html = readFileSync(path.join(site, 'evaluation-2023.html'), 'utf8');
    const pdf = await htmlToPdf(html, { footer: '2023 年度政府信息公开工作年度报告评估报告' });
    if (!pdf) throw new Error('Chromium is needed for the printed pages');
    const pdfPath = path.join(root, 'evaluation.pdf');
    writeFileSync(pdfPath, pdf);
    execFileSync('pdftoppm', ['-r', '60', '-png', pdfPath, path.join(root, 'page')]);
    const pages = readdirSync(root)
      .filter((f) => /^page-\d+\.png$/.test(f))
      .sort();
    const sheet = `<!doctype html><body style="margin:0;background:#667085;display:flex;gap:12px;padding:12px">${pages
      .map(
        (f) =>
          `<img src="${pathToFileURL(path.join(root, f)).href}" style="background:#fff;box-shadow:0 1px 4px #0006">`,
      )
      .join('')}</body>`;
    const sheetPath = path.join(root, 'pages.html');
    writeFileSync(sheetPath, sheet);
    const viewer = await launchChromium();
    try {
      const page = await viewer.newPage({ viewport: { width: 12 + pages.length * (496 + 12), height: 726 } });
      await page.goto(pathToFileURL(sheetPath).href);
      await page.screenshot({ path: path.join(DOCS, 'evaluation-a4-pages.png'), fullPage: true });
    } finally {
      await viewer.close();
    }
    console.log(
      `wrote docs/phone-agency-list.png, phone-report.png, phone-digest.png, evaluation-a4-pages.png (${pages.length} A4 pages)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
