/**
 * FileSystemStore when writes fail with ENOSPC (simulated: writeFile writes half the temp file, then
 * fails like a full disk), and the start-up sweep of temp files left by a killed writer.
 */
import { mkdtemp, readdir, writeFile as realWriteFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const failing = { on: false };
vi.mock('node:fs/promises', async (original) => {
  const actual = await original<typeof import('node:fs/promises')>();
  return {
    ...actual,
    writeFile: async (file: string, data: Uint8Array | string, ...rest: unknown[]) => {
      if (failing.on && String(file).endsWith('.nianbao-tmp')) {
        await actual.writeFile(file, String(data).slice(0, 3));
        throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
      }
      return (actual.writeFile as (...args: unknown[]) => Promise<void>)(file, data, ...rest);
    },
  };
});

const { FileSystemStore, StoreFullError } = await import('../../shared/storage/fs-store.ts');

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function files(root: string): Promise<string[]> {
  return ((await readdir(root, { recursive: true })) as string[]).sort();
}

describe('FileSystemStore: full disk and stray temp files', () => {
  it('turns ENOSPC into a Chinese StoreFullError and removes the half-written temp file', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'nianbao-enospc-'));
    roots.push(root);
    const store = new FileSystemStore(root);
    await store.put('runs/ok.json', '{}');
    failing.on = true;
    try {
      for (let i = 0; i < 11; i++) {
        await expect(store.put(`raw/2024/a/${i}.html`, '<html>报告</html>')).rejects.toBeInstanceOf(StoreFullError);
      }
      await expect(store.putIf('state/2024/a.json', '{}', { ifNoneMatch: '*' })).rejects.toThrow(
        /^存储空间不足（ENOSPC）：无法写入 state\/2024\/a\.json/,
      );
    } finally {
      failing.on = false;
    }
    expect((await files(root)).filter((f) => f.endsWith('.nianbao-tmp'))).toEqual([]);
    expect(await store.list('')).toEqual(['runs/ok.json']);
  });

  it('sweeps temp and lock files of dead or stale writers before its first write, keeping live ones', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'nianbao-sweep-'));
    roots.push(root);
    const dir = path.join(root, 'raw/2024/a');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
    const dead = path.join(dir, `x.html.${deadPid}.0123456789ab.nianbao-tmp`);
    const live = path.join(dir, `y.html.${process.ppid}.0123456789ab.nianbao-tmp`);
    const staleLock = path.join(dir, 'z.meta.json.nianbao-lock');
    for (const file of [dead, live, staleLock]) await realWriteFile(file, 'x');
    const old = new Date(Date.now() - 120_000);
    await utimes(staleLock, old, old);
    const aFewSecondsAgo = new Date(Date.now() - 5_000);
    for (const file of [dead, live]) await utimes(file, aFewSecondsAgo, aFewSecondsAgo);
    const store = new FileSystemStore(root);
    await store.put('runs/r.json', '{}');
    const left = await files(root);
    expect(left.filter((f) => f.includes('.nianbao-'))).toEqual([path.relative(root, live)]);
  });
});
