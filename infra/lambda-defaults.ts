import { join } from 'node:path';
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONFIG_ENV } from '../shared/config/config.ts';
import { afterBundlingCommands, FUNCTION_ENTRIES, type FunctionName, LAMBDA_BUNDLE } from './bundling.ts';

/** Repository root: entries, package-lock.json and tsconfig.json are resolved from here. */
export const PROJECT_ROOT = join(import.meta.dirname, '..');

/** Powertools metrics namespace for every function. */
export const METRICS_NAMESPACE = 'nianbao-watch';

export interface NianbaoFunctionProps {
  /** Which handler in functions/ to bundle. */
  name: FunctionName;
  /**
   * Powertools service name (the role's description too), when two functions run one entry with
   * different memory or concurrency. @default `nianbao-${name}`
   */
  service?: string;
  /** Shown in the console; also the Powertools service name. */
  description: string;
  timeout: Duration;
  /** @default 512 */
  memorySize?: number;
  /**
   * V8's old-space limit as a share of `memorySize` (`--max-old-space-size`), for functions whose heap
   * grows with the registry: set explicitly so the heap can use the memory bought for it, whatever
   * default the runtime or V8 (which sizes it from the machine's memory) would pick. The rest of the
   * memory is for buffers (S3 bodies, rendered pages) and the runtime itself.
   * @default V8's default
   */
  heapShare?: number;
  /** Extra NodejsFunction props (dead-letter queue, retry attempts, reserved concurrency…). */
  overrides?: Partial<NodejsFunctionProps>;
}

/**
 * One Lambda with the project's defaults: Node 22 on arm64, esbuild bundle (no Docker), JSON logs in
 * a log group with a retention, Powertools service/namespace, and an alarm on its errors.
 */
/** CDK context flag: Lambda code as an inline stub, not bundled (template assertion tests only). */
export const STUB_CODE_CONTEXT = 'nianbao:stubCode';

export class NianbaoFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: NianbaoFunctionProps) {
    super(scope, id);
    const service = props.service ?? `nianbao-${props.name}`;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role with write access to this function's log group only, instead of the managed
    // AWSLambdaBasicExecutionRole (logs:* on every log group of the account).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${service} execution role`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const settings = {
      role: this.role,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      description: props.description,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // Source maps make stack traces point at functions/*.ts and shared/*.ts.
        NODE_OPTIONS: [
          '--enable-source-maps',
          ...(props.heapShare
            ? [`--max-old-space-size=${Math.floor((props.memorySize ?? 512) * props.heapShare)}`]
            : []),
        ].join(' '),
      },
      ...props.overrides,
    };
    // Template-only tests set the context flag nianbao:stubCode: an inline stub instead of esbuild
    // bundling (seconds instead of half a minute per synth). Deployments and the bundle tests bundle.
    this.function =
      this.node.tryGetContext(STUB_CODE_CONTEXT) === true
        ? new LambdaFunction(this, 'Function', {
            ...settings,
            handler: 'index.handler',
            code: Code.fromInline('exports.handler = async () => {};'),
          })
        : new NodejsFunction(this, 'Function', {
            ...settings,
            entry: join(PROJECT_ROOT, FUNCTION_ENTRIES[props.name]),
            handler: 'handler',
            projectRoot: PROJECT_ROOT,
            depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
            bundling: {
              forceDockerBundling: false,
              format: LAMBDA_BUNDLE.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
              target: LAMBDA_BUNDLE.target,
              minify: LAMBDA_BUNDLE.minify,
              sourceMap: LAMBDA_BUNDLE.sourcemap,
              sourcesContent: LAMBDA_BUNDLE.sourcesContent,
              mainFields: [...LAMBDA_BUNDLE.mainFields],
              banner: LAMBDA_BUNDLE.banner,
              externalModules: [...LAMBDA_BUNDLE.external],
              bundleAwsSDK: true,
              tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
              esbuildArgs: Object.fromEntries(
                Object.entries(LAMBDA_BUNDLE.alias).map(([name, path]) => [`--alias:${name}`, path]),
              ),
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                // pdfjs-dist and the parse worker beside the bundle for the functions that run the report pipeline.
                afterBundling: (_inputDir: string, outputDir: string) =>
                  afterBundlingCommands(props.name, PROJECT_ROOT, outputDir),
              },
            },
          });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the project is built and tested on (node@22 devDependency, vitest, ' +
        'pdfjs-dist 6); it is an active LTS supported by Lambda. Moving to 24 is a tested upgrade, not a flag.',
    });
    this.errorsAlarm = this.function.metricErrors({ period: Duration.minutes(5) }).createAlarm(this, 'ErrorsAlarm', {
      alarmDescription: `${service}: the function threw (see its log group)`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Access to the store bucket with the bucket name beside the grant. Written as explicit statements
   * (not `grantReadWrite`) so the role holds exact actions: no `s3:*Object*` wildcards, no bucket-level
   * configuration reads, and puts/deletes only under the prefixes the function writes.
   *
   * @param readPattern object key pattern this function may read, e.g. 'config/*'
   * @param writePatterns key patterns it may write and delete ([] for read-only)
   */
  useBucket(bucket: IBucket, access: { readPattern: string; writePatterns?: string[] }): void {
    const writePatterns = access.writePatterns ?? [];
    // ListBucket makes a missing key answer 404 instead of 403, which the store port relies on.
    this.role.addToPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(access.readPattern)] }),
    );
    if (writePatterns.length > 0) {
      this.role.addToPolicy(
        new PolicyStatement({
          actions: ['s3:PutObject', 's3:DeleteObject'],
          resources: writePatterns.map((pattern) => bucket.arnForObjects(pattern)),
        }),
      );
    }
    const bucketLogicalId = Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnElement);
    for (const pattern of new Set([access.readPattern, ...writePatterns])) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${pattern}]`,
        reason:
          'Object keys are content hashes and agency ids known only at run time, so object access is granted ' +
          `on a key pattern (${pattern}) inside the one store bucket, never on other buckets.`,
      });
    }
    this.function.addEnvironment(CONFIG_ENV.bucketName, bucket.bucketName);
  }

  /** Permission to enqueue fetch jobs, with the queue URL beside the grant. */
  useFetchQueue(queue: IQueue, maxAgenciesPerJob: number): void {
    queue.grantSendMessages(this.function);
    this.function.addEnvironment(CONFIG_ENV.queueUrl, queue.queueUrl);
    this.function.addEnvironment(CONFIG_ENV.maxAgenciesPerJob, String(maxAgenciesPerJob));
  }

  /** SES sending limited to one verified identity (and one From address), with both beside the grant. */
  useSes(identity: string, mailFrom: string): void {
    const identityArn = Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: identity });
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail', 'ses:SendEmail'],
        resources: [identityArn],
        conditions: { StringEquals: { 'ses:FromAddress': mailFrom } },
      }),
    );
    this.function.addEnvironment(CONFIG_ENV.mailer, 'ses');
    this.function.addEnvironment(CONFIG_ENV.sesIdentity, identity);
    this.function.addEnvironment(CONFIG_ENV.mailFrom, mailFrom);
  }

  /** SMTP sending (China regions, no SES): no AWS permission is involved, only the server URL. */
  useSmtp(smtpUrl: string, mailFrom: string): void {
    this.function.addEnvironment(CONFIG_ENV.mailer, 'smtp');
    this.function.addEnvironment(CONFIG_ENV.smtpUrl, smtpUrl);
    this.function.addEnvironment(CONFIG_ENV.mailFrom, mailFrom);
  }
}
