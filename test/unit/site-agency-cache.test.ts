import { describe, expect, it } from 'vitest';
import { updateAssessments } from '../../shared/compliance/update.ts';
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
});
