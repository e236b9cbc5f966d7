/**
 * HTTP validator cache for the pages a scan reads but does not archive: list pages and article pages
 * whose report is an attachment. Archived documents already revalidate from their snapshot metadata;
 * without this cache every list and article page was downloaded in full on every run.
 *
 * One record per requested URL at `http-cache/{sha256(url)}.json` (keys.pageCache). It holds the
 * validators and the body itself (base64, exact bytes as served, so charset detection sees what it saw
 * the first time). Body in the record rather than content-addressed beside it because: these pages are
 * small (list and article HTML, capped at PAGE_CACHE_MAX_BYTES); one put is atomic, so a record can never
 * point at a body that is missing or half-written; one get serves a 304; and overwriting the record leaves
 * no orphaned bodies to collect. The body's SHA-256 is checked on read, so a damaged record is ignored
 * (the page is then fetched unconditionally) instead of served.
 *
 * The prefix is deliberately not under `raw/`: the S3 parse trigger listens there.
 */
import { sha256Hex } from '../storage/hash.ts';
import { keys } from '../storage/keys.ts';
import type { ObjectStore } from '../storage/port.ts';

/** Pages larger than this are not cached (fetched in full each run); list/article HTML is far smaller. */
export const PAGE_CACHE_MAX_BYTES = 2 * 1024 * 1024;

/** Response headers kept with the body: what decoding and dating need after a 304. */
const KEPT_HEADERS = ['content-type', 'content-disposition', 'etag', 'last-modified', 'content-language'] as const;

/** The stored record (JSON). */
export interface PageCacheRecord {
  /** The URL as requested (the key is its hash). */
  url: string;
  /** The URL after redirects, as last served. */
  finalUrl: string;
  etag: string | null;
  lastModified: string | null;
  /** Hex SHA-256 and length of `body` once decoded from base64. */
  sha256: string;
  byteLength: number;
  headers: Record<string, string>;
  /** When the body was last stored (a 200), ISO. */
  storedAt: string;
  /** The body as served (after Content-Encoding was undone), base64. */
  body: string;
}

/** A cached page whose body has been checked against its hash. */
export interface CachedPage {
  record: PageCacheRecord;
  body: Uint8Array;
}

/** What the cache needs of a response. */
export interface CacheableResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  notModified?: boolean;
}

export interface Validators {
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

/** The store key of a URL's record: `http-cache/{sha256 of the URL}.json`. */
export function pageCacheKey(url: string): string {
  return keys.pageCache(sha256Hex(new TextEncoder().encode(url)));
}

function isNotModified(response: CacheableResponse): boolean {
  return response.notModified === true || response.status === 304;
}

/**
 * The cached page for a URL, or undefined when there is none, it is unreadable, belongs to another URL
 * (hash collision) or its body does not match its hash. Never throws: the cache only saves bandwidth.
 */
export async function readPageCache(store: ObjectStore, url: string): Promise<CachedPage | undefined> {
  try {
    const bytes = await store.get(pageCacheKey(url));
    if (!bytes) return undefined;
    const record = JSON.parse(new TextDecoder().decode(bytes)) as PageCacheRecord;
    if (record.url !== url || typeof record.body !== 'string') return undefined;
    const body = new Uint8Array(Buffer.from(record.body, 'base64'));
    if (body.byteLength !== record.byteLength || sha256Hex(body) !== record.sha256) return undefined;
    return { record, body };
  } catch {
    return undefined;
  }
}

/** The conditional headers a cached page allows (none without a cached body). */
export function validatorsFor(cached: CachedPage | undefined): Validators {
  if (!cached) return {};
  return {
    ...(cached.record.etag ? { ifNoneMatch: cached.record.etag } : {}),
    ...(cached.record.lastModified ? { ifModifiedSince: cached.record.lastModified } : {}),
  };
}

/**
 * Stores a 200 response's body and validators. Responses without ETag or Last-Modified, or larger than
 * PAGE_CACHE_MAX_BYTES, are not stored (and an older record for the URL is removed, so stale validators
 * are not sent). Returns whether a record was written.
 */
export async function writePageCache(
  store: ObjectStore,
  url: string,
  response: CacheableResponse,
  now: Date,
): Promise<boolean> {
  const etag = response.headers.etag ?? null;
  const lastModified = response.headers['last-modified'] ?? null;
  const key = pageCacheKey(url);
  if ((!etag && !lastModified) || response.body.byteLength > PAGE_CACHE_MAX_BYTES) {
    if (await store.has(key)) await store.delete(key);
    return false;
  }
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const record: PageCacheRecord = {
    url,
    finalUrl: response.url,
    etag,
    lastModified,
    sha256: sha256Hex(response.body),
    byteLength: response.body.byteLength,
    headers,
    storedAt: now.toISOString(),
    body: Buffer.from(response.body).toString('base64'),
  };
  await store.put(key, JSON.stringify(record), { contentType: 'application/json; charset=utf-8' });
  return true;
}

export interface PageCacheOptions<R> {
  now: () => Date;
  /** Whether a 200 response belongs in the cache (e.g. HTML only); default all. */
  cacheable?: (response: R) => boolean;
}

/**
 * GET through the cache: sends the cached validators; a 304 is answered from the stored body (status
 * 200, cached headers overlaid with the 304's, `notModified` kept true); a 200 refreshes the record.
 * Validators are only sent when a checked body is at hand; a 304 without one (a server answering 304 to
 * an unconditional request) is retried once without validators, so the caller gets a body or the
 * server's own answer, never an empty page taken for content. Cache write failures are ignored: the cache
 * only saves bandwidth, and the scan's own writes report a broken store.
 *
 * @param fetch performs the request with the given conditional headers (status handling is the caller's)
 */
export async function getWithPageCache<R extends CacheableResponse>(
  store: ObjectStore,
  url: string,
  fetch: (validators: Validators) => Promise<R>,
  options: PageCacheOptions<R>,
): Promise<{ response: R; fromCache: boolean }> {
  const cached = await readPageCache(store, url);
  const validators = validatorsFor(cached);
  let response = await fetch(validators);
  if (isNotModified(response)) {
    if (cached && (validators.ifNoneMatch || validators.ifModifiedSince)) {
      const headers = { ...cached.record.headers };
      for (const name of ['etag', 'last-modified'] as const) {
        const value = response.headers[name];
        if (value !== undefined) headers[name] = value;
      }
      const served: R = { ...response, status: 200, notModified: true, body: cached.body, headers };
      // RFC 9111 4.3.4: a 304 may carry new validators; keep them for the next run.
      if (
        headers.etag !== cached.record.headers.etag ||
        headers['last-modified'] !== cached.record.headers['last-modified']
      ) {
        await writePageCache(store, url, { ...served, status: 200 }, options.now()).catch(() => false);
      }
      return { response: served, fromCache: true };
    }
    response = await fetch({});
    if (isNotModified(response)) return { response, fromCache: false };
  }
  if (response.status === 200 && (options.cacheable?.(response) ?? true)) {
    await writePageCache(store, url, response, options.now()).catch(() => false);
  }
  return { response, fromCache: false };
}
