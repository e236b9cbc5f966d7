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
 * index/{year}/outcomes.json                  OutcomeIndex: runs folded once (shared/compliance/outcome-index.ts)
 * index/{year}/refold/{runId}                 marker: a folded manifest was rewritten, rebuild the index
 * index/site-pages.json                       SitePageHashes: content hash per site page (skip unchanged PUTs)
 */
export const RAW_PREFIX = 'raw/';
export const RESULTS_PREFIX = 'results/';
export const SITE_PREFIX = 'site/';
export const PAGE_CACHE_PREFIX = 'http-cache/';
export const TRIAGE_PREFIX = 'triage/';

export const keys = {
  raw: (year: number, agencyId: string, sha256: string, ext: string) => `raw/${year}/${agencyId}/${sha256}.${ext}`,
  rawMeta: (year: number, agencyId: string, sha256: string) => `raw/${year}/${agencyId}/${sha256}.meta.json`,
  rawAgencyPrefix: (year: number, agencyId: string) => `raw/${year}/${agencyId}/`,
  result: (year: number, agencyId: string, sha256: string) => `results/${year}/${agencyId}/${sha256}.json`,
  resultAgencyPrefix: (year: number, agencyId: string) => `results/${year}/${agencyId}/`,
  state: (year: number, agencyId: string) => `state/${year}/${agencyId}.json`,
  statePrefix: (year: number) => `state/${year}/`,
  run: (runId: string) => `runs/${runId}.json`,
  digest: (isoWeek: string) => `digests/${isoWeek}.json`,
  digestEml: (isoWeek: string) => `digests/${isoWeek}.eml`,
  site: (path: string) => `site/${path}`,
  /** HTTP validator cache for list and article pages (conditional GET), by the URL's SHA-256. */
  pageCache: (urlSha256: string) => `http-cache/${urlSha256}.json`,
  /** Officials' verdicts on one agency-year's findings, with the audit trail. */
  triage: (year: number, agencyId: string) => `triage/${year}/${agencyId}.json`,
  triagePrefix: (year: number) => `triage/${year}/`,
  /** The registry used by scheduled runs (uploaded by deployment on AWS, recorded by `nianbao scan` locally). */
  registry: 'config/registry.yaml',
  /** Latest outcome per agency and the fetch log of a year, folded from runs/ once. */
  outcomeIndex: (year: number) => `index/${year}/outcomes.json`,
  outcomeIndexRefoldPrefix: (year: number) => `index/${year}/refold/`,
  /** Content hash of every page the site generator wrote (so unchanged pages are not written again). */
  sitePageHashes: 'index/site-pages.json',
} as const;

/** Parses a raw object key back into its parts; undefined for metadata and foreign keys. */
export function parseRawKey(key: string): { year: number; agencyId: string; sha256: string; ext: string } | undefined {
  const match = /^raw\/(\d{4})\/([^/]+)\/([0-9a-f]{64})\.([a-z0-9]+)$/.exec(key);
  if (!match || match[4] === 'json') return undefined;
  return { year: Number(match[1]), agencyId: match[2] as string, sha256: match[3] as string, ext: match[4] as string };
}
