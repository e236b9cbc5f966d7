/**
 * Fetch worker, fed by the SQS queue of fetch jobs (one host's agencies per job): scans each agency
 * with the polite HTTP client, stores raw snapshots under raw/ (the parse function picks them up from
 * there) and writes the job's outcomes to run-parts/{runId}/{jobId}.json (common/run-parts.ts).
 *
 * Partial batch failures on a FIFO queue (message group = host, functions/common/fetch-jobs.ts), with
 * Powertools' SqsFifoPartialProcessorAsync: a record that cannot be processed (malformed JSON, not a fetch job, an agency the registry does not
 * know, a store write that failed) stops the batch. As AWS's Lambda guide asks for FIFO queues, that
 * record and every record after it (unprocessed) are reported in `batchItemFailures`, so no later job
 * of the same host overtakes the failed one; after 3 receives the failed record lands in the FIFO
 * dead-letter queue. An agency whose site is down is not a failure: its outcome says `unreachable`.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadConfig } from '../shared/config/config.ts';
import { userFacingError } from '../shared/fetch/errors.ts';
import { createHttpClient } from '../shared/fetch/http.ts';
import type { RunRecord } from '../shared/fetch/run-record.ts';
import { DEFAULT_AGENCY_BUDGET_MS, type ScanAgencyDeps, type ScanHttp, scanAgency } from '../shared/fetch/scan.ts';
import type { Registry } from '../shared/registry/agency.ts';
import { putJson } from '../shared/storage/port.ts';
import type { AgencyRunOutcome } from '../shared/storage/records.ts';
import { createLogger, createMetrics, openBucketStore } from './common/aws.ts';
import { type FetchJob, FetchJobSchema, unknownAgencyIds } from './common/fetch-jobs.ts';
import { registryLoader } from './common/registry.ts';
import { runPartKey } from './common/run-parts.ts';

const config = loadConfig(process.env);
const logger = createLogger('nianbao-fetch-worker');
const metrics = createMetrics('nianbao-fetch-worker');
const store = openBucketStore(config.bucketName);
const loadRegistry = registryLoader(store);

/** Stop starting new jobs when less than this is left, so the function never dies mid-write. */
const SAFETY_MARGIN_MS = 90_000;

/** A record that can never succeed as sent (bad JSON, bad shape, unknown agency). */
export class PoisonedJobError extends Error {
  constructor(messageId: string, reason: string, options?: { cause?: unknown }) {
    super(`fetch job ${messageId} is unusable: ${reason}`, options);
    this.name = 'PoisonedJobError';
  }
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
  const registry = await loadRegistry(new Date());
  const http = createHttpClient({
    allowHosts: registry.allowHosts,
    respectRobots: registry.respectRobots,
    ...(registry.contact ? { contact: registry.contact } : {}),
  }) as ScanHttp;

  const runRecord = async (record: SQSRecord): Promise<void> => {
    if (context.getRemainingTimeInMillis() < SAFETY_MARGIN_MS) throw new OutOfTimeError(record.messageId);
    try {
      const job = parseJob(record, registry);
      await runJob(job, registry, http, () => context.getRemainingTimeInMillis());
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

function parseJob(record: SQSRecord, registry: Registry): FetchJob {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (cause) {
    throw new PoisonedJobError(record.messageId, 'body is not JSON', { cause });
  }
  const parsed = FetchJobSchema.safeParse(body);
  if (!parsed.success) throw new PoisonedJobError(record.messageId, parsed.error.message);
  const unknown = unknownAgencyIds(registry, parsed.data.agencyIds);
  if (unknown.length > 0) throw new PoisonedJobError(record.messageId, `unknown agency ids ${unknown.join(', ')}`);
  return parsed.data;
}

async function runJob(job: FetchJob, registry: Registry, http: ScanHttp, remainingMs: () => number): Promise<void> {
  const startedAt = new Date();
  const outcomes: AgencyRunOutcome[] = [];
  // A job is one host's agencies, which often share one county column: fetch each list page once per job.
  const listCache: ScanAgencyDeps['listCache'] = new Map();
  const key = runPartKey(job.runId, job.jobId);
  const part = (state: RunRecord['state'], extra: Partial<RunRecord> = {}): RunRecord => {
    const done = new Set(outcomes.map((outcome) => outcome.agencyId));
    const notDone = job.agencyIds.filter((id) => !done.has(id));
    return {
      runId: job.runId,
      year: job.year,
      state,
      startedAt: startedAt.toISOString(),
      finishedAt: state === 'running' ? '' : new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      agenciesTotal: job.agencyIds.length,
      outcomes: [...outcomes],
      ...(notDone.length > 0 ? { notDone: { agencyIds: notDone, reason: '运行中，尚未处理' } } : {}),
      ...extra,
    };
  };
  // Written before anything is fetched and after every agency: a worker killed by its timeout or out of
  // memory leaves what it did (the SQS retry then rewrites the same part).
  await putJson(store, key, part('running'));
  try {
    for (const agencyId of job.agencyIds) {
      const agency = registry.agencies.find((candidate) => candidate.id === agencyId);
      if (!agency) continue; // parseJob checked every id
      // Sequential on purpose: one job is one host, and the client's per-host delay sets the pace.
      // The agency's budget never outlasts the invocation (the safety margin is kept for the writes).
      const agencyBudgetMs = Math.max(1000, Math.min(DEFAULT_AGENCY_BUDGET_MS, remainingMs() - SAFETY_MARGIN_MS));
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
      await putJson(store, key, part('running'));
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
