/**
 * Hostile and broken sites on loopback, one per agency (each its own server and port, so per-host
 * politeness never serialises them), plus one healthy agency that must still be found on the same run.
 * The cases of issue 10 on the fetch side:
 *
 * | id               | case                                                                          | expected     |
 * |------------------|-------------------------------------------------------------------------------|--------------|
 * | healthy          | plain list, inline HTML report (seed 000)                                      | found        |
 * | huge-pager       | 195-byte list declaring createPageHTML(100000000, 0, "index", "html")           | not-found    |
 * | many-links       | `links` links on one list page in ONE row (the quadratic case), report first   | found        |
 * | deep-list        | 50,000 nested <div> around the list, report link inside                         | found        |
 * | deep-article     | article page of 50,000 nested <div>                                             | found (page archived) |
 * | slow-pages       | 20 list pages, each answering only after `slowMs`                               | unreachable (agency budget) |
 * | compat-redirect  | list redirects to http://[::169.254.169.254]/latest/meta-data/                  | blocked      |
 * | plain-script     | report URL served as text/plain, quoting <script> near the top                  | found, stored as .txt |
 * | parse-error      | raw TCP answer that is not HTTP ("Parse Error" in Node)                         | unreachable  |
 * | reset            | headers, then the connection is destroyed mid-body ("aborted", ECONNRESET)      | unreachable  |
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { seedBodyHtml, seedTitle, seedYear } from '../../demo/seed-html.ts';
import { escapeHtml } from '../../shared/html/escape.ts';

export interface HostileSiteOptions {
  /** Links on the many-links page (default 1,000,000). */
  links?: number;
  /** Nesting depth of the deep pages (default 50,000). */
  depth?: number;
  /** How long each slow list page takes to answer (default 1500 ms). */
  slowMs?: number;
}

export interface HostileSite {
  year: number;
  registryYaml: string;
  expected: Record<string, 'found' | 'not-found' | 'unreachable' | 'blocked'>;
  /** Requests per agency id (path list). */
  requests: Record<string, string[]>;
  reportTitle: string;
  close(): Promise<void>;
}

const SEED = new URL('../../demo/seeds/000_8082592266180d8d.txt', import.meta.url);

