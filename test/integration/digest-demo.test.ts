/**
 * End to end on loopback: the demo agency site serves the seed reports with chosen publish dates,
 * runScan fetches and parses them, updateAssessments writes state, and `nianbao digest` writes the
 * email to an outbox. The digest must name exactly the late, missing, inconsistent and unreachable
 * agencies, and nothing else.
 *
 * Cases (report year 2023; departments and townships due 2024-01-31, the county government 2024-03-31):
 * - lushi-xczx published 2024-02-05 (chosen here): late by 5 days.
 * - lushi-gfdy published 2024-02-20 (the site's default): late by 20 days.
 * - lushi-wglj: the column has no 2023 report: missing.
 * - lushi-gov: its 2022 report (scanned first) carries 1 application over, its 2023 report says 0
 *   were carried in: carryover.mismatch, inconsistent (published on time).
 * - loop-county (redirect loop) and gd-jsshell (list rendered by JavaScript): unreachable, not missing.
 * - lushi-gxkj and longde-shanhe: on time, so absent from the agency rows.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAgencySite } from '../../demo/agency-site.ts';
import { run as digestCli } from '../../shared/cli/digest.ts';
import type { AgencyYearState } from '../../shared/compliance/status.ts';
import type { DigestRecord } from '../../shared/notify/digest.ts';
import { runScanAndParse } from '../../shared/pipeline/scan-run.ts';
import { loadRegistry } from '../../shared/registry/load.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { getJson } from '../../shared/storage/port.ts';
import { loopbackClient } from '../support/loopback-http.ts';

const AGENCIES = [
  'lushi-xczx',
  'lushi-gxkj',
  'lushi-gfdy',
  'lushi-gov',
  'longde-shanhe',
  'lushi-wglj',
  'loop-county',
  'gd-jsshell',
];
const NOW = '2024-04-10T10:00:00+08:00'; // 2024-W15

let dir: string;
let store: FileSystemStore;
let registryFile: string;
let outbox: string;
let cliOutput = '';

async function cli(args: string[]): Promise<number> {
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    cliOutput += `${String(line)}\n`;
  });
  try {
    return await digestCli(args);
  } finally {
    log.mockRestore();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'nianbao-digest-demo-'));
  store = new FileSystemStore(path.join(dir, 'store'));
  outbox = path.join(dir, 'outbox');

  // Last year first, so the carry-over check has something to compare with.
  const lastYear = await startAgencySite({ year: 2022, agencyIds: ['lushi-gov'], flakyFailures: 0 });
  try {
    const registry = loadRegistry(lastYear.registryYaml);
    await runScanAndParse({
      registry,
      year: 2022,
      store,
      http: loopbackClient(registry),
      now: () => new Date('2023-04-10T02:00:00Z'),
    });
  } finally {
    await lastYear.close();
  }

  const site = await startAgencySite({
    year: 2023,
    agencyIds: AGENCIES,
    publishDates: { 'lushi-xczx': '2024-02-05 10:00' },
    flakyFailures: 0,
  });
  try {
    registryFile = path.join(dir, 'registry.yaml');
    await writeFile(registryFile, site.registryYaml);
    const registry = loadRegistry(site.registryYaml);
    await runScanAndParse({ registry, year: 2023, store, http: loopbackClient(registry), now: () => new Date(NOW) });
  } finally {
    await site.close();
  }
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('digest from the demo site', () => {
  it('names exactly the late, missing, inconsistent and unreachable agencies', async () => {
    const code = await cli([
      '--store',
      store.location,
      '--registry',
      registryFile,
      '--year',
      '2023',
      '--now',
      NOW,
      '--outbox',
      outbox,
    ]);
    expect(code).toBe(0);

    const record = await getJson<DigestRecord>(store, 'digests/2024-W15.json');
    const problems = Object.keys(record?.problems ?? {}).sort();
    expect(problems).toEqual([
      '2023/gd-jsshell/unreachable',
      '2023/loop-county/unreachable',
      '2023/lushi-gfdy/late',
      '2023/lushi-gov/inconsistent',
      '2023/lushi-wglj/missing',
      '2023/lushi-xczx/late',
    ]);

    const xczx = await getJson<AgencyYearState>(store, 'state/2023/lushi-xczx.json');
    expect(xczx?.current).toMatchObject({ status: 'late', daysLate: 5 });
    const gfdy = await getJson<AgencyYearState>(store, 'state/2023/lushi-gfdy.json');
    expect(gfdy?.current).toMatchObject({ status: 'late', daysLate: 20 });
    const gov = await getJson<AgencyYearState>(store, 'state/2023/lushi-gov.json');
    expect(gov?.current.status).toBe('inconsistent');
    expect(gov?.current.findings.some((f) => f.rule === 'carryover.mismatch')).toBe(true);
    for (const id of ['lushi-gxkj', 'longde-shanhe']) {
      expect((await getJson<AgencyYearState>(store, `state/2023/${id}.json`))?.current.status).toBe('on-time');
    }

    // The email: agency rows for the problems only; on-time agencies only in the counts.
    // The demo registry has two recipients: the whole office and the 卢氏县 office (its slice only).
    const files = (await readdir(outbox)).sort();
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    const html = await readFile(path.join(outbox, files.find((f) => /全部.*\.html$/.test(f)) as string), 'utf8');
    const lushi = await readFile(path.join(outbox, files.find((f) => /卢氏县.*\.html$/.test(f)) as string), 'utf8');
    expect(lushi).toContain('卢氏县乡村振兴局');
    expect(lushi).not.toContain('示例县发展和改革委员会');
    expect(html).toContain('示例县发展和改革委员会');
    for (const name of ['卢氏县乡村振兴局', '卢氏县国防动员办公室', '卢氏县文化广电和旅游局', '卢氏县人民政府']) {
      expect(html).toContain(name);
    }
    expect(html).not.toContain('卢氏县工业和信息化和科技局');
    expect(html).not.toContain('隆德县山河乡');
    expect(html).toContain('逾期 5 天');
    expect(html).toContain('逾期 20 天');
    expect(html).toContain('不代表该机关未公开');

    expect(cliOutput).toContain('2024-W15 合规摘要');
    expect(cliOutput).toContain('已发送（全部地区）');
    expect(cliOutput).toContain('已发送（河南省/三门峡市/卢氏县）');
  });

  it('refuses a second digest in the same week unless forced', async () => {
    cliOutput = '';
    const args = ['--store', store.location, '--registry', registryFile, '--year', '2023', '--outbox', outbox];
    expect(await cli([...args, '--now', '2024-04-12T10:00:00+08:00'])).toBe(0);
    expect(cliOutput).toContain('未重复发送');
    expect((await readdir(outbox)).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    cliOutput = '';
    expect(await cli([...args, '--now', '2024-04-12T10:00:00+08:00', '--force'])).toBe(0);
    expect(cliOutput).toContain('已发送');
    const record = await getJson<DigestRecord>(store, 'digests/2024-W15.json');
    expect(record?.sends.map((s) => s.forced ?? false)).toEqual([false, false, true, true]);
  });
});
