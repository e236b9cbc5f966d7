/**
 * Handler durations, measured in-process on the fixture events against the same local stand-ins as
 * the handler tests (s3rver as the bucket, a loopback site, aws-ses-v2-local; SQS mocked). These are
 * the figures the README's cost estimate starts from; what they leave out (network latency to real
 * sites, S3 latency) is stated there.
 *
 * The planner is measured on a generated registry of 10,000 agencies on 500 hosts.
 */

import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import type { S3Event, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import sesLocal from 'aws-ses-v2-local';
import type { FetchJob } from '../functions/common/fetch-jobs.ts';
import { CONFIG_ENV } from '../shared/config/config.ts';
import { putJson } from '../shared/storage/port.ts';
import type { RunManifest } from '../shared/storage/records.ts';
import { putSnapshot } from '../shared/storage/snapshot.ts';
import { BUCKET, loadEvent, reportPage, useHandlerEnvironment } from '../test/support/handler-harness.ts';

type StartSes = (config: { host: string; port: number }) => Promise<Server>;
const startSes = (
  typeof sesLocal === 'function' ? sesLocal : (sesLocal as unknown as { default: StartSes }).default
) as StartSes;

const RUNS = 3;

/** Wall and CPU time of one call. CPU (this process, so s3rver's share included) is the steadier figure on a busy machine. */
async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await task();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
}

async function best<T>(
  runs: number,
  task: () => Promise<T>,
): Promise<{ ms: number; cpuMs: number; all: number[]; value: T }> {
  const results: { ms: number; cpuMs: number; value: T }[] = [];
  for (let i = 0; i < runs; i++) results.push(await timed(task));
  const all = results.map((r) => r.ms);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  return {
    ms: median(all),
    cpuMs: median(results.map((r) => r.cpuMs)),
    all,
    value: (results.at(-1) as { value: T }).value,
  };
}

function s3Event(key: string): S3Event {
  const event = loadEvent<S3Event>('s3-put-raw.json');
  const record = event.Records[0];
  if (record) record.s3.object.key = key;
  return event;
}

