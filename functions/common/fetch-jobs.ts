/**
 * Fetch jobs: the SQS message between the planner (or the rescan endpoint) and the fetch workers.
 *
 * One job holds agencies that share a host, at most `maxAgenciesPerJob` of them, so one worker crawls
 * one site at the polite pace of the HTTP client while other workers crawl other sites. The queue is
 * FIFO and a job's message group is its host: SQS hands out a group's messages one at a time, so a
 * county platform with 60 departments becomes 6 jobs that run one after another, never on two workers
 * at once. The deduplication id is the run and job id, so a retried plan of the same schedule slot
 * (same run id) does not enqueue its jobs twice within SQS's 5-minute deduplication window.
 */
import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SendMessageBatchCommandOutput, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { AGENCY_LEVELS, type Agency, hostOfAgency, type Registry } from '../../shared/registry/agency.ts';

export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * An agency as a job carries it: what a scan reads (shared/fetch/scan.ts ScannableAgency), with only
 * the job year's report URL. ~200–300 bytes of JSON, so the worker and the parse function need no
 * registry (the fetcher writes the level into each snapshot's metadata for the parser).
 */
export const JobAgencySchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  level: z.enum(AGENCY_LEVELS),
  listUrls: z.array(z.string().max(2048)).max(20),
  reportUrls: z.record(z.string().regex(/^\d{4}$/), z.string().max(2048)).optional(),
  charset: z.string().max(40).optional(),
  respectRobots: z.boolean().optional(),
  timeoutMs: z.number().int().min(1000).max(300_000).optional(),
});

export type JobAgency = z.infer<typeof JobAgencySchema>;

/** The registry's crawl settings a worker builds its HTTP client from. */
export const JobClientSchema = z.strictObject({
  respectRobots: z.boolean(),
  allowHosts: z.array(z.string().max(300)).max(1000),
  contact: z.string().max(300).optional(),
});

export const FetchJobSchema = z.object({
  kind: z.literal('fetch'),
  runId: z.string().regex(RUN_ID_PATTERN),
  /** Distinguishes the jobs of one run; names the partial manifest runs/{runId}/{jobId}.json. */
  jobId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  year: z.number().int().min(2008).max(2100),
  host: z.string(),
  agencies: z.array(JobAgencySchema).min(1).max(500),
  client: JobClientSchema,
  trigger: z.enum(['schedule', 'rescan']),
});

export type FetchJob = z.infer<typeof FetchJobSchema>;

/**
 * Largest message body a job may have: SQS takes 256 KiB (262,144 bytes) per message and per
 * SendMessageBatch call; a job is cut smaller until its body fits under this, and ten fit one batch
 * call only when each is under a tenth of it (enqueueJobs sends smaller batches otherwise).
 */
export const MAX_JOB_MESSAGE_BYTES = 250_000;

/** SQS's limit on the whole SendMessageBatch request (the sum of its bodies). */
const MAX_BATCH_BYTES = 262_144;

export interface PlanJobsOptions {
  runId: string;
  year: number;
  trigger: FetchJob['trigger'];
  maxAgenciesPerJob: number;
  /** Only these agencies (ids must exist in the registry). */
  agencyIds?: string[];
  /** Only agencies under this region path, e.g. ['河南省', '三门峡市']. */
  region?: string[];
}

/** Whether an agency's region path starts with `region`. */
export function inRegion(agency: Pick<Agency, 'region'>, region: readonly string[]): boolean {
  return region.every((part, index) => agency.region[index] === part);
}

/** Agencies whose region path starts with `region`. */
export function agenciesInRegion(registry: Registry, region: string[]): Agency[] {
  return registry.agencies.filter((agency) => inRegion(agency, region));
}

/** Ids asked for that the registry does not know. */
export function unknownAgencyIds(registry: Registry, agencyIds: readonly string[]): string[] {
  const known = new Set(registry.agencies.map((agency) => agency.id));
  return agencyIds.filter((id) => !known.has(id));
}

