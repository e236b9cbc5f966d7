/**
 * The agency listings: agencies.html, the index of every region with its counts by status, and one page
 * per county-level region (region/河南省-三门峡市-卢氏县.html) listing its agencies, with filters, search
 * and the region's status workbook of each year beside it. A quiet week changes a few agencies; only the
 * listings holding them and the index's counts are rewritten, where one list of every agency (17-18 MB
 * each at 100,000 agencies: agencies.html, findings.json, findings.csv, agencies.csv, status-{Y}.xlsx) was
 * rewritten whole for any change, and was too big for a phone.
 *
 * The writers take plain inputs (each year's export inputs, the officials' verdicts), whatever the
 * per-agency loop of generate.ts produced them from.
 */
import { type ComplianceStatus, STATUS_LABELS, STATUS_ORDER } from '../compliance/status.ts';
import { type AgencyExportInput, agencyStatusRows, type ExportLinks, findingExportRows } from '../export/rows.ts';
import { statusWorkbook } from '../export/workbook.ts';
import { TRIAGE_LABELS, type TriageLookup, triageLabels } from '../triage/triage.ts';
import { escapeHtml, hrefPath, jsonForScript } from './html.ts';
import { LEVEL_LABELS, renderPage } from './layout.ts';
import {
  AGENCY_INDEX_PATH,
  agencyPagePath,
  hashValue,
  LISTING_DEPTH,
  listingRegion,
  regionListPath,
  regionWorkbookPath,
} from './paths.ts';

/** The most agencies one listing page holds; a region with more is split into parts (registry order). */
export const MAX_LISTING_AGENCIES = 500;

/** Shown for agencies with no region in the registry (and for agencies only the store knows). */
export const NO_REGION_LABEL = '（未登记地区）';

type ExportAgency = AgencyExportInput['agency'];

/** One report year's export inputs: one per agency, in registry order. */
export interface ListingYear {
  year: number;
  inputs: readonly AgencyExportInput[];
}

export interface ListingsInput {
  /** Report years, newest first. Every agency listed has an input in every year. */
  byYear: readonly ListingYear[];
  /** Agencies the workbooks list (the registry's); default: every agency of `byYear`. */
  exported?: ReadonlySet<string>;
  /** Officials' verdicts (the 核查 column and filter). */
  triage?: TriageLookup;
  /** The footer's generation time. */
  generatedAt: string;
}

/** One listing page: a region's agencies, or one part of them. */
export interface Listing {
  region: string[];
  part: number;
  parts: number;
  agencies: ExportAgency[];
}

/** Writes a site file (generate.ts's writer: skipped when the content did not change). */
export type SiteWriter = (path: string, content: string | Uint8Array) => Promise<void>;

/** Listings of `agencies` in first-seen order of their regions, each at most MAX_LISTING_AGENCIES long. */
export function planListings(agencies: readonly ExportAgency[], maxAgencies = MAX_LISTING_AGENCIES): Listing[] {
  const groups = new Map<string, { region: string[]; agencies: ExportAgency[] }>();
  for (const agency of agencies) {
    const region = listingRegion(agency.region);
    const key = JSON.stringify(region);
    let group = groups.get(key);
    if (!group) {
      group = { region, agencies: [] };
      groups.set(key, group);
    }
    group.agencies.push(agency);
  }
  const listings: Listing[] = [];
  for (const { region, agencies: members } of groups.values()) {
    const parts = Math.max(1, Math.ceil(members.length / maxAgencies));
    for (let part = 1; part <= parts; part++) {
      listings.push({
        region,
        part,
        parts,
        agencies: members.slice((part - 1) * maxAgencies, part * maxAgencies),
      });
    }
  }
  return listings;
}

