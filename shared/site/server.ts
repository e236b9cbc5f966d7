/**
 * A small static file server for browsing a local store: loopback only, GET/HEAD only, and only the
 * prefixes the site links to (site/, raw/, results/), the same ones CloudFront exposes on AWS.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Top-level folders of the store that may be served. */
export const SERVED_PREFIXES = ['site', 'raw', 'results'] as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.pdf': 'application/pdf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.wps': 'application/vnd.ms-works',
  '.eml': 'message/rfc822',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export interface SiteServerOptions {
  /** The store folder (its site/ holds the generated site). */
  root: string;
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** Only loopback addresses are accepted. @default '127.0.0.1' */
  host?: string;
}

export interface SiteServer {
  /** e.g. http://127.0.0.1:41234/site/index.html */
  url: string;
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * Maps a request path to a file under `root`, or null when it names anything outside the served
 * prefixes: `..`, encoded slashes or backslashes, NUL, dot-files.
 */
export function resolveRequestPath(root: string, requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((segment, index) => !(index === 0 && segment === ''));
  if (segments.length > 0 && segments[segments.length - 1] === '') segments[segments.length - 1] = 'index.html';
  if (segments.length === 0) return null;
  for (const segment of segments) {
    if (segment === '' || segment.startsWith('.')) return null;
  }
  if (!(SERVED_PREFIXES as readonly string[]).includes(segments[0] as string)) return null;
  const full = path.resolve(root, ...segments);
  return full.startsWith(path.resolve(root) + path.sep) ? full : null;
}

function send(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  response.end(message);
}

async function handle(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, '只支持 GET 与 HEAD 请求');
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/' || url.pathname === '/site' || url.pathname === '/index.html') {
    response.writeHead(302, { location: '/site/index.html' });
    response.end();
    return;
  }
  const file = resolveRequestPath(root, url.pathname);
  if (!file) return send(response, 404, '未找到');
  let real: string;
  let size: number;
  try {
    let info = await stat(file);
    let target = file;
    if (info.isDirectory()) {
      target = path.join(file, 'index.html');
      info = await stat(target);
    }
    if (!info.isFile()) return send(response, 404, '未找到');
    // Symlinks must not lead out of the served folder they were requested under (site/ → config/ or
    // raw/ would bypass both the prefix list and raw/'s sandbox header).
    real = await realpath(target);
    const prefix = path.relative(root, file).split(path.sep)[0] as string;
    const realPrefix = await realpath(path.join(root, prefix));
    const realRoot = await realpath(root);
    if (realPrefix !== path.join(realRoot, prefix) || !real.startsWith(realPrefix + path.sep)) {
      return send(response, 404, '未找到');
    }
    size = info.size;
  } catch {
    return send(response, 404, '未找到');
  }
  const headers: Record<string, string | number> = {
    'content-type': contentTypeFor(real),
    'content-length': size,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
  if (!url.pathname.startsWith('/site/')) {
    // Archived originals are bytes from agency websites: never let their HTML run script in our origin.
    headers['content-security-policy'] = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";
  }
  response.writeHead(200, headers);
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(real);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}

/** Starts the server on loopback; refuses any non-loopback host (the site is never public). */
export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
    throw new Error(`只允许在本机回环地址上提供浏览服务，拒绝监听 ${host}`);
  }
  const root = path.resolve(options.root);
  const server = createServer((request, response) => {
    handle(root, request, response).catch(() => {
      if (!response.headersSent) send(response, 500, '服务器内部错误');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host === 'localhost' ? '127.0.0.1' : host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${hostPart}:${address.port}`;
  return {
    url: `${origin}/site/index.html`,
    origin,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
