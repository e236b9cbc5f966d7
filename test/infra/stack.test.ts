import { App } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, FEATURE_FLAGS } from '../../infra/app.ts';
import { STUB_CODE_CONTEXT } from '../../infra/lambda-defaults.ts';
import { LOG_DELIVERY_ACTIONS } from '../../infra/nag.ts';
import { CRAWL_SCHEDULES, FETCH_DRAIN_POLL_MINUTES } from '../../infra/schedules.ts';
import {
  FETCH_WORKER_TIMEOUT,
  LAMBDA_TRANSIENT_ERRORS,
  type NianbaoStack,
  NOTIFY_HEAP_SHARE,
  NOTIFY_MEMORY_MB,
  NOTIFY_SHARD_CONCURRENCY,
  NOTIFY_SHARDS_MEMORY_MB,
  NOTIFY_SHARDS_TIMEOUT,
  NOTIFY_TIMEOUT,
  VISIBILITY_FACTOR,
} from '../../infra/stack.ts';
import { CONFIG_ENV } from '../../shared/config/config.ts';
import { SHARD_GROUPS, shardGroups } from '../../shared/pipeline/weekly-notify.ts';
import { objectsUnder, PREFIXES } from '../../shared/storage/keys.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The POWERTOOLS_SERVICE_NAME of each of our six functions. */
const OUR_SERVICES = [
  'nianbao-plan',
  'nianbao-fetchWorker',
  'nianbao-parse',
  'nianbao-notify',
  'nianbao-notifyShards',
  'nianbao-rescanHttp',
] as const;

let app: App;
let stack: NianbaoStack;
let template: Template;
let synthError: unknown;

beforeAll(() => {
  // Template assertions only: the functions' code is an inline stub (no esbuild bundling, the slow
  // part). site-distribution.test.ts synthesises with real bundling, and bundle-*.test.ts run the bundles.
  ({ app, stack } = buildApp(new App({ context: { ...FEATURE_FLAGS, [STUB_CODE_CONTEXT]: true } })));
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  template = Template.fromStack(stack);
});

function resourcesOf(type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function logicalIdOf(type: string, predicate: (resource: Resource) => boolean): string {
  const match = Object.entries(resourcesOf(type)).find(([, resource]) => predicate(resource));
  if (!match) throw new Error(`no ${type} matches`);
  return match[0];
}

function functionIdByService(service: string): string {
  return logicalIdOf('AWS::Lambda::Function', (resource) => {
    const env = (resource.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    return env?.POWERTOOLS_SERVICE_NAME === service;
  });
}

describe('cdk-nag AwsSolutions pack', () => {
  it('synthesises with the AwsSolutions checks and no unacknowledged finding', () => {
    expect(synthError).toBeUndefined();
  });

  it('records a written reason with every acknowledgement', () => {
    const acknowledgements: { id: string; reason: string }[] = [];
    for (const construct of stack.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== 'aws:cdk:acknowledged-rules') continue;
        // Recorded as { 'Annotation::<rule id>': reason }.
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledgements.push({ id, reason });
        }
      }
    }
    expect(acknowledgements.map((ack) => ack.id)).toEqual(
      expect.arrayContaining(['Annotation::AwsSolutions-L1', 'Annotation::AwsSolutions-SQS3']),
    );
    for (const ack of acknowledgements) expect(ack.reason.length, ack.id).toBeGreaterThan(40);
  });
});

