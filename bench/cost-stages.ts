/**
 * The one place bench/cost.bench.ts calls the pipeline's stage code. Each adapter drives the deployed
 * handler the way its trigger would (Scheduler event, one SQS record per invocation as the stack's
 * event source has batch size 1, one S3 object-created record per event) and says how many Lambda
 * invocations and Step Functions state transitions that took. When a stage changes shape (notify
 * fanned out by shard through Step Functions, say), change its adapter here and nothing else.
 *
 * Handlers read their configuration when imported, so the adapters import them lazily: set the
 * environment and install the counting stand-ins (cost-aws.ts) first.
 */
import type { S3Event, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * What running a stage once cost in orchestration terms. A stage fanned out over several invocations
 * runs them one after another here, so the CPU and wall time the bench measures are their sum.
 */
export interface StageRun<T> {
  result: T;
  /** Lambda invocations it took (a fanned-out stage takes more than one). */
  invocations: number;
  /** Step Functions: Standard state transitions, Express requests and GB-seconds. */
  stepFunctions: { standardTransitions: number; expressRequests: number; expressGbSeconds: number };
}

const noStepFunctions = { standardTransitions: 0, expressRequests: 0, expressGbSeconds: 0 };

/** The weekly plan: EventBridge Scheduler invokes the planner once. */
export async function runPlan(scheduledTime: string, year: number): Promise<StageRun<{ runId: string; jobs: number }>> {
  const { handler } = await import('../functions/plan.ts');
  const result = await handler({ source: 'nianbao.schedule', scheduledTime, year });
  return { result: { runId: result.runId, jobs: result.jobs }, invocations: 1, stepFunctions: noStepFunctions };
}

/** One fetch job as the SQS event source delivers it (batch size 1: one record per invocation). */
export async function runFetchJob(
  message: { body: string; groupId: string | undefined; deduplicationId: string | undefined },
  sequence: number,
  remainingMs: () => number,
): Promise<StageRun<{ failures: number }>> {
  const { handler } = await import('../functions/fetch-worker.ts');
  const record: SQSRecord = {
    messageId: `bench-${sequence}`,
    receiptHandle: `bench-${sequence}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'bench',
      ApproximateFirstReceiveTimestamp: '0',
      SequenceNumber: String(sequence),
      ...(message.groupId ? { MessageGroupId: message.groupId } : {}),
      ...(message.deduplicationId ? { MessageDeduplicationId: message.deduplicationId } : {}),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench-fetch-jobs.fifo',
    awsRegion: 'us-east-1',
  };
  const event: SQSEvent = { Records: [record] };
  const response = await handler(event, { getRemainingTimeInMillis: remainingMs });
  return { result: { failures: response.batchItemFailures.length }, invocations: 1, stepFunctions: noStepFunctions };
}

/** One S3 object-created notification (S3 sends one record per event; its key URL-encoded). */
export async function runParseEvent(
  bucket: string,
  key: string,
  size: number,
): Promise<StageRun<{ parsed: number; skipped: number }>> {
  const { handler } = await import('../functions/parse.ts');
  const event = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'), size },
        },
      },
    ],
  } as unknown as S3Event;
  const summary = await handler(event);
  return {
    result: { parsed: summary.parsed.length, skipped: summary.skipped.length },
    invocations: 1,
    stepFunctions: noStepFunctions,
  };
}

/**
 * The weekly notify as the state machine runs it: prepare, one invocation per shard group, publish
 * (functions/notify.ts phases). Standard transitions: Prepare, the Map, each iteration's task and its
 * end, Publish, and the execution's end.
 */
export async function runNotify(
  scheduledTime: string,
  year: number,
): Promise<StageRun<{ assessed: number; sent: number; pages: number }>> {
  const notify = await import('../functions/notify.ts');
  const event = { source: 'nianbao.schedule' as const, scheduledTime, year };
  const prepared = (await notify.handler({
    ...event,
    phase: 'prepare',
  })) as import('../functions/notify.ts').PrepareResult;
  for (const group of prepared.groups) await notify.handler({ ...event, phase: 'shards', shards: group.shards });
  const result = (await notify.handler({
    ...event,
    phase: 'publish',
  })) as import('../functions/notify.ts').NotifyResult;
  const groups = prepared.groups.length;
  return {
    result: { assessed: result.assessed, sent: result.sent, pages: result.sitePages },
    invocations: 2 + groups,
    stepFunctions: { standardTransitions: 4 + 2 * groups, expressRequests: 0, expressGbSeconds: 0 },
  };
}
