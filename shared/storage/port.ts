/**
 * The one storage port: a flat key space of byte objects. The filesystem adapter (local default,
 * `./.nianbao/`) and the S3 adapter implement it; everything else only knows this interface.
 */
export interface ObjectStore {
  /** Human-readable location, e.g. "/home/x/.nianbao" or "s3://bucket/prefix". */
  readonly location: string;
  put(key: string, body: Uint8Array | string, options?: { contentType?: string }): Promise<void>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  has(key: string): Promise<boolean>;
  /** Every key starting with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /**
   * Like list, with each object's change tag: a string that differs whenever the object was rewritten
   * with different bytes (S3: the ETag ListObjectsV2 returns; files: size and modification time; memory:
   * a content hash). Costs what list costs (S3: one request per 1,000 keys), so a weekly job can tell
   * which of N objects changed without N reads. Not a version for putIf.
   */
  listTagged(prefix: string): Promise<TaggedKey[]>;
  delete(key: string): Promise<void>;
  /** The object's bytes with its current version (an opaque tag: the S3 ETag, a content hash elsewhere). */
  getVersioned(key: string): Promise<Versioned | undefined>;
  /**
   * Writes only if the condition still holds, atomically against other writers (S3 If-None-Match /
   * If-Match; the same semantics in every adapter). Returns false, writing nothing, when it does not.
   */
  putIf(
    key: string,
    body: Uint8Array | string,
    condition: PutCondition,
    options?: { contentType?: string },
  ): Promise<boolean>;
}

/** A key and its change tag (see ObjectStore.listTagged). */
export interface TaggedKey {
  key: string;
  tag: string;
}

/** An object's bytes and the version a conditional write can name. */
export interface Versioned {
  body: Uint8Array;
  version: string;
}

/** `ifNoneMatch: '*'`: create only; `ifMatch`: replace only the version read. */
export type PutCondition = { ifNoneMatch: '*' } | { ifMatch: string };

/** Thrown when a read-modify-write record kept losing the race to other writers. */
export class WriteConflictError extends Error {
  readonly key: string;
  constructor(key: string, attempts: number) {
    super(`并发写入冲突：${key} 连续 ${attempts} 次被其他进程同时修改，未能保存，请稍后重试`);
    this.name = 'WriteConflictError';
    this.key = key;
  }
}

/**
 * Read-modify-write of a JSON record that concurrent writers cannot lose: reads the record and its
 * version, applies `update`, and writes conditionally; on a conflict it reads again and re-applies.
 * `update` must be pure (it may run more than once). With `keepIf`, nothing is written when it says
 * the stored record already says the same (e.g. only a timestamp moved) and the stored one is
 * returned. Returns what is stored.
 */
export async function updateJson<T>(
  store: ObjectStore,
  key: string,
  update: (previous: T | undefined) => T | Promise<T>,
  options: { keepIf?: (previous: T, next: T) => boolean; maxAttempts?: number } = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 25;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = await store.getVersioned(key);
    const previous = current ? (JSON.parse(new TextDecoder().decode(current.body)) as T) : undefined;
    const next = await update(previous);
    if (previous !== undefined && options.keepIf?.(previous, next)) return previous;
    const condition: PutCondition = current ? { ifMatch: current.version } : { ifNoneMatch: '*' };
    if (await store.putIf(key, jsonRecord(next), condition, JSON_OPTIONS)) return next;
    // Back off a little, with jitter, so two writers do not keep colliding in lockstep.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));
  }
  throw new WriteConflictError(key, maxAttempts);
}

export async function getText(store: ObjectStore, key: string): Promise<string | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

export async function getJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const text = await getText(store, key);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/** How every JSON record is stored: indented, with a final newline, typed as UTF-8 JSON. */
function jsonRecord(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
const JSON_OPTIONS = { contentType: 'application/json; charset=utf-8' };

export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, jsonRecord(value), JSON_OPTIONS);
}

/** Writes a JSON record only if there is none yet; false (nothing written) when another writer was first. */
export async function createJson(store: ObjectStore, key: string, value: unknown): Promise<boolean> {
  return store.putIf(key, jsonRecord(value), { ifNoneMatch: '*' }, JSON_OPTIONS);
}