/** Writes agencies.html, every listing page and every listing's workbook of each year. */
export async function writeListings(write: SiteWriter, input: ListingsInput): Promise<void> {
  const agencies = input.byYear[0]?.inputs.map((item) => item.agency) ?? [];
  const listings = planListings(agencies);
  const byYear = input.byYear.map(({ year, inputs }) => ({
    year,
    inputs: new Map(inputs.map((item) => [item.agency.id, item])),
  }));
  const triageLabel = triageLabels(input.triage);
  const exported = input.exported;
  for (const listing of listings) {
    const years = byYear.map(({ year, inputs }) => ({
      year,
      inputs: listing.agencies
        .map((agency) => inputs.get(agency.id))
        .filter((item): item is AgencyExportInput => item !== undefined),
    }));
    await write(regionListPath(listing.region, listing.part), renderListingPage(listing, years, input));
    for (const { year, inputs } of years) {
      // Links in the workbook are relative to it, one folder down (region/).
      const rows = inputs
        .filter((item) => !exported || exported.has(item.agency.id))
        .map((item) => ({ ...item, links: linksFrom(item.links, 1) }));
      await write(
        regionWorkbookPath(listing.region, year, listing.part),
        await statusWorkbook(agencyStatusRows(rows, triageLabel), findingExportRows(rows, triageLabel), {
          year,
          generatedAt: newestAssessment(rows, year),
        }),
      );
    }
  }
  await write(AGENCY_INDEX_PATH, renderAgencyIndex(listings, input));
}

/** Site-root-relative links rebased for a file `depth` folders down (absolute URLs stay). */
function linksFrom(links: ExportLinks, depth: number): ExportLinks {
  const up = '../'.repeat(depth);
  const rebase = (link: string | undefined) =>
    link === undefined || /^[a-z][a-z0-9+.-]*:/i.test(link) ? link : `${up}${link}`;
  const out: ExportLinks = {};
  for (const key of ['source', 'snapshot', 'results'] as const) {
    const link = rebase(links[key]);
    if (link !== undefined) out[key] = link;
  }
  return out;
}

/**
 * The workbook's created/modified time: its newest assessment, so the same rows give the same bytes
 * (the start of the year after the report year when nothing was assessed).
 */
export function newestAssessment(inputs: readonly AgencyExportInput[], year: number): Date {
  let newest = Number.NEGATIVE_INFINITY;
  for (const { assessment } of inputs) {
    const at = Date.parse(assessment?.assessedAt ?? '');
    if (Number.isFinite(at) && at > newest) newest = at;
  }
  return new Date(Number.isFinite(newest) ? newest : Date.UTC(year + 1, 0, 1) - 8 * 3_600_000);
}

/** The name a listing goes by: its region's last name, "（本级）" when regions below have their own. */
function listingLabel(listing: Pick<Listing, 'region' | 'part' | 'parts'>, own: boolean): string {
  const name = listing.region.at(-1) ?? NO_REGION_LABEL;
  const parts = listing.parts > 1 ? `（第 ${listing.part} 部分，共 ${listing.parts} 部分）` : '';
  return `${name}${own ? '（本级）' : ''}${parts}`;
}

/** A region path as the filters and data attributes spell it. */
function regionKey(region: readonly string[]): string {
  return region.length ? region.join('/') : NO_REGION_LABEL;
}

type StatusCounts = Record<ComplianceStatus, number> & { none: number };

function emptyStatusCounts(): StatusCounts {
  return {
    ...(Object.fromEntries(STATUS_ORDER.map((status) => [status, 0])) as Record<ComplianceStatus, number>),
    none: 0,
  };
}

function addCounts(into: StatusCounts, from: StatusCounts): void {
  for (const status of STATUS_ORDER) into[status] += from[status];
  into.none += from.none;
}

/** One row of the index: a region with listings below it, or a listing. */
interface IndexNode {
  region: string[];
  /** This region's own listing parts. */
  listings: Listing[];
  children: IndexNode[];
}

/** The tree of regions down to the listings, children in first-seen (registry) order. */
function regionTree(listings: readonly Listing[]): IndexNode[] {
  const roots: IndexNode[] = [];
  const nodes = new Map<string, IndexNode>();
  const nodeOf = (region: string[]): IndexNode => {
    const key = JSON.stringify(region);
    let node = nodes.get(key);
    if (!node) {
      node = { region, listings: [], children: [] };
      nodes.set(key, node);
      if (region.length <= 1) roots.push(node);
      else nodeOf(region.slice(0, -1)).children.push(node);
    }
    return node;
  };
  for (const listing of listings) nodeOf(listing.region).listings.push(listing);
  return roots;
}

