/**
 * Which addresses the fetcher may connect to. Registry URLs and redirects come from the open web, so
 * a hostile or broken site must not make us reach loopback, the private network or a cloud metadata
 * service. The caller connects to the exact address checked here (see http.ts), so a DNS answer that
 * changes between check and connect (rebinding) cannot slip through.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** DNS resolution, injectable (tests, benchmarks with many host names on loopback). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/** Cloud metadata endpoints (AWS/GCP/Azure IPv4, AWS IPv6, Alibaba Cloud). Refused unless named exactly. */
export const METADATA_ADDRESSES = ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200'];

type IPv4Range = ReturnType<ipaddr.IPv4['range']>;
type IPv6Range = ReturnType<ipaddr.IPv6['range']>;

const REFUSED_V4: Partial<Record<IPv4Range, string>> = {
  unspecified: '未指定地址',
  broadcast: '广播地址',
  multicast: '组播地址',
  linkLocal: '链路本地地址',
  loopback: '回环地址',
  carrierGradeNat: '运营商级 NAT 地址',
  private: '内网地址',
  reserved: '保留地址',
};
const REFUSED_V6: Partial<Record<IPv6Range, string>> = {
  unspecified: '未指定地址',
  multicast: '组播地址',
  linkLocal: '链路本地地址',
  loopback: '回环地址',
  uniqueLocal: '唯一本地地址',
  reserved: '保留地址',
};
// ipaddr.js 2.x names these ranges but its type union omits them.
const REFUSED_V6_EXTRA: Record<string, string> = {
  deprecatedSiteLocal: '站点本地地址',
  discard: '丢弃地址',
};

export interface AddressVerdict {
  allowed: boolean;
  /** Chinese reason when refused ('回环地址', '云元数据地址', …). */
  reason: string | null;
}

/** The allowlist, parsed once: host names (exact, case-insensitive), IPs and CIDRs. */
export class AllowList {
  readonly #hosts = new Set<string>();
  readonly #ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  readonly #exact = new Set<string>();

