/**
 * The run record (`runs/{runId}.json`) through a run's life. A run writes a `running` record before it
 * fetches anything and rewrites it as it goes (`updatedAt` as a heartbeat, `counts` of what is done), so
 * a run killed outright (kill -9, out of memory, a machine that went away) leaves a visible trace. A
 * local scan keeps that record small: its finished outcomes go to run parts as it goes
 * (shared/fetch/run-parts.ts) and are folded into this record at the end, or by the next scan when it
 * was killed. It ends `finished`, or `failed` with the Chinese reason when the run itself broke. The
 * next scan marks a `running` record whose owner is gone (same machine, process not alive) or whose
 * heartbeat is stale as `interrupted` (中断), listing the agencies it never reached.
 *
 * Readers that know only RunManifest (assessments, the site) still read these records: the extra fields
 * are optional for them, and a running or interrupted record's outcomes are real outcomes.
 */
import { PREFIXES } from '../storage/keys.ts';
import type { ObjectStore } from '../storage/port.ts';
import { getJson, putJson } from '../storage/port.ts';
import type { FetchStatus, RunManifest } from '../storage/records.ts';

export type RunState = 'running' | 'finished' | 'failed' | 'interrupted';

/** Who runs a scan (to tell a live run on this machine from a dead one). */
export interface RunOwner {
  host: string;
  pid: number;
}

export interface RunRecord extends RunManifest {
  state: RunState;
  /** Last write of the record (heartbeat while running). */
  updatedAt: string;
  owner?: RunOwner;
  /** Agencies the run was asked to scan. */
  agenciesTotal: number;
  /** While a local scan runs: its outcomes so far by status (they are in run parts until the end). */
  counts?: Partial<Record<FetchStatus, number>>;
  /** Agencies without an outcome in this record, and why (failed or interrupted runs). */
  notDone?: { agencyIds: string[]; reason: string };
  /** Why the run failed, in Chinese, and the engine's words. */
  error?: string;
  errorDetail?: string;
}

/** Chinese labels of the run states (CLI, site). */
export const RUN_STATE_LABEL: Record<RunState, string> = {
  running: '运行中',
  finished: '已完成',
  failed: '失败',
  interrupted: '中断',
};

/** A running record is taken as abandoned when its heartbeat is older than this (other machines). */
export const STALE_RUN_MS = 15 * 60_000;
/** How many of the newest run records are looked at for abandoned runs. */
const RECENT_RUNS = 50;

function isRunRecord(value: unknown): value is RunRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RunRecord).runId === 'string' &&
    Array.isArray((value as RunRecord).outcomes)
  );
}

export interface InterruptedRun {
  runId: string;
  done: number;
  notDone: number;
}

/**
 * Marks abandoned `running` records as `interrupted`: owned by this machine (`owner.host`) with a process
 * that `isAlive` says is gone, or with a heartbeat older than `staleMs`. A live run is left alone.
 */
export async function markInterruptedRuns(
  store: ObjectStore,
  options: {
    now: () => Date;
    host?: string;
    isAlive?: (pid: number) => boolean;
    staleMs?: number;
    /** Ids of every agency of a run, when the record does not list them (the registry's, for a full run). */
    agencyIdsOf?: (record: RunRecord) => string[];
  },
): Promise<InterruptedRun[]> {
  const staleMs = options.staleMs ?? STALE_RUN_MS;
  const runKeys = (await store.list(PREFIXES.runs)).filter((key) => key.endsWith('.json')).slice(-RECENT_RUNS);
  const marked: InterruptedRun[] = [];
  for (const key of runKeys) {
    const record = await getJson<unknown>(store, key).catch(() => undefined);
    if (!isRunRecord(record) || record.state !== 'running') continue;
    const sameHost = options.host !== undefined && record.owner?.host === options.host;
    const ownerGone = sameHost && record.owner !== undefined && options.isAlive?.(record.owner.pid) === false;
    const age = options.now().getTime() - Date.parse(record.updatedAt ?? record.startedAt);
    if (!ownerGone && !(age > staleMs)) continue;
    const done = new Set(record.outcomes.map((outcome) => outcome.agencyId));
    const planned = record.notDone?.agencyIds ?? options.agencyIdsOf?.(record) ?? [];
    const notDone = planned.filter((id) => !done.has(id));
    // A local scan's outcomes are in its run parts (folded after this): its record counts them.
    const doneCount = Math.max(done.size, doneOf(record));
    const notDoneCount = Math.max(notDone.length, record.agenciesTotal - doneCount);
    const interrupted: RunRecord = {
      ...record,
      state: 'interrupted',
      finishedAt: record.updatedAt ?? record.startedAt,
      updatedAt: options.now().toISOString(),
      notDone: {
        agencyIds: notDone,
        reason: `运行中断：进程在 ${record.updatedAt ?? record.startedAt} 之后未再更新记录（被终止或崩溃），已完成 ${doneCount} 个机关，其余 ${notDoneCount} 个机关本次未处理`,
      },
    };
    await putJson(store, key, interrupted);
    marked.push({ runId: record.runId, done: doneCount, notDone: notDoneCount });
  }
  return marked;
}

/** How many agencies a record says are done: its `counts` while a local scan runs, else its outcomes. */
export function doneOf(record: RunRecord): number {
  const counted = Object.values(record.counts ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
  return Math.max(counted, record.outcomes.length);
}

/**
 * Writes one run's record, one write at a time (a later state never lands before an earlier one), and
 * beats while running. `write` never throws: a failed write is kept and reported by `finish`.
 */
export class RunRecorder {
  readonly #store: ObjectStore;
  readonly #key: string;
  #record: RunRecord;
  #chain: Promise<void> = Promise.resolve();
  #lastError: unknown = null;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(store: ObjectStore, key: string, record: RunRecord) {
    this.#store = store;
    this.#key = key;
    this.#record = record;
  }

  get record(): RunRecord {
    return this.#record;
  }

  /** Queues a write of the record with `changes` applied. */
  write(changes: Partial<RunRecord>): Promise<void> {
    this.#record = { ...this.#record, ...changes };
    const snapshot = this.#record;
    this.#chain = this.#chain.then(async () => {
      try {
        await putJson(this.#store, this.#key, snapshot);
        this.#lastError = null;
      } catch (error) {
        this.#lastError = error;
      }
    });
    return this.#chain;
  }

  /** Rewrites the record every `everyMs` while running (the heartbeat), with `current()`'s changes. */
  beat(everyMs: number, current: () => Partial<RunRecord>): void {
    this.#timer = setInterval(() => void this.write(current()), everyMs);
    this.#timer.unref?.();
  }

  /** Stops the heartbeat, writes the final state and throws if that write failed. */
  async finish(changes: Partial<RunRecord>): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.write(changes);
    if (this.#lastError) throw this.#lastError;
  }
}
