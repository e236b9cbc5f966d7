/** The page frame shared by every page of the site: head, CSP, navigation, footer. */
import { toBeijingIso } from '../compliance/deadline.ts';
import type { ComplianceStatus } from '../compliance/status.ts';
import { STATUS_LABELS } from '../compliance/status.ts';
import { statusBadgeCss } from '../compliance/status-colors.ts';
import { LEVEL_LABELS } from '../registry/agency.ts';
import { SEVERITY_LABELS } from '../rules/finding.ts';
import { escapeHtml, scriptHash, upPath } from './html.ts';

export { LEVEL_LABELS, SEVERITY_LABELS };

/** Where the stylesheet lives inside site/. */
export const STYLESHEET_PATH = 'assets/site.css';

export interface PageOptions {
  title: string;
  /** Folders between this page and the site root (index.html is 0, agency/x.html is 1). */
  depth: number;
  body: string;
  /** Inline scripts; each is allowed by its hash in the page's CSP and nothing else may run. */
  scripts?: string[];
  generatedAt: string;
  /** Extra elements for the head (index.html's refresh). */
  head?: string;
}

/** Formats an ISO instant as Beijing time, "2025-03-31 17:05". */
export function beijingTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return toBeijingIso(ms).slice(0, 16).replace('T', ' ');
}

export function beijingDate(iso: string | null | undefined): string {
  return iso ? beijingTime(iso).slice(0, 10) : '—';
}

/** A coloured status badge; `null` means not assessed yet. */
export function statusBadge(status: ComplianceStatus | null): string {
  if (!status) return '<span class="badge status-none">未评估</span>';
  return `<span class="badge status-${status}" data-status="${status}">${escapeHtml(STATUS_LABELS[status] ?? status)}</span>`;
}

