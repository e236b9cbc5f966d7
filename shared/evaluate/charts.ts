/**
 * Inline SVG charts for the evaluation (no chart library, no CDN: the office network may be offline,
 * and the PDF must carry them). Horizontal bars, so long Chinese region names fit on the left.
 */
import { escapeHtml } from '../html/escape.ts';

export interface BarSeries {
  name: string;
  color: string;
}

export interface BarRow {
  label: string;
  /** One value per series, 0..1; null draws nothing and prints "—". */
  values: (number | null)[];
}

const LABEL_WIDTH = 150;
const BAR_AREA = 430;
const BAR_HEIGHT = 11;
const GAP = 8;

function percent(value: number | null): string {
  return value === null ? '—' : `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
}

function clip(label: string, max = 11): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** Grouped horizontal bars of shares (0..1), one group per row, with a legend and value labels. */
export function groupedBarsSvg(title: string, series: BarSeries[], rows: BarRow[]): string {
  const groupHeight = series.length * BAR_HEIGHT + GAP;
  const height = 28 + rows.length * groupHeight + 10;
  const width = LABEL_WIDTH + BAR_AREA + 60;
  const parts: string[] = [];
  series.forEach((s, i) => {
    const x = LABEL_WIDTH + i * 120;
    parts.push(
      `<rect x="${x}" y="4" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="13" class="legend">${escapeHtml(s.name)}</text>`,
    );
  });
  for (const tick of [0, 0.5, 1]) {
    const x = LABEL_WIDTH + tick * BAR_AREA;
    parts.push(
      `<line x1="${x}" y1="22" x2="${x}" y2="${height - 8}" class="grid"/><text x="${x}" y="${height}" class="tick" text-anchor="middle">${tick * 100}%</text>`,
    );
  }
  rows.forEach((row, r) => {
    const top = 26 + r * groupHeight;
    parts.push(
      `<text x="${LABEL_WIDTH - 6}" y="${top + (series.length * BAR_HEIGHT) / 2 + 4}" text-anchor="end" class="label"><title>${escapeHtml(row.label)}</title>${escapeHtml(clip(row.label))}</text>`,
    );
    row.values.forEach((value, i) => {
      const y = top + i * BAR_HEIGHT;
      const w = value === null ? 0 : Math.max(0, Math.min(1, value)) * BAR_AREA;
      const color = series[i]?.color ?? '#999';
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${color}" data-value="${value ?? ''}"/><text x="${LABEL_WIDTH + w + 4}" y="${y + BAR_HEIGHT - 3}" class="value">${percent(value)}</text>`,
      );
    });
  });
  return `<figure class="chart"><svg viewBox="0 0 ${width} ${height + 4}" width="100%" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg><figcaption>${escapeHtml(title)}</figcaption></figure>`;
}

export interface StackSegment {
  name: string;
  color: string;
}

/** 100% stacked horizontal bars: each row's counts split by segment (e.g. statuses per level). */
export function stackedBarsSvg(
  title: string,
  segments: StackSegment[],
  rows: { label: string; counts: number[] }[],
): string {
  const rowHeight = 20;
  const legendRows = Math.ceil(segments.length / 4);
  const top = 8 + legendRows * 16;
  const height = top + rows.length * rowHeight + 6;
  const width = LABEL_WIDTH + BAR_AREA + 60;
  const parts: string[] = [];
  segments.forEach((s, i) => {
    const x = LABEL_WIDTH + (i % 4) * 110;
    const y = 4 + Math.floor(i / 4) * 16;
    parts.push(
      `<rect x="${x}" y="${y}" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="${y + 9}" class="legend">${escapeHtml(s.name)}</text>`,
    );
  });
  rows.forEach((row, r) => {
    const y = top + r * rowHeight;
    const total = row.counts.reduce((a, b) => a + b, 0);
    parts.push(
      `<text x="${LABEL_WIDTH - 6}" y="${y + 12}" text-anchor="end" class="label">${escapeHtml(clip(row.label))}</text>`,
    );
    let x = LABEL_WIDTH;
    row.counts.forEach((count, i) => {
      if (count === 0 || total === 0) return;
      const w = (count / total) * BAR_AREA;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${segments[i]?.color ?? '#999'}"><title>${escapeHtml(`${row.label} ${segments[i]?.name ?? ''}：${count}`)}</title></rect>`,
      );
      if (w > 18) {
        parts.push(
          `<text x="${(x + w / 2).toFixed(1)}" y="${y + 11}" text-anchor="middle" class="inbar">${count}</text>`,
        );
      }
      x += w;
    });
    parts.push(`<text x="${LABEL_WIDTH + BAR_AREA + 4}" y="${y + 12}" class="value">${total}</text>`);
  });
  return `<figure class="chart"><svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg><figcaption>${escapeHtml(title)}</figcaption></figure>`;
}
