/**
 * Renders a Digest as an email: an HTML part (inline CSS, table layout that mail clients keep), a
 * plain-text part, and a CSV of every finding. Every report-derived string (agency names, titles,
 * finding messages quoting report text, URLs) goes through escapeHtml / safeHref.
 */
import type { ComplianceStatus } from '../compliance/status.ts';
import { STATUS_LABELS, STATUS_ORDER } from '../compliance/status.ts';
import { escapeHtml } from '../html/escape.ts';
import type { Severity } from '../rules/finding.ts';
import type { Digest, DigestLinks, DigestProblemView, DigestRow, EarlyWarningItem } from './digest.ts';

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

const SEVERITY_LABELS: Record<Severity, string> = { error: '错误', warning: '警告', info: '提示' };

const STATUS_COLORS: Record<ComplianceStatus, { fg: string; bg: string }> = {
  missing: { fg: '#ffffff', bg: '#b42318' },
  late: { fg: '#ffffff', bg: '#c4320a' },
  inconsistent: { fg: '#ffffff', bg: '#7a2e0e' },
  unparseable: { fg: '#1d2939', bg: '#fedf89' },
  unreachable: { fg: '#1d2939', bg: '#d0d5dd' },
  blocked: { fg: '#ffffff', bg: '#5d6d7e' },
  'address-broken': { fg: '#ffffff', bg: '#a04000' },
  pending: { fg: '#1d2939', bg: '#eaecf0' },
  'on-time': { fg: '#ffffff', bg: '#067647' },
};

export { escapeHtml };

/**
 * A URL fit for an href: http, https and relative references only (plus file: for local links we build
 * ourselves when `allowFile`). Anything else (javascript:, data:, vbscript:, …) gives undefined.
 * The result still needs escapeHtml inside the attribute.
 */
