/**
 * One fetch run: every agency of the registry (or the chosen ones) scanned by a host-aware worker pool,
 * the run record kept up to date as outcomes come in (a killed run leaves a trace), and each agency's
 * outcome handed to `afterAgency` (the pipeline parses its snapshots there) before it is recorded.
 *
 * Finished outcomes do not stay in memory: they are streamed out in run parts of at most a few hundred
 * (`run-parts/{runId}/`, the same records the AWS fetch workers write) and folded into the run manifest
 * at the end (shared/fetch/run-parts.ts). The running record under runs/ holds only counts and the
 * heartbeat, so neither memory nor the bytes written per heartbeat grow with the number of agencies; a
 * run killed mid-way leaves its parts, which the next scan (or the notifier) folds.
 */
import { randomBytes } from 'node:crypto';
import { type Agency, hostOfAgency, type Registry } from '../../registry/agency.ts';
import { keys } from '../../storage/keys.ts';
import { type ObjectStore, putJson } from '../../storage/port.ts';
import type { AgencyRunOutcome, FetchStatus } from '../../storage/records.ts';
import { userFacingError } from '../errors.ts';
import { consolidateRun, consolidateRunParts } from '../run-parts.ts';
import { type InterruptedRun, markInterruptedRuns, type RunOwner, type RunRecord, RunRecorder } from '../run-record.ts';
import { scanAgency } from './agency.ts';
import { describeError } from './context.ts';
import type { ScanAgencyDeps, ScanHttp } from './types.ts';

export interface ScanProgress {
  done: number;
  total: number;
  agencyId: string;
  status: FetchStatus;
  counts: Record<FetchStatus, number>;
}

/** Finished outcomes per run part: about what a local scan holds in memory before writing them out. */
export const RUN_PART_OUTCOMES = 500;

export interface RunScanOptions {
  registry: Registry;
  year: number;
  store: ObjectStore;
  /** The polite client; built from the registry (allowHosts, robots) when omitted. */
  http?: ScanHttp;
  /** Only these agencies (all when omitted or empty). */
  agencyIds?: string[];
  now: () => Date;
  /** Agencies in flight at once (default 16); the client keeps each host polite whatever this is. */
  concurrency?: number;
  onProgress?: (progress: ScanProgress) => void;
  /**
   * Called with each agency's outcome before it is recorded, inside the agency's host slot: the pipeline
   * parses the stored snapshots here (shared/pipeline/scan-run.ts) and may add findings to the outcome.
   * A throw ends the agency as unreachable with the error's Chinese reason.
   */
  afterAgency?: (agency: Agency, outcome: AgencyRunOutcome) => Promise<void>;
  maxListPages?: number;
  /** Total time per agency across its requests (default DEFAULT_AGENCY_BUDGET_MS, 180 s). */
  agencyBudgetMs?: number;
  /** Called with each outcome as it completes (streaming consumers, benchmarks). */
  onOutcome?: (outcome: AgencyRunOutcome) => void;
  /** Who runs the scan (the CLI: host name and pid), so a later scan can tell this run died. */
  owner?: RunOwner;
  /** Whether a process of this machine is alive (marks dead `running` records as interrupted). */
  isAlive?: (pid: number) => boolean;
  /** How often the running record is rewritten (default 5 s). */
  heartbeatMs?: number;
  /** Finished outcomes written out per run part (default RUN_PART_OUTCOMES). */
  partOutcomes?: number;
  /** Told about earlier runs this scan found dead and marked interrupted (中断). */
  onInterrupted?: (runs: InterruptedRun[]) => void;
}

