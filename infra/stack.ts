import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  DefinitionBody,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  Pass,
  Result,
  StateMachine,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, LambdaInvoke as InvokeFunctionTask } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { TimeZone } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { CONFIG_ENV } from '../shared/config/config.ts';
import { keys, objectsUnder, PREFIXES, RAW_PREFIX, SITE_PREFIX } from '../shared/storage/keys.ts';
import { NianbaoFunction } from './lambda-defaults.ts';
import { NOTIFY_MEMORY_MB, NOTIFY_SHARDS_MEMORY_MB } from './notify-sizes.ts';
import { CRAWL_SCHEDULES, type CrawlScheduleName, FETCH_DRAIN_POLL_MINUTES } from './schedules.ts';
import { SiteDistribution } from './site-distribution.ts';

export { CRAWL_SCHEDULES, type CrawlScheduleName, NOTIFY_MEMORY_MB, NOTIFY_SHARDS_MEMORY_MB };

/** How the digest goes out: SES (global regions) or an SMTP server (China regions have no SES). */
export type MailSettings =
  | { kind: 'ses'; identity: string; from: string }
  | { kind: 'smtp'; smtpUrl: string; from: string };

export interface NianbaoStackProps extends StackProps {
  mail: MailSettings;
  /** Extra digest recipients (the registry's per-region recipients come on top). */
  recipients: string[];
  /**
   * How many fetch workers may run at once: at most this many sites are crawled in parallel, and
   * never one site by two workers (the FIFO fetch queue's message group is the host). Applied as the SQS event source's maximum concurrency and,
   * unless `reserveConcurrency` is false, as the worker's reserved concurrency. 10 workers finish
   * 10,000 agencies well inside the six hours before the digest (README "Cost estimate").
   * @default 10
   */
  fetchConcurrency?: number;
  /**
   * Reserve `fetchConcurrency` for the worker and 1 for the notifier (one digest run at a time, so
   * its check-then-send idempotence holds). Accounts whose concurrency quota is still the new-account
   * 10 cannot reserve any (Lambda keeps 10 unreserved); set false there.
   * @default true
   */
  reserveConcurrency?: boolean;
  /** At most this many agencies of one host per fetch job. @default 10 */
  maxAgenciesPerJob?: number;
  /**
   * When the weekly crawl runs. `night`: Monday 02:00 Beijing time, six hours before the digest (a host
   * can hold ~3,600 agencies at the polite pace). `week`: Monday 09:00, right after the digest, so the
   * crawl has the whole week until the next one (167 h: the country's largest platform hosts finish).
   * @default 'night'
   */
  crawlSchedule?: CrawlScheduleName;
  /** Noncurrent (overwritten or deleted) versions of raw snapshots expire after this many days. @default 365 */
  noncurrentSnapshotDays?: number;
  /** Alarm notifications go here when set. */
  alarmEmail?: string;
  /**
   * IPv4 ranges of the office network allowed to browse the results site. When set, a CloudFront
   * distribution with origin access control serves the site from the private bucket; when empty, the
   * site stays in the bucket, unreachable from a browser.
   * @default []
   */
  siteAllowCidrs?: string[];
}

/** Fetch worker timeout; the queue's visibility timeout is derived from it. */
export const FETCH_WORKER_TIMEOUT = Duration.minutes(10);
export const NOTIFY_TIMEOUT = Duration.minutes(15);
export const NOTIFY_SHARDS_TIMEOUT = Duration.minutes(15);
/** Both hold JavaScript objects per agency; a fifth of the memory stays for buffers and the runtime. */
export const NOTIFY_HEAP_SHARE = 0.8;
/** Shard workers at once (the Map's MaxConcurrency): 16 groups in two waves. */
export const NOTIFY_SHARD_CONCURRENCY = 8;
/** Lambda errors worth retrying: the service's own failures and throttling, not the handler's. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
];

/** AWS's guidance for SQS-triggered functions: visibility timeout at least 6× the function timeout. */
export const VISIBILITY_FACTOR = 6;