/** The record a job carries for an agency (only the fields a scan reads). */
export function jobAgencyOf(agency: Agency, year: number): JobAgency {
  const record: JobAgency = { id: agency.id, name: agency.name, level: agency.level, listUrls: agency.listUrls };
  const reportUrl = agency.reportUrls?.[String(year)];
  if (reportUrl) record.reportUrls = { [String(year)]: reportUrl };
  if (agency.charset) record.charset = agency.charset;
  if (agency.respectRobots !== undefined) record.respectRobots = agency.respectRobots;
  if (agency.timeoutMs !== undefined) record.timeoutMs = agency.timeoutMs;
  return record;
}

/** The crawl settings of a registry, as a job carries them. */
export function jobClientOf(registry: Pick<Registry, 'respectRobots' | 'allowHosts' | 'contact'>): FetchJob['client'] {
  return {
    respectRobots: registry.respectRobots,
    allowHosts: registry.allowHosts,
    ...(registry.contact ? { contact: registry.contact } : {}),
  };
}

/** The UTF-8 size of a job's message body. */
export function jobMessageBytes(job: FetchJob): number {
  return Buffer.byteLength(JSON.stringify(job));
}

/** Thrown when one agency's record alone is larger than a message may be (a registry with absurd URLs). */
export class JobTooLargeError extends Error {
  constructor(agencyId: string, bytes: number) {
    super(`agency ${agencyId} alone makes a ${bytes}-byte fetch job (SQS limit ${MAX_JOB_MESSAGE_BYTES})`);
    this.name = 'JobTooLargeError';
  }
}

/**
 * Groups agencies by host, one pass, and cuts each group into jobs of at most `maxAgenciesPerJob`
 * (fewer when the message would exceed MAX_JOB_MESSAGE_BYTES). `agencies` may be any iterable, so a
 * streamed registry is never held whole as Agency objects here: only the small job records are kept.
 */
export function planJobsFrom(
  agencies: Iterable<Agency>,
  client: FetchJob['client'],
  options: PlanJobsOptions,
): FetchJob[] {
  const wanted = options.agencyIds ? new Set(options.agencyIds) : undefined;
  const byHost = new Map<string, JobAgency[]>();
  for (const agency of agencies) {
    if (wanted && !wanted.has(agency.id)) continue;
    if (options.region && !inRegion(agency, options.region)) continue;
    const host = hostOfAgency(agency, options.year);
    let list = byHost.get(host);
    if (!list) {
      list = [];
      byHost.set(host, list);
    }
    list.push(jobAgencyOf(agency, options.year));
  }
  const jobs: FetchJob[] = [];
  const push = (host: string, slice: JobAgency[]) => {
    const job: FetchJob = {
      kind: 'fetch',
      runId: options.runId,
      jobId: String(jobs.length + 1).padStart(5, '0'),
      year: options.year,
      host,
      agencies: slice,
      client,
      trigger: options.trigger,
    };
    const bytes = jobMessageBytes(job);
    if (bytes <= MAX_JOB_MESSAGE_BYTES) {
      jobs.push(job);
      return;
    }
    if (slice.length === 1) throw new JobTooLargeError(slice[0]?.id ?? '?', bytes);
    const half = Math.ceil(slice.length / 2);
    push(host, slice.slice(0, half));
    push(host, slice.slice(half));
  };
  // Busiest hosts first: a host's jobs run one after another (one FIFO group), so the crawl ends no
  // sooner than the busiest host's chain; starting the long chains first keeps the other workers'
  // short jobs filling in beside them (longest-first list scheduling, bench/crawl-sim.bench.ts).
  const hosts = [...byHost].sort((a, b) => b[1].length - a[1].length);
  for (const [host, list] of hosts) {
    for (let start = 0; start < list.length; start += options.maxAgenciesPerJob) {
      push(host, list.slice(start, start + options.maxAgenciesPerJob));
    }
  }
  return jobs;
}

