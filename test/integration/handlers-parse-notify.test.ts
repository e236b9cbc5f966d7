/**
 * The parse and notify handlers, invoked in-process with real S3 and Scheduler event shapes against
 * s3rver (the bucket) and aws-ses-v2-local (SES) on loopback.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3Event } from 'aws-lambda';
import sesLocal from 'aws-ses-v2-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_ENV } from '../../shared/config/config.ts';
import { keys } from '../../shared/storage/keys.ts';
import { getJson, putJson } from '../../shared/storage/port.ts';
import type { ReportResult, RunManifest } from '../../shared/storage/records.ts';
import { type PutSnapshotResult, putSnapshot } from '../../shared/storage/snapshot.ts';
import { type HandlerEnvironment, loadEvent, reportPage, useHandlerEnvironment } from '../support/handler-harness.ts';

type StartSes = (config: { host: string; port: number }) => Promise<Server>;
// A CommonJS module with `exports.default`: take whichever export is callable.
const startSes = (
  typeof sesLocal === 'function' ? sesLocal : (sesLocal as unknown as { default: StartSes }).default
) as StartSes;

interface StoredEmail {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { filename?: string; contentType: string }[];
}

let env: HandlerEnvironment;
let ses: Server;
let sesEndpoint: string;
let parse: typeof import('../../functions/parse.ts');
let notify: typeof import('../../functions/notify.ts');
type NotifyResult = import('../../functions/notify.ts').NotifyResult;
type PrepareResult = import('../../functions/notify.ts').PrepareResult;
type ShardWorkResult = import('../../shared/pipeline/weekly-notify.ts').ShardWorkResult;
let snapshot: PutSnapshotResult;

/** An S3 event fixture pointed at `key` (URL-encoded as S3 sends it). */
function s3Event(fixture: string, key: string): S3Event {
  const event = loadEvent<S3Event>(fixture);
  const record = event.Records[0];
  if (!record) throw new Error(`${fixture} has no records`);
  record.s3.object.key = encodeURIComponent(key).replaceAll('%2F', '/');
  return event;
}

async function sentEmails(): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

beforeAll(async () => {
  ses = await startSes({ host: '127.0.0.1', port: 0 });
  sesEndpoint = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
  env = await useHandlerEnvironment({
    AWS_ENDPOINT_URL_SES: sesEndpoint,
    [CONFIG_ENV.mailer]: 'ses',
    [CONFIG_ENV.sesIdentity]: 'example.org',
    [CONFIG_ENV.mailFrom]: '年报监测 <digest@example.org>',
    [CONFIG_ENV.siteUrl]: 'https://nianbao.example.org',
  });
  // What the fetch worker leaves behind: raw bytes, then their metadata.
  snapshot = await putSnapshot(env.store, {
    year: 2024,
    agencyId: 'lushi-gov',
    bytes: new TextEncoder().encode(reportPage('卢氏县人民政府')),
    ext: 'html',
    meta: {
      url: `${env.siteOrigin}/lushi-gov/2024.html`,
      pageUrl: `${env.siteOrigin}/lushi-gov/2024.html`,
      title: '卢氏县人民政府2024年政府信息公开工作年度报告',
      fetchedAt: '2025-04-06T18:00:03.000Z',
      publishDate: '2025-01-20T00:00:00+08:00',
      publishDateSource: 'page-text',
      otherDates: [],
      contentType: 'text/html; charset=utf-8',
      charset: 'utf-8',
      headers: {},
    },
  });
  parse = await import('../../functions/parse.ts');
  notify = await import('../../functions/notify.ts');
});

afterAll(async () => {
  await env?.close();
  await new Promise<void>((resolve) => ses?.close(() => resolve()));
});

