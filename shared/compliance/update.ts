/**
 * Reads what the fetcher and the parser stored, assesses every agency of the registry for one year
 * and writes the history records (state/{year}/{agencyId}.json). The only impure part of compliance.
 */
import { mapLimit } from '../async/map-limit.ts';
import type { Agency, Registry } from '../registry/agency.ts';
import { keys, PREFIXES, parseRawKey } from '../storage/keys.ts';
import { getJson, type ObjectStore, type PutCondition, WriteConflictError } from '../storage/port.ts';
import type { AgencyRunOutcome, ReportResult, RunManifest, SnapshotMeta } from '../storage/records.ts';
import { assessAgencyYear, nextState } from './assess.ts';
import { loadOutcomeIndex } from './outcome-index.ts';
import { loadPreviousYearResult } from './previous-year.ts';
import type { AgencyYearState, Assessment } from './status.ts';

export interface UpdateAssessmentsOptions {
  /** How many agencies are read and written at once (S3 latency). @default 16 */
  concurrency?: number;
  /** Write state records (false: assess only, e.g. for a dry run). @default true */
  write?: boolean;
}

/**
 * Assesses every agency of `registry` for `year` from the store's outcome index (run manifests folded
 * once), snapshots and results, and writes `state/{year}/{agencyId}.json`. An agency that no run has covered yet is not
 * assessed (there is nothing to say about it; the digest counts it as not yet checked). Returns the
 * assessments in registry order.
 */
export async function updateAssessments(
  store: ObjectStore,
  registry: Registry,
  year: number,
  now: string | number,
  options: UpdateAssessmentsOptions = {},
): Promise<Assessment[]> {
  // One index object instead of every manifest ever stored (see outcome-index.ts).
  const index = await loadOutcomeIndex(store, year, { write: options.write !== false });
  const latest = new Map<string, AgencyRunOutcome>();
  const latestFound = new Map<string, AgencyRunOutcome>();
  for (const [agencyId, entry] of Object.entries(index.agencies)) {
    if (entry.latest) latest.set(agencyId, entry.latest);
    if (entry.latestFound) latestFound.set(agencyId, entry.latestFound);
  }

  const results = await mapLimit(registry.agencies, options.concurrency ?? 16, async (agency) => {
    const outcome = latest.get(agency.id);
    if (options.write === false) {
      const previous = await getJson<AgencyYearState>(store, keys.state(year, agency.id));
      if (!outcome && !previous) return undefined;
      return (await assessFromStore(store, registry, agency, year, now, outcome, latestFound, previous)).assessment;
    }
    // Conditional read-modify-write: a concurrent digest or scan cannot lose this agency's history.
    let assessment: Awaited<ReturnType<typeof assessFromStore>> | undefined;
    const probe = await store.has(keys.state(year, agency.id));
    if (!outcome && !probe) return undefined;
    await updateUnlessSame(store, keys.state(year, agency.id), async (previous) => {
      assessment = await assessFromStore(store, registry, agency, year, now, outcome, latestFound, previous);
      return assessment.state;
    });
    return assessment?.assessment;
  });
  return results.filter((a): a is Assessment => a !== undefined);
}

async function assessFromStore(
  store: ObjectStore,
  registry: Registry,
  agency: Agency,
  year: number,
  now: string | number,
  outcome: AgencyRunOutcome | undefined,
  latestFound: Map<string, AgencyRunOutcome>,
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
    failed || !outcome ? (latestFound.get(agency.id)?.snapshots[0] ?? previous?.current.rawKey) : undefined;
  const rawKey = fetchedNow ?? fallback;
  let snapshot: SnapshotMeta | undefined;
  let result: ReportResult | undefined;
  if (rawKey) {
    const parts = parseRawKey(rawKey);
    if (parts) {
      snapshot = await getJson<SnapshotMeta>(store, keys.rawMeta(parts.year, parts.agencyId, parts.sha256));
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

/**
 * Like updateJson, but writes nothing when the new state equals the stored one apart from the moment
 * of assessment (a quiet week: same outcome, same report, same verdict). The stored `assessedAt` then
 * stays the last time the assessment said something new.
 */
async function updateUnlessSame(
  store: ObjectStore,
  key: string,
  update: (previous: AgencyYearState | undefined) => Promise<AgencyYearState>,
  maxAttempts = 25,
): Promise<void> {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = await store.getVersioned(key);
    const previous = current ? (JSON.parse(new TextDecoder().decode(current.body)) as AgencyYearState) : undefined;
    const next = await update(previous);
    if (previous && sameApartFromAssessedAt(previous, next)) return;
    const body = `${JSON.stringify(next, null, 2)}\n`;
    const condition: PutCondition = current ? { ifMatch: current.version } : { ifNoneMatch: '*' };
    if (await store.putIf(key, body, condition, { contentType: 'application/json; charset=utf-8' })) return;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));
  }
  throw new WriteConflictError(key, maxAttempts);
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
