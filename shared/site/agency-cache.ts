/**
 * What the site generator remembers per agency between runs (`index/site-agencies/{nn}.json`, sharded
 * like the assessment index): the fingerprint of everything the agency's pages were made from, the
 * pages it wrote, and the little its export rows need beyond its state. An agency whose fingerprint is
 * unchanged is neither read (results, metadata, archived originals) nor rendered: a quiet week costs
 * the agencies that changed.
 */
import { createHash } from 'node:crypto';
import { groupByShard, SHARD_COUNT } from '../compliance/assessment-index.ts';
import type { Finding } from '../rules/finding.ts';
import { keys } from '../storage/keys.ts';
import { getJson, type ObjectStore } from '../storage/port.ts';
import type { TriageLookup } from '../triage/triage.ts';
import type { SiteAgency, SiteIndex } from './collect.ts';

/**
 * Bump when the markup of agency, report or archive pages changes, so every agency's pages are made
 * again once (their inputs alone would not say so).
 */
export const PAGE_FORMAT_VERSION = 1;

const CACHE_VERSION = 1;

export interface SiteAgencyEntry {
  fingerprint: string;
  /** Site keys of the agency's pages (its page, report pages, archive viewers) and their content hashes. */
  pages: Record<string, string>;
  /** Per year: the current result's hash, and the merged findings where they differ from the state's. */
  years: Record<number, { currentSha?: string; findings?: Finding[] }>;
}

interface SiteAgencyShard {
  version: typeof CACHE_VERSION;
  agencies: Record<string, SiteAgencyEntry>;
}

/** Every cached agency (SHARD_COUNT reads at most), or those of the given shards only. */
export async function loadSiteAgencyCache(
  store: ObjectStore,
  shards?: readonly number[],
): Promise<Map<string, SiteAgencyEntry>> {
  const cache = new Map<string, SiteAgencyEntry>();
  const present = await store.list(keys.siteAgencyShardPrefix);
  const wanted = shards ? new Set(shards.map((shard) => keys.siteAgencyShard(shard))) : undefined;
  for (const key of present) {
    if (wanted && !wanted.has(key)) continue;
    const shard = await getJson<SiteAgencyShard>(store, key).catch(() => undefined);
    if (shard?.version !== CACHE_VERSION) continue;
    for (const [agencyId, entry] of Object.entries(shard.agencies)) cache.set(agencyId, entry);
  }
  return cache;
}

/** Writes the shards whose entries changed (or lost an agency); returns how many were written. */
export async function saveSiteAgencyCache(
  store: ObjectStore,
  previous: Map<string, SiteAgencyEntry>,
  next: Map<string, SiteAgencyEntry>,
): Promise<number> {
  const byShard = (entries: Map<string, SiteAgencyEntry>) => groupByShard(entries, ([agencyId]) => agencyId);
  const before = byShard(previous);
  const after = byShard(next);
  let written = 0;
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    const old = before.get(shard) ?? [];
    const now = (after.get(shard) ?? []).sort((a, b) => a[0].localeCompare(b[0]));
    const same = old.length === now.length && now.every(([agencyId, entry]) => previous.get(agencyId) === entry);
    if (same) continue;
    if (now.length === 0) {
      await store.delete(keys.siteAgencyShard(shard));
    } else {
      const record: SiteAgencyShard = { version: CACHE_VERSION, agencies: Object.fromEntries(now) };
      await store.put(keys.siteAgencyShard(shard), JSON.stringify(record), {
        contentType: 'application/json; charset=utf-8',
      });
    }
    written++;
  }
  return written;
}

/** The officials' verdicts of each agency as one string (a new verdict changes the agency's pages). */
export function triageJsonByAgency(triage: TriageLookup | undefined): Map<string, string> {
  const byAgency = new Map<string, unknown[]>();
  for (const entry of triage?.entries() ?? []) {
    const list = byAgency.get(entry.agencyId);
    if (list) list.push(entry);
    else byAgency.set(entry.agencyId, [entry]);
  }
  return new Map([...byAgency].map(([agencyId, entries]) => [agencyId, JSON.stringify(entries)]));
}

/**
 * Hash of everything an agency's pages are made from: the page format, the registry entry, per year
 * its state, the change tags of its results and snapshot metadata (archived originals are immutable,
 * named by their hash), its fetch log, and the officials' verdicts.
 */
export function siteFingerprint(agency: SiteAgency, index: SiteIndex, triageJson: string): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([PAGE_FORMAT_VERSION, agency, index.years, triageJson]));
  for (const year of index.years) {
    const tagged = [
      ...(index.resultKeys.get(year)?.get(agency.id) ?? []),
      ...(index.metaKeys.get(year)?.get(agency.id) ?? []),
    ].map((key) => `${key}=${index.tags.get(key) ?? ''}`);
    hash.update(
      JSON.stringify([
        year,
        index.states.get(year)?.get(agency.id) ?? null,
        tagged,
        index.fetches.get(year)?.get(agency.id) ?? [],
      ]),
    );
  }
  return hash.digest('hex');
}
