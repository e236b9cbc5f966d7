// Plain data, apart from the stack, so benchmarks can use it without loading aws-cdk-lib.
import { DEFAULT_CRAWL_WINDOW_HOURS } from '../shared/config/config.ts';

export type CrawlScheduleName = 'night' | 'week';

/** The weekly fetch's start (Beijing time, Mondays; the digest starts 08:00) and the hours it has until the digest. */
export const CRAWL_SCHEDULES: Record<CrawlScheduleName, { hour: number; windowHours: number }> = {
  night: { hour: 2, windowHours: DEFAULT_CRAWL_WINDOW_HOURS },
  week: { hour: 9, windowHours: 7 * 24 - 1 },
};
