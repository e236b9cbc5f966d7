/**
 * Child process for the hostile-site suite: one whole runScan (fetch + parse) against a registry, with a
 * quick polite client (1 ms per-host pause, 2 s attempt timeout, few retries) and a short agency budget,
 * then prints one JSON line: the run id, wall time and the process's peak RSS (resourceUsage().maxRSS),
 * so the memory of the whole scan is measured apart from the test runner.
 *
 * Usage: node test/support/hostile-scan.ts REGISTRY STORE_DIR BUDGET_MS
 */
import { readFile } from 'node:fs/promises';
import { createHttpClient } from '../../shared/fetch/http.ts';
import { runScanAndParse } from '../../shared/pipeline/scan-run.ts';
import { loadRegistry } from '../../shared/registry/load.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';

const [registryFile, storeDir, budget] = process.argv.slice(2);
if (!registryFile || !storeDir || !budget) {
  console.error('usage: hostile-scan.ts REGISTRY STORE_DIR BUDGET_MS');
  process.exit(2);
}
const registry = loadRegistry(await readFile(registryFile, 'utf8'), registryFile);
const http = createHttpClient({
  allowHosts: registry.allowHosts,
  perHostDelayMs: 1,
  timeoutMs: 2000,
  retries: 1,
  retryBaseDelayMs: 5,
  // Above the 70 MB of the million-link page: the page itself must be read, not refused for its size.
  maxBytes: 128 * 1024 * 1024,
});
const started = performance.now();
const record = await runScanAndParse({
  registry,
  year: Number(process.env.HOSTILE_YEAR ?? 2023),
  store: new FileSystemStore(storeDir),
  http,
  now: () => new Date(),
  agencyBudgetMs: Number(budget),
  concurrency: 16,
});
http.close?.();
console.log(
  JSON.stringify({
    runId: record.runId,
    state: record.state,
    elapsedMs: Math.round(performance.now() - started),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
