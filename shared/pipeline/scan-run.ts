/**
 * A scan that parses: the fetcher's runScan with every new snapshot parsed and validated
 * (processSnapshot, in its sandbox) as each agency's fetch ends, inside that agency's host slot.
 * The fetcher knows nothing of the parser; this is where the two meet (the CLI, the demo and the
 * tests that want parsed reports call it; the Lambdas meet through the raw/ prefix instead).
 */

import { userFacingError } from '../fetch/errors.ts';
import type { RunRecord } from '../fetch/run-record.ts';
import { type RunScanOptions, runScan } from '../fetch/scan/run.ts';
import { FETCH_RULES } from '../fetch/scan/types.ts';

export interface ScanAndParseOptions extends Omit<RunScanOptions, 'afterAgency'> {
  /** Parse and validate every stored snapshot after fetching it (default true). */
  process?: boolean;
}

/** Runs a scan (shared/fetch/scan/run.ts) and parses each agency's snapshots as its fetch ends. */
export async function runScanAndParse(options: ScanAndParseOptions): Promise<RunRecord> {
  const { process = true, ...scan } = options;
  if (!process) return runScan(scan);
  // Loaded only when parsing: the parser pulls in the document libraries.
  const { processSnapshot } = await import('./process-snapshot.ts');
  return runScan({
    ...scan,
    async afterAgency(agency, outcome) {
      for (const rawKey of outcome.snapshots) {
        try {
          await processSnapshot(scan.store, rawKey, { level: agency.level, now: scan.now });
        } catch (error) {
          outcome.findings.push({
            rule: FETCH_RULES.processError,
            severity: 'warning',
            message: `解析存档文件失败：${rawKey}（${userFacingError(error).message}）`,
          });
        }
      }
    },
  });
}
