/**
 * Notifier, invoked weekly by EventBridge Scheduler after the fetch window: folds the fetch workers'
 * run parts into run manifests, updates every agency's assessment, sends the week's digest (one message per recipient set; a set already sent this ISO
 * week is skipped) and regenerates the results site under site/.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { loadConfig } from '../shared/config/config.ts';
import { linksFromBase, recipientGroups } from '../shared/notify/digest.ts';
import { runWeeklyDigest } from '../shared/notify/weekly.ts';
import { generateSite } from '../shared/site/generate.ts';
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
});

export interface NotifyResult {
  isoWeek: string;
  year: number;
  assessed: number;
  sent: number;
  skipped: number;
  sitePages: number;
}

export async function handler(event: unknown): Promise<NotifyResult> {
  const scheduled = ScheduledEventSchema.parse(event);
  // The scheduled time, not the clock: a retry later the same day still belongs to the same ISO week.
  const now = new Date(scheduled.scheduledTime);
  const year = scheduled.year ?? config.reportYear ?? defaultReportYear(now);
  const registry = await loadRegistry(now);
  const runs = await consolidateRunParts(store);
  if (runs.length > 0) logger.info('run parts consolidated', { runs });
  const recipients = recipientGroups(registry.recipients);
  if (config.recipients.length > 0) recipients.push({ region: [], to: config.recipients });

  const digest = await runWeeklyDigest({
    store,
    registry,
    year,
    now: now.toISOString(),
    mailer,
    from: config.mailFrom,
    recipients,
    ...(config.siteUrl ? { links: linksFromBase(config.siteUrl) } : {}),
    ...(scheduled.force ? { force: true } : {}),
  });
  const site = await generateSite(store, { registry, now });

  const sent = digest.messages.filter((message) => message.status === 'sent').length;
  const result: NotifyResult = {
    isoWeek: digest.isoWeek,
    year,
    assessed: digest.assessments.length,
    sent,
    skipped: digest.messages.length - sent,
    sitePages: site.pages,
  };
  metrics.addMetric('AgenciesAssessed', MetricUnit.Count, result.assessed);
  metrics.addMetric('DigestMessagesSent', MetricUnit.Count, sent);
  metrics.addMetric('SitePages', MetricUnit.Count, site.pages);
  metrics.publishStoredMetrics();
  logger.info('weekly digest and site done', { ...result });
  return result;
}
