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
    ['64:ff9b::a9fe:a9fe', '内嵌 IPv4 的 IPv6 地址'],
    ['2002:a9fe:a9fe::1', '内嵌 IPv4 的 IPv6 地址'],
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
    expect(await refusal('http://2130706433/')).toBe('回环地址'); // 127.0.0.1 as one number
    expect(await refusal('http://0x7f.1/')).toBe('回环地址');
    expect(await refusal('http://localhost.example.nowhere/')).toBe('域名没有解析结果');
  });

  it('trusts allowlisted host names, except for metadata answers', async () => {
    const allow = new AllowList(['internal.example.cn', 'meta.internal.example.cn']);
    expect((await resolveGuarded(new URL('http://internal.example.cn/'), allow, dns)).address).toBe('10.0.0.7');
    expect(await refusal('http://meta.internal.example.cn/', allow)).toMatch(/云元数据地址/);
  });
});
