/**
 * Reads what the fetcher and the parser stored, assesses every agency of the registry for one year
 * and writes the history records (state/{year}/{agencyId}.json). The only impure part of compliance.
 */
import { mapLimit } from '../async/map-limit.ts';
import type { Agency, Registry } from '../registry/agency.ts';
import { keys, PREFIXES, parseRawKey } from '../storage/keys.ts';
import { getJson, type ObjectStore, updateJson } from '../storage/port.ts';
import type { AgencyRunOutcome, ReportResult, RunManifest, SnapshotMeta } from '../storage/records.ts';
import { assessAgencyYear, nextState } from './assess.ts';
import {
  collectInputTags,
  emptyShard,
  groupByShard,
  inputFingerprint,
  loadAssessmentShard,
  SHARD_COUNT,
  saveAssessmentShard,
  shardScope,
} from './assessment-index.ts';
import { loadOutcomeIndex } from './outcome-index.ts';
import { loadPreviousYearResult } from './previous-year.ts';
import type { AgencyYearState, Assessment } from './status.ts';

export interface UpdateAssessmentsOptions {
  /** How many agencies are read and written at once (S3 latency). @default 16 */
  concurrency?: number;
  /** Write state records (false: assess only, e.g. for a dry run). @default true */
  write?: boolean;
  /** Only these shards of the assessment index (a fan-out worker's share). @default every shard */
  shards?: number[];
  /** Counts what was skipped and what was assessed (benchmarks, logs). */
  stats?: UpdateStats;
}

export interface UpdateStats {
  /** Agencies whose inputs had not changed: their indexed state was used, nothing read. */
  unchanged: number;
  /** Agencies assessed from the store (inputs changed, or not in the index yet). */
  assessed: number;
  /** Shards of the index written. */
  shardsWritten: number;
}

/**
 * Assesses the agencies of `registry` for `year` whose inputs changed since they were last assessed
 * (see assessment-index.ts), from the outcome index (run manifests folded once), snapshots and
 * results; writes `state/{year}/{agencyId}.json` and the index shards that changed. An agency that no
 * run has covered yet is not assessed (there is nothing to say about it; the digest counts it as not
 * yet checked). Returns the assessments of every agency (of the requested shards) in registry order:
 * fresh where assessed, as indexed where nothing changed.
 */
export async function updateAssessments(
  store: ObjectStore,
  registry: Registry,
  year: number,
  now: string | number,
  options: UpdateAssessmentsOptions = {},
): Promise<Assessment[]> {
  const nowMs = typeof now === 'number' ? now : Date.parse(now);
  // One index object instead of every manifest ever stored (see outcome-index.ts). A fan-out worker
  // (shards given) reads it as the coordinator folded it.
  const index = await loadOutcomeIndex(store, year, { write: options.write !== false && !options.shards });
  const inScope = shardScope(options.shards);
  const latest = new Map<string, AgencyRunOutcome>();
  const latestFound = new Map<string, LatestFound>();
  for (const [agencyId, entry] of Object.entries(index.agencies)) {
    if (!inScope(agencyId)) continue;
    if (entry.latest) latest.set(agencyId, entry.latest);
    if (entry.latestFound) latestFound.set(agencyId, { outcome: entry.latestFound, at: entry.latestFoundAt });
  }
  const concurrency = options.concurrency ?? 16;

  if (options.write === false) {
    // A dry run reads every state and writes nothing (tools and tests).
    const results = await mapLimit(registry.agencies, concurrency, async (agency) => {
      const outcome = latest.get(agency.id);
      const previous = await getJson<AgencyYearState>(store, keys.state(year, agency.id));
      if (!outcome && !previous) return undefined;
      return (await assessFromStore(store, registry, agency, year, now, outcome, latestFound, previous)).assessment;
    });
    return results.filter((a): a is Assessment => a !== undefined);
  }

  const tags = await collectInputTags(store, year, inScope);
  const wanted = new Set(options.shards ?? Array.from({ length: SHARD_COUNT }, (_, shard) => shard));
  const byShard = groupByShard(
    registry.agencies.filter((agency) => inScope(agency.id)),
    (agency) => agency.id,
  );
  const stats = options.stats ?? { unchanged: 0, assessed: 0, shardsWritten: 0 };
  const assessments = new Map<string, Assessment>();
  for (const shard of [...wanted].sort((a, b) => a - b)) {
    const agencies = byShard.get(shard) ?? [];
    const stored = await loadAssessmentShard(store, year, shard);
    const next = emptyShard(year, shard);
    let dirty = false;
    const entries = await mapLimit(agencies, concurrency, async (agency) => {
      const outcome = latest.get(agency.id);
      const agencyTags = tags.get(agency.id);
      const fingerprint = inputFingerprint({
        agency,
        year,
        registry,
        nowMs,
        outcome,
        latestFound: latestFound.get(agency.id),
        tags: agencyTags,
      });
      const cached = stored.agencies[agency.id];
      if (cached && cached.fingerprint === fingerprint) {
        stats.unchanged++;
        return { agency, entry: cached, assessment: cached.state.current };
      }
      if (!outcome && !agencyTags?.includes('s')) return undefined;
      stats.assessed++;
      let assessment: Assessment | undefined;
      // Conditional read-modify-write: a concurrent digest or scan cannot lose this agency's history.
      // Nothing is written when only the moment of assessment moved: the stored `assessedAt` stays the
      // last time the assessment said something new.
      const state = await updateJson<AgencyYearState>(
        store,
        keys.state(year, agency.id),
        async (previous) => {
          const assessed = await assessFromStore(store, registry, agency, year, now, outcome, latestFound, previous);
          assessment = assessed.assessment;
          return assessed.state;
        },
        { keepIf: sameApartFromAssessedAt },
      );
      dirty = true;
      return { agency, entry: { fingerprint, state }, assessment: assessment as Assessment };
    });
    for (const item of entries) {
      if (!item) continue;
      next.agencies[item.agency.id] = item.entry;
      assessments.set(item.agency.id, item.assessment);
    }
    // Agencies that left the registry (or this shard's share) drop out of the index too.
    if (dirty || Object.keys(stored.agencies).length !== Object.keys(next.agencies).length) {
      await saveAssessmentShard(store, next);
      stats.shardsWritten++;
    }
  }
  return registry.agencies.map((agency) => assessments.get(agency.id)).filter((a): a is Assessment => a !== undefined);
}

