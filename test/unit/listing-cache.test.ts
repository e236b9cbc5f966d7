import { describe, expect, it } from 'vitest';
import { ListingCacheStore } from '../../shared/storage/listing-cache.ts';
import { InMemoryStore } from '../../shared/storage/memory-store.ts';
import type { TaggedKey } from '../../shared/storage/port.ts';

/** An in-memory store that records each listing it answers. */
class ListingLog extends InMemoryStore {
  readonly listed: string[] = [];
  failNext = false;
  private inTagged = false;
  override async list(prefix: string): Promise<string[]> {
    // The memory store's listTagged lists through list(): one listing, logged once.
    if (!this.inTagged) this.listed.push(`list ${prefix}`);
    return super.list(prefix);
  }
  override async listTagged(prefix: string): Promise<TaggedKey[]> {
    this.listed.push(`tagged ${prefix}`);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SlowDown');
    }
    this.inTagged = true;
    try {
      return await super.listTagged(prefix);
    } finally {
      this.inTagged = false;
    }
  }
}

async function stores() {
  const inner = new ListingLog();
  for (const key of ['results/2024/a/1.json', 'results/2024/b/2.json', 'state/2024/a.json']) await inner.put(key, key);
  const cached = new ListingCacheStore(inner, (prefix) => prefix.startsWith('results/'));
  return { inner, cached };
}

describe('ListingCacheStore (a shard worker lists its inputs once)', () => {
  it('answers a second listing of a kept prefix from memory, tagged or not', async () => {
    const { inner, cached } = await stores();
    const first = await cached.listTagged('results/2024/');
    expect(first.map((entry) => entry.key)).toEqual(['results/2024/a/1.json', 'results/2024/b/2.json']);
    expect(await cached.listTagged('results/2024/')).toEqual(first);
    expect(await cached.list('results/2024/')).toEqual(['results/2024/a/1.json', 'results/2024/b/2.json']);
    expect(inner.listed).toEqual(['tagged results/2024/']);
    // A caller changing what it got does not change the next answer.
    first.pop();
    expect(await cached.listTagged('results/2024/')).toHaveLength(2);
  });

  it('lists other prefixes every time, and asks the store again after a write or delete under a kept one', async () => {
    const { inner, cached } = await stores();
    await cached.list('state/2024/');
    await cached.list('state/2024/');
    expect(inner.listed).toEqual(['list state/2024/', 'list state/2024/']);
    inner.listed.length = 0;
    await cached.listTagged('results/2024/');
    await cached.put('results/2024/c/3.json', 'new');
    expect((await cached.listTagged('results/2024/')).map((entry) => entry.key)).toContain('results/2024/c/3.json');
    await cached.delete('results/2024/a/1.json');
    expect((await cached.list('results/2024/')).includes('results/2024/a/1.json')).toBe(false);
    await cached.putIf('results/2024/d/4.json', 'x', { ifNoneMatch: '*' });
    expect(await cached.list('results/2024/')).toContain('results/2024/d/4.json');
    // A write elsewhere keeps the listing.
    const before = inner.listed.length;
    await cached.put('state/2024/b.json', 'x');
    await cached.list('results/2024/');
    expect(inner.listed.length).toBe(before);
  });

  it('does not keep a listing that failed', async () => {
    const { inner, cached } = await stores();
    inner.failNext = true;
    await expect(cached.listTagged('results/2024/')).rejects.toThrow('SlowDown');
    expect(await cached.listTagged('results/2024/')).toHaveLength(2);
    expect(inner.listed).toEqual(['tagged results/2024/', 'tagged results/2024/']);
  });
});
