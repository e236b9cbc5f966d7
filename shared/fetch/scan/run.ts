/**
 * One fetch run: every agency of the registry (or the chosen ones) scanned by a host-aware worker pool,
 * the run record kept up to date as outcomes come in (a killed run leaves a trace), and each agency's
 * outcome handed to `afterAgency` (the pipeline parses its snapshots there) before it is recorded.
 */
import { randomBytes } from 'node:crypto';
import { type Agency, hostOfAgency, type Registry } from '../../registry/agency.ts';
import { keys } from '../../storage/keys.ts';
import type { ObjectStore } from '../../storage/port.ts';
import type { AgencyRunOutcome, FetchStatus } from '../../storage/records.ts';
import { userFacingError } from '../errors.ts';
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
  /** Told about earlier runs this scan found dead and marked interrupted (中断). */
  onInterrupted?: (runs: InterruptedRun[]) => void;
}

function runIdFor(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
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
  const outcomes: AgencyRunOutcome[] = new Array(agencies.length);
  const doneSoFar = () => outcomes.filter((o): o is AgencyRunOutcome => o !== undefined);
  const notDoneSoFar = () => agencies.filter((_, index) => outcomes[index] === undefined).map((a) => a.id);

  // Earlier runs that died (kill -9, out of memory) are marked interrupted before this one starts.
  const interrupted = await markInterruptedRuns(store, {
    now,
    ...(options.owner ? { host: options.owner.host } : {}),
    ...(options.isAlive ? { isAlive: options.isAlive } : {}),
  });
  if (interrupted.length > 0) options.onInterrupted?.(interrupted);
  const recorder = new RunRecorder(store, keys.run(runId), {
    runId,
    year,
    state: 'running',
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    updatedAt: startedAt.toISOString(),
    ...(options.owner ? { owner: options.owner } : {}),
    agenciesTotal: agencies.length,
    outcomes: [],
    notDone: { agencyIds: agencies.map((a) => a.id), reason: '运行中，尚未处理' },
  });
  // The running record is written before anything is fetched: a run killed from here on leaves a trace.
  await recorder.finish({});
  const progress = (): Partial<RunRecord> => ({
    updatedAt: now().toISOString(),
    outcomes: doneSoFar(),
    notDone: { agencyIds: notDoneSoFar(), reason: '运行中，尚未处理' },
  });
  const heartbeatMs = options.heartbeatMs ?? 5000;
  recorder.beat(heartbeatMs, progress);
  // Outcomes also land in the record as they come (at most one write a second), not only on the beat.
  let lastWrite = now().getTime();
  const recordProgress = () => {
    if (now().getTime() - lastWrite < Math.min(1000, heartbeatMs)) return;
    lastWrite = now().getTime();
    void recorder.write(progress());
  };

  let http: ScanHttp | undefined;
  const ownClient = options.http === undefined;
  try {
    http = options.http ?? (await defaultClient(registry, options.concurrency));
    await scanAll(options, agencies, outcomes, http, now, recordProgress);
  } catch (error) {
    const shown = userFacingError(error);
    const notDone = notDoneSoFar();
    await recorder
      .finish({
        state: 'failed',
        finishedAt: now().toISOString(),
        updatedAt: now().toISOString(),
        outcomes: doneSoFar(),
        error: `运行失败：${shown.message}`,
        ...(shown.detail ? { errorDetail: shown.detail } : {}),
        notDone: { agencyIds: notDone, reason: `运行失败（${shown.message}），这些机关本次未处理` },
      })
      .catch(() => {}); // the store itself may be what failed: the original error says more
    throw new RunFailedError(`运行失败：${shown.message}`, runId, { cause: error });
  } finally {
    if (ownClient) http?.close?.();
  }
  const finishedAt = now().toISOString();
  await recorder.finish({ state: 'finished', finishedAt, updatedAt: finishedAt, outcomes, notDone: undefined });
  const { notDone: _none, ...record } = recorder.record;
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

/** The host-aware worker pool of runScan: fills `outcomes` (by registry index) as agencies end. */
async function scanAll(
  options: RunScanOptions,
  agencies: Agency[],
  outcomes: AgencyRunOutcome[],
  http: ScanHttp,
  now: () => Date,
  onEach: () => void,
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

  const counts: Record<FetchStatus, number> = {
    found: 0,
    'not-found': 0,
    unreachable: 0,
    blocked: 0,
    'address-broken': 0,
  };
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
      outcomes[next.index] = outcome;
      counts[outcome.status]++;
      done++;
      onEach();
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
