/**
 * Fetch worker, fed by the SQS queue of fetch jobs (one host's agencies per job): scans each agency
 * with the polite HTTP client, stores raw snapshots under raw/ (the parse function picks them up from
 * there) and writes the job's outcomes to run-parts/{runId}/{jobId}.json (common/run-parts.ts).
 *
 * A job carries its agencies' records and the registry's crawl settings (functions/common/fetch-jobs.ts),
 * so this function never loads the registry. Before each agency it checks the invocation's remaining
 * time; when too little is left it enqueues the agencies not started as a continuation job (same host,
 * same FIFO group) instead of cutting an agency short or being killed by Lambda mid-agency.
 *
 * Partial batch failures on a FIFO queue (message group = host), with Powertools'
 * SqsFifoPartialProcessorAsync: a record that cannot be processed (malformed JSON, not a fetch job, a
 * store write that failed) stops the batch. As AWS's Lambda guide asks for FIFO queues, that
 * record and every record after it (unprocessed) are reported in `batchItemFailures`, so no later job
 * of the same host overtakes the failed one; after 3 receives the failed record lands in the FIFO
 * dead-letter queue. An agency whose site is down is not a failure: its outcome says `unreachable`.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { atMostEvery } from '../shared/async/every.ts';
import { loadConfig } from '../shared/config/config.ts';
import { userFacingError } from '../shared/fetch/errors.ts';
import { createHttpClient } from '../shared/fetch/http.ts';
import type { RunRecord } from '../shared/fetch/run-record.ts';
import { DEFAULT_AGENCY_BUDGET_MS, type ScanAgencyDeps, type ScanHttp, scanAgency } from '../shared/fetch/scan.ts';
import { getJson, putJson } from '../shared/storage/port.ts';
import type { AgencyRunOutcome } from '../shared/storage/records.ts';
import { createLogger, createMetrics, createSqsClient, openBucketStore } from './common/aws.ts';
import { enqueueJobs, type FetchJob, FetchJobSchema, jobAgencyIds } from './common/fetch-jobs.ts';
import { runPartKey } from './common/run-parts.ts';

const config = loadConfig(process.env, ['queue']);
const logger = createLogger('nianbao-fetch-worker');
const metrics = createMetrics('nianbao-fetch-worker');
const store = openBucketStore(config.bucketName);
let sqs: SQSClient | undefined;

/** Stop starting new jobs when less than this is left, so the function never dies mid-write. */
const SAFETY_MARGIN_MS = 90_000;
/**
 * Start an agency only with at least this much of its own budget left beyond the safety margin;
 * otherwise it and the rest of the job go to a continuation job rather than being cut short (an agency
 * cut off by our clock is not the agency's fault) or killed by Lambda's timeout.
 */
export const MIN_AGENCY_START_MS = 60_000;
/**
 * The running part is rewritten after an agency at most this often (and always at the end): it is a trace
 * for a worker that dies (a redelivered job is redone whole), and one PUT per agency was a PUT per agency
 * a week (150,000 at country size) and as many noncurrent versions.
 */
export const RUN_PART_TRACE_MS = 30_000;

/** A record that can never succeed as sent (bad JSON, bad shape). */
export class PoisonedJobError extends Error {
  constructor(messageId: string, reason: string, options?: { cause?: unknown }) {
    super(`fetch job ${messageId} is unusable: ${reason}`, options);
    this.name = 'PoisonedJobError';
  }
}

/** One HTTP client per set of crawl settings (every job of one registry has the same), per container. */
const clients = new Map<string, ScanHttp>();
function httpFor(settings: FetchJob['client']): ScanHttp {
  const key = JSON.stringify(settings);
  let http = clients.get(key);
  if (!http) {
    http = createHttpClient({
      allowHosts: settings.allowHosts,
      respectRobots: settings.respectRobots,
      ...(settings.contact ? { contact: settings.contact } : {}),
    }) as ScanHttp;
    clients.set(key, http);
  }
  return http;
}

/** The invocation is nearly out of time: this record and every later one go back unprocessed. */
class OutOfTimeError extends Error {
  constructor(messageId: string) {
    super(`no time left for fetch job ${messageId}`);
    this.name = 'OutOfTimeError';
  }
}

