/**
 * Two processes writing one filesystem store at once (two scans into one store): every snapshot
 * sighting is counted, none lost, each agency's snapshot index holds its records as stored, and no temp
 * or lock file is left.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/lambda-defaults.ts';
import type { SnapshotMeta } from '../../shared/storage/records.ts';

let dir: string;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function writer(store: string, name: string, startAt: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(PROJECT_ROOT, 'test/support/store-writer.ts'),
        store,
        name,
        PROJECT_ROOT,
        String(startAt),
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

async function allFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('two writer processes into one store', () => {
  it('count all 60 metadata updates (30 documents seen twice)', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nianbao-concurrent-'));
    const store = path.join(dir, 'store');
    const startAt = Date.now() + 3_000;
    expect(await Promise.all([writer(store, 'a', startAt), writer(store, 'b', startAt)])).toEqual([0, 0]);
    const files = await allFiles(store);
    const metas = await Promise.all(
      files
        .filter((f) => f.endsWith('.meta.json'))
        .map(async (f) => JSON.parse(await readFile(f, 'utf8')) as SnapshotMeta),
    );
    expect(metas).toHaveLength(30);
    const counted = metas.reduce((sum, meta) => sum + (meta.timesSeen ?? 0), 0);
    console.log(`metadata updates counted: ${counted} of 60 (lost: ${60 - counted})`);
    expect(counted).toBe(60);
    expect(metas.every((meta) => meta.seenUrls?.length === 2)).toBe(true);
    // Each agency's snapshot index ends with its records as stored, whichever writer reached it last.
    const bySha = (list: SnapshotMeta[]) => [...list].sort((a, b) => a.sha256.localeCompare(b.sha256));
    for (let agency = 0; agency < 10; agency++) {
      const indexed = JSON.parse(
        await readFile(path.join(store, 'index/2024/snapshots', `agency-${agency}.json`), 'utf8'),
      ) as { metas: SnapshotMeta[] };
      expect(bySha(indexed.metas)).toEqual(bySha(metas.filter((meta) => meta.agencyId === `agency-${agency}`)));
    }
    expect(files.filter((f) => /\.nianbao-(tmp|lock)$/.test(f))).toEqual([]);
  });
});
