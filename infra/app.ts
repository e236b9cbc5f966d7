/**
 * CDK app entry (`npx cdk synth`, `npx cdk deploy`). Environment-agnostic: no account or region is
 * looked up, so synth works offline; deploy targets whatever `AWS_PROFILE`/`AWS_REGION` say.
 *
 * Settings come from CDK context (cdk.json, or `-c key=value` on the command line); see README "Deploy on AWS".
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeGeneratedConstructFindings } from './nag.ts';
import { CRAWL_SCHEDULES, type CrawlScheduleName, type MailSettings, NianbaoStack } from './stack.ts';

/**
 * Feature flags this app relies on. Set here rather than only in cdk.json so tests building the app
 * in-process get the same template as `cdk synth`.
 */
export const FEATURE_FLAGS = {
  // Grant log delivery through a bucket policy instead of the legacy LogDeliveryWrite ACL, so both
  // buckets can keep ACLs disabled (BucketOwnerEnforced).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
} as const;

export function buildApp(app: App = new App({ context: { ...FEATURE_FLAGS } })): { app: App; stack: NianbaoStack } {
  const context = (key: string): string | undefined => {
    const value = app.node.tryGetContext(`nianbao:${key}`);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const from = context('mailFrom') ?? 'nianbao@example.org';
  const mail: MailSettings =
    context('mailer') === 'smtp'
      ? { kind: 'smtp', smtpUrl: context('smtpUrl') ?? 'smtps://user:password@smtp.example.org:465', from }
      : { kind: 'ses', identity: context('sesIdentity') ?? 'example.org', from };
  const stack = new NianbaoStack(app, context('stackName') ?? 'NianbaoWatch', {
    description: 'nianbao-watch: weekly compliance monitor for government information-disclosure annual reports',
    mail,
    recipients: (context('recipients') ?? '').split(',').filter((address) => address.trim() !== ''),
    fetchConcurrency: numberContext(context('fetchConcurrency')),
    reserveConcurrency: context('reserveConcurrency') !== 'false',
    maxAgenciesPerJob: numberContext(context('maxAgenciesPerJob')),
    noncurrentSnapshotDays: numberContext(context('noncurrentSnapshotDays')),
    crawlSchedule: crawlScheduleContext(context('crawlSchedule')),
    alarmEmail: context('alarmEmail'),
    siteAllowCidrs: (context('siteAllowCidrs') ?? '').split(',').filter((cidr) => cidr.trim() !== ''),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeGeneratedConstructFindings(stack);
  return { app, stack };
}

function numberContext(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new Error(`CDK context value must be a number, got "${value}"`);
  return number;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}

function crawlScheduleContext(value: string | undefined): CrawlScheduleName | undefined {
  if (value === undefined) return undefined;
  if (value in CRAWL_SCHEDULES) return value as CrawlScheduleName;
  throw new Error(
    `CDK context nianbao:crawlSchedule must be one of ${Object.keys(CRAWL_SCHEDULES).join(', ')}, got "${value}"`,
  );
}