export class NianbaoStack extends Stack {
  constructor(scope: Construct, id: string, props: NianbaoStackProps) {
    super(scope, id, props);
    const fetchConcurrency = props.fetchConcurrency ?? 10;
    const maxAgenciesPerJob = props.maxAgenciesPerJob ?? 10;

    // ---- Storage -------------------------------------------------------------------------------
    const accessLogs = new Bucket(this, 'AccessLogs', {
      // Server access log delivery only supports SSE-S3 on the target bucket.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const store = new Bucket(this, 'Store', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Versioned so that nothing once published and archived is lost to an overwrite or a delete.
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'store/',
      lifecycleRules: [
        {
          // Only noncurrent versions expire: the current snapshot of every report stays forever.
          id: 'expire-noncurrent-raw',
          prefix: RAW_PREFIX,
          noncurrentVersionExpiration: Duration.days(props.noncurrentSnapshotDays ?? 365),
        },
        // The site is regenerated weekly from results; old page versions carry no evidence. Run parts are
        // rewritten as each agency finishes, and the indexes and states weekly: their old versions are
        // derived (states keep their own history inside), so they go after 30 days too (at 150,000
        // agencies run-parts/ alone would keep ~42 GB of old versions a year).
        ...[SITE_PREFIX, PREFIXES.runParts, PREFIXES.index, PREFIXES.state].map((prefix) => ({
          id: `expire-noncurrent-${prefix.replace(/\/$/, '')}`,
          prefix,
          noncurrentVersionExpiration: Duration.days(30),
        })),
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---- Queues --------------------------------------------------------------------------------
    const queueDefaults = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;
    // FIFO with the job's host as message group (functions/common/fetch-jobs.ts): SQS hands out one
    // group's messages one at a time, so no two workers ever crawl one host at once. The planner and
    // the rescan endpoint set explicit deduplication ids (run/job id), so content-based deduplication
    // stays off. A FIFO queue's dead-letter queue must be FIFO as well.
    const fetchDlq = new Queue(this, 'FetchDeadLetters', {
      ...queueDefaults,
      fifo: true,
      retentionPeriod: Duration.days(14),
    });
    const fetchQueue = new Queue(this, 'FetchJobs', {
      ...queueDefaults,
      fifo: true,
      contentBasedDeduplication: false,
      visibilityTimeout: Duration.seconds(FETCH_WORKER_TIMEOUT.toSeconds() * VISIBILITY_FACTOR),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: fetchDlq, maxReceiveCount: 3 },
    });
    const scheduleDlq = new Queue(this, 'ScheduleDeadLetters', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(scheduleDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue (for the schedules, set on each target), which nag cannot ' +
        'see because Scheduler targets are not an SQS redrive policy.',
    });
    const parseDlq = new Queue(this, 'ParseDeadLetters', { ...queueDefaults, retentionPeriod: Duration.days(14) });

    // ---- Functions -----------------------------------------------------------------------------
    const plan = new NianbaoFunction(this, 'Plan', {
      name: 'plan',
      description: 'Weekly: reads config/registry.yaml and enqueues one fetch job per host (≤ N agencies each)',
      // Memory buys CPU on Lambda (1,769 MB = one vCPU): planning 150,000 agencies takes ~35 s of CPU
      // and ~450 MB (bench/scale.bench.ts), which at 512 MB (~0.3 vCPU) would outrun two minutes.
      timeout: Duration.minutes(5),
      memorySize: 1769,
    });
    plan.useBucket(store, { readPattern: objectsUnder(PREFIXES.config) });
    plan.useFetchQueue(fetchQueue, maxAgenciesPerJob);
    const crawl = CRAWL_SCHEDULES[props.crawlSchedule ?? 'night'];
    plan.function.addEnvironment(CONFIG_ENV.crawlWindowHours, String(crawl.windowHours));

    const fetchWorker = new NianbaoFunction(this, 'FetchWorker', {
      name: 'fetchWorker',
      description: "Fetches one host's agencies per job and archives raw snapshots under raw/",
      timeout: FETCH_WORKER_TIMEOUT,
      memorySize: 512,
      overrides: props.reserveConcurrency === false ? {} : { reservedConcurrentExecutions: fetchConcurrency },
    });
    // Snapshots with their per-agency index (shared/storage/snapshot.ts), each job's outcomes
    // (functions/common/run-parts.ts), and the list/article page cache that answers 304s
    // (shared/fetch/page-cache.ts).
    fetchWorker.useBucket(store, {
      readPattern: '*',
      writePatterns: [
        ...[PREFIXES.raw, PREFIXES.runParts, PREFIXES.pageCache].map(objectsUnder),
        keys.snapshotIndexPattern,
      ],
    });
    // A job short of time hands its unstarted agencies on as a continuation job (functions/fetch-worker.ts).
    fetchWorker.useFetchQueue(fetchQueue, maxAgenciesPerJob);
    fetchWorker.function.addEventSource(
      new SqsEventSource(fetchQueue, {
        // One job per invocation: on a FIFO queue the records after a failed one go back unprocessed
        // (functions/fetch-worker.ts), and each such return counts towards maxReceiveCount, so a
        // poisoned job in a bigger batch would drag a healthy job into the DLQ with it. A job takes
        // a minute or more, so the extra invocations cost nothing that matters.
        batchSize: 1,
        reportBatchItemFailures: true,
        // Keeps pollers from invoking more workers than reserved: throttled receives would otherwise
        // count towards maxReceiveCount and push healthy jobs into the DLQ. With FIFO, workers at
        // once = min(this, hosts with jobs waiting).
        maxConcurrency: Math.max(2, fetchConcurrency),
      }),
    );

    const parse = new NianbaoFunction(this, 'Parse', {
      name: 'parse',
      description: 'On each new raw/ snapshot: extracts, parses and validates it into results/',
      timeout: Duration.minutes(3),
      memorySize: 1536,
      overrides: { retryAttempts: 2, deadLetterQueue: parseDlq },
    });
    parse.useBucket(store, { readPattern: '*', writePatterns: [objectsUnder(PREFIXES.results)] });
    // Only raw/ triggers the parser; it writes under results/, so it never triggers itself.
    // The .meta.json written beside each snapshot also matches raw/ and is skipped by the handler.
    store.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(parse.function), {
      prefix: RAW_PREFIX,
    });

    // The weekly notify runs in phases (shared/pipeline/weekly-notify.ts) on two functions built from one
    // entry (functions/notify.ts), because the phases differ in size and in concurrency (sizes: see
    // NOTIFY_MEMORY_MB in notify-sizes.ts):
    // - Notify: prepare, publish, and the all-in-one run of a manual invoke. Publish makes the digest and
    //   the site's listings and exports from every agency's state at once, the largest phase. Reserved
    //   concurrency 1 keeps one publish at a time (the digest's check-then-send idempotence, one writer of
    //   the listings); prepare shares it harmlessly, as prepare and publish of one execution never overlap.
    // - NotifyShards: the Map's workers, up to NOTIFY_SHARD_CONCURRENCY at once, so not reserved to 1.
    //   Smaller than publish; one function at publish's size would pay that memory for every worker.
    const notify = new NianbaoFunction(this, 'Notify', {
      name: 'notify',
      description: 'Weekly: prepare and publish phases (digest, site listings); everything at once on a manual invoke',
      timeout: NOTIFY_TIMEOUT,
      memorySize: NOTIFY_MEMORY_MB,
      heapShare: NOTIFY_HEAP_SHARE,
      overrides: props.reserveConcurrency === false ? {} : { reservedConcurrentExecutions: 1 },
    });
    // Run manifests folded from the parts (which it deletes), assessment history, sent digests, the
    // site (stale pages are deleted), and the indexes that spare it re-reading every run and page
    // (outcomes, refold markers, site page hashes).
    notify.useBucket(store, {
      readPattern: '*',
      writePatterns: [
        PREFIXES.runs,
        PREFIXES.runParts,
        PREFIXES.state,
        PREFIXES.digests,
        PREFIXES.site,
        PREFIXES.index,
      ].map(objectsUnder),
    });
    if (props.mail.kind === 'ses') notify.useSes(props.mail.identity, props.mail.from);
    else notify.useSmtp(props.mail.smtpUrl, props.mail.from);
    if (props.recipients.length > 0) notify.function.addEnvironment(CONFIG_ENV.recipients, props.recipients.join(','));

    const notifyShards = new NianbaoFunction(this, 'NotifyShards', {
      name: 'notify',
      service: 'nianbao-notifyShards',
      description: 'Weekly, one Map item: assesses and renders the agencies of some assessment-index shards',
      timeout: NOTIFY_SHARDS_TIMEOUT,
      memorySize: NOTIFY_SHARDS_MEMORY_MB,
      heapShare: NOTIFY_HEAP_SHARE,
      // No reserved concurrency: the Map's MaxConcurrency bounds the workers, and Lambda throttles are
      // retried by the state machine.
    });
    // Assessment states and index shards (index/{year}/assessments/), agency pages and their cache
    // (index/site-agencies/). No mail: the worker never sends, so it gets no SES grant.
    notifyShards.useBucket(store, {
      readPattern: '*',
      writePatterns: [PREFIXES.state, PREFIXES.site, PREFIXES.index].map(objectsUnder),
    });
    // functions/notify.ts reads the mail settings at cold start whatever the phase, so the worker gets
    // them too, inert: no SES grant, and for SMTP the server without its user and password.
    if (props.mail.kind === 'ses') {
      notifyShards.function.addEnvironment(CONFIG_ENV.mailer, 'ses');
      notifyShards.function.addEnvironment(CONFIG_ENV.sesIdentity, props.mail.identity);
    } else {
      const server = new URL(props.mail.smtpUrl);
      server.username = '';
      server.password = '';
      notifyShards.function.addEnvironment(CONFIG_ENV.mailer, 'smtp');
      notifyShards.function.addEnvironment(CONFIG_ENV.smtpUrl, server.toString());
    }
    notifyShards.function.addEnvironment(CONFIG_ENV.mailFrom, props.mail.from);
    const rescan = new NianbaoFunction(this, 'RescanHttp', {
      name: 'rescanHttp',
      description: 'POST {agencyIds?, region?, year?} (SigV4-signed): enqueues a rescan, answers 202 {runId}',
      // A region rescan reads the registry's slices that can hold the region (bench/scale.bench.ts:
      // 7 s of CPU and 224 MB at 30,000 agencies when every slice matches); 256 MB (~0.15 vCPU) did not
      // fit a province.
      timeout: Duration.minutes(1),
      memorySize: 1024,
    });
    // Reads state/ to name the finding a triage fingerprint points at; writes only triage/.
    rescan.useBucket(store, { readPattern: '*', writePatterns: [objectsUnder(PREFIXES.triage)] });
    rescan.useFetchQueue(fetchQueue, maxAgenciesPerJob);
    // AWS_IAM: Lambda rejects any request without a valid SigV4 signature from a principal allowed
    // lambda:InvokeFunctionUrl before the handler runs.
    const rescanUrl = rescan.function.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });

