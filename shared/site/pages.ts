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
import { escapeHtml, externalLink, hrefPath } from './html.ts';
import { beijingDate, beijingTime, LEVEL_LABELS, renderPage, SEVERITY_LABELS, statusBadge } from './layout.ts';
import {
  AGENCY_INDEX_PATH,
  agencyPagePath,
  archiveViewerPath,
  evaluationPath,
  isLiveHtmlExt,
  listingRegion,
  overviewPath,
  regionListingHref,
  regionListPath,
  reportPagePath,
} from './paths.ts';

const FETCH_STATUS_LABELS: Record<string, string> = {
  found: '已找到',
  'not-found': '未找到',
  unreachable: '无法访问',
  blocked: '被拦截（反爬虫验证、robots 或地址受限）',
  'address-broken': '名录地址失效（404/410）',
};

/** Where the overview's counts lead: a county's listing, or the agency index narrowed to a region. */
function agenciesLink(region: readonly string[], filters: { year: number; status?: string }): string {
  return escapeHtml(regionListingHref(region, filters));
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

/** Status changes recorded in the seven days up to `now`, newest first. */
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
  if (changes.length === 0) return '<p class="muted">这 7 天内没有机关的状态发生变化。</p>';
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

/**
 * The newest moment recorded in a year's assessments (when the data last changed): what the overview
 * describes, where the moment of generation would make it change every run. Undefined with none.
 */
export function dataAsOf(states: Iterable<AgencyYearState>): Date | undefined {
  let newest = Number.NEGATIVE_INFINITY;
  for (const state of states) {
    for (const at of [state.current?.assessedAt, ...(state.history ?? []).map((entry) => entry.at)]) {
      const ms = Date.parse(at ?? '');
      if (Number.isFinite(ms) && ms > newest) newest = ms;
    }
  }
  return Number.isFinite(newest) ? new Date(newest) : undefined;
}

/**
 * Renders the overview of one report year (year-{Y}.html) as of `asOf`, the newest assessment of the
 * year (dataAsOf): the chart ends in its week and the recent changes are the 7 days up to it.
 */
export function renderOverview(index: SiteIndex, year: number, asOf: Date, generatedAt: string): string {
  const states = [...(index.states.get(year)?.values() ?? [])];
  const totals = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<ComplianceStatus, number>;
  for (const state of states) if (totals[state.current.status] !== undefined) totals[state.current.status]++;
  const unassessed = index.agencies.length - states.length;
  const cards = [
    `<div class="card"><span class="n">${index.agencies.length}</span><a href="${AGENCY_INDEX_PATH}">机关总数</a></div>`,
    ...STATUS_ORDER.map(
      (status) =>
        `<div class="card" data-status="${status}"><span class="n">${totals[status]}</span><a href="${agenciesLink([], { year, status })}">${STATUS_LABELS[status]}</a></div>`,
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
      // Agencies without a region have a listing of their own (not a region of the index).
      const link = (filters: { year: number; status?: string }) =>
        row.path[0] === '（未登记地区）'
          ? escapeHtml(regionListingHref([], filters).replace(AGENCY_INDEX_PATH, regionListPath([])))
          : agenciesLink(row.path, filters);
      const cellsHtml = STATUS_ORDER.map((status) => {
        const count = row.counts[status];
        return `<td class="num" data-status="${status}">${count ? `<a href="${link({ year, status })}">${count}</a>` : '0'}</td>`;
      }).join('');
      return `<tr class="depth-${row.path.length - 1}" data-region="${escapeHtml(region)}"><td><a href="${link({ year })}">${escapeHtml(row.path[row.path.length - 1])}</a></td><td class="num">${row.total}</td>${cellsHtml}<td class="num">${row.unassessed}</td></tr>`;
    })
    .join('\n');
  const weekStart = new Date(asOf.getTime() - 7 * 86_400_000).toISOString();
  const html = `
<h1>${year} 年度政府信息公开工作年度报告 · 合规总览</h1>
<p class="muted">年度：${yearLinks}。最近更新：${escapeHtml(beijingTime(asOf.toISOString()))}（北京时间，最近一次评估有变化的时间）。</p>
<p class="downloads"><a href="${evaluationPath(year)}">${year} 年度评估报告（可打印）</a> · <a href="${AGENCY_INDEX_PATH}">机关列表与各地区 Excel 工作簿</a></p>
<div class="cards">${cards}</div>
<h2>每周趋势</h2>
${weeklyChartSvg(weeklyCounts(states, asOf))}
<h2>最近 7 天的状态变化（${escapeHtml(beijingDate(weekStart))} 至 ${escapeHtml(beijingDate(asOf.toISOString()))}）</h2>
${recentChanges(index, states, asOf)}
<h2>按地区统计</h2>
<table class="data regions"><thead>${head}</thead><tbody>${body}</tbody></table>
<p class="muted">“逾期公开”指截止日期后才发布；“未公开”指截止日期已过仍未找到；“无法访问”是抓取失败，不计为机关未公开；“数据不一致”指校验发现错误。</p>
`;
  return renderPage({ title: `${year} 年度总览`, depth: 0, body: html, generatedAt });
}

/**
 * index.html: a small page that opens the newest year's overview (a refresh, with links for a browser
 * that does not follow it), rather than a second copy of the biggest page. It changes only with the years.
 */
export function renderSiteIndex(years: readonly number[], generatedAt: string): string {
  const newest = years[years.length - 1];
  const links = years
    .slice()
    .reverse()
    .map((year) => `<li><a href="${overviewPath(year)}">${year} 年度总览</a></li>`)
    .join('');
  const body = `
<h1>政府信息公开工作年度报告监测</h1>
${newest !== undefined ? `<p>正在打开 <a href="${overviewPath(newest)}">${newest} 年度总览</a>……</p>` : ''}
<ul>${links}<li><a href="${AGENCY_INDEX_PATH}">机关列表</a></li><li><a href="rules.html">校验规则</a></li></ul>
`;
  return renderPage({
    title: '总览',
    depth: 0,
    body,
    generatedAt,
    ...(newest !== undefined ? { head: `<meta http-equiv="refresh" content="0; url=${overviewPath(newest)}">` } : {}),
  });
}

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
<p class="muted"><a href="../index.html">总览</a> › <a href="../${AGENCY_INDEX_PATH}">机关列表</a> › <a href="../${escapeHtml(regionListPath(listingRegion(agency.region)))}">${escapeHtml(listingRegion(agency.region).at(-1) ?? '（未登记地区）')}</a></p>
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
