import { sha256Hex } from './hash.ts';
import { keys } from './keys.ts';
import { createJson, getJson, type ObjectStore, updateJson } from './port.ts';
import type { SnapshotMeta } from './records.ts';

/** What the caller knows about a fetched document; putSnapshot fills in the identity fields. */
export type SnapshotMetaInput = Omit<
  SnapshotMeta,
  'agencyId' | 'year' | 'sha256' | 'key' | 'byteLength' | 'firstSeenAt' | 'lastSeenAt' | 'timesSeen' | 'seenUrls'
>;

export interface PutSnapshotInput {
  year: number;
  agencyId: string;
  bytes: Uint8Array;
  /** File extension without the dot, lower-case letters and digits ('html', 'pdf', 'docx', …). */
  ext: string;
  meta: SnapshotMetaInput;
  /**
   * The agency-year's index as the caller read it this run (loadSnapshotMetas): when it already holds
   * this record or a later one, the index is not read again. Indexes only gain records, so a copy read
   * earlier can only under-state what is stored, never skip a needed write.
   */
  indexed?: Iterable<SnapshotMeta>;
}

export interface PutSnapshotResult {
  key: string;
  metaKey: string;
  sha256: string;
  /** True when these bytes were not in the store before (the raw object was written). */
  created: boolean;
  /** The metadata as now stored (merged with what was there). */
  meta: SnapshotMeta;
}

/**
 * Stores raw bytes under their content hash (`raw/{year}/{agencyId}/{sha256}.{ext}`) with a
 * `.meta.json` beside them. Idempotent: the same bytes again write no new object; the metadata is
 * merged instead — `fetchedAt`/`firstSeenAt` keep the first capture, `seenUrls` and `otherDates` are
 * unions, and a new null never erases a known value.
 *
 * A sighting that tells nothing new (same bytes, same URL, same dates) writes nothing: the weekly
 * "still there" lives in the run manifests and the outcome index, not under raw/, so it fires no parse
 * event and leaves the metadata's change tag alone (the assessment re-reads an agency only when one of
 * its inputs changed). `lastSeenAt` and `timesSeen` therefore describe the last sighting that changed
 * the record.
 */
