import { sha256Hex } from './hash.ts';
import { assertValidKey, assertValidPrefix, compareKeys } from './key-safety.ts';
import type { ObjectStore, PutCondition, TaggedKey, Versioned } from './port.ts';

/**
 * An ObjectStore in memory (tests and benchmarks: no disk in the measurement), with the same key
 * rules and conditional-write semantics as the filesystem and S3 adapters.
 */
export class InMemoryStore implements ObjectStore {
  readonly location = 'memory://';
  readonly objects = new Map<string, Uint8Array>();
  readonly #versions = new Map<string, number>();
  #counter = 0;

  async put(key: string, body: Uint8Array | string): Promise<void> {
    assertValidKey(key);
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
    this.#versions.set(key, ++this.#counter);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertValidKey(key);
    return this.objects.get(key);
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const body = await this.get(key);
    return body === undefined ? undefined : { body, version: String(this.#versions.get(key)) };
  }

  async putIf(key: string, body: Uint8Array | string, condition: PutCondition): Promise<boolean> {
    assertValidKey(key);
    const current = this.#versions.get(key);
    const holds =
      'ifNoneMatch' in condition
        ? !this.objects.has(key)
        : current !== undefined && String(current) === condition.ifMatch;
    if (holds) await this.put(key, body);
    return holds;
  }

  async has(key: string): Promise<boolean> {
    assertValidKey(key);
    return this.objects.has(key);
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);
  }

  async listTagged(prefix: string): Promise<TaggedKey[]> {
    return (await this.list(prefix)).map((key) => ({ key, tag: sha256Hex(this.objects.get(key) as Uint8Array) }));
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.objects.delete(key);
    this.#versions.delete(key);
  }
}
