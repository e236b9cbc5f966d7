import { describe, expect, it } from 'vitest';
import type { AgencyYearState } from '../../shared/compliance/status.ts';
import type { Agency } from '../../shared/registry/agency.ts';
import { validateReport } from '../../shared/rules/validate.ts';
import { isoWeekLabel, weeklyChartSvg, weeklyCounts } from '../../shared/site/chart.ts';
import { generateSite } from '../../shared/site/generate.ts';
import { escapeHtml, jsonForScript, safeExternalUrl, safeSegment } from '../../shared/site/html.ts';
import { renderReportPage } from '../../shared/site/report-page.ts';
import { InMemoryStore, mutateApplications, syntheticReport, writeAgencyCase } from '../../shared/site/synthetic.ts';

const NOW = new Date('2025-05-12T02:00:00Z');
const agency: Agency = {
  id: 'lushi-test',
  name: '卢氏县测试局',
  level: 'county-department',
  region: ['河南省', '三门峡市', '卢氏县'],
  listUrls: ['https://www.lushi.gov.cn/ndbg/'],
};

function decode(bytes: Uint8Array | undefined): string {
  return new TextDecoder().decode(bytes);
}

describe('escaping', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml('<img src=x onerror="alert(1)">&\'')).toBe(
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;',
    );
  });

  it('keeps only absolute http(s) URLs as links', () => {
    expect(safeExternalUrl('https://www.gov.cn/a?b=1')).toBe('https://www.gov.cn/a?b=1');
    expect(safeExternalUrl('javascript:alert(1)')).toBeNull();
    expect(safeExternalUrl(' JAVASCRIPT:alert(1)')).toBeNull();
    expect(safeExternalUrl('data:text/html,<script>')).toBeNull();
    expect(safeExternalUrl('/relative/path')).toBeNull();
  });

  it('writes JSON that cannot close its script block', () => {
    const value = { name: '</script><script>alert(1)</script>', line: '\u2028' };
    const json = jsonForScript(value);
    expect(json).not.toContain('<');
    expect(json).not.toContain('\u2028');
    expect(JSON.parse(json)).toEqual(value);
  });

  it('turns unsafe ids into file names that stay in their folder', () => {
    expect(safeSegment('lushi-gov')).toBe('lushi-gov');
    for (const id of ['../../etc/passwd', '.hidden', 'a/b', '卢氏']) {
      expect(safeSegment(id)).toMatch(/^_[0-9a-f]+$/);
    }
  });
});

describe('weekly chart', () => {
  const state = (id: string, history: { at: string; status: AgencyYearState['current']['status'] }[]) =>
    ({
      agencyId: id,
      year: 2024,
      current: { status: history.at(-1)?.status, assessedAt: history.at(-1)?.at },
      history,
    }) as unknown as AgencyYearState;

  it('labels ISO weeks in Beijing time', () => {
    // Monday 2025-05-12 00:00 Beijing is Sunday 16:00 UTC.
    expect(isoWeekLabel(Date.parse('2025-05-11T16:00:00Z'))).toBe('2025-W20');
    expect(isoWeekLabel(Date.parse('2024-12-29T16:00:00Z'))).toBe('2025-W01');
  });

  it('counts each agency once per week with its latest status', () => {
    const weeks = weeklyCounts(
      [
        state('a', [
          { at: '2025-04-28T02:00:00Z', status: 'pending' },
          { at: '2025-05-06T02:00:00Z', status: 'late' },
        ]),
        state('b', [{ at: '2025-05-05T02:00:00Z', status: 'missing' }]),
      ],
      NOW,
    );
    expect(weeks.map((week) => week.week)).toEqual(['2025-W18', '2025-W19', '2025-W20']);
    expect(weeks[0]?.counts).toMatchObject({ pending: 1, missing: 0, late: 0 });
    expect(weeks[1]?.counts).toMatchObject({ pending: 0, missing: 1, late: 1 });
    expect(weeks[2]?.counts).toMatchObject({ missing: 1, late: 1 });
    const svg = weeklyChartSvg(weeks);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(5);
    expect(svg).toContain('data-week="2025-W19" data-status="late" data-count="1"');
  });
});