  constructor(entries: readonly string[] = []) {
    for (const raw of entries) {
      const entry = raw
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, '');
      if (entry === '') continue;
      if (ipaddr.isValidCIDR(entry)) {
        const [address, bits] = ipaddr.parseCIDR(entry);
        this.#ranges.push([address, bits]);
        if ((address.kind() === 'ipv4' && bits === 32) || (address.kind() === 'ipv6' && bits === 128)) {
          this.#exact.add(normalize(address));
        }
      } else if (ipaddr.isValid(entry)) {
        const address = ipaddr.parse(entry);
        this.#ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
        this.#exact.add(normalize(address));
      } else {
        this.#hosts.add(entry.replace(/\.$/, ''));
      }
    }
  }

  hasHost(hostname: string): boolean {
    return this.#hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
  }

  /** Whether the address falls in an allowed range (`exactOnly`: only an exactly named address counts). */
  hasAddress(address: ipaddr.IPv4 | ipaddr.IPv6, exactOnly = false): boolean {
    if (this.#exact.has(normalize(address))) return true;
    if (exactOnly) return false;
    return this.#ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  }
}

function normalize(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  return address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toNormalizedString() : address.toString();
}

/** Unwraps IPv4-mapped IPv6 (::ffff:a.b.c.d) so the IPv4 rules apply to it. */
function effective(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

/** IPv6 forms that carry an IPv4 address inside them, and which one(s). */
interface EmbeddedIPv4 {
  /** Chinese name of the form, for the reason. */
  form: string;
  addresses: ipaddr.IPv4[];
  /** Tunnels and deprecated forms are refused even around a public IPv4 (we would not know where they lead). */
  alwaysRefused: boolean;
}

function v4From(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([(high >> 8) & 255, high & 255, (low >> 8) & 255, low & 255]);
}

/**
 * The IPv4 inside an IPv6 address (mapped forms are unwrapped earlier by `effective`):
 * IPv4-compatible `::a.b.c.d` (::/96, deprecated), SIIT `::ffff:0:a.b.c.d` (RFC 6145), NAT64
 * `64:ff9b::a.b.c.d` (RFC 6052; the local-use 64:ff9b:1::/48 has no fixed place for it), 6to4
 * `2002:AABB:CCDD::/48` and Teredo `2001:0:SERVER:…:~CLIENT` (both its server and its client).
 */
function embeddedIPv4(address: ipaddr.IPv6): EmbeddedIPv4 | null {
  const p = address.parts as number[];
  const zero = (from: number, to: number) => p.slice(from, to).every((part) => part === 0);
  if (zero(0, 6) && !(p[6] === 0 && (p[7] as number) <= 1)) {
    return { form: 'IPv4 兼容地址', addresses: [v4From(p[6] as number, p[7] as number)], alwaysRefused: true };
  }
  if (zero(0, 4) && p[4] === 0xffff && p[5] === 0) {
    return { form: 'IPv4 转换地址', addresses: [v4From(p[6] as number, p[7] as number)], alwaysRefused: true };
  }
  if (p[0] === 0x64 && p[1] === 0xff9b) {
    if (zero(2, 6))
      return { form: 'NAT64 地址', addresses: [v4From(p[6] as number, p[7] as number)], alwaysRefused: false };
    return { form: 'NAT64 本地地址', addresses: [], alwaysRefused: true };
  }
  if (p[0] === 0x2002) {
    return { form: '6to4 地址', addresses: [v4From(p[1] as number, p[2] as number)], alwaysRefused: true };
  }
  if (p[0] === 0x2001 && p[1] === 0) {
    const client = v4From(~(p[6] as number) & 0xffff, ~(p[7] as number) & 0xffff);
    return { form: 'Teredo 地址', addresses: [v4From(p[2] as number, p[3] as number), client], alwaysRefused: true };
  }
  return null;
}

/**
 * Parses an address as the kernel will read it. ipaddr.js reads `::127.0.0.1` (IPv4-compatible) as if
 * it were `::ffff:127.0.0.1` (mapped); WHATWG URL canonicalises dotted IPv6 tails to hex correctly
 * (`::7f00:1`), so dotted IPv6 goes through it first. The string we connect to is the one checked.
 */
function parseExact(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.includes(':') && address.includes('.')) {
    return ipaddr.parse(new URL(`http://[${address}]/`).hostname.replace(/^\[|\]$/g, ''));
  }
  return ipaddr.parse(address);
}

const METADATA_REASON = '云元数据地址';
const METADATA = METADATA_ADDRESSES.map((a) => normalize(ipaddr.parse(a)));

/** Reason the IPv4 rules (and the metadata list) give an address, ignoring any allowlist. */
function ipv4Refusal(address: ipaddr.IPv4): string | undefined {
  if (METADATA.includes(normalize(address))) return METADATA_REASON;
  return REFUSED_V4[address.range()];
}

/**
 * Verdict for one IP address. Loopback, private (10/8, 172.16/12, 192.168/16), link-local, CGNAT
 * (100.64/10), unique-local (fc00::/7), unspecified, multicast, broadcast and reserved addresses are
 * refused, as are IPv4-mapped IPv6 forms of them, unless the allowlist covers them. Cloud metadata
 * addresses are refused unless the allowlist names that exact address (a wide CIDR is not enough).
 * IPv6 forms embedding an IPv4 (IPv4-compatible, SIIT, NAT64, 6to4, Teredo) are refused when the
 * embedded IPv4 is refused (the allowlist of that IPv4 does not carry over); all but NAT64 are refused
 * around public IPv4 too (deprecated or tunnels); only an allowlist entry for the IPv6 itself opens one.
 */
export function checkAddress(address: string, allow: AllowList = new AllowList()): AddressVerdict {
  const cleaned = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = parseExact(cleaned);
  } catch {
    return { allowed: false, reason: '无法识别的地址' };
  }
  const target = effective(parsed);

  if (METADATA.includes(normalize(target))) {
    return allow.hasAddress(target, true)
      ? { allowed: true, reason: null }
      : { allowed: false, reason: METADATA_REASON };
  }
  const embedded = target.kind() === 'ipv6' ? embeddedIPv4(target as ipaddr.IPv6) : null;
  if (embedded) {
    const inner = embedded.addresses
      .map((v4) => ({ v4, reason: ipv4Refusal(v4) }))
      .find((entry) => entry.reason !== undefined);
    if (inner?.reason === METADATA_REASON && !allow.hasAddress(target, true)) {
      return { allowed: false, reason: `${METADATA_REASON}（${embedded.form}内嵌 ${inner.v4.toString()}）` };
    }
    if (allow.hasAddress(target)) return { allowed: true, reason: null };
    if (inner) return { allowed: false, reason: `${inner.reason}（${embedded.form}内嵌 ${inner.v4.toString()}）` };
    if (embedded.alwaysRefused) return { allowed: false, reason: `内嵌 IPv4 的 IPv6 地址（${embedded.form}）` };
  }
  if (allow.hasAddress(target) || allow.hasAddress(parsed)) return { allowed: true, reason: null };

  let reason: string | undefined;
  if (target.kind() === 'ipv4') {
    reason = REFUSED_V4[(target as ipaddr.IPv4).range()];
  } else {
    const range = (target as ipaddr.IPv6).range() as string;
    reason = REFUSED_V6[range as IPv6Range] ?? REFUSED_V6_EXTRA[range];
  }
  return reason ? { allowed: false, reason } : { allowed: true, reason: null };
}

