/**
 * `nianbao scan` end to end on the demo site (default polite client: real delays, so a small subset of
 * agencies), plus usage errors.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgencySite, startAgencySite } from '../../demo/agency-site.ts';
import { defaultReportYear, run } from '../../shared/cli/scan.ts';
import type { RunManifest } from '../../shared/storage/records.ts';

let site: AgencySite;
let dir: string;

beforeAll(async () => {
  site = await startAgencySite();
  dir = await mkdtemp(join(tmpdir(), 'nianbao-cli-'));
  await writeFile(join(dir, 'registry.yaml'), site.registryYaml);
  await writeFile(join(dir, 'bad.yaml'), 'agencies:\n  - id: x\n    name: 某局\n    level: nonsense\n');
});

afterAll(async () => {
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function capture(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await run(args);
    return { code, out: out.join('\n'), err: err.join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

describe('nianbao scan', () => {
  it('defaults the year to the previous calendar year in Beijing', () => {
    expect(defaultReportYear(new Date('2024-12-31T16:30:00Z'))).toBe(2024); // 2025-01-01 00:30 in Beijing
    expect(defaultReportYear(new Date('2024-12-31T15:30:00Z'))).toBe(2023);
  });

  it('scans the chosen agencies, prints a Chinese summary and exits 0 even when some fail', async () => {
    const store = join(dir, 'store');
    const result = await capture([
      '--registry',
      join(dir, 'registry.yaml'),
      '--store',
      store,
      '--now',
      '2024-06-01T00:00:00Z',
      '--agency',
      'lushi-xczx,meta-county',
      '--agency',
      'gd-jsshell',
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('2023 年度报告抓取完成：共 3 个机关');
    expect(result.out).toMatch(/找到 1\s+未找到 1\s+无法访问 0\s+被拦截 1/);
    expect(result.out).toContain('meta-county');
    expect(result.err).toContain('[3/3]');
    const runPath = /运行记录：(.+\.json)/.exec(result.out)?.[1];
    const manifest = JSON.parse(await readFile(runPath as string, 'utf8')) as RunManifest;
    expect(manifest.startedAt.startsWith('2024-06-01T00:00')).toBe(true);
    expect(manifest.outcomes.map((o) => o.agencyId).sort()).toEqual(['gd-jsshell', 'lushi-xczx', 'meta-county']);
    // The registry is recorded in the store, so `digest` and `site` work on it without --registry.
    expect(await readFile(join(store, 'config', 'registry.yaml'), 'utf8')).toBe(site.registryYaml);
    const { run: digest } = await import('../../shared/cli/digest.ts');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await digest(['--store', store, '--year', '2023', '--now', '2024-06-01T00:00:00Z'])).toBe(0);
      // `site` right after `scan` assesses first (a fresh store has no state yet), then draws.
      await rm(join(store, 'state'), { recursive: true, force: true });
      const { run: siteCli } = await import('../../shared/cli/site.ts');
      expect(await siteCli(['--store', store, '--year', '2023', '--now', '2024-06-01T00:00:00Z'])).toBe(0);
      const page = await readFile(join(store, 'site', 'agency', 'lushi-xczx.html'), 'utf8');
      expect(page).not.toContain('status-none');
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });

  it('exits 2 on bad usage, an unknown agency or a registry error (with its line)', async () => {
    expect((await capture([])).code).toBe(2);
    expect((await capture(['--registry', join(dir, 'registry.yaml'), '--year', 'abc'])).code).toBe(2);
    const unknown = await capture(['--registry', join(dir, 'registry.yaml'), '--agency', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('nope');
    const bad = await capture(['--registry', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/第 4 行/);
    expect((await capture(['--registry', join(dir, 'missing.yaml')])).code).toBe(2);
    const budget = await capture(['--registry', join(dir, 'registry.yaml'), '--agency-budget', '0']);
    expect(budget.code).toBe(2);
    expect(budget.err).toContain('--agency-budget 应为正数');
  });
});