describe('report page', () => {
  it('marks the changed cell as failing and leaves a consistent report unmarked', () => {
    const consistent = syntheticReport(10, agency, 2024);
    const mutated = syntheticReport(10, agency, 2024, (values) =>
      mutateApplications(values, 'received', 'business', 5),
    );
    const render = (report: typeof consistent) =>
      renderReportPage({
        agency: { ...agency, inRegistry: true },
        result: {
          agencyId: agency.id,
          year: 2024,
          sha256: 'a'.repeat(64),
          rawKey: `raw/2024/${agency.id}/${'a'.repeat(64)}.txt`,
          parserVersion: 'test',
          parsedAt: NOW.toISOString(),
          report,
          findings: validateReport(report, { level: agency.level }),
        },
        meta: undefined,
        state: undefined,
        isCurrent: true,
        generatedAt: NOW.toISOString(),
      });
    const good = render(consistent);
    expect(good).not.toMatch(/class="cell num failing/);
    const bad = render(mutated);
    expect(bad).toMatch(/<td id="t3-received-business" class="cell num failing"/);
    // Only the crossing point of the broken row and column is pointed at.
    expect(bad.match(/class="cell num failing/g)).toHaveLength(1);
    expect(bad).toContain('href="../../../../raw/2024/lushi-test/');
  });
});

describe('generateSite', () => {
  it('writes every page through the store port, shows unknown agencies by id and prunes stale pages', async () => {
    const store = new InMemoryStore();
    await writeAgencyCase(store, {
      agency,
      year: 2024,
      status: 'inconsistent',
      report: syntheticReport(10, agency, 2024, (values) => mutateApplications(values, 'granted', 'natural', 3)),
      deadline: '2025-01-31T15:59:59.000Z',
      publishDate: '2025-01-20T09:00:00+08:00',
      history: [{ at: '2025-01-20T02:00:00Z', status: 'inconsistent' }],
    });
    const stranger: Agency = { ...agency, id: 'not-in-registry', name: 'x' };
    await writeAgencyCase(store, {
      agency: stranger,
      year: 2024,
      status: 'missing',
      deadline: '2025-01-31T15:59:59.000Z',
      history: [{ at: '2025-02-01T02:00:00Z', status: 'missing' }],
    });
    await store.put('site/agency/removed-agency.html', 'old');
    const result = await generateSite(store, { registry: { agencies: [agency] }, now: NOW });
    const keys = await store.list('site/');
    expect(keys).toEqual(
      expect.arrayContaining([
        'site/index.html',
        'site/year-2024.html',
        'site/agencies.html',
        'site/rules.html',
        'site/findings.json',
        'site/findings.csv',
        'site/agencies.csv',
        'site/status-2024.xlsx',
        'site/evaluation-2024.html',
        'site/assets/site.css',
        'site/agency/lushi-test.html',
        'site/agency/not-in-registry.html',
      ]),
    );
    expect(keys).not.toContain('site/agency/removed-agency.html');
    expect(result.pruned).toBe(1);
    expect(keys.filter((key) => key.startsWith('site/report/2024/lushi-test/'))).toHaveLength(1);
    const findings = JSON.parse(decode(await store.get('site/findings.json'))) as { rule: string; agencyId: string }[];
    expect(findings.some((row) => row.agencyId === 'lushi-test' && row.rule === 'arith.row-total')).toBe(true);
    const csv = decode(await store.get('site/findings.csv'));
    expect(csv.split('\r\n').find((line) => line.includes('arith.row-total'))).toMatch(
      /数据不一致,错误,arith\.row-total,.*,三,/,
    );
    const rules = decode(await store.get('site/rules.html'));
    expect(rules).toContain('arith.row-total');
    const index = decode(await store.get('site/index.html'));
    expect(index).toContain('svg');
    // Nothing changed in the week before NOW (the histories end in January and February).
    expect(index).toContain('最近 7 天没有机关的状态发生变化');
    const later = decode(
      await (async () => {
        await generateSite(store, { registry: { agencies: [agency] }, now: new Date('2025-02-03T00:00:00Z') });
        return store.get('site/index.html');
      })(),
    );
    expect(later.match(/<tr class="change">/g)).toHaveLength(1);
    expect(later).toContain('not-in-registry');
    expect(index).not.toMatch(/(href|src)="\//); // relative links only
  });
});
