/**
 * Asks the deployed stack to rescan agencies, with a SigV4-signed POST to the rescan Function URL
 * (auth type AWS_IAM). Credentials come from the usual AWS chain (AWS_PROFILE, environment, SSO…);
 * the caller needs lambda:InvokeFunctionUrl on the rescan function.
 *
 *   npx tsx scripts/rescan.ts https://<id>.lambda-url.<region>.on.aws/ --agency lushi-gov --agency lushi-fgw
 *   npx tsx scripts/rescan.ts https://<id>.lambda-url.<region>.on.aws/ --region 河南省/三门峡市 --year 2024
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';

export interface RescanBody {
  agencyIds?: string[];
  region?: string;
  year?: number;
}

export interface SignedRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The region in a Function URL host: `<url-id>.lambda-url.<region>.on.aws`. */
export function regionOfFunctionUrl(url: string): string {
  const match = /^[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(new URL(url).hostname);
  if (!match?.[1]) throw new Error(`Not a Lambda Function URL: ${url}`);
  return match[1];
}

/** Signs the rescan POST for the Lambda service (SigV4, payload hash included). */
export async function signRescanRequest(options: {
  url: string;
  body: RescanBody;
  credentials: AwsCredentials;
  region?: string;
  signingDate?: Date;
}): Promise<SignedRequest> {
  const url = new URL(options.url);
  const body = JSON.stringify(options.body);
  const signer = new SignatureV4({
    service: 'lambda',
    region: options.region ?? regionOfFunctionUrl(options.url),
    credentials: options.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname || '/',
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, 'content-type': 'application/json' },
      body,
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return { method: 'POST', url: url.toString(), headers: signed.headers, body };
}

function parseArgs(argv: string[]): { url: string; body: RescanBody } {
  const [url, ...rest] = argv;
  if (!url || url.startsWith('-'))
    throw new Error('用法：rescan.ts <函数 URL> [--agency ID]… [--region 路径] [--year 年份]');
  const body: RescanBody = {};
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) throw new Error(`${flag} 缺少取值`);
    if (flag === '--agency') body.agencyIds = [...(body.agencyIds ?? []), value];
    else if (flag === '--region') body.region = value;
    else if (flag === '--year') body.year = Number(value);
    else throw new Error(`未知选项：${flag}`);
  }
  return { url, body };
}

async function main(): Promise<void> {
  const { url, body } = parseArgs(process.argv.slice(2));
  // Any SDK client resolves the default credential chain; SQS is already a dependency.
  const credentials = await new SQSClient({}).config.credentials();
  const request = await signRescanRequest({ url, body, credentials });
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  console.log(`${response.status} ${await response.text()}`);
  if (!response.ok) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  });
}
