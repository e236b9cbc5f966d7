/**
 * Rescan endpoint behind a Lambda Function URL with AWS_IAM auth: POST
 * `{"agencyIds"?: string[], "region"?: "河南省/三门峡市", "year"?: 2024}` enqueues fetch jobs for those
 * agencies and answers 202 `{runId, year, agencies, jobs}`; bad input answers 400 with the reason.
 *
 * POST /triage `{"action": "dismiss", "agencyId", "year", "rule"?, "finding"?, "by", "reason"?,
 * "noticeDate"?}` records an official's verdict exactly as `nianbao triage` does (same validation,
 * shared/triage/triage.ts), with the IAM caller in the audit trail, and answers 200 with the entry.
 *
 * Lambda checks the SigV4 signature and the caller's lambda:InvokeFunctionUrl permission before this
 * code runs. The handler still refuses a request that carries no IAM caller, so a URL accidentally
 * switched to auth type NONE does not become an open door.
 */
import { randomBytes } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { loadConfig } from '../shared/config/config.ts';
import type { Agency } from '../shared/registry/agency.ts';
import { parseTriageInput, recordTriage, TriageInputError } from '../shared/triage/triage.ts';
import { createLogger, createMetrics, createSqsClient, defaultReportYear, openBucketStore } from './common/aws.ts';
import { enqueueJobs, jobClientOf, planJobsFrom } from './common/fetch-jobs.ts';
import { openRegistry, sliceFilter } from './common/registry.ts';

const config = loadConfig(process.env, ['queue']);
const logger = createLogger('nianbao-rescan');
const metrics = createMetrics('nianbao-rescan');
const store = openBucketStore(config.bucketName);
const sqs = createSqsClient();

export const RescanRequestSchema = z
  .strictObject({
    agencyIds: z.array(z.string().min(1).max(200)).min(1).max(10_000).optional(),
    /** Region path joined with '/', outermost first. */
    region: z.string().min(1).max(200).optional(),
    year: z.number().int().min(2008).max(2100).optional(),
  })
  .refine((request) => request.agencyIds !== undefined || request.region !== undefined, {
    message: '需要 agencyIds（机构编号列表）或 region（地区路径，如“河南省/三门峡市”）之一',
  });

export type RescanRequest = z.infer<typeof RescanRequestSchema>;

/** Function URL events with AWS_IAM auth carry the verified caller here. */
type IamAuthorizedContext = { authorizer?: { iam?: { userArn?: string; accountId?: string } } };

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const caller = (event.requestContext as IamAuthorizedContext).authorizer?.iam;
  if (!caller?.userArn) return reply(403, { error: '请求未经 AWS IAM 签名认证' });
  if (event.requestContext.http.method !== 'POST') return reply(405, { error: '只接受 POST 请求' });

  let body: unknown;
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    body = JSON.parse(text);
  } catch {
    return reply(400, { error: '请求体不是有效的 JSON' });
  }
  if (event.rawPath === '/triage') return triage(body, caller.userArn);
  const parsed = RescanRequestSchema.safeParse(body);
  if (!parsed.success) {
    return reply(400, {
      error: '请求参数无效',
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  const request = parsed.data;
  const now = new Date();
  const runId = `rescan-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(3).toString('hex')}`;
  const year = request.year ?? config.reportYear ?? defaultReportYear(now);
  const region = request.region?.split('/').filter((part) => part !== '');
  // One pass over the registry, validating only the slices that can hold what was asked for
  // (shared/registry/stream.ts): this function has 256 MB and a fraction of a vCPU, and a province's
  // 20,000 agencies loaded whole did not fit.
  const mayContain = sliceFilter({
    ...(request.agencyIds ? { agencyIds: request.agencyIds } : {}),
    ...(region ? { region } : {}),
  });
  const registry = await openRegistry(store, mayContain ? { mayContain } : {});
  const asked = new Set(request.agencyIds ?? []);
  const known = new Set<string>();
  function* noting(agencies: Iterable<Agency>): Generator<Agency> {
    for (const agency of agencies) {
      if (asked.has(agency.id)) known.add(agency.id);
      yield agency;
    }
  }
  const jobs = planJobsFrom(noting(registry.agencies), jobClientOf(registry.settings), {
    runId,
    year,
    trigger: 'rescan',
    maxAgenciesPerJob: config.maxAgenciesPerJob,
    ...(request.agencyIds ? { agencyIds: request.agencyIds } : {}),
    ...(region ? { region } : {}),
  });
  const unknown = [...asked].filter((id) => !known.has(id));
  if (unknown.length > 0) return reply(400, { error: '名录中没有这些机构编号', agencyIds: unknown });
  const agencies = jobs.reduce((total, job) => total + job.agencies.length, 0);
  if (agencies === 0) return reply(400, { error: '没有符合条件的机构', region: request.region ?? null });

  await enqueueJobs(sqs, config.queueUrl, jobs);
  metrics.addMetric('RescanAgencies', MetricUnit.Count, agencies);
  metrics.publishStoredMetrics();
  logger.info('rescan enqueued', { runId, year, agencies, jobs: jobs.length, caller: caller.userArn });
  return reply(202, { runId, year, agencies, jobs: jobs.length });
}

/** POST /triage: validated like the CLI, recorded with the caller, audited in the store and the log. */
async function triage(body: unknown, callerArn: string): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const input = parseTriageInput(body);
    const registry = await openRegistry(store, { mayContain: (text) => text.includes(input.agencyId) });
    let known = false;
    for (const agency of registry.agencies) known ||= agency.id === input.agencyId;
    if (!known) {
      return reply(400, { error: '名录中没有这个机构编号', agencyId: input.agencyId });
    }
    const entry = await recordTriage(store, input, new Date(), { via: 'http', caller: callerArn });
    logger.info('triage recorded', { ...entry });
    return reply(200, { entry });
  } catch (error) {
    if (error instanceof TriageInputError) return reply(400, { error: '请求参数无效', issues: error.issues });
    throw error;
  }
}

function reply(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}
