import { Stack, Validations } from 'aws-cdk-lib';
import {
  type CfnDistribution,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { keys, objectsUnder, PREFIXES } from '../shared/storage/keys.ts';

/** The prefixes the site's pages link to; `state/`, `runs/`, `config/`, `digests/` stay unreadable. */
export const SITE_READABLE_PREFIXES = [PREFIXES.site, PREFIXES.raw, PREFIXES.results] as const;

/** Parses an IPv4 CIDR ('203.0.113.0/24', or a bare address as /32) into [network, prefix length]. */
export function parseIpv4Cidr(cidr: string): [number, number] {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const bits = match?.[5] === undefined ? 32 : Number(match[5]);
  if (!match || octets.some((o) => o > 255) || bits > 32) throw new Error(`Not an IPv4 CIDR: "${cidr}"`);
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [(address & mask) >>> 0, bits];
}

/**
 * Source of the viewer-request CloudFront Function that lets only the listed IPv4 ranges through.
 * A CloudFront Function rather than AWS WAF because a WAF web ACL for CloudFront must live in
 * us-east-1 while this stack deploys to any region; the distribution is IPv4-only so every viewer
 * address is comparable with the list.
 */
export function ipAllowlistFunctionSource(cidrs: readonly string[]): string {
  const ranges = cidrs.map(parseIpv4Cidr);
  return `var ALLOWED = ${JSON.stringify(ranges)};
function toNumber(ip) {
  var parts = ip.split('.');
  if (parts.length !== 4) return -1;
  var value = 0;
  for (var i = 0; i < 4; i++) {
    var octet = Number(parts[i]);
    if (!(octet >= 0 && octet <= 255)) return -1;
    value = value * 256 + octet;
  }
  return value;
}
function handler(event) {
  var ip = toNumber(event.viewer.ip);
  for (var i = 0; ip >= 0 && i < ALLOWED.length; i++) {
    var bits = ALLOWED[i][1];
    var mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((ip & mask) >>> 0) === ALLOWED[i][0]) return event.request;
  }
  return { statusCode: 403, statusDescription: 'Forbidden' };
}
`;
}

export interface SiteDistributionProps {
  bucket: IBucket;
  /** IPv4 ranges of the office network that may browse. */
  allowCidrs: readonly string[];
}

/**
 * The results site through CloudFront: origin access control on the private bucket (read-only, only the
 * prefixes the pages link to), an IP allowlist at the edge, and archived originals served sandboxed.
 */
export class SiteDistribution extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: SiteDistributionProps) {
    super(scope, id);
    if (props.allowCidrs.length === 0) throw new Error('SiteDistribution needs at least one allowed CIDR');
    const allowlist = new EdgeFunction(this, 'IpAllowlist', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'nianbao-watch: only the office network may browse the results',
      code: FunctionCode.fromInline(ipAllowlistFunctionSource(props.allowCidrs)),
    });
    const functionAssociations = [{ function: allowlist, eventType: FunctionEventType.VIEWER_REQUEST }];
    const originAccessControl = new S3OriginAccessControl(this, 'OriginAccess');
    // A plain bucket origin with the access control attached below: CDK's OAC helper would grant the
    // distribution bucket/*; the bucket policy further down grants it only the linked prefixes.
    const origin = S3BucketOrigin.withBucketDefaults(props.bucket);
    const securityHeaders = new ResponseHeadersPolicy(this, 'Headers', {
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      },
    });
    // Archived originals are untrusted HTML: sandboxed, they cannot script the site's origin.
    const sandboxed = new ResponseHeadersPolicy(this, 'SandboxedOriginals', {
      customHeadersBehavior: {
        customHeaders: [{ header: 'Content-Security-Policy', value: 'sandbox', override: true }],
      },
      securityHeadersBehavior: { contentTypeOptions: { override: true } },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'nianbao-watch results site',
      defaultRootObject: keys.site('index.html'),
      enableIpv6: false,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        functionAssociations,
        responseHeadersPolicy: securityHeaders,
      },
      additionalBehaviors: {
        [objectsUnder(PREFIXES.raw)]: {
          origin,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          functionAssociations,
          responseHeadersPolicy: sandboxed,
        },
      },
    });
    (this.distribution.node.defaultChild as CfnDistribution).addPropertyOverride(
      'DistributionConfig.Origins.0.OriginAccessControlId',
      originAccessControl.originAccessControlId,
    );
    const distributionArn = Stack.of(this).formatArn({
      service: 'cloudfront',
      region: '',
      resource: 'distribution',
      resourceName: this.distribution.distributionId,
    });
    props.bucket.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: SITE_READABLE_PREFIXES.map((prefix) => props.bucket.arnForObjects(objectsUnder(prefix))),
        conditions: { StringEquals: { 'AWS:SourceArn': distributionArn } },
      }),
    );
    acknowledgeDistributionFindings(this.distribution);
  }
}

function acknowledgeDistributionFindings(distribution: Distribution): void {
  const reasons: Record<string, string> = {
    'AwsSolutions-CFR1':
      'Access is limited to an allowlist of the office network ranges at the edge (CloudFront Function), ' +
      'which is narrower than any geo restriction.',
    'AwsSolutions-CFR2':
      'A WAF web ACL for CloudFront must be created in us-east-1 while this stack deploys to any region; the ' +
      'IP allowlist is enforced by a viewer-request CloudFront Function instead.',
    'AwsSolutions-CFR3':
      'Standard CloudFront logs need ACL-enabled log buckets, which this stack keeps disabled; requests to ' +
      'the origin are recorded by the store bucket server access logs.',
    'AwsSolutions-CFR7':
      'The origin does use an origin access control, attached by a property override so the bucket policy ' +
      'can grant per prefix; cdk-nag reads construct properties, not overrides (test/infra asserts the id is set).',
    'AwsSolutions-CFR4':
      'The default *.cloudfront.net certificate cannot pin a minimum TLS version; attach a custom domain ' +
      'and ACM certificate (TLSv1.2_2021) when the office has one.',
  };
  for (const [id, reason] of Object.entries(reasons)) Validations.of(distribution).acknowledge({ id, reason });
}
