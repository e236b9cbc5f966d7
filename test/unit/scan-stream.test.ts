/**
 * A local scan streams its finished outcomes out of memory as run parts (run-parts/{runId}/, the AWS
 * workers' format) and keeps its running record under runs/ small: the record's writes do not grow with
 * the number of agencies, and a scan killed mid-way leaves its finished outcomes in parts that the next
 * scan (or the notifier's consolidation) folds into its record, so none is lost.
 */
import { describe, expect, it } from 'vitest';
import { consolidateRunParts } from '../../shared/fetch/run-parts.ts';
import type { RunRecord } from '../../shared/fetch/run-record.ts';
import { runScan, type ScanHttp } from '../../shared/fetch/scan.ts';
import type { Agency, Registry } from '../../shared/registry/agency.ts';
import { InMemoryStore } from '../../shared/storage/memory-store.ts';

/** The in-memory store, remembering every write's key and size. */
class RecordingStore extends InMemoryStore {
  readonly writes: { key: string; bytes: number; body: Uint8Array | string }[] = [];
  onPut: ((key: string, body: Uint8Array | string) => void) | undefined;
  override async put(key: string, body: Uint8Array | string) {
    await super.put(key, body);
    this.writes.push({ key, bytes: typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength, body });
    this.onPut?.(key, body);
  }
  json<T>(key: string): T {
    return JSON.parse(new TextDecoder().decode(this.objects.get(key)));
  }
  /** What a process killed right now leaves behind. */
  copy(): RecordingStore {
    const copy = new RecordingStore();
    for (const [key, body] of this.objects) copy.objects.set(key, body);
    return copy;
  }
}

const agency = (id: string): Agency =>
  ({
    id,
    name: '卢氏县乡村振兴局',
    level: 'county-department',
    region: [],
    listUrls: [`http://${id}.test/list/`],
  }) as unknown as Agency;
const registryOf = (n: number) =>
  ({ agencies: Array.from({ length: n }, (_, i) => agency(`a${i}`)), allowHosts: [] }) as unknown as Registry;
const page = (url: string) => ({
  url,
  status: 200,
  headers: { 'content-type': 'text/html' },
  body: new TextEncoder().encode('<ul><li>暂无</li></ul>'),
});
const notFound: ScanHttp = { get: async (url) => page(url) };
const text = (body: Uint8Array | string) => (typeof body === 'string' ? body : new TextDecoder().decode(body));

describe('a local scan streaming its outcomes', () => {
  const PART = 25;
  const CONCURRENCY = 8;

  async function scan(n: number) {
    const store = new RecordingStore();
    let seen = 0;
    let written = 0;
    let maxInMemory = 0;
    store.onPut = (key, body) => {
      if (key.startsWith('run-parts/') && !key.endsWith('/plan.json'))
        written += (JSON.parse(text(body)) as RunRecord).outcomes.length;
    };
    // A clock that moves on with every reading, so time-triggered parts and heartbeats happen too.
    let t = Date.parse('2024-04-01T00:00:00.000Z');
    const record = await runScan({
      registry: registryOf(n),
      year: 2023,
      store,
      http: notFound,
      now: () => {
        t += 7;
        return new Date(t);
      },
      concurrency: CONCURRENCY,
      partOutcomes: PART,
      onOutcome: () => {
        seen++;
        maxInMemory = Math.max(maxInMemory, seen - written);
      },
    });
    const runKey = `runs/${record.runId}.json`;
    const runWrites = store.writes.filter((w) => w.key.startsWith('runs/'));
    // Everything written under runs/ before the final fold (the one manifest readers know) is the running record.
    const runningWrites = runWrites.slice(0, -1);
    const chunks = store.writes.filter((w) => w.key.startsWith('run-parts/') && !w.key.endsWith('/plan.json'));
    return { store, record, runKey, runWrites, runningWrites, chunks, maxInMemory };
  }

  it('writes a running record under runs/ whose size does not grow with the number of agencies', async () => {
    const small = await scan(40);
    const large = await scan(800);
    for (const { store, record, runKey, runWrites, n } of [
      { ...small, n: 40 },
      { ...large, n: 800 },
    ]) {
      expect(record.state).toBe('finished');
      expect(record.outcomes).toHaveLength(n);
      expect(runWrites.at(-1)?.key).toBe(runKey);
      expect(store.json<RunRecord>(runKey).outcomes).toHaveLength(n);
      expect(await store.list('run-parts/')).toEqual([]);
    }
    const largest = (writes: { bytes: number }[]) => Math.max(...writes.map((w) => w.bytes));
    expect(large.runningWrites.length).toBeGreaterThan(10);
    // The same small record (counts, heartbeat), a few digits longer at most.
    expect(largest(large.runningWrites)).toBeLessThan(largest(small.runningWrites) + 32);
    for (const w of large.runningWrites) expect(JSON.parse(text(w.body)).outcomes).toEqual([]);
  });

  it('holds at most about one part of finished outcomes in memory, and writes parts of at most that many', async () => {
    const { chunks, maxInMemory, record } = await scan(800);
    expect(chunks.length).toBeGreaterThanOrEqual(800 / PART);
    for (const c of chunks) expect((JSON.parse(text(c.body)) as RunRecord).outcomes.length).toBeLessThanOrEqual(PART);
    expect(maxInMemory).toBeLessThanOrEqual(2 * PART);
    expect(new Set(record.outcomes.map((o) => o.agencyId)).size).toBe(800);
  });
});

