/**
 * Recognising the annual report (政府信息公开工作年度报告) among the links of a disclosure column, and
 * choosing one when several are candidates (last year's report, a correction, another agency's report
 * in a county-wide column).
 */

/** One link found on a list page (or given directly by the registry). */
export interface ReportCandidate {
  /** Full title (the link's `title` attribute when the text is cut short). */
  title: string;
  /** Absolute URL of the article (or document). */
  url: string;
  /** Date shown in the list row, `YYYY-MM-DD`, when there was one. */
  listDate?: string;
  /** The list page it was found on. */
  listUrl?: string;
}

export interface ScoredCandidate extends ReportCandidate {
  /** Report year read from the title, or null when the title names none. */
  year: number | null;
  /** True when the title reads as a government-information-disclosure annual report. */
  isReport: boolean;
  score: number;
  /** Why the score is what it is, in Chinese (joined into chosenBecause). */
  reasons: string[];
  /** True when the title names an agency other than the one being scanned. */
  otherAgency: boolean;
  correction: boolean;
}

export interface CandidateChoice {
  chosen: ScoredCandidate | null;
  /** Every candidate that reads as an annual report, best first (kept as evidence). */
  ranked: ScoredCandidate[];
  /** Chinese explanation of the choice (or of why nothing was chosen). */
  chosenBecause: string;
}

const FULL_WIDTH_BRACKETS: Record<string, string> = {
  '（': '(',
  '）': ')',
  '【': '[',
  '】': ']',
  '〔': '[',
  '〕': ']',
  '［': '[',
  '］': ']',
  '《': '',
  '》': '',
  '“': '',
  '”': '',
  '"': '',
};

/**
 * Normalises a title for matching: full-width digits and Latin letters become ASCII, brackets become
 * ASCII brackets, every kind of white space (including U+3000 and NBSP) is removed.
 * Other punctuation (：，) is left alone, unlike whole-string NFKC.
 */
export function normaliseTitle(title: string): string {
  return title
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[（）【】〔〕［］《》“”"]/g, (c) => FULL_WIDTH_BRACKETS[c] ?? c)
    .replace(/[\s\u3000\u00a0\u200b]+/g, '');
}

const REPORT_KIND =
  /政府信息公开(?:工作)?(?:年度报告|年报|工作报告)|政务公开(?:工作)?年度报告|信息公开(?:工作)?年度报告/;
const NOT_THE_REPORT = /(解读|图解|说明$|通知$|公告$|声明$|情况说明|的说明|考核|评估|格式|模板|报表)/;
const CORRECTION = /(更正|修订|修正|勘误|重新发布)/;

/** Reads the report year from a normalised title: the first 19xx/20xx directly followed by 年. */
export function titleYear(normalised: string): number | null {
  const match = /((?:19|20)\d{2})\s*年/.exec(normalised);
  return match ? Number(match[1]) : null;
}

/** True when the title reads as an annual disclosure report (of any year). */
export function isAnnualReportTitle(title: string): boolean {
  const normalised = normaliseTitle(title);
  return REPORT_KIND.test(normalised) && !NOT_THE_REPORT.test(normalised.replace(/\(.*?\)$/, ''));
}

/** The part of a normalised title before the year: usually the publishing agency's name. */
function titlePrefix(normalised: string): string {
  const match = /^(.*?)((?:19|20)\d{2})\s*年/.exec(normalised);
  const prefix = (match?.[1] ?? '').replace(/^(关于|[[(].*?[\])])/, '');
  return prefix.replace(/[:：,，、\-—_]+$/, '');
}

/** Agency names drop these suffix words in titles ("卢氏县人民政府" posts as "卢氏县"). */
const GOVERNMENT_SUFFIX = /(人民政府办公室|人民政府|政府办公室|政府)$/;

function nameMatches(prefix: string, agencyName: string): boolean {
  const name = normaliseTitle(agencyName);
  if (!prefix || !name) return false;
  if (prefix.includes(name) || name.includes(prefix)) return true;
  const core = name.replace(GOVERNMENT_SUFFIX, '');
  return core.length >= 2 && (prefix === core || (prefix.startsWith(core) && GOVERNMENT_SUFFIX.test(prefix)));
}

/** Scores one candidate for the given agency and year. */
export function scoreCandidate(candidate: ReportCandidate, year: number, agencyName: string): ScoredCandidate {
  const normalised = normaliseTitle(candidate.title);
  const reasons: string[] = [];
  const isReport = isAnnualReportTitle(candidate.title);
  const candidateYear = titleYear(normalised);
  const prefix = titlePrefix(normalised);
  const correction = CORRECTION.test(normalised);
  let score = 0;
  let otherAgency = false;

  if (isReport) {
    score += 10;
    reasons.push('标题为政府信息公开工作年度报告');
  }
  if (candidateYear === year) {
    score += 20;
    reasons.push(`标题年份为${year}年`);
  } else if (candidateYear !== null) {
    score -= 30;
    reasons.push(`标题年份为${candidateYear}年，不是${year}年`);
  } else {
    reasons.push('标题未写年份');
  }
  if (nameMatches(prefix, agencyName)) {
    score += 8;
    reasons.push(`标题含本机关名称“${prefix}”`);
  } else if (prefix.length >= 2) {
    otherAgency = true;
    score -= 25;
    reasons.push(`标题中的机关“${prefix}”不是本机关`);
  } else {
    reasons.push('标题未写机关名称');
  }
  if (correction) {
    score += 2;
    reasons.push('为更正后的版本');
  }
  return { ...candidate, year: candidateYear, isReport, score, reasons, otherAgency, correction };
}

/**
 * Chooses the year's report among candidate links: the title must read as an annual report of that
 * year and must not name another agency. Among those left, the agency's own name in the title, then a
 * correction (it replaces the original), then the latest list date win. Says why, in Chinese.
 */
export function chooseCandidate(candidates: ReportCandidate[], year: number, agencyName: string): CandidateChoice {
  const seen = new Set<string>();
  const scored: ScoredCandidate[] = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.url)) continue;
    seen.add(candidate.url);
    const result = scoreCandidate(candidate, year, agencyName);
    if (result.isReport) scored.push(result);
  }
  scored.sort(
    (a, b) => b.score - a.score || (b.listDate ?? '').localeCompare(a.listDate ?? '') || a.url.localeCompare(b.url),
  );
  const eligible = scored.filter((c) => c.year === year && !c.otherAgency);
  const chosen = eligible[0] ?? null;
  if (!chosen) {
    const dated = scored.filter((c) => c.year !== null);
    const others = dated.length
      ? `；列表中另有${dated.length}篇年度报告，但年份或机关不符（${dated
          .slice(0, 3)
          .map((c) => `“${c.title}”`)
          .join('、')}）`
      : '';
    return { chosen: null, ranked: scored, chosenBecause: `未找到标题符合${year}年本机关年度报告的文章${others}` };
  }
  let because = `选中“${chosen.title}”：${chosen.reasons.join('，')}`;
  if (eligible.length > 1) because += `；另有${eligible.length - 1}篇同年候选，得分较低`;
  return { chosen, ranked: scored, chosenBecause: because };
}
