/**
 * Counting stand-ins for the AWS services the handlers call, for bench/cost.bench.ts. They replace the
 * SDK clients (aws-sdk-client-mock, so every S3Client / SQSClient / SESClient the handlers or the real
 * S3Store create is caught) and count what AWS would bill: requests by kind as the real adapter sends
 * them (a list of 2,500 keys is 3 LIST requests, a failed conditional PUT is still a PUT), bytes, the
 * bytes each overwrite or delete turns into a noncurrent version (the bucket is versioned), and the S3
 * object-created events under raw/ that invoke the parse function.
 *
 * Each S3 request waits `latencyMs` before it is served, so a stage's measured wall time includes S3
 * latency at the code's own concurrency; `waitMs` is the time during which at least one request was in
 * flight (the part of a stage's duration that is waiting on S3).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { ObjectStore } from '../shared/storage/port.ts';
import { noS3, type S3Requests, sqsBilledRequests } from './cost-model.ts';

/** S3's page size for ListObjectsV2. */
const LIST_PAGE = 1000;

/** What one invocation used, when the bench runs several at once (AsyncLocalStorage follows each). */
export interface InvocationTally {
  s3: S3Requests;
  s3BytesWritten: number;
  sqsBilled: number;
  outputBytes: number;
}

export const invocationScope = new AsyncLocalStorage<InvocationTally>();

export function newInvocationTally(): InvocationTally {
  return { s3: noS3(), s3BytesWritten: 0, sqsBilled: 0, outputBytes: 0 };
}

export interface S3Tally {
  requests: S3Requests;
  /** Requests by the key's first path segment (LIST by the listed prefix's). */
  byPrefix: Record<string, S3Requests>;
  bytesWritten: number;
  bytesWrittenByPrefix: Record<string, number>;
  bytesRead: number;
  /** Bytes of objects overwritten or deleted, by prefix: each becomes a noncurrent version. */
  noncurrentBytes: Record<string, number>;
  /** Milliseconds with at least one request in flight. */
  waitMs: number;
}

function emptyTally(): S3Tally {
  return {
    requests: noS3(),
    byPrefix: {},
    bytesWritten: 0,
    bytesWrittenByPrefix: {},
    bytesRead: 0,
    noncurrentBytes: {},
    waitMs: 0,
  };
}

function prefixOf(key: string): string {
  const slash = key.indexOf('/');
  return slash > 0 ? key.slice(0, slash) : key;
}

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function bytesOf(body: unknown): Uint8Array {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  throw new Error('counting S3: only string and byte bodies are supported');
}

/**
 * A bucket of counted S3 requests over `inner`. `install()` mocks S3Client for the whole process;
 * `onCreated` hears every PUT (the S3 event notification: overwrites included).
 */
export class CountingS3 {
  readonly inner: ObjectStore;
  latencyMs: number;
  tally: S3Tally = emptyTally();
  onCreated: ((key: string, bytes: number) => void) | undefined;
  readonly #sizes = new Map<string, number>();
  readonly #pages = new Map<string, string[]>();
  #token = 0;
  #inFlight = 0;
  #busySince = 0;
  #mock: ReturnType<typeof mockClient> | undefined;

  constructor(inner: ObjectStore, options: { latencyMs?: number } = {}) {
    this.inner = inner;
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** Starts counting from zero; returns what was counted so far. */
  reset(): S3Tally {
    const before = this.tally;
    this.tally = emptyTally();
    return before;
  }

  #count(kind: keyof S3Requests, prefix: string): void {
    this.tally.requests[kind]++;
    this.tally.byPrefix[prefix] ??= noS3();
    (this.tally.byPrefix[prefix] as S3Requests)[kind]++;
    const scoped = invocationScope.getStore();
    if (scoped) scoped.s3[kind]++;
  }

  async #served<T>(work: () => Promise<T>): Promise<T> {
    if (this.#inFlight++ === 0) this.#busySince = performance.now();
    try {
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      return await work();
    } finally {
      if (--this.#inFlight === 0) this.tally.waitMs += performance.now() - this.#busySince;
    }
  }

  /** Size of the current object at `key` (undefined: none), learnt once per key. */
  async #sizeOf(key: string): Promise<number | undefined> {
    if (this.#sizes.has(key)) return this.#sizes.get(key);
    const body = await this.inner.get(key);
    if (body) this.#sizes.set(key, body.byteLength);
    return body?.byteLength;
  }

  async #retire(key: string): Promise<void> {
    const size = await this.#sizeOf(key);
    if (size === undefined) return;
    const prefix = prefixOf(key);
    this.tally.noncurrentBytes[prefix] = (this.tally.noncurrentBytes[prefix] ?? 0) + size;
  }

