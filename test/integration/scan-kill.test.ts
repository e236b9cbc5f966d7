/**
 * `kill -9` in the middle of a scan: a real `nianbao scan` child process against the demo site on
 * loopback is killed once its running record counts some agencies done; a new scan of the same store
 * then marks the killed run interrupted (中断) with what it did and did not do, folds the outcomes the
 * killed run had written to its run parts into its record, finishes itself, and the store stays
 * consistent (every snapshot meta has its bytes, every JSON record parses).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgencySite, startAgencySite } from '../../demo/agency-site.ts';
import { run } from '../../shared/cli/scan.ts';
import { doneOf, type RunRecord } from '../../shared/fetch/run-record.ts';
import type { SnapshotMeta } from '../../shared/storage/records.ts';

let site: AgencySite;
let dir: string;
let store: string;
let killed: RunRecord;
let killedParts: string[];
let interrupted: RunRecord;
let second: RunRecord;
let secondErr: string;
let child: ChildProcess | undefined;

async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? files(join(root, entry.name)) : [join(root, entry.name)])),
  );
  return nested.flat();
}

/** The outcomes in a run's parts (run-parts/{runId}/*.json), by agency id. */
async function partOutcomes(runId: string): Promise<string[]> {
  const ids: string[] = [];
  for (const file of await files(join(store, 'run-parts', runId))) {
    if (!file.endsWith('.json')) continue;
    const part: RunRecord = JSON.parse(await readFile(file, 'utf8'));
    ids.push(...part.outcomes.map((o) => o.agencyId));
  }
  return ids.sort();
}

async function runRecords(): Promise<RunRecord[]> {
  const keys = (await files(join(store, 'runs'))).filter((f) => f.endsWith('.json'));
  const records: RunRecord[] = [];
  for (const key of keys) {
    try {
      records.push(JSON.parse(await readFile(key, 'utf8')));
    } catch {
      // being replaced right now: read again on the next poll
    }
  }
  return records;
}

beforeAll(async () => {
  site = await startAgencySite({ latencyMs: 150 });
  dir = await mkdtemp(join(tmpdir(), 'nianbao-kill-'));
  store = join(dir, 'store');
  await writeFile(join(dir, 'registry.yaml'), site.registryYaml);
  const args = ['bin/nianbao.mjs', 'scan', '--registry', join(dir, 'registry.yaml'), '--store', store];
  child = spawn(process.execPath, [...args, '--now', '2024-04-01T00:00:00Z'], { stdio: 'ignore' });
  // Kill once the running record counts at least two agencies done (and not all of them): their outcomes
  // are in the run's parts by then, not in the record.
  const deadline = Date.now() + 90_000;
  for (;;) {
    const running = (await runRecords()).find((r) => r.state === 'running' && doneOf(r) >= 2);
    if (running && doneOf(running) < running.agenciesTotal) break;
    if (Date.now() > deadline) throw new Error('the child scan never showed progress');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  await new Promise((resolve) => child?.once('exit', resolve));
  killed = (await runRecords())[0] as RunRecord;
  killedParts = await partOutcomes(killed.runId);

  const err: string[] = [];
  const quiet = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    // Five minutes later: the heartbeat is not stale yet, so only "its process is gone" can mark it.
    expect(await run([...args.slice(2), '--now', '2024-04-01T00:05:00Z'])).toBe(0);
  } finally {
    quiet.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
  secondErr = err.join('\n');
  const records = await runRecords();
  interrupted = records.find((r) => r.runId === killed.runId) as RunRecord;
  second = records.find((r) => r.runId !== killed.runId) as RunRecord;
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a scan killed with SIGKILL, then a new scan', () => {
  it('left a small running record counting what it had done, and those outcomes in its run parts', () => {
    expect(killed.state).toBe('running');
    expect(killed.outcomes).toEqual([]);
    expect(doneOf(killed)).toBeGreaterThanOrEqual(2);
    expect(doneOf(killed)).toBeLessThan(killed.agenciesTotal);
    expect(killedParts.length).toBeGreaterThanOrEqual(doneOf(killed));
  });

  it('is marked interrupted by the next scan, with what was not done and why, in Chinese', () => {
    expect(interrupted.state).toBe('interrupted');
    const done = new Set(interrupted.outcomes.map((o) => o.agencyId));
    const all = site.agencies.map((a) => a.id);
    expect(interrupted.notDone?.agencyIds.sort()).toEqual(all.filter((id) => !done.has(id)).sort());
    expect(interrupted.notDone?.reason).toMatch(/^运行中断/);
    expect(secondErr).toContain(`上次运行 ${killed.runId} 未正常结束，已标记为中断`);
  });

  it('keeps every outcome the killed run had written out: its parts are folded into its record', async () => {
    expect(interrupted.outcomes.map((o) => o.agencyId).sort()).toEqual(killedParts);
    expect(interrupted.agenciesTotal).toBe(site.agencies.length);
    expect(await files(join(store, 'run-parts'))).toEqual([]);
  });

  it('lets the new scan finish every agency', () => {
    expect(second.state).toBe('finished');
    expect(second.outcomes.map((o) => o.agencyId).sort()).toEqual(site.agencies.map((a) => a.id).sort());
  });

  it('leaves a consistent store: every meta has its bytes, every JSON record parses', async () => {
    const all = await files(store);
    // Stray temp files of the killed writer are the storage side's (fs-store.ts) to clean; counted here.
    console.log(`after kill -9: ${all.filter((f) => f.includes('.nianbao-tmp')).length} temp file(s) in the store`);
    const metas = all.filter((f) => f.endsWith('.meta.json'));
    expect(metas.length).toBeGreaterThan(0);
    for (const file of metas) {
      const meta: SnapshotMeta = JSON.parse(await readFile(file, 'utf8'));
      expect((await stat(join(store, meta.key))).size, relative(store, file)).toBe(meta.byteLength);
    }
    for (const file of all.filter((f) => f.endsWith('.json') && !/\.tmp|~/.test(f))) {
      await expect(readFile(file, 'utf8').then(JSON.parse), relative(store, file)).resolves.toBeTruthy();
    }
  });
});
