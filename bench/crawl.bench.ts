/**
 * Crawl benchmark: 10,000 agencies on 200 hosts of a local fixture server, scanned by runScan with the
 * real polite HTTP client (per-host concurrency 1 and a per-host delay), snapshots stored, no parsing.
 *
 * Each host is its own node:http server on 127.0.0.1 with its own port (the client keys politeness on
 * host:port, so these are 200 distinct hosts to it). Every agency has a list page (TRS-style, with
 * notices and last year's report beside this year's) and an article page with the report inline.
 *
 * Prints wall time against the politeness floor (the busiest host's pages × delay), pages/s and peak
 * RSS. Goal: within 1.3× of the floor, under 300 MB.
 *
 * The store is a FileSystemStore on a temp dir (CRAWL_STORE=memory keeps everything in RAM instead).
 * Environment: CRAWL_AGENCIES (10000), CRAWL_HOSTS (200), CRAWL_DELAY_MS (500: the gentle end of the 0.5–2 s sites expect; at 20 ms the
 * 200 hosts would demand 10,000 pages/s, far beyond what one Node process parses), CRAWL_CONCURRENCY (hosts + 56).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpClient } from '../shared/fetch/http.ts';
import { runScan } from '../shared/fetch/scan.ts';
import type { Agency, Registry } from '../shared/registry/agency.ts';
import { DEFAULT_DEADLINES } from '../shared/registry/load.ts';
import { FileSystemStore } from '../shared/storage/fs-store.ts';
import type { ObjectStore } from '../shared/storage/port.ts';

/** An in-memory ObjectStore (the bench measures crawling, not disk), indexed by folder so list() stays cheap. */
class MemoryStore implements ObjectStore {
  readonly location = 'memory:';
  private readonly folders = new Map<string, Map<string, Uint8Array>>();
  private folder(key: string): Map<string, Uint8Array> {
    const dir = key.slice(0, key.lastIndexOf('/') + 1);
    let folder = this.folders.get(dir);
    if (!folder) {
      folder = new Map();
      this.folders.set(dir, folder);
    }
    return folder;
  }
  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.folder(key).set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.folder(key).get(key);
  }
  async has(key: string): Promise<boolean> {
    return this.folder(key).has(key);
  }
  async list(prefix: string): Promise<string[]> {
    // The scan lists whole folders (raw/{year}/{agencyId}/): answer those without a scan.
    const exact = this.folders.get(prefix);
    if (exact && prefix.endsWith('/') && ![...exact.keys()].some((k) => k.slice(prefix.length).includes('/')))
      return [...exact.keys()].sort();
    if (prefix.endsWith('/') && !exact && prefix.split('/').length > 3) return [];
    const keys: string[] = [];
    for (const [dir, folder] of this.folders) {
      if (dir.startsWith(prefix) || prefix.startsWith(dir))
        for (const key of folder.keys()) if (key.startsWith(prefix)) keys.push(key);
    }
    return keys.sort();
  }
  async delete(key: string): Promise<void> {
    this.folder(key).delete(key);
  }
  get size(): number {
    let bytes = 0;
    for (const folder of this.folders.values()) for (const value of folder.values()) bytes += value.byteLength;
    return bytes;
  }
}

const YEAR = 2023;
const REPORT_BODY = [
  '<p>一、总体情况</p><p>（一）主动公开：本年度主动公开政府信息。</p><p>（二）依申请公开：依法办理。</p>',
  '<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>',
  '<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr><tr><td>行政规范性文件</td><td>2</td><td>0</td><td>5</td></tr></table>',
  '<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>',
  '<p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p>',
].join('');

function listPage(agency: number): string {
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

function articlePage(agency: number): string {
  const title = `示例县第${agency}局${YEAR}年政府信息公开工作年度报告`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ArticleTitle" content="${title}"><meta name="PubDate" content="${YEAR + 1}-01-26 10:30"><title>${title}</title></head><body><h1>${title}</h1><div class="info">发布时间：${YEAR + 1}-01-26 10:30</div><div class="TRS_Editor">${REPORT_BODY}</div></body></html>`;
}

export async function run(): Promise<void> {
  const agencyCount = Number(process.env.CRAWL_AGENCIES ?? 10_000);
  const hostCount = Number(process.env.CRAWL_HOSTS ?? 200);
  const delayMs = Number(process.env.CRAWL_DELAY_MS ?? 500);
  const concurrency = Number(process.env.CRAWL_CONCURRENCY ?? hostCount + 56);

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

  const agencies: Agency[] = Array.from({ length: agencyCount }, (_, i) => ({
    id: `a${i}`,
    name: `示例县第${i}局`,
    level: 'county-department',
    region: ['示例省', '示例市', '示例县'],
    listUrls: [`${bases[i % hostCount]}/c${i}/index.html`],
  }));
  const registry: Registry = {
    deadlines: { ...DEFAULT_DEADLINES },
    respectRobots: true,
    allowHosts: ['127.0.0.1'],
    recipients: [],
    agencies,
  };
  const http = createHttpClient({
    allowHosts: registry.allowHosts,
    perHostDelayMs: delayMs,
    perHostConcurrency: 1,
    globalConcurrency: concurrency,
    timeoutMs: 30_000,
  });
  const useMemory = process.env.CRAWL_STORE === 'memory';
  const tempDir = useMemory ? null : await mkdtemp(join(tmpdir(), 'nianbao-crawl-'));
  const store: ObjectStore & { size?: number } = tempDir ? new FileSystemStore(tempDir) : new MemoryStore();
  const statuses: Record<string, number> = {};
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const manifest = await runScan({
    registry,
    year: YEAR,
    store,
    http,
    now: () => new Date(),
    concurrency,
    process: false,
    onOutcome: (outcome) => {
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
    },
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  http.close();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  const storedBytes = store.size ?? (await store.list('raw/')).length;
  if (tempDir) await rm(tempDir, { recursive: true, force: true });

  const pages = requestsPerHost.reduce((a, b) => a + b, 0);
  const busiest = Math.max(...requestsPerHost);
  const floorMs = busiest * delayMs;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `agencies ${agencyCount} on ${hostCount} hosts, per-host delay ${delayMs} ms, concurrency ${concurrency}; outcomes ${JSON.stringify(statuses)}`,
  );
  console.log(
    `pages ${pages} (busiest host ${busiest}); ${manifest.outcomes.length} outcomes; store ${
      tempDir ? `temp dir (${storedBytes} raw objects)` : `in memory (${(storedBytes / 1e6).toFixed(1)} MB)`
    }`,
  );
  console.log(
    `wall ${(wallMs / 1000).toFixed(2)} s vs politeness floor ${(floorMs / 1000).toFixed(2)} s = ${(wallMs / floorMs).toFixed(2)}× (goal ≤ 1.3×)`,
  );
  console.log(`${(pages / (wallMs / 1000)).toFixed(0)} pages/s; peak RSS ${peakRssMb.toFixed(0)} MB (goal < 300 MB)`);
  console.log(
    `CPU ${(cpuMs / 1000).toFixed(2)} s (${(cpuMs / pages).toFixed(2)} ms/page incl. the fixture servers; ${((cpuMs / wallMs) * 100).toFixed(0)}% of one core)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