/** Renders agencies.html: every region down to the county with its agencies' counts, per year. */
export function renderAgencyIndex(listings: readonly Listing[], input: ListingsInput): string {
  const years = input.byYear.map(({ year }) => year);
  const latest = years[0];
  const statusOf = new Map(
    input.byYear.map(({ year, inputs }) => [
      year,
      new Map(inputs.map((item) => [item.agency.id, item.assessment?.status ?? null])),
    ]),
  );
  const countsOf = (listing: Listing, year: number): StatusCounts => {
    const counts = emptyStatusCounts();
    const statuses = statusOf.get(year);
    for (const agency of listing.agencies) {
      const status = statuses?.get(agency.id) ?? null;
      if (status && counts[status] !== undefined) counts[status]++;
      else counts.none++;
    }
    return counts;
  };
  // Plain cells (the header says which status a column is): the index is rewritten every week a count moves.
  const cells = (counts: StatusCounts) =>
    `${STATUS_ORDER.map((status) => `<td>${counts[status]}</td>`).join('')}<td>${counts.none}</td>`;
  const tbody = (year: number) => {
    const rows: string[] = [];
    const visit = (node: IndexNode): { total: number; counts: StatusCounts } => {
      const depth = node.region.length ? node.region.length - 1 : 0;
      const own = node.listings.map((listing) => ({
        listing,
        total: listing.agencies.length,
        counts: countsOf(listing, year),
      }));
      const leaf = node.children.length === 0 && own.length === 1;
      const listingRow = (item: (typeof own)[number], label: string, rowDepth: number) =>
        `<tr class="depth-${Math.min(rowDepth, LISTING_DEPTH)} listing" data-region="${escapeHtml(regionKey(node.region))}"><td><a href="${escapeHtml(regionListPath(item.listing.region, item.listing.part))}">${escapeHtml(label)}</a></td><td>${item.total}</td>${cells(item.counts)}</tr>`;
      if (leaf) {
        const item = own[0] as (typeof own)[number];
        rows.push(listingRow(item, listingLabel(item.listing, false), depth));
        return item;
      }
      const at = rows.length;
      rows.push('');
      const total = { total: 0, counts: emptyStatusCounts() };
      for (const item of own) {
        rows.push(listingRow(item, listingLabel(item.listing, node.children.length > 0), depth + 1));
        total.total += item.total;
        addCounts(total.counts, item.counts);
      }
      for (const child of node.children) {
        const sub = visit(child);
        total.total += sub.total;
        addCounts(total.counts, sub.counts);
      }
      rows[at] =
        `<tr class="depth-${Math.min(depth, LISTING_DEPTH)} group" data-region="${escapeHtml(regionKey(node.region))}"><td><a href="#region=${escapeHtml(hashValue(regionKey(node.region)))}">${escapeHtml(node.region.at(-1) ?? NO_REGION_LABEL)}</a></td><td>${total.total}</td>${cells(total.counts)}</tr>`;
      return total;
    };
    for (const root of regionTree(listings)) visit(root);
    return `<tbody data-year="${year}"${year === latest ? '' : ' hidden'}>${rows.join('\n')}</tbody>`;
  };
  const agencies = listings.reduce((sum, listing) => sum + listing.agencies.length, 0);
  const head = `<tr><th>地区</th><th class="num">机关数</th>${STATUS_ORDER.map((status) => `<th class="num" data-status="${status}">${STATUS_LABELS[status]}</th>`).join('')}<th class="num" data-status="none">未评估</th></tr>`;
  const body = `
<h1>机关列表</h1>
<p class="muted">共 ${agencies} 个机关，按地区分为 ${listings.length} 个列表。点击地区查看其机关（可按状态、级别、核查筛选和搜索），并下载该地区的 Excel 工作簿（机关状态、问题清单、按地区统计）。</p>
${
  years.length
    ? `<form class="filters" id="filters" autocomplete="off">
<label>年度<select id="f-year">${years.map((year) => `<option value="${year}">${year}</option>`).join('')}</select></label>
<label>状态<select id="f-status"><option value="">全部状态</option>${STATUS_ORDER.map((status) => `<option value="${status}">${STATUS_LABELS[status]}</option>`).join('')}<option value="none">未评估</option></select></label>
<label>搜索地区<input id="f-search" type="search" placeholder="省、市、县名称"></label>
</form>
<p id="count" class="muted" aria-live="polite"></p>
<table class="data regions" id="region-table"><thead>${head}</thead>${years.map(tbody).join('\n')}</table>
<p class="muted screen-only" id="region-filter" hidden>只显示 <strong id="region-name"></strong> 的地区。<a href="#">显示全部地区</a></p>`
    : '<p class="muted">尚无评估数据。</p>'
}
`;
  return renderPage({
    title: '机关列表',
    depth: 0,
    body,
    scripts: [AGENCY_INDEX_SCRIPT],
    generatedAt: input.generatedAt,
  });
}

