/**
 * The per-year outcome index (`index/{year}/outcomes.json`): the latest fetch outcome of every agency,
 * the latest one that found a report, and a run-length fetch log for the site, folded from run
 * manifests once each. Assessment and site generation read this one object instead of every manifest
 * under runs/, so their cost stays flat in the number of weeks of history (re-reading every manifest
 * made notify at 10,000 agencies run out of memory after about half a year).
 *
 * Folding is incremental: runs/ is listed (keys only) and only manifests not yet folded are read. A
 * manifest rewritten after it was folded (late run parts, see shared/fetch/run-parts.ts) leaves a
 * refold marker; the index is then rebuilt from all manifests once, as it is when a run older than the
 * newest folded one appears (the fetch log must stay in run order).
 */
import { keys, PREFIXES } from '../storage/keys.ts';
import { getJson, type ObjectStore } from '../storage/port.ts';
import type { AgencyRunOutcome, FetchStatus, RunManifest } from '../storage/records.ts';

/** Consecutive folded runs (indices `first`..`last` into `runs`) in which an agency's fetch looked the same. */
export interface FetchSegment {
  first: number;
  last: number;
  status: FetchStatus;
  snapshots: number;
  error?: string;
}

export interface AgencyOutcomes {
  /** The latest outcome of a run for this year, and the run it came from (index into `runs`). */
  latest?: AgencyRunOutcome;
  /** The latest outcome that found a report with snapshots, and when its run started (the last sighting). */
  latestFound?: AgencyRunOutcome;
  latestFoundAt?: string;
  fetches: FetchSegment[];
}

export interface OutcomeIndex {
  version: 1;
  year: number;
  /** Folded runs in (startedAt, runId) order. */
  runs: { runId: string; startedAt: string }[];
  agencies: Record<string, AgencyOutcomes>;
}

/** What folding cost (for the benchmark and logs). */
export interface FoldStats {
  manifestsRead: number;
  rebuilt: boolean;
}

const INDEX_VERSION = 1;

function runIdOfKey(key: string): string | undefined {
  return /^runs\/(.+)\.json$/.exec(key)?.[1];
}

function emptyIndex(year: number): OutcomeIndex {
  return { version: INDEX_VERSION, year, runs: [], agencies: {} };
}

function byStart(a: RunManifest, b: RunManifest): number {
  return a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId);
}

/** Folds one manifest (newer than every folded run) into the index. */
function foldRun(index: OutcomeIndex, manifest: RunManifest): void {
  const runIndex = index.runs.length;
  index.runs.push({ runId: manifest.runId, startedAt: manifest.startedAt });
  for (const outcome of manifest.outcomes) {
    if ((outcome.year ?? manifest.year) !== index.year) continue;
    let entry = index.agencies[outcome.agencyId];
    if (!entry) {
      entry = { fetches: [] };
      index.agencies[outcome.agencyId] = entry;
    }
    // The assessment reads outcomes of runs for this year only (as loadManifests did).
    if (manifest.year === index.year && outcome.year === index.year) {
      entry.latest = outcome;
      if (outcome.status === 'found' && outcome.snapshots.length) {
        entry.latestFound = outcome;
        entry.latestFoundAt = manifest.startedAt;
      }
    }
    const snapshots = outcome.snapshots?.length ?? 0;
    const tail = entry.fetches.at(-1);
    if (
      tail &&
      tail.last === runIndex - 1 &&
      tail.status === outcome.status &&
      tail.snapshots === snapshots &&
      tail.error === outcome.error
    ) {
      tail.last = runIndex;
    } else {
      entry.fetches.push({
        first: runIndex,
        last: runIndex,
        status: outcome.status,
        snapshots,
        ...(outcome.error ? { error: outcome.error } : {}),
      });
    }
  }
}

/** The marker consolidateRunParts leaves when it rewrites a manifest that may already be folded. */
export function refoldMarkerKey(year: number, runId: string): string {
  return keys.outcomeIndexRefold(year, runId);
}

/**
 * The year's outcome index with every stored run folded in. Reads only manifests not folded yet and
 * writes the index back when anything was folded (unless `write` is false).
 */