describe('store bucket', () => {
  it('is encrypted, versioned, private, logs access and keeps current versions forever', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'store/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'expire-noncurrent-raw',
            Prefix: 'raw/',
            NoncurrentVersionExpiration: { NoncurrentDays: 365 },
          }),
        ]),
      },
    });
    const store = resourcesOf('AWS::S3::Bucket')[storeBucketId()] as Resource;
    const rules = (store.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    // Only noncurrent versions ever expire: no rule deletes current objects.
    for (const rule of rules) expect(rule).not.toHaveProperty('ExpirationInDays');
    // The weekly rewrites' old versions (derived data) go after 30 days; results' and raw's stay longer.
    const noncurrentDays = Object.fromEntries(
      rules
        .filter((rule) => rule.Prefix)
        .map((rule) => [rule.Prefix, (rule.NoncurrentVersionExpiration as { NoncurrentDays: number }).NoncurrentDays]),
    );
    expect(noncurrentDays).toEqual({ 'raw/': 365, 'site/': 30, 'run-parts/': 30, 'index/': 30, 'state/': 30 });
  });

  it('denies requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: storeBucketId() },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

function storeBucketId(): string {
  return logicalIdOf('AWS::S3::Bucket', (resource) => resource.Properties.LoggingConfiguration !== undefined);
}

describe('weekly schedules', () => {
  it('runs the planner every Monday 02:00 Beijing time with retries and a dead-letter queue', () => {
    const dlq = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 ? * MON *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [functionIdByService('nianbao-plan'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
      }),
    });
    expect(resourcesOf('AWS::SQS::Queue')).toHaveProperty(dlq.asString());
  });

  it('tells the planner the crawl window its schedule gives (6 h by night, 167 h for a week-long crawl)', () => {
    const planEnv = (stackTemplate: Template) =>
      Object.values(stackTemplate.findResources('AWS::Lambda::Function') as Record<string, Resource>)
        .map((fn) => (fn.Properties.Environment as { Variables?: Record<string, string> } | undefined)?.Variables)
        .find((variables) => variables?.POWERTOOLS_SERVICE_NAME === 'nianbao-plan') ?? {};
    expect(planEnv(template)[CONFIG_ENV.crawlWindowHours]).toBe('6');
    const { app: weekApp, stack: weekStack } = buildApp(
      new App({ context: { ...FEATURE_FLAGS, [STUB_CODE_CONTEXT]: true, 'nianbao:crawlSchedule': 'week' } }),
    );
    weekApp.synth();
    const week = Template.fromStack(weekStack);
    expect(planEnv(week)[CONFIG_ENV.crawlWindowHours]).toBe('167');
    week.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Plan'), 'Arn'] } }),
    });
    expect(() =>
      buildApp(new App({ context: { ...FEATURE_FLAGS, [STUB_CODE_CONTEXT]: true, 'nianbao:crawlSchedule': 'daily' } })),
    ).toThrow(/crawlSchedule must be one of night, week/);
  });

  it('starts the weekly notify state machine every Monday 08:00 Beijing time, after the fetch window', () => {
    const dlq = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 ? * MON *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      Target: Match.objectLike({
        Arn: { Ref: stateMachineId() },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
      }),
    });
    expect(dlq.asString()).toMatch(/ScheduleDeadLetters/);
    // No schedule invokes the notifier directly any more (a manual invoke still can).
    for (const schedule of Object.values(resourcesOf('AWS::Scheduler::Schedule'))) {
      expect(JSON.stringify(schedule.Properties.Target)).not.toContain(functionIdByService('nianbao-notify'));
    }
  });

  it('passes the scheduled time to the handler', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ Input: Match.stringLikeRegexp('<aws.scheduler.scheduled-time>') }),
    });
  });
});

describe('fetch queue', () => {
  it('sends a job to its dead-letter queue after 3 receives', () => {
    const dlq = new Capture();
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 3 },
    });
    expect(resourcesOf('AWS::SQS::Queue')).toHaveProperty(dlq.asString());
  });

  it('is FIFO with explicit deduplication ids, and so is its dead-letter queue', () => {
    const queues = resourcesOf('AWS::SQS::Queue');
    const [fetchQueue, ...others] = Object.values(queues).filter((q) => q.Properties.RedrivePolicy);
    expect(others).toHaveLength(0);
    if (!fetchQueue) throw new Error('no queue with a redrive policy');
    // One message group per host: SQS never hands two jobs of one host to two workers at once.
    expect(fetchQueue.Properties.FifoQueue).toBe(true);
    // The senders set MessageDeduplicationId (run/job id). Content-based deduplication stays off, so
    // SQS rejects a send that forgets the id instead of silently deduplicating by body.
    expect(fetchQueue.Properties.ContentBasedDeduplication ?? false).toBe(false);
    const redrive = fetchQueue.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] } };
    const [dlqId] = redrive.deadLetterTargetArn['Fn::GetAtt'];
    expect(queues[dlqId]?.Properties.FifoQueue).toBe(true);
    // The other dead-letter queues (schedules, parse) stay standard: their senders set no group ids.
    const standard = Object.entries(queues).filter(([id]) => /ScheduleDeadLetters|ParseDeadLetters/.test(id));
    expect(standard).toHaveLength(2);
    for (const [, queue] of standard) expect(queue.Properties.FifoQueue).toBeUndefined();
  });

  it('hides a received job for at least 6× the worker timeout', () => {
    const workerId = functionIdByService('nianbao-fetchWorker');
    const worker = resourcesOf('AWS::Lambda::Function')[workerId] as Resource;
    const queue = Object.values(resourcesOf('AWS::SQS::Queue')).find((q) => q.Properties.RedrivePolicy) as Resource;
    const timeout = worker.Properties.Timeout as number;
    expect(timeout).toBe(FETCH_WORKER_TIMEOUT.toSeconds());
    expect(queue.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(VISIBILITY_FACTOR * timeout);
  });

  it('feeds the worker one job at a time with partial batch failures and bounded concurrency', () => {
    // Batch size 1: on FIFO a failed record sends every later record of its batch back, and each
    // return counts towards maxReceiveCount (see infra/stack.ts).
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionIdByService('nianbao-fetchWorker') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'nianbao-fetchWorker' }) },
      ReservedConcurrentExecutions: 10,
    });
  });

  it('alarms when any dead-letter queue holds a message', () => {
    const queues = resourcesOf('AWS::SQS::Queue');
    const deadLetterIds = Object.keys(queues).filter((id) => /DeadLetters/.test(id));
    expect(deadLetterIds).toHaveLength(3);
    for (const id of deadLetterIds) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
        Threshold: 1,
      });
    }
  });
});

