/**
 * The planner, the fetch worker and the rescan endpoint, invoked in-process with real event shapes
 * (test/fixtures/events) against s3rver (the bucket) and a loopback site. SQS is the one AWS part
 * without a local server here: its client is replaced with aws-sdk-client-mock, and the tests read
 * the messages the handlers sent from the mock.
 */
import { createHash } from 'node:crypto';
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FetchJob, jobAgencyIds } from '../../functions/common/fetch-jobs.ts';
import { signRescanRequest } from '../../scripts/rescan.ts';
import { keys, parseRawKey } from '../../shared/storage/keys.ts';
import { getJson } from '../../shared/storage/port.ts';
import type { RunManifest, SnapshotMeta } from '../../shared/storage/records.ts';
import { type HandlerEnvironment, loadEvent, QUEUE_URL, useHandlerEnvironment } from '../support/handler-harness.ts';

type Handlers = {
  plan: typeof import('../../functions/plan.ts');
  worker: typeof import('../../functions/fetch-worker.ts');
  rescan: typeof import('../../functions/rescan-http.ts');
};

const sqs = mockClient(SQSClient);
let env: HandlerEnvironment;
let handlers: Handlers;

/** Plenty of Lambda time left, as at the start of an invocation. */
const freshContext = { getRemainingTimeInMillis: () => 600_000 };

function sentEntries(): SendMessageBatchRequestEntry[] {
  return sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => (call.args[0].input as SendMessageBatchCommandInput).Entries ?? []);
}

function sentJobs(): FetchJob[] {
  return sentEntries().map((entry) => JSON.parse(entry.MessageBody ?? '') as FetchJob);
}

/** Each FIFO entry's group is its job's host and its deduplication id its run and job id. */
function expectFifoIdsOfJobs(): void {
  const entries = sentEntries();
  expect(entries.length).toBeGreaterThan(0);
  for (const entry of entries) {
    const job = JSON.parse(entry.MessageBody ?? '') as FetchJob;
    expect(entry.MessageGroupId).toBe(job.host);
    expect(entry.MessageDeduplicationId).toBe(`${job.runId}/${job.jobId}`);
  }
}

beforeAll(async () => {
  env = await useHandlerEnvironment();
  // Imported after the environment is set: handlers read their config at module load.
  handlers = {
    plan: await import('../../functions/plan.ts'),
    worker: await import('../../functions/fetch-worker.ts'),
    rescan: await import('../../functions/rescan-http.ts'),
  };
});

afterAll(async () => {
  sqs.restore();
  await env?.close();
});

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((entry) => ({
      Id: entry.Id,
      MessageId: `m-${entry.Id}`,
      MD5OfMessageBody: '',
    })),
    Failed: [],
  }));
});