export async function loadOutcomeIndex(
  store: ObjectStore,
  year: number,
  options: { write?: boolean; stats?: FoldStats } = {},
): Promise<OutcomeIndex> {
  const runKeys = (await store.list(PREFIXES.runs)).filter((key) => key.endsWith('.json'));
  const markers = await store.list(keys.outcomeIndexRefoldPrefix(year));
  const stored = await getJson<OutcomeIndex>(store, keys.outcomeIndex(year));
  let index = stored?.version === INDEX_VERSION && stored.year === year ? stored : emptyIndex(year);
  const folded = new Set(index.runs.map((run) => run.runId));
  const refold = markers.some((key) => folded.has(key.slice(keys.outcomeIndexRefoldPrefix(year).length)));
  const newKeys = runKeys.filter((key) => !folded.has(runIdOfKey(key) ?? ''));
  const stats = options.stats ?? { manifestsRead: 0, rebuilt: false };
  const read = async (keyList: string[]): Promise<RunManifest[]> => {
    const manifests: RunManifest[] = [];
    for (const key of keyList) {
      const manifest = await getJson<RunManifest>(store, key).catch(() => undefined);
      stats.manifestsRead++;
      // Every manifest is remembered as folded (even of another year), so it is never read again.
      if (manifest && Array.isArray(manifest.outcomes)) manifests.push(manifest);
    }
    return manifests.sort(byStart);
  };
  let fresh = await read(newKeys);
  const newest = index.runs.at(-1);
  if (refold || (newest && fresh.some((m) => !isRunning(m) && byStart(m, { ...m, ...newest }) < 0))) {
    // Rare: a folded manifest changed, or a run older than the newest folded one arrived.
    stats.rebuilt = true;
    index = emptyIndex(year);
    fresh = await read(runKeys);
  }
  // A run still in progress (a local scan writes its manifest as it goes) is used but not folded for
  // good: it is read again until it is finished.
  const finished = fresh.filter((m) => !isRunning(m));
  for (const manifest of finished) foldRun(index, manifest);
  if (options.write !== false) {
    // Compact JSON: read by programs only, and at a country's size it holds 150,000 agencies' outcomes.
    if (finished.length > 0 || stats.rebuilt) {
      await store.put(keys.outcomeIndex(year), JSON.stringify(index), {
        contentType: 'application/json; charset=utf-8',
      });
    }
    for (const key of markers) await store.delete(key);
  }
  const running = fresh.filter(isRunning);
  if (running.length === 0) return index;
  const withRunning = structuredClone(index);
  for (const manifest of running) foldRun(withRunning, manifest);
  return withRunning;
}

function isRunning(manifest: RunManifest): boolean {
  return (manifest as RunManifest & { state?: string }).state === 'running';
}

/** A stretch of runs in which an agency's fetch looked the same, as the site lists it. */
export interface FetchStretch {
  runId: string;
  /** The first run of the stretch. */
  at: string;
  status: FetchStatus;
  snapshots: number;
  error?: string;
  /** Closed stretches: the last run and how many runs it spans. Absent while it still lasts. */
  until?: string;
  runs?: number;
}

/**
 * An agency's fetch log as stretches of unchanged results, oldest first, the newest `maxStretches`. A
 * week that fetched the same as the week before changes nothing here (so the agency's page is not
 * rewritten); the stretch that reaches the latest run is open ("since").
 */
export function fetchStretchesOf(index: OutcomeIndex, agencyId: string, maxStretches: number): FetchStretch[] {
  const lastRun = index.runs.length - 1;
  return (index.agencies[agencyId]?.fetches ?? []).slice(-maxStretches).map((segment) => {
    const first = index.runs[segment.first];
    const last = index.runs[segment.last];
    return {
      runId: first?.runId ?? '',
      at: first?.startedAt ?? '',
      status: segment.status,
      snapshots: segment.snapshots,
      ...(segment.error ? { error: segment.error } : {}),
      ...(segment.last < lastRun ? { until: last?.startedAt ?? '', runs: segment.last - segment.first + 1 } : {}),
    };
  });
}
