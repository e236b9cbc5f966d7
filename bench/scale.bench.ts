/**
 * Scale bench (issue 13): each pipeline stage at 1k / 10k / 30k / 100k / 150k agencies, each run in a
 * fresh child process so its figures are its own, printing wall, CPU, peak RSS, objects listed / read /
 * written and bytes, beside the Lambda limits that stage runs under.
 *
 * Stages are pluggable: add a `ScaleStage` to STAGES (name, the function's memory, its sizes, and a
 * `run(agencies, io)` that drives the real handler against counted stand-ins). The store and the queue
 * are counted mocks of the AWS SDK clients (aws-sdk-client-mock), so the handler's code path is the
 * deployed one, without network latency.
 *
 * `npx tsx bench/scale.bench.ts` (or `npm run bench -- scale`) runs the default sizes (about two
 * minutes); the child's V8 heap is capped at 85% of the function's memory, as Lambda's would be;
 * `--big` (or SCALE_BIG=1) adds the sizes marked big; `--stage plan` runs one stage;
 * `--sizes 1000,150000` overrides the sizes.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { NOTIFY_MEMORY_MB } from '../infra/notify-sizes.ts';
import { CONFIG_ENV } from '../shared/config/config.ts';
import { syntheticRegistryYaml } from './synthetic-registry.ts';

/** What a stage counts while it runs; the harness adds wall, CPU and peak RSS. */
export interface StageCounts {
  listed: number;
  read: number;
  written: number;
  bytesRead: number;
  bytesWritten: number;
  /** Stage-specific figures, printed after the common columns. */
  notes: string;
}

/** Counters and inputs a stage's run receives. */
export interface StageIO {
  /** The synthetic registry.yaml for this size, as the bytes S3 would return. */
  registry: Uint8Array;
  counts: StageCounts;
}

export interface ScaleStage {
  name: string;
  /** The deployed function's memory (MB) and timeout (s), printed as the limit to stay under. */
  limit: { memoryMb: number; timeoutS: number };
  sizes: number[];
  /** Sizes only run with --big. */
  bigSizes?: number[];
  run(agencies: number, io: StageIO): Promise<void>;
}

const HANDLER_ENV: Record<string, string> = {
  [CONFIG_ENV.bucketName]: 'bench-bucket',
  [CONFIG_ENV.queueUrl]: 'https://sqs.ap-east-1.amazonaws.com/000000000000/bench.fifo',
  [CONFIG_ENV.maxAgenciesPerJob]: '10',
  AWS_REGION: 'ap-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_METRICS_NAMESPACE: 'nianbao-watch',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/** S3 and SQS replaced by counting mocks: the registry is the one object, every message is measured. */
function countedAws(io: StageIO): { messages: () => { count: number; maxBytes: number; batches: number } } {
  Object.assign(process.env, HANDLER_ENV);
  const s3 = mockClient(S3Client);
  s3.on(GetObjectCommand).callsFake((input: { Key?: string }) => {
    io.counts.read++;
    if (input.Key !== 'config/registry.yaml') throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    io.counts.bytesRead += io.registry.byteLength;
    return { Body: { transformToByteArray: async () => io.registry } };
  });
  s3.on(PutObjectCommand).callsFake((input: { Body?: Uint8Array | string }) => {
    io.counts.written++;
    io.counts.bytesWritten +=
      typeof input.Body === 'string' ? Buffer.byteLength(input.Body) : (input.Body?.byteLength ?? 0);
    return {};
  });
  const sqs = mockClient(SQSClient);
  let count = 0;
  let maxBytes = 0;
  let batches = 0;
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
    batches++;
    for (const entry of input.Entries ?? []) {
      count++;
      maxBytes = Math.max(maxBytes, Buffer.byteLength(entry.MessageBody ?? ''));
    }
    const reply = {
      Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: '' })),
      Failed: [],
    };
    // The mock records every call's input; at 150,000 agencies that history alone is ~100 MB the real
    // function never holds.
    queueMicrotask(() => sqs.resetHistory());
    return reply;
  });
  return { messages: () => ({ count, maxBytes, batches }) };
}

