import { describe, expect, it } from 'vitest';
import { simulateFifo } from '../../bench/crawl-sim.bench.ts';
import { jobClientOf, planJobsFrom } from '../../functions/common/fetch-jobs.ts';
import { crawlCapacity } from '../../shared/fetch/crawl-capacity.ts';
import type { Agency } from '../../shared/registry/agency.ts';

function agencies(perHost: Record<string, number>): Agency[] {
  return Object.entries(perHost).flatMap(([host, count]) =>
    Array.from({ length: count }, (_, i) => ({
      id: `${host}-${i}`,
      name: host,
      level: 'township' as const,
      region: ['省'],
      listUrls: [`https://${host}/c${i}/`],
    })),
  );
}

describe('crawlCapacity', () => {
  it('sizes workers from the total work and names the hosts a FIFO group cannot finish in the window', () => {
    const capacity = crawlCapacity(
      new Map([
        ['big.gov.cn', 4000],
        ['mid.gov.cn', 3000],
        ['own.gov.cn', 1],
      ]),
      { windowSeconds: 6 * 3600, secondsPerAgency: 6 },
    );
    expect(capacity.maxAgenciesPerHost).toBe(3600);
    expect(capacity.hostsOverWindow).toEqual([{ host: 'big.gov.cn', agencies: 4000, seconds: 24_000 }]);
    // 7,001 agencies × 6 s = 42,006 s of work in 21,600 s: two workers.
    expect(capacity.workers).toBe(2);
    expect(capacity.floorSeconds).toBe(24_000);
  });
});

describe('the planner under FIFO delivery', () => {
  it('enqueues the busiest host first, so its chain starts at once', () => {
    const jobs = planJobsFrom(
      agencies({ 'a.gov.cn': 3, 'b.gov.cn': 40, 'c.gov.cn': 5 }),
      jobClientOf({ respectRobots: true, allowHosts: [] }),
      {
        runId: 'r',
        year: 2024,
        trigger: 'schedule',
        maxAgenciesPerJob: 10,
      },
    );
    expect(jobs[0]?.host).toBe('b.gov.cn');
    // Two workers: b's 4 jobs (10 agencies × 1 s each) run back to back from t=0 = 40 s, the floor.
    expect(simulateFifo(jobs, 2, 1)).toBe(40);
    // Enqueued last, b's chain waits for a worker to finish a (3 s): the crawl ends at 43 s.
    expect(simulateFifo([...jobs].reverse(), 2, 1)).toBe(43);
  });
});
