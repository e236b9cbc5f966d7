/**
 * Hostile and broken sites on loopback (test/support/hostile-site.ts) scanned in ONE run by a real child
 * process (test/support/hostile-scan.ts: runScan with fetch and parse, real HTTP, filesystem store), so
 * the peak RSS measured is the whole scan's. The run must end with its record written, every agency
 * accounted for with a Chinese reason, the healthy agency found, and the caps and the budget holding.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../shared/fetch/run-record.ts';
import type { ScanOutcome } from '../../shared/fetch/scan.ts';
import type { ReportResult } from '../../shared/storage/records.ts';
import { type HostileSite, startHostileSite } from '../support/hostile-site.ts';

const run = promisify(execFile);
const BUDGET_MS = 12_000;
const LINKS = 200_000;
const SLOW_MS = 1500;

let site: HostileSite;
let dir: string;
let record: RunRecord;
let child: { runId: string; state: string; elapsedMs: number; maxRssMb: number };

beforeAll(async () => {
  site = await startHostileSite({ links: LINKS, depth: 50_000, slowMs: SLOW_MS });
  dir = await mkdtemp(join(tmpdir(), 'nianbao-hostile-'));
  await writeFile(join(dir, 'registry.yaml'), site.registryYaml);
  const { stdout } = await run(
    process.execPath,
    ['test/support/hostile-scan.ts', join(dir, 'registry.yaml'), join(dir, 'store'), String(BUDGET_MS)],
    { env: { ...process.env, HOSTILE_YEAR: String(site.year) }, maxBuffer: 1 << 20, timeout: 110_000 },
  );
  child = JSON.parse(stdout.trim().split('\n').at(-1) as string);
  record = JSON.parse(await readFile(join(dir, 'store', 'runs', `${child.runId}.json`), 'utf8'));
  console.log(
    `hostile scan: ${child.elapsedMs} ms, peak RSS ${child.maxRssMb} MB; requests per site ${JSON.stringify(
      Object.fromEntries(Object.entries(site.requests).map(([id, paths]) => [id, paths.length])),
    )}`,
  );
}, 120_000);

afterAll(async () => {
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function outcome(id: string): ScanOutcome {
  const found = record.outcomes.find((o) => o.agencyId === id);
  if (!found) throw new Error(`no outcome for ${id}`);
  return found;
}

describe('one scan of hostile sites', () => {
  it('writes its run record, finished, with every agency and its expected status', () => {
    expect(record.state).toBe('finished');
    expect(record.agenciesTotal).toBe(Object.keys(site.expected).length);
    expect(Object.fromEntries(record.outcomes.map((o) => [o.agencyId, o.status]))).toEqual(site.expected);
    expect(record.notDone).toBeUndefined();
  });

  it('gives every agency that was not found a Chinese reason, never a Node engine message', () => {
    for (const o of record.outcomes.filter((x) => x.status !== 'found')) {
      expect(o.error, o.agencyId).toMatch(/[\u4e00-\u9fff]/);
      expect(o.error, o.agencyId).not.toMatch(/Parse Error|aborted|ECONN|socket hang up|Maximum call stack|HPE_/);
    }
    for (const o of record.outcomes) {
      for (const f of o.findings) expect(f.message, o.agencyId).not.toMatch(/Maximum call stack|Parse Error/);
    }
    // The engine's words are kept apart, for operators.
    expect(outcome('parse-error').error).toContain('HTTP 响应格式错误');
    expect(outcome('parse-error').errorDetail).toMatch(/HPE_|Parse Error/);
    expect(outcome('reset').error).toContain('连接被服务器中断');
    expect(outcome('reset').errorDetail).toMatch(/ECONNRESET|aborted/);
  });

  it('stays under 1 GB of peak RSS for the whole scan (measured in the child)', () => {
    expect(child.maxRssMb).toBeGreaterThan(0);
    expect(child.maxRssMb).toBeLessThan(1024);
  });

  it('still finds the healthy agency and parses its report', async () => {
    const healthy = outcome('healthy');
    expect(healthy.status).toBe('found');
    const result = await storedResult(healthy.snapshots[0] as string);
    expect(Object.keys(result.report?.sections ?? {})).toHaveLength(6);
  });

  it('walks no more than 20 pages of a list that declares 100,000,000', () => {
    const pager = outcome('huge-pager');
    expect(pager.pagesFetched).toBeLessThanOrEqual(20);
    expect(site.requests['huge-pager']?.filter((p) => p.startsWith('/list/')).length).toBeLessThanOrEqual(20);
    expect(pager.error).toBeTruthy();
  });

  it('reads a page of 200,000 links in one row with capped work and finds the report at its top', () => {
    const many = outcome('many-links');
    expect(many.status).toBe('found');
    expect(many.findings.some((f) => f.rule === 'fetch.page-limited')).toBe(true);
    expect(many.candidates?.some((c) => c.chosen && c.title === site.reportTitle)).toBe(true);
  });

  it('reads 50,000 nested <div> without a DOM: the list is scanned, the article archived', () => {
    const list = outcome('deep-list');
    expect(list.status).toBe('found');
    expect(list.findings.find((f) => f.rule === 'fetch.page-limited')?.message).toMatch(/嵌套超过/);
    const article = outcome('deep-article');
    expect(article.status).toBe('found');
    expect(article.snapshots).toHaveLength(1);
    expect(article.snapshots[0]).toMatch(/\.html$/);
  });

  it('stops an agency of 20 slow pages at its budget, unreachable, with a Chinese reason', () => {
    const slow = outcome('slow-pages');
    expect(slow.status).toBe('unreachable');
    expect(slow.error).toMatch(/超过本机关的抓取总时限（12 秒）/);
    expect(slow.findings.some((f) => f.rule === 'fetch.agency-budget')).toBe(true);
    // 20 pages × 1.5 s would be 30 s: the budget cut the walk short.
    expect(site.requests['slow-pages']?.filter((p) => p.startsWith('/list/')).length).toBeLessThan(20);
  });

  it('refuses a redirect to an IPv4-compatible metadata address', () => {
    const compat = outcome('compat-redirect');
    expect(compat.status).toBe('blocked');
    expect(compat.error).toMatch(/云元数据地址（IPv4 兼容地址内嵌 169\.254\.169\.254）/);
  });

  it('stores and parses a text/plain report that quotes <script> as text, sections intact', async () => {
    const plain = outcome('plain-script');
    expect(plain.snapshots[0]).toMatch(/\.txt$/);
    const result = await storedResult(plain.snapshots[0] as string);
    expect(result.report?.format).toBe('text');
    expect(Object.keys(result.report?.sections ?? {})).toHaveLength(6);
  });
});

async function storedResult(rawKey: string): Promise<ReportResult> {
  const [, year, agency, file] = /^raw\/(\d{4})\/([^/]+)\/([0-9a-f]{64})\./.exec(rawKey) ?? [];
  const folder = join(dir, 'store', 'results', year as string, agency as string);
  const name = (await readdir(folder)).find((f) => f.startsWith(file as string)) as string;
  return JSON.parse(await readFile(join(folder, name), 'utf8'));
}
