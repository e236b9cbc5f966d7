/**
 * Renders a Digest as an email: an HTML part (inline CSS, table layout that mail clients keep), a
 * plain-text part, and a CSV of every finding. Every report-derived string (agency names, titles,
 * finding messages quoting report text, URLs) goes through escapeHtml / safeHref.
 */
import type { ComplianceStatus } from '../compliance/status.ts';
import { STATUS_LABELS, STATUS_ORDER } from '../compliance/status.ts';
import { statusColor } from '../compliance/status-colors.ts';
import { toCsv } from '../export/csv.ts';
import {
  AGENCY_COLUMNS,
  type AgencyExportInput,
  agencyStatusRows,
  FINDING_COLUMNS,
  findingExportRows,
  type TriageLabel,
} from '../export/rows.ts';
import { statusWorkbook } from '../export/workbook.ts';
import { escapeHtml, safeHref } from '../html/escape.ts';
import { SEVERITY_LABELS } from '../rules/finding.ts';
import type { DigestLinks } from '../site/links.ts';
import type { Digest, DigestProblemView, DigestRow, EarlyWarningItem } from './digest.ts';

export { escapeHtml, safeHref };

/** 联系人 张三 · 电话 0398-1234567 · 邮箱 a@b (registry-provided: escape when rendering). */
export function liaisonText(liaison: EarlyWarningItem['liaison']): string {
  if (!liaison) return '';
  return [
    liaison.name ? `联系人 ${liaison.name}` : '',
    liaison.phone ? `电话 ${liaison.phone}` : '',
    liaison.email ? `邮箱 ${liaison.email}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function earlyWarningHtml(digest: Digest, cell: string, head: string): string {
  const { items, leadDays } = digest.earlyWarning;
  if (!items.length) return '';
  const rows = items
    .map(
      (item) =>
        `<tr><td style="${cell}"><strong>${escapeHtml(item.agencyName)}</strong><div style="color:#475467;font-size:12px">${escapeHtml(item.region.join('/'))}</div></td><td style="${cell};white-space:nowrap;color:#b54708;font-weight:bold">${escapeHtml(daysLeftText(item))}</td><td style="${cell}">${escapeHtml(item.deadline)}</td><td style="${cell}">${escapeHtml(item.statusLabel)}</td><td style="${cell}">${escapeHtml(liaisonText(item.liaison))}</td></tr>`,
    )
    .join('\n');
  return `<h2 style="font-size:16px;margin:16px 0 6px 0;color:#b54708">即将到期：${items.length} 个机关尚未找到报告</h2>
<div style="color:#475467;font-size:13px;margin-bottom:4px">截止日期前 ${leadDays} 天内尚未找到${digest.year}年度报告的机关，建议及时催报。</div>
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;border:2px solid #f79009">
<tr><th style="${head}">机关</th><th style="${head}">剩余时间</th><th style="${head}">截止日期</th><th style="${head}">当前状态</th><th style="${head}">联系方式</th></tr>
${rows}
</table>`;
}

/** 距截止日期还有 N 天 (今天截止 on the day itself). */
export function daysLeftText(item: Pick<EarlyWarningItem, 'daysLeft'>): string {
  return item.daysLeft === 0 ? '今天截止' : `距截止日期还有 ${item.daysLeft} 天`;
}

function badge(status: ComplianceStatus): string {
  const color = statusColor(status);
  return `<span style="display:inline-block;padding:1px 6px;border-radius:3px;font-size:12px;color:${color.fg};background:${color.bg};white-space:nowrap">${escapeHtml(STATUS_LABELS[status])}</span>`;
}

function link(label: string, url: string | undefined, allowFile: boolean): string {
  const href = safeHref(url, { allowFile });
  if (!href) return '';
  return `<a href="${escapeHtml(href)}" style="color:#175cd3">${escapeHtml(label)}</a>`;
}

function linksHtml(links: DigestLinks): string {
  return [
    // The source page comes from the agency's site: web schemes only.
    link('原网页', links.source, false),
    link('存档快照', links.snapshot, true),
    link('核查结果', links.results ?? links.agency, true),
  ]
    .filter(Boolean)
    .join(' · ');
}

function statusDetail(row: DigestRow): string {
  const parts: string[] = [];
  if (row.flags.includes('late') && row.daysLate !== undefined) parts.push(`逾期 ${row.daysLate} 天`);
  if (row.publishDate) parts.push(`发布于 ${row.publishDate.slice(0, 10)}`);
  parts.push(`期限 ${row.deadline.slice(0, 10)}`);
  return parts.join('，');
}

function durationText(days: number): string {
  if (days < 7) return days === 0 ? '本周' : `${days} 天`;
  const weeks = Math.floor(days / 7);
  const rest = days % 7;
  return rest ? `${weeks} 周 ${rest} 天` : `${weeks} 周`;
}

function changeText(row: DigestRow): string {
  return row.change === 'new' ? '本周新增' : `已持续 ${durationText(row.openDays)}`;
}

/**
 * Phone and print rules for mail clients that honour a <style> block (Apple Mail, iOS, Gmail apps,
 * Outlook on the web); clients that strip it keep the inline table layout. At 390 px each agency row
 * becomes a block (no name squeezed to three characters a line); printing keeps rows whole.
 */
const DIGEST_RESPONSIVE_CSS = `
@media only screen and (max-width: 600px) {
  table.agencies, table.agencies tbody, table.agencies tr, table.agencies td { display: block !important; width: auto !important; }
  table.agencies tr.head { display: none !important; }
  table.agencies tr { border-bottom: 2px solid #98a2b3; padding: 6px 0; }
  table.agencies td { border: 0 !important; padding: 2px 4px !important; }
  table.agencies td.c-change, table.agencies td.c-links { display: inline-block !important; color: #475467; }
  table.outer { table-layout: fixed !important; }
  td.outer-cell { padding: 10px !important; }
  table.changes, table.changes tbody, table.changes tr, table.changes th, table.changes td { display: block !important; width: auto !important; }
  table.changes tr.head { display: none !important; }
  table.changes td::before { display: block; font-weight: bold; margin-bottom: 2px; }
  table.changes td.c-new::before { content: attr(data-title); }
  table.changes td.c-open::before { content: attr(data-title); }
  table.changes td.c-resolved::before { content: attr(data-title); }
  table.regions th, table.regions td { white-space: nowrap; }
  h1 { font-size: 18px !important; }
}
@media print {
  table { page-break-inside: auto; }
  tr { page-break-inside: avoid; break-inside: avoid; }
  h2, h3 { page-break-after: avoid; break-after: avoid; }
  a { color: inherit !important; }
  span { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/** The HTML part. */
export function renderDigestHtml(digest: Digest): string {
  const cell = 'padding:6px 8px;border:1px solid #d0d5dd;vertical-align:top;font-size:13px;line-height:1.5';
  const head = `${cell};background:#f2f4f7;font-weight:bold;text-align:left`;
  const summaryRows = STATUS_ORDER.map(
    (s) =>
      `<tr><td style="${cell}">${badge(s)}</td><td style="${cell};text-align:right">${digest.summary.byStatus[s]}</td><td style="${cell};text-align:right">${digest.summary.byFlag[s]}</td></tr>`,
  ).join('');
  const regionHead = STATUS_ORDER.map((s) => `<th style="${head}">${escapeHtml(STATUS_LABELS[s])}</th>`).join('');
  const regionRows = digest.summary.byRegion
    .map(
      (r) =>
        `<tr><td style="${cell}">${escapeHtml(r.region)}</td><td style="${cell};text-align:right">${r.agencies}</td>${STATUS_ORDER.map((s) => `<td style="${cell};text-align:right">${r.byStatus[s] || ''}</td>`).join('')}</tr>`,
    )
    .join('');

  const regionSections = digest.regions
    .map((region) => {
      const rows = region.rows
        .map((row) => {
          const findings = row.findings.length
            ? `<ul style="margin:4px 0 0 0;padding-left:18px">${row.findings.map((f) => `<li>【${escapeHtml(SEVERITY_LABELS[f.severity])}】${escapeHtml(f.sentence)}${f.verdict ? ` <span style="color:#067647;font-size:12px">〔${escapeHtml(f.verdict)}〕</span>` : ''}</li>`).join('')}</ul>`
            : '';
          const more =
            row.findingCount > row.findings.length
              ? `<div style="color:#667085;font-size:12px">共 ${row.findingCount} 条问题，详见附件。</div>`
              : '';
          const title = `${row.title ? `<div style="color:#475467;font-size:12px">${escapeHtml(row.title)}</div>` : ''}${row.liaison ? `<div style="color:#475467;font-size:12px">${escapeHtml(liaisonText(row.liaison))}</div>` : ''}`;
          const reason = `${row.reason ? `<div style="color:#344054">${escapeHtml(row.reason)}</div>` : ''}${row.nextStep ? `<div style="color:#175cd3;font-weight:bold">建议：${escapeHtml(row.nextStep)}</div>` : ''}${row.detail ? `<div style="color:#98a2b3;font-size:11px">技术信息：${escapeHtml(row.detail)}</div>` : ''}`;
          return `<tr>
<td class="c-name" style="${cell}"><strong>${escapeHtml(row.agencyName)}</strong>${title}</td>
<td class="c-status" style="${cell}">${row.flags.map(badge).join(' ')}<div style="color:#475467;font-size:12px">${escapeHtml(statusDetail(row))}</div>${row.statusVerdict ? `<div style="color:#067647;font-size:12px">${escapeHtml(row.statusVerdict)}</div>` : ''}</td>
<td class="c-problems" style="${cell}">${reason}${findings}${more}</td>
<td class="c-change" style="${cell};white-space:nowrap">${escapeHtml(changeText(row))}</td>
<td class="c-links" style="${cell}">${linksHtml(row.links)}</td>
</tr>`;
        })
        .join('\n');
      return `<h3 style="font-size:15px;margin:20px 0 6px 0">${escapeHtml(region.region)}</h3>
<table role="presentation" class="agencies" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">
<tr class="head"><th style="${head}">机关</th><th style="${head}">状态</th><th style="${head}">主要问题</th><th style="${head}">变化</th><th style="${head}">链接</th></tr>
${rows}
</table>`;
    })
    .join('\n');

  const changeList = (items: DigestProblemView[], withDuration: boolean, total: number) =>
    items.length
      ? `<ul style="margin:4px 0;padding-left:18px">${items
          .map(
            (p) =>
              `<li>${escapeHtml(p.agencyName)}：${escapeHtml(p.label)}${withDuration ? `（${escapeHtml(durationText(p.openDays))}，自 ${escapeHtml(p.sinceWeek)} 起）` : ''}</li>`,
          )
          .join(
            '',
          )}</ul>${total > items.length ? `<div style="color:#667085">……另有 ${total - items.length} 项</div>` : ''}`
      : '<div style="color:#667085">无</div>';
  const { changes, summary } = digest;
  const scope = digest.regionFilter.length ? `范围：${digest.regionFilter.join('/')}；` : '';

  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(digest.subject)}</title>
<style>${DIGEST_RESPONSIVE_CSS}</style></head>
<body style="margin:0;padding:0;background:#ffffff;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#101828">
<table role="presentation" class="outer" cellpadding="0" cellspacing="0" style="width:100%;max-width:960px;margin:0 auto"><tr><td class="outer-cell" style="padding:16px">
<h1 style="font-size:20px;margin:0 0 4px 0">政府信息公开工作年度报告 · 合规监测周报</h1>
<div style="color:#475467;font-size:13px">${escapeHtml(digest.isoWeek)}（生成于 ${escapeHtml(digest.generatedAt.slice(0, 16).replace('T', ' '))}，北京时间）；${escapeHtml(scope)}${digest.year}年度报告；名录中 ${summary.agencies} 个机关，已核查 ${summary.assessed} 个${summary.notChecked ? `，尚未抓取 ${summary.notChecked} 个` : ''}。</div>
${fetchUnfinishedHtml(digest)}${earlyWarningHtml(digest, cell, head)}
<h2 style="font-size:16px;margin:16px 0 6px 0">概况</h2>
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse">
<tr><th style="${head}">状态</th><th style="${head}">机关数（按主要状态）</th><th style="${head}">涉及机关数（含兼有）</th></tr>
${summaryRows}
</table>
<div style="color:#667085;font-size:12px;margin-top:4px">一个机关可能兼有多种问题（例如既逾期又数据不一致）：主要状态每个机关只计一次，右列按每种问题分别计数。${dismissedText(digest)}</div>
<h2 style="font-size:16px;margin:16px 0 6px 0">各地区</h2>
<div class="scroll" style="overflow-x:auto">
<table role="presentation" class="regions" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">
<tr><th style="${head}">地区</th><th style="${head}">机关数</th>${regionHead}</tr>
${regionRows}
</table>
</div>
<h2 style="font-size:16px;margin:16px 0 6px 0">与上周相比${changes.previousWeek ? `（上次：${escapeHtml(changes.previousWeek)}）` : '（首次生成）'}</h2>
<table role="presentation" class="changes" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">
<tr class="head"><th style="${head};width:33%">本周新增 ${changes.counts.new}</th><th style="${head};width:34%">仍未解决 ${changes.counts.stillOpen}</th><th style="${head};width:33%">已解决 ${changes.counts.resolved}</th></tr>
<tr><td class="c-new" data-title="本周新增 ${changes.counts.new}" style="${cell}">${changeList(changes.new, false, changes.counts.new)}</td><td class="c-open" data-title="仍未解决 ${changes.counts.stillOpen}" style="${cell}">${changeList(changes.stillOpen, true, changes.counts.stillOpen)}</td><td class="c-resolved" data-title="已解决 ${changes.counts.resolved}" style="${cell}">${changeList(changes.resolved, false, changes.counts.resolved)}</td></tr>
</table>
<h2 style="font-size:16px;margin:16px 0 6px 0">需要关注的机关</h2>
${regionSections || '<div style="color:#667085">本周没有需要关注的机关。</div>'}
${summary.omittedRows ? `<p style="color:#b42318">另有 ${summary.omittedRows} 个有问题的机关未在邮件中列出，请查看附件或结果网站。</p>` : ''}
<p style="color:#667085;font-size:12px;margin-top:20px">附件：年报监测 Excel 工作簿（机关状态、问题清单、按地区统计）；问题清单 CSV 列出全部问题，机关状态 CSV 每个机关一行（含未公开、逾期、无法访问的机关及逾期天数；UTF-8，可用 Excel 直接打开）。“无法访问”表示本系统抓取失败，不代表该机关未公开。本邮件由系统自动生成。</p>
</td></tr></table>
</body></html>
`;
}

function dismissedText(digest: Digest): string {
  const { findings, statuses } = digest.summary.dismissed;
  if (!findings && !statuses) return '';
  const parts = [findings ? `${findings} 条问题` : '', statuses ? `${statuses} 个机关的状态` : ''].filter(Boolean);
  return `已标记为误报、不再提示：${parts.join('、')}（附件中仍列出，核查状态为“误报”）。`;
}

/** Why some rows may be last week's: the fetch was still running (one sentence, both renderings). */
function fetchUnfinishedText(digest: Digest): string | null {
  const left = digest.fetchJobsLeft;
  if (!left) return null;
  return `注意：生成本周报时，本周抓取尚未全部完成（仍有 ${left} 个抓取任务在排队或运行）；尚未抓取到的机关沿用其上次抓取的结果，下周周报将按新结果更新。`;
}

function fetchUnfinishedHtml(digest: Digest): string {
  const text = fetchUnfinishedText(digest);
  return text
    ? `<div style="margin:10px 0;padding:8px 10px;border-left:4px solid #b54708;background:#fffaeb;color:#7a2e0e;font-size:13px">${escapeHtml(text)}</div>\n`
    : '';
}

/** The plain-text part. Report-derived text appears as is (plain text needs no escaping). */
export function renderDigestText(digest: Digest): string {
  const { summary, changes } = digest;
  const lines: string[] = [];
  lines.push('政府信息公开工作年度报告 · 合规监测周报');
  lines.push(
    `${digest.isoWeek}（北京时间 ${digest.generatedAt.slice(0, 16).replace('T', ' ')}）${digest.regionFilter.length ? `，范围：${digest.regionFilter.join('/')}` : ''}，${digest.year}年度报告`,
  );
  lines.push(
    `名录中 ${summary.agencies} 个机关，已核查 ${summary.assessed} 个${summary.notChecked ? `，尚未抓取 ${summary.notChecked} 个` : ''}。`,
  );
  const unfinished = fetchUnfinishedText(digest);
  if (unfinished) lines.push('', unfinished);
  const { items, leadDays } = digest.earlyWarning;
  if (items.length) {
    lines.push('', `【即将到期】截止日期前 ${leadDays} 天内尚未找到报告的机关 ${items.length} 个，建议及时催报：`);
    for (const item of items) {
      const contact = liaisonText(item.liaison);
      lines.push(
        `  ● ${item.agencyName}（${item.region.join('/')}）：${daysLeftText(item)}（截止 ${item.deadline}，${item.statusLabel}）${contact ? `　${contact}` : ''}`,
      );
    }
  }
  lines.push('', '【概况】（主要状态 / 涉及机关数）');
  for (const s of STATUS_ORDER) lines.push(`  ${STATUS_LABELS[s]}：${summary.byStatus[s]} / ${summary.byFlag[s]}`);
  const dismissed = dismissedText(digest);
  if (dismissed) lines.push(`  ${dismissed}`);
  lines.push('', '【各地区】');
  for (const r of summary.byRegion) {
    const counts = STATUS_ORDER.filter((s) => r.byStatus[s] > 0)
      .map((s) => `${STATUS_LABELS[s]} ${r.byStatus[s]}`)
      .join('，');
    lines.push(`  ${r.region}：${r.agencies} 个机关${counts ? `（${counts}）` : ''}`);
  }
  lines.push('', `【与上周相比】${changes.previousWeek ? `上次：${changes.previousWeek}` : '首次生成'}`);
  const list = (title: string, items: DigestProblemView[], withDuration: boolean, total: number) => {
    lines.push(`  ${title}（${total}）`);
    for (const p of items) {
      lines.push(
        `    - ${p.agencyName}：${p.label}${withDuration ? `（${durationText(p.openDays)}，自 ${p.sinceWeek} 起）` : ''}`,
      );
    }
    if (total > items.length) lines.push(`    ……另有 ${total - items.length} 项`);
  };
  list('本周新增', changes.new, false, changes.counts.new);
  list('仍未解决', changes.stillOpen, true, changes.counts.stillOpen);
  list('已解决', changes.resolved, false, changes.counts.resolved);
  lines.push('', '【需要关注的机关】');
  if (!digest.regions.length) lines.push('  本周没有需要关注的机关。');
  for (const region of digest.regions) {
    lines.push('', `■ ${region.region}`);
    for (const row of region.rows) {
      lines.push(
        `  ● ${row.agencyName}：${row.flags.map((f) => STATUS_LABELS[f]).join('、')}（${statusDetail(row)}；${changeText(row)}）`,
      );
      if (row.title) lines.push(`    标题：${row.title}`);
      if (row.liaison) lines.push(`    联系方式：${liaisonText(row.liaison)}`);
      if (row.statusVerdict) lines.push(`    核查：${row.statusVerdict}`);
      if (row.reason) lines.push(`    说明：${row.reason}`);
      if (row.nextStep) lines.push(`    建议：${row.nextStep}`);
      if (row.detail) lines.push(`    技术信息：${row.detail}`);
      for (const f of row.findings)
        lines.push(`    【${SEVERITY_LABELS[f.severity]}】${f.sentence}${f.verdict ? `〔${f.verdict}〕` : ''}`);
      if (row.findingCount > row.findings.length) lines.push(`    共 ${row.findingCount} 条问题，详见附件。`);
      if (row.links.source) lines.push(`    原网页：${row.links.source}`);
      if (row.links.snapshot) lines.push(`    存档快照：${row.links.snapshot}`);
      if (row.links.results ?? row.links.agency) lines.push(`    核查结果：${row.links.results ?? row.links.agency}`);
    }
  }
  if (summary.omittedRows)
    lines.push('', `另有 ${summary.omittedRows} 个有问题的机关未在邮件中列出，请查看附件或结果网站。`);
  lines.push(
    '',
    '附件：年报监测 Excel 工作簿；问题清单 CSV 列出全部问题；机关状态 CSV 每个机关一行（含未公开、逾期、无法访问的机关）。“无法访问”表示本系统抓取失败，不代表该机关未公开。',
  );
  return `${lines.join('\n')}\n`;
}

/** The export inputs of a digest: every agency of the slice, with the email's links. */
function exportInputs(digest: Digest): AgencyExportInput[] {
  return digest.agencies.map(({ agency, assessment, findings, links }) => ({
    agency: { id: agency.id, name: agency.name, level: agency.level, region: agency.region },
    year: digest.year,
    assessment,
    findings: findings.map((entry) => entry.finding),
    links: { source: links.source, snapshot: links.snapshot, results: links.results ?? links.agency },
  }));
}

/** The 核查状态 the digest recorded (from the triage lookup it was built with), as the export rows' hook. */
function digestTriageLabel(digest: Digest): TriageLabel {
  const byAgency = new Map(digest.agencies.map((entry) => [entry.agency.id, entry]));
  return (agencyId, year, finding) => {
    const entry = year === digest.year ? byAgency.get(agencyId) : undefined;
    if (!entry) return undefined;
    const label = finding ? entry.findings.find((f) => f.finding === finding)?.triage : entry.triage;
    return label || undefined;
  };
}

/** The findings attachment (findings.csv's columns): UTF-8 with a BOM, CRLF, formulas neutralised. */
export function renderFindingsCsv(digest: Digest): string {
  return toCsv(FINDING_COLUMNS, findingExportRows(exportInputs(digest), digestTriageLabel(digest)));
}

/** One row per agency of the slice (agencies.csv's columns), the missing and late ones with days late. */
export function renderAgenciesCsv(digest: Digest): string {
  return toCsv(AGENCY_COLUMNS, agencyStatusRows(exportInputs(digest), digestTriageLabel(digest)));
}

/** The status workbook of the slice (the site's status-{Y}.xlsx for these agencies). */
export function renderStatusWorkbook(digest: Digest): Promise<Uint8Array> {
  const inputs = exportInputs(digest);
  const label = digestTriageLabel(digest);
  return statusWorkbook(agencyStatusRows(inputs, label), findingExportRows(inputs, label), {
    year: digest.year,
    generatedAt: new Date(Date.parse(digest.generatedAt)),
  });
}

/**
 * The notice to one agency (registry `notifyAgency`, off by default): its own open problems for the
 * year, in plain words, with where to look. Report-derived text is escaped in the HTML part.
 */
export function renderAgencyNotice(
  row: DigestRow,
  digest: Pick<Digest, 'year' | 'isoWeek'>,
): {
  subject: string;
  text: string;
  html: string;
} {
  const statuses = row.flags.map((f) => STATUS_LABELS[f]).join('、');
  const subject = `【请核查】${row.agencyName}${row.year}年度政府信息公开工作年度报告：${statuses}`;
  const lines = [
    `${row.agencyName}：`,
    '',
    `经政务公开年报监测系统检查（${digest.isoWeek}），贵单位${row.year}年度政府信息公开工作年度报告目前存在以下情况：`,
    `  状态：${statuses}（${statusDetail(row)}）`,
    ...(row.reason ? [`  说明：${row.reason}`] : []),
    ...row.findings.map((f) => `  【${SEVERITY_LABELS[f.severity]}】${f.sentence}`),
    ...(row.findingCount > row.findings.length
      ? [`  另有 ${row.findingCount - row.findings.length} 条问题，详见结果网站。`]
      : []),
    ...(row.links.source ? [`  原网页：${row.links.source}`] : []),
    ...((row.links.results ?? row.links.agency) ? [`  核查结果：${row.links.results ?? row.links.agency}`] : []),
    '',
    '请核实并及时处理；如有疑问请与本级政务公开主管部门联系。本邮件由系统自动生成。',
  ];
  const text = `${lines.join('\n')}\n`;
  const html = `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#101828">${lines
    .map((line) => (line === '' ? '<br>' : `<div>${escapeHtml(line)}</div>`))
    .join('')}</body></html>`;
  return { subject, text, html };
}
