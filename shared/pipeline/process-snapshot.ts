/**
 * Parse + validate one stored snapshot and store the result beside it:
 * raw/{year}/{agencyId}/{sha256}.{ext} → results/{year}/{agencyId}/{sha256}.json.
 * The same function runs in the CLI scan and in the parse Lambda (S3 event on raw/).
 */
import { loadPreviousYearResult } from '../compliance/previous-year.ts';
import { AGENCY_LEVELS, type AgencyLevel } from '../registry/agency.ts';
import type { AnnualReport } from '../report/model.ts';
import { PARSER_VERSION } from '../report/parse.ts';
import { keys, parseRawKey } from '../storage/keys.ts';
import { getJson, type ObjectStore, putJson } from '../storage/port.ts';
import type { ReportResult, SnapshotMeta } from '../storage/records.ts';
import { analyseInSandbox, type SandboxLimits } from './parse-sandbox.ts';

export interface ProcessOptions {
  /** Agency level from the registry (plausibility checks depend on it). */
  level?: AgencyLevel;
  now: () => Date;
  /** Re-parse even when a result with the current parser version exists. */
  force?: boolean;
  /** Memory, time and size limits of the parse sandbox (defaults fit the parse Lambda's 1536 MB). */
  limits?: SandboxLimits;
}

/**
 * Reads the raw bytes and their metadata, parses and validates them in the parse sandbox (level from
 * the registry, previous year from the store) and writes the ReportResult. Idempotent: when a result
 * with the same parser version exists it is returned unchanged. A document that fails or exceeds a
 * limit is stored as a result with `report: null` and an `extract.parse-failed` finding, never thrown.
 */
export async function processSnapshot(
  store: ObjectStore,
  rawKey: string,
  options: ProcessOptions,
): Promise<ReportResult> {
  const parts = parseRawKey(rawKey);
  if (!parts) throw new Error(`Not a raw snapshot key: ${rawKey}`);
  const { year, agencyId, sha256, ext } = parts;
  const resultKey = keys.result(year, agencyId, sha256);
  if (!options.force) {
    const existing = await getJson<ReportResult>(store, resultKey);
    if (existing && existing.parserVersion === PARSER_VERSION) return existing;
  }
  const bytes = await store.get(rawKey);
  if (!bytes) throw new Error(`Raw snapshot missing: ${rawKey}`);
  const meta = await getJson<SnapshotMeta>(store, keys.rawMeta(year, agencyId, sha256));
  const previousYear = (await loadPreviousYearResult(store, agencyId, year - 1))?.report ?? null;
  // The registry's level when the caller has it (the local scan), else the one the fetcher recorded.
  const level = options.level ?? knownLevel(meta?.agencyLevel);

  const outcome = await analyseInSandbox(
    {
      bytes,
      fileName: fileNameFor(meta, sha256, ext),
      ...(meta?.contentType ? { contentType: meta.contentType } : {}),
      ...(meta?.charset ? { charset: meta.charset } : {}),
    },
    { ...(level ? { level } : {}), previousYear },
    options.limits,
  );
  // A refused or failed document is stored as such (无法解析), so later runs do not parse it again
  // until PARSER_VERSION changes.
  const result = outcome.ok
    ? baseResult(outcome.report, outcome.findings)
    : baseResult(null, [
        {
          rule: 'extract.parse-failed',
          severity: 'error',
          message: `无法解析该文件：${outcome.reason}。请人工打开原件核实。`,
          location: {},
        },
      ]);
  await putJson(store, resultKey, result);
  return result;

  function baseResult(report: AnnualReport | null, findings: ReportResult['findings']): ReportResult {
    return {
      agencyId,
      year,
      sha256,
      rawKey,
      parserVersion: PARSER_VERSION,
      parsedAt: options.now().toISOString(),
      report,
      findings,
    };
  }
}

function fileNameFor(meta: SnapshotMeta | undefined, sha256: string, ext: string): string {
  let fromUrl = '';
  try {
    fromUrl = meta?.url ? decodeURIComponent(new URL(meta.url).pathname.split('/').pop() ?? '') : '';
  } catch {
    fromUrl = '';
  }
  return fromUrl.toLowerCase().endsWith(`.${ext}`) ? fromUrl : `${sha256}.${ext}`;
}

const LEVELS = new Set<string>(AGENCY_LEVELS);

/** A level read from stored metadata, if it is one we know (the metadata is ours, but may be older). */
function knownLevel(value: unknown): AgencyLevel | undefined {
  return typeof value === 'string' && LEVELS.has(value) ? (value as AgencyLevel) : undefined;
}
