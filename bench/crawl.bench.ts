/**
 * Crawl benchmark: 10,000 agencies on 200 hosts of a local fixture server, scanned by runScan with the
 * real polite HTTP client (per-host concurrency 1 and a per-host delay), snapshots stored, no parsing.
 *
 * Each host is its own node:http server on 127.0.0.1 with its own port (the client keys politeness on
 * host:port, so these are 200 distinct hosts to it), run in a child process (crawl-fixture.ts) so the
 * CPU and RSS printed are the crawler's own. Every agency has a list page (TRS-style, with
 * notices and last year's report beside this year's) and an article page with the report inline.
 *
 * Prints wall time against the politeness floor (the busiest host's pages × delay), pages/s and peak
 * RSS. Goal: within 1.3× of the floor, under 300 MB.
 *
 * The store is a FileSystemStore on a temp dir (CRAWL_STORE=memory keeps everything in RAM instead).
 * Environment: CRAWL_AGENCIES (10000), CRAWL_HOSTS (200), CRAWL_DELAY_MS (500: the gentle end of the 0.5–2 s sites expect; at 20 ms the
 * 200 hosts would demand 10,000 pages/s, far beyond what one Node process parses), CRAWL_CONCURRENCY (hosts + 8),
 * CRAWL_HEAP_MB (192; see run()).
 */

import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEGAL_DEADLINES } from '../shared/compliance/deadline.ts';
import { createHttpClient } from '../shared/fetch/http.ts';
import { runScan } from '../shared/fetch/scan.ts';
import type { Agency, Registry } from '../shared/registry/agency.ts';
import { FileSystemStore } from '../shared/storage/fs-store.ts';
import { sha256Hex } from '../shared/storage/hash.ts';
import type { ObjectStore, PutCondition, TaggedKey, Versioned } from '../shared/storage/port.ts';

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
  async listTagged(prefix: string): Promise<TaggedKey[]> {
    return (await this.list(prefix)).map((key) => ({ key, tag: sha256Hex(this.folder(key).get(key) as Uint8Array) }));
  }
  async delete(key: string): Promise<void> {
    this.folder(key).delete(key);
  }
  // Conditional writes: the stored array itself is the version (every put stores a new one).
  private readonly versions = new WeakMap<Uint8Array, string>();
  private counter = 0;
  async getVersioned(key: string): Promise<Versioned | undefined> {
    const body = this.folder(key).get(key);
    if (!body) return undefined;
    const version = this.versions.get(body) ?? String(++this.counter);
    this.versions.set(body, version);
    return { body, version };
  }
  async putIf(key: string, body: Uint8Array | string, condition: PutCondition): Promise<boolean> {
    const current = await this.getVersioned(key);
    const holds = 'ifNoneMatch' in condition ? !current : current?.version === condition.ifMatch;
    if (holds) await this.put(key, body);
    return holds;
  }
  get size(): number {
    let bytes = 0;
    for (const folder of this.folders.values()) for (const value of folder.values()) bytes += value.byteLength;
    return bytes;
  }
}

const YEAR = 2023;
const here = dirname(fileURLToPath(import.meta.url));

/**
 * Runs the crawl in a child process with a capped old space (CRAWL_HEAP_MB, default 192; 0 = in this
 * process, V8 defaults). The live heap of a 10,000-agency run is about 60 MB, but with V8's default
 * heuristics the heap grows to ~200 MB of mostly garbage before a full collection; a cap, as a Lambda
 * memory size or NODE_OPTIONS would set, keeps RSS honest without costing time.
 */
