// Plain numbers, apart from the stack, so benchmarks can print the limits without loading aws-cdk-lib.
/**
 * Sizes of the weekly notify's functions, from `npm run bench -- notify-phases` (first run, every agency
 * assessed and rendered; one year, 4 weeks of runs; peak RSS at 10,000 / 30,000 agencies, 2026-12-02):
 *   prepare  177 / 335 MB (~8 MB per 1,000 agencies → ~1.3 GB at 150,000)
 *   worker   216 / 436 MB uncapped (~11 MB per 1,000 → ~1.8 GB), but that is mostly garbage V8 has not
 *            collected: with the old space capped at 96 MB (10,000) and 160 MB (30,000) every worker still
 *            passed (190 / 276 MB RSS), i.e. at most ~3.2 MB more per 1,000 agencies: under ~550 MB of old
 *            space, ~700 MB RSS at 150,000. A worker keeps only its share's states, listings and cache (shared/site,
 *            shared/compliance); what still grows with the whole registry is the registry itself, the
 *            outcome index (read whole, ~460 B per agency) and the year's key listings it filters.
 *   publish  360 / 675 MB (~16 MB per 1,000 → ~2.6 GB)
 * Measured at 100,000 (`SCALE_NOTIFY_AGENCIES=100000 npx tsx bench/scale-notify.bench.ts`, first notify,
 * phased, uncapped): prepare 634 MB / 42 s, the heaviest worker 704 MB / slowest 183 s, publish 1,332 MB /
 * 152 s (digest 74 s, listings 78 s).
 * Notify (prepare, publish, manual all-in-one runs) gets 4096 MB, over half again publish's ~2.6 GB: an
 * out-of-memory publish costs the week's digest. Workers keep 3008 MB, far over what they hold: a worker
 * that fails leaves its shards to publish. Workers use ~21–23 ms of CPU per agency rendered (9,400 each at
 * 150,000: ~3.6 minutes plus S3 latency), publish ~2.2 ms per agency (~5.5 minutes at 150,000); both keep
 * inside Lambda's 15-minute maximum for a first run over a large registry.
 */
export const NOTIFY_MEMORY_MB = 4096;
export const NOTIFY_SHARDS_MEMORY_MB = 3008;
