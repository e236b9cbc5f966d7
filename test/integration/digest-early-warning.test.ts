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
import { putJson } from '../../shared/storage/port.ts';

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

describe('per-agency notices (notifyAgency)', () => {
  it('sends an agency that asked for it its own open problems, once a week, and nobody else', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nianbao-notice-'));
    dirs.push(dir);
    const store = new FileSystemStore(dir);
    await store.put(
      keys.registry,
      REGISTRY.replace(
        '    liaison: { name: 王芳, phone: 0398-7891234 }',
        '    liaison: { name: 王芳, phone: 0398-7891234, email: gk@jyj.example.gov.cn }\n    notifyAgency: true',
      ),
    );
    const outcomes = ['lushi-jyj', 'lushi-wjw'].map((agencyId) => ({
      agencyId,
      year: 2024,
      status: 'not-found',
      snapshots: [],
      findings: [],
      pagesFetched: 1,
    }));
    await putJson(store, keys.run('r1'), {
      runId: 'r1',
      year: 2024,
      startedAt: '2025-02-10T01:00:00.000Z',
      finishedAt: '2025-02-10T01:05:00.000Z',
      outcomes,
    });
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const args = ['--store', dir, '--year', '2024', '--now', '2025-02-10T09:00:00+08:00'];
    expect(await run(args)).toBe(0);
    expect(out.join('\n')).toContain(
      '已发送机关通知 → gk@jyj.example.gov.cn：【请核查】卢氏县教育局2024年度政府信息公开工作年度报告：未公开',
    );
    const outbox = path.join(dir, 'outbox');
    const notice = (await readdir(outbox)).find((f) => f.includes('机关-lushi-jyj') && f.endsWith('.html')) as string;
    const html = await readFile(path.join(outbox, notice), 'utf8');
    expect(html).toContain('在公开目录中未找到2024年度报告');
    expect(html).not.toContain('卫生健康委员会');
    expect((await readdir(outbox)).some((f) => f.includes('lushi-wjw'))).toBe(false);
    out.length = 0;
    expect(await run(args)).toBe(0);
    expect(out.join('\n')).toContain('本周已发送过机关通知');
  });
});

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
