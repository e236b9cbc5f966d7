import { App } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, FEATURE_FLAGS } from '../../infra/app.ts';
import { STUB_CODE_CONTEXT } from '../../infra/lambda-defaults.ts';
import { FETCH_WORKER_TIMEOUT, type NianbaoStack, VISIBILITY_FACTOR } from '../../infra/stack.ts';
import { CONFIG_ENV } from '../../shared/config/config.ts';
import { objectsUnder, PREFIXES } from '../../shared/storage/keys.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The POWERTOOLS_SERVICE_NAME of each of our five functions. */
const OUR_SERVICES = [
  'nianbao-plan',
  'nianbao-fetchWorker',
  'nianbao-parse',
  'nianbao-notify',
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

  it('runs the notifier every Monday 08:00 Beijing time, after the fetch window', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 ? * MON *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [functionIdByService('nianbao-notify'), 'Arn'] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
        DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
      }),
    });
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
    expect(writesOf('nianbao-fetchWorker')).toEqual(['raw/*', 'run-parts/*', 'http-cache/*']);
    expect(writesOf('nianbao-parse')).toEqual(['results/*']);
    // index/: the outcome index, its refold markers and the site's page hashes (issue 13).
    expect(writesOf('nianbao-notify')).toEqual(['runs/*', 'run-parts/*', 'state/*', 'digests/*', 'site/*', 'index/*']);
    expect(writesOf('nianbao-plan')).toEqual([]);
    // The triage endpoint (POST /triage) records verdicts, and nothing else.
    expect(writesOf('nianbao-rescanHttp')).toEqual(['triage/*']);
    // Every store prefix (shared/storage/keys.ts) has a writer, except config/ which deployment uploads.
    const written = new Set(
      ['nianbao-fetchWorker', 'nianbao-parse', 'nianbao-notify', 'nianbao-rescanHttp'].flatMap(writesOf),
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
    expect(functions).toHaveLength(5);
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