  install(): this {
    const mock = mockClient(S3Client);
    this.#mock = mock;
    mock
      .on(PutObjectCommand)
      .callsFake((input: { Key: string; Body: unknown; IfNoneMatch?: string; IfMatch?: string }) =>
        this.#served(async () => {
          const key = input.Key;
          const body = bytesOf(input.Body);
          const prefix = prefixOf(key);
          this.#count('put', prefix);
          this.tally.bytesWritten += body.byteLength;
          this.tally.bytesWrittenByPrefix[prefix] = (this.tally.bytesWrittenByPrefix[prefix] ?? 0) + body.byteLength;
          const scoped = invocationScope.getStore();
          if (scoped) scoped.s3BytesWritten += body.byteLength;
          let written: boolean;
          const existed = (await this.#sizeOf(key)) !== undefined;
          if (input.IfNoneMatch) written = await this.inner.putIf(key, body, { ifNoneMatch: '*' });
          else if (input.IfMatch) written = await this.inner.putIf(key, body, { ifMatch: input.IfMatch });
          else {
            await this.inner.put(key, body);
            written = true;
          }
          if (!written) throw s3Error('PreconditionFailed', 412);
          if (existed) await this.#retire(key);
          this.#sizes.set(key, body.byteLength);
          this.onCreated?.(key, body.byteLength);
          return {};
        }),
      );
    mock.on(GetObjectCommand).callsFake((input: { Key: string }) =>
      this.#served(async () => {
        this.#count('get', prefixOf(input.Key));
        const found = await this.inner.getVersioned(input.Key);
        if (!found) throw s3Error('NoSuchKey', 404);
        this.tally.bytesRead += found.body.byteLength;
        const body = found.body;
        return { Body: { transformToByteArray: async () => body }, ETag: found.version };
      }),
    );
    mock.on(HeadObjectCommand).callsFake((input: { Key: string }) =>
      this.#served(async () => {
        this.#count('head', prefixOf(input.Key));
        if (!(await this.inner.has(input.Key))) throw s3Error('NotFound', 404);
        return {};
      }),
    );
    mock
      .on(ListObjectsV2Command)
      .callsFake((input: { Prefix?: string; ContinuationToken?: string; MaxKeys?: number }) =>
        this.#served(async () => {
          const prefix = input.Prefix ?? '';
          this.#count('list', prefixOf(prefix));
          const pageSize = input.MaxKeys ?? LIST_PAGE;
          let keys: string[];
          if (input.ContinuationToken) {
            keys = this.#pages.get(input.ContinuationToken) ?? [];
            this.#pages.delete(input.ContinuationToken);
          } else {
            keys = await this.inner.list(prefix);
          }
          const page = keys.slice(0, pageSize);
          const rest = keys.slice(pageSize);
          let next: string | undefined;
          if (rest.length > 0) {
            next = String(++this.#token);
            this.#pages.set(next, rest);
          }
          return {
            Contents: page.map((Key) => ({ Key })),
            IsTruncated: next !== undefined,
            ...(next ? { NextContinuationToken: next } : {}),
          };
        }),
      );
    mock.on(DeleteObjectCommand).callsFake((input: { Key: string }) =>
      this.#served(async () => {
        this.#count('delete', prefixOf(input.Key));
        await this.#retire(input.Key);
        await this.inner.delete(input.Key);
        this.#sizes.delete(input.Key);
        return {};
      }),
    );
    mock.on(CopyObjectCommand).callsFake(() => {
      throw new Error('counting S3: CopyObject is not used by this project; count it before using it');
    });
    return this;
  }

  restore(): void {
    this.#mock?.restore();
  }
}

export interface SqsTally {
  /** API calls made. */
  calls: number;
  /** Billed requests: each call's payload in 64 KiB chunks. */
  billed: number;
  messages: number;
  maxMessageBytes: number;
}

/** SQS sends counted; the message bodies are kept for the bench to deliver (plan → worker). */
export class CountingSqs {
  tally: SqsTally = { calls: 0, billed: 0, messages: 0, maxMessageBytes: 0 };
  readonly sent: { body: string; groupId: string | undefined; deduplicationId: string | undefined }[] = [];
  #mock: ReturnType<typeof mockClient> | undefined;

