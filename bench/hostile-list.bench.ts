/**
 * Hostile list pages benchmark: parseListPage on pages built to hurt, at growing sizes, so the figures
 * show the work is linear (or capped) in the page: n links in ONE row (the row text used to be re-read
 * per link: 16,000 links cost 45 s), n nested <div> around a list, and a 195-byte page declaring
 * createPageHTML(100000000, …). Prints ms and ms per 1,000 links/levels; flat per-unit figures = linear.
 *
 * `npm run bench -- hostile-list`
 */
import { parseListPage } from '../shared/fetch/discover.ts';

function time(label: string, units: number, html: string): void {
  const start = performance.now();
  const page = parseListPage(html, 'http://bench.test/col/index.html');
  const ms = performance.now() - start;
  console.log(
    `${label.padEnd(28)} ${String(units).padStart(9)}  ${ms.toFixed(0).padStart(6)} ms  ${((ms / units) * 1000).toFixed(3).padStart(8)} ms/1000  links ${page.links.length}  pages ${page.morePages.length}${page.limited ? '  (limited)' : ''}`,
  );
}

export async function run(): Promise<void> {
  for (const n of [10_000, 40_000, 160_000, 640_000]) {
    const row = Array.from(
      { length: n },
      (_, i) => `<a href="/t20240101_${i}.html">通知公告第${i}号</a> 2024-01-01 `,
    ).join('');
    time('links in one row', n, `<ul><li>${row}</li></ul>`);
  }
  for (const n of [1_000, 10_000, 50_000, 200_000]) {
    time(
      'nested <div>',
      n,
      `${'<div>'.repeat(n)}<ul><li><a href="/a/t20240120_1.html">某县2023年政府信息公开工作年度报告</a> 2024-01-20</li></ul>${'</div>'.repeat(n)}`,
    );
  }
  time(
    'createPageHTML(100000000)',
    1,
    '<ul><li>暂无信息</li></ul><script>createPageHTML(100000000, 0, "index", "html");</script>',
  );
  console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
