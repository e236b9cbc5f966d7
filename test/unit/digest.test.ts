import { describe, expect, it } from 'vitest';
import {
  buildDigest,
  type DigestRecord,
  digestRecord,
  recipientGroups,
  recipientsKey,
} from '../../shared/notify/digest.ts';
import { buildRawMessage } from '../../shared/notify/mime.ts';
import {
  escapeHtml,
  renderAgenciesCsv,
  renderDigestHtml,
  renderDigestText,
  renderFindingsCsv,
  renderStatusWorkbook,
  safeHref,
} from '../../shared/notify/render.ts';
import { linksFromBase } from '../../shared/site/links.ts';
import { assessments, HOSTILE_NAME, HOSTILE_TITLE, registry } from '../support/digest-fixtures.ts';

const WEEK_1 = '2025-04-07T09:00:00+08:00'; // Monday of 2025-W15
const WEEK_3 = '2025-04-23T09:00:00+08:00'; // Wednesday of 2025-W17

describe('buildDigest', () => {
  it('counts primary statuses and every flag, per region, and lists only agencies with problems', () => {
    const digest = buildDigest({ registry, assessments: assessments(), now: WEEK_1 });
    expect(digest.isoWeek).toBe('2025-W15');
    expect(digest.summary).toMatchObject({ agencies: 6, assessed: 5, notChecked: 1 });
    expect(digest.summary.byStatus).toMatchObject({
      late: 1,
      inconsistent: 1,
      missing: 1,
      unreachable: 1,
      'on-time': 1,
    });
    expect(digest.summary.byFlag.inconsistent).toBe(2); // the late one is inconsistent too
    expect(digest.summary.byRegion.map((r) => [r.region, r.agencies])).toEqual([
      ['河南省/洛阳市', 3],
      ['河南省/三门峡市', 3],
    ]);
    const listed = digest.regions.flatMap((r) => r.rows.map((row) => row.agencyId)).sort();
    expect(listed).toEqual(['luoyang-jyj', 'luoyang-wjw', 'lushi-fgw', 'lushi-hostile']);
    const late = digest.regions.flatMap((r) => r.rows).find((r) => r.agencyId === 'lushi-fgw');
    expect(late?.flags).toEqual(['late', 'inconsistent']);
    expect(late?.findings[0]?.severity).toBe('error');
    expect(digest.subject).toContain('2025-W15');
    expect(digest.subject).toContain('逾期公开 1');
  });

  it('builds links from the base: an HTML original through the sandboxed viewer, pages under site/', () => {
    const digest = buildDigest({
      registry,
      assessments: assessments(),
      now: WEEK_1,
      links: linksFromBase('https://nianbao.example.org/'),
    });
    const row = digest.regions.flatMap((r) => r.rows).find((r) => r.agencyId === 'lushi-fgw');
    expect(row?.links).toEqual({
      source: 'http://www.lushi.gov.cn/art/2025/2/12/art_1.html',
      // Never the raw .html itself: opened from file:// it would run the agency's scripts.
      snapshot: `https://nianbao.example.org/site/archive/2024/lushi-fgw/${'a'.repeat(64)}.html`,
      agency: 'https://nianbao.example.org/site/agency/lushi-fgw.html',
      results: `https://nianbao.example.org/site/report/2024/lushi-fgw/${'a'.repeat(64)}.html`,
    });
  });
});

describe('size limits', () => {
  it('lists the worst rows up to maxRows and says how many were left out', () => {
    const digest = buildDigest({ registry, assessments: assessments(), now: WEEK_1, maxRows: 2, maxChangeItems: 1 });
    const listed = digest.regions.flatMap((r) => r.rows.map((row) => row.status));
    // The two worst statuses overall (missing, late), shown in region order (洛阳 before 三门峡).
    expect(listed).toEqual(['missing', 'late']);
    expect(digest.summary.omittedRows).toBe(2);
    expect(digest.changes.new).toHaveLength(1);
    expect(digest.changes.counts.new).toBe(5);
    expect(renderDigestHtml(digest)).toContain('另有 2 个有问题的机关未在邮件中列出');
    expect(renderDigestText(digest)).toContain('……另有 4 项');
  });
});

