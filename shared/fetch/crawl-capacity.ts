/**
 * How many fetch workers a weekly crawl needs, and which hosts no number of workers can finish in
 * time. On AWS a host is one FIFO message group (functions/common/fetch-jobs.ts): its jobs run one
 * after another, never in parallel, so a host's crawl takes at least its agencies × the time one agency
 * takes at the polite pace, whatever the concurrency. The crawl as a whole takes at least its total
 * work divided by the workers. Pure arithmetic: the planner logs it each week, the crawl simulation
 * (bench/crawl-sim.bench.ts) checks the real job order against it.
 */

/** Measured pace: ~2 pages per agency (list + article, bench/crawl.bench.ts), at the sites' 1–2 s delay. */
export const DEFAULT_SECONDS_PER_AGENCY = 6;

export interface CrawlCapacity {
  agencies: number;
  hosts: number;
  /** Sum over agencies of the polite time per agency. */
  totalSeconds: number;
  /** The busiest host's agencies × seconds per agency: the crawl can never be shorter. */
  busiestHostSeconds: number;
  /** Most agencies one host may have to finish inside the window. */
  maxAgenciesPerHost: number;
  /** Hosts over that: they need the window widened (or their agencies split over several runs). */
  hostsOverWindow: { host: string; agencies: number; seconds: number }[];
  /** Workers so the total work fits the window (at least 1). */
  workers: number;
  /** The shortest possible crawl with that many workers: max(total / workers, busiest host). */
  floorSeconds: number;
}

/** Capacity of a crawl of `agenciesPerHost` in `windowSeconds` at `secondsPerAgency`. */
export function crawlCapacity(
  agenciesPerHost: ReadonlyMap<string, number>,
  options: { windowSeconds: number; secondsPerAgency?: number },
): CrawlCapacity {
  const perAgency = options.secondsPerAgency ?? DEFAULT_SECONDS_PER_AGENCY;
  let agencies = 0;
  let busiest = 0;
  const maxAgenciesPerHost = Math.floor(options.windowSeconds / perAgency);
  const hostsOverWindow: CrawlCapacity['hostsOverWindow'] = [];
  for (const [host, count] of agenciesPerHost) {
    agencies += count;
    busiest = Math.max(busiest, count);
    if (count > maxAgenciesPerHost) hostsOverWindow.push({ host, agencies: count, seconds: count * perAgency });
  }
  hostsOverWindow.sort((a, b) => b.agencies - a.agencies);
  const totalSeconds = agencies * perAgency;
  const workers = Math.max(1, Math.ceil(totalSeconds / options.windowSeconds));
  const busiestHostSeconds = busiest * perAgency;
  return {
    agencies,
    hosts: agenciesPerHost.size,
    totalSeconds,
    busiestHostSeconds,
    maxAgenciesPerHost,
    hostsOverWindow,
    workers,
    floorSeconds: Math.max(totalSeconds / workers, busiestHostSeconds),
  };
}
