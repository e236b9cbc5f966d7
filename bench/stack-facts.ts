/**
 * What the cost model needs to know of the deployed stack, read from the synthesised CloudFormation
 * template of infra/stack.ts (functions as inline stubs, no bundling), so the bench never copies a
 * memory size, timeout, concurrency, retention or lifecycle rule that could drift from the stack.
 */
import { App } from 'aws-cdk-lib';
import { buildApp, FEATURE_FLAGS } from '../infra/app.ts';
import { STUB_CODE_CONTEXT } from '../infra/lambda-defaults.ts';
import { CONFIG_ENV } from '../shared/config/config.ts';

export interface FunctionFacts {
  /** POWERTOOLS_SERVICE_NAME, e.g. nianbao-fetchWorker. */
  service: string;
  memoryMb: number;
  timeoutS: number;
  reservedConcurrency: number | undefined;
  /** Plain-string environment variables the stack sets (references to other resources left out). */
  environment: Record<string, string>;
}

export interface StackFacts {
  functions: Record<string, FunctionFacts>;
  /** The SQS event source of the fetch worker. */
  fetchEventSource: { batchSize: number; maximumConcurrency: number | undefined };
  alarms: number;
  /** Log group retention (days) of our functions' log groups (the longest, if they differ). */
  logRetentionDays: number;
  /** Store bucket: noncurrent versions under each prefix expire after this many days (absent: never). */
  noncurrentDaysByPrefix: Record<string, number>;
  /** Access-log bucket: objects expire after this many days. */
  accessLogExpirationDays: number | undefined;
  /** The two weekly schedules (fetch, digest). */
  schedules: number;
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** Synthesises the stack with stub code and reads the facts (~10 s: CDK and cdk-nag). */
export function readStackFacts(): StackFacts {
  const { app, stack } = buildApp(new App({ context: { ...FEATURE_FLAGS, [STUB_CODE_CONTEXT]: true } }));
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, Resource> };
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

  const functions: Record<string, FunctionFacts> = {};
  const idToService = new Map<string, string>();
  for (const [id, resource] of ofType('AWS::Lambda::Function')) {
    const props = resource.Properties ?? {};
    const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {}) as Record<string, unknown>;
    const service = variables.POWERTOOLS_SERVICE_NAME;
    if (typeof service !== 'string') continue; // CDK's own helper functions
    idToService.set(id, service);
    functions[service] = {
      service,
      memoryMb: Number(props.MemorySize),
      timeoutS: Number(props.Timeout),
      reservedConcurrency:
        props.ReservedConcurrentExecutions === undefined ? undefined : Number(props.ReservedConcurrentExecutions),
      environment: Object.fromEntries(
        Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      ),
    };
  }

  let fetchEventSource: StackFacts['fetchEventSource'] | undefined;
  for (const [, resource] of ofType('AWS::Lambda::EventSourceMapping')) {
    const props = resource.Properties ?? {};
    const target = idToService.get(String((props.FunctionName as { Ref?: string } | undefined)?.Ref));
    if (target !== 'nianbao-fetchWorker') continue;
    fetchEventSource = {
      batchSize: Number(props.BatchSize ?? 10),
      maximumConcurrency: (props.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency,
    };
  }
  if (!fetchEventSource) throw new Error('stack facts: no SQS event source on the fetch worker');

  const retentions = ofType('AWS::Logs::LogGroup').map(([, r]) => Number(r.Properties?.RetentionInDays ?? 0));

  const noncurrentDaysByPrefix: Record<string, number> = {};
  let accessLogExpirationDays: number | undefined;
  for (const [, resource] of ofType('AWS::S3::Bucket')) {
    const props = resource.Properties ?? {};
    const rules =
      (props.LifecycleConfiguration as { Rules?: Record<string, unknown>[] } | undefined)?.Rules ?? ([] as never[]);
    const isStore = props.LoggingConfiguration !== undefined;
    for (const rule of rules) {
      const noncurrent = (rule.NoncurrentVersionExpiration as { NoncurrentDays?: number } | undefined)?.NoncurrentDays;
      if (isStore && noncurrent !== undefined) noncurrentDaysByPrefix[String(rule.Prefix ?? '')] = noncurrent;
      if (!isStore && rule.ExpirationInDays !== undefined) accessLogExpirationDays = Number(rule.ExpirationInDays);
    }
  }

  return {
    functions,
    fetchEventSource,
    alarms: ofType('AWS::CloudWatch::Alarm').length,
    logRetentionDays: Math.max(0, ...retentions),
    noncurrentDaysByPrefix,
    accessLogExpirationDays,
    schedules: ofType('AWS::Scheduler::Schedule').length,
  };
}

/** The function facts of one of our services, or an error naming what the stack has. */
export function functionFacts(facts: StackFacts, service: string): FunctionFacts {
  const found = facts.functions[service];
  if (!found) throw new Error(`stack facts: no function ${service} (have ${Object.keys(facts.functions).join(', ')})`);
  return found;
}

/** The planner's agencies-per-job setting as the stack passes it. */
export function maxAgenciesPerJob(facts: StackFacts): number {
  return Number(functionFacts(facts, 'nianbao-plan').environment[CONFIG_ENV.maxAgenciesPerJob]);
}

/** The crawl window the deployed planner sizes the fetch against, in seconds. */
export function crawlWindowSeconds(facts: StackFacts): number {
  return Number(functionFacts(facts, 'nianbao-plan').environment[CONFIG_ENV.crawlWindowHours]) * 3600;
}
