/** The overview, agency list, agency and rule catalogue pages. */
import type { AgencyYearState, ComplianceStatus } from '../compliance/status.ts';
import { PROBLEM_STATUSES, STATUS_LABELS, STATUS_ORDER } from '../compliance/status.ts';
import type { AnnualReport } from '../report/model.ts';
import type { Finding } from '../rules/finding.ts';
import type { RuleInfo } from '../rules/rule-info.ts';
import { isYoyJump, yearOnYearTotals } from '../rules/yoy.ts';
import { parseRawKey } from '../storage/keys.ts';
import type { ReportResult } from '../storage/records.ts';
import { describeVerdict, fingerprintFinding, TRIAGE_LABELS, type TriageLookup } from '../triage/triage.ts';
import { weeklyChartSvg, weeklyCounts } from './chart.ts';
import type { FetchRecord, SiteAgency, SiteIndex } from './collect.ts';
import { statusWorkbookPath } from './export.ts';
import { escapeHtml, externalLink, hrefPath, jsonForScript } from './html.ts';
import { beijingDate, beijingTime, LEVEL_LABELS, renderPage, SEVERITY_LABELS, statusBadge } from './layout.ts';
import {
  agencyPagePath,
  archiveViewerPath,
  evaluationPath,
  isLiveHtmlExt,
  overviewPath,
  reportPagePath,
} from './paths.ts';

const FETCH_STATUS_LABELS: Record<string, string> = {
  found: '已找到',
  'not-found': '未找到',
  unreachable: '无法访问',
  blocked: '被拦截（反爬虫验证、robots 或地址受限）',
  'address-broken': '名录地址失效（404/410）',
};

function agenciesLink(filters: Record<string, string | number>): string {
  const hash = Object.entries(filters)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&');
  return `agencies.html#${escapeHtml(hash)}`;
}

interface RegionRow {
  path: string[];
  total: number;
  counts: Record<ComplianceStatus, number>;
  unassessed: number;
}

/** Counts per region prefix (up to three levels: province / city / county). */
function regionRows(index: SiteIndex, year: number): RegionRow[] {
  const rows = new Map<string, RegionRow>();
  const states = index.states.get(year);
  for (const agency of index.agencies) {
    const status = states?.get(agency.id)?.current.status ?? null;
    const region = agency.region.length ? agency.region : ['（未登记地区）'];
    for (let depth = 1; depth <= Math.min(3, region.length); depth++) {
      const path = region.slice(0, depth);
      const key = path.join('/');
      let row = rows.get(key);
      if (!row) {
        row = {
          path,
          total: 0,
          counts: Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<ComplianceStatus, number>,
          unassessed: 0,
        };
        rows.set(key, row);
      }
      row.total++;
      if (status) row.counts[status]++;
      else row.unassessed++;
    }
  }
  // Go as deep as keeps the table readable (a province-wide registry stops at cities; one county shows all).
  const all = [...rows.values()];
  let depth = 1;
  while (depth < 3 && all.filter((row) => row.path.length <= depth + 1).length <= MAX_REGION_ROWS) depth++;
  return all
    .filter((row) => row.path.length <= depth)
    .sort((a, b) => a.path.join('/').localeCompare(b.path.join('/'), 'zh-CN'));
}

/** More region rows than this and the overview stops one level up (the agency list filters any region). */
const MAX_REGION_ROWS = 40;

/** How many recent status changes the overview lists (the agency list and CSV have the rest). */
const MAX_RECENT_CHANGES = 50;