type LatestFound = { outcome: AgencyRunOutcome; at?: string };

async function assessFromStore(
  store: ObjectStore,
  registry: Registry,
  agency: Agency,
  year: number,
  now: string | number,
  outcome: AgencyRunOutcome | undefined,
  latestFound: Map<string, LatestFound>,
  previous: AgencyYearState | undefined,
): Promise<{ assessment: Assessment; state: AgencyYearState }> {
  const fetchedNow = outcome?.status === 'found' ? outcome.snapshots[0] : undefined;
  // Not found without proof of a withdrawal (the article re-check answering 404/410) is no reason to
  // drop the report an earlier run found either.
  const failed =
    outcome?.status === 'unreachable' ||
    outcome?.status === 'blocked' ||
    outcome?.status === 'address-broken' ||
    (outcome?.status === 'not-found' && !(outcome.recheck && [404, 410].includes(outcome.recheck.status)));
  // After a failed fetch (or when the manifests were pruned), fall back to the last report any run
  // found: manifest first, then history.
  const fallback =
    failed || !outcome ? (latestFound.get(agency.id)?.outcome.snapshots[0] ?? previous?.current.rawKey) : undefined;
  const rawKey = fetchedNow ?? fallback;
  let snapshot: SnapshotMeta | undefined;
  let result: ReportResult | undefined;
  if (rawKey) {
    const parts = parseRawKey(rawKey);
    if (parts) {
      snapshot = await getJson<SnapshotMeta>(store, keys.rawMeta(parts.year, parts.agencyId, parts.sha256));
      // The metadata is not rewritten for a sighting that tells nothing new (putSnapshot); when the
      // report was last seen is the latest run that found it.
      const foundAt = latestFound.get(agency.id);
      if (
        snapshot &&
        foundAt?.at &&
        foundAt.outcome.snapshots[0] === rawKey &&
        foundAt.at > (snapshot.lastSeenAt ?? '')
      ) {
        snapshot = { ...snapshot, lastSeenAt: foundAt.at };
      }
      result = await getJson<ReportResult>(store, keys.result(parts.year, parts.agencyId, parts.sha256));
    }
  }
  const previousYearResult = await loadPreviousYearResult(store, agency.id, year - 1);
  const assessment = assessAgencyYear({
    agency,
    year,
    registry,
    now,
    outcome,
    snapshot,
    result,
    previousYearResult,
    previous,
  });
  const seen =
    fetchedNow && snapshot
      ? {
          sha256: snapshot.sha256,
          firstSeen: snapshot.firstSeenAt ?? snapshot.fetchedAt,
          lastSeen: snapshot.lastSeenAt ?? snapshot.fetchedAt,
        }
      : undefined;
  return { assessment, state: nextState(previous, assessment, seen) };
}

function sameApartFromAssessedAt(previous: AgencyYearState, next: AgencyYearState): boolean {
  const strip = (state: AgencyYearState) => JSON.stringify({ ...state, current: { ...state.current, assessedAt: '' } });
  return strip(previous) === strip(next);
}

/**
 * The manifests of runs for `year`, oldest first. Reads every manifest: for tools and tests only; the
 * weekly path reads the outcome index.
 */
export async function loadManifests(store: ObjectStore, year: number): Promise<RunManifest[]> {
  const runKeys = (await store.list(PREFIXES.runs)).filter((key) => key.endsWith('.json'));
  const manifests: RunManifest[] = [];
  for (const key of runKeys) {
    const manifest = await getJson<RunManifest>(store, key);
    if (manifest && manifest.year === year && Array.isArray(manifest.outcomes)) manifests.push(manifest);
  }
  return manifests.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId));
}
