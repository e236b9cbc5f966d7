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
  delete(key: string): Promise<void>;
}

export async function getText(store: ObjectStore, key: string): Promise<string | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

export async function getJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const text = await getText(store, key);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, `${JSON.stringify(value, null, 2)}\n`, { contentType: 'application/json; charset=utf-8' });
}
