import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consolidateRunParts, runPartKey } from '../../functions/common/run-parts.ts';
import type { RunRecord } from '../../shared/fetch/run-record.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { keys } from '../../shared/storage/keys.ts';
import { getJson, putJson } from '../../shared/storage/port.ts';
import type { AgencyRunOutcome, FetchStatus, RunManifest } from '../../shared/storage/records.ts';

let dir: string;
let store: FileSystemStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'nianbao-run-parts-'));
  store = new FileSystemStore(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function outcome(agencyId: string, status: FetchStatus): AgencyRunOutcome {
  return { agencyId, year: 2024, status, snapshots: [], findings: [], pagesFetched: 1 };
}

function part(runId: string, finishedAt: string, outcomes: AgencyRunOutcome[]): RunManifest {
  return { runId, year: 2024, startedAt: '2025-04-06T18:00:00.000Z', finishedAt, outcomes };
}

describe('consolidateRunParts', () => {
  it('folds each run into one manifest and deletes the parts', async () => {
    await putJson(store, runPartKey('r1', '00001'), part('r1', '2025-04-06T18:01:00.000Z', [outcome('a', 'found')]));
    await putJson(store, runPartKey('r1', '00002'), part('r1', '2025-04-06T18:02:00.000Z', [outcome('b', 'blocked')]));
    await putJson(
      store,
      runPartKey('r2', '00001'),
      part('r2', '2025-04-06T19:00:00.000Z', [outcome('c', 'not-found')]),
    );

    const runs = await consolidateRunParts(store);

    expect(runs).toEqual([
      { runId: 'r1', parts: 2, agencies: 2 },
      { runId: 'r2', parts: 1, agencies: 1 },
    ]);
    const r1 = await getJson<RunManifest>(store, keys.run('r1'));
    expect(r1?.outcomes.map((o) => [o.agencyId, o.status])).toEqual([
      ['a', 'found'],
      ['b', 'blocked'],
    ]);
    expect(r1?.finishedAt).toBe('2025-04-06T18:02:00.000Z');
    expect(await store.list('run-parts/')).toEqual([]);
  });

  it('adds late parts to a manifest already folded, the later outcome of an agency winning', async () => {
    await putJson(
      store,
      runPartKey('r1', '00001'),
      part('r1', '2025-04-06T18:01:00.000Z', [outcome('a', 'unreachable')]),
    );
    await consolidateRunParts(store);
    await putJson(store, runPartKey('r1', '00001'), part('r1', '2025-04-06T18:30:00.000Z', [outcome('a', 'found')]));
    await putJson(store, runPartKey('r1', '00002'), part('r1', '2025-04-06T18:31:00.000Z', [outcome('b', 'found')]));

    await consolidateRunParts(store);

    const r1 = await getJson<RunManifest>(store, keys.run('r1'));
    expect(r1?.outcomes.map((o) => [o.agencyId, o.status])).toEqual([
      ['a', 'found'],
      ['b', 'found'],
    ]);
  });

  it('marks a run whose job part was left running (worker killed) as interrupted, naming the agencies not done', async () => {
    await putJson(store, runPartKey('r1', '00001'), part('r1', '2025-04-06T18:01:00.000Z', [outcome('a', 'found')]));
    const killed: RunRecord = {
      ...part('r1', '', [outcome('b', 'found')]),
      state: 'running',
      updatedAt: '2025-04-06T18:05:00.000Z',
      agenciesTotal: 3,
      notDone: { agencyIds: ['c', 'd'], reason: '运行中，尚未处理' },
    };
    await putJson(store, runPartKey('r1', '00002'), killed);

    await consolidateRunParts(store, () => new Date('2025-04-06T19:00:00.000Z'));

    const r1 = await getJson<RunRecord>(store, keys.run('r1'));
    expect(r1?.state).toBe('interrupted');
    expect(r1?.outcomes.map((o) => o.agencyId)).toEqual(['a', 'b']);
    expect(r1?.notDone?.agencyIds).toEqual(['c', 'd']);
    expect(r1?.notDone?.reason).toMatch(/中断/);
    expect(r1?.agenciesTotal).toBe(4);
  });

  it('keeps a run whose job is still beating as running', async () => {
    const live: RunRecord = {
      ...part('r1', '', []),
      state: 'running',
      updatedAt: '2025-04-06T18:58:00.000Z',
      agenciesTotal: 1,
      notDone: { agencyIds: ['a'], reason: '运行中，尚未处理' },
    };
    await putJson(store, runPartKey('r1', '00001'), live);
    await consolidateRunParts(store, () => new Date('2025-04-06T19:00:00.000Z'));
    expect((await getJson<RunRecord>(store, keys.run('r1')))?.state).toBe('running');
  });

  it('does nothing when there are no parts', async () => {
    expect(await consolidateRunParts(store)).toEqual([]);
  });
});
