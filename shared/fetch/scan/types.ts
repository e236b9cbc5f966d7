/**
 * The scan's public shapes: what it needs of an HTTP client, what it takes per agency, what it returns,
 * and the ids of its findings.
 */

import type { Agency } from '../../registry/agency.ts';
import type { ObjectStore } from '../../storage/port.ts';
import type { AgencyRunOutcome } from '../../storage/records.ts';
import type { GetOptions } from '../http/types.ts';

/**
 * What a scan reads of an agency: what a fetch job carries in its SQS message (functions/common/
 * fetch-jobs.ts), so a fetch worker needs no registry. Region, deadline, liaison are assessment facts.
 */
export type ScannableAgency = Pick<
  Agency,
  'id' | 'name' | 'level' | 'listUrls' | 'reportUrls' | 'charset' | 'respectRobots' | 'timeoutMs'
>;

/** What the scan needs of an HTTP response (shared/fetch/http.ts provides it). */
export interface ScanResponse {
  url: string;
  /** What robots.txt said about the URL (the polite client reports it). */
  robots?: { allowed: boolean; rule: string | null; respected: boolean };
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  fetchedAt?: string;
  notModified?: boolean;
  redirects?: unknown;
}

/** Per-request options: the polite client's own (conditional GET, size cap, robots, timeout). */
export type ScanGetOptions = GetOptions;

/** The polite HTTP client (per-host queues, retries, address guard, robots) as the scan uses it. */
export interface ScanHttp {
  get(url: string, options?: ScanGetOptions): Promise<ScanResponse>;
  close?(): void;
}

/** The stable ids of fetch-level findings (Chinese messages; kept in the run manifest; described in fetch-rules.ts). */
export const FETCH_RULES = {
  encodingSuspect: 'fetch.encoding-suspect',
  jsRenderedList: 'fetch.js-rendered-list',
  dateDisagreement: 'fetch.date-disagreement',
  errorPage: 'fetch.error-page',
  antiBot: 'fetch.anti-bot',
  listPageError: 'fetch.list-page-error',
  attachmentError: 'fetch.attachment-error',
  noCandidate: 'fetch.no-candidate',
  severalCandidates: 'fetch.several-candidates',
  processError: 'fetch.process-error',
  pageLimited: 'fetch.page-limited',
  agencyBudget: 'fetch.agency-budget',
} as const;

/** Default total time for one agency across all its requests (list pages, article, attachments). */
export const DEFAULT_AGENCY_BUDGET_MS = 180_000;

/** An agency's outcome with the technical detail of its error (the engine's words, for operators). */
export interface ScanOutcome extends AgencyRunOutcome {
  errorDetail?: string;
}

export interface ScanAgencyDeps {
  http: ScanHttp;
  store: ObjectStore;
  now: () => Date;
  /** List pages walked per list URL at most (default 20). */
  maxListPages?: number;
  /** Attachments stored per article at most (default 6). */
  maxAttachments?: number;
  /** List pages shared between the agencies of one run (runScan provides it). */
  listCache?: Map<string, Promise<{ url: string; text: string; charset: string; suspect: boolean }>>;
  /** Most list pages kept in listCache (default 256, oldest dropped first). */
  listCacheSize?: number;
  /**
   * Total time for the agency across all its requests (default DEFAULT_AGENCY_BUDGET_MS). When it runs
   * out the request in flight is cancelled and the agency ends `unreachable` with a Chinese reason.
   */
  agencyBudgetMs?: number;
}
