/**
 * Planner, invoked weekly by EventBridge Scheduler: reads config/registry.yaml from the bucket and
 * enqueues one fetch job per host (at most N agencies each) for the fetch workers. Each job carries its
 * agencies' records (functions/common/fetch-jobs.ts), so the workers and the parser need no registry.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { loadConfig } from '../shared/config/config.ts';
import { crawlCapacity } from '../shared/fetch/crawl-capacity.ts';
import { createLogger, createMetrics, createSqsClient, defaultReportYear, openBucketStore } from './common/aws.ts';
import { agenciesPerHost, enqueueJobs, jobClientOf, planJobsFrom } from './common/fetch-jobs.ts';
import { openRegistry } from './common/registry.ts';

const config = loadConfig(process.env, ['queue']);
const logger = createLogger('nianbao-plan');
const metrics = createMetrics('nianbao-plan');
const store = openBucketStore(config.bucketName);
const sqs = createSqsClient();

/** The input the stack's schedule sends (ScheduleTargetInput with Scheduler context attributes). */
const ScheduledEventSchema = z.object({
  source: z.literal('nianbao.schedule'),
  scheduledTime: z.iso.datetime(),
  executionId: z.string().optional(),
  /** Optional override for a manual invoke: which report year to scan. */
  year: z.number().int().min(2008).max(2100).optional(),
});

export interface PlanResult {
  runId: string;
  year: number;
  agencies: number;
  jobs: number;
}

export async function handler(event: unknown): Promise<PlanResult> {
  const scheduled = ScheduledEventSchema.parse(event);
  const now = new Date(scheduled.scheduledTime);
  // Derived from the scheduled time, so a retried invocation of the same schedule slot gets the same run id.
  const runId = `weekly-${scheduled.scheduledTime.replace(/[-:]/g, '').replace(/\.\d+/, '')}`;
  const year = scheduled.year ?? config.reportYear ?? defaultReportYear(now);
  logger.appendKeys({ runId, year });

  // One pass over the registry, validated slice by slice; only the jobs' small records are kept.
  const registry = await openRegistry(store);
  const jobs = planJobsFrom(registry.agencies, jobClientOf(registry.settings), {
    runId,
    year,
    trigger: 'schedule',
    maxAgenciesPerJob: config.maxAgenciesPerJob,
  });
  const sent = await enqueueJobs(sqs, config.queueUrl, jobs);
  const agencies = jobs.reduce((total, job) => total + job.agencies.length, 0);

  // The weekly fetch has until the digest (the stack's crawl schedule sets the window); a host is one
  // FIFO group, so one whose agencies take longer than that at the polite pace cannot finish.
  const capacity = crawlCapacity(agenciesPerHost(jobs), { windowSeconds: config.crawlWindowHours * 3600 });
  metrics.addMetric('FetchWorkersNeeded', MetricUnit.Count, capacity.workers);
  metrics.addMetric('HostsOverCrawlWindow', MetricUnit.Count, capacity.hostsOverWindow.length);
  if (capacity.hostsOverWindow.length > 0) {
    logger.warn('hosts too large to crawl inside the window at the polite pace', {
      windowHours: config.crawlWindowHours,
      maxAgenciesPerHost: capacity.maxAgenciesPerHost,
      hosts: capacity.hostsOverWindow.slice(0, 20),
    });
  }
  metrics.addMetric('FetchJobsEnqueued', MetricUnit.Count, sent);
  metrics.addMetric('AgenciesPlanned', MetricUnit.Count, agencies);
  metrics.publishStoredMetrics();
  logger.info('fetch jobs enqueued', {
    jobs: sent,
    agencies,
    hosts: capacity.hosts,
    workersNeeded: capacity.workers,
    busiestHostHours: capacity.busiestHostSeconds / 3600,
  });
  return { runId, year, agencies, jobs: sent };
}