describe('a local scan killed mid-way', () => {
  /** A scan whose agencies from a6 on hang until released; returns the store as a kill would leave it. */
  async function killedScan() {
    const store = new RecordingStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const http: ScanHttp = {
      get: async (url) => {
        if (Number(/a(\d+)\.test/.exec(url)?.[1]) >= 6) await gate;
        return page(url);
      },
    };
    const running = runScan({
      registry: registryOf(10),
      year: 2023,
      store,
      http,
      now: () => new Date(),
      concurrency: 1,
      partOutcomes: 2,
      owner: { host: 'here', pid: 1 },
    });
    // Three parts of two (a0–a5) and the record counting them: then "kill -9".
    for (let i = 0; i < 500; i++) {
      const record = (await store.list('runs/'))[0];
      if (record && Object.values(store.json<RunRecord>(record).counts ?? {}).reduce((a, b) => a + (b ?? 0), 0) >= 6)
        break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const left = store.copy();
    release();
    await running;
    const runKey = (await left.list('runs/'))[0] as string;
    return { left, runKey };
  }

  it('leaves its finished outcomes in run parts, folded by the next scan into its interrupted record', async () => {
    const { left, runKey } = await killedScan();
    const killed = left.json<RunRecord>(runKey);
    expect(killed.state).toBe('running');
    expect(killed.outcomes).toEqual([]);
    expect((await left.list('run-parts/')).length).toBeGreaterThanOrEqual(4); // the plan and three parts

    // A fetch worker's part of an AWS run in the same store is the notifier's to fold, not this scan's.
    const awsPart = 'run-parts/weekly-20240401T000000Z/job-1.json';
    await left.put(awsPart, JSON.stringify({ runId: 'weekly-20240401T000000Z', year: 2023, outcomes: [] }));
    const interrupted: string[] = [];
    const second = await runScan({
      registry: registryOf(10),
      year: 2023,
      store: left,
      http: notFound,
      now: () => new Date(),
      owner: { host: 'here', pid: 2 },
      isAlive: (pid) => pid === 2,
      onInterrupted: (runs) => interrupted.push(...runs.map((r) => `${r.runId}:${r.done}/${r.notDone}`)),
    });
    const record = left.json<RunRecord>(runKey);
    expect(interrupted).toEqual([`${killed.runId}:6/4`]);
    expect(record.state).toBe('interrupted');
    expect(record.outcomes.map((o) => o.agencyId).sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
    expect(record.notDone?.agencyIds.sort()).toEqual(['a6', 'a7', 'a8', 'a9']);
    expect(record.notDone?.reason).toMatch(/^运行中断.*已完成 6 个机关，其余 4 个/);
    expect(record.agenciesTotal).toBe(10);
    expect(await left.list('run-parts/')).toEqual([awsPart]);
    expect(second.state).toBe('finished');
    expect(second.outcomes).toHaveLength(10);
  });

  it('is left alone by a consolidation while its heartbeat is fresh, and folded as interrupted once stale', async () => {
    const { left, runKey } = await killedScan();
    const startedAt = Date.parse(left.json<RunRecord>(runKey).startedAt);
    expect(await consolidateRunParts(left, () => new Date(startedAt + 60_000))).toEqual([]);
    expect(left.json<RunRecord>(runKey).state).toBe('running');
    const folded = await consolidateRunParts(left, () => new Date(startedAt + 3_600_000));
    expect(folded.map((f) => f.agencies)).toEqual([6]);
    const record = left.json<RunRecord>(runKey);
    expect(record.state).toBe('interrupted');
    expect(record.notDone?.agencyIds.sort()).toEqual(['a6', 'a7', 'a8', 'a9']);
  });
});