describe('week-over-week diff', () => {
  it('marks everything new in the first week', () => {
    const digest = buildDigest({ registry, assessments: assessments(), now: WEEK_1 });
    expect(digest.changes.previousWeek).toBeNull();
    expect(digest.changes.new.map((p) => p.key).sort()).toEqual([
      '2024/luoyang-jyj/missing',
      '2024/luoyang-wjw/unreachable',
      '2024/lushi-fgw/inconsistent',
      '2024/lushi-fgw/late',
      '2024/lushi-hostile/inconsistent',
    ]);
    expect(digest.changes.stillOpen).toEqual([]);
  });

  it('finds new, still-open (with how long) and resolved problems two weeks later', () => {
    const week1: DigestRecord = digestRecord(assessments(), WEEK_1, null);
    const later = assessments()
      .filter((a) => a.agencyId !== 'luoyang-wjw') // site back up and report on time: resolved
      .map((a) =>
        a.agencyId === 'lushi-gov'
          ? {
              ...a,
              status: 'inconsistent' as const,
              flags: ['inconsistent' as const],
              findings: [{ rule: 'carryover.mismatch', severity: 'error' as const, message: '上年结转不符。' }],
            }
          : a,
      );
    later.push({ ...assessments()[2], agencyId: 'luoyang-wjw', status: 'on-time', flags: ['on-time'] } as never);
    const digest = buildDigest({ registry, assessments: later, now: WEEK_3, previous: week1 });
    expect(digest.isoWeek).toBe('2025-W17');
    expect(digest.changes.previousWeek).toBe('2025-W15');
    expect(digest.changes.new.map((p) => p.key)).toEqual(['2024/lushi-gov/inconsistent']);
    expect(digest.changes.resolved.map((p) => p.key)).toEqual(['2024/luoyang-wjw/unreachable']);
    const missing = digest.changes.stillOpen.find((p) => p.key === '2024/luoyang-jyj/missing');
    expect(missing).toMatchObject({ openDays: 16, openWeeks: 2, sinceWeek: '2025-W15' });
    const row = digest.regions.flatMap((r) => r.rows).find((r) => r.agencyId === 'luoyang-jyj');
    expect(row).toMatchObject({ change: 'still-open', openDays: 16 });
    expect(renderDigestText(digest)).toContain('洛阳市教育局：未公开（2 周 2 天，自 2025-W15 起）');
    const gov = digest.regions.flatMap((r) => r.rows).find((r) => r.agencyId === 'lushi-gov');
    expect(gov?.change).toBe('new');
  });

  it('keeps the first week a problem was seen when the digest is rebuilt in the same week', () => {
    const first = digestRecord(assessments(), WEEK_1, null);
    const again = digestRecord(assessments(), '2025-04-09T09:00:00+08:00', null, first);
    expect(again.problems['2024/luoyang-jyj/missing']?.since).toBe(first.problems['2024/luoyang-jyj/missing']?.since);
  });
});

describe('recipients', () => {
  it('groups addresses by region and gives a city office only its slice', () => {
    const groups = recipientGroups(registry.recipients);
    expect(groups).toEqual([
      { region: [], to: ['sheng@example.gov.cn'] },
      { region: ['河南省', '三门峡市'], to: ['smx@example.gov.cn', 'smx2@example.gov.cn'] },
      { region: ['河南省', '洛阳市'], to: ['ly@example.gov.cn'] },
    ]);
    const smx = buildDigest({ registry, assessments: assessments(), now: WEEK_1, region: ['河南省', '三门峡市'] });
    expect(smx.summary.agencies).toBe(3);
    expect(smx.regions.map((r) => r.region)).toEqual(['河南省/三门峡市/卢氏县']);
    expect(smx.changes.new.every((p) => p.region[1] === '三门峡市')).toBe(true);
    expect(smx.allFindings.every((f) => f.region.startsWith('河南省/三门峡市'))).toBe(true);
    expect(renderDigestText(smx)).not.toContain('洛阳');
    expect(smx.subject).toContain('河南省三门峡市');
  });

  it('keys idempotence on the set of addresses, whatever their order or case', () => {
    expect(recipientsKey(['B@x.cn', 'a@x.cn'])).toBe(recipientsKey(['a@x.cn', 'b@x.cn', 'a@x.cn']));
  });
});

