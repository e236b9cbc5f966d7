import { describe, expect, it } from 'vitest';
import { SHARD_COUNT, shardOf } from '../../shared/compliance/assessment-index.ts';
import { updateAssessments } from '../../shared/compliance/update.ts';
import { runShards } from '../../shared/pipeline/weekly-notify.ts';
import type { Registry } from '../../shared/registry/agency.ts';
import { generateSite } from '../../shared/site/generate.ts';
import { CountingStore } from '../../shared/storage/counting-store.ts';
import { keys } from '../../shared/storage/keys.ts';
import { getJson, putJson } from '../../shared/storage/port.ts';
import type { RunManifest } from '../../shared/storage/records.ts';
import { recordTriage } from '../../shared/triage/triage.ts';
import { InMemoryStore, writeSyntheticPopulation } from '../support/synthetic-store.ts';

const YEAR = 2024;
const NOW = new Date('2025-05-12T02:00:00Z');
const WEEK = 7 * 86_400_000;

async function assessedPopulation(agencies = 40) {
  const store = new CountingStore(new InMemoryStore());
  const list = await writeSyntheticPopulation(store, { agencies, year: YEAR, now: NOW });
  const registry = { agencies: list, deadlines: {}, recipients: [] } as unknown as Registry;
  await updateAssessments(store, registry, YEAR, NOW.getTime());
  return { store, registry };
}

describe('site: only agencies whose inputs changed are read and rendered', () => {
  it('an unchanged store: no agency rendered, no result, metadata or state read', async () => {
    const { store, registry } = await assessedPopulation();
    const first = await generateSite(store, { registry, now: NOW });
    expect(first.agenciesRendered).toBe(registry.agencies.length);
    store.reset();
    const again = await generateSite(store, { registry, now: new Date(NOW.getTime() + WEEK) });
    expect(again.agenciesRendered).toBe(0);
    expect(again.pages).toBe(first.pages);
    expect(again.pruned).toBe(0);
    expect(store.counts.getsByPrefix.results ?? 0).toBe(0);
    expect(store.counts.getsByPrefix.raw ?? 0).toBe(0);
    expect(store.counts.getsByPrefix.state ?? 0).toBe(0);
    // The agencies' pages are still there, with their hashes kept.
    const pages = await store.list(keys.site('agency/'));
    expect(pages.length).toBe(registry.agencies.length);
  });

  it('a new outcome, a verdict, a registry edit: exactly those agencies are rendered again', async () => {
    const { store, registry } = await assessedPopulation();
    await generateSite(store, { registry, now: NOW });
    const runKeys = (await store.list('runs/')).sort();
    const last = (await getJson<RunManifest>(store, runKeys.at(-1) as string)) as RunManifest;
    const startedAt = new Date(NOW.getTime() + WEEK - 3_600_000).toISOString();
    const outcomes = last.outcomes.map((o) =>
      o.agencyId === 'a00004' ? { ...o, status: 'unreachable' as const, error: '连接超时', snapshots: [] } : o,
    );
    await putJson(store, keys.run('next'), { ...last, runId: 'next', startedAt, finishedAt: startedAt, outcomes });
    await updateAssessments(store, registry, YEAR, NOW.getTime() + WEEK);
    await recordTriage(
      store,
      { action: 'confirm', agencyId: 'a00007', year: YEAR, by: '测试员', reason: '已电话核实' },
      new Date(NOW.getTime() + WEEK),
    );
    const edited = {
      ...registry,
      agencies: registry.agencies.map((a) => (a.id === 'a00009' ? { ...a, name: `${a.name}（更名）` } : a)),
    };
    store.reset();
    const week = await generateSite(store, { registry: edited, now: new Date(NOW.getTime() + WEEK) });
    expect(week.agenciesRendered).toBe(3);
    const agencyPuts = (await store.list(keys.site('agency/'))).length;
    expect(agencyPuts).toBe(registry.agencies.length);
  });

  it('a fan-out worker reads only its own shards: their index and cache objects, their agencies’ files', async () => {
    const { store, registry } = await assessedPopulation(120);
    await generateSite(store, { registry, now: NOW });
    // Every agency's inputs change (a registry edit), so the worker reads all it would on a busy week.
    const edited = { ...registry, agencies: registry.agencies.map((a) => ({ ...a, name: `${a.name}（新）` })) };
    const shards = [3, 4, 5, 6];
    const read: string[] = [];
    const get = store.get.bind(store);
    store.get = async (key) => {
      read.push(key);
      return get(key);
    };
    const later = new Date(NOW.getTime() + WEEK);
    const result = await runShards(store, { registry: edited, year: YEAR, now: later, shards });
    const mine = registry.agencies.filter((a) => shards.includes(shardOf(a.id)));
    expect(mine.length).toBeGreaterThan(0);
    expect(result.site.agenciesRendered).toBe(mine.length);
    const shardOfIndexKey = (key: string) => Number(/(\d+)\.json$/.exec(key)?.[1]);
    const indexReads = read.filter((key) => /^index\/(\d{4}\/assessments|site-agencies)\//.test(key));
    expect(indexReads.length).toBeGreaterThan(0);
    expect(indexReads.every((key) => shards.includes(shardOfIndexKey(key)))).toBe(true);
    const agencyOf = (key: string) => /^(?:state|results|raw)\/\d{4}\/([^/.]+)/.exec(key)?.[1];
    const agencyReads = read.map(agencyOf).filter((id): id is string => id !== undefined);
    expect(agencyReads.length).toBeGreaterThan(0);
    expect(agencyReads.filter((id) => !shards.includes(shardOf(id)))).toEqual([]);
    expect(shards.length).toBeLessThan(SHARD_COUNT);
  });

  it('a fan-out worker lists results/ and raw/ once, though the assessment and the site both need them', async () => {
    const { store, registry } = await assessedPopulation(60);
    await generateSite(store, { registry, now: NOW });
    const edited = { ...registry, agencies: registry.agencies.map((a) => ({ ...a, name: `${a.name}（新）` })) };
    const listed: string[] = [];
    for (const method of ['list', 'listTagged'] as const) {
      const inner = store[method].bind(store) as (prefix: string) => Promise<never>;
      store[method] = async (prefix: string) => {
        listed.push(prefix);
        return inner(prefix);
      };
    }
    const later = new Date(NOW.getTime() + WEEK);
    const result = await runShards(store, { registry: edited, year: YEAR, now: later, shards: [1, 2, 3, 4] });
    expect(result.site.agenciesRendered).toBeGreaterThan(0);
    const inputs = listed.filter((prefix) => /^(?:results|raw)\//.test(prefix));
    // Before: results/2024/ and raw/2024/ twice each (the input tags, then the site's index).
    expect(inputs).toContain(keys.resultYearPrefix(YEAR));
    expect(inputs).toContain(keys.rawYearPrefix(YEAR));
    expect(inputs.length).toBe(new Set(inputs).size);
  });
});
