import { sha256Hex } from './hash.ts';
import { keys } from './keys.ts';
import { type ObjectStore, updateJson } from './port.ts';
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
  return { key, metaKey, sha256, created, meta };
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