/** Status changes recorded in the seven days before `now`, newest first. */
function recentChanges(index: SiteIndex, states: AgencyYearState[], now: Date): string {
  const since = now.getTime() - 7 * 86_400_000;
  const names = new Map(index.agencies.map((agency) => [agency.id, agency]));
  const changes: { at: number; agencyId: string; from: ComplianceStatus | null; to: ComplianceStatus }[] = [];
  for (const state of states) {
    const history = [...(state.history ?? [])].sort((a, b) => a.at.localeCompare(b.at));
    history.forEach((entry, i) => {
      const at = Date.parse(entry.at);
      const from = history[i - 1]?.status ?? null;
      if (at > since && at <= now.getTime() && from !== entry.status) {
        changes.push({ at, agencyId: state.agencyId, from, to: entry.status });
      }
    });
  }
  if (changes.length === 0) return '<p class="muted">最近 7 天没有机关的状态发生变化。</p>';
  changes.sort((a, b) => b.at - a.at || a.agencyId.localeCompare(b.agencyId));
  const rows = changes
    .slice(0, MAX_RECENT_CHANGES)
    .map((change) => {
      const agency = names.get(change.agencyId);
      return `<tr class="change"><td>${escapeHtml(beijingTime(new Date(change.at).toISOString()))}</td><td><a href="${hrefPath(agencyPagePath(change.agencyId))}">${escapeHtml(agency?.name ?? change.agencyId)}</a></td><td>${escapeHtml(agency?.region.join('/') ?? '')}</td><td>${change.from ? statusBadge(change.from) : '（首次评估）'} → ${statusBadge(change.to)}</td></tr>`;
    })
    .join('');
  const more =
    changes.length > MAX_RECENT_CHANGES
      ? `<p class="muted">共 ${changes.length} 项变化，仅列出最近 ${MAX_RECENT_CHANGES} 项。</p>`
      : '';
  return `<table class="data changes"><thead><tr><th>时间</th><th>机关</th><th>地区</th><th>变化</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

/** Renders the overview of one report year (index.html for the newest year, year-{Y}.html for each). */
export function renderOverview(index: SiteIndex, year: number, now: Date, generatedAt: string): string {
  const states = [...(index.states.get(year)?.values() ?? [])];
  const totals = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<ComplianceStatus, number>;
  for (const state of states) if (totals[state.current.status] !== undefined) totals[state.current.status]++;
  const unassessed = index.agencies.length - states.length;
  const cards = [
    `<div class="card"><span class="n">${index.agencies.length}</span>机关总数</div>`,
    ...STATUS_ORDER.map(
      (status) =>
        `<div class="card" data-status="${status}"><span class="n">${totals[status]}</span><a href="${agenciesLink({ year, status })}">${STATUS_LABELS[status]}</a></div>`,
    ),
    unassessed > 0 ? `<div class="card"><span class="n">${unassessed}</span>未评估</div>` : '',
  ].join('');
  const yearLinks = index.years
    .slice()
    .reverse()
    .map((y) => (y === year ? `<strong>${y} 年度</strong>` : `<a href="${overviewPath(y)}">${y} 年度</a>`))
    .join(' · ');
  const head = `<tr><th>地区</th><th class="num">机关数</th>${STATUS_ORDER.map((s) => `<th class="num">${STATUS_LABELS[s]}</th>`).join('')}<th class="num">未评估</th></tr>`;
  const body = regionRows(index, year)
    .map((row) => {
      const region = row.path.join('/');
      const cellsHtml = STATUS_ORDER.map((status) => {
        const count = row.counts[status];
        return `<td class="num" data-status="${status}">${count ? `<a href="${agenciesLink({ year, region, status })}">${count}</a>` : '0'}</td>`;
      }).join('');
      return `<tr class="depth-${row.path.length - 1}" data-region="${escapeHtml(region)}"><td><a href="${agenciesLink({ year, region })}">${escapeHtml(row.path[row.path.length - 1])}</a></td><td class="num">${row.total}</td>${cellsHtml}<td class="num">${row.unassessed}</td></tr>`;
    })
    .join('\n');
  const html = `
<h1>${year} 年度政府信息公开工作年度报告 · 合规总览</h1>
<p class="muted">年度：${yearLinks}。截至 ${escapeHtml(beijingTime(now.toISOString()))}（北京时间）。</p>
<p class="downloads"><a href="${evaluationPath(year)}">${year} 年度评估报告（可打印）</a> · <a href="${statusWorkbookPath(year)}">机关状态工作簿（Excel）</a> · <a href="agencies.csv">机关状态 CSV</a> · <a href="findings.csv">问题清单 CSV</a></p>
<div class="cards">${cards}</div>
<h2>每周趋势</h2>
${weeklyChartSvg(weeklyCounts(states, now))}
<h2>最近 7 天的状态变化</h2>
${recentChanges(index, states, now)}
<h2>按地区统计</h2>
<table class="data regions"><thead>${head}</thead><tbody>${body}</tbody></table>
<p class="muted">“逾期公开”指截止日期后才发布；“未公开”指截止日期已过仍未找到；“无法访问”是抓取失败，不计为机关未公开；“数据不一致”指校验发现错误。</p>
`;
  return renderPage({ title: `${year} 年度总览`, depth: 0, body: html, generatedAt });
}

/** The agency list: data embedded as JSON, filtered and searched by a small inline script. */
export function renderAgencyList(index: SiteIndex, generatedAt: string): string {
  const latest = index.years[index.years.length - 1] ?? null;
  const rows = index.agencies.map((agency) => {
    const statuses: Record<string, ComplianceStatus> = {};
    const errors: Record<string, number> = {};
    const verdicts: Record<string, string[]> = {};
    for (const year of index.years) {
      const state = index.states.get(year)?.get(agency.id);
      if (!state) continue;
      statuses[year] = state.current.status;
      errors[year] = state.current.findings.filter((f) => f.severity === 'error').length;
      const states = new Set<string>();
      const onStatus = index.triage?.forStatus(agency.id, year);
      if (onStatus) states.add(onStatus.state);
      for (const finding of state.current.findings) {
        const verdict = index.triage?.forFinding(agency.id, year, finding);
        if (verdict) states.add(verdict.state);
      }
      if (states.size) verdicts[year] = [...states].sort();
    }
    return {
      id: agency.id,
      n: agency.name,
      l: agency.level ?? '',
      r: agency.region.join('/'),
      h: hrefPath(agencyPagePath(agency.id)),
      s: statuses,
      e: errors,
      t: verdicts,
    };
  });
  const regions = new Set<string>();
  for (const agency of index.agencies) {
    for (let depth = 1; depth <= agency.region.length; depth++) regions.add(agency.region.slice(0, depth).join('/'));
  }
  const data = {
    years: index.years,
    latest,
    statusLabels: STATUS_LABELS,
    statusOrder: STATUS_ORDER,
    levelLabels: LEVEL_LABELS,
    triageLabels: TRIAGE_LABELS,
    agencies: rows,
  };
  const levelsPresent = Object.entries(LEVEL_LABELS).filter(([level]) => index.agencies.some((a) => a.level === level));
  const body = `
<h1>机关列表</h1>
<form class="filters" id="filters" autocomplete="off">
<label>年度<select id="f-year">${index.years
    .slice()
    .reverse()
    .map((y) => `<option value="${y}">${y}</option>`)
    .join('')}</select></label>
<label>地区<select id="f-region"><option value="">全部地区</option>${[...regions]
    .sort((a, b) => a.localeCompare(b, 'zh-CN'))
    .map((r) => `<option value="${escapeHtml(r)}">${escapeHtml(r)}</option>`)
    .join('')}</select></label>
<label>级别<select id="f-level"><option value="">全部级别</option>${levelsPresent
    .map(([level, label]) => `<option value="${level}">${escapeHtml(label)}</option>`)
    .join('')}</select></label>
<label>状态<select id="f-status"><option value="">全部状态</option>${STATUS_ORDER.map(
    (s) => `<option value="${s}">${STATUS_LABELS[s]}</option>`,
  ).join('')}<option value="none">未评估</option></select></label>
<label>核查<select id="f-triage"><option value="">全部</option><option value="none">未核查</option>${Object.entries(
    TRIAGE_LABELS,
  )
    .map(([state, label]) => `<option value="${state}">${escapeHtml(label)}</option>`)
    .join('')}</select></label>
<label>搜索<input id="f-search" type="search" placeholder="机关名称、编号或地区"></label>
</form>
<p id="count" class="muted" aria-live="polite"></p>
<table class="data" id="agency-table"><thead><tr><th>机关</th><th>地区</th><th>级别</th><th>状态</th><th>核查</th><th class="num">错误数</th></tr></thead><tbody id="agency-rows"></tbody></table>
<noscript><p>此页面的筛选需要启用 JavaScript；也可以查看 <a href="findings.csv">问题清单 CSV</a>。</p></noscript>
<script type="application/json" id="agency-data">${jsonForScript(data)}</script>
`;
  return renderPage({ title: '机关列表', depth: 0, body, scripts: [AGENCY_LIST_SCRIPT], generatedAt });
}

/**
 * Filters and search for agencies.html. Rows are built with textContent only, so agency names from the
 * registry or reports can never become markup. Filter state lives in the URL hash (links from the overview).
 */
const AGENCY_LIST_SCRIPT = `(function () {
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
  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    ['year', 'region', 'level', 'status', 'triage'].forEach(function (key) {
      var value = params.get(key);
      if (value !== null && Array.prototype.some.call(els[key].options, function (o) { return o.value === value; })) els[key].value = value;
    });
    if (params.get('q') !== null) els.search.value = params.get('q');
  }
  function writeHash() {
    var params = new URLSearchParams();
    ['year', 'region', 'level', 'status', 'triage'].forEach(function (key) { if (els[key].value) params.set(key, els[key].value); });
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
  function render() {
    var year = els.year.value, region = els.region.value, level = els.level.value, status = els.status.value, triage = els.triage.value;
    var query = els.search.value.trim().toLowerCase();
    var matches = data.agencies.filter(function (a) {
      var s = a.s[year] || 'none';
      if (status && s !== status) return false;
      var t = (a.t && a.t[year]) || [];
      if (triage === 'none' && t.length) return false;
      if (triage && triage !== 'none' && t.indexOf(triage) === -1) return false;
      if (level && a.l !== level) return false;
      if (region && a.r !== region && a.r.indexOf(region + '/') !== 0) return false;
      if (query && (a.n + ' ' + a.id + ' ' + a.r).toLowerCase().indexOf(query) === -1) return false;
      return true;
    });
    var fragment = document.createDocumentFragment();
    matches.slice(0, MAX_ROWS).forEach(function (a) {
      var tr = document.createElement('tr');
      var s = a.s[year] || 'none';
      tr.className = 'agency-row';
      tr.setAttribute('data-status', s);
      tr.setAttribute('data-level', a.l);
      tr.setAttribute('data-region', a.r);
      var nameCell = document.createElement('td');
      var link = document.createElement('a');
      link.href = a.h;
      link.textContent = a.n;
      nameCell.appendChild(link);
      tr.appendChild(nameCell);
      tr.appendChild(cell(a.r || '—', '', '地区'));
      tr.appendChild(cell(data.levelLabels[a.l] || '—', '', '级别'));
      var statusCell = document.createElement('td');
      var badge = document.createElement('span');
      badge.className = 'badge status-' + s;
      badge.textContent = s === 'none' ? '未评估' : data.statusLabels[s];
      statusCell.appendChild(badge);
      tr.appendChild(statusCell);
      var triageCell = document.createElement('td');
      var verdicts = (a.t && a.t[year]) || [];
      if (verdicts.length) triageCell.setAttribute('data-label', '核查');
      verdicts.forEach(function (state) {
        var mark = document.createElement('span');
        mark.className = 'triage triage-' + state;
        mark.textContent = data.triageLabels[state];
        triageCell.appendChild(mark);
      });
      tr.appendChild(triageCell);
      tr.appendChild(cell(a.e[year] === undefined ? '—' : String(a.e[year]), 'num', '错误'));
      fragment.appendChild(tr);
    });
    els.rows.replaceChildren(fragment);
    els.count.textContent = '共 ' + matches.length + ' 个机关符合条件' + (matches.length > MAX_ROWS ? '，显示前 ' + MAX_ROWS + ' 个（请缩小筛选范围）' : '') + '。';
  }
  readHash();
  ['year', 'region', 'level', 'status', 'triage'].forEach(function (key) {
    els[key].addEventListener('change', function () { writeHash(); render(); });
  });
  els.search.addEventListener('input', function () { writeHash(); render(); });
  window.addEventListener('hashchange', function () { readHash(); render(); });
  render();
})();`;

function verdictAttr(entry: ReturnType<TriageLookup['forFinding']>): string {
  return entry ? ` data-triage="${escapeHtml(entry.state)}"` : '';
}

/** The triage badge: 误报 / 已核实 / 已整改 / 已督办, who and when in the title and beside it. */
function verdictBadge(entry: ReturnType<TriageLookup['forFinding']>): string {
  if (!entry) return '';
  return ` <span class="triage triage-${escapeHtml(entry.state)}" title="${escapeHtml(describeVerdict(entry))}">${escapeHtml(TRIAGE_LABELS[entry.state])}</span><span class="muted triage-who">${escapeHtml(describeVerdict(entry).slice(TRIAGE_LABELS[entry.state].length))}</span>`;
}

/** What happened and what to do, for every status that is not green; technical detail under it. */
function statusExplanation(current: AgencyYearState['current'] | undefined): string {
  if (!current || (!current.reason && !current.nextStep && !current.detail)) return '';
  return `<div class="status-note status-note-${escapeHtml(current.status)}">${current.reason ? `<p class="reason">${escapeHtml(current.reason)}</p>` : ''}${current.nextStep ? `<p class="next-step"><strong>建议：</strong>${escapeHtml(current.nextStep)}</p>` : ''}${current.detail ? `<p class="detail muted">技术信息：${escapeHtml(current.detail)}</p>` : ''}</div>`;
}

function findingList(
  findings: Finding[],
  current?: AgencyYearState['current'],
  triage?: TriageLookup,
  agencyId = '',
  year = 0,
): string {
  if (findings.length === 0) {
    // A red status with no finding lines is not "no problem": point at the status note instead.
    return current && PROBLEM_STATUSES.includes(current.status)
      ? '<p class="muted">没有逐条的问题记录；状态与处理建议见上方说明。</p>'
      : '<p class="muted">未发现问题。</p>';
  }
  return `<ol class="findings">${findings
    .map(
      (finding) =>
        `<li data-rule="${escapeHtml(finding.rule)}"${verdictAttr(triage?.forFinding(agencyId, year, finding))}><span class="sev-${finding.severity}">[${SEVERITY_LABELS[finding.severity] ?? ''}]</span> <code>${escapeHtml(finding.rule)}</code> ${escapeHtml(finding.message)}${verdictBadge(triage?.forFinding(agencyId, year, finding))} <span class="fp mono" title="问题指纹（nianbao triage --finding）">${escapeHtml(fingerprintFinding(agencyId, year, finding))}</span></li>`,
    )
    .join('')}</ol>`;
}

export interface AgencyYearView {
  year: number;
  state: AgencyYearState | undefined;
  results: ReportResult[];
  fetches: FetchRecord[];
  /** sha256 → URL the snapshot was fetched from. */
  sourceUrls: Map<string, string>;
  /** The current report as parsed (for the year-on-year totals). */
  report?: AnnualReport | null;
}

/** 表三/表四 totals beside last year's, when both years' reports were read. */
function yearOnYearTable(
  year: number,
  current: AnnualReport | null | undefined,
  previous: AnnualReport | null | undefined,
): string {
  if (!current || !previous) return '';
  const rows = yearOnYearTotals(current, previous)
    .filter((total) => total.current !== null || total.previous !== null)
    .map((total) => {
      const jump = total.current !== null && total.previous !== null && isYoyJump(total.previous, total.current);
      const change =
        total.current === null || total.previous === null
          ? '—'
          : `${total.current - total.previous > 0 ? '+' : ''}${total.current - total.previous}`;
      return `<tr${jump ? ' class="yoy-jump"' : ''}><td>${escapeHtml(total.label)}</td><td class="num">${total.previous ?? '—'}</td><td class="num">${total.current ?? '—'}</td><td class="num">${change}${jump ? ' <span class="sev-warning">变化超过 5 倍</span>' : ''}</td></tr>`;
    })
    .join('');
  if (!rows) return '';
  return `<h3>与上年比较</h3><div class="table-wrap"><table class="data yoy"><thead><tr><th>项目</th><th class="num">${year - 1} 年度</th><th class="num">${year} 年度</th><th class="num">变化</th></tr></thead><tbody>${rows}</tbody></table></div><p class="muted">“—”表示该年度报告中此项未能读出或为空白（不当作 0）。</p>`;
}

/** Renders agency/{id}.html: every year's status, the reports found, status and fetch history, findings. */
export function renderAgencyPage(
  agency: SiteAgency,
  years: AgencyYearView[],
  generatedAt: string,
  triage?: TriageLookup,
): string {
  const facts: [string, string][] = [
    ['编号', `<span class="mono">${escapeHtml(agency.id)}</span>`],
    ['级别', escapeHtml(agency.level ? LEVEL_LABELS[agency.level] : '—')],
    ['地区', escapeHtml(agency.region.join(' / ') || '—')],
    ['公开年报栏目', agency.listUrls.map((url) => externalLink(url)).join('<br>') || '—'],
  ];
  if (agency.liaison) {
    const { name, phone, email } = agency.liaison;
    facts.push([
      '联系人',
      escapeHtml([name, phone ? `电话 ${phone}` : '', email ? `邮箱 ${email}` : ''].filter(Boolean).join('　')),
    ]);
  }
  if (!agency.inRegistry) facts.push(['说明', '该机关不在当前名录中，仅显示已存档的结果。']);
  const summary = years
    .map(
      ({ year, state }) =>
        `<tr><td><a href="#year-${year}">${year}</a></td><td>${statusBadge(state?.current.status ?? null)}</td><td>${escapeHtml(beijingDate(state?.current.deadline))}</td><td>${escapeHtml(beijingTime(state?.current.publishDate))}</td><td class="num">${state?.current.daysLate ?? '—'}</td><td class="num">${state ? state.current.findings.filter((f) => f.severity === 'error').length : '—'}</td></tr>`,
    )
    .join('');
  const reportsByYear = new Map(years.map((view) => [view.year, view.report]));
  const yearSections = years
    .map(({ year, state, results, fetches, sourceUrls, report }) => {
      const currentSha =
        state?.current.resultKey?.match(/([0-9a-f]{64})\.json$/)?.[1] ?? results[results.length - 1]?.sha256;
      const reportRows = results
        .slice()
        .reverse()
        .map((result) => {
          const raw = parseRawKey(result.rawKey ?? '');
          const errors = (result.findings ?? []).filter((f) => f.severity === 'error').length;
          return `<tr><td><a href="../${hrefPath(reportPagePath(year, agency.id, result.sha256))}">${escapeHtml(result.report?.title ?? `${year} 年度报告`)}</a>${result.sha256 === currentSha ? ' <span class="badge status-pending">当前</span>' : ''}</td><td class="mono">${escapeHtml(result.sha256.slice(0, 12))}</td><td>${escapeHtml(beijingTime(result.parsedAt))}</td><td class="num">${errors}</td><td>${raw ? (isLiveHtmlExt(raw.ext) ? `<a href="../${hrefPath(archiveViewerPath(year, agency.id, result.sha256))}">原件</a>` : `<a href="../../${hrefPath(result.rawKey)}">原件</a>`) : '—'} ${externalLink(sourceUrls.get(result.sha256), '来源')}</td></tr>`;
        })
        .join('');
      const history = (state?.history ?? [])
        .slice()
        .reverse()
        .map(
          (entry) =>
            `<tr><td>${escapeHtml(beijingTime(entry.at))}</td><td>${statusBadge(entry.status)}</td><td class="mono">${escapeHtml(entry.sha256?.slice(0, 12) ?? '')}</td></tr>`,
        )
        .join('');
      const fetchRows = fetches
        .slice()
        .reverse()
        .map(
          (record) =>
            `<tr><td>${escapeHtml(fetchStretchTime(record))}</td><td>${escapeHtml(FETCH_STATUS_LABELS[record.status] ?? record.status)}</td><td class="num">${record.snapshots}</td><td>${escapeHtml(record.error ?? '')}</td></tr>`,
        )
        .join('');
      const current = state?.current;
      return `<section id="year-${year}"><h2>${year} 年度 ${statusBadge(current?.status ?? null)}</h2>
<dl class="facts"><dt>截止日期</dt><dd>${escapeHtml(beijingDate(current?.deadline))}</dd><dt>发布时间</dt><dd>${escapeHtml(beijingTime(current?.publishDate))}${current?.daysLate ? `（逾期 ${current.daysLate} 天）` : ''}</dd><dt>来源</dt><dd>${externalLink(current?.sourceUrl) || '—'}</dd><dt>首次发现</dt><dd>${escapeHtml(beijingTime(state?.firstSeen))}</dd><dt>最近变化</dt><dd>${escapeHtml(beijingTime(state?.lastChanged))}</dd><dt>最近评估</dt><dd>${escapeHtml(beijingTime(current?.assessedAt))}</dd></dl>
${statusExplanation(current)}${verdictBadge(triage?.forStatus(agency.id, year)) ? `<p class="status-verdict">核查：${verdictBadge(triage?.forStatus(agency.id, year))}</p>` : ''}
<h3>问题</h3>${findingList(current?.findings ?? [], current, triage, agency.id, year)}
${yearOnYearTable(year, report, reportsByYear.get(year - 1))}
<h3>已存档的报告</h3>${reportRows ? `<table class="data"><thead><tr><th>报告</th><th>SHA-256</th><th>解析时间</th><th class="num">错误数</th><th>链接</th></tr></thead><tbody>${reportRows}</tbody></table>` : '<p class="muted">尚未找到报告。</p>'}
<h3>状态变化</h3>${history ? `<table class="data"><thead><tr><th>时间</th><th>状态</th><th>版本</th></tr></thead><tbody>${history}</tbody></table>` : '<p class="muted">无记录。</p>'}
<h3>抓取记录</h3>${fetchRows ? `<table class="data"><thead><tr><th>时间（结果相同的连续抓取合为一行）</th><th>结果</th><th class="num">存档文件数</th><th>错误</th></tr></thead><tbody>${fetchRows}</tbody></table>` : '<p class="muted">无记录。</p>'}
</section>`;
    })
    .join('\n');
  const body = `
<p class="muted"><a href="../index.html">总览</a> › <a href="../agencies.html">机关列表</a></p>
<h1>${escapeHtml(agency.name)}</h1>
<dl class="facts">${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
<h2>各年度状态</h2>
<table class="data"><thead><tr><th>年度</th><th>状态</th><th>截止日期</th><th>发布时间</th><th class="num">逾期天数</th><th class="num">错误数</th></tr></thead><tbody>${summary}</tbody></table>
${yearSections}
`;
  return renderPage({ title: agency.name, depth: 1, body, generatedAt });
}

/** Renders rules.html from the rule catalogue, with how often each rule fired. */
export function renderRulesPage(
  catalogue: readonly RuleInfo[],
  counts: Map<string, number>,
  generatedAt: string,
): string {
  const known = new Set(catalogue.map((rule) => rule.id));
  const rows = catalogue
    .slice()
    .sort((a, b) => a.id.localeCompare(b.id))
    .map(
      (rule) =>
        `<tr id="rule-${escapeHtml(rule.id)}"><td><code>${escapeHtml(rule.id)}</code></td><td class="sev-${rule.severity}">${SEVERITY_LABELS[rule.severity] ?? ''}</td><td><strong>${escapeHtml(rule.title)}</strong><br>${escapeHtml(rule.description)}</td><td>${escapeHtml(rule.example)}</td><td class="num">${counts.get(rule.id) ?? 0}</td></tr>`,
    )
    .join('');
  const unlisted = [...counts.entries()]
    .filter(([id]) => !known.has(id))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, count]) => `<tr><td><code>${escapeHtml(id)}</code></td><td class="num">${count}</td></tr>`)
    .join('');
  const body = `
<h1>校验规则</h1>
<p class="muted">每条问题都带有规则编号；下表说明各规则检查什么，并给出示例。“出现次数”为当前各机关最新评估中的问题数。</p>
${rows ? `<table class="data rules"><thead><tr><th>规则编号</th><th>级别</th><th>检查内容</th><th>示例</th><th class="num">出现次数</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="muted">规则目录为空。</p>'}
${unlisted ? `<h2>目录外的规则编号</h2><table class="data"><thead><tr><th>规则编号</th><th class="num">出现次数</th></tr></thead><tbody>${unlisted}</tbody></table>` : ''}
`;
  return renderPage({ title: '校验规则', depth: 0, body, generatedAt });
}

/** "X 起" while the stretch lasts; "X 至 Y（n 次）" once a different result followed. */
function fetchStretchTime(record: FetchRecord): string {
  if (!record.until) return `${beijingTime(record.at)} 起`;
  if (record.until === record.at) return beijingTime(record.at);
  return `${beijingTime(record.at)} 至 ${beijingTime(record.until)}（${record.runs ?? 2} 次）`;
}
