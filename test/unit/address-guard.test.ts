import { describe, expect, it } from 'vitest';
import {
  AddressRefusedError,
  AllowList,
  checkAddress,
  type Resolver,
  resolveGuarded,
} from '../../shared/fetch/address-guard.ts';

describe('checkAddress', () => {
  const refused: [string, string][] = [
    ['127.0.0.1', '回环地址'],
    ['127.8.9.10', '回环地址'],
    ['::1', '回环地址'],
    ['10.0.0.1', '内网地址'],
    ['172.16.0.1', '内网地址'],
    ['172.31.255.255', '内网地址'],
    ['192.168.1.1', '内网地址'],
    ['169.254.1.1', '链路本地地址'],
    ['fe80::1', '链路本地地址'],
    ['100.64.0.1', '运营商级 NAT 地址'],
    ['100.127.255.254', '运营商级 NAT 地址'],
    ['fc00::1', '唯一本地地址'],
    ['fd12:3456::1', '唯一本地地址'],
    ['0.0.0.0', '未指定地址'],
    ['::', '未指定地址'],
    ['224.0.0.1', '组播地址'],
    ['ff02::1', '组播地址'],
    ['255.255.255.255', '广播地址'],
    ['169.254.169.254', '云元数据地址'],
    ['fd00:ec2::254', '云元数据地址'],
    ['100.100.100.200', '云元数据地址'],
    ['::ffff:127.0.0.1', '回环地址'],
    ['::ffff:169.254.169.254', '云元数据地址'],
    ['::ffff:10.1.2.3', '内网地址'],
    ['::ffff:a9fe:a9fe', '云元数据地址'],
    ['64:ff9b::a9fe:a9fe', '云元数据地址（NAT64 地址内嵌 169.254.169.254）'],
    ['2002:a9fe:a9fe::1', '云元数据地址（6to4 地址内嵌 169.254.169.254）'],
    // IPv4-compatible (::a.b.c.d, deprecated): ipaddr.js alone misreads these as IPv4-mapped.
    ['::169.254.169.254', '云元数据地址（IPv4 兼容地址内嵌 169.254.169.254）'],
    ['::a9fe:a9fe', '云元数据地址（IPv4 兼容地址内嵌 169.254.169.254）'],
    ['::127.0.0.1', '回环地址（IPv4 兼容地址内嵌 127.0.0.1）'],
    ['::10.0.0.1', '内网地址（IPv4 兼容地址内嵌 10.0.0.1）'],
    ['::192.168.0.1', '内网地址（IPv4 兼容地址内嵌 192.168.0.1）'],
    ['::8.8.8.8', '内嵌 IPv4 的 IPv6 地址（IPv4 兼容地址）'],
    // SIIT (RFC 6145 ::ffff:0:a.b.c.d).
    ['::ffff:0:127.0.0.1', '回环地址（IPv4 转换地址内嵌 127.0.0.1）'],
    // NAT64 (RFC 6052 64:ff9b::/96), in dotted and hex form; the local-use /48 always.
    ['64:ff9b::127.0.0.1', '回环地址（NAT64 地址内嵌 127.0.0.1）'],
    ['64:ff9b::a00:1', '内网地址（NAT64 地址内嵌 10.0.0.1）'],
    ['64:ff9b::100.100.100.200', '云元数据地址（NAT64 地址内嵌 100.100.100.200）'],
    ['64:ff9b:1::808:808', '内嵌 IPv4 的 IPv6 地址（NAT64 本地地址）'],
    // 6to4 (2002::/16): the IPv4 is in bits 16–48.
    ['2002:7f00:1::1', '回环地址（6to4 地址内嵌 127.0.0.1）'],
    ['2002:c0a8:101::1', '内网地址（6to4 地址内嵌 192.168.1.1）'],
    ['2002:808:808::1', '内嵌 IPv4 的 IPv6 地址（6to4 地址）'],
    // Teredo (2001::/32): the server in bits 32–64, the client inverted in the last 32 bits.
    ['2001:0:a9fe:a9fe::1', '云元数据地址（Teredo 地址内嵌 169.254.169.254）'],
    ['2001:0:808:808:0:0:80ff:fffe', '回环地址（Teredo 地址内嵌 127.0.0.1）'],
    ['2001:0:4136:e378:8000:63bf:f7f7:fbfb', '内嵌 IPv4 的 IPv6 地址（Teredo 地址）'],
  ];
  it.each(refused)('refuses %s (%s)', (address, reason) => {
    expect(checkAddress(address)).toEqual({ allowed: false, reason });
  });

  const allowed = [
    '1.1.1.1',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '202.108.22.5',
    '2400:da00::6666',
    '::ffff:8.8.8.8',
    // What DNS64 synthesises for a public site on an IPv6-only network.
    '64:ff9b::8.8.8.8',
    '64:ff9b::ca6c:1605',
  ];
  it.each(allowed)('allows public %s', (address) => {
    expect(checkAddress(address).allowed).toBe(true);
  });

  it('lets an allowlist open private ranges, but metadata only when named exactly', () => {
    const allow = new AllowList(['127.0.0.1', '10.0.0.0/8', '169.254.0.0/16', 'fc00::/7']);
    expect(checkAddress('127.0.0.1', allow).allowed).toBe(true);
    expect(checkAddress('::ffff:127.0.0.1', allow).allowed).toBe(true);
    expect(checkAddress('127.0.0.2', allow).allowed).toBe(false);
    expect(checkAddress('10.9.8.7', allow).allowed).toBe(true);
    expect(checkAddress('169.254.1.1', allow).allowed).toBe(true);
    expect(checkAddress('169.254.169.254', allow)).toEqual({ allowed: false, reason: '云元数据地址' });
    expect(checkAddress('fd00:ec2::254', allow).allowed).toBe(false);
    expect(checkAddress('169.254.169.254', new AllowList(['169.254.169.254'])).allowed).toBe(true);
  });

  it('does not carry an IPv4 allowlist over to IPv6 forms that embed it', () => {
    const allow = new AllowList(['127.0.0.1', '10.0.0.0/8']);
    expect(checkAddress('::127.0.0.1', allow).allowed).toBe(false);
    expect(checkAddress('64:ff9b::a00:1', allow).allowed).toBe(false);
    expect(checkAddress('2002:7f00:1::1', allow).allowed).toBe(false);
    // Only the IPv6 itself, named, opens one; metadata inside stays refused unless named exactly.
    expect(checkAddress('::7f00:1', new AllowList(['::7f00:1'])).allowed).toBe(true);
    expect(checkAddress('::a9fe:a9fe', new AllowList(['::/96'])).allowed).toBe(false);
  });

  it('says so for garbage', () => {
    expect(checkAddress('not-an-ip').allowed).toBe(false);
  });
});

