/**
 * Demo-site options and the other scan entry points: chosen publish dates flow through to the stored
 * metadata, a registry reportUrl pointing straight at a file is fetched without a list, and another
 * year is served (years shifted) and found.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgencySite, startAgencySite } from '../../demo/agency-site.ts';
import { createHttpClient } from '../../shared/fetch/http.ts';
import { runScan } from '../../shared/fetch/scan.ts';
import { loadRegistry } from '../../shared/registry/load.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { keys } from '../../shared/storage/keys.ts';
import { getJson } from '../../shared/storage/port.ts';
import type { SnapshotMeta } from '../../shared/storage/records.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setUp(options: Parameters<typeof startAgencySite>[0]) {
  const site: AgencySite = await startAgencySite(options);
  const dir = await mkdtemp(join(tmpdir(), 'nianbao-scan-opt-'));
  cleanups.push(
    () => site.close(),
    () => rm(dir, { recursive: true, force: true }),
  );
  const registry = loadRegistry(site.registryYaml);
  const store = new FileSystemStore(dir);
  const http = createHttpClient({
    allowHosts: registry.allowHosts,
    perHostDelayMs: 1,
    retryBaseDelayMs: 5,
    timeoutMs: 3000,
  });
  return { site, registry, store, http };
}

async function firstMeta(store: FileSystemStore, year: number, id: string): Promise<SnapshotMeta> {
  const metaKey = (await store.list(keys.rawAgencyPrefix(year, id))).find((k) => k.endsWith('.meta.json'));
  const meta = metaKey ? await getJson<SnapshotMeta>(store, metaKey) : undefined;
  if (!meta) throw new Error(`no snapshot for ${id}`);
  return meta;
}

describe('scan options', () => {
  it('uses the publish dates the caller chose for the site', async () => {
    const { registry, store, http } = await setUp({
      publishDates: { 'lushi-xczx': '2024-02-05 15:20', 'longde-shanhe': '2024-01-02 08:00' },
      agencyIds: ['lushi-xczx', 'longde-shanhe'],
    });
    expect(registry.agencies.map((a) => a.id)).toEqual(['lushi-xczx', 'longde-shanhe']);
    const manifest = await runScan({ registry, year: 2023, store, http, now: () => new Date() });
    expect(manifest.outcomes.map((o) => o.status)).toEqual(['found', 'found']);
    expect((await firstMeta(store, 2023, 'lushi-xczx')).publishDate).toBe('2024-02-05T15:20:00+08:00');
    const shanhe = await firstMeta(store, 2023, 'longde-shanhe');
    expect(shanhe.publishDate).toBe('2024-01-02T08:00:00+08:00');
    expect(shanhe.url).toContain('/art/2024/1/2/');
  });

  it('fetches a registry reportUrl directly and dates it from Last-Modified', async () => {
    const { registry, store, http } = await setUp({ agencyIds: ['lushi-gxkj'] });
    // Find the PDF through a normal scan first, then point a second agency straight at it.
    await runScan({ registry, year: 2023, store, http, now: () => new Date() });
    const pdfUrl = (await firstMeta(store, 2023, 'lushi-gxkj')).url;
    registry.agencies.push({
      id: 'direct-pdf',
      name: '直接地址测试局',
      level: 'county-department',
      region: ['河南省'],
      listUrls: [],
      reportUrls: { '2023': pdfUrl },
    });
    const manifest = await runScan({
      registry,
      year: 2023,
      store,
      http,
      agencyIds: ['direct-pdf'],
      now: () => new Date(),
    });
    expect(manifest.outcomes[0]?.status).toBe('found');
    const meta = await firstMeta(store, 2023, 'direct-pdf');
    expect(meta.key.endsWith('.pdf')).toBe(true);
    expect(meta.publishDateSource).toBe('last-modified');
    expect(meta.publishDate).toBe('2024-01-18T09:00:00+08:00');
    expect(meta.chosenBecause).toContain('指定');
  });

  it('serves and finds another year (years shifted), with attachments replaced by inline bodies', async () => {
    const { site, registry, store, http } = await setUp({
      year: 2024,
      agencyIds: ['lushi-gov', 'lushi-gxkj', 'lushi-wglj'],
    });
    const manifest = await runScan({ registry, year: 2024, store, http, now: () => new Date() });
    expect(Object.fromEntries(manifest.outcomes.map((o) => [o.agencyId, o.status]))).toEqual({
      'lushi-gov': 'found',
      'lushi-gxkj': 'found',
      'lushi-wglj': 'not-found',
    });
    const gxkj = await firstMeta(store, 2024, 'lushi-gxkj');
    expect(gxkj.title).toContain('2024');
    expect(gxkj.key.endsWith('.html')).toBe(true);
    expect(site.agencies.find((a) => a.id === 'lushi-gov')?.publishDate).toBe('2025-03-15T11:00:00+08:00');
    expect((await firstMeta(store, 2024, 'lushi-gov')).publishDate).toBe('2025-03-15T11:00:00+08:00');
  });
});