describe('parse (S3 ObjectCreated under raw/)', () => {
  it('parses a new raw snapshot into results/', async () => {
    const summary = await parse.handler(s3Event('s3-put-raw.json', snapshot.key));

    expect(summary).toEqual({ parsed: [snapshot.key], skipped: [] });
    const result = await getJson<ReportResult>(env.store, keys.result(2024, 'lushi-gov', snapshot.sha256));
    expect(result).toMatchObject({ agencyId: 'lushi-gov', year: 2024, rawKey: snapshot.key });
    expect(result?.report).not.toBeNull();
  });

  it('parses the snapshot a .meta.json event describes, idempotently', async () => {
    const resultKey = keys.result(2024, 'lushi-gov', snapshot.sha256);
    const before = await getJson<ReportResult>(env.store, resultKey);

    const summary = await parse.handler(s3Event('s3-put-meta.json', snapshot.metaKey));

    expect(summary.parsed).toEqual([snapshot.key]);
    const after = await getJson<ReportResult>(env.store, resultKey);
    expect(after?.parsedAt).toBe(before?.parsedAt);
  });

  it('waits for the metadata when the raw bytes arrive first', async () => {
    const sha = 'a'.repeat(64);
    const rawKey = keys.raw(2024, 'lushi-fgw', sha, 'html');
    await env.store.put(rawKey, '<html><body>尚无元数据</body></html>');

    const summary = await parse.handler(s3Event('s3-put-raw.json', rawKey));

    expect(summary.parsed).toEqual([]);
    expect(summary.skipped).toEqual([{ key: rawKey, reason: expect.stringMatching(/metadata/) }]);
    expect(await env.store.has(keys.result(2024, 'lushi-fgw', sha))).toBe(false);
  });

  it('ignores keys outside raw/ (its own results never trigger it again)', async () => {
    const resultKey = keys.result(2024, 'lushi-gov', snapshot.sha256);
    const summary = await parse.handler(s3Event('s3-put-raw.json', resultKey));
    expect(summary).toEqual({ parsed: [], skipped: [{ key: resultKey, reason: 'not a raw snapshot key' }] });
  });
});

