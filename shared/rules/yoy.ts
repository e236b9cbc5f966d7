/**
 * Across years, the same agency: a 表三/表四 total that jumps more than five-fold either way on a base of
 * at least 20 (plausibility.yoy-jump), and a report whose text is last year's with the years changed
 * (content.copied). Both need ValidationContext.previousYear; each rule describes itself beside its check.
 */
import { type AnnualReport, REVIEW_GROUP_LABELS, type ReviewGroupId } from '../report/model.ts';
import type { Finding } from './finding.ts';
import { formatNumber } from './locate.ts';
import type { Rule } from './rule.ts';
import type { RuleInfo } from './rule-info.ts';

/** A year-on-year ratio beyond this (either way) is implausible enough to check. */
export const YOY_FACTOR = 5;
/** Below this previous-year value, small numbers swing freely (2 → 12 is normal). */
export const YOY_MIN_BASE = 20;
/** Shared share of text shingles (years masked) from which a report counts as last year's copy. */
export const COPIED_SIMILARITY = 0.9;
/** Text compared per report (characters): bounds the work on huge inputs. */
const MAX_COMPARED_CHARS = 120_000;
const SHINGLE = 8;

export const YOY_JUMP_INFO: RuleInfo = {
  id: 'plausibility.yoy-jump',
  severity: 'warning',
  title: '总数与上年相比变化超过 5 倍',
  description:
    '表三“本年新收政府信息公开申请数量”总计、表四行政复议和行政诉讼各项总计，与本机关上一年度报告相比增加到 5 倍以上或减少到五分之一以下（上年数不少于 20 件时才比较）。可能是填错、单位错或漏填，请核对。',
  example: '上年度本年新收申请 120 件，本年度填报 12 件（减少到十分之一）。',
};

export const CONTENT_COPIED_INFO: RuleInfo = {
  id: 'content.copied',
  severity: 'warning',
  title: '报告正文与上年几乎相同（仅年份不同）',
  description:
    '把年份替换掉之后，本年度报告的文字与本机关上一年度报告有九成以上相同，疑似照抄上年报告、只改了年份。请核对各部分内容是否反映本年度工作。',
  example: '2024 年度报告写“按时完成2024年年度报告，并于2024年1月15日之前公布”，与 2023 年度报告逐句相同、只换了年份。',
};

/** The year-on-year facts an agency page shows and the rule checks: one value per year, null when unknown. */
export interface YearOnYearTotal {
  /** Where the total sits, as an official reads it. */
  label: string;
  section: '三' | '四';
  current: number | null;
  previous: number | null;
}

const REVIEW_TOTALS: ReviewGroupId[] = ['review', 'litigationDirect', 'litigationAfterReview'];

/** 表三 本年新收 总计 and the three 表四 总计 of a report (null where unknown). */
function totalsOf(
  report: AnnualReport | null | undefined,
): Map<string, { section: '三' | '四'; value: number | null }> {
  const totals = new Map<string, { section: '三' | '四'; value: number | null }>();
  totals.set('表三 本年新收申请（总计）', {
    section: '三',
    value: report?.applications?.received?.total?.value ?? null,
  });
  for (const group of REVIEW_TOTALS) {
    totals.set(`表四 ${REVIEW_GROUP_LABELS[group]}（总计）`, {
      section: '四',
      value: report?.reviews?.[group]?.total?.value ?? null,
    });
  }
  return totals;
}

/** This year's 表三/表四 totals beside last year's (the agency page's table). */
export function yearOnYearTotals(
  current: AnnualReport | null | undefined,
  previous: AnnualReport | null | undefined,
): YearOnYearTotal[] {
  const now = totalsOf(current);
  const before = totalsOf(previous);
  return [...now].map(([label, { section, value }]) => ({
    label,
    section,
    current: value,
    previous: before.get(label)?.value ?? null,
  }));
}

/** Whether a change from `previous` to `current` is beyond ×YOY_FACTOR / ÷YOY_FACTOR on a base ≥ YOY_MIN_BASE. */
export function isYoyJump(previous: number, current: number): boolean {
  if (previous < YOY_MIN_BASE) return false;
  return current > previous * YOY_FACTOR || current * YOY_FACTOR < previous;
}