describe('parse trigger', () => {
  it('fires on objects created under raw/ only', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: storeBucketId() },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'raw/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [functionIdByService('nianbao-parse'), 'Arn'] },
          },
        ],
      },
    });
  });

  it('writes only under results/, outside the trigger prefix', () => {
    const roleId = roleIdOf('nianbao-parse');
    const statements = statementsOf(roleId);
    const writes = statements.filter((s) => JSON.stringify(s.Action).includes('s3:PutObject'));
    expect(writes).toHaveLength(1);
    expect(JSON.stringify(writes[0]?.Resource)).toContain('/results/*');
  });
});

describe('write access', () => {
  it('lets each function put and delete only under the prefixes it writes', () => {
    const writesOf = (service: string) =>
      statementsOf(roleIdOf(service))
        .filter((s) => JSON.stringify(s.Action).includes('s3:PutObject'))
        .flatMap((s) => [s.Resource].flat())
        .map((resource) => JSON.stringify(resource).match(/"\/([^"]*)"\]\]\}$/)?.[1]);
    expect(writesOf('nianbao-fetchWorker')).toEqual(['raw/*', 'run-parts/*', 'http-cache/*', 'index/*/snapshots/*']);
    expect(writesOf('nianbao-parse')).toEqual(['results/*']);
    // index/: the outcome index, its refold markers and the site's page hashes (issue 13).
    expect(writesOf('nianbao-notify')).toEqual(['runs/*', 'run-parts/*', 'state/*', 'digests/*', 'site/*', 'index/*']);
    // The Map's workers: assessment states and index shards, agency pages and their cache.
    expect(writesOf('nianbao-notifyShards')).toEqual(['state/*', 'site/*', 'index/*']);
    expect(writesOf('nianbao-plan')).toEqual([]);
    // The triage endpoint (POST /triage) records verdicts, and nothing else.
    expect(writesOf('nianbao-rescanHttp')).toEqual(['triage/*']);
    // Every store prefix (shared/storage/keys.ts) has a writer, except config/ which deployment uploads.
    const written = new Set(
      ['nianbao-fetchWorker', 'nianbao-parse', 'nianbao-notify', 'nianbao-notifyShards', 'nianbao-rescanHttp'].flatMap(
        writesOf,
      ),
    );
    const unwritten = Object.values(PREFIXES).filter((prefix) => !written.has(objectsUnder(prefix)));
    expect(unwritten).toEqual([PREFIXES.config]);
  });
});

describe('results site', () => {
  it('creates no CloudFront distribution unless allowed network ranges are configured', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
  });
});

describe('rescan endpoint', () => {
  it('is a Function URL that requires SigV4 (AWS_IAM)', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [functionIdByService('nianbao-rescanHttp'), 'Arn'] },
    });
  });
});