describe('plan (EventBridge Scheduler event)', () => {
  it('enqueues one job per host with a run id derived from the scheduled time', async () => {
    const result = await handlers.plan.handler(loadEvent('scheduler-weekly-fetch.json'));

    expect(result).toEqual({ runId: 'weekly-20250406T180000Z', year: 2024, agencies: 3, jobs: 2 });
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.QueueUrl).toBe(QUEUE_URL);
    const jobs = sentJobs();
    const port = new URL(env.siteOrigin).port;
    expect(jobs.map((job) => [job.host, jobAgencyIds(job)])).toEqual([
      [`127.0.0.1:${port}`, ['lushi-gov', 'lushi-fgw']],
      [`localhost:${port}`, ['mianchi-gov']],
    ]);
    expect(new Set(jobs.map((job) => job.runId))).toEqual(new Set(['weekly-20250406T180000Z']));
    expect(jobs.every((job) => job.trigger === 'schedule' && job.year === 2024)).toBe(true);
    // FIFO: one message group per host, so no two workers ever hold jobs of one host at once.
    expect(sentEntries().map((entry) => entry.MessageGroupId)).toEqual([`127.0.0.1:${port}`, `localhost:${port}`]);
    expectFifoIdsOfJobs();
  });

  it('gives a retried invocation of the same schedule slot the same run id and deduplication ids', async () => {
    const first = await handlers.plan.handler(loadEvent('scheduler-weekly-fetch.json'));
    const firstIds = sentEntries().map((entry) => entry.MessageDeduplicationId);
    sqs.resetHistory();
    const second = await handlers.plan.handler(loadEvent('scheduler-weekly-fetch.json'));
    expect(second.runId).toBe(first.runId);
    // SQS drops the retry's messages within its 5-minute deduplication window.
    expect(sentEntries().map((entry) => entry.MessageDeduplicationId)).toEqual(firstIds);
    expect(new Set(firstIds).size).toBe(2);
  });

  it('rejects an event that is not the schedule input', async () => {
    await expect(handlers.plan.handler({ source: 'aws.events', detail: {} })).rejects.toThrow(/source/);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});

describe('fetch worker (SQS FIFO batch, message group = host)', () => {
  const FIFO_BATCH = 'sqs-fifo-fetch-batch-one-poisoned.json';

  it('stops at the poisoned record and hands it and every later record back, as FIFO order requires', async () => {
    const event = loadEvent<SQSEvent>(FIFO_BATCH, { SITE_ORIGIN: env.siteOrigin });
    const [good1, poisoned, later] = event.Records;
    // All three are jobs of one host, i.e. one message group, in sequence-number order.
    expect(new Set(event.Records.map((r) => r.attributes.MessageGroupId))).toEqual(new Set(['127.0.0.1']));
    const hitsBefore = env.siteHits.length;

    const response = await handlers.worker.handler(event, freshContext);

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: poisoned?.messageId },
      { itemIdentifier: later?.messageId },
    ]);
    expect(good1).toBeTruthy();
    // Only the job before the failure ran: the later job of the same host must not overtake it.
    const partKeys = await env.store.list('run-parts/weekly-20250406T180000Z/');
    expect(partKeys).toEqual(['run-parts/weekly-20250406T180000Z/00001.json']);
    const newHits = env.siteHits.slice(hitsBefore);
    expect(newHits).toContain('/lushi-gov/2024.html');
    expect(newHits.some((hit) => hit.startsWith('/lushi-fgw/'))).toBe(false);

    const manifest = await getJson<RunManifest>(env.store, 'run-parts/weekly-20250406T180000Z/00001.json');
    expect(manifest?.outcomes.map((o) => [o.agencyId, o.status])).toEqual([['lushi-gov', 'found']]);

    // What was published is archived byte for byte, with its metadata beside it.
    const rawKey = manifest?.outcomes[0]?.snapshots[0] ?? '';
    const parts = parseRawKey(rawKey);
    expect(parts).toMatchObject({ year: 2024, agencyId: 'lushi-gov', ext: 'html' });
    const bytes = await env.store.get(rawKey);
    expect(
      createHash('sha256')
        .update(bytes ?? new Uint8Array())
        .digest('hex'),
    ).toBe(parts?.sha256);
    const meta = await getJson<SnapshotMeta>(env.store, keys.rawMeta(2024, 'lushi-gov', parts?.sha256 ?? ''));
    expect(meta?.url).toBe(`${env.siteOrigin}/lushi-gov/2024.html`);
  });

  it('runs the handed-back job once the poisoned one is out of its group (redelivered after the DLQ move)', async () => {
    const event = loadEvent<SQSEvent>(FIFO_BATCH, { SITE_ORIGIN: env.siteOrigin });
    const later = event.Records[2];
    if (!later) throw new Error('fixture has three records');
    later.attributes.ApproximateReceiveCount = '2';
    event.Records = [later];

    const response = await handlers.worker.handler(event, freshContext);

    expect(response.batchItemFailures).toEqual([]);
    expect(await env.store.list('run-parts/weekly-20250406T180000Z/')).toEqual([
      'run-parts/weekly-20250406T180000Z/00001.json',
      'run-parts/weekly-20250406T180000Z/00003.json',
    ]);
    expect(env.siteHits).toContain('/lushi-fgw/2024.html');
  });

  it('completes every record of a batch in which nothing fails', async () => {
    const event = loadEvent<SQSEvent>(FIFO_BATCH, { SITE_ORIGIN: env.siteOrigin });
    const [good1, , later] = event.Records;
    if (!good1 || !later) throw new Error('fixture has three records');
    event.Records = [good1, later];

    const response = await handlers.worker.handler(event, freshContext);

    expect(response.batchItemFailures).toEqual([]);
  });

  it('treats a job whose agency record is malformed as poisoned', async () => {
    const event = loadEvent<SQSEvent>(FIFO_BATCH, { SITE_ORIGIN: env.siteOrigin });
    const record = event.Records[0];
    if (!record) throw new Error('fixture has no records');
    record.body = record.body.replace('"level":"county-government"', '"level":"village"');
    const hitsBefore = env.siteHits.length;

    const response = await handlers.worker.handler(event, freshContext);

    // The first record fails, so the whole batch goes back, unprocessed after it.
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(event.Records.map((r) => r.messageId));
    expect(env.siteHits.length).toBe(hitsBefore);
  });

  it('carries its agencies in the message and needs no registry', async () => {
    const event = loadEvent<SQSEvent>(FIFO_BATCH, { SITE_ORIGIN: env.siteOrigin });
    const record = event.Records[2];
    if (!record) throw new Error('fixture has three records');
    const job = JSON.parse(record.body) as FetchJob;
    // An agency the registry does not list: what the planner put in the message is what is fetched.
    const off = { ...(job.agencies[0] as FetchJob['agencies'][number]), id: 'not-in-registry' };
    record.body = JSON.stringify({ ...job, runId: 'no-registry', agencies: [off] });
    const saved = await env.store.get('config/registry.yaml');
    await env.store.delete('config/registry.yaml');
    try {
      const response = await handlers.worker.handler({ Records: [record] }, freshContext);
      expect(response.batchItemFailures).toEqual([]);
    } finally {
      if (saved) await env.store.put('config/registry.yaml', saved);
    }
    const manifest = await getJson<RunManifest>(env.store, 'run-parts/no-registry/00003.json');
    expect(manifest?.outcomes.map((o) => [o.agencyId, o.status])).toEqual([['not-in-registry', 'found']]);
    // The level the parser needs travels in the snapshot metadata.
    const rawKey = manifest?.outcomes[0]?.snapshots[0] ?? '';
    const metaKey = rawKey.replace(/\.[a-z0-9]+$/, '.meta.json');
    expect((await getJson<SnapshotMeta>(env.store, metaKey))?.agencyLevel).toBe('county-department');
  });

  it('hands the agencies it has no time to start on to a continuation job of the same host', async () => {
    const event = loadEvent<SQSEvent>(FIFO_BATCH, { SITE_ORIGIN: env.siteOrigin });
    const record = event.Records[0];
    const other = event.Records[2];
    if (!record || !other) throw new Error('fixture has three records');
    const job = JSON.parse(record.body) as FetchJob;
    const second = (JSON.parse(other.body) as FetchJob).agencies[0] as FetchJob['agencies'][number];
    record.body = JSON.stringify({ ...job, runId: 'handed-on', agencies: [...job.agencies, second] });
    // Time for the first agency only: the batch check and the first agency see 155 s left, the second 100 s.
    let calls = 0;
    const context = { getRemainingTimeInMillis: () => (calls++ < 2 ? 155_000 : 100_000) };
    const hitsBefore = env.siteHits.length;

    const response = await handlers.worker.handler({ Records: [record] }, context);

    expect(response.batchItemFailures).toEqual([]);
    expect(env.siteHits.slice(hitsBefore)).toContain('/lushi-gov/2024.html');
    const [continuation] = sentJobs();
    expect(continuation).toMatchObject({ runId: 'handed-on', jobId: '00001.1', host: job.host });
    expect(continuation && jobAgencyIds(continuation)).toEqual(['lushi-fgw']);
    expect(sentEntries()[0]?.MessageGroupId).toBe(job.host);
    const part = await getJson<RunManifest & { notDone?: { agencyIds: string[] } }>(
      env.store,
      'run-parts/handed-on/00001.json',
    );
    expect(part?.outcomes.map((o) => o.agencyId)).toEqual(['lushi-gov']);
    expect(part?.notDone?.agencyIds).toEqual(['lushi-fgw']);
  });

  it('hands every record back untouched when the invocation is nearly out of time', async () => {
    const event = loadEvent<SQSEvent>(FIFO_BATCH, { SITE_ORIGIN: env.siteOrigin });
    const hitsBefore = env.siteHits.length;

    const response = await handlers.worker.handler(event, { getRemainingTimeInMillis: () => 30_000 });

    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(event.Records.map((r) => r.messageId));
    expect(env.siteHits.length).toBe(hitsBefore);
  });
});

