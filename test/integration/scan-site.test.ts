/**
 * runScan against the demo agency site on loopback (real node:http server, real HTTP client, real
 * filesystem store in a temp dir): statuses, snapshots and metadata, publish dates, GBK, attachments,
 * the metadata-address redirect, and a second run that stores nothing new and uses conditional GETs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgencySite, type SiteRequest, startAgencySite } from '../../demo/agency-site.ts';
import { createHttpClient } from '../../shared/fetch/http.ts';
import { type PageCacheRecord, pageCacheKey } from '../../shared/fetch/page-cache.ts';
import { runScanAndParse } from '../../shared/pipeline/scan-run.ts';
import type { Registry } from '../../shared/registry/agency.ts';
import { loadRegistry } from '../../shared/registry/load.ts';
import { PARSER_VERSION } from '../../shared/report/parse.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { keys, PAGE_CACHE_PREFIX } from '../../shared/storage/keys.ts';
import { getJson } from '../../shared/storage/port.ts';
import type { ReportResult, RunManifest, SnapshotMeta } from '../../shared/storage/records.ts';

const YEAR = 2023;
let site: AgencySite;
let dir: string;
let store: FileSystemStore;
let registry: Registry;
let first: RunManifest;
let firstRunRequests: number;
let secondRun: RunManifest;
let secondRunEnd: number;

function client() {
  return createHttpClient({
    allowHosts: registry.allowHosts,
    perHostDelayMs: 1,
    timeoutMs: 3000,
    maxBytes: 4 * 1024 * 1024,
    retries: 3,
    retryBaseDelayMs: 5,
  });
}

function outcome(manifest: RunManifest, id: string) {
  const found = manifest.outcomes.find((o) => o.agencyId === id);
  if (!found) throw new Error(`no outcome for ${id}`);
  return found;
}

async function meta(key: string): Promise<SnapshotMeta> {
  const parts = /^raw\/(\d{4})\/([^/]+)\/([0-9a-f]{64})\./.exec(key);
  if (!parts) throw new Error(`bad key ${key}`);
  const value = await getJson<SnapshotMeta>(
    store,
    keys.rawMeta(Number(parts[1]), parts[2] as string, parts[3] as string),
  );
  if (!value) throw new Error(`no meta for ${key}`);
  return value;
}

beforeAll(async () => {
  site = await startAgencySite({ year: YEAR });
  registry = loadRegistry(site.registryYaml, 'demo.yaml');
  dir = await mkdtemp(join(tmpdir(), 'nianbao-scan-'));
  store = new FileSystemStore(dir);
  first = await runScanAndParse({ registry, year: YEAR, store, http: client(), now: () => new Date(), concurrency: 6 });
  firstRunRequests = site.requests.length;
});

afterAll(async () => {
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('scan of the demo site', () => {
  it('ends every agency with the expected status, none dropped', () => {
    expect(first.outcomes.map((o) => o.agencyId).sort()).toEqual(registry.agencies.map((a) => a.id).sort());
    const statuses = Object.fromEntries(first.outcomes.map((o) => [o.agencyId, o.status]));
    const expected = Object.fromEntries(site.agencies.map((a) => [a.id, a.expectedStatus]));
    expect(statuses).toEqual(expected);
    for (const o of first.outcomes.filter((x) => x.status !== 'found')) expect(o.error, o.agencyId).toBeTruthy();
  });

  it('records what robots.txt said', () => {
    expect(outcome(first, 'lushi-xczx').robots).toEqual({ allowed: true, rule: null, respected: true });
  });

  it('stores the run manifest', async () => {
    const stored = await getJson<RunManifest>(store, keys.run(first.runId));
    expect(stored?.outcomes).toHaveLength(registry.agencies.length);
  });

  it('stores each found report with metadata: publish date, its source, type, and why it was chosen', async () => {
    for (const info of site.agencies.filter((a) => a.expectedStatus === 'found')) {
      const o = outcome(first, info.id);
      expect(o.snapshots.length, info.id).toBeGreaterThan(0);
      const key = o.snapshots[0] as string;
      expect(await store.has(key), key).toBe(true);
      expect(key.split('.').pop(), info.id).toBe(info.documents?.[0]);
      const m = await meta(key);
      expect(m.agencyId).toBe(info.id);
      expect(m.publishDate, info.id).toBe(info.publishDate);
      expect(m.publishDateSource, info.id).toBe(info.publishDateSource);
      expect(m.chosenBecause, info.id).toMatch(/选中|指定/);
      expect(
        m.otherDates.some((d) => d.source === 'meta-pubdate'),
        info.id,
      ).toBe(true);
    }
  });

  it('decodes the GBK article and records the charset', async () => {
    const key = outcome(first, 'longde-shanhe').snapshots[0] as string;
    const m = await meta(key);
    expect(m.charset?.toLowerCase()).toMatch(/gbk|gb18030|gb2312/);
    const bytes = (await store.get(key)) as Uint8Array;
    const text = new TextDecoder('gb18030').decode(bytes);
    expect(text).toContain('隆德县山河乡');
    expect(text).not.toContain('\uFFFD');
    expect(outcome(first, 'longde-shanhe').findings.map((f) => f.rule)).not.toContain('fetch.encoding-suspect');
  });

  it('keeps the PDF and the extension-less DOCX download as real files', async () => {
    const pdf = (await store.get(outcome(first, 'lushi-gxkj').snapshots[0] as string)) as Uint8Array;
    expect(new TextDecoder('latin1').decode(pdf.subarray(0, 5))).toBe('%PDF-');
    const docxKey = outcome(first, 'lushi-gfdy').snapshots[0] as string;
    expect(docxKey.endsWith('.docx')).toBe(true);
    const docx = (await store.get(docxKey)) as Uint8Array;
    expect([docx[0], docx[1]]).toEqual([0x50, 0x4b]);
  });

  it('recognises a tiny HTML "download" as an error page and keeps only the real PDF', () => {
    const gxkj = outcome(first, 'lushi-gxkj');
    expect(gxkj.findings.map((f) => f.rule)).toContain('fetch.error-page');
    expect(gxkj.snapshots).toHaveLength(1);
  });

  it('flags a page whose declared charset is wrong', () => {
    const wglj = outcome(first, 'lushi-wglj');
    expect(wglj.status).toBe('not-found');
    expect(wglj.findings.map((f) => f.rule)).toContain('fetch.encoding-suspect');
  });

  it('keeps every candidate as evidence and says why one was chosen', () => {
    const xczx = outcome(first, 'lushi-xczx');
    const chosen = xczx.candidates?.filter((c) => c.chosen) ?? [];
    expect(chosen).toHaveLength(1);
    expect(chosen[0]?.title).toBe('卢氏县乡村振兴局2023年政府信息公开工作年度报告');
    // The shared county column also lists other agencies' and last year's reports.
    expect(xczx.candidates?.some((c) => c.title.startsWith('卢氏县财政局'))).toBe(true);
    expect(xczx.chosenBecause).toContain('卢氏县乡村振兴局');
  });

  it('flags the header-table / PubDate disagreement and the JavaScript-rendered list', () => {
    expect(outcome(first, 'lushi-gfdy').findings.map((f) => f.rule)).toContain('fetch.date-disagreement');
    const js = outcome(first, 'gd-jsshell');
    expect(js.findings.map((f) => f.rule)).toContain('fetch.js-rendered-list');
    expect(js.error).toMatch(/JavaScript/);
  });

  it('blocks the redirect to the metadata address and stores nothing for it', async () => {
    const o = outcome(first, 'meta-county');
    expect(o.status).toBe('blocked');
    expect(o.error).toContain('169.254.169.254');
    expect(await store.list(keys.rawAgencyPrefix(YEAR, 'meta-county'))).toEqual([]);
    expect(await store.list(keys.rawAgencyPrefix(YEAR, 'big-county'))).toEqual([]);
    expect(outcome(first, 'big-county').error).toMatch(/大小上限/);
    expect(outcome(first, 'loop-county').error).toMatch(/重定向/);
    expect(outcome(first, 'bot-county').status).toBe('blocked');
  });

  it('fetches a shared county column once per run for all its agencies', () => {
    const firstRun = site.requests.slice(0, firstRunRequests);
    expect(firstRun.filter((r) => r.path === '/lushi/xxgk/ndbg/index.html')).toHaveLength(1);
    expect(firstRun.filter((r) => r.path === '/lushi/xxgk/ndbg/index_1.html')).toHaveLength(1);
  });

  it('retried the flapping list and found the report', () => {
    const govList = site.requests.filter((r) => r.path === '/lushi/gov/ndbg/index.html');
    expect(govList.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('parsed every stored document and stored the result with the parser version', async () => {
    for (const info of site.agencies.filter((a) => a.expectedStatus === 'found')) {
      const key = outcome(first, info.id).snapshots[0] as string;
      const sha = (await meta(key)).sha256;
      const result = await getJson<ReportResult>(store, keys.result(YEAR, info.id, sha));
      expect(result?.parserVersion, info.id).toBe(PARSER_VERSION);
      expect(result?.report, `${info.id}: ${JSON.stringify(result?.findings.slice(0, 2))}`).not.toBeNull();
      expect(result?.report?.title ?? '', info.id).toContain(info.name);
    }
  });

  it('re-running stores no new objects and re-fetches documents conditionally', async () => {
    const before = (await store.list('raw/')).length;
    const resultsBefore = (await store.list('results/')).length;
    const second = await runScanAndParse({
      registry,
      year: YEAR,
      store,
      http: client(),
      now: () => new Date(),
      concurrency: 6,
    });
    expect(Object.fromEntries(second.outcomes.map((o) => [o.agencyId, o.status]))).toEqual(
      Object.fromEntries(first.outcomes.map((o) => [o.agencyId, o.status])),
    );
    expect((await store.list('raw/')).length).toBe(before);
    expect((await store.list('results/')).length).toBe(resultsBefore);
    const again = site.requests.slice(firstRunRequests);
    const pdf = again.filter(
      (r) => r.path.endsWith('.pdf') && r.path.startsWith('/lushi/') && !r.path.includes('missing'),
    );
    expect(pdf.length).toBeGreaterThan(0);
    expect(pdf.every((r) => r.conditional && r.status === 304)).toBe(true);
    const docx = again.filter((r) => r.path.includes('downfile.jsp') && r.path.includes('.docx'));
    expect(docx.length).toBeGreaterThan(0);
    expect(docx.every((r) => r.conditional && r.status === 304)).toBe(true);
    for (const o of second.outcomes.filter((x) => x.status === 'found')) {
      expect(o.snapshots, o.agencyId).toEqual(outcome(first, o.agencyId).snapshots);
      const m = await meta(o.snapshots[0] as string);
      // Seen again unchanged: the metadata is not rewritten (no parse event); the run records the sighting.
      expect(m.timesSeen, o.agencyId).toBe(1);
    }
    secondRun = second;
    secondRunEnd = site.requests.length;
  });

  it('re-running revalidates list and article pages from the page cache (304s, same outcomes)', async () => {
    const firstRun = site.requests.slice(0, firstRunRequests);
    const again = site.requests.slice(firstRunRequests, secondRunEnd);
    const pagesServed200 = (requests: SiteRequest[]) =>
      new Set(requests.filter((r) => r.status === 200 && isPage(r.path)).map((r) => r.path));
    // Every list and article page served in full on run 1 is asked for conditionally on run 2 and not resent.
    const pages = [...pagesServed200(firstRun)];
    expect(pages).toContain('/lushi/xxgk/ndbg/index.html');
    expect(pages).toContain('/lushi/xxgk/ndbg/index_1.html');
    expect(pages.filter((p) => !p.includes('/ndbg/index') && !p.includes('/col/')).length).toBeGreaterThan(2);
    for (const path of pages) {
      const asked = again.filter((r) => r.path === path);
      expect(asked.length, path).toBeGreaterThan(0);
      for (const r of asked) {
        expect(r.conditional, path).toBe(true);
        expect(r.ifNoneMatch ?? r.ifModifiedSince, path).toBeTruthy();
        expect([r.status, r.bytes], path).toEqual([304, 0]);
      }
    }
    expect(pagesServed200(again).size).toBe(0);
    // Same findings and evidence as run 1: the cached body is what was served.
    for (const o of secondRun.outcomes) {
      const was = outcome(first, o.agencyId);
      expect(o.findings.map((f) => f.rule).sort(), o.agencyId).toEqual(was.findings.map((f) => f.rule).sort());
      expect(o.candidates, o.agencyId).toEqual(was.candidates);
    }
    const cacheKeys = await store.list(PAGE_CACHE_PREFIX);
    expect(cacheKeys.length).toBeGreaterThanOrEqual(pages.length);
    expect(cacheKeys.every((k) => /^http-cache\/[0-9a-f]{64}\.json$/.test(k))).toBe(true);
    const bytes = (requests: SiteRequest[]) => requests.reduce((sum, r) => sum + r.bytes, 0);
    // The oversized-file agency streams megabytes until the client's limit on every run; shown apart.
    const rest = (requests: SiteRequest[]) => requests.filter((r) => !r.path.startsWith('/big/upload/'));
    const figures = (requests: SiteRequest[]) =>
      `${requests.length} requests (${requests.filter((r) => r.status === 304).length} × 304), ${bytes(requests)} body bytes`;
    // Measured effect (shown with --reporter=verbose); the assertions above are what the test checks.
    console.log(
      `demo site, all: run 1 ${figures(firstRun)}; run 2 ${figures(again)}\n` +
        `demo site, without the oversized file: run 1 ${figures(rest(firstRun))}; run 2 ${figures(rest(again))}\n` +
        `run 2 answered 200: ${again
          .filter((r) => r.status === 200)
          .map((r) => `${r.path} (${r.bytes})`)
          .join(', ')}`,
    );
  });

  it('falls back to a full GET when the stored copy is unusable (damaged cache record, snapshot bytes gone)', async () => {
    const listKey = pageCacheKey(`${site.baseUrl}/lushi/xxgk/ndbg/index.html`);
    const record = await getJson<PageCacheRecord>(store, listKey);
    expect(record?.etag).toBeTruthy();
    await store.put(
      listKey,
      JSON.stringify({ ...record, body: Buffer.from('<html>tampered</html>').toString('base64') }),
    );
    const pdfKey = (await store.list(keys.rawAgencyPrefix(YEAR, 'lushi-gxkj'))).find((k) => k.endsWith('.pdf'));
    expect(pdfKey).toBeTruthy();
    await store.delete(pdfKey as string);
    const start = site.requests.length;
    const third = await runScanAndParse({
      registry,
      year: YEAR,
      store,
      http: client(),
      now: () => new Date(),
      concurrency: 6,
    });
    const run = site.requests.slice(start);
    const list = run.filter((r) => r.path === '/lushi/xxgk/ndbg/index.html');
    expect(list.map((r) => [r.status, r.conditional])).toEqual([[200, false]]);
    const pdfPath = (await meta(pdfKey as string)).url;
    const pdf = run.filter((r) => r.path === new URL(pdfPath).pathname);
    expect(pdf.map((r) => [r.status, r.conditional])).toEqual([
      [304, true],
      [200, false],
    ]);
    expect(Object.fromEntries(third.outcomes.map((o) => [o.agencyId, o.status]))).toEqual(
      Object.fromEntries(first.outcomes.map((o) => [o.agencyId, o.status])),
    );
    expect(await store.has(pdfKey as string)).toBe(true);
    expect((await getJson<PageCacheRecord>(store, listKey))?.sha256).toBe(record?.sha256);
  });
});

function isPage(path: string): boolean {
  return path.endsWith('.html') || path.endsWith('.htm') || path.endsWith('/index');
}