export async function run(): Promise<void> {
  const heapMb = Number(process.env.CRAWL_HEAP_MB ?? 192);
  if (heapMb > 0 && process.env.CRAWL_CHILD !== '1') {
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${heapMb}`],
      env: { ...process.env, CRAWL_CHILD: '1' },
      stdio: 'inherit',
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`crawl benchmark child exited with ${code}`);
    return;
  }
  await crawl();
}

async function crawl(): Promise<void> {
  const baselineRssMb = process.memoryUsage().rss / 1e6;
  const agencyCount = Number(process.env.CRAWL_AGENCIES ?? 10_000);
  const hostCount = Number(process.env.CRAWL_HOSTS ?? 200);
  const delayMs = Number(process.env.CRAWL_DELAY_MS ?? 500);
  const concurrency = Number(process.env.CRAWL_CONCURRENCY ?? hostCount + 8);

  // The fixture sites run in a child process: the figures below are the crawler's alone.
  const fixture = fork(join(here, 'crawl-fixture.ts'), [String(hostCount)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(message?: string) =>
    new Promise<T>((resolve, reject) => {
      fixture.once('message', (reply) => resolve(reply as T));
      fixture.once('error', reject);
      if (message) fixture.send(message);
    });
  const { bases } = await ask<{ bases: string[] }>();

  const agencies: Agency[] = Array.from({ length: agencyCount }, (_, i) => ({
    id: `a${i}`,
    name: `示例县第${i}局`,
    level: 'county-department',
    region: ['示例省', '示例市', '示例县'],
    listUrls: [`${bases[i % hostCount]}/c${i}/index.html`],
  }));
  const registry: Registry = {
    // Deadlines play no part in fetching; the law's table (not the registry loader: zod and yaml).
    deadlines: { ...LEGAL_DEADLINES },
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
  let peakHeap = 0;
  let peakExternal = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakExternal = Math.max(peakExternal, usage.external + usage.arrayBuffers);
  }, 250);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const manifest = await runScan({
    registry,
    year: YEAR,
    store,
    http,
    now: () => new Date(),
    concurrency,
    onOutcome: (outcome) => {
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
    },
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  http.close();
  const { requestsPerHost } = await ask<{ requestsPerHost: number[] }>('stats');
  fixture.send('close');
  const storedBytes = store.size ?? (await store.list('raw/')).length;
  if (tempDir) await rm(tempDir, { recursive: true, force: true });

  const pages = requestsPerHost.reduce((a, b) => a + b, 0);
  const busiest = Math.max(...requestsPerHost);
  const floorMs = busiest * delayMs;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const heapCap = process.execArgv.find((arg) => arg.startsWith('--max-old-space-size='));
  console.log(
    `agencies ${agencyCount} on ${hostCount} hosts${heapCap ? ` (crawler ${heapCap})` : ''}, per-host delay ${delayMs} ms, concurrency ${concurrency}; outcomes ${JSON.stringify(statuses)}`,
  );
  console.log(
    `pages ${pages} (busiest host ${busiest}); ${manifest.outcomes.length} outcomes; store ${
      tempDir ? `temp dir (${storedBytes} raw objects)` : `in memory (${(storedBytes / 1e6).toFixed(1)} MB)`
    }`,
  );
  console.log(
    `wall ${(wallMs / 1000).toFixed(2)} s vs politeness floor ${(floorMs / 1000).toFixed(2)} s = ${(wallMs / floorMs).toFixed(2)}× (goal ≤ 1.3×)`,
  );
  console.log(
    `${(pages / (wallMs / 1000)).toFixed(0)} pages/s; peak RSS ${peakRssMb.toFixed(0)} MB (goal < 300 MB; ${baselineRssMb.toFixed(0)} MB before the crawl); peak JS heap ${(peakHeap / 1e6).toFixed(0)} MB, buffers ${(peakExternal / 1e6).toFixed(0)} MB`,
  );
  console.log(
    `CPU ${(cpuMs / 1000).toFixed(2)} s (${(cpuMs / pages).toFixed(2)} ms/page; ${((cpuMs / wallMs) * 100).toFixed(0)}% of one core)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await (process.env.CRAWL_CHILD === '1' ? crawl() : run());