const planStage: ScaleStage = {
  name: 'plan',
  // The issue's goal (deployed at 1,769 MB for a full vCPU, 5 min).
  limit: { memoryMb: 512, timeoutS: 60 },
  sizes: [1_000, 10_000, 30_000, 100_000, 150_000],
  async run(agencies, io) {
    const aws = countedAws(io);
    const plan = await import('../functions/plan.ts');
    const result = await plan.handler({
      source: 'nianbao.schedule',
      scheduledTime: '2025-04-06T18:00:00Z',
      year: 2024,
    });
    const sent = aws.messages();
    if (result.agencies !== agencies) throw new Error(`planned ${result.agencies} of ${agencies} agencies`);
    io.counts.notes = `${result.jobs} jobs in ${sent.batches} SendMessageBatch calls; largest message ${sent.maxBytes} B (SQS limit 262,144 B)`;
  },
};

const rescanStage: ScaleStage = {
  name: 'rescan (one region)',
  // Deployed at 1,024 MB / 60 s (256 MB, its old size, holds ~30,000 agencies).
  limit: { memoryMb: 1024, timeoutS: 60 },
  sizes: [1_000, 10_000, 30_000],
  bigSizes: [100_000, 150_000],
  async run(_agencies, io) {
    const aws = countedAws(io);
    const rescan = await import('../functions/rescan-http.ts');
    const event = JSON.parse(
      readFileSync(join(import.meta.dirname, '../test/fixtures/events/function-url-rescan-iam.json'), 'utf8'),
    ) as APIGatewayProxyEventV2;
    event.body = JSON.stringify({ region: '河南省/市3', year: 2024 });
    const response = await rescan.handler(event);
    if (response.statusCode !== 202) throw new Error(`rescan answered ${response.statusCode}: ${response.body}`);
    const body = JSON.parse(response.body ?? '{}') as { agencies: number; jobs: number };
    const sent = aws.messages();
    io.counts.notes = `${body.agencies} agencies in ${body.jobs} jobs; largest message ${sent.maxBytes} B`;
  },
};

const digestEmailStage: ScaleStage = {
  name: 'digest email',
  // Built in publish, on the Notify function (NOTIFY_MEMORY_MB, 15 min); SES refuses raw messages over 10 MB.
  limit: { memoryMb: NOTIFY_MEMORY_MB, timeoutS: 900 },
  sizes: [1_000, 10_000, 30_000],
  bigSizes: [100_000, 150_000],
  async run(agencies, io) {
    const { decodeRegistryBytes } = await import('../shared/registry/load.ts');
    const { readRegistry } = await import('../shared/registry/stream.ts');
    const { buildDigest } = await import('../shared/notify/digest.ts');
    const { composeDigestEmail, MAX_EMAIL_BYTES } = await import('../shared/notify/weekly.ts');
    const fixtures = await import('../test/support/digest-fixtures.ts');
    const registry = readRegistry(decodeRegistryBytes(io.registry));
    if (registry.agencies.length !== agencies) throw new Error(`registry has ${registry.agencies.length} agencies`);
    // Every agency assessed, its assessment one of the digest fixtures' (late, inconsistent with
    // findings, on time, missing, unreachable…) in turn: a deadline week with real-sized rows.
    const templates = fixtures.assessments();
    const assessments = registry.agencies.map((agency, i) => {
      const template = templates[i % templates.length] as (typeof templates)[number];
      return { ...template, agencyId: agency.id };
    });
    const digest = buildDigest({ registry, assessments, now: '2025-04-07T00:00:00Z' });
    const composed = await composeDigestEmail(digest, {
      from: 'digest@example.org',
      to: ['office@example.org'],
      date: new Date('2025-04-07T00:00:00Z'),
    });
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
    const attached = composed.html.includes('附件过大') ? 'some attachments linked instead' : 'all attachments sent';
    io.counts.bytesWritten = composed.raw.byteLength;
    io.counts.notes = `raw message ${mb(composed.raw.byteLength)} (cap ${mb(MAX_EMAIL_BYTES)}, SES 10 MB): ${attached}; CSV ${mb(Buffer.byteLength(composed.csv))}, status CSV ${mb(Buffer.byteLength(composed.agenciesCsv))}, workbook ${composed.workbook ? mb(composed.workbook.byteLength) : 'not built'}`;
  },
};

/** Every stage, in pipeline order. Later stages (assessment, site, notify) are added here. */
export const STAGES: ScaleStage[] = [planStage, rescanStage, digestEmailStage];

interface StageResult extends StageCounts {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  baseRssMb: number;
}