function runIdFor(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

const zeroCounts = (): Record<FetchStatus, number> => ({
  found: 0,
  'not-found': 0,
  unreachable: 0,
  blocked: 0,
  'address-broken': 0,
});

interface RunPartsOptions {
  now: () => Date;
  maxOutcomes: number;
  minIntervalMs: number;
  /** After each part is written (the running record's counts then move on). */
  onWritten: () => void;
}

/**
 * A run's finished outcomes on their way out of memory: buffered, written as a run part when
 * `maxOutcomes` are waiting, or when outcomes wait and the last part is old enough (at least
 * `minIntervalMs`, and 1% of the run so far, so a long run writes about a hundred time-triggered parts,
 * not one a second). Parts are written one at a time; a failed write keeps its outcomes for the next.
 */
class RunParts {
  readonly counts = zeroCounts();
  readonly #written: Uint8Array;
  #buffer: { index: number; outcome: AgencyRunOutcome }[] = [];
  #sequence = 0;
  #chain: Promise<void> = Promise.resolve();
  #lastError: unknown = null;
  #lastFlush: number;

  readonly #store: ObjectStore;
  readonly #run: Pick<RunRecord, 'runId' | 'year' | 'startedAt'>;
  readonly #options: RunPartsOptions;

  constructor(
    store: ObjectStore,
    run: Pick<RunRecord, 'runId' | 'year' | 'startedAt'>,
    total: number,
    options: RunPartsOptions,
  ) {
    this.#store = store;
    this.#run = run;
    this.#options = options;
    this.#written = new Uint8Array(total);
    this.#lastFlush = options.now().getTime();
  }

  /** Whether the agency at `index` has its outcome in a written part. */
  written(index: number): boolean {
    return this.#written[index] === 1;
  }

  add(index: number, outcome: AgencyRunOutcome): void {
    this.#buffer.push({ index, outcome });
    this.maybeFlush();
  }

  maybeFlush(): void {
    if (this.#buffer.length === 0) return;
    const at = this.#options.now().getTime();
    const interval = Math.max(this.#options.minIntervalMs, (at - Date.parse(this.#run.startedAt)) / 100);
    if (this.#buffer.length >= this.#options.maxOutcomes || at - this.#lastFlush >= interval) void this.flush();
  }

  /** Queues a part of everything buffered; resolves when written (or its write failed). */
  flush(): Promise<void> {
    this.#lastFlush = this.#options.now().getTime();
    const chunk = this.#buffer;
    if (chunk.length === 0) return this.#chain;
    this.#buffer = [];
    const partId = `chunk-${String(++this.#sequence).padStart(6, '0')}`;
    this.#chain = this.#chain.then(async () => {
      const finishedAt = this.#options.now().toISOString();
      const part: RunRecord = {
        ...this.#run,
        state: 'finished',
        finishedAt,
        updatedAt: finishedAt,
        agenciesTotal: chunk.length,
        outcomes: chunk.map(({ outcome }) => outcome),
      };
      try {
        await putJson(this.#store, keys.runPart(this.#run.runId, partId), part);
        this.#lastError = null;
      } catch (error) {
        this.#lastError = error;
        this.#buffer = [...chunk, ...this.#buffer];
        return;
      }
      for (const { index, outcome } of chunk) {
        this.#written[index] = 1;
        this.counts[outcome.status]++;
      }
      this.#options.onWritten();
    });
    return this.#chain;
  }

  /** Writes what is left and throws if any outcome could not be written. */
  async close(): Promise<void> {
    await this.flush();
    if (this.#buffer.length > 0) await this.flush();
    if (this.#lastError) throw this.#lastError;
  }
}

/**
 * Scans every agency (or the chosen ones) for a year and writes the run manifest to `runs/{runId}.json`.
 * Agencies are scheduled host-aware: at most one agency per host is in flight while other hosts have
 * work waiting, so a global concurrency near the number of hosts keeps every host busy at its polite
 * pace. The fetcher does not parse: `afterAgency` is where a caller (the pipeline) does.
 */
export async function runScan(options: RunScanOptions): Promise<RunRecord> {
  const { registry, year, store, now } = options;
  const startedAt = now();
  const runId = runIdFor(startedAt);
  const wanted = options.agencyIds && options.agencyIds.length > 0 ? new Set(options.agencyIds) : null;
  const agencies = registry.agencies.filter((a) => !wanted || wanted.has(a.id));

  // Earlier runs that died (kill -9, out of memory) are marked interrupted before this one starts, and
  // the outcomes they had written out are folded into their records (AWS runs are the notifier's).
  const interrupted = await markInterruptedRuns(store, {
    now,
    ...(options.owner ? { host: options.owner.host } : {}),
    ...(options.isAlive ? { isAlive: options.isAlive } : {}),
  });
  // Best effort: an unreadable part must not stop this scan (it stays for the next consolidation).
  await consolidateRunParts(store, now, { localOnly: true }).catch(() => []);
  if (interrupted.length > 0) options.onInterrupted?.(interrupted);
  const run = { runId, year, startedAt: startedAt.toISOString() };
  const recorder = new RunRecorder(store, keys.run(runId), {
    ...run,
    state: 'running',
    finishedAt: '',
    updatedAt: run.startedAt,
    ...(options.owner ? { owner: options.owner } : {}),
    agenciesTotal: agencies.length,
    counts: zeroCounts(),
    outcomes: [],
  });
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const progress = (): Partial<RunRecord> => ({ updatedAt: now().toISOString(), counts: { ...parts.counts } });
  const parts = new RunParts(store, run, agencies.length, {
    now,
    maxOutcomes: Math.max(1, options.partOutcomes ?? RUN_PART_OUTCOMES),
    // Outcomes land in the store as they come (at most one part a second early on), not only on the beat.
    minIntervalMs: Math.min(1000, heartbeatMs),
    onWritten: () => void recorder.write(progress()),
  });
  // The running record is written before anything is fetched: a run killed from here on leaves a trace.
  // The agencies it is to scan are listed once, in a part of their own that the folding reads (the
  // running record stays the same small size however many agencies there are).
  await recorder.finish({});
  await putJson(store, keys.runPart(runId, 'plan'), {
    ...run,
    state: 'finished',
    finishedAt: run.startedAt,
    updatedAt: run.startedAt,
    agenciesTotal: agencies.length,
    outcomes: [],
    notDone: { agencyIds: agencies.map((a) => a.id), reason: '运行中，尚未处理' },
  } satisfies RunRecord);
  recorder.beat(heartbeatMs, () => {
    parts.maybeFlush();
    return progress();
  });

  let http: ScanHttp | undefined;
  const ownClient = options.http === undefined;
  try {
    http = options.http ?? (await defaultClient(registry, options.concurrency));
    await scanAll(options, agencies, http, now, (index, outcome) => parts.add(index, outcome));
    await parts.close();
  } catch (error) {
    const shown = userFacingError(error);
    await parts.close().catch(() => {}); // what did finish is kept
    const notDone = agencies.filter((_, index) => !parts.written(index)).map((a) => a.id);
    await recorder
      .finish({
        state: 'failed',
        finishedAt: now().toISOString(),
        updatedAt: now().toISOString(),
        counts: { ...parts.counts },
        error: `运行失败：${shown.message}`,
        ...(shown.detail ? { errorDetail: shown.detail } : {}),
        notDone: { agencyIds: notDone, reason: `运行失败（${shown.message}），这些机关本次未处理` },
      })
      .catch(() => {}); // the store itself may be what failed: the original error says more
    await consolidateRun(store, runId, now).catch(() => {});
    throw new RunFailedError(`运行失败：${shown.message}`, runId, { cause: error });
  } finally {
    if (ownClient) http?.close?.();
  }
  const finishedAt = now().toISOString();
  await recorder.finish({ state: 'finished', finishedAt, updatedAt: finishedAt, counts: { ...parts.counts } });
  // The parts become the one manifest readers know; a crash before this leaves them to the next fold.
  const manifest = await consolidateRun(store, runId, now);
  if (!manifest) throw new Error(`run ${runId}: its record is gone`);
  const { notDone: _none, ...record } = manifest;
  return record;
}

/** The run itself failed (not one agency): the Chinese reason, with the run whose record says so. */
export class RunFailedError extends Error {
  readonly runId: string;
  constructor(message: string, runId: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunFailedError';
    this.runId = runId;
  }
}

/** The host-aware worker pool of runScan: hands each outcome (with its registry index) to `onEach`. */
async function scanAll(
  options: RunScanOptions,
  agencies: Agency[],
  http: ScanHttp,
  now: () => Date,
  onEach: (index: number, outcome: AgencyRunOutcome) => void,
): Promise<void> {
  const { year, store } = options;
  const deps: ScanAgencyDeps = {
    http,
    store,
    now,
    listCache: new Map(),
    ...(options.maxListPages ? { maxListPages: options.maxListPages } : {}),
    ...(options.agencyBudgetMs ? { agencyBudgetMs: options.agencyBudgetMs } : {}),
  };
  // Host-aware queue: one FIFO per host, taken round-robin, skipping hosts already busy.
  const queues = new Map<string, { agency: Agency; index: number }[]>();
  agencies.forEach((agency, index) => {
    const host = hostOfAgency(agency, year);
    const queue = queues.get(host) ?? [];
    queue.push({ agency, index });
    queues.set(host, queue);
  });
  const busy = new Map<string, number>();
  const hostOrder = [...queues.keys()];
  let cursor = 0;
  const takeNext = (): { agency: Agency; index: number; host: string } | null => {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < hostOrder.length; i++) {
        const host = hostOrder[(cursor + i) % hostOrder.length] as string;
        const queue = queues.get(host);
        if (!queue || queue.length === 0) continue;
        if (pass === 0 && (busy.get(host) ?? 0) > 0) continue;
        cursor = (cursor + i + 1) % hostOrder.length;
        const next = queue.shift() as { agency: Agency; index: number };
        return { ...next, host };
      }
    }
    return null;
  };

  const counts = zeroCounts();
  let done = 0;
  const worker = async () => {
    for (let next = takeNext(); next; next = takeNext()) {
      busy.set(next.host, (busy.get(next.host) ?? 0) + 1);
      let outcome: AgencyRunOutcome;
      try {
        outcome = await scanAgency(next.agency, year, deps);
        await options.afterAgency?.(next.agency, outcome);
      } catch (error) {
        outcome = {
          agencyId: next.agency.id,
          year,
          status: 'unreachable',
          snapshots: [],
          findings: [],
          error: describeError(error),
          pagesFetched: 0,
        };
      } finally {
        busy.set(next.host, (busy.get(next.host) ?? 1) - 1);
      }
      counts[outcome.status]++;
      done++;
      onEach(next.index, outcome);
      options.onOutcome?.(outcome);
      options.onProgress?.({
        done,
        total: agencies.length,
        agencyId: outcome.agencyId,
        status: outcome.status,
        counts,
      });
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? 16);
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, agencies.length)) }, worker));
}

async function defaultClient(registry: Registry, concurrency: number | undefined): Promise<ScanHttp> {
  const { createHttpClient } = await import('../http/client.ts');
  return createHttpClient({
    allowHosts: registry.allowHosts,
    respectRobots: registry.respectRobots,
    globalConcurrency: Math.max(16, concurrency ?? 16),
    ...(registry.contact ? { contact: registry.contact } : {}),
  });
}