describe('notify (weekly schedule)', () => {
  it('folds run parts, assesses, mails the digest through SES and regenerates the site', async () => {
    // Two fetch jobs of one run, as two workers left them.
    const part = (agencyId: string, outcome: Partial<RunManifest['outcomes'][number]>, finishedAt: string) => ({
      runId: 'weekly-20250406T180000Z',
      year: 2024,
      startedAt: '2025-04-06T18:00:01.000Z',
      finishedAt,
      outcomes: [
        { agencyId, year: 2024, status: 'not-found', snapshots: [], findings: [], pagesFetched: 1, ...outcome },
      ],
    });
    await putJson(
      env.store,
      'run-parts/weekly-20250406T180000Z/00001.json',
      part('lushi-gov', { status: 'found', snapshots: [snapshot.key] }, '2025-04-06T18:00:04.000Z'),
    );
    await putJson(
      env.store,
      'run-parts/weekly-20250406T180000Z/00002.json',
      part('lushi-fgw', {}, '2025-04-06T18:00:09.000Z'),
    );

    const result = (await notify.handler(loadEvent('scheduler-weekly-digest.json'))) as NotifyResult;

    expect(result).toMatchObject({ isoWeek: '2025-W15', year: 2024, assessed: 2, sent: 1, skipped: 0 });
    const manifest = await getJson<RunManifest>(env.store, keys.run('weekly-20250406T180000Z'));
    expect(manifest).toMatchObject({ startedAt: '2025-04-06T18:00:01.000Z', finishedAt: '2025-04-06T18:00:09.000Z' });
    expect(manifest?.outcomes.map((o) => [o.agencyId, o.status])).toEqual([
      ['lushi-gov', 'found'],
      ['lushi-fgw', 'not-found'],
    ]);
    expect(await env.store.list('run-parts/')).toEqual([]);
    const emails = await sentEmails();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.destination.to.join(',')).toContain('lushi-watch@example.org');
    expect(emails[0]?.from).toContain('digest@example.org');
    expect(emails[0]?.subject).toMatch(/年报/);
    expect(emails[0]?.body.html).toContain('卢氏县发展和改革委员会');
    expect(emails[0]?.attachments.map((a) => a.filename)).toEqual([
      expect.stringMatching(/^年报问题清单.*\.csv$/),
      expect.stringMatching(/^年报机关状态.*\.csv$/),
      expect.stringMatching(/^年报监测.*\.xlsx$/),
    ]);
    expect(await env.store.has(keys.digest('2025-W15'))).toBe(true);
    expect(result.sitePages).toBeGreaterThan(0);
    expect((await env.store.list('site/')).length).toBeGreaterThan(0);
  });

  it('does not send the same week twice when the schedule retries', async () => {
    const result = await notify.handler(loadEvent('scheduler-weekly-digest.json'));
    expect(result).toMatchObject({ sent: 0, skipped: 1 });
    expect(await sentEmails()).toHaveLength(1);
  });

  it('runs in the phases of the state machine: prepare, a worker per shard group, publish', async () => {
    // The next week: lushi-gov's site is down.
    await putJson(env.store, 'run-parts/weekly-20250413T180000Z/00001.json', {
      runId: 'weekly-20250413T180000Z',
      year: 2024,
      startedAt: '2025-04-13T18:00:01.000Z',
      finishedAt: '2025-04-13T18:00:05.000Z',
      outcomes: [
        {
          agencyId: 'lushi-gov',
          year: 2024,
          status: 'unreachable',
          error: '连接超时',
          snapshots: [],
          findings: [],
          pagesFetched: 0,
        },
        // Fetched as the week before: its fetch log's open stretch just lasts longer (page unchanged).
        { agencyId: 'lushi-fgw', year: 2024, status: 'not-found', snapshots: [], findings: [], pagesFetched: 1 },
      ],
    });
    const event = { ...(loadEvent('scheduler-weekly-digest.json') as object), scheduledTime: '2025-04-14T00:00:00Z' };
    // The state machine stopped waiting for the fetch with 3 jobs left (infra/stack.ts FetchDrained).
    const fetchQueue = { waiting: 2, inFlight: 1 };
    const prepared = (await notify.handler({ ...event, fetchQueue, phase: 'prepare' })) as PrepareResult;
    expect(prepared.fetchQueue).toEqual(fetchQueue);
    expect(prepared.groups).toHaveLength(16);
    expect(prepared.groups.flatMap((g) => g.shards)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(await env.store.list('run-parts/')).toEqual([]);

    const workers = (await Promise.all(
      prepared.groups.map((group) => notify.handler({ ...prepared, phase: 'shards', shards: group.shards })),
    )) as ShardWorkResult[];
    // Only the agency whose outcome changed is assessed and rendered again.
    expect(workers.reduce((sum, w) => sum + w.assessment.assessed, 0)).toBe(1);
    expect(workers.reduce((sum, w) => sum + w.site.agenciesRendered, 0)).toBe(1);

    const published = (await notify.handler({ ...prepared, phase: 'publish' })) as NotifyResult;
    expect(published).toMatchObject({ isoWeek: '2025-W16', sent: 1, agencyPagesRendered: 0 });
    const page = new TextDecoder().decode(await env.store.get('site/agency/lushi-gov.html'));
    expect(page).toContain('无法访问');
    const emails = await sentEmails();
    expect(emails).toHaveLength(2);
    // The week's digest says its fetch had not finished, in the HTML and the plain text.
    const latest = emails.at(-1);
    for (const body of [latest?.body.html, latest?.body.text]) {
      expect(body).toContain('本周抓取尚未全部完成（仍有 3 个抓取任务在排队或运行）');
    }
    expect(emails[0]?.body.html).not.toContain('本周抓取尚未全部完成');
  });
});
