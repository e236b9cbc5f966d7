/**
 * The fast HTTP client for tests against loopback sites (the demo agency site, fixture sites): the
 * production client with the registry's allowHosts and robots setting, but millisecond pacing and
 * retry back-off instead of the polite one-second delay real sites get. Same code path, no waiting.
 */
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../shared/fetch/http.ts';
import type { Registry } from '../../shared/registry/agency.ts';

/** A client for `registry`'s loopback hosts; `overrides` for what one test needs (retries, now…). */
export function loopbackClient(
  registry: Pick<Registry, 'allowHosts' | 'respectRobots'>,
  overrides: HttpClientOptions = {},
): HttpClient {
  return createHttpClient({
    allowHosts: registry.allowHosts,
    respectRobots: registry.respectRobots,
    perHostDelayMs: 1,
    timeoutMs: 3000,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    ...overrides,
  });
}
