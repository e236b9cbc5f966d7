/**
 * The transport: one GET to an address the guard already checked (a pinned `lookup`, so DNS cannot
 * answer differently the second time), with keep-alive agents, a time budget, a streaming size limit
 * and Content-Encoding undone. Built on node:http/https rather than fetch() for exactly those three.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { GuardedTarget } from '../address-guard.ts';
import { CancelledError, NetworkError, TimeoutError, TooLargeError } from '../errors.ts';

/** A response as it came off the wire (body whole, at most maxBytes). */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  setCookie: string[];
  body: Uint8Array;
}

export interface TransportOptions {
  /** Sockets per host (the per-host gate's limit). */
  perHostConcurrency: number;
  /** Verify TLS certificates. */
  rejectUnauthorized: boolean;
  /** Told the size of every received (still encoded) chunk. */
  onBytes: (bytes: number) => void;
}

export interface Transport {
  /** One network request to a checked address; resolves with the whole (size-limited) body. */
  requestOnce(
    url: URL,
    target: GuardedTarget,
    headers: Record<string, string>,
    budgetMs: number,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<RawResponse>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

export function createTransport(options: TransportOptions): Transport {
  const { rejectUnauthorized, onBytes } = options;
  const maxSockets = Math.max(1, options.perHostConcurrency);
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized }),
  };

  /** One network request to a checked address; resolves with the whole (size-limited) body. */
  function requestOnce(
    url: URL,
    target: GuardedTarget,
    headers: Record<string, string>,
    budgetMs: number,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<RawResponse> {
    const secure = url.protocol === 'https:';
    const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
      if ((lookupOptions as { all?: boolean }).all) {
        (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [
          { address: target.address, family: target.family },
        ]);
      } else {
        callback(null, target.address, target.family);
      }
    };
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      let body: Readable | undefined;
      const finish = (error: Error | null, value?: RawResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          body?.destroy();
          request.destroy();
          reject(error);
        } else {
          resolve(value as RawResponse);
        }
      };
      const timer = setTimeout(() => finish(new TimeoutError(url.href, budgetMs)), budgetMs);
      const onAbort = () => finish(new CancelledError(url.href));
      signal?.addEventListener('abort', onAbort, { once: true });
      const request = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: target.hostname,
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers,
          agent: secure ? agents.https : agents.http,
          lookup: pinned,
          ...(secure ? { rejectUnauthorized } : {}),
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const responseHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value === undefined) continue;
            responseHeaders[name.toLowerCase()] = Array.isArray(value)
              ? value.join(name.toLowerCase() === 'set-cookie' ? '\n' : ', ')
              : value;
          }
          const setCookie = response.headers['set-cookie'] ?? [];
          const encoding = (responseHeaders['content-encoding'] ?? '').trim().toLowerCase();
          const declared = Number(responseHeaders['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes && (encoding === '' || encoding === 'identity')) {
            finish(new TooLargeError(url.href, maxBytes, declared));
            return;
          }
          let stream: Readable = response;
          if (status !== 304 && status !== 204) {
            if (encoding === 'gzip' || encoding === 'x-gzip') stream = response.pipe(zlib.createGunzip());
            else if (encoding === 'deflate') stream = response.pipe(zlib.createInflate());
            else if (encoding === 'br') stream = response.pipe(zlib.createBrotliDecompress());
          }
          body = stream;
          const chunks: Buffer[] = [];
          let total = 0;
          response.on('data', (chunk: Buffer) => {
            onBytes(chunk.length);
          });
          stream.on('data', (chunk: Buffer) => {
            total += chunk.length;
            if (total > maxBytes) finish(new TooLargeError(url.href, maxBytes));
            else chunks.push(chunk);
          });
          stream.on('error', (error) =>
            finish(
              stream === response
                ? new NetworkError(url.href, error)
                : new NetworkError(url.href, error, `解压失败（${encoding} 数据损坏）`),
            ),
          );
          response.on('error', (error) => finish(new NetworkError(url.href, error)));
          response.on('close', () => {
            if (!response.complete) {
              finish(
                new NetworkError(
                  url.href,
                  Object.assign(new Error('aborted'), { code: 'ECONNRESET' }),
                  '连接在响应完成前中断',
                ),
              );
            }
          });
          stream.on('end', () => {
            const buffer = Buffer.concat(chunks);
            finish(null, {
              status,
              headers: responseHeaders,
              setCookie,
              body: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
            });
          });
        },
      );
      request.on('error', (error) => finish(new NetworkError(url.href, error)));
      request.end();
    });
  }

  return {
    requestOnce,
    close(): void {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
