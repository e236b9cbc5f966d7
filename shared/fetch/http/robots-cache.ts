/**
 * robots.txt once per origin for the run: fetched through the client itself (so it is guarded, gated
 * and size-capped like any page), parsed by robots.ts, and remembered as a promise.
 */
import { HttpStatusError } from '../errors.ts';
import { ALLOW_ALL, parseRobots } from '../robots.ts';
import { type FetchedResponse, PRODUCT_TOKEN, type RobotsRecord } from './types.ts';

/** robots.txt larger than this is cut off (RFC 9309 asks crawlers to read at least 500 KiB). */
export const ROBOTS_MAX_BYTES = 512 * 1024;

export interface RobotsCacheOptions {
  /** GET of robots.txt itself (no robots check, no anti-bot verdict). */
  fetch: (robotsUrl: URL, maxBytes: number) => Promise<FetchedResponse>;
  nowIso: () => string;
  /** Told once per robots.txt requested. */
  onFetch: () => void;
}

/** Returns `robotsFor(url)`: the record for the URL's origin, fetched on first use. */
export function createRobotsCache(options: RobotsCacheOptions): (url: URL) => Promise<RobotsRecord> {
  const cache = new Map<string, Promise<RobotsRecord>>();

  async function fetchRobots(robotsUrl: URL): Promise<RobotsRecord> {
    options.onFetch();
    try {
      const response = await options.fetch(robotsUrl, ROBOTS_MAX_BYTES);
      const fetchedAt = response.fetchedAt;
      const base = { url: robotsUrl.href, status: response.status, fetchedAt };
      if (response.status >= 200 && response.status < 300) {
        const text = new TextDecoder('utf-8').decode(response.body);
        return { ...base, outcome: 'parsed', policy: parseRobots(text, PRODUCT_TOKEN) };
      }
      if (response.status >= 400 && response.status < 500) return { ...base, outcome: 'missing', policy: ALLOW_ALL };
      return { ...base, outcome: 'unavailable', policy: ALLOW_ALL };
    } catch (error) {
      // RFC 9309 would treat an unreachable robots.txt as "disallow all"; we let the page request
      // itself show whether the site is unreachable, so the agency is classed by what really happened.
      return {
        url: robotsUrl.href,
        outcome: 'unavailable',
        status: error instanceof HttpStatusError ? error.status : null,
        fetchedAt: options.nowIso(),
        policy: ALLOW_ALL,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  return function robotsFor(url: URL): Promise<RobotsRecord> {
    const origin = url.origin;
    let record = cache.get(origin);
    if (!record) {
      record = fetchRobots(new URL('/robots.txt', origin));
      cache.set(origin, record);
    }
    return record;
  };
}