function bigRegistry(agencies: number, hosts: number): string {
  const lines = ['respectRobots: true', 'agencies:'];
  for (let i = 0; i < agencies; i++) {
    lines.push(
      `  - id: agency-${i}`,
      `    name: 第${i}号机关`,
      '    level: county-department',
      `    region: 河南省/市${i % 17}/县${i % hosts}`,
      `    listUrls: ["https://www${i % hosts}.example.gov.cn/xxgk/nb/"]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const line = (name: string, run: { ms: number; cpuMs: number }, note: string) =>
  console.log(
    `${name.padEnd(34)} ${`${run.ms.toFixed(0)} ms`.padStart(9)} ${`cpu ${run.cpuMs.toFixed(0)} ms`.padStart(12)}  ${note}`,
  );

export async function run(): Promise<void> {
  const ses = await startSes({ host: '127.0.0.1', port: 0 });
  const env = await useHandlerEnvironment({
    AWS_ENDPOINT_URL_SES: `http://127.0.0.1:${(ses.address() as AddressInfo).port}`,
    [CONFIG_ENV.mailer]: 'ses',
    [CONFIG_ENV.sesIdentity]: 'example.org',
    [CONFIG_ENV.mailFrom]: 'digest@example.org',
  });
  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm', MD5OfMessageBody: '' })),
    Failed: [],
  }));
  try {
    const rssBefore = process.memoryUsage().rss;
    const plan = await import('../functions/plan.ts');
    const worker = await import('../functions/fetch-worker.ts');
    const parse = await import('../functions/parse.ts');
    const notify = await import('../functions/notify.ts');
    console.log(
      `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores; median of ${RUNS} invocations where repeated; S3 = s3rver on loopback, SQS mocked`,
    );

    // Worker: one job, 2 agencies on one loopback host, the client's default 1 s per-host delay.
    const batch = loadEvent<SQSEvent>('sqs-fetch-batch-one-poisoned.json', { SITE_ORIGIN: env.siteOrigin });
    const first = JSON.parse(batch.Records[0]?.body ?? '{}') as FetchJob;
    const third = JSON.parse(batch.Records[2]?.body ?? '{}') as FetchJob;
    const oneJob: SQSEvent = {
      Records: [
        {
          ...(batch.Records[0] as SQSEvent['Records'][number]),
          body: JSON.stringify({ ...first, agencies: [...first.agencies, ...third.agencies] }),
        },
      ],
    };
    const context = { getRemainingTimeInMillis: () => 600_000 };
    const fetchRuns = await best(RUNS, () => worker.handler(oneJob, context));
    const hits = env.siteHits.length / RUNS; // the fixture site counts every request it answers
    line(
      'fetch worker: 1 job × 2 agencies',
      fetchRuns,
      `${hits.toFixed(0)} requests to one host per run; runs ${fetchRuns.all.map((m) => m.toFixed(0)).join('/')} ms`,
    );

    // Parse: an HTML report and a PDF report (cold parse, then idempotent repeats).
    const html = await putSnapshot(env.store, {
      year: 2024,
      agencyId: 'lushi-gov',
      bytes: new TextEncoder().encode(`${reportPage('卢氏县人民政府')}<!-- bench -->`),
      ext: 'html',
      meta: snapshotMeta(env.siteOrigin, 'text/html; charset=utf-8'),
    });
    const pdfBytes = new Uint8Array(readFileSync(path.join(import.meta.dirname, '../demo/sites/lushi-gxkj-2023.pdf')));
    const pdf = await putSnapshot(env.store, {
      year: 2023,
      agencyId: 'lushi-gxkj',
      bytes: pdfBytes,
      ext: 'pdf',
      meta: snapshotMeta(env.siteOrigin, 'application/pdf'),
    });
    const parseHtml = await timed(() => parse.handler(s3Event(html.key)));
    const parsePdf = await timed(() => parse.handler(s3Event(pdf.key)));
    const parseAgain = await best(RUNS, () => parse.handler(s3Event(pdf.key)));
    line('parse: new HTML report', parseHtml, `${(html.meta.byteLength / 1024).toFixed(0)} KB`);
    line(
      'parse: new PDF report',
      parsePdf,
      `${(pdfBytes.length / 1024).toFixed(0)} KB, ${'first PDF in the process (pdfjs load included)'}`,
    );
    line('parse: same snapshot again (no-op)', parseAgain, 'idempotent: one GET of the stored result');

    // Notify: two agencies assessed, one digest sent, the site regenerated.
    const manifest: RunManifest = {
      runId: 'bench',
      year: 2024,
      startedAt: '2025-04-06T18:00:01.000Z',
      finishedAt: '2025-04-06T18:00:04.000Z',
      outcomes: [
        { agencyId: 'lushi-gov', year: 2024, status: 'found', snapshots: [html.key], findings: [], pagesFetched: 1 },
        { agencyId: 'lushi-fgw', year: 2024, status: 'not-found', snapshots: [], findings: [], pagesFetched: 1 },
      ],
    };
    await putJson(env.store, 'run-parts/bench/00001.json', manifest);
    const notifyRun = await timed(
      async () =>
        (await notify.handler(
          loadEvent('scheduler-weekly-digest.json'),
        )) as import('../functions/notify.ts').NotifyResult,
    );
    line('notify: 2 agencies, 1 mail, site', notifyRun, `${notifyRun.value.sitePages} site pages`);

    // Planner on 10,000 agencies: registry download + validation + planning + 10-message batches.
    await env.s3.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'config/registry.yaml', Body: bigRegistry(10_000, 500) }),
    );
    sqs.resetHistory();
    const planRun = await best(RUNS, () => plan.handler(loadEvent('scheduler-weekly-fetch.json')));
    const batches = sqs.commandCalls(SendMessageBatchCommand).length / RUNS;
    line(
      'plan: 10,000 agencies on 500 hosts',
      planRun,
      `${planRun.value.jobs} jobs in ${batches} SendMessageBatch calls (SQS mocked: add ~${batches} × SQS latency)`,
    );

    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      `peak RSS of this process: ${maxRssMb.toFixed(0)} MB (started at ${(rssBefore / 1024 / 1024).toFixed(0)} MB, handlers + s3rver + SES stand-in together)`,
    );
  } finally {
    sqs.restore();
    await env.close();
    await new Promise<void>((resolve) => ses.close(() => resolve()));
  }
}

function snapshotMeta(origin: string, contentType: string) {
  return {
    url: `${origin}/bench`,
    pageUrl: `${origin}/bench`,
    title: '2024年政府信息公开工作年度报告',
    fetchedAt: '2025-04-06T18:00:03.000Z',
    publishDate: null,
    publishDateSource: null,
    otherDates: [],
    contentType,
    charset: null,
    headers: {},
  };
}
