/**
 * A poisoned snapshot never poisons the store: a stored DOCX bomb is parsed once in the sandbox,
 * recorded as 无法解析 with a Chinese reason, not parsed again on later runs (same parser version),
 * and the assessment still covers every agency — the bomb's agency as unparseable, the healthy one
 * as usual.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGAL_DEADLINES } from '../../shared/compliance/deadline.ts';
import { updateAssessments } from '../../shared/compliance/update.ts';
import { stopParseSandbox } from '../../shared/pipeline/parse-sandbox.ts';
import { processSnapshot } from '../../shared/pipeline/process-snapshot.ts';
import type { Registry } from '../../shared/registry/agency.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { keys } from '../../shared/storage/keys.ts';
import { putJson } from '../../shared/storage/port.ts';
import type { RunManifest } from '../../shared/storage/records.ts';
import { putSnapshot } from '../../shared/storage/snapshot.ts';
import { makeDocxBomb } from '../support/bombs.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const registry: Registry = {
  deadlines: { ...LEGAL_DEADLINES },
  respectRobots: true,
  allowHosts: [],
  recipients: [],
  agencies: [
    { id: 'bomb', name: '甲局', level: 'county-department', region: ['河南省'], listUrls: ['http://a.gov.cn/'] },
    {
      id: 'gfdy',
      name: '卢氏县国防动员办公室',
      level: 'county-department',
      region: ['河南省'],
      listUrls: ['http://b.gov.cn/'],
    },
  ],
};

let dir: string;
let store: FileSystemStore;
const rawKeys: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'nianbao-poisoned-'));
  store = new FileSystemStore(dir);
  const docs = {
    bomb: makeDocxBomb(100, 'paragraphs'),
    gfdy: readFileSync(new URL('../../demo/sites/lushi-gfdy-2023.docx', import.meta.url)),
  };
  for (const [agencyId, bytes] of Object.entries(docs)) {
    const { key } = await putSnapshot(store, {
      year: 2023,
      agencyId,
      bytes,
      ext: 'docx',
      meta: {
        url: `http://${agencyId}.gov.cn/report.docx`,
        pageUrl: `http://${agencyId}.gov.cn/art/1.html`,
        title: '2023年政府信息公开工作年度报告',
        fetchedAt: '2024-01-20T02:00:00.000Z',
        publishDate: '2024-01-20T10:00:00+08:00',
        publishDateSource: 'meta-pubdate',
        otherDates: [],
        contentType: DOCX,
        charset: null,
        headers: {},
      },
    });
    rawKeys[agencyId] = key;
  }
  const manifest: RunManifest = {
    runId: 'run1',
    year: 2023,
    startedAt: '2024-01-20T02:00:00.000Z',
    finishedAt: '2024-01-20T02:10:00.000Z',
    outcomes: Object.keys(docs).map((agencyId) => ({
      agencyId,
      year: 2023,
      status: 'found',
      snapshots: [rawKeys[agencyId] as string],
      findings: [],
      pagesFetched: 2,
    })),
  };
  await putJson(store, keys.run('run1'), manifest);
}, 60_000);

afterAll(async () => {
  await stopParseSandbox();
  await rm(dir, { recursive: true, force: true });
});

describe('a stored decompression bomb', () => {
  it('is recorded once as 无法解析 and not parsed again by a later run', async () => {
    const first = await processSnapshot(store, rawKeys.bomb as string, { now: () => new Date('2024-01-20T02:05:00Z') });
    expect(first.report).toBeNull();
    expect(first.findings.map((f) => f.rule)).toEqual(['extract.parse-failed']);
    expect(first.findings[0]?.message).toMatch(/^无法解析该文件：DOCX 中的 word\/document\.xml 解压后 100 MB/);
    // A later run finds the stored result (same parser version) and leaves it as it was.
    const later = await processSnapshot(store, rawKeys.bomb as string, { now: () => new Date('2024-01-27T02:05:00Z') });
    expect(later.parsedAt).toBe(first.parsedAt);
    const healthy = await processSnapshot(store, rawKeys.gfdy as string, {
      now: () => new Date('2024-01-20T02:06:00Z'),
    });
    expect(healthy.report?.title).toContain('年度报告');
  });

  it('costs its agency one status (无法解析), and every other agency is still assessed', async () => {
    const assessments = await updateAssessments(store, registry, 2023, '2024-02-10T10:00:00+08:00');
    const byAgency = new Map(assessments.map((a) => [a.agencyId, a]));
    expect(byAgency.size).toBe(2);
    expect(byAgency.get('bomb')?.status).toBe('unparseable');
    expect(byAgency.get('gfdy')?.status).not.toBe('unparseable');
  });
});