function followsOn(report: AnnualReport, previous: AnnualReport): boolean {
  return report.year === null || previous.year === null || previous.year === report.year - 1;
}

/** plausibility.yoy-jump: a total changed more than five-fold against last year's report. */
export const yoyJump: Rule = (report, context) => {
  const previous = context.previousYear;
  if (!previous || !followsOn(report, previous)) return [];
  const findings: Finding[] = [];
  for (const total of yearOnYearTotals(report, previous)) {
    if (total.current === null || total.previous === null) continue;
    if (!isYoyJump(total.previous, total.current)) continue;
    const factor =
      total.current > total.previous
        ? `增加到 ${formatNumber(Math.round((total.current / total.previous) * 10) / 10)} 倍`
        : total.current === 0
          ? '减少为 0'
          : `减少到 ${formatNumber(Math.round((total.previous / total.current) * 10) / 10)} 分之一`;
    findings.push({
      rule: YOY_JUMP_INFO.id,
      severity: 'warning',
      message: `${total.label}本年度为 ${formatNumber(total.current)} 件，${previous.year ?? '上一'}年度报告为 ${formatNumber(total.previous)} 件，${factor}。变化如此之大，请核对是否填错或漏填。`,
      location: { section: total.section, row: total.label },
      expected: total.previous,
      actual: total.current,
    });
  }
  return findings;
};

/** Report text with the years masked and whitespace removed, as compared by content.copied. */
export function maskYears(text: string): string {
  return text
    .slice(0, MAX_COMPARED_CHARS)
    .replace(/\s+/g, '')
    .replace(/(?:19|20)\d{2}(?=年|\.|-|\/|[^0-9]|$)/g, '#')
    .replace(/[〇零一二三四五六七八九]{4}(?=年)/g, '#')
    .replace(/#年度?/g, '#年');
}

function shingles(text: string): Set<number> {
  const set = new Set<number>();
  for (let i = 0; i + SHINGLE <= text.length; i++) {
    // FNV-1a over the shingle: a number per shingle keeps the set small.
    let hash = 0x811c9dc5;
    for (let j = i; j < i + SHINGLE; j++) hash = Math.imul(hash ^ text.charCodeAt(j), 0x01000193);
    set.add(hash >>> 0);
  }
  return set;
}

/** Share (0..1) of the two texts' shingles they have in common, years masked (Jaccard). */
export function copiedSimilarity(current: string, previous: string): number {
  const a = shingles(maskYears(current));
  const b = shingles(maskYears(previous));
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const value of a) if (b.has(value)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Texts this short say too little to call a copy (a title and a table). */
const MIN_COPIED_CHARS = 400;

/** content.copied: the text is last year's with the years changed. */
export const contentCopied: Rule = (report, context) => {
  const previous = context.previousYear;
  if (!previous || !followsOn(report, previous)) return [];
  if (report.text.length < MIN_COPIED_CHARS || previous.text.length < MIN_COPIED_CHARS) return [];
  // Byte-identical text is the same report filed twice, not a copy with the years changed.
  if (report.text === previous.text) return [];
  const similarity = copiedSimilarity(report.text, previous.text);
  if (similarity < COPIED_SIMILARITY) return [];
  return [
    {
      rule: CONTENT_COPIED_INFO.id,
      severity: 'warning',
      message: `去掉年份后，本年度报告的文字与${previous.year ?? '上一'}年度报告有 ${Math.round(similarity * 100)}% 相同，疑似照抄上年报告、只改了年份。请核对各部分是否写的是本年度的工作和数据。`,
      location: {},
      expected: '与上年不同的本年度内容',
      actual: `${Math.round(similarity * 100)}% 相同`,
    },
  ];
};

export const YOY_RULES: Rule[] = [yoyJump, contentCopied];
export const YOY_RULE_INFO: RuleInfo[] = [YOY_JUMP_INFO, CONTENT_COPIED_INFO];
