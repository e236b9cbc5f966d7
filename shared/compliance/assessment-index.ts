/**
 * The per-year assessment index (`index/{year}/assessments/{shard}.json`): every agency's latest state,
 * with the fingerprint of the inputs it was assessed from, in SHARD_COUNT shards by a hash of the agency
 * id. It is what makes a quiet week cost what changed:
 *
 * - the assessment re-reads an agency (state, snapshot metadata, result, last year's result) only when
 *   its fingerprint moved: a new fetch outcome, a new or re-parsed result, changed metadata, a registry
 *   edit, its deadline passing, or this code's version. The change tags come from listings (one request
 *   per 1,000 keys on S3), not from N reads;
 * - the digest, the overview pages and the exports read the shards (SHARD_COUNT objects) instead of one
 *   state object per agency;
 * - a shard is written only when one of its agencies changed, and each shard can be assessed on its own
 *   (the notifier fans out over shards on AWS; see functions/notify-shard.ts).
 *
 * The shard count is fixed: an agency's shard must not move between weeks.
 */
import { createHash } from 'node:crypto';
import type { Agency, Registry } from '../registry/agency.ts';
import { keys } from '../storage/keys.ts';
import { getJson, type ObjectStore } from '../storage/port.ts';
import type { AgencyRunOutcome } from '../storage/records.ts';
import { deadlineFor } from './deadline.ts';
import type { AgencyYearState } from './status.ts';

/** Shards per year: ~2,300 agencies each at 150,000, ~160 at 10,000. Fixed (see the module comment). */
export const SHARD_COUNT = 64;

/**
 * Bump when the assessment's logic changes what it concludes from the same inputs, so every agency is
 * re-assessed once (the parser's own version reaches the fingerprint through the results' change tags).
 */
export const ASSESSMENT_VERSION = 1;

const INDEX_VERSION = 1;

export interface AssessmentIndexEntry {
  /** Hash of everything the assessment read (inputFingerprint). */
  fingerprint: string;
  state: AgencyYearState;
}

export interface AssessmentShard {
  version: typeof INDEX_VERSION;
  year: number;
  shard: number;
  agencies: Record<string, AssessmentIndexEntry>;
}

/** The shard an agency belongs to (FNV-1a of its id): stable across runs, machines and registry order. */
export function shardOf(agencyId: string, shardCount = SHARD_COUNT): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < agencyId.length; i++) {
    hash ^= agencyId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shardCount;
}

/**
 * Which agencies a fan-out worker's share covers: those of the given shards; every agency when none are
 * given. A worker keeps only its share of what it lists and reads, so its memory is its share's.
 */
export type ShardScope = (agencyId: string) => boolean;

export function shardScope(shards?: readonly number[]): ShardScope {
  if (!shards) return () => true;
  const wanted = new Set(shards);
  return (agencyId) => wanted.has(shardOf(agencyId));
}

/** The agencies of `items` in each shard (shards without agencies absent), in their given order. */
export function groupByShard<T>(items: Iterable<T>, idOf: (item: T) => string): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const shard = shardOf(idOf(item));
    const list = groups.get(shard);
    if (list) list.push(item);
    else groups.set(shard, [item]);
  }
  return groups;
}

export function emptyShard(year: number, shard: number): AssessmentShard {
  return { version: INDEX_VERSION, year, shard, agencies: {} };
}

export async function loadAssessmentShard(store: ObjectStore, year: number, shard: number): Promise<AssessmentShard> {
  const stored = await getJson<AssessmentShard>(store, keys.assessmentShard(year, shard)).catch(() => undefined);
  return stored?.version === INDEX_VERSION && stored.year === year && stored.shard === shard
    ? stored
    : emptyShard(year, shard);
}

/** Compact JSON: the shards are read by programs, and hold every agency's state (~2 KB each). */
export async function saveAssessmentShard(store: ObjectStore, shard: AssessmentShard): Promise<void> {
  await store.put(keys.assessmentShard(shard.year, shard.shard), JSON.stringify(shard), {
    contentType: 'application/json; charset=utf-8',
  });
}

