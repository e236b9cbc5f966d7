// Plain data, apart from the stack, so benchmarks can use it without loading aws-cdk-lib.
import { DEFAULT_CRAWL_WINDOW_HOURS } from '../shared/config/config.ts';

export type CrawlScheduleName = 'night' | 'week';

export interface CrawlSchedule {
  /** The weekly fetch's start, Beijing time, Mondays (the digest starts 08:00). */
  hour: number;
  /** The hours the fetch has until the digest. */
  windowHours: number;
  /**
   * How long the digest may wait at 08:00 for fetch jobs still queued or running: a fetch that overran
   * its window is waited for (the digest then holds this week's outcomes, not last week's), but never past
   * this, and never into the next fetch's start (a queue that is filling again would never drain).
   */
  digestWaitMinutes: number;
}

export const CRAWL_SCHEDULES: Record<CrawlScheduleName, CrawlSchedule> = {
  night: { hour: 2, windowHours: DEFAULT_CRAWL_WINDOW_HOURS, digestWaitMinutes: 180 },
  week: { hour: 9, windowHours: 7 * 24 - 1, digestWaitMinutes: 50 },
};

/** How often the digest looks at the fetch queue again while it waits for it to drain. */
export const FETCH_DRAIN_POLL_MINUTES = 10;
