import { describe, expect, it } from 'vitest';
import { loadIndexedStates, SHARD_COUNT, shardOf } from '../../shared/compliance/assessment-index.ts';
import { deadlineFor } from '../../shared/compliance/deadline.ts';
import { type UpdateStats, updateAssessments } from '../../shared/compliance/update.ts';
import type { Registry } from '../../shared/registry/agency.ts';
import { CountingStore } from '../../shared/storage/counting-store.ts';
import { keys } from '../../shared/storage/keys.ts';
import { getJson, putJson } from '../../shared/storage/port.ts';
import type { ReportResult, RunManifest } from '../../shared/storage/records.ts';
import { InMemoryStore, writeSyntheticPopulation } from '../support/synthetic-store.ts';

const YEAR = 2024;
const NOW = new Date('2025-05-12T02:00:00Z');
const WEEK = 7 * 86_400_000;

async function population(agencies = 60) {
  const store = new CountingStore(new InMemoryStore());
  const list = await writeSyntheticPopulation(store, { agencies, year: YEAR, now: NOW });
  const registry: Registry = { agencies: list, deadlines: {}, recipients: [] } as unknown as Registry;
  return { store, registry };
}

const stats = (): UpdateStats => ({ unchanged: 0, assessed: 0, shardsWritten: 0 });

/** A new weekly run repeating the latest outcomes, with `change` applied to some. */
async function nextRun(store: CountingStore, at: number, change: (o: RunManifest['outcomes'][number]) => void) {
  const runKeys = (await store.inner.list('runs/')).sort();
  const last = (await getJson<RunManifest>(store.inner, runKeys.at(-1) as string)) as RunManifest;
  const startedAt = new Date(at).toISOString();
  const outcomes = last.outcomes.map((o) => structuredClone(o));
  for (const o of outcomes) change(o);
  await putJson(store.inner, keys.run(`run-${at}`), {
    ...last,
    runId: `run-${at}`,
    startedAt,
    finishedAt: startedAt,
    outcomes,
  });
}

