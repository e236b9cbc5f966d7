import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { AgencyYearState } from '../../shared/compliance/status.ts';
import type { Agency } from '../../shared/registry/agency.ts';
import type { AnnualReport } from '../../shared/report/model.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { analyseReport, validateReport } from '../../shared/rules/validate.ts';
import { isoWeekLabel, weeklyChartSvg, weeklyCounts } from '../../shared/site/chart.ts';
import { generateSite } from '../../shared/site/generate.ts';
import { escapeHtml, jsonForScript, safeExternalUrl, safeSegment } from '../../shared/site/html.ts';
import { planListings, renderAgencyIndex } from '../../shared/site/listings.ts';
import { regionListPath, regionSlug, regionWorkbookPath } from '../../shared/site/paths.ts';
import { renderReportPage } from '../../shared/site/report-page.ts';
import { InMemoryStore, mutateApplications, syntheticReport, writeAgencyCase } from '../support/synthetic-store.ts';

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

/** The current report page of `agency` for one parsed report (its snapshot named by a repeated hex digit). */
function reportPage(report: AnnualReport, findings: Finding[], year: number, digit: string): string {
  const sha256 = digit.repeat(64);
  return renderReportPage({
    agency: { ...agency, inRegistry: true },
    result: {
      agencyId: agency.id,
      year,
      sha256,
      rawKey: `raw/${year}/${agency.id}/${sha256}.txt`,
      parserVersion: 'test',
      parsedAt: NOW.toISOString(),
      report,
      findings,
    },
    meta: undefined,
    state: undefined,
    isCurrent: true,
    generatedAt: NOW.toISOString(),
  });
}

describe('report page', () => {
  it('marks the changed cell as failing and leaves a consistent report unmarked', () => {
    const consistent = syntheticReport(10, agency, 2024);
    const mutated = syntheticReport(10, agency, 2024, (values) =>
      mutateApplications(values, 'received', 'business', 5),
    );
    const render = (report: typeof consistent) =>
      reportPage(report, validateReport(report, { level: agency.level }), 2024, 'a');
    const good = render(consistent);
    expect(good).not.toMatch(/class="cell num failing/);
    const bad = render(mutated);
    expect(bad).toMatch(/<td id="t3-received-business" class="cell num failing"/);
    // Only the crossing point of the broken row and column is pointed at.
    expect(bad.match(/class="cell num failing/g)).toHaveLength(1);
    expect(bad).toContain('href="../../../../raw/2024/lushi-test/');
  });
});

describe('report page of a 2019 trial-format report (real report 07)', () => {
  const file = path.join(import.meta.dirname, '../../../shared/real-reports/07_hebei_gxt_prov-dept_2020.txt');
  it.skipIf(!existsSync(file))(
    "heads 表二 in its template's words and points the blank 规章 row at its cells",
    async () => {
      const { report, findings } = await analyseReport({ bytes: readFileSync(file), fileName: path.basename(file) });
      const page = reportPage(report, findings, 2020, 'b');
      expect(page).toContain(
        '<th>项目</th><th class="num">本年新制作数量</th><th class="num">本年新公开数量</th><th class="num">对外公开总数量</th>',
      );
      expect(page).not.toContain('本年制发件数');
      const blank = findings.findIndex((finding) => finding.rule === 'struct.blank-cell');
      expect(blank).toBeGreaterThanOrEqual(0);
      for (const column of ['issued', 'published', 'inForce'])
        expect(page).toMatch(new RegExp(`<td id="t2-rules-${column}"[^>]*data-findings="[^"]*\\d`));
    },
  );
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
        'site/region/河南省-三门峡市-卢氏县.html',
        'site/region/河南省-三门峡市-卢氏县-2024年度.xlsx',
        'site/region/_未登记地区.html',
        'site/evaluation-2024.html',
        'site/assets/site.css',
        'site/agency/lushi-test.html',
        'site/agency/not-in-registry.html',
      ]),
    );
    // No list of every agency at the root any more (one file each for the whole registry).
    for (const gone of ['findings.json', 'findings.csv', 'agencies.csv', 'status-2024.xlsx']) {
      expect(keys).not.toContain(`site/${gone}`);
    }
    expect(keys).not.toContain('site/agency/removed-agency.html');
    expect(result.pruned).toBe(1);
    expect(keys.filter((key) => key.startsWith('site/report/2024/lushi-test/'))).toHaveLength(1);
    // The region's workbook lists the registry agency and its finding; the stranger is on its page only.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      Buffer.from((await store.get('site/region/河南省-三门峡市-卢氏县-2024年度.xlsx')) as Uint8Array) as never,
    );
    const findingSheet = workbook.getWorksheet('问题清单') as ExcelJS.Worksheet;
    const findingRows = findingSheet.getSheetValues().map((row) => (Array.isArray(row) ? row.slice(1) : []));
    expect(findingRows.some((row) => row.includes('arith.row-total') && row.includes('数据不一致'))).toBe(true);
    expect(decode(await store.get('site/region/_未登记地区.html'))).toContain('not-in-registry');
    const rules = decode(await store.get('site/rules.html'));
    expect(rules).toContain('arith.row-total');
    // index.html opens the newest year's overview; it is not a second copy of it.
    const index = decode(await store.get('site/index.html'));
    expect(index).toContain('<meta http-equiv="refresh" content="0; url=year-2024.html">');
    expect(index).not.toContain('svg');
    const overview = decode(await store.get('site/year-2024.html'));
    expect(overview).toContain('svg');
    // The overview describes its data as of the newest assessment (the stranger's, 1 February), not the
    // moment it was generated: that week's change is listed whenever the site is generated.
    expect(overview).toContain('最近更新：2025-02-01 10:00（北京时间');
    expect(overview.match(/<tr class="change">/g)).toHaveLength(1);
    expect(overview).toContain('not-in-registry');
    // A year later, nothing new: not rewritten (the footer's generation time alone does not count).
    const again = await generateSite(store, {
      registry: { agencies: [agency] },
      now: new Date('2026-02-03T00:00:00Z'),
    });
    expect(again.files - again.unchanged).toBe(0);
    expect(decode(await store.get('site/year-2024.html'))).toBe(overview);
    for (const page of [index, overview, decode(await store.get('site/agencies.html'))]) {
      expect(page).not.toMatch(/(href|src)="\//); // relative links only
    }
  });
});