describe('resolveGuarded', () => {
  const resolver =
    (table: Record<string, string[]>): Resolver =>
    async (hostname) =>
      (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const dns = resolver({
    'www.example.gov.cn': ['202.108.22.5'],
    'evil.example.com': ['169.254.169.254'],
    'mixed.example.com': ['10.0.0.5', '202.108.22.6'],
    'internal.example.cn': ['10.0.0.7'],
    'meta.internal.example.cn': ['169.254.169.254'],
    'compat.example.com': ['::169.254.169.254'],
    'nat64.example.com': ['64:ff9b::7f00:1', '64:ff9b::ca6c:1606'],
  });
  const refusal = async (url: string, allow = new AllowList()) => {
    try {
      await resolveGuarded(new URL(url), allow, dns);
    } catch (error) {
      if (error instanceof AddressRefusedError) return error.reason;
      throw error;
    }
    return null;
  };

  it('resolves to an allowed address to pin', async () => {
    expect(await resolveGuarded(new URL('https://www.example.gov.cn/x'), new AllowList(), dns)).toEqual({
      hostname: 'www.example.gov.cn',
      address: '202.108.22.5',
      family: 4,
    });
    expect((await resolveGuarded(new URL('http://mixed.example.com/'), new AllowList(), dns)).address).toBe(
      '202.108.22.6',
    );
  });

  it('refuses other schemes, credentials and refused addresses', async () => {
    expect(await refusal('ftp://www.example.gov.cn/')).toMatch(/只允许 http\/https/);
    expect(await refusal('file:///etc/passwd')).toMatch(/只允许 http\/https/);
    expect(await refusal('http://user:pw@www.example.gov.cn/')).toMatch(/用户名或密码/);
    expect(await refusal('http://evil.example.com/')).toMatch(/云元数据地址/);
    expect(await refusal('http://169.254.169.254/latest/meta-data/')).toBe('云元数据地址');
    expect(await refusal('http://[::ffff:169.254.169.254]/')).toBe('云元数据地址');
    expect(await refusal('http://[::169.254.169.254]/')).toMatch(/^云元数据地址（IPv4 兼容地址/);
    expect(await refusal('http://[::127.0.0.1]/')).toMatch(/^回环地址（IPv4 兼容地址/);
    expect(await refusal('http://[::10.0.0.1]/')).toMatch(/^内网地址（IPv4 兼容地址/);
    expect(await refusal('http://[64:ff9b::169.254.169.254]/')).toMatch(/^云元数据地址（NAT64/);
    expect(await refusal('http://[2002:a9fe:a9fe::]/')).toMatch(/^云元数据地址（6to4/);
    expect(await refusal('http://[2001:0:a9fe:a9fe::]/')).toMatch(/^云元数据地址（Teredo/);
    expect(await refusal('http://2130706433/')).toBe('回环地址'); // 127.0.0.1 as one number
    expect(await refusal('http://0x7f.1/')).toBe('回环地址');
    expect(await refusal('http://localhost.example.nowhere/')).toBe('域名没有解析结果');
  });

  it('checks DNS answers in embedded forms and pins the answer it checked', async () => {
    expect(await refusal('http://compat.example.com/')).toMatch(/^云元数据地址（IPv4 兼容地址/);
    // The loopback NAT64 answer is skipped; the public one is the address connected to.
    expect((await resolveGuarded(new URL('http://nat64.example.com/'), new AllowList(), dns)).address).toBe(
      '64:ff9b::ca6c:1606',
    );
  });

  it('trusts allowlisted host names, except for metadata answers', async () => {
    const allow = new AllowList(['internal.example.cn', 'meta.internal.example.cn']);
    expect((await resolveGuarded(new URL('http://internal.example.cn/'), allow, dns)).address).toBe('10.0.0.7');
    expect(await refusal('http://meta.internal.example.cn/', allow)).toMatch(/云元数据地址/);
  });
});