/**
 * Every agency's state for `year` from the index (SHARD_COUNT reads), keyed by agency id; undefined when
 * the year has no index (a store written before it existed: read state/ instead). Agencies the index
 * has never assessed are absent.
 */
export async function loadIndexedStates(
  store: ObjectStore,
  year: number,
  shards?: readonly number[],
): Promise<Map<string, AgencyYearState> | undefined> {
  const present = new Set(await store.list(keys.assessmentShardPrefix(year)));
  if (present.size === 0) return undefined;
  const states = new Map<string, AgencyYearState>();
  for (const shard of shards ?? Array.from({ length: SHARD_COUNT }, (_, shard) => shard)) {
    if (!present.has(keys.assessmentShard(year, shard))) continue;
    const loaded = await loadAssessmentShard(store, year, shard);
    for (const [agencyId, entry] of Object.entries(loaded.agencies)) states.set(agencyId, entry.state);
  }
  return states;
}

/** Change tags of the stored objects an agency's assessment reads, by agency id (from listings). */
export type InputTags = Map<string, string[]>;

/**
 * Lists, with change tags, what the assessment reads for `year`: results and snapshot metadata of the
 * year, last year's results and states (the cross-year rules), and which agencies have a state. A few
 * listings instead of several reads per agency.
 */
export async function collectInputTags(
  store: ObjectStore,
  year: number,
  inScope: ShardScope = () => true,
): Promise<InputTags> {
  const tags: InputTags = new Map();
  const add = (agencyId: string, tag: string) => {
    const list = tags.get(agencyId);
    if (list) list.push(tag);
    else tags.set(agencyId, [tag]);
  };
  const sources: { prefix: string; keep?: (key: string) => boolean; label: string }[] = [
    { prefix: keys.resultYearPrefix(year), label: 'r' },
    { prefix: keys.rawYearPrefix(year), keep: (key) => key.endsWith('.meta.json'), label: 'm' },
    { prefix: keys.resultYearPrefix(year - 1), label: 'p' },
    { prefix: keys.statePrefix(year - 1), label: 'q' },
  ];
  for (const source of sources) {
    for (const { key, tag } of await store.listTagged(source.prefix)) {
      if (source.keep && !source.keep(key)) continue;
      const rest = key.slice(source.prefix.length);
      const slash = rest.indexOf('/');
      // results/{year}/{agency}/{sha}.json and raw/…: agency folder; state/{year}/{agency}.json: file.
      const agencyId = slash > 0 ? rest.slice(0, slash) : rest.replace(/\.json$/, '');
      if (agencyId && inScope(agencyId)) add(agencyId, `${source.label}:${rest}:${tag}`);
    }
  }
  // Whether this year's state exists (deleted by hand: assess again); its tag would move with our own writes.
  for (const key of await store.list(keys.statePrefix(year))) {
    const agencyId = key.slice(keys.statePrefix(year).length).replace(/\.json$/, '');
    if (agencyId && inScope(agencyId)) add(agencyId, 's');
  }
  return tags;
}

export interface FingerprintInput {
  agency: Agency;
  year: number;
  registry: Pick<Registry, 'deadlines'>;
  nowMs: number;
  outcome: AgencyRunOutcome | undefined;
  latestFound: { outcome: AgencyRunOutcome; at?: string } | undefined;
  tags: string[] | undefined;
}

/** Hash of every input of one agency's assessment (see the module comment). */
export function inputFingerprint(input: FingerprintInput): string {
  const deadline = deadlineFor(input.agency, input.year, input.registry);
  return createHash('sha256')
    .update(
      JSON.stringify([
        ASSESSMENT_VERSION,
        input.agency,
        deadline.date,
        input.nowMs >= deadline.lateFromMs,
        input.outcome ?? null,
        input.latestFound?.outcome.snapshots[0] ?? null,
        // When the report was last seen only shows while the latest fetch failed (沿用 … 抓取的报告);
        // it moves every week an agency is found, which alone must not make it "changed".
        input.outcome?.status === 'found' ? null : (input.latestFound?.at ?? null),
        input.tags ?? [],
      ]),
    )
    .digest('hex');
}
