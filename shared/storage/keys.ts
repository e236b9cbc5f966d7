/**
 * The key layout of the store, in one place. Raw and results live under different prefixes so the
 * parse trigger (S3 events on `raw/`) never fires on its own output.
 *
 * raw/{year}/{agencyId}/{sha256}.{ext}        bytes exactly as served
 * raw/{year}/{agencyId}/{sha256}.meta.json    SnapshotMeta
 * results/{year}/{agencyId}/{sha256}.json     ReportResult (parsed model + findings + parser version)
 * state/{year}/{agencyId}.json                AgencyYearState (assessment history)
 * runs/{runId}.json                           RunManifest
 * digests/{isoWeek}.json / .eml               what was sent
 * site/…                                      the static results site
 * http-cache/{sha256 of url}.json             PageCacheRecord: validators + body of a list/article page
 *                                             (shared/fetch/page-cache.ts; not under raw/, so no parse trigger)
 * triage/{year}/{agencyId}.json               TriageRecord: officials' verdicts on findings + audit trail
 *                                             (shared/triage/triage.ts)
 * config/registry.yaml                        the registry the scans use (uploaded on AWS, recorded by `scan`)
 * run-parts/{runId}/{jobId}.json              one fetch job's outcomes on AWS, or one chunk of a local scan's
 *                                             (shared/fetch/run-parts.ts folds them into runs/)
 * index/{year}/snapshots/{agencyId}.json      SnapshotIndex: the agency-year's snapshot metas in one object, so a
 *                                             scan reads them with one GET, not a LIST (shared/storage/snapshot.ts)
 * index/{year}/outcomes.json                  OutcomeIndex: runs folded once (shared/compliance/outcome-index.ts)
 * index/{year}/refold/{runId}                 marker: a folded manifest was rewritten, rebuild the index
 * index/{year}/assessments/{nn}.json          AssessmentShard: states + input fingerprints by agency-id hash
 *                                             (shared/compliance/assessment-index.ts)
 * index/site-agencies/{nn}.json               SiteAgencyEntry per agency: fingerprint + pages (shared/site/agency-cache.ts)
 * index/site-pages.json                       SitePageHashes: content hash per site page (skip unchanged PUTs)
 */
/**
 * Every top-level prefix of the store. Everything that names a key (the domain code, the handlers, the
 * CDK stack's IAM grants and event filters) derives it from here.
 */
export const PREFIXES = {
  raw: 'raw/',
  results: 'results/',
  state: 'state/',
  runs: 'runs/',
  /** One fetch job's (AWS) or one chunk's (local scan) outcomes, folded into `runs/` (shared/fetch/run-parts.ts). */
  runParts: 'run-parts/',
  digests: 'digests/',
  site: 'site/',
  pageCache: 'http-cache/',
  triage: 'triage/',
  config: 'config/',
  /** Derived indexes the notifier keeps so a week reads only what changed (outcomes, site page hashes). */
  index: 'index/',
} as const;

/** A store prefix, as named in {@link PREFIXES}. */
export type StorePrefix = (typeof PREFIXES)[keyof typeof PREFIXES];

/** The IAM object pattern for everything under a prefix (`raw/*`). */
export function objectsUnder(prefix: StorePrefix): string {
  return `${prefix}*`;
}

export const RAW_PREFIX = PREFIXES.raw;
export const RESULTS_PREFIX = PREFIXES.results;
export const SITE_PREFIX = PREFIXES.site;
export const PAGE_CACHE_PREFIX = PREFIXES.pageCache;
export const TRIAGE_PREFIX = PREFIXES.triage;
export const RUN_PARTS_PREFIX = PREFIXES.runParts;

const { raw, results, state, runs, runParts, digests, site, pageCache, triage, config, index } = PREFIXES;

