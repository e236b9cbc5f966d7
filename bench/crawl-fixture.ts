/**
 * The crawl benchmark's fixture sites, run in a child process (forked by crawl.bench.ts) so the
 * crawler's CPU and memory figures are its own. One node:http server per simulated host on 127.0.0.1
 * (own port each). Messages: parent ← { bases } when listening; parent → 'stats' ← { requestsPerHost }.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const YEAR = 2023;
const REPORT_BODY = [
  '<p>一、总体情况</p><p>（一）主动公开：本年度主动公开政府信息。</p><p>（二）依申请公开：依法办理。</p>',
  '<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>',
  '<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr><tr><td>行政规范性文件</td><td>2</td><td>0</td><td>5</td></tr></table>',
  '<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>',
  '<p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p>',
].join('');

/** A TRS-style list: a notice, this year's report, last year's report, another notice. */
export function listPage(agency: number): string {
  const name = `示例县第${agency}局`;
  const rows = [
    [
      `关于做好${YEAR + 1}年政务公开工作的通知`,
      `./${YEAR + 1}03/t${YEAR + 1}0301_${agency}1.html`,
      `${YEAR + 1}-03-01`,
    ],
    [
      `${name}${YEAR}年政府信息公开工作年度报告`,
      `./${YEAR + 1}01/t${YEAR + 1}0126_${agency}2.html`,
      `${YEAR + 1}-01-26`,
    ],
    [`${name}${YEAR - 1}年政府信息公开工作年度报告`, `./${YEAR}01/t${YEAR}0120_${agency}3.html`, `${YEAR}-01-20`],
    [`${name}领导分工调整的公告`, `./${YEAR}06/t${YEAR}0601_${agency}4.html`, `${YEAR}-06-01`],
  ];
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ColumnName" content="政府信息公开年报"><title>政府信息公开年报</title></head><body><ul class="list">${rows
    .map(([title, href, date]) => `<li><a href="${href}" title="${title}">${title}</a><span>${date}</span></li>`)
    .join('')}</ul><script>createPageHTML(1, 0, "index", "html");</script></body></html>`;
}

/** The article with the report inline and a PubDate meta. */
export function articlePage(agency: number): string {
  const title = `示例县第${agency}局${YEAR}年政府信息公开工作年度报告`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ArticleTitle" content="${title}"><meta name="PubDate" content="${YEAR + 1}-01-26 10:30"><title>${title}</title></head><body><h1>${title}</h1><div class="info">发布时间：${YEAR + 1}-01-26 10:30</div><div class="TRS_Editor">${REPORT_BODY}</div></body></html>`;
}

async function serve(hostCount: number): Promise<void> {
  const requestsPerHost = new Array<number>(hostCount).fill(0);
  const servers: Server[] = [];
  const bases: string[] = [];
  for (let host = 0; host < hostCount; host++) {
    const server = createServer((request, response) => {
      requestsPerHost[host] = (requestsPerHost[host] ?? 0) + 1;
      const path = request.url ?? '/';
      const list = /^\/c(\d+)\/index\.html$/.exec(path);
      const article = /^\/c(\d+)\/\d{6}\/t\d{8}_\d+2\.html$/.exec(path);
      if (path === '/robots.txt') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('User-agent: *\nDisallow: /private/\n');
      } else if (list) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(listPage(Number(list[1])));
      } else if (article) {
        response.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'last-modified': 'Fri, 26 Jan 2024 02:30:00 GMT',
        });
        response.end(articlePage(Number(article[1])));
      } else {
        response.writeHead(404, { 'content-type': 'text/html' });
        response.end('<html><body>404</body></html>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    bases.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  process.on('message', (message) => {
    if (message === 'stats') process.send?.({ requestsPerHost });
    if (message === 'close') {
      for (const server of servers) server.closeAllConnections();
      process.exit(0);
    }
  });
  process.send?.({ bases });
}

if (process.send) await serve(Number(process.argv[2] ?? 200));