export function safeHref(url: string | undefined, options: { allowFile?: boolean } = {}): string | undefined {
  if (!url) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers ignore these inside schemes, so must we
  const trimmed = url.trim().replace(/[\u0000-\u001f\u007f]/g, '');
  if (trimmed === '') return undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // Relative: refuse protocol-relative '//host' (it leaves the site) and backslash tricks.
    return trimmed.startsWith('//') || trimmed.includes('\\') ? undefined : trimmed;
  }
  if (scheme === 'http' || scheme === 'https' || (scheme === 'file' && options.allowFile)) {
    try {
      return new URL(trimmed).href;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function badge(status: ComplianceStatus): string {
  const color = STATUS_COLORS[status];
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
<td style="${cell}"><strong>${escapeHtml(row.agencyName)}</strong>${title}</td>
<td style="${cell}">${row.flags.map(badge).join(' ')}<div style="color:#475467;font-size:12px">${escapeHtml(statusDetail(row))}</div>${row.statusVerdict ? `<div style="color:#067647;font-size:12px">${escapeHtml(row.statusVerdict)}</div>` : ''}</td>
<td style="${cell}">${reason}${findings}${more}</td>
<td style="${cell};white-space:nowrap">${escapeHtml(changeText(row))}</td>
<td style="${cell}">${linksHtml(row.links)}</td>
</tr>`;
        })
        .join('\n');
      return `<h3 style="font-size:15px;margin:20px 0 6px 0">${escapeHtml(region.region)}</h3>
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">
<tr><th style="${head}">机关</th><th style="${head}">状态</th><th style="${head}">主要问题</th><th style="${head}">变化</th><th style="${head}">链接</th></tr>
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
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(digest.subject)}</title></head>
<body style="margin:0;padding:0;background:#ffffff;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#101828">
<table role="presentation" cellpadding="0" cellspacing="0" style="width:100%;max-width:960px;margin:0 auto"><tr><td style="padding:16px">
<h1 style="font-size:20px;margin:0 0 4px 0">政府信息公开工作年度报告 · 合规监测周报</h1>
<div style="color:#475467;font-size:13px">${escapeHtml(digest.isoWeek)}（生成于 ${escapeHtml(digest.generatedAt.slice(0, 16).replace('T', ' '))}，北京时间）；${escapeHtml(scope)}${digest.year}年度报告；名录中 ${summary.agencies} 个机关，已核查 ${summary.assessed} 个${summary.notChecked ? `，尚未抓取 ${summary.notChecked} 个` : ''}。</div>
${earlyWarningHtml(digest, cell, head)}
<h2 style="font-size:16px;margin:16px 0 6px 0">概况</h2>
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse">
<tr><th style="${head}">状态</th><th style="${head}">机关数（按主要状态）</th><th style="${head}">涉及机关数（含兼有）</th></tr>
${summaryRows}
</table>
<div style="color:#667085;font-size:12px;margin-top:4px">一个机关可能兼有多种问题（例如既逾期又数据不一致）：主要状态每个机关只计一次，右列按每种问题分别计数。${dismissedText(digest)}</div>
<h2 style="font-size:16px;margin:16px 0 6px 0">各地区</h2>
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">
<tr><th style="${head}">地区</th><th style="${head}">机关数</th>${regionHead}</tr>
${regionRows}
</table>
<h2 style="font-size:16px;margin:16px 0 6px 0">与上周相比${changes.previousWeek ? `（上次：${escapeHtml(changes.previousWeek)}）` : '（首次生成）'}</h2>
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%">
<tr><th style="${head};width:33%">本周新增 ${changes.counts.new}</th><th style="${head};width:34%">仍未解决 ${changes.counts.stillOpen}</th><th style="${head};width:33%">已解决 ${changes.counts.resolved}</th></tr>
<tr><td style="${cell}">${changeList(changes.new, false, changes.counts.new)}</td><td style="${cell}">${changeList(changes.stillOpen, true, changes.counts.stillOpen)}</td><td style="${cell}">${changeList(changes.resolved, false, changes.counts.resolved)}</td></tr>
</table>
<h2 style="font-size:16px;margin:16px 0 6px 0">需要关注的机关</h2>
${regionSections || '<div style="color:#667085">本周没有需要关注的机关。</div>'}
${summary.omittedRows ? `<p style="color:#b42318">另有 ${summary.omittedRows} 个有问题的机关未在邮件中列出，请查看附件 CSV 或结果网站。</p>` : ''}
<p style="color:#667085;font-size:12px;margin-top:20px">附件 CSV 列出全部问题（UTF-8，可用 Excel 直接打开）。“无法访问”表示本系统抓取失败，不代表该机关未公开。本邮件由系统自动生成。</p>
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
    lines.push('', `另有 ${summary.omittedRows} 个有问题的机关未在邮件中列出，请查看附件 CSV 或结果网站。`);
  lines.push('', '附件 CSV 列出全部问题。“无法访问”表示本系统抓取失败，不代表该机关未公开。');
  return `${lines.join('\n')}\n`;
}

const CSV_HEADER = [
  '地区',
  '机关',
  '机关代码',
  '年度',
  '状态',
  '严重程度',
  '规则',
  '问题说明',
  '章节',
  '行',
  '列',
  '应为',
  '实为',
  '原网页',
  '存档快照',
  '核查结果',
  '核查状态',
];

/**
 * One CSV cell per RFC 4180: quoted when it holds a comma, quote, CR or LF (quotes doubled). Text
 * starting with = + - @ (or tab/CR) gets a leading apostrophe so a spreadsheet never runs it as a
 * formula; numbers are left as numbers.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The findings attachment: UTF-8 with a BOM (so Excel reads it right), CRLF line ends. */
export function renderFindingsCsv(digest: Digest): string {
  const lines = [CSV_HEADER.map(csvCell).join(',')];
  for (const record of digest.allFindings) {
    const f = record.finding;
    lines.push(
      [
        record.region,
        record.agencyName,
        record.agencyId,
        record.year,
        STATUS_LABELS[record.status],
        SEVERITY_LABELS[f.severity],
        f.rule,
        f.message,
        f.location?.section ?? '',
        f.location?.row ?? '',
        f.location?.column ?? '',
        f.expected ?? '',
        f.actual ?? '',
        record.links.source ?? '',
        record.links.snapshot ?? '',
        record.links.results ?? record.links.agency ?? '',
        record.triage,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
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
