// Plain numbers, apart from the stack, so benchmarks can print the limits without loading aws-cdk-lib.
/**
 * Sizes of the weekly notify's functions, from `npm run bench -- notify-phases` (first run, every agency
 * assessed and rendered; peak RSS at 1,000 / 10,000 / 30,000 agencies, one year of results):
 *   prepare  137 / 195 / 380 MB (~9 MB per 1,000 agencies → ~1.5 GB at 150,000)
 *   worker   149 / 277 / 584 MB (~15 MB per 1,000 → ~2.4 GB): not a sixteenth of publish, because a worker
 *            still loads every agency's state, listings and caches to find and render its own (shared/site,
 *            shared/compliance); only the work is split, not the index
 *   publish  162 / 341 / 716 MB (~19 MB per 1,000 → ~3.0 GB)
 * Notify (prepare, publish, manual all-in-one runs) gets 4096 MB, a third over publish's 3.0 GB: an
 * out-of-memory publish costs the week's digest. Workers get 3008 MB, a quarter over 2.4 GB: a worker that
 * fails leaves its shards to publish, so the week still goes out. Workers use ~20 ms of CPU per agency
 * rendered (9,400 each at 150,000: ~3 minutes plus S3 latency), publish ~1.3 ms per agency (~3–4 minutes
 * at 150,000); both keep Lambda's 15-minute maximum for a first run over a large registry.
 */
export const NOTIFY_MEMORY_MB = 4096;
export const NOTIFY_SHARDS_MEMORY_MB = 3008;
