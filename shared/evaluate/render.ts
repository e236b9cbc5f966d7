/**
 * The evaluation as one printable HTML document: inline CSS with an A4 print stylesheet (page margins,
 * repeated table headers, no row split across pages, charts kept whole), inline SVG charts, no scripts.
 * The same file is the site's evaluation-{Y}.html and the source of the PDF. Every name and message is
 * escaped.
 */

import { STATUS_LABELS } from '../compliance/status.ts';
import { STATUS_COLORS } from '../compliance/status-colors.ts';
import { formatRate, type GroupRates, UNKNOWN_RATE_LABEL } from '../export/rates.ts';
import { escapeHtml } from '../html/escape.ts';
import { SEVERITY_LABELS } from '../rules/finding.ts';
import { groupedBarsSvg, stackedBarsSvg } from './charts.ts';
import type { Evaluation, RegionRates } from './model.ts';

export interface RenderEvaluationOptions {
  /** Shown on the title page, e.g. "河南省人民政府办公厅政务公开办". */
  publisher?: string;
  /** A link back (the site's overview), shown on screen only. */
  backHref?: string;
  /** How many ranked departments to list. @default 100 */
  maxDepartments?: number;
  /** What the title page's date is (the site's evaluation shows its data's date). @default 生成日期 */
  dateLabel?: string;
}

type RateKey = 'onTimeRate' | 'publishRate' | 'problemRate';

function rateCell(rates: GroupRates, key: RateKey, region: string): string {
  const value = rates[key];
  return `<td class="num" data-rate="${key}" data-group="${escapeHtml(region)}" data-value="${value ?? ''}">${formatRate(value)}</td>`;
}

function countCells(rates: GroupRates): string {
  return [
    rates.agencies,
    rates.due,
    rates.published,
    rates.onTime,
    rates.late,
    rates.missing,
    rates.unknown,
    rates.notDue + rates.notAssessed,
  ]
    .map((n) => `<td class="num">${n}</td>`)
    .join('');
}

const COUNT_HEAD = `<th class="num">机关数</th><th class="num">应公开</th><th class="num">已公开</th><th class="num">按时</th><th class="num">逾期</th><th class="num">未公开</th><th class="num">${UNKNOWN_RATE_LABEL}</th><th class="num">未到期/未评估</th><th class="num">按时公开率</th><th class="num">公开率</th><th class="num">问题率</th>`;

function ratesRow(label: string, rates: GroupRates, kind: string): string {
  return `<tr data-kind="${kind}"><td>${escapeHtml(label)}</td>${countCells(rates)}${rateCell(rates, 'onTimeRate', `${kind}:${label}`)}${rateCell(rates, 'publishRate', `${kind}:${label}`)}${rateCell(rates, 'problemRate', `${kind}:${label}`)}</tr>`;
}

function delta(now: number | null, before: number | null): string {
  if (now === null || before === null) return '—';
  const points = Math.round((now - before) * 1000) / 10;
  const sign = points > 0 ? '+' : points < 0 ? '−' : '±';
  return `${sign}${Math.abs(points).toFixed(1)} 个百分点`;
}

function yoyRow(row: RegionRates): string {
  const before = row.previous;
  return `<tr><td>${escapeHtml(row.region)}</td><td class="num">${formatRate(before?.onTimeRate ?? null)}</td><td class="num">${formatRate(row.rates.onTimeRate)}</td><td class="num">${delta(row.rates.onTimeRate, before?.onTimeRate ?? null)}</td><td class="num">${formatRate(before?.publishRate ?? null)}</td><td class="num">${formatRate(row.rates.publishRate)}</td><td class="num">${delta(row.rates.publishRate, before?.publishRate ?? null)}</td><td class="num">${formatRate(before?.problemRate ?? null)}</td><td class="num">${formatRate(row.rates.problemRate)}</td></tr>`;
}