    // ---- Weekly notify state machine -------------------------------------------------------------
    // SetPreparePhase → Prepare → Shards (Map over the prepared shard groups) → SetPublishPhase → Publish.
    // The phase is set by a Pass state on the whole state rather than in a task payload, because the
    // input's year and force are optional and a JSONPath payload fails on a missing path; the handler's
    // schema drops the fields it does not know (groups, executionId…).
    //
    // Standard workflow: it runs up to an hour (Express stops at 5 minutes) and keeps its history. An
    // inline Map is enough for 16 items (a Distributed Map's child executions, item readers and result
    // writers are for thousands of items or payloads over 256 KB; here the groups are a few hundred bytes).
    const invoke = (id: string, fn: NianbaoFunction) => {
      const task = new InvokeFunctionTask(this, id, {
        lambdaFunction: fn.function,
        payloadResponseOnly: true,
        // One retry rule of our own instead of CDK's default, which leaves out throttling: a worker can
        // meet the account's concurrency limit, and publish its reserved 1 while a manual invoke runs.
        retryOnServiceExceptions: false,
      });
      task.addRetry({
        errors: LAMBDA_TRANSIENT_ERRORS,
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 6,
        jitterStrategy: JitterType.FULL,
      });
      return task;
    };
    const prepare = invoke('Prepare', notify);
    const shardWorker = invoke('AssessAndRenderShards', notifyShards);
    // A failed worker does not stop the week: publish assesses and renders every agency still found
    // changed, that worker's shards included (shared/pipeline/weekly-notify.ts); the worker function's
    // error alarm still fires.
    shardWorker.addCatch(new Pass(this, 'LeaveShardsToPublish'), { resultPath: '$.error' });
    const shards = new MapState(this, 'Shards', {
      itemsPath: JsonPath.stringAt('$.groups'),
      itemSelector: {
        source: JsonPath.stringAt('$.source'),
        scheduledTime: JsonPath.stringAt('$.scheduledTime'),
        year: JsonPath.numberAt('$.year'),
        phase: 'shards',
        shards: JsonPath.listAt('$$.Map.Item.Value.shards'),
      },
      maxConcurrency: NOTIFY_SHARD_CONCURRENCY,
      // The workers' figures sit beside the prepared input instead of replacing it.
      resultPath: '$.shardResults',
    }).itemProcessor(shardWorker);
    const weeklyNotifyLogs = new LogGroup(this, 'WeeklyNotifyLogs', {
      // The /aws/vendedlogs/ prefix keeps Step Functions' log delivery off the account's size-limited
      // CloudWatch Logs resource policy.
      logGroupName: `/aws/vendedlogs/states/${this.stackName}-weekly-notify`,
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // First, the fetch queue: a fetch still running at 08:00 (it overran its window) is waited for, polling
    // every FETCH_DRAIN_POLL_MINUTES up to the schedule's digestWaitMinutes, so the digest tells this week's
    // outcomes rather than last week's for the agencies not yet fetched. Past the limit, or when the queue
    // cannot be read, the week goes on as before: a late digest is better than none.
    const assessAndPublish = new Pass(this, 'SetPreparePhase', {
      result: Result.fromString('prepare'),
      resultPath: '$.phase',
    })
      .next(prepare)
      .next(shards)
      .next(new Pass(this, 'SetPublishPhase', { result: Result.fromString('publish'), resultPath: '$.phase' }))
      .next(invoke('Publish', notify));
    const maxFetchWaits = Math.floor(crawl.digestWaitMinutes / FETCH_DRAIN_POLL_MINUTES);
    const countFetchJobs = new CallAwsService(this, 'CountFetchJobs', {
      service: 'sqs',
      action: 'getQueueAttributes',
      parameters: {
        QueueUrl: fetchQueue.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      },
      iamResources: [fetchQueue.queueArn],
      iamAction: 'sqs:GetQueueAttributes',
      // SQS gives every attribute as a string.
      resultSelector: {
        waiting: JsonPath.stringToJson(JsonPath.stringAt('$.Attributes.ApproximateNumberOfMessages')),
        inFlight: JsonPath.stringToJson(JsonPath.stringAt('$.Attributes.ApproximateNumberOfMessagesNotVisible')),
      },
      resultPath: '$.fetchQueue',
    });
    countFetchJobs.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(5), maxAttempts: 2, backoffRate: 2 });
    countFetchJobs.addCatch(assessAndPublish, { resultPath: '$.fetchQueueError' });
    const fetchDrained = new Choice(this, 'FetchDrained')
      .when(
        Condition.or(
          Condition.and(
            Condition.numberEquals('$.fetchQueue.waiting', 0),
            Condition.numberEquals('$.fetchQueue.inFlight', 0),
          ),
          Condition.numberGreaterThanEquals('$.fetchWaits.count', maxFetchWaits),
        ),
        assessAndPublish,
      )
      .otherwise(
        new Wait(this, 'WaitForFetch', { time: WaitTime.duration(Duration.minutes(FETCH_DRAIN_POLL_MINUTES)) })
          .next(
            new Pass(this, 'CountFetchWait', {
              parameters: { 'count.$': 'States.MathAdd($.fetchWaits.count, 1)' },
              resultPath: '$.fetchWaits',
            }),
          )
          .next(countFetchJobs),
      );
    // A manual start with {"skipFetchWait": true} goes straight on (a rescan in the queue need not hold it).
    const waitForFetch = new Choice(this, 'SkipFetchWait')
      .when(
        Condition.and(Condition.isPresent('$.skipFetchWait'), Condition.booleanEquals('$.skipFetchWait', true)),
        assessAndPublish,
      )
      .otherwise(
        new Pass(this, 'StartFetchWait', { result: Result.fromObject({ count: 0 }), resultPath: '$.fetchWaits' })
          .next(countFetchJobs)
          .next(fetchDrained),
      );
    const weeklyNotify = new StateMachine(this, 'WeeklyNotify', {
      comment:
        'Weekly notify: wait (bounded) for the fetch queue to drain; prepare, assess and render the shard groups in parallel, publish digest and site',
      definitionBody: DefinitionBody.fromChainable(waitForFetch),
      // The wait for the fetch, then prepare and publish ≤ 15 minutes each, two waves of workers ≤ 15
      // minutes each, plus retries.
      timeout: Duration.minutes(crawl.digestWaitMinutes + 120),
      // Every state transition (a few dozen a week), so a failed week shows where; payloads stay in the
      // execution history, not in the logs.
      logs: { destination: weeklyNotifyLogs, level: LogLevel.ALL, includeExecutionData: false },
    });
    Validations.of(weeklyNotify).acknowledge({
      id: 'AwsSolutions-SF2',
      reason:
        'X-Ray tracing is off: the functions are not traced either, and the execution history already ' +
        'shows each state with its timing, input, output and error.',
    });