  reset(): SqsTally {
    const before = this.tally;
    this.tally = { calls: 0, billed: 0, messages: 0, maxMessageBytes: 0 };
    return before;
  }

  install(): this {
    const mock = mockClient(SQSClient);
    this.#mock = mock;
    type Entry = { Id?: string; MessageBody?: string; MessageGroupId?: string; MessageDeduplicationId?: string };
    const take = (entries: Entry[]) => {
      this.tally.calls++;
      let bytes = 0;
      for (const entry of entries) {
        const size = Buffer.byteLength(entry.MessageBody ?? '');
        bytes += size;
        this.tally.messages++;
        this.tally.maxMessageBytes = Math.max(this.tally.maxMessageBytes, size);
        this.sent.push({
          body: entry.MessageBody ?? '',
          groupId: entry.MessageGroupId,
          deduplicationId: entry.MessageDeduplicationId,
        });
      }
      const billed = sqsBilledRequests(bytes);
      this.tally.billed += billed;
      const scoped = invocationScope.getStore();
      if (scoped) scoped.sqsBilled += billed;
    };
    mock.on(SendMessageBatchCommand).callsFake((input: { Entries?: Entry[] }) => {
      take(input.Entries ?? []);
      return {
        Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: '' })),
        Failed: [],
      };
    });
    mock.on(SendMessageCommand).callsFake((input: Entry) => {
      take([input]);
      return { MessageId: 'm' };
    });
    return this;
  }

  restore(): void {
    this.#mock?.restore();
  }
}

export interface SesTally {
  calls: number;
  /** Recipients: SES bills each as one email. */
  recipients: number;
  bytes: number;
}

export class CountingSes {
  tally: SesTally = { calls: 0, recipients: 0, bytes: 0 };
  #mock: ReturnType<typeof mockClient> | undefined;

  reset(): SesTally {
    const before = this.tally;
    this.tally = { calls: 0, recipients: 0, bytes: 0 };
    return before;
  }

  install(): this {
    const mock = mockClient(SESClient);
    this.#mock = mock;
    mock.on(SendRawEmailCommand).callsFake((input: { Destinations?: string[]; RawMessage?: { Data?: Uint8Array } }) => {
      this.tally.calls++;
      this.tally.recipients += Math.max(1, input.Destinations?.length ?? 0);
      this.tally.bytes += input.RawMessage?.Data?.byteLength ?? 0;
      return { MessageId: `bench-${this.tally.calls}` };
    });
    return this;
  }

  restore(): void {
    this.#mock?.restore();
  }
}

export interface OutputTally {
  /** Bytes the handlers wrote to stdout/stderr: what CloudWatch Logs would ingest from them. */
  bytes: number;
  lines: number;
  /** Custom metrics seen in Embedded Metric Format lines: namespace|name|dimension values. */
  metrics: Set<string>;
}

/**
 * Captures what the process writes to stdout and stderr (Powertools' logger and metrics write there,
 * as on Lambda) instead of printing it, counting bytes and the EMF metrics. `release()` puts the
 * streams back.
 */
export function captureOutput(): { tally: () => OutputTally; reset: () => OutputTally; release: () => void } {
  let tally: OutputTally = { bytes: 0, lines: 0, metrics: new Set() };
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const sink = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    const size = Buffer.byteLength(text);
    tally.bytes += size;
    const scoped = invocationScope.getStore();
    if (scoped) scoped.outputBytes += size;
    for (const row of text.split('\n')) {
      if (!row.trim()) continue;
      tally.lines++;
      if (!row.includes('"_aws"')) continue;
      try {
        const emf = JSON.parse(row) as {
          _aws?: { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
          [key: string]: unknown;
        };
        for (const directive of emf._aws?.CloudWatchMetrics ?? []) {
          for (const dimensions of directive.Dimensions.length > 0 ? directive.Dimensions : [[]]) {
            const values = dimensions.map((d) => `${d}=${String(emf[d])}`).join(',');
            for (const metric of directive.Metrics)
              tally.metrics.add(`${directive.Namespace}|${metric.Name}|${values}`);
          }
        }
      } catch {
        // Not EMF after all: counted as a log line only.
      }
    }
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  };
  process.stdout.write = sink as typeof process.stdout.write;
  process.stderr.write = sink as typeof process.stderr.write;
  return {
    tally: () => tally,
    reset: () => {
      const before = tally;
      tally = { bytes: 0, lines: 0, metrics: new Set() };
      return before;
    },
    release: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}
