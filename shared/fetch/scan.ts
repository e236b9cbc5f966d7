/**
 * The scan's public face (the scan lives in scan/): per agency, find the year's report and keep exactly
 * what was published (raw bytes + metadata in the store); per run, schedule the agencies host-aware and
 * keep the run record. Parsing is not the fetcher's: shared/pipeline/scan-run.ts runs a scan and parses.
 *
 * scan/types.ts: the shapes; scan/context.ts: an agency's budget and requests; scan/listing.ts: list
 * pages and candidates; scan/documents.ts: the article and its attachments; scan/agency.ts: one agency;
 * scan/run.ts: the run.
 */
export { scanAgency } from './scan/agency.ts';
export { RunFailedError, type RunScanOptions, runScan, type ScanProgress } from './scan/run.ts';
export {
  DEFAULT_AGENCY_BUDGET_MS,
  FETCH_RULES,
  type ScanAgencyDeps,
  type ScanGetOptions,
  type ScanHttp,
  type ScannableAgency,
  type ScanOutcome,
  type ScanResponse,
} from './scan/types.ts';
