/**
 * Week-by-week compliance counts, rebuilt from the history kept in each state record, and drawn as an
 * inline SVG on the server (the office network may have no internet: no chart library, no CDN).
 */
import { beijingDate, isoWeekOf, isoWeekStartMs } from '../compliance/deadline.ts';
import type { AgencyYearState, ComplianceStatus } from '../compliance/status.ts';
import { STATUS_LABELS, STATUS_ORDER } from '../compliance/status.ts';
import { statusColor } from '../compliance/status-colors.ts';
import { escapeHtml } from './html.ts';

export interface WeekCounts {
  /** ISO week label, e.g. "2025-W14". */
  week: string;
  /** Monday of that week (Asia/Shanghai), YYYY-MM-DD. */
  monday: string;
  counts: Record<ComplianceStatus, number>;
}

const DAY_MS = 86_400_000;

/** ISO 8601 week label of the Asia/Shanghai week starting at `start` (compliance/deadline.ts does the calendar). */
export function isoWeekLabel(start: number): string {
  return isoWeekOf(start);
}

function emptyCounts(): Record<ComplianceStatus, number> {
  return Object.fromEntries(STATUS_ORDER.map((status) => [status, 0])) as Record<ComplianceStatus, number>;
}

/**
 * Counts per status at the end of each week, from the first recorded assessment to `now` (at most
 * `maxWeeks`, the newest). An agency counts from its first assessment on; its status in a week is the
 * last one recorded before the week ended.
 */
export function weeklyCounts(states: Iterable<AgencyYearState>, now: Date, maxWeeks = 52): WeekCounts[] {
  const timelines: { at: number; status: ComplianceStatus }[][] = [];
  let earliest = Number.POSITIVE_INFINITY;
  for (const state of states) {
    const entries = (
      state.history?.length ? state.history : [{ at: state.current.assessedAt, status: state.current.status }]
    )
      .map((entry) => ({ at: Date.parse(entry.at), status: entry.status }))
      .filter((entry) => Number.isFinite(entry.at) && STATUS_LABELS[entry.status] !== undefined)
      .sort((a, b) => a.at - b.at);
    if (entries.length === 0) continue;
    timelines.push(entries);
    earliest = Math.min(earliest, entries[0]?.at ?? earliest);
  }
  if (timelines.length === 0) return [];
  const lastStart = isoWeekStartMs(now.getTime());
  const firstStart = Math.max(
    isoWeekStartMs(Math.min(earliest, now.getTime())),
    lastStart - (maxWeeks - 1) * 7 * DAY_MS,
  );
  const starts: number[] = [];
  for (let start = firstStart; start <= lastStart; start += 7 * DAY_MS) starts.push(start);
  const weeks = starts.map((start) => ({
    week: isoWeekLabel(start),
    monday: beijingDate(start),
    counts: emptyCounts(),
  }));
  for (const entries of timelines) {
    let cursor = -1;
    for (let w = 0; w < starts.length; w++) {
      const end = Math.min((starts[w] as number) + 7 * DAY_MS, now.getTime() + 1);
      while (cursor + 1 < entries.length && (entries[cursor + 1]?.at as number) < end) cursor++;
      const entry = entries[cursor];
      if (entry) (weeks[w] as WeekCounts).counts[entry.status]++;
    }
  }
  return weeks;
}

/** A stacked bar chart of `weeks`, one bar per week; every bar segment carries its data as attributes. */
export function weeklyChartSvg(weeks: WeekCounts[]): string {
  if (weeks.length === 0) return '<p class="muted">尚无评估记录，暂无趋势图。</p>';
  const width = 760;
  const height = 260;
  const left = 44;
  const bottom = 36;
  const top = 12;
  const plotHeight = height - top - bottom;
  const plotWidth = width - left - 12;
  const maxTotal = Math.max(1, ...weeks.map((week) => STATUS_ORDER.reduce((sum, s) => sum + week.counts[s], 0)));
  const slot = plotWidth / weeks.length;
  const barWidth = Math.max(2, Math.min(36, slot * 0.7));
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">`,
    '<title id="chart-title">各周合规状态（机关数）</title>',
  );
  // Horizontal grid lines with round tick values.
  const step = niceStep(maxTotal / 4);
  for (let tick = 0; tick <= maxTotal; tick += step) {
    const y = top + plotHeight - (tick / maxTotal) * plotHeight;
    parts.push(
      `<line class="grid" x1="${left}" x2="${width - 12}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" />`,
      `<text class="tick" x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${tick}</text>`,
    );
  }
  const labelEvery = Math.ceil(weeks.length / 10);
  weeks.forEach((week, index) => {
    const x = left + index * slot + (slot - barWidth) / 2;
    let y = top + plotHeight;
    for (const status of STATUS_ORDER) {
      const count = week.counts[status];
      if (count === 0) continue;
      const h = (count / maxTotal) * plotHeight;
      y -= h;
      parts.push(
        `<rect class="bar" data-week="${week.week}" data-status="${status}" data-count="${count}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${statusColor(status).bg}"><title>${escapeHtml(`${week.week}（${week.monday} 起）${STATUS_LABELS[status]}：${count}`)}</title></rect>`,
      );
    }
    if (index % labelEvery === 0 || index === weeks.length - 1) {
      parts.push(
        `<text class="tick" x="${(x + barWidth / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${week.monday.slice(5)}</text>`,
      );
    }
  });
  parts.push('</svg>');
  const legend = STATUS_ORDER.map(
    (status) =>
      `<span class="legend-item"><span class="swatch" style="background:${statusColor(status).bg}"></span>${STATUS_LABELS[status]}</span>`,
  ).join('');
  return `<figure class="chart-box">${parts.join('')}<figcaption>${legend}<br>横轴为每周一日期（北京时间），纵轴为各状态机关数（按该周结束时的最新评估计）。</figcaption></figure>`;
}

function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * magnitude >= raw) return factor * magnitude;
  return 10 * magnitude;
}
