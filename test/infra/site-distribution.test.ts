import { runInNewContext } from 'node:vm';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, FEATURE_FLAGS } from '../../infra/app.ts';
import { ipAllowlistFunctionSource, parseIpv4Cidr } from '../../infra/site-distribution.ts';

type Viewer = { viewer: { ip: string }; request: { uri: string } };
type EdgeHandler = (event: Viewer) => { statusCode?: number; uri?: string };

function allowlist(cidrs: string[]): EdgeHandler {
  const sandbox: { handler?: EdgeHandler } = {};
  runInNewContext(`${ipAllowlistFunctionSource(cidrs)}\nthis.handler = handler;`, sandbox);
  return sandbox.handler as EdgeHandler;
}

describe('IP allowlist CloudFront Function', () => {
  const handler = allowlist(['203.0.113.0/24', '198.51.100.7']);
  const request = (ip: string) => handler({ viewer: { ip }, request: { uri: '/site/index.html' } });

  it('passes viewers inside an allowed range through unchanged', () => {
    expect(request('203.0.113.0')).toEqual({ uri: '/site/index.html' });
    expect(request('203.0.113.255')).toEqual({ uri: '/site/index.html' });
    expect(request('198.51.100.7')).toEqual({ uri: '/site/index.html' });
  });

  it('answers 403 to everyone else, IPv6 and malformed addresses included', () => {
    for (const ip of ['203.0.114.1', '203.0.112.255', '198.51.100.8', '2001:db8::1', '', '1.2.3']) {
      expect(request(ip), ip).toMatchObject({ statusCode: 403 });
    }
  });

  it('refuses ranges that are not IPv4 CIDRs', () => {
    expect(() => parseIpv4Cidr('203.0.113.0/33')).toThrow(/CIDR/);
    expect(() => parseIpv4Cidr('2001:db8::/32')).toThrow(/CIDR/);
    expect(parseIpv4Cidr('10.1.2.3/8')).toEqual([10 * 2 ** 24, 8]);
  });
});

describe('results site distribution (nianbao:siteAllowCidrs set)', () => {
  let template: Template;
  let synthError: unknown;

  beforeAll(() => {
    const app = new App({ context: { ...FEATURE_FLAGS, 'nianbao:siteAllowCidrs': '203.0.113.0/24,198.51.100.7' } });
    const { stack } = buildApp(app);
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
    template = Template.fromStack(stack);
  });

  it('still passes the AwsSolutions checks', () => {
    expect(synthError).toBeUndefined();
  });

  it('serves the private bucket through origin access control, HTTPS only, behind the allowlist', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'site/index.html',
        IPV6Enabled: false,
        Origins: [Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [Match.anyValue(), 'Id'] } })],
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: 'raw/*',
            FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
          }),
        ],
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        CustomHeadersConfig: { Items: [{ Header: 'Content-Security-Policy', Value: 'sandbox', Override: true }] },
      }),
    });
  });

  it('lets the distribution read only site/, raw/ and results/', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    const statements = policies.flatMap(
      (policy) =>
        (
          policy.Properties.PolicyDocument as {
            Statement: { Principal?: unknown; Action: unknown; Resource: unknown }[];
          }
        ).Statement,
    );
    const cloudfront = statements.filter((s) => JSON.stringify(s.Principal ?? '').includes('cloudfront.amazonaws.com'));
    expect(cloudfront).toHaveLength(1);
    expect(cloudfront[0]?.Action).toBe('s3:GetObject');
    const prefixes = [cloudfront[0]?.Resource]
      .flat()
      .map((resource) => JSON.stringify(resource).match(/"\/([^"]*)"\]\]\}$/)?.[1]);
    expect(prefixes).toEqual(['site/*', 'raw/*', 'results/*']);
  });

  it('gives the notifier the CloudFront address, so the digest links to the site', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const notify = functions.find((f) =>
      JSON.stringify(f.Properties.Environment ?? {}).includes('"POWERTOOLS_SERVICE_NAME":"nianbao-notify"'),
    );
    expect(notify).toBeDefined();
    const environment = (notify as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties
      .Environment;
    const siteUrl = environment.Variables.NIANBAO_SITE_URL;
    expect(JSON.stringify(siteUrl)).toMatch(
      /^\{"Fn::Join":\["",\["https:\/\/",\{"Fn::GetAtt":\["\w*Distribution\w*","DomainName"\]\}\]\]\}$/,
    );
  });
});
