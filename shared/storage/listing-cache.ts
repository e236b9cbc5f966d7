/**
 * A store that lists a prefix once: for one job that lists the same inputs twice and does not write them
 * (the weekly notify's shard worker and publish: the assessment lists results/ and raw/ for the input
 * tags, then the site lists them again for its pages; ~880,000 keys each time at 100,000 agencies).
 * Listings of prefixes `cached` accepts are kept and answered again from memory; a write or delete under
 * a kept listing drops it, so the wrapper is never staler than the store. Everything else passes through.
 */
import type { ObjectStore, PutCondition, TaggedKey, Versioned } from './port.ts';

export class ListingCacheStore implements ObjectStore {
  readonly inner: ObjectStore;
  readonly location: string;
  private readonly cached: (prefix: string) => boolean;
  private readonly tagged = new Map<string, Promise<TaggedKey[]>>();
  private readonly plain = new Map<string, Promise<string[]>>();

  constructor(inner: ObjectStore, cached: (prefix: string) => boolean) {
    this.inner = inner;
    this.location = inner.location;
    this.cached = cached;
  }

  async listTagged(prefix: string): Promise<TaggedKey[]> {
    if (!this.cached(prefix)) return this.inner.listTagged(prefix);
    return (await remember(this.tagged, prefix, () => this.inner.listTagged(prefix))).slice();
  }

  async list(prefix: string): Promise<string[]> {
    if (!this.cached(prefix)) return this.inner.list(prefix);
    const tagged = this.tagged.get(prefix);
    if (tagged) return (await tagged).map((entry) => entry.key);
    return (await remember(this.plain, prefix, () => this.inner.list(prefix))).slice();
  }

  async put(key: string, body: Uint8Array | string, options?: { contentType?: string }): Promise<void> {
    this.forget(key);
    await this.inner.put(key, body, options);
  }

  async putIf(
    key: string,
    body: Uint8Array | string,
    condition: PutCondition,
    options?: { contentType?: string },
  ): Promise<boolean> {
    this.forget(key);
    return this.inner.putIf(key, body, condition, options);
  }

  async delete(key: string): Promise<void> {
    this.forget(key);
    await this.inner.delete(key);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  has(key: string): Promise<boolean> {
    return this.inner.has(key);
  }

  getVersioned(key: string): Promise<Versioned | undefined> {
    return this.inner.getVersioned(key);
  }

  /** Drops every kept listing that `key` falls under (before the write, so no reader sees the old one after). */
  private forget(key: string): void {
    for (const listings of [this.tagged, this.plain] as Map<string, unknown>[]) {
      for (const prefix of [...listings.keys()]) if (key.startsWith(prefix)) listings.delete(prefix);
    }
  }
}

/** The listing kept for `prefix`, else `load()`'s, kept unless it fails (the next call then asks again). */
function remember<T>(listings: Map<string, Promise<T>>, prefix: string, load: () => Promise<T>): Promise<T> {
  let listing = listings.get(prefix);
  if (!listing) {
    listing = load();
    listings.set(prefix, listing);
    listing.catch(() => listings.delete(prefix));
  }
  return listing;
}
