import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../shared/cli/site.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { writeSyntheticPopulation } from '../support/synthetic-store.ts';

let root: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'nianbao-site-cli-'));
  await writeSyntheticPopulation(new FileSystemStore(root), {
    agencies: 12,
    year: 2024,
    now: new Date('2025-05-12T02:00:00Z'),
  });
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

async function quietly(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out += `${a.join(' ')}\n`;
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    err += `${a.join(' ')}\n`;
  });
  try {
    return { code: await run(args), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('nianbao site', () => {
  it('generates the site into the store and prints where it is', async () => {
    const { code, out, err } = await quietly(['--store', root, '--now', '2025-05-12T02:00:00Z']);
    expect(code).toBe(0);
    expect(err).toContain('存储中没有名录');
    expect(out).toContain(path.join(root, 'site', 'index.html'));
    expect(existsSync(path.join(root, 'site', 'agencies.html'))).toBe(true);
    expect(readFileSync(path.join(root, 'site', 'index.html'), 'utf8')).toContain('2024 年度');
  });

  it('says why it cannot assess an empty store without a registry, and fails', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'nianbao-site-empty-'));
    try {
      const { code, err } = await quietly(['--store', empty, '--now', '2025-05-12T02:00:00Z']);
      expect(code).toBe(1);
      expect(err).toContain('无法评估');
      expect(err).toContain('nianbao scan --registry');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it.each([
    [['--now', 'yesterday'], '--now'],
    [['--year', '24'], '--year'],
    [['--unknown'], '未知选项：--unknown'],
    [['--registry', '/nonexistent/registry.yaml'], '找不到名录文件'],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const { code, err } = await quietly(['--store', root, ...args]);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });
});