    // ---- Schedules -----------------------------------------------------------------------------
    const scheduleInput = ScheduleTargetInput.fromObject({
      source: 'nianbao.schedule',
      scheduledTime: ContextAttribute.scheduledTime,
      executionId: ContextAttribute.executionId,
      scheduleArn: ContextAttribute.scheduleArn,
    });
    const scheduleRetry = { retryAttempts: 3, maxEventAge: Duration.hours(2), deadLetterQueue: scheduleDlq };

    new Schedule(this, 'WeeklyFetch', {
      description: 'Weekly fetch fan-out (plan → SQS → fetch workers)',
      // Mondays: 02:00 Beijing time (a quiet hour for government sites), or 09:00 for a week-long crawl.
      schedule: ScheduleExpression.cron({
        minute: '0',
        hour: String(crawl.hour),
        weekDay: 'MON',
        timeZone: TimeZone.ASIA_SHANGHAI,
      }),
      target: new LambdaInvoke(plan.function, { input: scheduleInput, ...scheduleRetry }),
    });
    new Schedule(this, 'WeeklyDigest', {
      description: 'Weekly digest and site, after the fetch window',
      // Every Monday at 08:00 Beijing time: six hours after the fetch started, before office hours.
      schedule: ScheduleExpression.cron({ minute: '0', hour: '8', weekDay: 'MON', timeZone: TimeZone.ASIA_SHANGHAI }),
      // Starts one execution a week. Scheduler retries only a start that failed, and an execution ends
      // (2-hour timeout) long before the next Monday, so no guard against overlapping executions is
      // needed; a manual start during a scheduled run is still safe: both compute the same states from
      // the same inputs, and publish, reserved to one instance, sends each week's digest once.
      target: new StepFunctionsStartExecution(weeklyNotify, { input: scheduleInput, ...scheduleRetry }),
    });

