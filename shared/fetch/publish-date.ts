/**
 * The publication date of a report, read from the evidence a page offers, in one fixed order:
 *
 *   1. header-table  发布日期 in the disclosure platform's header table (头表)
 *   2. meta-pubdate  `<meta name="PubDate">` (national website norm; Beijing time)
 *   3. list-row      the date printed beside the link in the list
 *   4. page-text     "发布时间：" / "发布日期：" text near the title
 *   5. url           a date in the article URL (`t20240126_…`, `/art/2024/1/26/`)
 *   6. last-modified the HTTP Last-Modified header
 *   7. first-seen    when this fetcher first saw the document
 *
 * The first present source wins (a day-only date takes the time of a later page source of the same day);
 * every other date is kept as evidence, and a disagreement between the
 * page's own sources (1–5) by a calendar day or more is flagged.
 */
import type { PublishDateSource } from '../storage/records.ts';

/** Every date found for one document. Values are raw strings as found (any supported format). */
export interface DateEvidence {
  headerTable?: string | null;
  metaPubDate?: string | null;
  listRow?: string | null;
  pageText?: string | null;
  url?: string | null;
  lastModified?: string | null;
  firstSeen: string;
  /** 成文日期 and other dates that are evidence but never the publish date. */
  extra?: { source: string; value: string }[];
}

export interface PublishDate {
  /** ISO 8601 with the +08:00 offset, or null when nothing could be read (never: first-seen always exists). */
  publishDate: string | null;
  source: PublishDateSource | null;
  /** The other sources' dates (ISO +08:00), and the extra evidence. */
  otherDates: { source: string; value: string }[];
  /** True when the page's own sources disagree on the calendar day. */
  disagreement: boolean;
}

const ORDER: [keyof DateEvidence, PublishDateSource][] = [
  ['headerTable', 'header-table'],
  ['metaPubDate', 'meta-pubdate'],
  ['listRow', 'list-row'],
  ['pageText', 'page-text'],
  ['url', 'url'],
  ['lastModified', 'last-modified'],
  ['firstSeen', 'first-seen'],
];

const PAGE_SOURCES = new Set<PublishDateSource>(['header-table', 'meta-pubdate', 'list-row', 'page-text', 'url']);

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Reads a Chinese-site date in Beijing time: `2024-01-26`, `2024/1/26`, `2024.01.26`, `2024年1月26日`,
 * optionally followed by `HH:mm[:ss]`; a full ISO string with offset; or an HTTP date (GMT).
 * Returns ISO with +08:00, or null.
 */
export function toBeijingIso(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw.trim();
  const local =
    /((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?/.exec(
      text,
    );
  const hasZone = /(Z|[+-]\d{2}:?\d{2}|GMT|UTC)\s*$/i.test(text);
  if (local && !hasZone) {
    const [y, m, d] = [Number(local[1]), Number(local[2]), Number(local[3])];
    if (!validDate(y, m, d)) return null;
    const h = Number(local[4] ?? 0);
    const mi = Number(local[5] ?? 0);
    const s = Number(local[6] ?? 0);
    if (h > 23 || mi > 59 || s > 59) return `${y}-${pad(m)}-${pad(d)}T00:00:00+08:00`;
    return `${y}-${pad(m)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}+08:00`;
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) return null;
  return instantToBeijingIso(new Date(parsed));
}

/** An instant as ISO 8601 in Beijing time (+08:00). */
export function instantToBeijingIso(instant: Date): string {
  const shifted = new Date(instant.getTime() + 8 * 3600_000);
  return `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}T${pad(
    shifted.getUTCHours(),
  )}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}+08:00`;
}

/** The date written into an article URL: `t20240126_…` (TRS) or `/art/2024/1/26/` (Hanweb), else null. */
export function dateFromUrl(url: string): string | null {
  const trs = /\/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+/.exec(url);
  if (trs && validDate(Number(trs[1]), Number(trs[2]), Number(trs[3]))) return `${trs[1]}-${trs[2]}-${trs[3]}`;
  const hanweb = /\/art\/((?:19|20)\d{2})\/(\d{1,2})\/(\d{1,2})\//.exec(url);
  if (hanweb && validDate(Number(hanweb[1]), Number(hanweb[2]), Number(hanweb[3])))
    return `${hanweb[1]}-${pad(Number(hanweb[2]))}-${pad(Number(hanweb[3]))}`;
  const dated = /\/((?:19|20)\d{2})(\d{2})\/t?((?:19|20)\d{2})(\d{2})(\d{2})/.exec(url);
  if (dated && validDate(Number(dated[3]), Number(dated[4]), Number(dated[5])))
    return `${dated[3]}-${dated[4]}-${dated[5]}`;
  return null;
}

/** "发布时间：2024-01-26 10:30" / "发布日期:2024年1月26日" in page text; the first occurrence, raw. */
export function dateFromPageText(text: string): string | null {
  const match =
    /(?<!成文|生成)(?:发布时间|发布日期|发稿时间|发表时间|公开日期)\s*[:：]\s*((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:\s*日)?(?:\s+\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2})?)?)/.exec(
      text,
    );
  return match?.[1]?.trim() ?? null;
}

/** Resolves the publish date from the evidence in the documented order. */
export function resolvePublishDate(evidence: DateEvidence): PublishDate {
  const found: { source: PublishDateSource; iso: string }[] = [];
  for (const [field, source] of ORDER) {
    const value = evidence[field];
    if (typeof value !== 'string') continue;
    const iso = toBeijingIso(value);
    if (iso) found.push({ source, iso });
  }
  let first = found[0];
  // A day-only first source (header tables print no time) borrows the time of a later page source of the same day.
  if (first?.iso.endsWith('T00:00:00+08:00')) {
    const day = first.iso.slice(0, 10);
    const precise = found.find(
      (f) => PAGE_SOURCES.has(f.source) && f.iso.startsWith(day) && !f.iso.endsWith('T00:00:00+08:00'),
    );
    if (precise) first = { source: first.source, iso: precise.iso };
  }
  const otherDates = [
    ...found.slice(1).map((f) => ({ source: f.source, value: f.iso })),
    ...(evidence.extra ?? []).map((e) => ({ source: e.source, value: toBeijingIso(e.value) ?? e.value })),
  ];
  const pageDays = new Set(found.filter((f) => PAGE_SOURCES.has(f.source)).map((f) => f.iso.slice(0, 10)));
  return {
    publishDate: first?.iso ?? null,
    source: first?.source ?? null,
    otherDates,
    disagreement: pageDays.size > 1,
  };
}

/** Chinese summary of a disagreement, for the fetch.date-disagreement finding. */
export function describeDisagreement(result: PublishDate): string {
  const labels: Record<string, string> = {
    'header-table': '头表发布日期',
    'meta-pubdate': 'PubDate 元数据',
    'list-row': '列表日期',
    'page-text': '页面发布时间',
    url: '网址中的日期',
  };
  const parts = [
    result.source ? `${labels[result.source] ?? result.source} ${result.publishDate?.slice(0, 10)}` : '',
    ...result.otherDates.filter((d) => d.source in labels).map((d) => `${labels[d.source]} ${d.value.slice(0, 10)}`),
  ].filter(Boolean);
  return `发布日期来源不一致：${parts.join('，')}；采用${labels[result.source ?? ''] ?? '首个来源'}`;
}
