/**
 * Site generation for 10,000 agencies: a synthetic population (states with history, parsed results,
 * snapshot metadata, four weekly run manifests) in an in-memory store, then generateSite, timed. Then the
 * same into a temporary folder (FileSystemStore) to include real file writes. Prints time, pages and size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSite } from '../shared/site/generate.ts';
import { FileSystemStore } from '../shared/storage/fs-store.ts';
import { InMemoryStore, writeSyntheticPopulation } from '../test/support/synthetic-store.ts';

const AGENCIES = Number(process.env.SITE_BENCH_AGENCIES ?? 10_000);
const NOW = new Date('2025-05-12T02:00:00Z');

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export async function run(): Promise<void> {
  const memory = new InMemoryStore();
  let started = performance.now();
  const agencies = await writeSyntheticPopulation(memory, { agencies: AGENCIES, year: 2024, now: NOW });
  let inputBytes = 0;
  for (const body of memory.objects.values()) inputBytes += body.byteLength;
  console.log(
    `synthetic store: ${AGENCIES} agencies, ${memory.objects.size} objects, ${mb(inputBytes)} (built in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );

  started = performance.now();
  const inMemory = await generateSite(memory, { registry: { agencies }, now: NOW });
  const memorySeconds = (performance.now() - started) / 1000;
  console.log(
    `site (in-memory store): ${inMemory.pages} pages, ${inMemory.files} files, ${mb(inMemory.bytes)} in ${memorySeconds.toFixed(1)} s (${Math.round(inMemory.pages / memorySeconds)} pages/s)`,
  );

  const root = mkdtempSync(path.join(tmpdir(), 'nianbao-site-bench-'));
  try {
    const disk = new FileSystemStore(root);
    for (const [key, body] of memory.objects) if (!key.startsWith('site/')) await disk.put(key, body);
    started = performance.now();
    const onDisk = await generateSite(disk, { registry: { agencies }, now: NOW });
    const diskSeconds = (performance.now() - started) / 1000;
    console.log(
      `site (FileSystemStore): ${onDisk.pages} pages, ${mb(onDisk.bytes)} in ${diskSeconds.toFixed(1)} s; peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
    );
    const size = (key: string) => memory.objects.get(key)?.byteLength ?? 0;
    const biggest = (ext: string) =>
      [...memory.objects.keys()]
        .filter((key) => key.startsWith('site/region/') && key.endsWith(ext))
        .reduce((a, b) => (size(b) > size(a) ? b : a), '');
    const largest = ['site/index.html', 'site/year-2024.html', 'site/agencies.html', 'site/evaluation-2024.html']
      .concat(biggest('.html'), biggest('.xlsx'))
      .map((key) => `${key.slice('site/'.length)} ${mb(size(key))}`);
    console.log(`largest single files: ${largest.join(', ')}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
