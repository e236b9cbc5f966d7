/**
 * updateAssessments over a real FileSystemStore (temp folder) with hand-written manifests, snapshots
 * and results: history across runs (edit, removal), fallback to an earlier report when the site is
 * down, and agencies no run has covered.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEGAL_DEADLINES } from '../../shared/compliance/deadline.ts';
import type { AgencyYearState } from '../../shared/compliance/status.ts';
import { updateAssessments } from '../../shared/compliance/update.ts';
import type { Registry } from '../../shared/registry/agency.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { keys } from '../../shared/storage/keys.ts';
import { getJson, putJson } from '../../shared/storage/port.ts';
import type { AgencyRunOutcome, ReportResult, RunManifest } from '../../shared/storage/records.ts';
import { putSnapshot } from '../../shared/storage/snapshot.ts';

const registry: Registry = {
  deadlines: { ...LEGAL_DEADLINES },
  respectRobots: true,
  allowHosts: [],
  recipients: [],
  agencies: [
    { id: 'a', name: '甲局', level: 'county-department', region: ['河南省'], listUrls: ['http://a.gov.cn/'] },
    { id: 'b', name: '乙局', level: 'county-department', region: ['河南省'], listUrls: ['http://b.gov.cn/'] },
    { id: 'never', name: '丙局', level: 'county-department', region: ['河南省'], listUrls: ['http://c.gov.cn/'] },
  ],
};

let dir: string;
let store: FileSystemStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'nianbao-update-'));
  store = new FileSystemStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function snapshot(agencyId: string, body: string, fetchedAt: string): Promise<string> {
  const { key, sha256 } = await putSnapshot(store, {
    year: 2024,
    agencyId,
    bytes: new TextEncoder().encode(body),
    ext: 'html',
    meta: {
      url: `http://${agencyId}.gov.cn/art/1.html`,
      pageUrl: `http://${agencyId}.gov.cn/art/1.html`,
      title: '2024年政府信息公开工作年度报告',
      fetchedAt,
      publishDate: '2025-01-20T09:00:00+08:00',
      publishDateSource: 'meta-pubdate',
      otherDates: [],
      contentType: 'text/html',
      charset: 'utf-8',
      headers: {},
    },
  });
  const result: ReportResult = {
    agencyId,
    year: 2024,
    sha256,
    rawKey: key,
    parserVersion: 'test',
    parsedAt: fetchedAt,
    report: {
      agency: null,
      year: 2024,
      title: null,
      format: 'html',
      template: '2021',
      sections: {},
      activeDisclosure: {},
      applications: {},
      reviews: {},
      labelDeviations: [],
      notes: [],
      text: body,
    },
    findings: [],
  };
  await putJson(store, keys.result(2024, agencyId, sha256), result);
  return key;
}

async function manifest(runId: string, startedAt: string, outcomes: Partial<AgencyRunOutcome>[]): Promise<void> {
  const record: RunManifest = {
    runId,
    year: 2024,
    startedAt,
    finishedAt: startedAt,
    outcomes: outcomes.map((o) => ({
      agencyId: 'a',
      year: 2024,
      status: 'found',
      snapshots: [],
      findings: [],
      pagesFetched: 1,
      ...o,
    })),
  };
  await putJson(store, keys.run(runId), record);
}

describe('updateAssessments', () => {
  it('follows edits, outages and removals across runs and writes state', async () => {
    const v1 = await snapshot('a', '<p>第一版</p>', '2025-01-21T09:00:00+08:00');
    const b1 = await snapshot('b', '<p>乙</p>', '2025-01-21T09:00:00+08:00');
    await manifest('run1', '2025-01-21T09:00:00+08:00', [
      { agencyId: 'a', snapshots: [v1] },
      { agencyId: 'b', snapshots: [b1] },
    ]);
    const first = await updateAssessments(store, registry, 2024, '2025-01-21T10:00:00+08:00');
    expect(first.map((a) => [a.agencyId, a.status])).toEqual([
      ['a', 'on-time'],
      ['b', 'on-time'],
    ]);
    expect(await store.has(keys.state(2024, 'never'))).toBe(false);

    // Week 2: a's report was replaced; b's site is down (its earlier report still counts).
    const v2 = await snapshot('a', '<p>第二版</p>', '2025-02-03T09:00:00+08:00');
    await manifest('run2', '2025-02-03T09:00:00+08:00', [
      { agencyId: 'a', snapshots: [v2] },
      { agencyId: 'b', status: 'unreachable', error: 'ECONNRESET' },
    ]);
    const second = await updateAssessments(store, registry, 2024, '2025-02-03T10:00:00+08:00');
    const a2 = second.find((a) => a.agencyId === 'a');
    expect(a2?.status).toBe('on-time');
    expect(a2?.findings.map((f) => f.rule)).toContain('compliance.report-edited');
    const b2 = second.find((a) => a.agencyId === 'b');
    expect(b2?.status).toBe('unreachable');
    expect(b2?.rawKey).toBe(b1);
    expect(b2?.detail).toContain('ECONNRESET');
    const aState = await getJson<AgencyYearState>(store, keys.state(2024, 'a'));
    expect(aState?.snapshots).toHaveLength(2);
    expect(aState?.firstSeen).toBe('2025-01-21T09:00:00+08:00');

    // Week 3: a's site answers without the report and its article URL answers 404: removed after publication.
    await manifest('run3', '2025-02-10T09:00:00+08:00', [
      {
        agencyId: 'a',
        status: 'not-found',
        recheck: { url: 'https://a/1.html', status: 404, at: '2025-02-10T01:00:00Z' },
      },
    ]);
    const third = await updateAssessments(store, registry, 2024, '2025-02-10T10:00:00+08:00');
    const a3 = third.find((a) => a.agencyId === 'a');
    expect(a3?.status).toBe('missing');
    expect(a3?.findings[0]?.rule).toBe('compliance.report-removed');
    // b was not in run3: its latest outcome (run2, unreachable) still stands.
    expect(third.find((a) => a.agencyId === 'b')?.status).toBe('unreachable');
    const aState3 = await getJson<AgencyYearState>(store, keys.state(2024, 'a'));
    expect(aState3?.removedAt).toBeDefined();
    expect(aState3?.history.map((h) => h.status)).toEqual(['on-time', 'on-time', 'missing']);
  });
});
