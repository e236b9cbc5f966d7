/**
 * A store wrapper that counts what passes through the port (objects listed, read, written, deleted, and
 * bytes), per key prefix when asked: the scale benchmarks' and the incremental tests' measure of cost.
 */
import type { ObjectStore, PutCondition, TaggedKey, Versioned } from './port.ts';

export interface StoreCounts {
  lists: number;
  keysListed: number;
  gets: number;
  bytesRead: number;
  puts: number;
  bytesWritten: number;
  deletes: number;
  /** Writes by the key's first path segment (`site`, `state`, `index`, …). */
  putsByPrefix: Record<string, number>;
  /** Reads by the key's first path segment. */
  getsByPrefix: Record<string, number>;
  /** Bytes written by the key's first path segment. */
  bytesWrittenByPrefix: Record<string, number>;
}

function emptyCounts(): StoreCounts {
  return {
    lists: 0,
    keysListed: 0,
    gets: 0,
    bytesRead: 0,
    puts: 0,
    bytesWritten: 0,
    deletes: 0,
    putsByPrefix: {},
    getsByPrefix: {},
    bytesWrittenByPrefix: {},
  };
}

function prefixOf(key: string): string {
  return key.slice(0, Math.max(0, key.indexOf('/'))) || key;
}

function sizeOf(body: Uint8Array | string): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

/** Wraps `inner`; `counts` is reset by `reset()` and read at any time. */
export class CountingStore implements ObjectStore {
  readonly inner: ObjectStore;
  counts: StoreCounts = emptyCounts();

  constructor(inner: ObjectStore) {
    this.inner = inner;
  }

  get location(): string {
    return this.inner.location;
  }

  /** Starts counting from zero; returns what was counted so far. */
  reset(): StoreCounts {
    const before = this.counts;
    this.counts = emptyCounts();
    return before;
  }

  #read(key: string, bytes: number): void {
    this.counts.gets++;
    this.counts.bytesRead += bytes;
    const prefix = prefixOf(key);
    this.counts.getsByPrefix[prefix] = (this.counts.getsByPrefix[prefix] ?? 0) + 1;
  }

  #wrote(key: string, body: Uint8Array | string): void {
    this.counts.puts++;
    this.counts.bytesWritten += sizeOf(body);
    const prefix = prefixOf(key);
    this.counts.putsByPrefix[prefix] = (this.counts.putsByPrefix[prefix] ?? 0) + 1;
    this.counts.bytesWrittenByPrefix[prefix] = (this.counts.bytesWrittenByPrefix[prefix] ?? 0) + sizeOf(body);
  }

  async put(key: string, body: Uint8Array | string, options?: { contentType?: string }): Promise<void> {
    this.#wrote(key, body);
    await this.inner.put(key, body, options);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const body = await this.inner.get(key);
    this.#read(key, body?.byteLength ?? 0);
    return body;
  }

  async has(key: string): Promise<boolean> {
    this.#read(key, 0);
    return this.inner.has(key);
  }

  async list(prefix: string): Promise<string[]> {
    const listed = await this.inner.list(prefix);
    this.counts.lists++;
    this.counts.keysListed += listed.length;
    return listed;
  }

  async listTagged(prefix: string): Promise<TaggedKey[]> {
    const listed = await this.inner.listTagged(prefix);
    this.counts.lists++;
    this.counts.keysListed += listed.length;
    return listed;
  }

  async delete(key: string): Promise<void> {
    this.counts.deletes++;
    await this.inner.delete(key);
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const versioned = await this.inner.getVersioned(key);
    this.#read(key, versioned?.body.byteLength ?? 0);
    return versioned;
  }

  async putIf(
    key: string,
    body: Uint8Array | string,
    condition: PutCondition,
    options?: { contentType?: string },
  ): Promise<boolean> {
    const ok = await this.inner.putIf(key, body, condition, options);
    if (ok) this.#wrote(key, body);
    return ok;
  }
}
