/**
 * Reads what the site needs from the store: assessments (the assessment index, else state/), the fetch
 * log (the outcome index), and per agency the parsed results and snapshot metadata. States and the fetch
 * log are read up front; results are listed with their change tags and read one agency at a time by the
 * generator, only for agencies whose pages must change, so 10,000 agencies never sit in memory together.
 */

import { mapLimit } from '../async/map-limit.ts';
import { loadIndexedStates, type ShardScope, shardScope } from '../compliance/assessment-index.ts';
import { type FetchStretch, fetchStretchesOf, loadOutcomeIndex } from '../compliance/outcome-index.ts';
import type { AgencyYearState, ComplianceStatus } from '../compliance/status.ts';
import type { Agency, AgencyLevel } from '../registry/agency.ts';
import { keys, PREFIXES } from '../storage/keys.ts';
import { getJson, type ObjectStore } from '../storage/port.ts';
import type { ReportResult, SnapshotMeta } from '../storage/records.ts';
import type { TriageLookup } from '../triage/triage.ts';

/** One agency as the site shows it (from the registry, or only its id when the registry lacks it). */
export interface SiteAgency {
  id: string;
  name: string;
  level: AgencyLevel | null;
  region: string[];
  listUrls: string[];
  inRegistry: boolean;
  /** The registry's contact for the agency (联系人, 电话, 邮箱). */
  liaison?: { name?: string; phone?: string; email?: string };
}

/** Fetches of an agency-year with the same result in consecutive runs (see fetchStretchesOf). */
export type FetchRecord = FetchStretch;

export interface SiteIndex {
  years: number[];
  /** Officials' verdicts (shared/triage), for the badges and the 核查 filter. */
  triage?: TriageLookup;
  agencies: SiteAgency[];
  /** state[year][agencyId] */
  states: Map<number, Map<string, AgencyYearState>>;
  /** fetches[year][agencyId], oldest first */
  fetches: Map<number, Map<string, FetchRecord[]>>;
  /** Keys under results/{year}/ and raw/{year}/ grouped by agency. */
  resultKeys: Map<number, Map<string, string[]>>;
  metaKeys: Map<number, Map<string, string[]>>;
  /** Change tags of those keys, by key (what an agency's pages are made from changed when one moved). */
  tags: Map<string, string>;
}

/** How many stretches of the fetch history an agency page lists (the newest ones). */
export const MAX_FETCH_STRETCHES = 60;

/**
 * Keys `{prefix}{agencyId}/…` that `keep`, of agencies in scope, grouped by agency id; each one's change
 * tag into `tags`.
 */
async function listTaggedByAgency(
  store: ObjectStore,
  prefix: string,
  keep: (key: string) => boolean,
  inScope: ShardScope,
  tags: Map<string, string>,
): Promise<Map<string, string[]>> {
  const groups = new Map<string, string[]>();
  for (const { key, tag } of await store.listTagged(prefix)) {
    if (!keep(key)) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) continue;
    const agencyId = rest.slice(0, slash);
    if (!inScope(agencyId)) continue;
    const list = groups.get(agencyId);
    if (list) list.push(key);
    else groups.set(agencyId, [key]);
    tags.set(key, tag);
  }
  return groups;
}

/** A year's states: from the assessment index when there is one (a few reads), else one read per agency. */
async function loadStates(
  store: ObjectStore,
  year: number,
  shards: readonly number[] | undefined,
): Promise<Map<string, AgencyYearState>> {
  const indexed = await loadIndexedStates(store, year, shards);
  if (indexed) return indexed;
  const inScope = shardScope(shards);
  const stateKeys = (await store.list(keys.statePrefix(year))).filter(
    (key) => key.endsWith('.json') && inScope(key.slice(keys.statePrefix(year).length, -'.json'.length)),
  );
  const loaded = await mapLimit(stateKeys, 32, (key) => getJson<AgencyYearState>(store, key));
  const byAgency = new Map<string, AgencyYearState>();
  for (const state of loaded) if (state?.agencyId) byAgency.set(state.agencyId, state);
  return byAgency;
}

/**
 * Report years with stored assessments (state/ holds one small key per agency-year); results/ is listed
 * only when nothing has been assessed yet, since on S3 it is the larger listing.
 */