export async function putSnapshot(store: ObjectStore, input: PutSnapshotInput): Promise<PutSnapshotResult> {
  const { year, agencyId, bytes } = input;
  const ext = input.ext.toLowerCase().replace(/^\./, '');
  if (!/^[a-z0-9]{1,10}$/.test(ext) || ext === 'json') throw new Error(`Invalid snapshot extension: ${input.ext}`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new Error(`Invalid snapshot year: ${year}`);
  if (!/^[^/\\.][^/\\]*$/.test(agencyId)) throw new Error(`Invalid agency id for a snapshot key: ${agencyId}`);

  const sha256 = sha256Hex(bytes);
  const key = keys.raw(year, agencyId, sha256, ext);
  const metaKey = keys.rawMeta(year, agencyId, sha256);

  const created = !(await store.has(key));
  if (created) await store.put(key, bytes, { contentType: input.meta.contentType ?? undefined });

  // Read-modify-write with a conditional put: two scans storing the same bytes at once both count.
  const meta = await updateJson<SnapshotMeta>(
    store,
    metaKey,
    (previous) => mergeMeta(previous, { ...input.meta, agencyId, year, sha256, key, byteLength: bytes.byteLength }),
    { keepIf: sameApartFromSighting },
  );
  // After the record: a crash between the two leaves the index behind, and the next sighting mends it
  // (the index is compared, not trusted, so an unchanged meta missing from it is added then).
  if (input.indexed && hasRecord(input.indexed, meta)) return { key, metaKey, sha256, created, meta };
  await updateJson<SnapshotIndex>(
    store,
    keys.snapshotIndex(year, agencyId),
    async (previous) => {
      const metas = previous?.metas ?? (await listSnapshotMetas(store, year, agencyId));
      if (hasRecord(metas, meta)) return previous ?? { metas };
      return { metas: [...metas.filter((other) => other.sha256 !== sha256), meta] };
    },
    // Nothing to write when the stored index already held this record or a later one.
    { keepIf: (previous, next) => next === previous },
  );
  return { key, metaKey, sha256, created, meta };
}

/**
 * The snapshot metadata of one agency-year together, at index/{year}/snapshots/{agencyId}.json: a scan
 * starts each agency by reading what it archived before, and one GET of this costs a twelfth of a LIST
 * of raw/{year}/{agencyId}/ (and saves a GET per document). Derived: the raw/…meta.json records stay the
 * truth, and an index missing (a store from before it) is rebuilt from them.
 */
interface SnapshotIndex {
  metas: SnapshotMeta[];
}

/** Every stored snapshot's metadata of an agency-year: from its index, else from raw/ (and then indexed). */
export async function loadSnapshotMetas(store: ObjectStore, year: number, agencyId: string): Promise<SnapshotMeta[]> {
  const indexKey = keys.snapshotIndex(year, agencyId);
  const index = await getJson<SnapshotIndex>(store, indexKey);
  if (index) return index.metas;
  const metas = await listSnapshotMetas(store, year, agencyId);
  // Written even when empty (an agency not found yet reads one GET next week, not a GET and a LIST).
  // Create only: an index a concurrent putSnapshot wrote meanwhile is newer than this listing.
  await createJson(store, indexKey, { metas } satisfies SnapshotIndex);
  return metas;
}

async function listSnapshotMetas(store: ObjectStore, year: number, agencyId: string): Promise<SnapshotMeta[]> {
  const metaKeys = (await store.list(keys.rawAgencyPrefix(year, agencyId))).filter((k) => k.endsWith('.meta.json'));
  const metas: SnapshotMeta[] = [];
  for (const metaKey of metaKeys) {
    const meta = await getJson<SnapshotMeta>(store, metaKey);
    if (meta) metas.push(meta);
  }
  return metas;
}

/**
 * True when the indexed copy is the record `meta` or a later one: a record only changes by gaining
 * sightings (timesSeen grows), so of two scans that stored the same bytes at once, the one that wrote
 * last to the record does not lose to the other in the index.
 */
function newerOrSame(indexed: SnapshotMeta, meta: SnapshotMeta): boolean {
  const seen = (record: SnapshotMeta) => record.timesSeen ?? 1;
  return seen(indexed) > seen(meta) || JSON.stringify(indexed) === JSON.stringify(meta);
}

/** True when `metas` hold `meta`'s record as stored or a later version of it. */
function hasRecord(metas: Iterable<SnapshotMeta>, meta: SnapshotMeta): boolean {
  for (const indexed of metas) if (indexed.sha256 === meta.sha256 && newerOrSame(indexed, meta)) return true;
  return false;
}

function sameApartFromSighting(previous: SnapshotMeta, merged: SnapshotMeta): boolean {
  const durable = (meta: SnapshotMeta) => JSON.stringify({ ...meta, lastSeenAt: '', timesSeen: 0 });
  return durable(previous) === durable(merged);
}

function mergeMeta(
  previous: SnapshotMeta | undefined,
  next: Omit<SnapshotMeta, 'firstSeenAt' | 'lastSeenAt' | 'timesSeen' | 'seenUrls'>,
): SnapshotMeta {
  if (!previous) {
    return {
      ...next,
      firstSeenAt: next.fetchedAt,
      lastSeenAt: next.fetchedAt,
      timesSeen: 1,
      seenUrls: [next.url],
    };
  }
  const merged: SnapshotMeta = { ...previous };
  for (const [name, value] of Object.entries(next) as [keyof SnapshotMeta, unknown][]) {
    if (value === null || value === undefined) continue;
    (merged as unknown as Record<string, unknown>)[name] = value;
  }
  // A document linked from two addresses keeps the one it has, so alternating sightings do not rewrite it.
  if (previous.seenUrls?.includes(next.url)) merged.url = previous.url;
  const firstSeenAt = previous.firstSeenAt ?? previous.fetchedAt;
  merged.fetchedAt = previous.fetchedAt;
  merged.firstSeenAt = firstSeenAt;
  merged.lastSeenAt = maxIso(previous.lastSeenAt ?? previous.fetchedAt, next.fetchedAt);
  merged.timesSeen = (previous.timesSeen ?? 1) + 1;
  merged.seenUrls = unique([...(previous.seenUrls ?? [previous.url]), next.url]);
  const dates = [...(previous.otherDates ?? []), ...next.otherDates];
  merged.otherDates = dates.filter(
    (date, index) => dates.findIndex((d) => d.source === date.source && d.value === date.value) === index,
  );
  return merged;
}

function maxIso(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