describe('region listings', () => {
  const county = ['河南省', '三门峡市', '卢氏县'];
  const member = (id: string, region: string[], level: Agency['level'] = 'county-department') => ({
    id,
    name: `${id} 机关`,
    level,
    region,
  });

  it('names region files readably, and never lets a name leave its folder or collide', () => {
    expect(regionSlug(county)).toBe('河南省-三门峡市-卢氏县');
    expect(regionListPath(county)).toBe('region/河南省-三门峡市-卢氏县.html');
    expect(regionListPath(county, 2)).toBe('region/河南省-三门峡市-卢氏县~2.html');
    expect(regionWorkbookPath(county, 2024)).toBe('region/河南省-三门峡市-卢氏县-2024年度.xlsx');
    const slugs = [['a-b'], ['a', 'b'], ['a/b'], ['../..'], ['a b'], ['ab'], []].map(regionSlug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) expect(slug).toMatch(/^[\p{L}\p{N}（）()·_-]+$/u);
    expect(regionSlug(['../..'])).not.toContain('.');
  });

  it('lists agencies by county-level region, townships with their county, long lists in parts', () => {
    const agencies = [
      member('p1', ['河南省'], 'province-department'),
      member('c1', ['河南省', '三门峡市'], 'city-department'),
      member('t1', [...county, '官道口镇'], 'township'),
      ...Array.from({ length: 7 }, (_, i) => member(`k${i}`, county)),
      member('c2', ['河南省', '三门峡市'], 'city-department'),
    ];
    const listings = planListings(agencies, 3);
    expect(listings.map((l) => [l.region.join('/'), l.part, l.parts, l.agencies.map((a) => a.id).join(',')])).toEqual([
      ['河南省', 1, 1, 'p1'],
      ['河南省/三门峡市', 1, 1, 'c1,c2'],
      ['河南省/三门峡市/卢氏县', 1, 3, 't1,k0,k1'],
      ['河南省/三门峡市/卢氏县', 2, 3, 'k2,k3,k4'],
      ['河南省/三门峡市/卢氏县', 3, 3, 'k5,k6'],
    ]);
  });

  it('indexes every region with its counts by status, its own agencies apart from its counties', () => {
    const inputs = [
      member('c1', ['河南省', '三门峡市'], 'city-department'),
      member('k1', county),
      member('k2', county),
    ].map((agency, i) => ({
      agency,
      year: 2024,
      assessment: i === 2 ? null : ({ status: i ? 'late' : 'on-time', findings: [] } as never),
      links: {},
    }));
    const listings = planListings(inputs.map((input) => input.agency));
    const html = renderAgencyIndex(listings, { byYear: [{ year: 2024, inputs }], generatedAt: NOW.toISOString() });
    const row = (region: string, kind: 'group' | 'listing') =>
      new RegExp(
        `<tr class="depth-\\d ${kind}" data-region="${region}"><td><a href="([^"]*)">([^<]*)</a></td>((?:<td>\\d+</td>)+)</tr>`,
      ).exec(html);
    const numbers = (match: RegExpExecArray | null) => [...(match?.[3] ?? '').matchAll(/\d+/g)].map(Number);
    // 机关数, then STATUS_ORDER (missing, late, inconsistent, …, on-time), then 未评估.
    expect(numbers(row('河南省', 'group'))).toEqual([3, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(numbers(row('河南省/三门峡市', 'group'))).toEqual([3, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1]);
    const own = row('河南省/三门峡市', 'listing');
    expect(own?.[2]).toBe('三门峡市（本级）');
    expect(own?.[1]).toBe('region/河南省-三门峡市.html');
    expect(numbers(own)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(row('河南省/三门峡市/卢氏县', 'listing')?.[1]).toBe('region/河南省-三门峡市-卢氏县.html');
    expect(numbers(row('河南省/三门峡市/卢氏县', 'listing'))).toEqual([2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
  });
});
