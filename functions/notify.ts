/**
 * Notifier, started weekly after the fetch window: folds the fetch workers' run parts into run
 * manifests, updates the assessments of the agencies whose inputs changed, sends the week's digest (one
 * message per recipient set; a set already sent this ISO week is skipped) and updates the results site
 * under site/.
 *
 * On AWS a Step Functions state machine runs it in phases (shared/pipeline/weekly-notify.ts):
 * `prepare` (run parts and outcome index) → `shards` for each shard group, in parallel → `publish`
 * (digest, listings, exports). The scheduled event without a phase does all of it in one invocation.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { SHARD_COUNT } from '../shared/compliance/assessment-index.ts';
import { loadConfig } from '../shared/config/config.ts';
import { recipientGroups } from '../shared/notify/digest.ts';
import { runWeeklyDigest } from '../shared/notify/weekly.ts';
import { listingInputsOnce, prepareWeek, runShards, type ShardWorkResult } from '../shared/pipeline/weekly-notify.ts';
import { generateSite } from '../shared/site/generate.ts';
import { linksFromBase } from '../shared/site/links.ts';
import { createLogger, createMetrics, defaultReportYear, openBucketStore } from './common/aws.ts';
import { createMailer } from './common/mailer.ts';
import { registryLoader } from './common/registry.ts';
import { consolidateRunParts } from './common/run-parts.ts';

const config = loadConfig(process.env, ['mail']);
const logger = createLogger('nianbao-notify');
const metrics = createMetrics('nianbao-notify');
const store = openBucketStore(config.bucketName);
const mailer = createMailer(config);
const loadRegistry = registryLoader(store, 0);

const ScheduledEventSchema = z.object({
  source: z.literal('nianbao.schedule'),
  scheduledTime: z.iso.datetime(),
  year: z.number().int().min(2008).max(2100).optional(),
  /** Manual invoke only: send again although this week's digest already went out. */
  force: z.boolean().optional(),
  /** Set by the state machine; absent: every phase in this invocation. */
  phase: z.enum(['prepare', 'shards', 'publish']).optional(),
  /**
   * Set by the state machine's last look at the fetch queue (infra/stack.ts): jobs still waiting or in
   * flight when it stopped waiting. Prepare hands it on to publish, whose digest says the fetch was
   * unfinished.
   */
  fetchQueue: z.object({ waiting: z.number().int().min(0), inFlight: z.number().int().min(0) }).optional(),
  /** phase 'shards': the shards of the assessment index this invocation handles. */
  shards: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(SHARD_COUNT - 1),
    )
    .min(1)
    .max(SHARD_COUNT)
    .optional(),
});

/** What `prepare` returns: the state machine's input for the Map and for `publish`. */
export interface PrepareResult {
  source: 'nianbao.schedule';
  scheduledTime: string;
  year: number;
  force?: boolean;
  /** Handed on from the input (the fetch queue at the state machine's last look) to publish. */
  fetchQueue?: { waiting: number; inFlight: number };
  groups: { shards: number[] }[];
}

export interface NotifyResult {
  isoWeek: string;
  year: number;
  assessed: number;
  sent: number;
  skipped: number;
  sitePages: number;
  /** Agencies whose site pages this invocation made (0 after the shard workers made them). */
  agencyPagesRendered: number;
}

export async function handler(event: unknown): Promise<NotifyResult | PrepareResult | ShardWorkResult> {
  const scheduled = ScheduledEventSchema.parse(event);
  // The scheduled time, not the clock: a retry later the same day still belongs to the same ISO week.
  const now = new Date(scheduled.scheduledTime);
  const year = scheduled.year ?? config.reportYear ?? defaultReportYear(now);
  if (scheduled.phase === 'prepare') return prepare(now, year, scheduled.force, scheduled.fetchQueue);
  const registry = await loadRegistry(now);
  if (scheduled.phase === 'shards') {
    if (!scheduled.shards) throw new Error('phase "shards" needs shards');
    const result = await runShards(store, { registry, year, now, shards: scheduled.shards });
    metrics.addMetric('AgenciesAssessed', MetricUnit.Count, result.assessment.assessed);
    metrics.addMetric('AgencyPagesRendered', MetricUnit.Count, result.site.agenciesRendered);
    metrics.publishStoredMetrics();
    logger.info('shards done', { ...result });
    return result;
  }
  if (scheduled.phase === undefined) await prepare(now, year, scheduled.force);
  const fetchJobsLeft = scheduled.fetchQueue ? scheduled.fetchQueue.waiting + scheduled.fetchQueue.inFlight : 0;
  return publish(now, year, registry, scheduled.force, fetchJobsLeft);
}

async function prepare(
  now: Date,
  year: number,
  force: boolean | undefined,
  fetchQueue?: PrepareResult['fetchQueue'],
): Promise<PrepareResult> {
  const runs = await consolidateRunParts(store);
  if (runs.length > 0) logger.info('run parts consolidated', { runs });
  const prepared = await prepareWeek(store, year);
  return {
    source: 'nianbao.schedule',
    scheduledTime: now.toISOString(),
    year,
    ...(force ? { force } : {}),
    ...(fetchQueue ? { fetchQueue } : {}),
    groups: prepared.groups.map((shards) => ({ shards })),
  };
}

async function publish(
  now: Date,
  year: number,
  registry: Awaited<ReturnType<typeof loadRegistry>>,
  force: boolean | undefined,
  fetchJobsLeft: number,
): Promise<NotifyResult> {
  const recipients = recipientGroups(registry.recipients);
  if (config.recipients.length > 0) recipients.push({ region: [], to: config.recipients });
  // The digest's assessment and the site both list results/ and raw/: once is enough.
  const listed = listingInputsOnce(store);
  const digest = await runWeeklyDigest({
    store: listed,
    registry,
    year,
    now: now.toISOString(),
    mailer,
    from: config.mailFrom,
    recipients,
    ...(config.siteUrl ? { links: linksFromBase(config.siteUrl) } : {}),
    ...(force ? { force: true } : {}),
    ...(fetchJobsLeft > 0 ? { fetchJobsLeft } : {}),
  });
  const site = await generateSite(listed, { registry, now });

  const sent = digest.messages.filter((message) => message.status === 'sent').length;
  const result: NotifyResult = {
    isoWeek: digest.isoWeek,
    year,
    assessed: digest.assessments.length,
    sent,
    skipped: digest.messages.length - sent,
    sitePages: site.pages,
    agencyPagesRendered: site.agenciesRendered,
  };
  metrics.addMetric('AgenciesAssessed', MetricUnit.Count, result.assessed);
  metrics.addMetric('DigestMessagesSent', MetricUnit.Count, sent);
  metrics.addMetric('SitePages', MetricUnit.Count, site.pages);
  metrics.publishStoredMetrics();
  logger.info('weekly digest and site done', { ...result });
  return result;
}