describe('rescan endpoint (Function URL, AWS_IAM)', () => {
  const credentials = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
  const functionUrl = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-east-1.on.aws/';
  const signingDate = new Date('2025-04-07T01:02:03Z');

  /** The event Lambda would hand over for a request that passed IAM auth: signed headers and body. */
  async function signedEvent(body: object): Promise<APIGatewayProxyEventV2> {
    const signed = await signRescanRequest({ url: functionUrl, body, credentials, signingDate });
    const event = loadEvent<APIGatewayProxyEventV2>('function-url-rescan-iam.json');
    event.headers = {
      ...event.headers,
      ...Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
    };
    event.body = signed.body;
    return event;
  }

  it('signs for the lambda service in the URL region, over the exact body sent', async () => {
    const signed = await signRescanRequest({
      url: functionUrl,
      body: { agencyIds: ['lushi-gov'] },
      credentials,
      signingDate,
    });
    const authorization = signed.headers.authorization ?? '';
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20250407\/ap-east-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(signed.headers['x-amz-date']).toBe('20250407T010203Z');
    // Deterministic: the same request signs the same; a different body signs differently, so the
    // body the handler receives is the body that was authorised.
    const again = await signRescanRequest({
      url: functionUrl,
      body: { agencyIds: ['lushi-gov'] },
      credentials,
      signingDate,
    });
    expect(again.headers.authorization).toBe(authorization);
    const tampered = await signRescanRequest({
      url: functionUrl,
      body: { agencyIds: ['lushi-fgw'] },
      credentials,
      signingDate,
    });
    expect(tampered.headers.authorization).not.toBe(authorization);
  });

  it('answers 202 with a run id and enqueues the agencies of a signed request', async () => {
    const response = await handlers.rescan.handler(await signedEvent({ agencyIds: ['lushi-gov'], year: 2024 }));

    expect(response.statusCode).toBe(202);
    const body = JSON.parse(response.body ?? '{}') as { runId: string; agencies: number; jobs: number; year: number };
    expect(body).toMatchObject({ year: 2024, agencies: 1, jobs: 1 });
    expect(body.runId).toMatch(/^rescan-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(sentJobs()).toEqual([
      expect.objectContaining({
        runId: body.runId,
        agencies: [expect.objectContaining({ id: 'lushi-gov' })],
        trigger: 'rescan',
      }),
    ]);
    // Same FIFO queue as the weekly plan: a rescan of a host waits behind that host's weekly jobs.
    expect(sentEntries().map((entry) => entry.MessageGroupId)).toEqual([`127.0.0.1:${new URL(env.siteOrigin).port}`]);
    expectFifoIdsOfJobs();
  });

  it('enqueues a whole region', async () => {
    const response = await handlers.rescan.handler(await signedEvent({ region: '河南省/三门峡市/卢氏县' }));
    expect(response.statusCode).toBe(202);
    expect(sentJobs().flatMap(jobAgencyIds)).toEqual(['lushi-gov', 'lushi-fgw']);
  });

  it('accepts a base64-encoded body, as Lambda passes non-text content types', async () => {
    const event = await signedEvent({ agencyIds: ['lushi-fgw'] });
    event.body = Buffer.from(event.body ?? '').toString('base64');
    event.isBase64Encoded = true;
    expect((await handlers.rescan.handler(event)).statusCode).toBe(202);
  });

  it.each([
    ['an empty request', {}, /agencyIds/],
    ['unknown agency ids', { agencyIds: ['lushi-gov', 'nope'] }, /nope/],
    ['a year as text', { agencyIds: ['lushi-gov'], year: '2024' }, /year/],
    ['an unknown field', { agencyIds: ['lushi-gov'], all: true }, /all/],
    ['a region with no agency', { region: '河北省' }, /没有符合条件/],
  ])('answers 400 for %s and enqueues nothing', async (_name, body, message) => {
    const response = await handlers.rescan.handler(await signedEvent(body));
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(message);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const event = await signedEvent({});
    event.body = '{"agencyIds": [';
    expect((await handlers.rescan.handler(event)).statusCode).toBe(400);
  });

  it('refuses a request that reached it without an IAM caller (URL auth misconfigured)', async () => {
    // With AuthType AWS_IAM, Lambda itself answers 403 to an unsigned request before any code runs;
    // this is the handler's own second line, for a URL switched to NONE by mistake.
    const response = await handlers.rescan.handler(loadEvent('function-url-rescan-unsigned.json'));
    expect(response.statusCode).toBe(403);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