/**
 * The index's year, status, region and search filters (URL hash: #year=2024&status=late&region=河南省/
 * 三门峡市, as the overview links them). Rows are on the page already; the script only hides rows and
 * carries the year and status on to the listing links.
 */
const AGENCY_INDEX_SCRIPT = compact(`(function () {
  'use strict';
  var els = { year: document.getElementById('f-year'), status: document.getElementById('f-status'),
    search: document.getElementById('f-search'), count: document.getElementById('count'),
    note: document.getElementById('region-filter'), noteName: document.getElementById('region-name') };
  if (!els.year) return;
  var region = '';
  var columns = {};
  Array.prototype.forEach.call(document.querySelectorAll('#region-table thead th'), function (th, i) {
    if (th.getAttribute('data-status')) columns[th.getAttribute('data-status')] = i;
  });
  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    ['year', 'status'].forEach(function (key) {
      var value = params.get(key);
      if (value !== null && Array.prototype.some.call(els[key].options, function (o) { return o.value === value; })) els[key].value = value;
    });
    region = params.get('region') || '';
    if (params.get('q') !== null) els.search.value = params.get('q');
  }
  function writeHash() {
    var params = new URLSearchParams();
    if (els.year.value !== els.year.options[0].value) params.set('year', els.year.value);
    if (els.status.value) params.set('status', els.status.value);
    if (region) params.set('region', region);
    if (els.search.value) params.set('q', els.search.value);
    history.replaceState(null, '', '#' + params.toString());
  }
  function render() {
    var year = els.year.value, status = els.status.value, query = els.search.value.trim();
    var listings = 0, agencies = 0;
    Array.prototype.forEach.call(document.querySelectorAll('#region-table tbody'), function (tbody) {
      var shown = tbody.getAttribute('data-year') === year;
      tbody.hidden = !shown;
      if (!shown) return;
      Array.prototype.forEach.call(tbody.rows, function (tr) {
        var r = tr.getAttribute('data-region');
        var keep = !region || r === region || r.indexOf(region + '/') === 0;
        if (keep && status) keep = tr.cells[columns[status]].textContent !== '0';
        if (keep && query) keep = r.indexOf(query) !== -1;
        tr.hidden = !keep;
        var link = tr.querySelector('td:first-child a');
        if (tr.classList.contains('listing')) {
          var hash = new URLSearchParams();
          if (year !== els.year.options[0].value) hash.set('year', year);
          if (status) hash.set('status', status);
          link.href = link.getAttribute('href').split('#')[0] + (hash.toString() ? '#' + hash.toString() : '');
          if (keep) {
            listings++;
            agencies += Number(tr.cells[status ? columns[status] : 1].textContent);
          }
        }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('#region-table tr'), function (tr) {
      Array.prototype.forEach.call(tr.cells, function (cell, i) { cell.classList.toggle('selected', !!status && i === columns[status]); });
    });
    els.note.hidden = !region;
    els.noteName.textContent = region;
    els.count.textContent = '显示 ' + listings + ' 个地区列表，' + agencies + ' 个' + (status ? '“' + els.status.options[els.status.selectedIndex].text + '”的' : '') + '机关。';
  }
  readHash();
  ['year', 'status'].forEach(function (key) { els[key].addEventListener('change', function () { writeHash(); render(); }); });
  els.search.addEventListener('input', function () { writeHash(); render(); });
  window.addEventListener('hashchange', function () { readHash(); render(); });
  render();
})();`);