function roleIdOf(service: string): string {
  const fn = resourcesOf('AWS::Lambda::Function')[functionIdByService(service)] as Resource;
  return (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

function statementsOf(roleId: string): Statement[] {
  return Object.values(resourcesOf('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('least privilege', () => {
  it('grants no action on Resource "*" to any of our functions', () => {
    for (const service of OUR_SERVICES) {
      for (const statement of statementsOf(roleIdOf(service))) {
        expect([statement.Resource].flat(), `${service} ${JSON.stringify(statement.Action)}`).not.toContain('*');
      }
    }
  });

  it('scopes S3 access to the store bucket, and the planner to config/ only', () => {
    const bucket = storeBucketId();
    const planStatements = statementsOf(roleIdOf('nianbao-plan'));
    const getObject = planStatements.find((s) => s.Action === 's3:GetObject');
    expect(getObject?.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/config/*']] });
    expect(planStatements.some((s) => JSON.stringify(s.Action).includes('s3:PutObject'))).toBe(false);
    const list = planStatements.find((s) => s.Action === 's3:ListBucket');
    expect(list?.Resource).toEqual({ 'Fn::GetAtt': [bucket, 'Arn'] });
  });

  it('lets the notifier send mail only as the configured SES identity and From address', () => {
    const resource = new Capture();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleIdOf('nianbao-notify') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ses:SendRawEmail', 'ses:SendEmail'],
            Resource: resource,
            Condition: { StringEquals: { 'ses:FromAddress': 'nianbao@example.org' } },
          }),
        ]),
      },
    });
    expect(JSON.stringify(resource.asObject())).toMatch(/:ses:.*:identity\/example\.org"/);
  });

  it('sets each config key next to the grant that needs it', () => {
    const envOf = (service: string) =>
      (
        (resourcesOf('AWS::Lambda::Function')[functionIdByService(service)] as Resource).Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
    expect(envOf('nianbao-plan')).toHaveProperty(CONFIG_ENV.queueUrl);
    expect(envOf('nianbao-rescanHttp')).toHaveProperty(CONFIG_ENV.queueUrl);
    expect(envOf('nianbao-parse')).not.toHaveProperty(CONFIG_ENV.queueUrl);
    expect(envOf('nianbao-notify')).toMatchObject({
      [CONFIG_ENV.sesIdentity]: 'example.org',
      [CONFIG_ENV.mailer]: 'ses',
    });
    for (const service of OUR_SERVICES) {
      expect(envOf(service)).toHaveProperty(CONFIG_ENV.bucketName);
    }
  });
});

describe('functions', () => {
  it('run Node 22 on arm64 with JSON logs, a log retention and an error alarm each', () => {
    const functions = Object.entries(resourcesOf('AWS::Lambda::Function')).filter(([, fn]) =>
      JSON.stringify(fn.Properties.Environment ?? {}).includes('POWERTOOLS_SERVICE_NAME'),
    );
    expect(functions).toHaveLength(OUR_SERVICES.length);
    for (const [id, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
      });
    }
    for (const logGroup of Object.values(resourcesOf('AWS::Logs::LogGroup'))) {
      expect(logGroup.Properties.RetentionInDays).toBe(90);
    }
  });
});

function stateMachineId(): string {
  return logicalIdOf('AWS::StepFunctions::StateMachine', () => true);
}

type AslState = {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Result?: unknown;
  ResultPath?: string | null;
  Parameters?: unknown;
  ItemsPath?: string;
  ItemSelector?: Record<string, unknown>;
  MaxConcurrency?: number;
  ItemProcessor?: { ProcessorConfig?: { Mode?: string }; StartAt: string; States: Record<string, AslState> };
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  ResultSelector?: Record<string, unknown>;
  Choices?: (AslCondition & { Next: string })[];
  Default?: string;
  Seconds?: number;
};
type AslCondition = {
  And?: AslCondition[];
  Or?: AslCondition[];
  Variable?: string;
  NumericEquals?: number;
  NumericGreaterThanEquals?: number;
  BooleanEquals?: boolean;
  IsPresent?: boolean;
};
type Asl = { StartAt: string; States: Record<string, AslState>; TimeoutSeconds?: number };

/** The state machine's definition, with each `Fn::GetAtt [id, 'Arn']` written as `arn:<id>` and `Ref id` as `ref:<id>`. */
function definition(source: Template = template): Asl {
  const machines = source.findResources('AWS::StepFunctions::StateMachine') as Record<string, Resource>;
  const machine = Object.values(machines)[0] as Resource;
  const join = machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const text = join['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      return ref !== undefined ? `ref:${ref}` : `arn:${(part as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]}`;
    })
    .join('');
  return JSON.parse(text) as Asl;
}

/** The one JSONPath subset the definition uses: `$`, `$.a.b`, and `$$.Map.Item.Value.a`. */
function at(path: string, state: unknown, item?: unknown): unknown {
  const [root, rest] = path.startsWith('$$.Map.Item.Value') ? [item, path.slice(17)] : [state, path.slice(1)];
  if (!/^(\.[A-Za-z]+)*$/.test(rest)) throw new Error(`unsupported path ${path}`);
  return rest
    .split('.')
    .filter(Boolean)
    .reduce<unknown>((value, key) => {
      if (value === null || typeof value !== 'object' || !(key in value)) throw new Error(`States.Runtime: ${path}`);
      return (value as Record<string, unknown>)[key];
    }, root);
}

function select(template: Record<string, unknown>, state: unknown, item?: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) =>
      key.endsWith('.$') ? [key.slice(0, -2), evaluate(value as string, state, item)] : [key, value],
    ),
  );
}

/** A path, or one of the two intrinsic functions the definition uses on one path. */
function evaluate(expression: string, state: unknown, item?: unknown): unknown {
  const toJson = /^States\.StringToJson\((\$[^)]*)\)$/.exec(expression);
  if (toJson) return JSON.parse(at(toJson[1] as string, state, item) as string);
  const add = /^States\.MathAdd\((\$[^,]*), *(-?\d+)\)$/.exec(expression);
  if (add) return (at(add[1] as string, state, item) as number) + Number(add[2]);
  return at(expression, state, item);
}

/** A Choice rule, for the comparisons the definition uses. */
function holds(condition: AslCondition, state: unknown): boolean {
  if (condition.And) return condition.And.every((c) => holds(c, state));
  if (condition.Or) return condition.Or.some((c) => holds(c, state));
  const path = condition.Variable as string;
  if (condition.IsPresent !== undefined) {
    let present = true;
    try {
      at(path, state);
    } catch {
      present = false;
    }
    return present === condition.IsPresent;
  }
  const value = at(path, state);
  if (condition.NumericEquals !== undefined) return value === condition.NumericEquals;
  if (condition.NumericGreaterThanEquals !== undefined)
    return typeof value === 'number' && value >= condition.NumericGreaterThanEquals;
  if (condition.BooleanEquals !== undefined) return value === condition.BooleanEquals;
  throw new Error(`unsupported condition ${JSON.stringify(condition)}`);
}

function withResult(state: unknown, resultPath: string | null | undefined, result: unknown): unknown {
  if (resultPath === null) return state;
  if (resultPath === undefined || resultPath === '$') return result;
  const key = /^\$\.([A-Za-z]+)$/.exec(resultPath)?.[1];
  if (!key) throw new Error(`unsupported ResultPath ${resultPath}`);
  return { ...(state as Record<string, unknown>), [key]: result };
}

/**
 * Runs the definition the way Step Functions would, for the states it uses (Pass, Task, inline Map, Choice,
 * Wait), with `invoke(functionLogicalId, payload)` standing in for each Lambda call and `invoke('sqs:…',
 * parameters)` for each SQS call (a throw is caught by the state's Catch). Returns every call in order and
 * the seconds waited.
 */
function execute(asl: Asl, input: unknown, invoke: (fn: string, payload: unknown) => unknown) {
  const calls: { fn: string; payload: unknown }[] = [];
  let waitedSeconds = 0;
  const run = (machine: Pick<Asl, 'StartAt' | 'States'>, start: unknown): unknown => {
    let name: string | undefined = machine.StartAt;
    let state = start;
    for (let steps = 0; name; steps++) {
      if (steps > 1000) throw new Error('the definition loops');
      const current = machine.States[name] as AslState;
      if (current.Type === 'Choice') {
        name = current.Choices?.find((choice) => holds(choice, state))?.Next ?? current.Default;
        continue;
      }
      if (current.Type === 'Wait') {
        waitedSeconds += current.Seconds ?? 0;
      } else if (current.Type === 'Pass') {
        const result = current.Parameters
          ? select(current.Parameters as Record<string, unknown>, state)
          : current.Result;
        state = withResult(state, current.ResultPath, result ?? state);
      } else if (current.Type === 'Task') {
        const payload = current.Parameters ? select(current.Parameters as Record<string, unknown>, state) : state;
        const resource = current.Resource as string;
        const fn = resource.includes(':aws-sdk:')
          ? resource.replace(/^.*:aws-sdk:/, '')
          : resource.replace(/^arn:/, '');
        calls.push({ fn, payload });
        let result: unknown;
        try {
          result = invoke(fn, payload);
        } catch (error) {
          const caught = current.Catch?.find((rule) => rule.ErrorEquals.includes('States.ALL'));
          if (!caught) throw error;
          state = withResult(state, caught.ResultPath, { Error: String(error) });
          name = caught.Next;
          continue;
        }
        if (current.ResultSelector) result = select(current.ResultSelector, result);
        state = withResult(state, current.ResultPath, result);
      } else if (current.Type === 'Map') {
        const items = at(current.ItemsPath ?? '$', state) as unknown[];
        const processor = current.ItemProcessor as NonNullable<AslState['ItemProcessor']>;
        const results = items.map((item) =>
          run(processor, current.ItemSelector ? select(current.ItemSelector, state, item) : item),
        );
        state = withResult(state, current.ResultPath, results);
      } else {
        throw new Error(`unsupported state type ${current.Type}`);
      }
      name = current.End ? undefined : current.Next;
    }
    return state;
  };
  const output = run(asl, input);
  return { calls, output, waitedSeconds };
}

describe('weekly notify state machine', () => {
  const scheduledTime = '2025-05-12T00:00:00.000Z';
  /** What functions/notify.ts's prepare phase answers (PrepareResult). */
  const prepared = (force?: boolean) => ({
    source: 'nianbao.schedule',
    scheduledTime,
    year: 2024,
    ...(force ? { force } : {}),
    groups: shardGroups().map((shards) => ({ shards })),
  });
  /** The fetch queue's counts at each look, in turn (the last repeats); an Error makes the call fail. */
  type QueueLooks = ({ waiting: number; inFlight: number } | Error)[];
  const runWeek = (
    input: Record<string, unknown>,
    queue: QueueLooks = [{ waiting: 0, inFlight: 0 }],
    asl = definition(),
  ) => {
    const notify = functionIdByService('nianbao-notify');
    let looks = 0;
    const result = execute(asl, input, (fn, payload) => {
      if (fn === 'sqs:getQueueAttributes') {
        const look = queue[Math.min(looks++, queue.length - 1)];
        if (look instanceof Error) throw look;
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(look?.waiting),
            ApproximateNumberOfMessagesNotVisible: String(look?.inFlight),
          },
        };
      }
      const phase = (payload as { phase?: string }).phase;
      if (fn === notify && phase === 'prepare') {
        // As functions/notify.ts's prepare: the fetch queue's last look is handed on to publish.
        const { force, fetchQueue } = payload as { force?: boolean; fetchQueue?: unknown };
        return { ...prepared(force), ...(fetchQueue ? { fetchQueue } : {}) };
      }
      if (phase === 'shards') return { shards: (payload as { shards: number[] }).shards, assessment: {}, site: {} };
      return { isoWeek: '2025-W20' };
    });
    // The Lambda calls, as before the fetch wait; the SQS looks apart.
    return {
      ...result,
      calls: result.calls.filter((call) => !call.fn.startsWith('sqs:')),
      looks: result.calls.filter((call) => call.fn.startsWith('sqs:')),
    };
  };

  it('is Prepare (notify) → Map over the shard groups (worker function) → Publish (notify)', () => {
    const asl = definition();
    const notify = `arn:${functionIdByService('nianbao-notify')}`;
    const worker = `arn:${functionIdByService('nianbao-notifyShards')}`;
    // First the bounded wait for the fetch queue (tested below), then the phases.
    expect(asl.States.FetchDrained?.Choices?.[0]?.Next).toBe('SetPreparePhase');
    expect(asl.States.SetPreparePhase).toMatchObject({ Type: 'Pass', Result: 'prepare', Next: 'Prepare' });
    expect(asl.States.Prepare).toMatchObject({ Type: 'Task', Resource: notify, Next: 'Shards' });
    const map = asl.States.Shards as AslState;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.groups',
      MaxConcurrency: NOTIFY_SHARD_CONCURRENCY,
      Next: 'SetPublishPhase',
    });
    expect(map.ItemProcessor?.ProcessorConfig?.Mode).toBe('INLINE');
    // The Map's output goes beside the prepared input, never over it (Publish needs source, year, force).
    expect(map.ResultPath).toMatch(/^\$\.[A-Za-z]+$/);
    expect(map.ItemSelector).toEqual({
      'source.$': '$.source',
      'scheduledTime.$': '$.scheduledTime',
      'year.$': '$.year',
      phase: 'shards',
      'shards.$': '$$.Map.Item.Value.shards',
    });
    const workerState = map.ItemProcessor?.States[map.ItemProcessor.StartAt] as AslState;
    expect(workerState).toMatchObject({ Type: 'Task', Resource: worker });
    expect(asl.States.SetPublishPhase).toMatchObject({ Type: 'Pass', Result: 'publish', Next: 'Publish' });
    expect(asl.States.Publish).toMatchObject({ Type: 'Task', Resource: notify, End: true });
    expect(asl.TimeoutSeconds).toBeGreaterThan(0);
  });

  it('sends each phase the payload functions/notify.ts expects, carrying year and force through', () => {
    const notify = functionIdByService('nianbao-notify');
    const worker = functionIdByService('nianbao-notifyShards');
    // The schedule's input (infra/stack.ts scheduleInput), and a manual start with year and force.
    const scheduled = { source: 'nianbao.schedule', scheduledTime, executionId: 'e-1', scheduleArn: 'arn:s' };
    const { calls } = runWeek(scheduled);
    // The fetch wait's figures ride along; the handler's schema drops them.
    expect(calls[0]).toEqual({
      fn: notify,
      payload: { ...scheduled, fetchWaits: { count: 0 }, fetchQueue: { waiting: 0, inFlight: 0 }, phase: 'prepare' },
    });
    const workers = calls.filter((call) => call.fn === worker);
    expect(workers).toHaveLength(SHARD_GROUPS);
    expect(workers.map((call) => call.payload)).toEqual(
      shardGroups().map((shards) => ({
        source: 'nianbao.schedule',
        scheduledTime,
        year: 2024,
        phase: 'shards',
        shards,
      })),
    );
    const publish = calls.at(-1);
    expect(publish?.fn).toBe(notify);
    expect(publish?.payload).toMatchObject({ source: 'nianbao.schedule', scheduledTime, year: 2024, phase: 'publish' });
    expect(publish?.payload).not.toHaveProperty('force');
    expect(calls).toHaveLength(SHARD_GROUPS + 2);

    const manual = runWeek({
      source: 'nianbao.schedule',
      scheduledTime,
      year: 2023,
      force: true,
      phase: 'shards',
      skipFetchWait: true,
    });
    expect(manual.looks).toHaveLength(0);
    expect(manual.calls[0]?.payload).toEqual({
      source: 'nianbao.schedule',
      scheduledTime,
      year: 2023,
      force: true,
      skipFetchWait: true,
      phase: 'prepare',
    });
    expect(manual.calls.at(-1)?.payload).toMatchObject({ phase: 'publish', force: true });
  });

  it('waits for a fetch still running, polling the fetch queue, at most the schedule’s digestWaitMinutes', () => {
    const scheduled = { source: 'nianbao.schedule', scheduledTime };
    const poll = FETCH_DRAIN_POLL_MINUTES * 60;
    // Drained at 08:00: no wait.
    const drained = runWeek(scheduled);
    expect(drained.looks).toHaveLength(1);
    expect(drained.waitedSeconds).toBe(0);
    expect(drained.calls[0]?.payload).toMatchObject({ phase: 'prepare' });
    // Jobs waiting, then only in flight, then none: two waits, then the week as usual.
    const late = runWeek(scheduled, [
      { waiting: 12, inFlight: 3 },
      { waiting: 0, inFlight: 2 },
      { waiting: 0, inFlight: 0 },
    ]);
    expect(late.looks).toHaveLength(3);
    expect(late.waitedSeconds).toBe(2 * poll);
    expect(late.calls.map((call) => (call.payload as { phase: string }).phase)).toEqual([
      'prepare',
      ...Array(SHARD_GROUPS).fill('shards'),
      'publish',
    ]);
    // Never drains: the night schedule waits 180 minutes, then goes on.
    const stuck = runWeek(scheduled, [{ waiting: 1, inFlight: 1 }]);
    expect(stuck.waitedSeconds).toBe(CRAWL_SCHEDULES.night.digestWaitMinutes * 60);
    expect(stuck.calls).toHaveLength(SHARD_GROUPS + 2);
    // Publish learns what was left, so the digest can say the fetch was unfinished.
    expect(stuck.calls.at(-1)?.payload).toMatchObject({ phase: 'publish', fetchQueue: { waiting: 1, inFlight: 1 } });
    // The queue cannot be read (after the task's retries): the week goes on at once.
    const blind = runWeek(scheduled, [new Error('AccessDenied')]);
    expect(blind.waitedSeconds).toBe(0);
    expect(blind.calls[0]?.payload).toMatchObject({ phase: 'prepare' });
    // The execution's timeout leaves the phases their two hours after the longest wait.
    expect(definition().TimeoutSeconds).toBe((CRAWL_SCHEDULES.night.digestWaitMinutes + 120) * 60);
  });

  it('with the week-long crawl, stops waiting before the next fetch starts at 09:00', () => {
    const { app: weekApp, stack: weekStack } = buildApp(
      new App({ context: { ...FEATURE_FLAGS, [STUB_CODE_CONTEXT]: true, 'nianbao:crawlSchedule': 'week' } }),
    );
    weekApp.synth();
    const week = definition(Template.fromStack(weekStack));
    const stuck = runWeek({ source: 'nianbao.schedule', scheduledTime }, [{ waiting: 0, inFlight: 1 }], week);
    expect(stuck.waitedSeconds).toBe(CRAWL_SCHEDULES.week.digestWaitMinutes * 60);
    // The digest starts at 08:00: the wait ends before the week's fetch starts.
    expect(8 * 60 + CRAWL_SCHEDULES.week.digestWaitMinutes).toBeLessThan(CRAWL_SCHEDULES.week.hour * 60);
    expect(stuck.calls).toHaveLength(SHARD_GROUPS + 2);
  });

  it('may read the fetch queue’s counts and nothing else of SQS', () => {
    const machine = resourcesOf('AWS::StepFunctions::StateMachine')[stateMachineId()] as Resource;
    const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const sqs = statementsOf(roleId).filter((s) => JSON.stringify(s.Action).includes('sqs:'));
    expect(sqs).toHaveLength(1);
    expect(sqs[0]?.Action).toBe('sqs:GetQueueAttributes');
    const fetchQueue = Object.keys(resourcesOf('AWS::SQS::Queue')).find((id) => id.startsWith('FetchJobs')) as string;
    expect(JSON.stringify(sqs[0]?.Resource)).toContain(fetchQueue);
    const count = definition().States.CountFetchJobs as AslState;
    expect(count.Parameters).toMatchObject({ QueueUrl: `ref:${fetchQueue}` });
  });

  it('retries Lambda service errors and throttling with backoff on every call', () => {
    const asl = definition();
    const map = asl.States.Shards as AslState;
    const tasks = [
      asl.States.Prepare,
      asl.States.Publish,
      map.ItemProcessor?.States[map.ItemProcessor.StartAt],
    ] as AslState[];
    for (const task of tasks) {
      const retry = task.Retry?.find((rule) => rule.ErrorEquals.includes('Lambda.TooManyRequestsException'));
      expect(retry?.ErrorEquals).toEqual(LAMBDA_TRANSIENT_ERRORS);
      expect(retry?.MaxAttempts).toBeGreaterThanOrEqual(3);
      expect(retry?.BackoffRate).toBeGreaterThan(1);
    }
  });

  it('lets publish take over the shards of a worker that failed instead of failing the week', () => {
    const map = definition().States.Shards as AslState;
    const processor = map.ItemProcessor as NonNullable<AslState['ItemProcessor']>;
    const workerState = processor.States[processor.StartAt] as AslState;
    const caught = workerState.Catch?.find((rule) => rule.ErrorEquals.includes('States.ALL'));
    expect(caught).toBeDefined();
    expect(processor.States[caught?.Next as string]?.Type).toBe('Pass');
  });

  it('sizes the phases: publish large and single, the workers smaller and concurrent', () => {
    const fn = (service: string) =>
      (resourcesOf('AWS::Lambda::Function')[functionIdByService(service)] as Resource).Properties;
    expect(fn('nianbao-notify')).toMatchObject({
      MemorySize: NOTIFY_MEMORY_MB,
      Timeout: NOTIFY_TIMEOUT.toSeconds(),
      ReservedConcurrentExecutions: 1,
    });
    expect(fn('nianbao-notifyShards')).toMatchObject({
      MemorySize: NOTIFY_SHARDS_MEMORY_MB,
      Timeout: NOTIFY_SHARDS_TIMEOUT.toSeconds(),
    });
    // The heap may use most of the memory bought for it (V8 would otherwise size it from the machine).
    for (const [service, memory] of [
      ['nianbao-notify', NOTIFY_MEMORY_MB],
      ['nianbao-notifyShards', NOTIFY_SHARDS_MEMORY_MB],
    ] as const) {
      const options = (fn(service).Environment as { Variables: Record<string, string> }).Variables.NODE_OPTIONS;
      expect(options).toContain('--enable-source-maps');
      expect(options).toContain(`--max-old-space-size=${Math.floor(memory * NOTIFY_HEAP_SHARE)}`);
    }
    // Reserving 1 here would run the Map's workers one after another.
    expect(fn('nianbao-notifyShards')).not.toHaveProperty('ReservedConcurrentExecutions');
    expect(NOTIFY_SHARDS_MEMORY_MB).toBeLessThan(NOTIFY_MEMORY_MB);
    // Within Lambda's limits, and the execution outlasts its phases: prepare, two waves, publish.
    expect(NOTIFY_TIMEOUT.toSeconds()).toBeLessThanOrEqual(900);
    const waves = Math.ceil(SHARD_GROUPS / NOTIFY_SHARD_CONCURRENCY);
    expect(definition().TimeoutSeconds).toBeGreaterThan(
      2 * NOTIFY_TIMEOUT.toSeconds() + waves * NOTIFY_SHARDS_TIMEOUT.toSeconds(),
    );
  });

  it('may invoke only the two notify functions, and holds nothing else but log delivery', () => {
    const machine = resourcesOf('AWS::StepFunctions::StateMachine')[stateMachineId()] as Resource;
    const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = statementsOf(roleId);
    const invoke = statements.filter((s) => JSON.stringify(s.Action).includes('lambda:InvokeFunction'));
    const targets = new Set(invoke.flatMap((s) => JSON.stringify(s.Resource).match(/"[A-Za-z0-9]+(?=","Arn")/g) ?? []));
    expect([...targets].sort()).toEqual(
      [functionIdByService('nianbao-notify'), functionIdByService('nianbao-notifyShards')].map((id) => `"${id}`).sort(),
    );
    for (const statement of statements) {
      if (![statement.Resource].flat().includes('*')) continue;
      for (const action of [statement.Action].flat()) expect(LOG_DELIVERY_ACTIONS).toContain(action);
    }
  });

  it('logs every state transition to a log group', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } }],
      },
    });
  });

  it('alarms on a failed or timed-out execution, to the alarm topic', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachineId() } }],
        Threshold: 1,
        AlarmActions: [{ Ref: logicalIdOf('AWS::SNS::Topic', () => true) }],
      });
    }
  });

  it('outputs the state machine ARN', () => {
    template.hasOutput('WeeklyNotifyStateMachineArn', { Value: { Ref: stateMachineId() } });
  });

  it('gives the workers no mail permission and no SMTP password', () => {
    const workerRole = roleIdOf('nianbao-notifyShards');
    expect(JSON.stringify(statementsOf(workerRole))).not.toContain('ses:');
    const { app: smtpApp, stack: smtpStack } = buildApp(
      new App({ context: { ...FEATURE_FLAGS, [STUB_CODE_CONTEXT]: true, 'nianbao:mailer': 'smtp' } }),
    );
    smtpApp.synth();
    const functions = Template.fromStack(smtpStack).findResources('AWS::Lambda::Function') as Record<string, Resource>;
    const envOf = (service: string) =>
      Object.values(functions)
        .map((fn) => (fn.Properties.Environment as { Variables?: Record<string, string> } | undefined)?.Variables)
        .find((variables) => variables?.POWERTOOLS_SERVICE_NAME === service) ?? {};
    expect(envOf('nianbao-notify')[CONFIG_ENV.smtpUrl]).toBe('smtps://user:password@smtp.example.org:465');
    expect(envOf('nianbao-notifyShards')[CONFIG_ENV.smtpUrl]).toBe('smtps://smtp.example.org:465');
  });
});
