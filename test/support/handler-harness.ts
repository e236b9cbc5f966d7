/**
 * What the handler tests share: s3rver as the bucket, a loopback site that serves two agencies'
 * reports, the registry uploaded to config/registry.yaml, and the environment the stack would set.
 * Handlers read their config at module load, so `useHandlerEnvironment` must run before they are imported.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CONFIG_ENV } from '../../shared/config/config.ts';
import type { ObjectStore } from '../../shared/storage/port.ts';
import { S3Store } from '../../shared/storage/s3-store.ts';
import { type S3Harness, startS3rver } from './s3rver-harness.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures');

/** The bucket name the S3 event fixtures carry. */
export const BUCKET = 'nianbao-handlers';
export const QUEUE_URL = 'https://sqs.ap-east-1.amazonaws.com/123456789012/NianbaoWatch-FetchJobs';

/** A real S3/SQS/Function URL event from test/fixtures/events, parsed fresh on every call. */
/**
 * A fixture event; `{{NAME}}` placeholders are replaced from `vars` first (the fetch jobs carry their
 * agencies' URLs, whose port is the loopback site's, known only at run time).
 */
export function loadEvent<T>(name: string, vars: Record<string, string> = {}): T {
  const text = readFileSync(path.join(FIXTURES, 'events', name), 'utf8').replace(
    /\{\{([A-Z_]+)\}\}/g,
    (whole, key: string) => vars[key] ?? whole,
  );
  return JSON.parse(text) as T;
}

/** The report page the fixture site serves for an agency (the 2021 template, named for the agency). */
export function reportPage(agencyName: string): string {
  return readFileSync(path.join(FIXTURES, 'reports/template-2021.html'), 'utf8').replaceAll(
    '卢氏县人民政府',
    agencyName,
  );
}

export interface HandlerEnvironment {
  s3: S3Harness;
  store: ObjectStore;
  siteOrigin: string;
  /** Requests the fixture site answered, by path. */
  siteHits: string[];
  registryYaml: string;
  close(): Promise<void>;
}

export async function useHandlerEnvironment(extraEnv: Record<string, string> = {}): Promise<HandlerEnvironment> {
  const s3 = await startS3rver();
  await s3.createBucket(BUCKET);
  const store = new S3Store({ bucket: BUCKET, client: s3.client });

  const siteHits: string[] = [];
  const pages: Record<string, string> = {
    '/lushi-gov/2024.html': reportPage('卢氏县人民政府'),
    '/lushi-fgw/2024.html': reportPage('卢氏县发展和改革委员会'),
  };
  const site: Server = createServer((request, response) => {
    siteHits.push(request.url ?? '');
    const page = pages[request.url ?? ''];
    if (!page) {
      response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>404</h1>');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const port = (site.address() as AddressInfo).port;
  const siteOrigin = `http://127.0.0.1:${port}`;

  const registryYaml = [
    'respectRobots: false',
    'allowHosts: ["127.0.0.1", "localhost"]',
    'recipients:',
    '  - email: lushi-watch@example.org',
    '    region: 河南省/三门峡市/卢氏县',
    'agencies:',
    '  - id: lushi-gov',
    '    name: 卢氏县人民政府',
    '    level: county-government',
    '    region: 河南省/三门峡市/卢氏县',
    `    reportUrls: { "2024": "${siteOrigin}/lushi-gov/2024.html" }`,
    '  - id: lushi-fgw',
    '    name: 卢氏县发展和改革委员会',
    '    level: county-department',
    '    region: 河南省/三门峡市/卢氏县',
    `    reportUrls: { "2024": "${siteOrigin}/lushi-fgw/2024.html" }`,
    '  - id: mianchi-gov',
    '    name: 渑池县人民政府',
    '    level: county-government',
    '    region: 河南省/三门峡市/渑池县',
    `    reportUrls: { "2024": "http://localhost:${port}/mianchi-gov/2024.html" }`,
    '',
  ].join('\n');
  await s3.client.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: 'config/registry.yaml', Body: registryYaml, ContentType: 'text/yaml' }),
  );

  const env: Record<string, string> = {
    [CONFIG_ENV.bucketName]: BUCKET,
    [CONFIG_ENV.queueUrl]: QUEUE_URL,
    AWS_REGION: 'ap-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    // The SDK's own endpoint and checksum settings: the handlers' clients pick them up unchanged.
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...extraEnv,
  };
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);

  return {
    s3,
    store,
    siteOrigin,
    siteHits,
    registryYaml,
    close: async () => {
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await new Promise<void>((resolve) => site.close(() => resolve()));
      await s3.close();
    },
  };
}