/** Inline scripts without their indentation (every listing page carries one; the CSP hashes it as sent). */
function compact(script: string): string {
  return script.replace(/^ +/gm, '');
}

/**
 * Renders one listing page (region/…): the region's agencies with filters and search, its workbooks.
 * The rows are compact arrays (a county's page is rewritten whenever one of its agencies changes):
 * [id, name, level index, region below the listing's, status per year, errors per year, verdicts per
 * year, agency page when not agency/{id}.html].
 */
export function renderListingPage(listing: Listing, years: readonly ListingYear[], input: ListingsInput): string {
  const base = regionKey(listing.region);
  const yearList = years.map(({ year }) => year);
  const verdictStates = (item: AgencyExportInput): string => {
    const states = new Set<string>();
    const onStatus = input.triage?.forStatus(item.agency.id, item.year);
    if (onStatus) states.add(onStatus.state);
    for (const finding of item.findings ?? item.assessment?.findings ?? []) {
      const verdict = input.triage?.forFinding(item.agency.id, item.year, finding);
      if (verdict) states.add(verdict.state);
    }
    return [...states].sort().join(' ');
  };
  const byAgency = new Map<string, Map<number, AgencyExportInput>>();
  for (const { year, inputs } of years) {
    for (const item of inputs) {
      let list = byAgency.get(item.agency.id);
      if (!list) {
        list = new Map();
        byAgency.set(item.agency.id, list);
      }
      list.set(year, item);
    }
  }
  const levels = Object.keys(LEVEL_LABELS).filter((level) => listing.agencies.some((a) => a.level === level));
  const subRegions = new Set<string>();
  const rows = listing.agencies.map((agency) => {
    const items = byAgency.get(agency.id);
    const perYear = yearList.map((year) => items?.get(year));
    const below = agency.region.slice(listing.region.length).join('/');
    if (below) subRegions.add(below);
    const href = `../${hrefPath(agencyPagePath(agency.id))}`;
    const row: (string | number | (string | number | null)[])[] = [
      agency.id,
      agency.name,
      agency.level ? levels.indexOf(agency.level) : -1,
      below,
      perYear.map((item) => item?.assessment?.status ?? ''),
      perYear.map((item) =>
        item?.assessment
          ? (item.findings ?? item.assessment.findings).filter((f) => f.severity === 'error').length
          : null,
      ),
      perYear.map((item) => (item ? verdictStates(item) : '')),
    ];
    if (href !== `../agency/${agency.id}.html`) row.push(href);
    return row;
  });
  const data = {
    years: yearList,
    base,
    subRegions: [...subRegions],
    levels: levels.map((level) => [level, LEVEL_LABELS[level as keyof typeof LEVEL_LABELS]]),
    statuses: STATUS_ORDER.map((status) => [status, STATUS_LABELS[status]]),
    triage: Object.entries(TRIAGE_LABELS),
    agencies: rows,
  };
  const own = listing.region.length > 0 && listing.region.length < LISTING_DEPTH;
  const title = `${listing.region.length ? listing.region.join(' / ') : NO_REGION_LABEL}${own ? '（本级）' : ''}`;
  const crumbs = listing.region
    .slice(0, -1)
    .map((_, i) => {
      const prefix = listing.region.slice(0, i + 1);
      return ` › <a href="../${AGENCY_INDEX_PATH}#region=${escapeHtml(hashValue(prefix.join('/')))}">${escapeHtml(prefix.at(-1) as string)}</a>`;
    })
    .join('');
  const fileName = (path: string) => escapeHtml(path.slice('region/'.length));
  const parts =
    listing.parts > 1
      ? `<p class="parts">本地区机关较多，分为 ${listing.parts} 部分：${Array.from({ length: listing.parts }, (_, i) =>
          i + 1 === listing.part
            ? `<strong>第 ${i + 1} 部分</strong>`
            : `<a href="${fileName(regionListPath(listing.region, i + 1))}">第 ${i + 1} 部分</a>`,
        ).join(' · ')}</p>`
      : '';
  const downloads = yearList
    .map(
      (year) =>
        `<a href="${fileName(regionWorkbookPath(listing.region, year, listing.part))}">${year} 年度工作簿（Excel）</a>`,
    )
    .join(' · ');
  const body = `
<p class="muted"><a href="../index.html">总览</a> › <a href="../${AGENCY_INDEX_PATH}">机关列表</a>${crumbs}</p>
<h1>${escapeHtml(title)}</h1>
<p class="muted">共 ${listing.agencies.length} 个机关${listing.parts > 1 ? `（第 ${listing.part} 部分，共 ${listing.parts} 部分）` : ''}。</p>
${parts}
${downloads ? `<p class="downloads">下载本地区：${downloads}。工作簿含机关状态、问题清单和按地区统计三张表。</p>` : ''}
<form class="filters" id="filters" autocomplete="off">
<label>年度<select id="f-year"></select></label>
${subRegions.size ? '<label>地区<select id="f-region"></select></label>' : ''}
<label>级别<select id="f-level"></select></label>
<label>状态<select id="f-status"></select></label>
<label>核查<select id="f-triage"></select></label>
<label>搜索<input id="f-search" type="search" placeholder="机关名称、编号或地区"></label>
</form>
<p id="count" class="muted" aria-live="polite"></p>
<table class="data" id="agency-table"><thead><tr><th>机关</th><th>地区</th><th>级别</th><th>状态</th><th>核查</th><th class="num">错误数</th></tr></thead><tbody id="agency-rows"></tbody></table>
<noscript><p>此页面的列表需要启用 JavaScript；也可以下载上方的本地区 Excel 工作簿。</p></noscript>
<script type="application/json" id="agency-data">${jsonForScript(data)}</script>
`;
  return renderPage({
    title: `${title} · 机关列表`,
    depth: 1,
    body,
    scripts: [AGENCY_LIST_SCRIPT],
    generatedAt: input.generatedAt,
  });
}

