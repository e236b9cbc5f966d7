/**
 * `nianbao digest --now` ten days before the 01-31 deadline: the digest leads with 即将到期, listing
 * every department without a report found yet with "距截止日期还有 10 天", its subject says so, and the
 * registry is read from the store (config/registry.yaml) without --registry. The county government
 * (deadline 03-31) is not listed yet; with --lead-days 5 nobody is.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../shared/cli/digest.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { keys } from '../../shared/storage/keys.ts';

const REGISTRY = `agencies:
  - id: lushi-jyj
    name: 卢氏县教育局
    level: county-department
    region: 河南省/三门峡市/卢氏县
    listUrls: [https://jyj.example.gov.cn/ndbg/]
    liaison: { name: 王芳, phone: 0398-7891234 }
  - id: lushi-wjw
    name: 卢氏县卫生健康委员会
    level: county-department
    region: 河南省/三门峡市/卢氏县
    listUrls: [https://wjw.example.gov.cn/ndbg/]
  - id: lushi-gov
    name: 卢氏县人民政府
    level: county-government
    region: 河南省/三门峡市/卢氏县
    listUrls: [https://www.example.gov.cn/ndbg/]
`;

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function digestAt(extra: string[]): Promise<{ code: number; html: string; subject: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nianbao-early-'));
  dirs.push(dir);
  await new FileSystemStore(dir).put(keys.registry, REGISTRY);
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const code = await run(['--store', dir, '--year', '2024', '--now', '2025-01-21T09:00:00+08:00', ...extra]);
  const outbox = path.join(dir, 'outbox');
  const htmlFile = (await readdir(outbox)).find((f) => f.endsWith('.html')) as string;
  const html = await readFile(path.join(outbox, htmlFile), 'utf8');
  const record = JSON.parse(await readFile(path.join(dir, keys.digest('2025-W04')), 'utf8'));
  return { code, html, subject: record.sends[0].subject };
}

describe('digest early warning (即将到期)', () => {
  it('lists each unpublished department with 还有 10 天 ten days before 01-31, and says so in the subject', async () => {
    const { code, html, subject } = await digestAt([]);
    expect(code).toBe(0);
    expect(subject).toMatch(/^【即将到期 2 个机关未公开】/);
    expect(html).toContain('即将到期：2 个机关尚未找到报告');
    for (const name of ['卢氏县教育局', '卢氏县卫生健康委员会']) {
      expect(html).toMatch(new RegExp(`${name}</strong>.*?距截止日期还有 10 天`, 's'));
    }
    expect(html).toContain('联系人 王芳 · 电话 0398-7891234');
    // The county government's deadline (03-31) is 69 days away: not yet.
    expect(html.slice(0, html.indexOf('概况'))).not.toContain('卢氏县人民政府');
    // The early warning leads the digest.
    expect(html.indexOf('即将到期')).toBeLessThan(html.indexOf('概况'));
  });

  it('honours a shorter lead time', async () => {
    const { html, subject } = await digestAt(['--lead-days', '5']);
    expect(subject).not.toContain('即将到期');
    expect(html).not.toContain('距截止日期还有');
  });
});