describe('escaping', () => {
  const digest = buildDigest({
    registry,
    assessments: assessments(),
    now: WEEK_1,
    links: linksFromBase('file:///tmp/s'),
  });

  it('escapes hostile titles, names and finding text in HTML', () => {
    const html = renderDigestHtml(digest);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('</td><script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('卢氏县&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;局');
    expect(html).not.toContain('javascript:');
    // Our own file: links stay (local mode); the agency's javascript: page URL is dropped. The archived
    // HTML is linked through the site's sandboxed viewer, never as a live file:// page.
    expect(html).toContain('href="file:///tmp/s/site/archive/2024/lushi-hostile/');
    expect(html).not.toContain('href="file:///tmp/s/raw/');
  });

  it('shows the same text plainly in the text part', () => {
    const text = renderDigestText(digest);
    expect(text).toContain(HOSTILE_TITLE);
    expect(text).toContain(HOSTILE_NAME);
    expect(text).not.toContain('&lt;');
  });

  it('allows only http, https and relative hrefs for report-derived URLs', () => {
    expect(safeHref('https://a.gov.cn/x?y=1&z=2')).toBe('https://a.gov.cn/x?y=1&z=2');
    expect(safeHref('report/2024/x.html')).toBe('report/2024/x.html');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref(' JaVa\tScRiPt:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,<script>')).toBeUndefined();
    expect(safeHref('//evil.example/x')).toBeUndefined();
    expect(safeHref('file:///etc/passwd')).toBeUndefined();
    expect(safeHref('file:///tmp/x', { allowFile: true })).toBe('file:///tmp/x');
    expect(escapeHtml('"><x>')).toBe('&quot;&gt;&lt;x&gt;');
  });
});

describe('CSV attachment', () => {
  const digest = buildDigest({ registry, assessments: assessments(), now: WEEK_1 });
  const csv = renderFindingsCsv(digest);

  it('starts with a UTF-8 BOM and uses CRLF', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFF地区,机关,机关编号,级别,年度,状态,严重程度,规则,问题说明,章节,行,列,应为,实为,核查状态,问题指纹,原网页,存档,核查页,SHA-256',
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n').length - 2).toBe(4); // four findings
  });

  it('quotes per RFC 4180 and neutralises formulas', () => {
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""点我"")"`);
    expect(csv).toContain('"正文称“<img src=x onerror=alert(1)>”受理 258 件，表三为 275 件。"'.replace(/^"|"$/g, ''));
  });
});

describe('MIME', () => {
  it('builds multipart/mixed with text, html and the CSV, a UTF-8 encoded-word subject and base64 parts', async () => {
    const raw = await buildRawMessage({
      from: '年报监测 <digest@example.org>',
      to: ['a@example.gov.cn', 'b@example.gov.cn'],
      subject: '政务公开年报监测周报 2025-W15',
      text: '你好',
      html: '<p>你好</p>',
      date: new Date('2025-04-07T01:00:00Z'),
      messageId: '2025-W15.abc@nianbao-watch',
      attachments: [{ filename: '年报问题清单.csv', content: '\uFEFFa,b\r\n', contentType: 'text/csv; charset=utf-8' }],
    });
    const text = new TextDecoder().decode(raw);
    expect(text).toMatch(/^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=/m);
    expect(text).toContain('Content-Type: multipart/mixed; boundary=');
    expect(text).toContain('Content-Type: multipart/alternative;');
    expect(text).toContain('Content-Type: text/plain; charset=utf-8');
    expect(text).toContain('Content-Type: text/html; charset=utf-8');
    expect(text).toContain('Content-Type: text/csv; charset=utf-8');
    expect(text).toContain('Date: Mon, 07 Apr 2025 01:00:00 +0000');
    expect(text).toContain('Message-ID: <2025-W15.abc@nianbao-watch>');
    expect(text).toContain('To: a@example.gov.cn, b@example.gov.cn');
    expect(text).toContain(Buffer.from('\uFEFFa,b\r\n').toString('base64'));
    // Unfold the header and decode its encoded words (RFC 2047).
    const header = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(text)?.[1] ?? '';
    const decoded = header
      .replace(/\?=\r\n[ \t]+=\?/g, '?==?')
      .replace(/=\?UTF-8\?B\?([^?]+)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
    expect(decoded).toBe('政务公开年报监测周报 2025-W15');
    // Every boundary opened is closed.
    const boundaries = [...text.matchAll(/boundary="([^"]+)"/g)].map((m) => m[1]);
    expect(boundaries).toHaveLength(2);
    for (const b of boundaries) expect(text).toContain(`--${b}--`);
  });
});

describe('per-agency attachments', () => {
  const digest = buildDigest({ registry, assessments: assessments(), now: WEEK_1 });

  it('list every agency of the slice, the on-time, missing, unreachable and never-checked ones too', async () => {
    const lines = renderAgenciesCsv(digest).split('\r\n').slice(1, -1);
    expect(lines).toHaveLength(registry.agencies.length);
    const statuses = lines.map((line) => line.split(',')[5]).sort();
    expect(statuses).toEqual(['按时公开', '无法访问', '数据不一致', '未公开', '未评估', '逾期公开'].sort());
    const bytes = await renderStatusWorkbook(digest);
    expect([...bytes.subarray(0, 2)]).toEqual([0x50, 0x4b]); // a ZIP: .xlsx
  });
});