export async function handler(
  event: SQSEvent,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<SQSBatchResponse> {
  const runRecord = async (record: SQSRecord): Promise<void> => {
    if (context.getRemainingTimeInMillis() < SAFETY_MARGIN_MS) throw new OutOfTimeError(record.messageId);
    try {
      const job = parseJob(record);
      await runJob(job, httpFor(job.client), () => context.getRemainingTimeInMillis());
    } catch (error) {
      logger.error('fetch job failed', {
        messageId: record.messageId,
        messageGroupId: record.attributes.MessageGroupId,
        error,
      });
      metrics.addMetric(error instanceof PoisonedJobError ? 'PoisonedJobs' : 'FailedJobs', MetricUnit.Count, 1);
      throw error;
    }
  };
  // The FIFO processor stops at the first failed record and fails it and every later one, so no later
  // job of the same host (message group) overtakes it. A batch that fails as a whole is still an
  // answer (all records handed back), not an invocation error.
  const response = await processPartialResponse(event, runRecord, new SqsFifoPartialProcessorAsync(), {
    throwOnFullBatchFailure: false,
  });
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  return response;
}

function parseJob(record: SQSRecord): FetchJob {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (cause) {
    throw new PoisonedJobError(record.messageId, 'body is not JSON', { cause });
  }
  const parsed = FetchJobSchema.safeParse(body);
  if (!parsed.success) throw new PoisonedJobError(record.messageId, parsed.error.message);
  return parsed.data;
}

/**
 * The job that carries on where one ran out of time: the agencies not started, same host (so the same
 * FIFO group, after this host's other waiting jobs), a job id derived from how far this one got, so a
 * retried hand-back is dropped by SQS's deduplication.
 */
export function continuationOf(job: FetchJob, started: number): FetchJob {
  return { ...job, jobId: `${job.jobId}.${started}`.slice(0, 100), agencies: job.agencies.slice(started) };
}

async function runJob(job: FetchJob, http: ScanHttp, remainingMs: () => number): Promise<void> {
  const startedAt = new Date();
  const outcomes: AgencyRunOutcome[] = [];
  const agencyIds = jobAgencyIds(job);
  // A job is one host's agencies, which often share one county column: fetch each list page once per job.
  const listCache: ScanAgencyDeps['listCache'] = new Map();
  const key = runPartKey(job.runId, job.jobId);
  const part = (state: RunRecord['state'], extra: Partial<RunRecord> = {}): RunRecord => {
    const done = new Set(outcomes.map((outcome) => outcome.agencyId));
    const notDone = agencyIds.filter((id) => !done.has(id));
    return {
      runId: job.runId,
      year: job.year,
      state,
      startedAt: startedAt.toISOString(),
      finishedAt: state === 'running' ? '' : new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      agenciesTotal: agencyIds.length,
      outcomes: [...outcomes],
      ...(notDone.length > 0 ? { notDone: { agencyIds: notDone, reason: '运行中，尚未处理' } } : {}),
      ...extra,
    };
  };
  // A redelivered job that already finished (the worker died after its last write) does nothing again.
  const previous = await getJson<RunRecord>(store, key).catch(() => undefined);
  if (previous?.state === 'finished') {
    logger.info('fetch job already finished', { runId: job.runId, jobId: job.jobId });
    return;
  }
  // Written before anything is fetched and then every RUN_PART_TRACE_MS: a worker killed by its timeout or
  // out of memory leaves most of what it did (the SQS retry then redoes the job and rewrites the part).
  await putJson(store, key, part('running'));
  const trace = atMostEvery(RUN_PART_TRACE_MS, Date.now);
  let started = 0;
  try {
    for (const agency of job.agencies) {
      // Checked per agency: an agency is started only with time to finish it; the rest is handed on.
      const leftMs = remainingMs() - SAFETY_MARGIN_MS;
      if (leftMs < MIN_AGENCY_START_MS) break;
      // Sequential on purpose: one job is one host, and the client's per-host delay sets the pace.
      const agencyBudgetMs = Math.min(DEFAULT_AGENCY_BUDGET_MS, leftMs);
      started++;
      const outcome = await scanAgency(agency, job.year, {
        http,
        store,
        now: () => new Date(),
        listCache,
        agencyBudgetMs,
      });
      outcomes.push(outcome);
      metrics.addMetric(`Agencies_${outcome.status}`, MetricUnit.Count, 1);
      metrics.addMetric('PagesFetched', MetricUnit.Count, outcome.pagesFetched);
      if (trace.due()) await putJson(store, key, part('running'));
    }
    if (started < job.agencies.length) {
      // Enqueued before this part says "finished": if the send fails, the job is retried whole.
      const continuation = continuationOf(job, started);
      sqs ??= createSqsClient();
      await enqueueJobs(sqs, config.queueUrl, [continuation]);
      metrics.addMetric('JobsHandedOn', MetricUnit.Count, 1);
      logger.info('fetch job handed on (time left too short)', {
        runId: job.runId,
        jobId: job.jobId,
        continuation: continuation.jobId,
        handedOn: continuation.agencies.length,
      });
      await putJson(
        store,
        key,
        part('finished', {
          notDone: {
            agencyIds: jobAgencyIds(continuation),
            reason: `本次调用时间不足，已转交后续任务 ${continuation.jobId}`,
          },
        }),
      );
      return;
    }
  } catch (error) {
    const shown = userFacingError(error);
    await putJson(
      store,
      key,
      part('failed', {
        error: `运行失败：${shown.message}`,
        ...(shown.detail ? { errorDetail: shown.detail } : {}),
      }),
    ).catch(() => {});
    throw error;
  }
  // One part per job (workers never contend for one object); the notifier folds them into runs/{runId}.json.
  await putJson(store, key, part('finished'));
  logger.info('fetch job done', {
    runId: job.runId,
    jobId: job.jobId,
    host: job.host,
    statuses: Object.fromEntries(outcomes.map((outcome) => [outcome.agencyId, outcome.status])),
  });
}