async function discoverYears(store: ObjectStore): Promise<number[]> {
  const years = new Set<number>();
  for (const prefix of [PREFIXES.state, PREFIXES.results]) {
    for (const key of await store.list(prefix)) {
      const match = /^[a-z]+\/(\d{4})\//.exec(key);
      if (match) years.add(Number(match[1]));
    }
    if (years.size > 0) break;
  }
  return [...years].sort((a, b) => a - b);
}

/**
 * Reads states, runs and key listings for the given years (all stored years when omitted). With
 * `shards` (a fan-out worker's share), only those shards' agencies are kept, from the registry and the
 * store alike.
 */
export async function collectSiteIndex(
  store: ObjectStore,
  registryAgencies: Agency[],
  requestedYears?: number[],
  shards?: readonly number[],
): Promise<SiteIndex> {
  const inScope = shardScope(shards);
  const years = requestedYears?.length ? [...requestedYears].sort((a, b) => a - b) : await discoverYears(store);
  const states = new Map<number, Map<string, AgencyYearState>>();
  const resultKeys = new Map<number, Map<string, string[]>>();
  const metaKeys = new Map<number, Map<string, string[]>>();
  const tags = new Map<string, string>();
  for (const year of years) {
    states.set(year, await loadStates(store, year, shards));
    const isResult = (key: string) => key.endsWith('.json');
    resultKeys.set(year, await listTaggedByAgency(store, keys.resultYearPrefix(year), isResult, inScope, tags));
    const isMeta = (key: string) => key.endsWith('.meta.json');
    metaKeys.set(year, await listTaggedByAgency(store, keys.rawYearPrefix(year), isMeta, inScope, tags));
  }

  // The fetch log from each year's outcome index (runs folded once), not from every manifest.
  const fetches = new Map<number, Map<string, FetchRecord[]>>();
  for (const year of years) {
    const outcomeIndex = await loadOutcomeIndex(store, year);
    const byAgency = new Map<string, FetchRecord[]>();
    for (const agencyId of Object.keys(outcomeIndex.agencies)) {
      if (!inScope(agencyId)) continue;
      const records = fetchStretchesOf(outcomeIndex, agencyId, MAX_FETCH_STRETCHES);
      if (records.length) byAgency.set(agencyId, records);
    }
    fetches.set(year, byAgency);
  }

  // Registry agencies first (in registry order), then any agency that only exists in the store.
  const agencies: SiteAgency[] = registryAgencies
    .filter((agency) => inScope(agency.id))
    .map((agency) => ({
      id: agency.id,
      name: agency.name,
      level: agency.level,
      region: agency.region,
      listUrls: agency.listUrls,
      inRegistry: true,
      ...(agency.liaison ? { liaison: agency.liaison } : {}),
    }));
  const known = new Set(agencies.map((agency) => agency.id));
  for (const map of [...states.values(), ...resultKeys.values()]) {
    for (const agencyId of map.keys()) {
      if (known.has(agencyId)) continue;
      known.add(agencyId);
      agencies.push({ id: agencyId, name: agencyId, level: null, region: [], listUrls: [], inRegistry: false });
    }
  }
  return { years, agencies, states, fetches, resultKeys, metaKeys, tags };
}

/** The parsed results and snapshot metadata of one agency-year, newest result last. */
export async function loadAgencyYear(
  store: ObjectStore,
  index: SiteIndex,
  agencyId: string,
  year: number,
): Promise<{ results: ReportResult[]; metas: Map<string, SnapshotMeta> }> {
  const resultList = index.resultKeys.get(year)?.get(agencyId) ?? [];
  const metaList = index.metaKeys.get(year)?.get(agencyId) ?? [];
  const results = (await Promise.all(resultList.map((key) => getJson<ReportResult>(store, key).catch(() => undefined))))
    .filter((result): result is ReportResult => result !== undefined && typeof result.sha256 === 'string')
    .sort((a, b) => (a.parsedAt ?? '').localeCompare(b.parsedAt ?? ''));
  const metas = new Map<string, SnapshotMeta>();
  for (const meta of await Promise.all(
    metaList.map((key) => getJson<SnapshotMeta>(store, key).catch(() => undefined)),
  )) {
    if (meta?.sha256) metas.set(meta.sha256, meta);
  }
  return { results, metas };
}

/** The status of an agency-year, or null when it has not been assessed. */
export function statusOf(index: SiteIndex, agencyId: string, year: number): ComplianceStatus | null {
  return index.states.get(year)?.get(agencyId)?.current.status ?? null;
}
