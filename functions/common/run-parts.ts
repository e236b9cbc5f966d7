/**
 * On AWS one fetch run is spread over hundreds of worker invocations. Each writes the outcomes of its
 * job to `run-parts/{runId}/{jobId}.json`; the weekly notifier folds a run's parts into the one
 * `runs/{runId}.json` manifest the domain code reads (the same layout as a local `nianbao scan`), then
 * deletes them. The folding itself is shared with the local scan, which writes its outcomes as run
 * parts too: shared/fetch/run-parts.ts.
 */

import { keys } from '../../shared/storage/keys.ts';

export { type ConsolidatedRun, consolidateRunParts } from '../../shared/fetch/run-parts.ts';

/** Where one fetch job's outcomes go. */
export function runPartKey(runId: string, jobId: string): string {
  return keys.runPart(runId, jobId);
}
