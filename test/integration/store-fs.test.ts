import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { openStore } from '../../shared/storage/open-store.ts';
import { runStoreContract } from '../support/store-contract.ts';

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'nianbao-fs-store-'));
  roots.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

runStoreContract('FileSystemStore', async () => new FileSystemStore(await freshRoot()));

describe('FileSystemStore specifics', () => {
  it('leaves no temporary files behind and keeps files under the root', async () => {
    const root = await freshRoot();
    const store = new FileSystemStore(root);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put('same/key.txt', `writer ${i}`)));
    expect(await readdir(path.join(root, 'same'))).toEqual(['key.txt']);
    expect(new TextDecoder().decode(await store.get('same/key.txt'))).toMatch(/^writer \d+$/);
    expect(store.location).toBe(path.resolve(root));
  });

  it('prunes folders emptied by delete', async () => {
    const root = await freshRoot();
    const store = new FileSystemStore(root);
    await store.put('raw/2024/a/x.pdf', 'x');
    await store.delete('raw/2024/a/x.pdf');
    expect(await readdir(root)).toEqual([]);
  });

  it('openStore picks the adapter from the location', async () => {
    const root = await freshRoot();
    expect(openStore(root)).toBeInstanceOf(FileSystemStore);
    expect(openStore(root).location).toBe(path.resolve(root));
    expect(openStore('').location).toBe(path.resolve('./.nianbao'));
    expect(openStore('s3://bucket/some/prefix').location).toBe('s3://bucket/some/prefix');
    expect(openStore('s3://bucket').location).toBe('s3://bucket');
    expect(() => openStore('s3:///prefix')).toThrow(/桶名/);
  });
});