export async function startHostileSite(options: HostileSiteOptions = {}): Promise<HostileSite> {
  const links = options.links ?? 1_000_000;
  const depth = options.depth ?? 50_000;
  const slowMs = options.slowMs ?? 1500;
  const text = readFileSync(SEED, 'utf8');
  const year = seedYear(text);
  const title = seedTitle(text);
  const date = `${year + 1}-01-20`;
  const articlePath = `/art/${year + 1}01/t${year + 1}0120_1.html`;
  const article = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="PubDate" content="${date} 10:00"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><div class="content">${seedBodyHtml(text)}</div></body></html>`;
  const listRow = `<li><a href="${articlePath}" title="${escapeHtml(title)}">${escapeHtml(title)}</a><span>${date}</span></li>`;
  const requests: Record<string, string[]> = {};
  const servers: (Server | TcpServer)[] = [];
  const bases: Record<string, string> = {};
  const record = (id: string, path: string) => {
    requests[id] = [...(requests[id] ?? []), path];
  };

  const http = async (
    id: string,
    handler: (path: string) => {
      status?: number;
      type?: string;
      body?: string | Buffer;
      headers?: Record<string, string>;
      delayMs?: number;
    },
  ) => {
    const server = createServer((request, response) => {
      const path = request.url ?? '/';
      record(id, path);
      if (path === '/robots.txt') {
        response.writeHead(404).end();
        return;
      }
      const answer = handler(path);
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status ?? 200, {
          'content-type': answer.type ?? 'text/html; charset=utf-8',
          ...(answer.headers ?? {}),
        });
        response.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    bases[id] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const tcp = async (id: string, onConnection: (socket: import('node:net').Socket) => void) => {
    const server = createTcpServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', (chunk) => {
        const line = chunk.toString('latin1').split('\r\n')[0] ?? '';
        const path = line.split(' ')[1] ?? '/';
        record(id, path);
        if (path === '/robots.txt') {
          socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          return;
        }
        onConnection(socket);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    bases[id] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  // A healthy agency: the run must still find it.
  await http('healthy', (path) => (path === articlePath ? { body: article } : { body: `<ul>${listRow}</ul>` }));

  // 195 bytes that claim 100,000,000 pages; every further page is an empty list.
  await http('huge-pager', () => ({
    body: '<html><body><ul><li>暂无信息</li></ul><script>createPageHTML(100000000, 0, "index", "html");</script></body></html>',
  }));

  // One row holding every link (cheerio re-read the row's text per link before: quadratic).
  // Built before the site starts serving: the servers share this process's event loop with each other.
  const manyLinks = Buffer.from(
    `<html><body><ul><li><a href="${articlePath}">${escapeHtml(title)}</a> ${date} ${Array.from(
      { length: links },
      (_, i) => `<a href="/art/x/t${year + 1}0101_${i}.html">通知公告第${i}号</a> ${year + 1}-01-01 `,
    ).join('')}</li></ul></body></html>`,
  );
  await http('many-links', (path) => (path === articlePath ? { body: article } : { body: manyLinks }));

  const deep = (inner: string) => `<html><body>${'<div>'.repeat(depth)}${inner}${'</div>'.repeat(depth)}</body></html>`;
  const deepList = deep(`<ul>${listRow}</ul>`);
  const deepArticle = deep(`<h1>${escapeHtml(title)}</h1>${seedBodyHtml(text)}`);
  await http('deep-list', (path) => (path === articlePath ? { body: article } : { body: deepList }));
  await http('deep-article', (path) =>
    path === articlePath ? { body: deepArticle } : { body: `<ul>${listRow}</ul>` },
  );

  // Twenty list pages, each slow; the agency's budget must end it long before the 20 pages are done.
  await http('slow-pages', () => ({
    body: '<ul><li>暂无信息</li></ul><script>createPageHTML(20, 0, "index", "html");</script>',
    delayMs: slowMs,
  }));

  await http('compat-redirect', () => ({
    status: 302,
    headers: { location: 'http://[::169.254.169.254]/latest/meta-data/' },
  }));

  const plain = `${title}\n（本文曾被篡改，插入过 <script>alert("x")</script> 代码，已清除。）\n${text}`;
  await http('plain-script', () => ({ type: 'text/plain; charset=utf-8', body: plain }));

  await tcp('parse-error', (socket) => socket.end('THIS IS NOT HTTP\r\n\x00\x01\x02\r\n\r\n'));
  await tcp('reset', (socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><body>');
    setTimeout(() => socket.destroy(), 20);
  });

  const expected: HostileSite['expected'] = {
    healthy: 'found',
    'huge-pager': 'not-found',
    'many-links': 'found',
    'deep-list': 'found',
    'deep-article': 'found',
    'slow-pages': 'unreachable',
    'compat-redirect': 'blocked',
    'plain-script': 'found',
    'parse-error': 'unreachable',
    reset: 'unreachable',
  };
  const entry = (id: string) => {
    const base = bases[id] as string;
    const head = `  - id: ${id}\n    name: 卢氏县乡村振兴局\n    level: county-department\n    region: 河南省/三门峡市/卢氏县\n`;
    if (id === 'plain-script') return `${head}    listUrls: []\n    reportUrls:\n      "${year}": ${base}/report.txt`;
    return `${head}    listUrls:\n      - ${base}/list/index.html`;
  };
  const registryYaml = [
    'respectRobots: true',
    'allowHosts:',
    '  - 127.0.0.1',
    'agencies:',
    ...Object.keys(expected).map(entry),
    '',
  ].join('\n');

  return {
    year,
    registryYaml,
    expected,
    requests,
    reportTitle: title,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              (server as Server).closeAllConnections?.();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