describe('assessment index: a week costs what changed', () => {
  it('spreads agencies over fixed shards by id', () => {
    const counts = new Array(SHARD_COUNT).fill(0);
    for (let i = 0; i < 6_400; i++) counts[shardOf(`a${String(i).padStart(5, '0')}`)]++;
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(150);
    expect(shardOf('lushi-gov')).toBe(shardOf('lushi-gov'));
  });

  it('a week with nothing new reads no state, result or snapshot and writes nothing', async () => {
    const { store, registry } = await population();
    const first = stats();
    const before = await updateAssessments(store, registry, YEAR, NOW.getTime(), { stats: first });
    expect(first.assessed).toBe(before.length);
    store.reset();
    const quiet = stats();
    const again = await updateAssessments(store, registry, YEAR, NOW.getTime() + WEEK, { stats: quiet });
    expect(quiet).toEqual({ unchanged: before.length, assessed: 0, shardsWritten: 0 });
    expect(store.counts.getsByPrefix.state ?? 0).toBe(0);
    expect(store.counts.getsByPrefix.results ?? 0).toBe(0);
    expect(store.counts.getsByPrefix.raw ?? 0).toBe(0);
    expect(store.counts.puts).toBe(0);
    expect(again.map((a) => [a.agencyId, a.status])).toEqual(before.map((a) => [a.agencyId, a.status]));
  });

  it('re-assesses exactly the agencies whose outcome, result or metadata changed, and agrees with a full assessment', async () => {
    const { store, registry } = await population();
    await updateAssessments(store, registry, YEAR, NOW.getTime());
    const states = (await loadIndexedStates(store, YEAR)) ?? new Map();
    const withResult = [...states.values()].filter((s) => s.current.resultKey);
    const reparsed = withResult[0];
    const metaEdited = withResult[1];
    if (!reparsed?.current.resultKey || !metaEdited?.current.rawKey) throw new Error('population has no results');
    // A re-parse that finds an error, a metadata change, and one agency that becomes unreachable.
    const result = (await getJson<ReportResult>(store.inner, reparsed.current.resultKey)) as ReportResult;
    result.findings = [...result.findings, { rule: 'arith.total', severity: 'error', message: '合计不符（测试）' }];
    await putJson(store.inner, reparsed.current.resultKey, result);
    const metaKey = metaEdited.current.rawKey.replace(/\.[a-z0-9]+$/, '.meta.json');
    const meta = (await getJson<Record<string, unknown>>(store.inner, metaKey)) as Record<string, unknown>;
    await putJson(store.inner, metaKey, { ...meta, publishDate: '2025-01-02T09:00:00+08:00' });
    const goneDark = registry.agencies.find((a) => a.id !== reparsed.agencyId && a.id !== metaEdited.agencyId)?.id;
    await nextRun(store, NOW.getTime() + WEEK - 3_600_000, (o) => {
      if (o.agencyId === goneDark) Object.assign(o, { status: 'unreachable', error: '连接超时', snapshots: [] });
    });

    const week = stats();
    store.reset();
    const incremental = await updateAssessments(store, registry, YEAR, NOW.getTime() + WEEK, { stats: week });
    expect(week.assessed).toBe(3);
    // Each of the three: its state and last year's (the cross-year rules); nobody else's.
    expect(store.counts.getsByPrefix.state).toBe(6);
    expect(incremental.find((a) => a.agencyId === reparsed.agencyId)?.flags).toContain('inconsistent');
    expect(incremental.find((a) => a.agencyId === metaEdited.agencyId)?.publishDate).toContain('2025-01-02');
    expect(incremental.find((a) => a.agencyId === goneDark)?.flags).toContain('unreachable');

    // The same week assessed from scratch (every state read, nothing written) says the same of everyone.
    const full = await updateAssessments(store, registry, YEAR, NOW.getTime() + WEEK, { write: false });
    const view = (list: typeof full) => list.map((a) => [a.agencyId, a.status, a.flags, a.findings.length, a.sha256]);
    expect(view(incremental)).toEqual(view(full));
  });

  it('re-assesses the agencies whose deadline passed that week, and no one else', async () => {
    const { store, registry } = await population();
    const early = Date.UTC(YEAR + 1, 0, 20);
    await updateAssessments(store, registry, YEAR, early);
    const week = stats();
    await updateAssessments(store, registry, YEAR, early + WEEK, { stats: week });
    expect(week.assessed).toBe(0);
    const after = stats();
    const crossedAt = Date.UTC(YEAR + 1, 1, 5);
    await updateAssessments(store, registry, YEAR, crossedAt, { stats: after });
    // Departments' deadline (01-31) passed in between; governments' (03-31) did not.
    const crossed = registry.agencies.filter((a) => {
      const { lateFromMs } = deadlineFor(a, YEAR, registry);
      return lateFromMs > early + WEEK && lateFromMs <= crossedAt;
    }).length;
    expect(crossed).toBeGreaterThan(0);
    expect(crossed).toBeLessThan(registry.agencies.length);
    expect(after.assessed).toBe(crossed);
  });

  it('a fan-out worker assesses only its shards and writes only their index objects', async () => {
    const { store, registry } = await population();
    const shards = [...new Set(registry.agencies.map((a) => shardOf(a.id)))].slice(0, 2);
    const week = stats();
    const assessed = await updateAssessments(store, registry, YEAR, NOW.getTime(), { shards, stats: week });
    expect(assessed.every((a) => shards.includes(shardOf(a.agencyId)))).toBe(true);
    expect(assessed.length).toBe(registry.agencies.filter((a) => shards.includes(shardOf(a.id))).length);
    const written = (await store.list(keys.assessmentShardPrefix(YEAR))).sort();
    expect(written).toEqual(shards.sort((a, b) => a - b).map((s) => keys.assessmentShard(YEAR, s)));
  });
});
