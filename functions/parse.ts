/**
 * Parser, on S3 object-created events under raw/: extracts, parses and validates each new snapshot
 * into results/{year}/{agencyId}/{sha256}.json (processSnapshot, idempotent per parser version).
 *
 * putSnapshot writes the raw bytes first and their .meta.json second, and the parser needs the
 * metadata (content type, charset). So a raw-bytes event is parsed only when its metadata is already
 * there, and a .meta.json event parses the snapshot it describes: whichever arrives last does the work,
 * and a duplicate is a cheap no-op. Results go under results/, outside the trigger's prefix. The
 * agency's level (plausibility checks depend on it) is read from that metadata, where the fetcher
 * wrote it, so this function never loads the registry.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { S3Event } from 'aws-lambda';
import { loadConfig } from '../shared/config/config.ts';
import { sandboxLimitsForMemory } from '../shared/pipeline/parse-sandbox.ts';
import { processSnapshot } from '../shared/pipeline/process-snapshot.ts';
import { keys, parseRawKey } from '../shared/storage/keys.ts';
import { getJson, type ObjectStore } from '../shared/storage/port.ts';
import type { SnapshotMeta } from '../shared/storage/records.ts';
import { createLogger, createMetrics, openBucketStore } from './common/aws.ts';

const config = loadConfig(process.env);
const logger = createLogger('nianbao-parse');
const metrics = createMetrics('nianbao-parse');
const store = openBucketStore(config.bucketName);
// Documents are parsed in a worker thread kept under this function's memory (1536 MB in the stack):
// a decompression bomb becomes a 无法解析 result, not an out-of-memory crash and a retry loop.
const sandboxLimits = sandboxLimitsForMemory(Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE));

export interface ParseSummary {
  parsed: string[];
  skipped: { key: string; reason: string }[];
}

const META_SUFFIX = /^(raw\/\d{4}\/[^/]+\/[0-9a-f]{64})\.meta\.json$/;

export async function handler(event: S3Event): Promise<ParseSummary> {
  const summary: ParseSummary = { parsed: [], skipped: [] };
  for (const record of event.Records) {
    // S3 event keys are URL-encoded with '+' for spaces.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    if (record.s3.bucket.name !== config.bucketName) {
      summary.skipped.push({ key, reason: `other bucket ${record.s3.bucket.name}` });
      continue;
    }
    const rawKey = await rawKeyToParse(store, key);
    if (typeof rawKey !== 'string') {
      summary.skipped.push({ key, reason: rawKey.skip });
      continue;
    }
    // The agency's level comes from the snapshot's metadata (the fetcher records it): no registry here.
    const result = await processSnapshot(store, rawKey, {
      now: () => new Date(),
      limits: sandboxLimits,
    });
    summary.parsed.push(rawKey);
    metrics.addMetric('SnapshotsParsed', MetricUnit.Count, 1);
    metrics.addMetric('Findings', MetricUnit.Count, result.findings.length);
    if (result.report === null) metrics.addMetric('SnapshotsUnparseable', MetricUnit.Count, 1);
    logger.info('snapshot parsed', { rawKey, findings: result.findings.length, parsed: result.report !== null });
  }
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  return summary;
}

/** The raw snapshot key an event key asks to parse, or why it asks for nothing. */
async function rawKeyToParse(store: ObjectStore, key: string): Promise<string | { skip: string }> {
  const raw = parseRawKey(key);
  if (raw) {
    const metaPresent = await store.has(keys.rawMeta(raw.year, raw.agencyId, raw.sha256));
    return metaPresent ? key : { skip: 'metadata not written yet; its own event will trigger the parse' };
  }
  const meta = META_SUFFIX.exec(key);
  if (!meta) return { skip: 'not a raw snapshot key' };
  const described = (await getJson<SnapshotMeta>(store, key))?.key;
  if (!described?.startsWith(`${meta[1]}.`) || !parseRawKey(described)) {
    return { skip: 'metadata does not name a raw snapshot beside it' };
  }
  return (await store.has(described)) ? described : { skip: 'metadata without its raw bytes' };
}
