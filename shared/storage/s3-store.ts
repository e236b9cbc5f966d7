import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { assertValidKey, assertValidPrefix, compareKeys } from './key-safety.ts';
import type { ObjectStore, PutCondition, TaggedKey, Versioned } from './port.ts';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing '/' ('' for the bucket root). */
  prefix?: string;
  /** A configured client (region, endpoint, credentials); default: `new S3Client({})`. */
  client?: S3Client;
  /** MaxKeys per ListObjectsV2 page (S3's maximum and default is 1000); smaller values are for tests. */
  pageSize?: number;
}

/** ObjectStore over an S3 bucket and prefix (`s3://bucket/prefix`). */
export class S3Store implements ObjectStore {
  readonly location: string;
  readonly #bucket: string;
  readonly #base: string;
  readonly #client: S3Client;
  readonly #pageSize: number | undefined;

  constructor(options: S3StoreOptions) {
    if (!options.bucket) throw new Error('S3Store needs a bucket name');
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix !== '') assertValidKey(prefix);
    this.#bucket = options.bucket;
    this.#base = prefix === '' ? '' : `${prefix}/`;
    this.#client = options.client ?? new S3Client({});
    this.#pageSize = options.pageSize;
    this.location = `s3://${options.bucket}${prefix === '' ? '' : `/${prefix}`}`;
  }

  #keyOf(key: string): string {
    assertValidKey(key);
    return this.#base + key;
  }

  async put(key: string, body: Uint8Array | string, options?: { contentType?: string }): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: this.#keyOf(key),
        Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
        ContentType: options?.contentType ?? guessContentType(key),
      }),
    );
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    try {
      const result = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#keyOf(key) }));
      const body = result.Body ? await result.Body.transformToByteArray() : new Uint8Array();
      if (!result.ETag) throw new Error(`S3 returned no ETag for ${key}: conditional writes need one`);
      return { body, version: result.ETag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** PutObject with If-None-Match: * or If-Match: <ETag>; 412 (and 409, a concurrent conditional write) mean "not written". */
  async putIf(
    key: string,
    body: Uint8Array | string,
    condition: PutCondition,
    options?: { contentType?: string },
  ): Promise<boolean> {
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#keyOf(key),
          Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
          ContentType: options?.contentType ?? guessContentType(key),
          ...('ifNoneMatch' in condition ? { IfNoneMatch: '*' } : { IfMatch: condition.ifMatch }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const result = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#keyOf(key) }));
      if (!result.Body) return new Uint8Array();
      return await result.Body.transformToByteArray();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#keyOf(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.listTagged(prefix)).map((entry) => entry.key);
  }

  async listTagged(prefix: string): Promise<TaggedKey[]> {
    assertValidPrefix(prefix);
    const entries: TaggedKey[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: this.#base + prefix,
          ContinuationToken: continuationToken,
          MaxKeys: this.#pageSize,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key?.startsWith(this.#base)) continue;
        // The ETag (content MD5 for single-part uploads): rewriting the same bytes keeps it.
        const tag = object.ETag ?? `${object.Size ?? ''}@${object.LastModified?.toISOString() ?? ''}`;
        entries.push({ key: object.Key.slice(this.#base.length), tag });
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return entries.sort((a, b) => compareKeys(a.key, b.key));
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#keyOf(key) }));
  }
}

function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

function isConditionFailed(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return e.name === 'PreconditionFailed' || e.name === 'ConditionalRequestConflict' || status === 412 || status === 409;
}

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  htm: 'text/html',
  txt: 'text/plain; charset=utf-8',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  eml: 'message/rfc822',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
};

function guessContentType(key: string): string {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