export const keys = {
  raw: (year: number, agencyId: string, sha256: string, ext: string) => `${raw}${year}/${agencyId}/${sha256}.${ext}`,
  rawMeta: (year: number, agencyId: string, sha256: string) => `${raw}${year}/${agencyId}/${sha256}.meta.json`,
  rawYearPrefix: (year: number) => `${raw}${year}/`,
  rawAgencyPrefix: (year: number, agencyId: string) => `${raw}${year}/${agencyId}/`,
  result: (year: number, agencyId: string, sha256: string) => `${results}${year}/${agencyId}/${sha256}.json`,
  resultYearPrefix: (year: number) => `${results}${year}/`,
  resultAgencyPrefix: (year: number, agencyId: string) => `${results}${year}/${agencyId}/`,
  state: (year: number, agencyId: string) => `${state}${year}/${agencyId}.json`,
  statePrefix: (year: number) => `${state}${year}/`,
  run: (runId: string) => `${runs}${runId}.json`,
  /** Where one fetch job's (or local chunk's) outcomes go until they are folded into the run manifest. */
  runPart: (runId: string, jobId: string) => `${runParts}${runId}/${jobId}.json`,
  runPartsOf: (runId: string) => `${runParts}${runId}/`,
  digest: (isoWeek: string) => `${digests}${isoWeek}.json`,
  digestEml: (isoWeek: string) => `${digests}${isoWeek}.eml`,
  /** One region's (or recipient set's) message of a week's digest. */
  digestSetEml: (isoWeek: string, setHash: string) => `${digests}${isoWeek}/${setHash}.eml`,
  site: (path: string) => `${site}${path}`,
  /** HTTP validator cache for list and article pages (conditional GET), by the URL's SHA-256. */
  pageCache: (urlSha256: string) => `${pageCache}${urlSha256}.json`,
  /** Officials' verdicts on one agency-year's findings, with the audit trail. */
  triage: (year: number, agencyId: string) => `${triage}${year}/${agencyId}.json`,
  triagePrefix: (year: number) => `${triage}${year}/`,
  /** The registry used by scheduled runs (uploaded by deployment on AWS, recorded by `nianbao scan` locally). */
  registry: `${config}registry.yaml`,
  /** One agency-year's snapshot metas together (derived from raw/…meta.json, which stay the record). */
  snapshotIndex: (year: number, agencyId: string) => `${index}${year}/snapshots/${agencyId}.json`,
  /** The IAM object pattern of every snapshot index (the fetch worker writes these and no other index). */
  snapshotIndexPattern: `${index}*/snapshots/*`,
  /** Latest outcome per agency and the fetch log of a year, folded from runs/ once. */
  outcomeIndex: (year: number) => `${index}${year}/outcomes.json`,
  outcomeIndexRefoldPrefix: (year: number) => `${index}${year}/refold/`,
  /** Marker: the manifest of `runId` was rewritten after the index may have folded it. */
  outcomeIndexRefold: (year: number, runId: string) => `${index}${year}/refold/${runId}`,
  /** The year's states in fixed shards with the fingerprint of what each was assessed from. */
  assessmentShard: (year: number, shard: number) =>
    `${index}${year}/assessments/${String(shard).padStart(2, '0')}.json`,
  assessmentShardPrefix: (year: number) => `${index}${year}/assessments/`,
  /** Per agency: what its site pages were made from, so an unchanged agency is not rendered again. */
  siteAgencyShard: (shard: number) => `${index}site-agencies/${String(shard).padStart(2, '0')}.json`,
  siteAgencyShardPrefix: `${index}site-agencies/`,
  /** Content hash of every page the site generator wrote (so unchanged pages are not written again). */
  sitePageHashes: `${index}site-pages.json`,
} as const;

/** The ISO week of a digest record key (`digests/2026-W14.json`), or undefined for other keys. */
export function parseDigestKey(key: string): string | undefined {
  if (!key.startsWith(digests)) return undefined;
  return /^(\d{4}-W\d{2})\.json$/.exec(key.slice(digests.length))?.[1];
}

/** Parses a raw object key back into its parts; undefined for metadata and foreign keys. */
export function parseRawKey(key: string): { year: number; agencyId: string; sha256: string; ext: string } | undefined {
  const match = /^raw\/(\d{4})\/([^/]+)\/([0-9a-f]{64})\.([a-z0-9]+)$/.exec(key);
  if (!match || match[4] === 'json') return undefined;
  return { year: Number(match[1]), agencyId: match[2] as string, sha256: match[3] as string, ext: match[4] as string };
}
