/**
 * The report's title, agency and year. Titles arrive split over lines and with spaces inside
 * ("卢氏县工业和信息化和科技局 2023 年政府信息公开 工作年度报告"); both orders occur in the wild
 * ("2023年XX局政府信息公开工作年度报告", "XX局关于2023年度政府信息公开工作的年度报告").
 */

export interface TitleInfo {
  title: string | null;
  agency: string | null;
  year: number | null;
}

const MAX_TITLE_LINES = 3;
const MAX_TITLE_LENGTH = 120;
const YEAR = /((?:19|20)\d{2})年度?/;
const CN_YEAR = /([〇零○Ｏ一二三四五六七八九]{4})年度?/;
const CN_DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  '○': 0,
  Ｏ: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
/** Where the agency name ends in "…局2023年政府信息公开…" when the year comes first. */
const REPORT_KIND = /(?:政府信息公开|政务信息公开|信息公开|政务公开)/;
const AGENCY_CHARS = /^[\u4e00-\u9fff（）()·、]{2,40}$/;

/**
 * Finds the title among the lines before the first section heading: the first short line that mentions
 * 报告 (or 信息公开) and a year, joined with up to two short lines before it when they carry the agency.
 */
export function extractTitle(prefixLines: readonly string[], fallbackTitle?: string | null): TitleInfo {
  let partial: TitleInfo | null = null;
  for (let i = 0; i < prefixLines.length; i++) {
    const line = prefixLines[i] as string;
    if (line.length > MAX_TITLE_LENGTH || line.includes('。')) continue;
    if (!line.includes('报告') && !line.includes('信息公开')) continue;
    let title = line;
    // A title broken before its last word: "…政府信息公开" + "工作年度报告".
    const next = prefixLines[i + 1];
    if (!title.includes('报告') && next !== undefined && next.length < 20 && next.includes('报告')) {
      title = `${title}${next}`;
    }
    let info = readTitle(title);
    for (let back = 1; back < MAX_TITLE_LINES && (info.agency === null || info.year === null); back++) {
      const before = prefixLines[i - back];
      if (before === undefined || before.length > 40 || /[。，；：]/.test(before)) break;
      const joined = readTitle(`${before}${title}`);
      if (joined.agency === null && joined.year === null) break;
      title = `${before}${title}`;
      info = joined;
    }
    // Navigation links ("2023年政府信息公开工作年度报告") name a year but no agency: keep looking.
    if (info.year !== null && info.agency !== null) return info;
    if (partial === null && (info.year !== null || info.agency !== null)) partial = info;
  }
  if (fallbackTitle) {
    const info = readTitle(fallbackTitle.split(/[_|｜—-]/)[0] ?? fallbackTitle);
    if (info.year !== null && info.agency !== null) return info;
    if (partial === null && (info.year !== null || info.agency !== null)) partial = info;
  }
  return partial ?? { title: null, agency: null, year: null };
}

/** Reads agency and year from one title string. */
export function readTitle(rawTitle: string): TitleInfo {
  const compact = rawTitle.replace(/\s+/g, '');
  const title = compact.length > 0 ? compact : null;
  let year: number | null = null;
  let yearStart = -1;
  let yearEnd = -1;
  const m = YEAR.exec(compact);
  if (m) {
    year = Number(m[1]);
    yearStart = m.index;
    yearEnd = m.index + m[0].length;
  } else {
    const c = CN_YEAR.exec(compact);
    if (c) {
      const digits = [...(c[1] as string)].map((ch) => CN_DIGITS[ch] ?? 0);
      const value = digits.reduce((acc, d) => acc * 10 + d, 0);
      if (value >= 1990 && value <= 2100) {
        year = value;
        yearStart = c.index;
        yearEnd = c.index + c[0].length;
      }
    }
  }
  let agency: string | null = null;
  if (yearStart > 0) {
    agency = cleanAgency(compact.slice(0, yearStart));
  } else if (yearStart === 0) {
    const after = compact.slice(yearEnd);
    const kind = REPORT_KIND.exec(after);
    if (kind && kind.index > 0) agency = cleanAgency(after.slice(0, kind.index));
  } else {
    const kind = REPORT_KIND.exec(compact);
    if (kind && kind.index > 0) agency = cleanAgency(compact.slice(0, kind.index));
  }
  return { title, agency, year };
}

function cleanAgency(raw: string): string | null {
  let name = raw;
  for (const suffix of ['关于', '的', '年度']) if (name.endsWith(suffix)) name = name.slice(0, -suffix.length);
  name = name.replace(/^[《“"【[]+|[》”"】\]]+$/g, '');
  return AGENCY_CHARS.test(name) ? name : null;
}

// 年 optional: PDF extraction drops it ("自20231月1日起").
const PERIOD_START = /((?:19|20)\d{2})\s*年?\s*0?1\s*月\s*0?1\s*日/;
const PERIOD_YEAR = /统计[^。\d]{0,30}((?:19|20)\d{2})\s*年/;

/** The report year from a statistics-period sentence ("统计时限为2023年1月1日起至2023年12月31日"). */
export function yearFromStatisticsPeriod(line: string): number | null {
  if (line.length > 2000) return null;
  const start = PERIOD_START.exec(line);
  if (start) return Number(start[1]);
  const loose = PERIOD_YEAR.exec(line);
  return loose ? Number(loose[1]) : null;
}

/** A name that signs a report: ends like an agency (厅, 局, 委员会, 人民政府 …). */
const SIGNATURE = /^[\u4e00-\u9fff（）()]{2,30}(?:厅|局|委员会|委|人民政府|政府|办公室|办|院|中心|署|会|所|站|队)$/;
const DATE_LINE = /^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$/;
/** The report named inside a sentence: "编写了《XX厅2019年度政府信息公开工作报告》", "发布XX厅2021年…年度报告". */
const NAMED_REPORT =
  /(?:《|发布|公布|编制|编写了?|形成)([\u4e00-\u9fff（）()]{2,40}?(?:19|20)\d{2}\s*年度?\s*政府信息公开工作(?:年度)?报告)/;

/**
 * The agency (and year) when the title was not in the text (pages stored without their heading): the
 * report named in an opening sentence or an "附件：" line, else the sign-off (agency line, then a date).
 */
export function identityFromBody(lines: readonly string[]): TitleInfo | null {
  const limit = Math.min(lines.length, 4000);
  for (let i = 0; i < Math.min(limit, 60); i++) {
    const line = (lines[i] as string).trim();
    if (line.length === 0 || line.length > 2000) continue;
    const named = NAMED_REPORT.exec(line.slice(0, 600));
    if (named) {
      const info = readTitle(named[1] as string);
      if (info.agency !== null) return info;
    }
  }
  const tail: string[] = [];
  for (let i = limit - 1; i >= 0 && tail.length < 8; i--) {
    const line = (lines[i] as string).trim();
    if (line.length > 0) tail.unshift(line);
  }
  for (let i = 0; i < tail.length; i++) {
    const line = tail[i] as string;
    if (line.startsWith('附件')) {
      const info = readTitle(line.replace(/^附件\s*\d*\s*[：:]?/, ''));
      if (info.agency !== null) return info;
    }
    const next = tail[i + 1];
    if (SIGNATURE.test(line) && next !== undefined && DATE_LINE.test(next))
      return { title: null, agency: line, year: null };
  }
  return null;
}
