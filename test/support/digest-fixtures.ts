/** Shared fixtures for the digest tests: a small registry and assessments with a hostile title. */

import { LEGAL_DEADLINES } from '../../shared/compliance/deadline.ts';
import type { Assessment } from '../../shared/compliance/status.ts';
import type { Agency, Registry } from '../../shared/registry/agency.ts';

export const HOSTILE_TITLE = '<img src=x onerror=alert(1)>';
export const HOSTILE_NAME = '卢氏县</td><script>alert(2)</script>局';

function agency(id: string, name: string, region: string[], level: Agency['level'] = 'county-department'): Agency {
  return { id, name, level, region, listUrls: [`http://example.gov.cn/${id}/`] };
}

export const registry: Registry = {
  deadlines: { ...LEGAL_DEADLINES },
  respectRobots: true,
  allowHosts: [],
  recipients: [
    { email: 'sheng@example.gov.cn', region: [] },
    { email: 'smx@example.gov.cn', region: ['河南省', '三门峡市'] },
    { email: 'smx2@example.gov.cn', region: ['河南省', '三门峡市'] },
    { email: 'ly@example.gov.cn', region: ['河南省', '洛阳市'] },
  ],
  agencies: [
    agency('lushi-fgw', '卢氏县发展和改革委员会', ['河南省', '三门峡市', '卢氏县']),
    agency('lushi-hostile', HOSTILE_NAME, ['河南省', '三门峡市', '卢氏县']),
    agency('lushi-gov', '卢氏县人民政府', ['河南省', '三门峡市', '卢氏县'], 'county-government'),
    agency('luoyang-jyj', '洛阳市教育局', ['河南省', '洛阳市'], 'city-department'),
    agency('luoyang-wjw', '洛阳市卫生健康委员会', ['河南省', '洛阳市'], 'city-department'),
    agency('luoyang-new', '洛阳市新设机关', ['河南省', '洛阳市'], 'city-department'),
  ],
};

const base = { year: 2024, deadline: '2025-01-31T23:59:59.999+08:00', assessedAt: '2025-04-07T09:00:00+08:00' };

export function assessments(): Assessment[] {
  return [
    {
      ...base,
      agencyId: 'lushi-fgw',
      status: 'late',
      flags: ['late', 'inconsistent'],
      daysLate: 12,
      publishDate: '2025-02-12T10:00:00+08:00',
      findings: [
        {
          rule: 'arith.column-balance',
          severity: 'error',
          message: '表三“总计”列：一+二=12，三（七）+四=11，两者应相等。',
        },
        { rule: 'plaus.fees-unit', severity: 'warning', message: '收费金额 5268464.2119 万元，疑似以元填报。' },
      ],
      rawKey: `raw/2024/lushi-fgw/${'a'.repeat(64)}.html`,
      sha256: 'a'.repeat(64),
      pageUrl: 'http://www.lushi.gov.cn/art/2025/2/12/art_1.html',
    },
    {
      ...base,
      agencyId: 'lushi-hostile',
      status: 'inconsistent',
      flags: ['inconsistent'],
      publishDate: '2025-01-20T10:00:00+08:00',
      title: HOSTILE_TITLE,
      findings: [
        {
          rule: 'narrative.count-mismatch',
          severity: 'error',
          message: `正文称“${HOSTILE_TITLE}”受理 258 件，表三为 275 件。`,
        },
        { rule: 'struct.formula', severity: 'warning', message: '=HYPERLINK("http://evil","点我")' },
      ],
      rawKey: `raw/2024/lushi-hostile/${'b'.repeat(64)}.html`,
      sha256: 'b'.repeat(64),
      pageUrl: 'javascript:alert(3)',
    },
    { ...base, agencyId: 'lushi-gov', status: 'on-time', flags: ['on-time'], publishDate: '2025-03-01', findings: [] },
    {
      ...base,
      agencyId: 'luoyang-jyj',
      status: 'missing',
      flags: ['missing'],
      publishDate: null,
      findings: [],
    },
    {
      ...base,
      agencyId: 'luoyang-wjw',
      status: 'unreachable',
      flags: ['unreachable'],
      publishDate: null,
      reason: '本次抓取失败（网站无法访问），不代表该机关未公开：ETIMEDOUT。',
      findings: [],
    },
  ];
}