/** Agencies per host of a plan, for crawlCapacity (shared/fetch/crawl-capacity.ts). */
export function agenciesPerHost(jobs: readonly FetchJob[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const job of jobs) counts.set(job.host, (counts.get(job.host) ?? 0) + job.agencies.length);
  return counts;
}

/** Groups the selected agencies of a loaded registry by host and cuts each group into jobs. */
export function planJobs(registry: Registry, options: PlanJobsOptions): FetchJob[] {
  return planJobsFrom(registry.agencies, jobClientOf(registry), options);
}

/** The ids of a job's agencies, in its order. */
export function jobAgencyIds(job: Pick<FetchJob, 'agencies'>): string[] {
  return job.agencies.map((agency) => agency.id);
}

/** SQS's limit on MessageGroupId and MessageDeduplicationId: 128 characters of this set. */
const SQS_ID_PATTERN = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/** An id SQS accepts: the readable text when it fits, otherwise a stable SHA-256 of it. */
function sqsSafeId(text: string): string {
  return SQS_ID_PATTERN.test(text) ? text : `sha256-${createHash('sha256').update(text).digest('hex')}`;
}

/** The FIFO message group of a job: its host, so SQS never delivers two jobs of one host at once. */
export function messageGroupIdOf(job: Pick<FetchJob, 'host'>): string {
  return sqsSafeId(job.host);
}

/** The FIFO deduplication id of a job: the same run and job id is enqueued at most once per 5 minutes. */
export function deduplicationIdOf(job: Pick<FetchJob, 'runId' | 'jobId'>): string {
  return sqsSafeId(`${job.runId}/${job.jobId}`);
}

/** Thrown when SQS refuses some messages even after one retry of the failed entries. */
export class EnqueueError extends Error {
  readonly failedJobIds: string[];
  constructor(failedJobIds: string[], detail: string) {
    super(`SQS refused ${failedJobIds.length} fetch job(s) (${failedJobIds.slice(0, 5).join(', ')}…): ${detail}`);
    this.name = 'EnqueueError';
    this.failedJobIds = failedJobIds;
  }
}

/**
 * SendMessageBatch in tens (the SQS maximum) to the FIFO fetch queue, each entry with its host as
 * message group and its run/job id as deduplication id; failed entries are retried once (same
 * deduplication id, so a retry of an entry SQS did take is dropped), then reported.
 */
export async function enqueueJobs(sqs: SQSClient, queueUrl: string, jobs: readonly FetchJob[]): Promise<number> {
  let sent = 0;
  for (const group of batchesOf(jobs)) {
    let batch = group;
    for (let attempt = 1; batch.length > 0; attempt++) {
      const output: SendMessageBatchCommandOutput = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map(({ job, body }) => ({
            Id: entryIdOf(job),
            MessageBody: body,
            MessageGroupId: messageGroupIdOf(job),
            MessageDeduplicationId: deduplicationIdOf(job),
          })),
        }),
      );
      const failedIds = new Set((output.Failed ?? []).map((entry) => entry.Id));
      sent += batch.length - failedIds.size;
      batch = batch.filter(({ job }) => failedIds.has(entryIdOf(job)));
      if (batch.length > 0 && attempt >= 2) {
        const detail = (output.Failed ?? []).map((entry) => `${entry.Code}: ${entry.Message}`).join('; ');
        throw new EnqueueError(
          batch.map(({ job }) => job.jobId),
          detail,
        );
      }
    }
  }
  return sent;
}

function entryIdOf(job: FetchJob): string {
  return job.jobId.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Consecutive jobs in batches of at most 10 entries and MAX_BATCH_BYTES of bodies (SQS's two limits). */
function* batchesOf(jobs: readonly FetchJob[]): Generator<{ job: FetchJob; body: string }[]> {
  let batch: { job: FetchJob; body: string }[] = [];
  let bytes = 0;
  for (const job of jobs) {
    const body = JSON.stringify(job);
    const size = Buffer.byteLength(body);
    if (batch.length === 10 || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push({ job, body });
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
