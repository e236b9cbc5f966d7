/**
 * The weekly notify in three phases, so that on AWS it fans out where one invocation would not finish
 * (Step Functions: prepare → a Map over shard groups → publish; see infra/stack.ts), and runs as one
 * process locally and in the single-invocation handler:
 *
 *   prepare  fold the week's runs into the outcome index once (the workers only read it);
 *   shards   assess the agencies of some shards of the assessment index whose inputs changed, and make
 *            their site pages (no listings);
 *   publish  the digest and the site's listings, exports and overview, from the index: every agency a
 *            shard worker handled is found unchanged, so this reads a few objects per shard, not per
 *            agency. A shard whose worker failed is assessed and rendered here instead.
 */
import { SHARD_COUNT } from '../compliance/assessment-index.ts';
import { loadOutcomeIndex } from '../compliance/outcome-index.ts';
import { type UpdateStats, updateAssessments } from '../compliance/update.ts';
import type { Registry } from '../registry/agency.ts';
import { type GenerateSiteResult, generateSite } from '../site/generate.ts';
import { PREFIXES } from '../storage/keys.ts';
import { ListingCacheStore } from '../storage/listing-cache.ts';
import type { ObjectStore } from '../storage/port.ts';

/** Map items: SHARD_COUNT shards in this many groups (each group one worker invocation). */
export const SHARD_GROUPS = 16;

/** The shards of the assessment index in `groups` groups of consecutive shards. */
export function shardGroups(groups = SHARD_GROUPS): number[][] {
  const size = Math.ceil(SHARD_COUNT / groups);
  const out: number[][] = [];
  for (let first = 0; first < SHARD_COUNT; first += size) {
    out.push(Array.from({ length: Math.min(size, SHARD_COUNT - first) }, (_, i) => first + i));
  }
  return out;
}

/** Folds stored runs into the year's outcome index (written once, before the workers read it). */
export async function prepareWeek(store: ObjectStore, year: number): Promise<{ groups: number[][]; runs: number }> {
  const index = await loadOutcomeIndex(store, year);
  return { groups: shardGroups(), runs: index.runs.length };
}

/**
 * The store for one shard worker or one publish: results/ and raw/ (inputs the notify only reads) are
 * listed once, though both the assessment and the site list them.
 */
export function listingInputsOnce(store: ObjectStore): ObjectStore {
  return new ListingCacheStore(
    store,
    (prefix) => prefix.startsWith(PREFIXES.results) || prefix.startsWith(PREFIXES.raw),
  );
}

export interface ShardWorkResult {
  shards: number[];
  assessment: UpdateStats;
  site: Pick<GenerateSiteResult, 'agenciesRendered' | 'files' | 'unchanged' | 'bytes'>;
}

/** One worker's share: assess its shards' changed agencies and make their pages. */
export async function runShards(
  store: ObjectStore,
  input: { registry: Registry; year: number; now: Date; shards: number[] },
): Promise<ShardWorkResult> {
  store = listingInputsOnce(store);
  const stats: UpdateStats = { unchanged: 0, assessed: 0, shardsWritten: 0 };
  await updateAssessments(store, input.registry, input.year, input.now.getTime(), { shards: input.shards, stats });
  const site = await generateSite(store, { registry: input.registry, now: input.now, shards: input.shards });
  return {
    shards: input.shards,
    assessment: stats,
    site: { agenciesRendered: site.agenciesRendered, files: site.files, unchanged: site.unchanged, bytes: site.bytes },
  };
}