const COLORS = {
  onTime: STATUS_COLORS['on-time'].bg,
  published: '#175cd3',
  late: STATUS_COLORS.late.bg,
  missing: STATUS_COLORS.missing.bg,
  unknown: STATUS_COLORS.unreachable.bg,
  notDue: STATUS_COLORS.pending.bg,
  lastYear: '#98a2b3',
};

/** Renders the evaluation document. */
export function renderEvaluationHtml(evaluation: Evaluation, options: RenderEvaluationOptions = {}): string {
  const { year, total } = evaluation;
  const generated = new Date(Date.parse(evaluation.generatedAt) + 8 * 3_600_000).toISOString().slice(0, 10);
  const card = (label: string, value: string, note = '') =>
    `<div class="card"><span class="n">${value}</span>${escapeHtml(label)}${note ? `<small>${escapeHtml(note)}</small>` : ''}</div>`;
  const prev = evaluation.previousTotal;
  const cards = [
    card('名录机关', String(total.agencies)),
    card(
      '应公开',
      String(total.due),
      `${UNKNOWN_RATE_LABEL} ${total.unknown}，未到期或未评估 ${total.notDue + total.notAssessed}`,
    ),
    card('按时公开率', formatRate(total.onTimeRate), prev ? `上年 ${formatRate(prev.onTimeRate)}` : ''),
    card('公开率', formatRate(total.publishRate), prev ? `上年 ${formatRate(prev.publishRate)}` : ''),
    card('问题率', formatRate(total.problemRate), prev ? `上年 ${formatRate(prev.problemRate)}` : ''),
  ].join('');

  const regionTable = `<table class="data"><thead><tr><th>地区</th>${COUNT_HEAD}</tr></thead><tbody>${evaluation.byRegion
    .map((row) => ratesRow(row.region, row.rates, 'region'))
    .join('')}${ratesRow('合计', total, 'total')}</tbody></table>`;
  const regionChart = groupedBarsSvg(
    '图 1　各地区按时公开率与公开率',
    [
      { name: '按时公开率', color: COLORS.onTime },
      { name: '公开率', color: COLORS.published },
    ],
    evaluation.byRegion.map((row) => ({ label: row.region, values: [row.rates.onTimeRate, row.rates.publishRate] })),
  );
  const levelTable = `<table class="data"><thead><tr><th>级别</th>${COUNT_HEAD}</tr></thead><tbody>${evaluation.byLevel
    .map((row) => ratesRow(row.label, row.rates, 'level'))
    .join('')}</tbody></table>`;
  const levelChart = stackedBarsSvg(
    '图 2　各级别机关的公开情况（机关数）',
    [
      { name: '按时公开', color: COLORS.onTime },
      { name: STATUS_LABELS.late, color: COLORS.late },
      { name: STATUS_LABELS.missing, color: COLORS.missing },
      { name: UNKNOWN_RATE_LABEL, color: COLORS.unknown },
      { name: '未到期/未评估', color: COLORS.notDue },
    ],
    evaluation.byLevel.map((row) => ({
      label: row.label,
      counts: [
        row.rates.onTime,
        row.rates.late,
        row.rates.missing,
        row.rates.unknown,
        row.rates.notDue + row.rates.notAssessed,
      ],
    })),
  );

  const countyRows = evaluation.countyRanking
    .map(
      (row) =>
        `<tr><td class="num">${row.rank}</td><td>${escapeHtml(row.region)}</td><td class="num">${row.rates.due}</td>${rateCell(row.rates, 'onTimeRate', `county:${row.region}`)}${rateCell(row.rates, 'publishRate', `county:${row.region}`)}${rateCell(row.rates, 'problemRate', `county:${row.region}`)}</tr>`,
    )
    .join('');
  const maxDepartments = options.maxDepartments ?? 100;
  const departments = evaluation.departmentRanking.slice(0, maxDepartments);
  const departmentRows = departments
    .map(
      (row) =>
        `<tr><td class="num">${row.rank}</td><td>${escapeHtml(row.name)}</td><td>${escapeHtml(row.region)}</td><td>${escapeHtml(row.statusLabel)}</td><td class="num">${row.errors}</td><td class="num">${row.warnings}</td><td class="num">${row.score}</td></tr>`,
    )
    .join('');
  const defectRows = evaluation.defects
    .map(
      (defect, index) =>
        `<tr><td class="num">${index + 1}</td><td><strong>${escapeHtml(defect.title)}</strong><br><code>${escapeHtml(defect.rule)}</code> · ${escapeHtml(SEVERITY_LABELS[defect.severity])}</td><td class="num">${defect.agencies}</td><td class="num">${defect.findings}</td><td>${defect.examples
          .map((example) => `<div class="example">${escapeHtml(example.agency)}：${escapeHtml(example.message)}</div>`)
          .join('')}</td></tr>`,
    )
    .join('');
  const yoy = evaluation.hasPrevious
    ? `<table class="data"><thead><tr><th rowspan="2">地区</th><th colspan="3">按时公开率</th><th colspan="3">公开率</th><th colspan="2">问题率</th></tr><tr><th class="num">${year - 1}</th><th class="num">${year}</th><th class="num">变化</th><th class="num">${year - 1}</th><th class="num">${year}</th><th class="num">变化</th><th class="num">${year - 1}</th><th class="num">${year}</th></tr></thead><tbody>${evaluation.byRegion
        .map(yoyRow)
        .join('')}</tbody></table>${groupedBarsSvg(
        `图 3　各地区按时公开率：${year - 1} 年度与 ${year} 年度`,
        [
          { name: `${year - 1} 年度`, color: COLORS.lastYear },
          { name: `${year} 年度`, color: COLORS.onTime },
        ],
        evaluation.byRegion.map((row) => ({
          label: row.region,
          values: [row.previous?.onTimeRate ?? null, row.rates.onTimeRate],
        })),
      )}`
    : `<p class="muted">没有 ${year - 1} 年度的评估数据，无法比较。</p>`;

  const body = `
${options.backHref ? `<p class="screen-only"><a href="${escapeHtml(options.backHref)}">← 返回总览</a> · 打印本页（A4）即可得到纸质版。</p>` : ''}
<header class="cover">
<h1>${year} 年度政府信息公开工作年度报告<br>评估报告</h1>
<p class="muted">${options.publisher ? `${escapeHtml(options.publisher)} · ` : ''}${escapeHtml(options.dateLabel ?? '生成日期')}：${generated}（北京时间）</p>
</header>
<section><h2>一、总体情况</h2>
<div class="cards">${cards}</div>
<p>名录共 ${total.agencies} 个机关，截止日期已过且状态可知的 ${total.due} 个机关中，${total.published} 个已公开年度报告（其中按时 ${total.onTime} 个、逾期 ${total.late} 个），${total.missing} 个未公开。已公开且可读取的 ${total.checked} 份报告中，${total.withErrors} 份存在数据错误。</p>
</section>
<section><h2>二、各地区公开情况</h2>${regionTable}${regionChart}</section>
<section><h2>三、各级别公开情况</h2>${levelTable}${levelChart}</section>
<section><h2>四、区县排名</h2>${countyRows ? `<table class="data"><thead><tr><th class="num">名次</th><th>区县</th><th class="num">应公开</th><th class="num">按时公开率</th><th class="num">公开率</th><th class="num">问题率</th></tr></thead><tbody>${countyRows}</tbody></table><p class="muted">按按时公开率、公开率（高者在前）、问题率（低者在前）依次排序。</p>` : '<p class="muted">名录中没有区县一级的地区，或各区县均无应公开的机关。</p>'}</section>
<section><h2>五、部门排名</h2>${departmentRows ? `<table class="data"><thead><tr><th class="num">名次</th><th>部门</th><th>地区</th><th>状态</th><th class="num">错误</th><th class="num">警告</th><th class="num">得分</th></tr></thead><tbody>${departmentRows}</tbody></table>${evaluation.departmentRanking.length > departments.length ? `<p class="muted">共 ${evaluation.departmentRanking.length} 个部门参与排名，此处列出前 ${departments.length} 名，完整名单见机关状态工作簿。</p>` : ''}<p class="muted">得分：按时公开 100 分、逾期公开 60 分、未公开 0 分；每类数据错误扣 10 分，每条警告扣 2 分，最低 0 分。无法核查（无法访问、网站拦截、名录地址失效）或未到期的部门不参与排名。</p>` : '<p class="muted">没有可排名的部门。</p>'}</section>
<section><h2>六、常见问题</h2>${defectRows ? `<table class="data defects"><thead><tr><th class="num">序号</th><th>问题</th><th class="num">涉及机关</th><th class="num">问题条数</th><th>示例</th></tr></thead><tbody>${defectRows}</tbody></table>` : '<p class="muted">未发现问题。</p>'}</section>
<section><h2>七、与上年比较</h2>${yoy}</section>
<section class="method"><h2>八、评估口径</h2>
<ul>
<li><strong>应公开</strong>：截止日期已过、且本系统能确定其状态的机关（已公开或未公开）。本系统未能核查（无法访问、网站拦截或名录地址失效）且此前未找到报告的机关不计入，<strong>不视为未公开</strong>；截止日期未到或尚未评估的机关也不计入。</li>
<li><strong>按时公开率</strong> = 截止日期前公开的机关数 ÷ 应公开机关数；<strong>公开率</strong> = 已公开（含逾期）机关数 ÷ 应公开机关数。</li>
<li><strong>问题率</strong> = 校验发现数据错误的报告数 ÷ 已公开且能读取内容的报告数（扫描件等无法读取的报告不计入）。</li>
<li>截止日期依《中华人民共和国政府信息公开条例》第四十九、五十条：县级以上人民政府部门、乡镇（街道）为 1 月 31 日，县级以上人民政府为 3 月 31 日。</li>
</ul></section>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>${year} 年度政府信息公开工作年度报告评估报告</title>
<style>${EVALUATION_CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Screen and A4 print styles of the evaluation. */
export const EVALUATION_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Noto Sans CJK SC", serif; color: #101828; background: #fff; font-size: 15px; line-height: 1.6; }
main { max-width: 980px; margin: 0 auto; padding: 16px; }
h1 { font-size: 26px; text-align: center; margin: 24px 0 8px; line-height: 1.4; }
h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 2px solid #1d5fa8; padding-bottom: 4px; }
.cover { text-align: center; margin-bottom: 16px; }
.muted { color: #475467; font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0 12px; }
.card { border: 1px solid #d0d5dd; border-radius: 6px; padding: 8px 12px; min-width: 120px; flex: 1 1 120px; }
.card .n { display: block; font-size: 24px; font-weight: 700; font-family: "Noto Sans CJK SC", sans-serif; }
.card small { display: block; color: #475467; font-size: 12px; }
table.data { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
table.data th, table.data td { border: 1px solid #98a2b3; padding: 3px 6px; text-align: left; vertical-align: top; }
table.data th { background: #eef2f7; font-weight: 600; }
table.data td.num, table.data th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.data tr[data-kind="total"] td { font-weight: 700; background: #f9fafb; }
.example { font-size: 12px; color: #344054; margin: 2px 0; }
code { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 12px; }
figure.chart { margin: 8px 0 16px; }
figure.chart figcaption { text-align: center; font-size: 13px; color: #475467; }
svg .label { font-size: 11px; fill: #101828; } svg .value, svg .tick { font-size: 10px; fill: #475467; }
svg .legend { font-size: 11px; fill: #101828; } svg .grid { stroke: #e4e7ec; } svg .inbar { font-size: 10px; fill: #fff; }
.method li { margin: 4px 0; }
@media (max-width: 600px) {
  main { padding: 10px; }
  h1 { font-size: 21px; }
  table.data { display: block; overflow-x: auto; }
}
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .screen-only { display: none; }
  .cover { margin: 40mm 0 10mm; }
  h2 { break-after: avoid; }
  section { break-inside: auto; }
  table.data { font-size: 9pt; }
  thead { display: table-header-group; }
  tr, figure.chart, .card { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
