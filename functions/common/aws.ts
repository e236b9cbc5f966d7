/**
 * What every handler shares: the Powertools logger and metrics, and the AWS clients.
 *
 * Clients take their endpoints from the SDK's own environment variables (`AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL_SES`, …), which is how the integration tests point them at s3rver and
 * aws-ses-v2-local. A custom S3 endpoint also switches to path-style addressing, since S3-compatible
 * servers on an IP address cannot serve virtual-hosted bucket names.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ObjectStore } from '../../shared/storage/port.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';

/** Metrics namespace, the same as infra/lambda-defaults.ts sets in POWERTOOLS_METRICS_NAMESPACE. */
export const METRICS_NAMESPACE = 'nianbao-watch';

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}

export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL) });
}

export function createSqsClient(): SQSClient {
  return new SQSClient({});
}

/** The store the stack provisions: the whole bucket, keys as in shared/storage/keys.ts. */
export function openBucketStore(bucketName: string, client: S3Client = createS3Client()): ObjectStore {
  return new S3Store({ bucket: bucketName, client });
}

/** The report year a run works on when none is given: the last calendar year in Beijing time. */
export { defaultReportYear } from '../../shared/compliance/deadline.ts';