    // ---- Alarms --------------------------------------------------------------------------------
    const alarms: Alarm[] = [plan, fetchWorker, parse, notify, notifyShards, rescan].map((fn) => fn.errorsAlarm);
    for (const [id, metric, what] of [
      ['WeeklyNotifyFailedAlarm', weeklyNotify.metricFailed({ period: Duration.minutes(5) }), 'failed'],
      ['WeeklyNotifyTimedOutAlarm', weeklyNotify.metricTimedOut({ period: Duration.minutes(5) }), 'timed out'],
    ] as const) {
      alarms.push(
        metric.createAlarm(this, id, {
          alarmDescription: `The weekly notify ${what}: no digest this week (see the execution's history)`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const [id, queue, what] of [
      ['FetchDeadLettersAlarm', fetchDlq, 'fetch jobs failed 3 times (poisoned message or a bug)'],
      ['ScheduleDeadLettersAlarm', scheduleDlq, 'a schedule could not start its target'],
      ['ParseDeadLettersAlarm', parseDlq, 'a snapshot could not be parsed after retries'],
    ] as const) {
      alarms.push(
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }).createAlarm(this, id, {
          alarmDescription: `Dead-letter queue not empty: ${what}`,
          threshold: 1,
          evaluationPeriods: 1,
        }),
      );
    }
    const alarmTopic = new Topic(this, 'Alarms', { enforceSSL: true });
    if (props.alarmEmail) alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    for (const alarm of alarms) alarm.addAlarmAction(new SnsAction(alarmTopic));

    if (props.siteAllowCidrs && props.siteAllowCidrs.length > 0) {
      const site = new SiteDistribution(this, 'Site', { bucket: store, allowCidrs: props.siteAllowCidrs });
      new CfnOutput(this, 'SiteUrl', { value: `https://${site.distribution.distributionDomainName}/site/index.html` });
      // The digest links to the site through CloudFront (linksFromBase puts the site under /site).
      notify.function.addEnvironment(CONFIG_ENV.siteUrl, `https://${site.distribution.distributionDomainName}`);
    }

    new CfnOutput(this, 'BucketName', { value: store.bucketName });
    new CfnOutput(this, 'RescanUrl', { value: rescanUrl.url });
    new CfnOutput(this, 'RescanFunctionName', { value: rescan.function.functionName });
    new CfnOutput(this, 'PlanFunctionName', { value: plan.function.functionName });
    new CfnOutput(this, 'NotifyFunctionName', { value: notify.function.functionName });
    new CfnOutput(this, 'WeeklyNotifyStateMachineArn', { value: weeklyNotify.stateMachineArn });
    new CfnOutput(this, 'FetchDeadLetterQueueArn', { value: fetchDlq.queueArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'FetchQueueUrl', { value: fetchQueue.queueUrl });
  }
}
