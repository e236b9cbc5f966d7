/** The JSON records kept in the store (see keys.ts for where each lives). */
import type { AgencyLevel } from '../registry/agency.ts';
import type { AnnualReport } from '../report/model.ts';
import type { Finding } from '../rules/finding.ts';

export type PublishDateSource =
  | 'header-table'
  | 'meta-pubdate'
  | 'list-row'
  | 'page-text'
  | 'url'
  | 'last-modified'
  | 'first-seen';

/** Metadata stored beside each raw snapshot. */
export interface SnapshotMeta {
  agencyId: string;
  year: number;
  sha256: string;
  /** Key of the raw bytes. */
  key: string;
  url: string;
  /** The article page the document was found on (same as url for inline HTML bodies). */
  pageUrl: string;
  title: string | null;
  fetchedAt: string;
  /** ISO date-time (Asia/Shanghai offset) of publication, and where it was read. */
  publishDate: string | null;
  publishDateSource: PublishDateSource | null;
  /** Other dates seen (成文日期, list-row dates, …), kept as evidence. */
  otherDates: { source: string; value: string }[];
  contentType: string | null;
  /** Charset used to decode text content, if any. */
  charset: string | null;
  byteLength: number;
  /** Why this document was chosen among the candidates. */
  chosenBecause?: string;
  headers: Record<string, string>;
  /**
   * The agency's level when it was fetched (plausibility checks depend on it): the parse function reads
   * it here, so it needs no registry. Missing on snapshots stored before it was recorded.
   */
  agencyLevel?: AgencyLevel;
  /** First and latest time these exact bytes were fetched (kept by putSnapshot across runs). */
  firstSeenAt?: string;
  lastSeenAt?: string;
  /** How many times putSnapshot stored or confirmed these bytes. */
  timesSeen?: number;
  /** Every URL these bytes were served from (the same file is often linked from several places). */
  seenUrls?: string[];
}

/**
 * How one agency ended a fetch run. `address-broken`: a registry address (list or report URL) answers
 * 404/410 while the site's home page answers, so the registry needs updating; a site whose home page
 * fails too is `unreachable`.
 */
export type FetchStatus = 'found' | 'not-found' | 'unreachable' | 'blocked' | 'address-broken';

export interface AgencyRunOutcome {
  agencyId: string;
  year: number;
  status: FetchStatus;
  /** Raw keys of the snapshots stored (the chosen report first). */
  snapshots: string[];
  /** Fetch-level findings (fetch.encoding-suspect, fetch.js-rendered-list, …). */
  findings: Finding[];
  error?: string;
  pagesFetched: number;
  /** Every annual-report-like link seen on the list pages, best first, kept as evidence. */
  candidates?: CandidateEvidence[];
  /** Why the chosen article was chosen (or why none was), in Chinese. */
  chosenBecause?: string;
  /**
   * The re-check of the archived article URL when the list no longer showed a report found earlier:
   * HTTP status it answered (200: still there; 404/410: taken down). Only this proves a withdrawal.
   */
  recheck?: { url: string; status: number; at: string };
  /** What robots.txt said about the first page fetched for the agency, and whether it was obeyed. */
  robots?: { allowed: boolean; rule: string | null; respected: boolean };
}

/** One candidate link considered for an agency's report. */
export interface CandidateEvidence {
  title: string;
  url: string;
  listDate?: string;
  /** Year read from the title, null when none. */
  year: number | null;
  score: number;
  chosen: boolean;
}

export interface RunManifest {
  runId: string;
  year: number;
  startedAt: string;
  finishedAt: string;
  outcomes: AgencyRunOutcome[];
}

/** Parser output stored next to the snapshot. */
export interface ReportResult {
  agencyId: string;
  year: number;
  sha256: string;
  rawKey: string;
  parserVersion: string;
  parsedAt: string;
  /** null when the input could not be parsed at all (see findings). */
  report: AnnualReport | null;
  findings: Finding[];
}