/** Child side: runs one stage at one size and prints its figures as one JSON line. */
async function child(stageName: string, agencies: number, registryFile: string): Promise<void> {
  const stage = STAGES.find((candidate) => candidate.name === stageName);
  if (!stage) throw new Error(`unknown stage ${stageName}`);
  const io: StageIO = {
    registry: new Uint8Array(readFileSync(registryFile)),
    counts: { listed: 0, read: 0, written: 0, bytesRead: 0, bytesWritten: 0, notes: '' },
  };
  const baseRssMb = process.memoryUsage().rss / 1024 / 1024;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await stage.run(agencies, io);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const result: StageResult = {
    ...io.counts,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    baseRssMb,
  };
  process.send?.(result);
}

function runChild(stage: ScaleStage, agencies: number, registryFile: string): Promise<StageResult> {
  return new Promise((resolve, reject) => {
    const worker = fork(fileURLToPath(import.meta.url), [], {
      // V8's heap capped as Lambda's memory size caps it: without a cap V8 grows the heap far past what
      // is live before collecting, and the peak RSS would say nothing about fitting the function.
      execArgv: [
        '--import',
        'tsx',
        `--max-old-space-size=${Number(process.env.SCALE_HEAP_MB) || Math.round(stage.limit.memoryMb * 0.85)}`,
      ],
      env: { ...process.env, SCALE_CHILD: JSON.stringify({ stage: stage.name, agencies, registryFile }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: StageResult | undefined;
    worker.on('message', (message) => {
      result = message as StageResult;
    });
    worker.on('error', reject);
    worker.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`${stage.name} at ${agencies} exited with ${code}`)),
    );
  });
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

export async function run(args: string[] = []): Promise<void> {
  const big = args.includes('--big') || process.env.SCALE_BIG === '1';
  const onlyStage = option(args, '--stage');
  const sizesOverride = option(args, '--sizes')?.split(',').map(Number);
  const stages = STAGES.filter((stage) => !onlyStage || stage.name.startsWith(onlyStage));
  const dir = mkdtempSync(join(tmpdir(), 'nianbao-scale-'));
  const registries = new Map<number, string>();
  const registryFile = (agencies: number): string => {
    let file = registries.get(agencies);
    if (!file) {
      file = join(dir, `registry-${agencies}.yaml`);
      writeFileSync(file, syntheticRegistryYaml(agencies));
      registries.set(agencies, file);
    }
    return file;
  };
  console.log(
    `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores; each stage in a fresh process (${process.version}); S3 and SQS are counting mocks (no network latency)`,
  );
  console.log(
    `${'stage'.padEnd(20)} ${'agencies'.padStart(8)} ${'wall'.padStart(8)} ${'cpu'.padStart(8)} ${'peak RSS'.padStart(9)} ${'limit'.padStart(12)} ${'list'.padStart(5)} ${'read'.padStart(6)} ${'write'.padStart(6)} ${'bytes in'.padStart(9)} ${'bytes out'.padStart(9)}  notes`,
  );
  try {
    for (const stage of stages) {
      const sizes = sizesOverride ?? [...stage.sizes, ...(big ? (stage.bigSizes ?? []) : [])];
      for (const agencies of sizes) {
        const file = registryFile(agencies);
        let line: string;
        try {
          const r = await runChild(stage, agencies, file);
          const within = r.peakRssMb <= stage.limit.memoryMb && r.wallMs / 1000 <= stage.limit.timeoutS ? '✓' : '✗';
          line = `${stage.name.padEnd(20)} ${String(agencies).padStart(8)} ${`${(r.wallMs / 1000).toFixed(1)} s`.padStart(8)} ${`${(r.cpuMs / 1000).toFixed(1)} s`.padStart(8)} ${`${r.peakRssMb.toFixed(0)} MB`.padStart(9)} ${`${within} ${stage.limit.memoryMb}MB/${stage.limit.timeoutS}s`.padStart(12)} ${String(r.listed).padStart(5)} ${String(r.read).padStart(6)} ${String(r.written).padStart(6)} ${mb(r.bytesRead).padStart(9)} ${mb(r.bytesWritten).padStart(9)}  ${r.notes} (process at ${r.baseRssMb.toFixed(0)} MB before the stage)`;
        } catch (error) {
          line = `${stage.name.padEnd(20)} ${String(agencies).padStart(8)} FAILED: ${error instanceof Error ? error.message : String(error)}`;
        }
        console.log(line);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

if (process.env.SCALE_CHILD) {
  const { stage, agencies, registryFile } = JSON.parse(process.env.SCALE_CHILD) as {
    stage: string;
    agencies: number;
    registryFile: string;
  };
  await child(stage, agencies, registryFile);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await run(process.argv.slice(2));
}
