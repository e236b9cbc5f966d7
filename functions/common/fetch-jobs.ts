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
import { type Agency, hostOfAgency, type Registry } from '../../shared/registry/agency.ts';

export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const FetchJobSchema = z.object({
  kind: z.literal('fetch'),
  runId: z.string().regex(RUN_ID_PATTERN),
  /** Distinguishes the jobs of one run; names the partial manifest runs/{runId}/{jobId}.json. */
  jobId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  year: z.number().int().min(2008).max(2100),
  host: z.string(),
  agencyIds: z.array(z.string().min(1)).min(1).max(500),
  trigger: z.enum(['schedule', 'rescan']),
});

export type FetchJob = z.infer<typeof FetchJobSchema>;

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

/** Agencies whose region path starts with `region`. */
export function agenciesInRegion(registry: Registry, region: string[]): Agency[] {
  return registry.agencies.filter((agency) => region.every((part, index) => agency.region[index] === part));
}

/** Ids asked for that the registry does not know. */
export function unknownAgencyIds(registry: Registry, agencyIds: readonly string[]): string[] {
  const known = new Set(registry.agencies.map((agency) => agency.id));
  return agencyIds.filter((id) => !known.has(id));
}

/** Groups the selected agencies by host and cuts each group into jobs of at most `maxAgenciesPerJob`. */
export function planJobs(registry: Registry, options: PlanJobsOptions): FetchJob[] {
  const wanted = options.agencyIds ? new Set(options.agencyIds) : undefined;
  const selected = (options.region ? agenciesInRegion(registry, options.region) : registry.agencies).filter(
    (agency) => !wanted || wanted.has(agency.id),
  );
  const byHost = new Map<string, string[]>();
  for (const agency of selected) {
    const host = hostOfAgency(agency, options.year);
    const ids = byHost.get(host) ?? [];
    ids.push(agency.id);
    byHost.set(host, ids);
  }
  const jobs: FetchJob[] = [];
  for (const [host, ids] of byHost) {
    for (let start = 0; start < ids.length; start += options.maxAgenciesPerJob) {
      jobs.push({
        kind: 'fetch',
        runId: options.runId,
        jobId: String(jobs.length + 1).padStart(5, '0'),
        year: options.year,
        host,
        agencyIds: ids.slice(start, start + options.maxAgenciesPerJob),
        trigger: options.trigger,
      });
    }
  }
  return jobs;
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
  for (let start = 0; start < jobs.length; start += 10) {
    let batch = jobs.slice(start, start + 10);
    for (let attempt = 1; batch.length > 0; attempt++) {
      const output: SendMessageBatchCommandOutput = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((job) => ({
            Id: job.jobId.replace(/[^A-Za-z0-9_-]/g, '_'),
            MessageBody: JSON.stringify(job),
            MessageGroupId: messageGroupIdOf(job),
            MessageDeduplicationId: deduplicationIdOf(job),
          })),
        }),
      );
      const failedIds = new Set((output.Failed ?? []).map((entry) => entry.Id));
      sent += batch.length - failedIds.size;
      batch = batch.filter((job) => failedIds.has(job.jobId.replace(/[^A-Za-z0-9_-]/g, '_')));
      if (batch.length > 0 && attempt >= 2) {
        const detail = (output.Failed ?? []).map((entry) => `${entry.Code}: ${entry.Message}`).join('; ');
        throw new EnqueueError(
          batch.map((job) => job.jobId),
          detail,
        );
      }
    }
  }
  return sent;
}