/**
 * Filters and search of a listing page. Options and rows are built with textContent only, so agency
 * names from the registry or reports can never become markup. Filter state lives in the URL hash (links
 * from the index and the overview: #year=2024&status=late).
 */
const AGENCY_LIST_SCRIPT = compact(`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('agency-data').textContent);
  var MAX_ROWS = 1000;
  var els = {
    year: document.getElementById('f-year'), region: document.getElementById('f-region'),
    level: document.getElementById('f-level'), status: document.getElementById('f-status'),
    triage: document.getElementById('f-triage'),
    search: document.getElementById('f-search'), rows: document.getElementById('agency-rows'),
    count: document.getElementById('count')
  };
  var keys = ['year', 'region', 'level', 'status', 'triage'].filter(function (key) { return els[key]; });
  function options(select, list) {
    list.forEach(function (pair) {
      var option = document.createElement('option');
      option.value = pair[0];
      option.textContent = pair[1];
      select.appendChild(option);
    });
  }
  options(els.year, data.years.map(function (y) { return [String(y), String(y)]; }));
  if (els.region) options(els.region, [['', '全部'], ['.', data.base.split('/').pop() + '（本级）']].concat(data.subRegions.map(function (r) { return [r, r]; })));
  options(els.level, [['', '全部级别']].concat(data.levels.map(function (l, i) { return [String(i), l[1]]; })));
  options(els.status, [['', '全部状态']].concat(data.statuses, [['none', '未评估']]));
  options(els.triage, [['', '全部'], ['none', '未核查']].concat(data.triage));
  var labels = {};
  data.statuses.concat(data.triage).forEach(function (pair) { labels[pair[0]] = pair[1]; });
  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    keys.forEach(function (key) {
      var value = params.get(key);
      if (key === 'level' && value !== null) value = String(data.levels.map(function (l) { return l[0]; }).indexOf(value));
      if (value !== null && Array.prototype.some.call(els[key].options, function (o) { return o.value === value; })) els[key].value = value;
    });
    if (params.get('q') !== null) els.search.value = params.get('q');
  }
  function writeHash() {
    var params = new URLSearchParams();
    keys.forEach(function (key) {
      if (els[key].value) params.set(key, key === 'level' ? data.levels[Number(els.level.value)][0] : els[key].value);
    });
    if (els.search.value) params.set('q', els.search.value);
    history.replaceState(null, '', '#' + params.toString());
  }
  function cell(text, className, label) {
    var td = document.createElement('td');
    if (className) td.className = className;
    if (label) td.setAttribute('data-label', label);
    td.textContent = text;
    return td;
  }
  function regionOf(a) { return a[3] ? data.base + '/' + a[3] : data.base; }
  function render() {
    var y = data.years.indexOf(Number(els.year.value));
    var region = els.region ? els.region.value : '', level = els.level.value, status = els.status.value, triage = els.triage.value;
    var query = els.search.value.trim().toLowerCase();
    var matches = data.agencies.filter(function (a) {
      var s = a[4][y] || 'none';
      if (status && s !== status) return false;
      var t = a[6][y] ? a[6][y].split(' ') : [];
      if (triage === 'none' && t.length) return false;
      if (triage && triage !== 'none' && t.indexOf(triage) === -1) return false;
      if (level && String(a[2]) !== level) return false;
      if (region === '.' && a[3]) return false;
      if (region && region !== '.' && a[3] !== region && a[3].indexOf(region + '/') !== 0) return false;
      if (query && (a[1] + ' ' + a[0] + ' ' + regionOf(a)).toLowerCase().indexOf(query) === -1) return false;
      return true;
    });
    var fragment = document.createDocumentFragment();
    matches.slice(0, MAX_ROWS).forEach(function (a) {
      var tr = document.createElement('tr');
      var s = a[4][y] || 'none';
      var level = data.levels[a[2]];
      tr.className = 'agency-row';
      tr.setAttribute('data-status', s);
      tr.setAttribute('data-level', level ? level[0] : '');
      tr.setAttribute('data-region', regionOf(a));
      var nameCell = document.createElement('td');
      var link = document.createElement('a');
      link.href = a[7] || '../agency/' + a[0] + '.html';
      link.textContent = a[1];
      nameCell.appendChild(link);
      tr.appendChild(nameCell);
      tr.appendChild(cell(regionOf(a), '', '地区'));
      tr.appendChild(cell(level ? level[1] : '—', '', '级别'));
      var statusCell = document.createElement('td');
      var badge = document.createElement('span');
      badge.className = 'badge status-' + s;
      badge.textContent = s === 'none' ? '未评估' : labels[s];
      statusCell.appendChild(badge);
      tr.appendChild(statusCell);
      var triageCell = document.createElement('td');
      var verdicts = a[6][y] ? a[6][y].split(' ') : [];
      if (verdicts.length) triageCell.setAttribute('data-label', '核查');
      verdicts.forEach(function (state) {
        var mark = document.createElement('span');
        mark.className = 'triage triage-' + state;
        mark.textContent = labels[state];
        triageCell.appendChild(mark);
      });
      tr.appendChild(triageCell);
      tr.appendChild(cell(a[5][y] === null || a[5][y] === undefined ? '—' : String(a[5][y]), 'num', '错误'));
      fragment.appendChild(tr);
    });
    els.rows.replaceChildren(fragment);
    els.count.textContent = '共 ' + matches.length + ' 个机关符合条件' + (matches.length > MAX_ROWS ? '，显示前 ' + MAX_ROWS + ' 个（请缩小筛选范围）' : '') + '。';
  }
  readHash();
  keys.forEach(function (key) {
    els[key].addEventListener('change', function () { writeHash(); render(); });
  });
  els.search.addEventListener('input', function () { writeHash(); render(); });
  window.addEventListener('hashchange', function () { readHash(); render(); });
  render();
})();`);