export interface GuardedTarget {
  hostname: string;
  /** The checked address to connect to. */
  address: string;
  family: 4 | 6;
}

export class AddressRefusedError extends Error {
  readonly reason: string;
  readonly address: string | null;
  constructor(reason: string, address: string | null) {
    super(`${reason}${address ? ` ${address}` : ''}`);
    this.name = 'AddressRefusedError';
    this.reason = reason;
    this.address = address;
  }
}

/**
 * Checks a URL's scheme and resolves its host to an address we may connect to. Throws
 * AddressRefusedError (scheme, or every resolved address refused); DNS errors propagate as they are.
 * An allowlisted host name may resolve to private addresses (trusted by configuration), but not to a
 * cloud metadata address.
 */
export async function resolveGuarded(
  url: URL,
  allow: AllowList,
  resolver: Resolver = systemResolver,
): Promise<GuardedTarget> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AddressRefusedError(`不支持的协议 ${url.protocol.replace(/:$/, '')}（只允许 http/https）`, null);
  }
  if (url.username || url.password) throw new AddressRefusedError('地址中不允许包含用户名或密码', null);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (hostname === '') throw new AddressRefusedError('缺少主机名', null);

  if (ipaddr.isValid(hostname)) {
    const verdict = checkAddress(hostname, allow);
    if (!verdict.allowed) throw new AddressRefusedError(verdict.reason ?? '地址被拒绝', hostname);
    return { hostname, address: hostname, family: hostname.includes(':') ? 6 : 4 };
  }
  if (/^[\d.]+$/.test(hostname) || /^0x/i.test(hostname)) {
    // WHATWG URL already canonicalises numeric hosts; anything left that looks numeric is suspicious.
    throw new AddressRefusedError('无法识别的数字主机名', hostname);
  }

  const trustedHost = allow.hasHost(hostname);
  const answers = await resolver(hostname);
  if (answers.length === 0) throw new AddressRefusedError('域名没有解析结果', null);
  let firstRefusal: { reason: string; address: string } | null = null;
  for (const answer of answers) {
    let verdict = checkAddress(answer.address, allow);
    // An allowlisted host name may resolve to private addresses, but never to a metadata service.
    if (!verdict.allowed && trustedHost && verdict.reason !== METADATA_REASON)
      verdict = { allowed: true, reason: null };
    if (verdict.allowed) return { hostname, address: answer.address, family: answer.family };
    firstRefusal ??= { reason: verdict.reason ?? '地址被拒绝', address: answer.address };
  }
  throw new AddressRefusedError(
    `${firstRefusal?.reason ?? '地址被拒绝'}（${hostname} 解析到）`,
    firstRefusal?.address ?? null,
  );
}
