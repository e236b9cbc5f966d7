import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRequestPath, type SiteServer, startSiteServer } from '../../shared/site/server.ts';

let root: string;
let outside: string;
let server: SiteServer;

/** A raw GET (no URL normalisation by a client library), so `..` reaches the server as sent. */
function get(
  rawPath: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: rawPath, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'nianbao-serve-'));
  outside = mkdtempSync(path.join(tmpdir(), 'nianbao-outside-'));
  writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  for (const dir of ['site/agency', 'raw/2024/a', 'state/2024', 'config'])
    mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, 'site/index.html'), '<!doctype html><title>首页</title>');
  writeFileSync(path.join(root, 'site/findings.csv'), '\uFEFFa,b\r\n');
  writeFileSync(path.join(root, 'raw/2024/a/x.html'), '<script>alert(1)</script>');
  writeFileSync(path.join(root, 'state/2024/a.json'), '{}');
  writeFileSync(path.join(root, 'config/registry.yaml'), 'agencies: []');
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'site/link.txt'));
  // Links that stay inside the store but leave the served folder they were requested under.
  symlinkSync(path.join(root, 'config/registry.yaml'), path.join(root, 'site/registry.txt'));
  symlinkSync('../config', path.join(root, 'site/config'));
  symlinkSync(path.join(root, 'state/2024/a.json'), path.join(root, 'raw/2024/a/state.json'));
  symlinkSync(path.join(root, 'raw/2024/a/x.html'), path.join(root, 'site/raw-copy.html'));
  // A link within site/ is fine.
  symlinkSync(path.join(root, 'site/index.html'), path.join(root, 'site/home.html'));
  server = await startSiteServer({ root });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('site server', () => {
  it('listens on 127.0.0.1 and refuses any other address', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startSiteServer({ root, host: '0.0.0.0' })).rejects.toThrow(/127\.0\.0\.1|回环/);
  });

  it('redirects / to the site and serves pages with their content types', async () => {
    const home = await get('/');
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe('/site/index.html');
    const index = await get('/site/index.html');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('首页');
    expect((await get('/site/')).status).toBe(200);
    expect((await get('/site/findings.csv')).headers['content-type']).toBe('text/csv; charset=utf-8');
  });

  it('serves archived originals sandboxed so their scripts cannot run in the site origin', async () => {
    const raw = await get('/raw/2024/a/x.html');
    expect(raw.status).toBe(200);
    expect(raw.headers['content-security-policy']).toMatch(/^sandbox/);
    expect(raw.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    '/site/../state/2024/a.json',
    '/site/%2e%2e/state/2024/a.json',
    '/site/..%2fstate/2024/a.json',
    '/site/..%5cstate/2024/a.json',
    '/state/2024/a.json',
    '/config/registry.yaml',
    '/site/%00index.html',
    '/site/%E0%A4%A',
    '/site/link.txt',
    '/site/registry.txt',
    '/site/config/registry.yaml',
    '/raw/2024/a/state.json',
    '/site/raw-copy.html',
    '/site/nothing-here.html',
  ])('answers 404 to %s', async (rawPath) => {
    const response = await get(rawPath);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('secret');
  });

  it('follows a symlink that stays inside its served folder', async () => {
    const home = await get('/site/home.html');
    expect(home.status).toBe(200);
    expect(home.body).toContain('首页');
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('/site/index.html', 'POST')).status).toBe(405);
    const head = await get('/site/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('maps request paths only inside the served prefixes', () => {
    expect(resolveRequestPath('/store', '/site/a/b.html')).toBe(path.resolve('/store/site/a/b.html'));
    expect(resolveRequestPath('/store', '/site/../../etc/passwd')).toBeNull();
    expect(resolveRequestPath('/store', '/site/.hidden')).toBeNull();
    expect(resolveRequestPath('/store', '/runs/x.json')).toBeNull();
  });
});
