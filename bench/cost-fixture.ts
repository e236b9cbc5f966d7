/**
 * Loopback agency sites for the cost bench's fetch stage: one node:http server per job host on
 * 127.0.0.1 (the client keys politeness on host:port, so each is its own host). Every agency has a
 * TRS-style list page; what it links to depends on the agency's kind:
 *
 *   html     the year's report inline on its article page (the 2021-template report)
 *   pdf      an article page whose report is a PDF attachment (demo/sites/lushi-gxkj-2023.pdf)
 *   missing  a list page with last year's report and notices only
 *   down     the host resets every connection (a site that is down)
 *
 * Pages carry ETag and Last-Modified and answer conditional requests with 304, as the static pages
 * of government CMSs do, so a second week revalidates instead of downloading.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type AgencyKind = 'html' | 'pdf' | 'missing' | 'down';

const root = path.join(import.meta.dirname, '..');
const TEMPLATE = readFileSync(path.join(root, 'test/fixtures/reports/template-2021.html'), 'utf8');
const TEMPLATE_YEAR = 2024;
export const PDF_BYTES = new Uint8Array(readFileSync(path.join(root, 'demo/sites/lushi-gxkj-2023.pdf')));
const LAST_MODIFIED = 'Mon, 20 Jan 2025 02:30:00 GMT';

/** The name the fixture gives agency `n` (the registry must use the same). */
export function agencyName(n: number): string {
  return `示例县第${n}局`;
}

function listPage(n: number, kind: AgencyKind, year: number): string {
  const name = agencyName(n);
  const rows: [string, string, string][] = [
    [`关于做好${year + 1}年政务公开工作的通知`, `./${year + 1}03/t${year + 1}0301_${n}1.html`, `${year + 1}-03-01`],
  ];
  if (kind !== 'missing') {
    rows.push([
      `${name}${year}年政府信息公开工作年度报告`,
      `./${year + 1}01/t${year + 1}0120_${n}2.html`,
      `${year + 1}-01-20`,
    ]);
  }
  rows.push(
    [`${name}${year - 1}年政府信息公开工作年度报告`, `./${year}01/t${year}0120_${n}3.html`, `${year}-01-20`],
    [`${name}领导分工调整的公告`, `./${year}06/t${year}0601_${n}4.html`, `${year}-06-01`],
  );
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ColumnName" content="政府信息公开年报"><title>政府信息公开年报</title></head><body><ul class="list">${rows
    .map(([title, href, date]) => `<li><a href="${href}" title="${title}">${title}</a><span>${date}</span></li>`)
    .join('')}</ul><script>createPageHTML(1, 0, "index", "html");</script></body></html>`;
}

function inlineReport(n: number): string {
  return TEMPLATE.replaceAll('卢氏县人民政府', agencyName(n));
}

function attachmentArticle(n: number, year: number): string {
  const title = `${agencyName(n)}${year}年政府信息公开工作年度报告`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ArticleTitle" content="${title}"><meta name="PubDate" content="${year + 1}-01-20 10:30"><title>${title}</title></head><body><h1>${title}</h1><div class="info">发布时间：${year + 1}-01-20 10:30</div><div class="TRS_Editor"><p>附件：<a href="./P0${year + 1}0120_${n}.pdf">${title}.pdf</a></p></div></body></html>`;
}

interface Page {
  body: Uint8Array;
  type: string;
  etag: string;
}

function page(body: string | Uint8Array, type: string): Page {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return { body: bytes, type, etag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"` };
}

function answer(request: IncomingMessage, response: ServerResponse, found: Page | undefined): void {
  if (!found) {
    response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>404</h1>');
    return;
  }
  const headers = { 'content-type': found.type, etag: found.etag, 'last-modified': LAST_MODIFIED };
  if (request.headers['if-none-match'] === found.etag || request.headers['if-modified-since'] === LAST_MODIFIED) {
    response.writeHead(304, headers).end();
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': found.body.byteLength }).end(found.body);
}

/** The fixture: one host per call of `host()`, each counting the requests it answered. */
export class FixtureSites {
  readonly year: number;
  readonly #servers: Server[] = [];
  readonly #requests = new Map<string, number>();

  constructor(year: number) {
    if (year !== TEMPLATE_YEAR) throw new Error(`the fixture's inline report is for ${TEMPLATE_YEAR}`);
    this.year = year;
  }

  /** A host serving agencies of `kind`; returns its origin (http://127.0.0.1:port). */
  async host(kind: AgencyKind): Promise<string> {
    const year = this.year;
    let host = '';
    const server = createServer((request, response) => {
      this.#requests.set(host, (this.#requests.get(host) ?? 0) + 1);
      const url = request.url ?? '/';
      if (url === '/robots.txt') {
        answer(request, response, page('User-agent: *\nDisallow: /private/\n', 'text/plain'));
        return;
      }
      const list = /^\/c(\d+)\/index\.html$/.exec(url);
      if (list) {
        answer(request, response, page(listPage(Number(list[1]), kind, year), 'text/html; charset=utf-8'));
        return;
      }
      const article = /^\/c(\d+)\/\d{6}\/t\d{8}_(\d+)2\.html$/.exec(url);
      if (article && kind === 'html') {
        answer(request, response, page(inlineReport(Number(article[1])), 'text/html; charset=utf-8'));
        return;
      }
      if (article && kind === 'pdf') {
        answer(request, response, page(attachmentArticle(Number(article[1]), year), 'text/html; charset=utf-8'));
        return;
      }
      if (kind === 'pdf' && /^\/c\d+\/\d{6}\/P0\d{8}_\d+\.pdf$/.test(url)) {
        answer(request, response, page(PDF_BYTES, 'application/pdf'));
        return;
      }
      answer(request, response, undefined);
    });
    // A site that is down: the connection is reset before a byte is read (kept listening, so the port
    // is not handed to another host).
    if (kind === 'down') server.on('connection', (socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#servers.push(server);
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    return `http://${host}`;
  }

  /** Requests a host (host:port) has answered so far (a reset connection is not a request). */
  requestsTo(host: string): number {
    return this.#requests.get(host) ?? 0;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }
}
