/**
 * A full disk (ENOSPC) on a real filesystem: a tiny tmpfs when this machine lets us mount one (root
 * in a container), otherwise skipped — test/unit/fs-store-enospc.test.ts simulates the same failure
 * everywhere. The write fails with a Chinese error, leaves no temp file, and what was written stays.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSystemStore, StoreFullError } from '../../shared/storage/fs-store.ts';
import { putJson } from '../../shared/storage/port.ts';

const mountPoint = mkdtempSync(path.join(tmpdir(), 'nianbao-tiny-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=192k', 'tmpfs', mountPoint], { stdio: 'ignore' });
  mounted = true;
} catch {
  mounted = false;
}

afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe('FileSystemStore on a full disk', () => {
  it.skipIf(!mounted)('fails in Chinese with StoreFullError and leaves no half-written temp files', async () => {
    const store = new FileSystemStore(path.join(mountPoint, 'store'));
    await putJson(store, 'runs/first.json', { ok: true });
    const chunk = new Uint8Array(40 * 1024).fill(65);
    let failure: unknown;
    for (let i = 0; i < 20 && !failure; i++) {
      await store.put(`raw/2024/a/${i}.bin`, chunk).catch((error: unknown) => {
        failure = error;
      });
    }
    for (let i = 0; i < 5; i++)
      await putJson(store, `state/2024/x${i}.json`, { big: 'x'.repeat(30_000) }).catch(() => {});
    expect(failure).toBeInstanceOf(StoreFullError);
    expect((failure as Error).message).toMatch(/^存储空间不足（ENOSPC）：无法写入 raw\/2024\/a\/\d+\.bin/);
    const files = readdirSync(path.join(mountPoint, 'store'), { recursive: true }) as string[];
    expect(files.filter((f) => f.endsWith('.nianbao-tmp'))).toEqual([]);
    expect(await store.get('runs/first.json')).toBeDefined();
    const written = await store.list('raw/2024/a/');
    expect(written.length).toBeGreaterThan(0);
    for (const key of written) expect((await store.get(key))?.byteLength).toBe(chunk.byteLength);
  });
});
