/**
 * processSnapshot on a real filesystem store: the result is written beside the snapshot with the
 * parser version, the previous year's stored report feeds the carry-over check, and processing is
 * idempotent per parser version.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftYears } from '../../demo/seed-html.ts';
import { processSnapshot } from '../../shared/pipeline/process-snapshot.ts';
import { PARSER_VERSION } from '../../shared/report/parse.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { keys } from '../../shared/storage/keys.ts';
import { getJson } from '../../shared/storage/port.ts';
import type { ReportResult } from '../../shared/storage/records.ts';
import { putSnapshot } from '../../shared/storage/snapshot.ts';

let dir: string;
let store: FileSystemStore;
let seed: string;

async function snapshot(year: number, text: string) {
  return putSnapshot(store, {
    year,
    agencyId: 'lushi-xczx',
    bytes: new TextEncoder().encode(text),
    ext: 'txt',
    meta: {
      url: `http://127.0.0.1/${year}.txt`,
      pageUrl: `http://127.0.0.1/${year}.txt`,
      title: null,
      fetchedAt: `${year + 1}-02-01T00:00:00.000Z`,
      publishDate: `${year + 1}-01-26T10:30:00+08:00`,
      publishDateSource: 'meta-pubdate',
      otherDates: [],
      contentType: 'text/plain; charset=utf-8',
      charset: 'utf-8',
      headers: {},
    },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nianbao-process-'));
  store = new FileSystemStore(dir);
  seed = await readFile(new URL('../../demo/seeds/000_8082592266180d8d.txt', import.meta.url), 'utf8');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('processSnapshot', () => {
  it('stores the parsed result with the parser version, once per version', async () => {
    const put = await snapshot(2023, seed);
    const first = await processSnapshot(store, put.key, {
      level: 'county-department',
      now: () => new Date('2024-03-01T00:00:00Z'),
    });
    expect(first.parserVersion).toBe(PARSER_VERSION);
    expect(first.report?.title).toContain('卢氏县乡村振兴局');
    const stored = await getJson<ReportResult>(store, keys.result(2023, 'lushi-xczx', put.sha256));
    expect(stored?.parsedAt).toBe('2024-03-01T00:00:00.000Z');
    const again = await processSnapshot(store, put.key, { now: () => new Date('2024-04-01T00:00:00Z') });
    expect(again.parsedAt).toBe('2024-03-01T00:00:00.000Z');
    const forced = await processSnapshot(store, put.key, { now: () => new Date('2024-04-01T00:00:00Z'), force: true });
    expect(forced.parsedAt).toBe('2024-04-01T00:00:00.000Z');
  });

  it("checks carry-over against the previous year's stored report", async () => {
    // 2022: the same report a year earlier, but with one application carried over into 2023.
    const carried = shiftYears(seed, -1).replace(
      /(四、结转下年度继续办理)\t\t0\t0\t0\t0\t0\t0\t0/,
      '$1\t\t1\t0\t0\t0\t0\t0\t1',
    );
    expect(carried).not.toBe(shiftYears(seed, -1));
    const previous = await snapshot(2022, carried);
    const previousResult = await processSnapshot(store, previous.key, { now: () => new Date() });
    expect(previousResult.report).not.toBeNull();
    const current = await snapshot(2023, seed);
    const result = await processSnapshot(store, current.key, { now: () => new Date(), force: true });
    expect(result.findings.map((f) => f.rule)).toContain('carryover.mismatch');
  });

  it('refuses keys that are not raw snapshots', async () => {
    await expect(processSnapshot(store, 'results/2023/x/abc.json', { now: () => new Date() })).rejects.toThrow();
  });
});