/** Renders a full HTML document. Relative links only, so the site works from file://, a local server or CloudFront. */
export function renderPage(options: PageOptions): string {
  const up = upPath(options.depth);
  const scripts = options.scripts ?? [];
  const scriptSources = scripts.length ? scripts.map(scriptHash).join(' ') : "'none'";
  const csp = [
    "default-src 'none'",
    "style-src 'self' 'unsafe-inline'",
    `script-src ${scriptSources}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(options.title)} · 政府信息公开年报监测</title>
<link rel="stylesheet" href="${up}${STYLESHEET_PATH}">${options.head ? `\n${options.head}` : ''}
</head>
<body>
<header class="top"><nav>
<a class="brand" href="${up}index.html">政府信息公开年报监测</a>
<a href="${up}index.html">总览</a>
<a href="${up}agencies.html">机关列表</a>
<a href="${up}rules.html">校验规则</a>
</nav></header>
<main>
${options.body}
</main>
<footer>生成时间：${escapeHtml(beijingTime(options.generatedAt))}（北京时间）。本站为静态页面，仅供内部查阅。</footer>
${scripts.map((script) => `<script>${script}</script>`).join('\n')}
</body>
</html>
`;
}

export const SITE_CSS = `
:root { --fg: #1f2933; --muted: #66788a; --line: #d9e2ec; --bg: #f7f9fb; --accent: #1d5fa8; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
  color: var(--fg); background: var(--bg); font-size: 15px; line-height: 1.55; }
header.top { background: #12355b; color: #fff; }
header.top nav { max-width: 1200px; margin: 0 auto; padding: 10px 16px; display: flex; gap: 18px; flex-wrap: wrap; align-items: baseline; }
header.top a { color: #dbe8f7; text-decoration: none; }
header.top a.brand { color: #fff; font-weight: 700; font-size: 17px; margin-right: 12px; }
main { max-width: 1200px; margin: 0 auto; padding: 16px; }
footer { max-width: 1200px; margin: 24px auto; padding: 0 16px; color: var(--muted); font-size: 13px; }
h1 { font-size: 22px; margin: 8px 0 12px; }
h2 { font-size: 18px; margin: 24px 0 8px; border-left: 4px solid var(--accent); padding-left: 8px; }
h3 { font-size: 16px; margin: 16px 0 6px; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.cards { display: flex; gap: 10px; flex-wrap: wrap; margin: 8px 0 16px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.card .n { font-size: 24px; font-weight: 700; display: block; }
table.data { border-collapse: collapse; background: #fff; width: 100%; margin: 6px 0 12px; }
table.data th, table.data td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.data th { background: #eef2f7; font-weight: 600; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data tr.depth-1 td:first-child { padding-left: 24px; }
table.data tr.depth-2 td:first-child { padding-left: 40px; }
table.data tr.depth-3 td:first-child { padding-left: 56px; }
#region-table td + td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
#region-table tr.group td { font-weight: 600; } #region-table .selected { background: #fff6c9; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; color: #fff; background: #7f8c8d; white-space: nowrap; }
.status-note { background: #fff; border-left: 4px solid #cbd2d9; padding: 4px 12px; margin: 8px 0; } .status-note p { margin: 4px 0; }
.status-note .detail { font-size: 12px; }
.triage { display: inline-block; padding: 0 6px; margin-left: 4px; border-radius: 3px; font-size: 12px; border: 1px solid #98a2b3; color: #344054; background: #f2f4f7; }
.triage-dismissed { border-color: #98a2b3; color: #475467; text-decoration: line-through; } .triage-confirmed { border-color: #b42318; color: #b42318; background: #fef3f2; }
.triage-rectified { border-color: #067647; color: #067647; background: #ecfdf3; } .triage-notified { border-color: #175cd3; color: #175cd3; background: #eff8ff; }
li[data-triage="dismissed"] { color: #98a2b3; } .fp { font-size: 11px; color: #98a2b3; } .triage-who { font-size: 12px; }
.sev-error { color: #b3261e; font-weight: 600; } .sev-warning { color: #a05a00; font-weight: 600; } .sev-info { color: #51606f; }
.chart-box { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.chart .grid { stroke: #e4e7eb; } .chart .tick { font-size: 11px; fill: #66788a; }
.legend-item { margin-right: 12px; font-size: 13px; white-space: nowrap; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
figcaption { font-size: 13px; color: var(--muted); }
.filters { display: flex; gap: 10px; flex-wrap: wrap; align-items: end; background: #fff; border: 1px solid var(--line); padding: 10px; border-radius: 6px; }
.filters label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); }
.filters select, .filters input { font: inherit; padding: 3px 6px; min-width: 140px; }
.report-table-block { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.report-table-block .table-wrap { flex: 3 1 640px; overflow-x: auto; }
.report-table-block aside { flex: 1 1 280px; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
td.cell.failing { background: #fde2e1; outline: 2px solid #d93025; outline-offset: -2px; }
td.cell.involved { background: #fdeeee; }
td.cell.warn { background: #fff1d6; }
td.cell.unknown { background: #eef2f7; color: var(--muted); }
td.cell.inferred { font-style: italic; }
td.cell .marker { display: inline-block; margin-left: 4px; font-size: 11px; color: #b3261e; text-decoration: none; font-weight: 700; }
ol.findings { padding-left: 22px; margin: 4px 0; }
ol.findings li { margin: 6px 0; }
ol.findings li:target { background: #fff6c9; }
.finding-where { color: var(--muted); font-size: 13px; }
.unsafe-url { color: var(--muted); word-break: break-all; }
code, .mono { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 13px; word-break: break-all; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; background: #fff; border: 1px solid var(--line); padding: 10px 14px; border-radius: 6px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
${statusBadgeCss()}
/* Phones (390 px): the nav wraps small, wide tables scroll sideways instead of squeezing names to one
   character a line, and the agency list becomes one card per agency. */
@media (max-width: 640px) {
  body { font-size: 15px; }
  header.top nav { gap: 6px 14px; padding: 8px 12px; font-size: 14px; }
  header.top a.brand { flex-basis: 100%; margin: 0; }
  main { padding: 10px; }
  h1 { font-size: 19px; }
  table.data { display: block; overflow-x: auto; -webkit-overflow-scrolling: touch; }
  table.data th, table.data td { min-width: 4.5em; }
  table.data th:first-child, table.data td:first-child { min-width: 9em; }
  .cards .card { min-width: 0; flex: 1 1 40%; }
  .filters label { flex: 1 1 45%; } .filters select, .filters input { min-width: 0; width: 100%; }
  #agency-table { display: block; border: 0; background: none; }
  #agency-table thead { display: none; }
  #agency-table tbody, #agency-table tr { display: block; }
  #agency-table tr { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 8px; padding: 6px 10px; }
  #agency-table td { display: inline; border: 0; padding: 0; min-width: 0; }
  #agency-table td:first-child { display: block; font-weight: 600; min-width: 0; }
  #agency-table td[data-label]::before { content: attr(data-label) "："; color: var(--muted); font-size: 13px; }
  #agency-table td + td { margin-right: 10px; font-size: 14px; }
  dl.facts { grid-template-columns: minmax(0, 1fr); gap: 0 0; }
  dl.facts dd { margin-bottom: 6px; min-width: 0; overflow-wrap: anywhere; }
  .report-table-block .table-wrap { flex-basis: 100%; }
}
/* Print (A4): no navigation or filters, tables keep their header on every page and rows whole. */
@page { size: A4; margin: 14mm 12mm; }
@media print {
  header.top, .filters, noscript, .screen-only { display: none !important; }
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  footer { margin: 8mm 0 0; padding: 0; }
  table.data { display: table; overflow: visible; font-size: 9pt; }
  thead { display: table-header-group; }
  tr, .chart-box, .card, dl.facts, ol.findings li { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  .report-table-block { display: block; }
  .report-table-block .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  .badge { border: 1px solid #667085; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;
