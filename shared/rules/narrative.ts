/**
 * Narrative vs tables: counts stated in the text (mostly 总体情况) must agree with tables 三 and 四, and an
 * enumeration ("共 23 次，其中 A 2 次，B 1 次…") must add up to its stated total. Every pattern has bounded
 * gaps and no nested quantifiers, so matching stays linear on hostile input.
 */
import {
  type AnnualReport,
  APPLICATION_ROWS_2021,
  type ApplicationRowId,
  REVIEW_GROUP_LABELS,
  type ReviewGroupId,
  SECTION_IDS,
} from '../report/model.ts';
import { countAt, NUMERAL_GROUP } from './chinese-numerals.ts';
import type { Finding, FindingLocation } from './finding.ts';
import { formatNumber } from './locate.ts';
import { allMatches } from './regex.ts';
import type { Rule } from './rule.ts';
import type { RuleInfo } from './rule-info.ts';

interface NarrativeLine {
  text: string;
  /** 1-based line in report.text when known. */
  line?: number;
}

/** Characters that end a sentence (a line is trimmed, so its last character decides). */
const SENTENCE_END = new Set([...'。！？；：:!?;'].map((ch) => ch.charCodeAt(0)));

/**
 * The narrative rules read the same lines: split once per report (and again if its texts change). One
 * entry, the last report: the rules run one after another on it, and a WeakMap entry per report cost
 * more to insert (and for the GC to trace) than the lookups it saved.
 */
let linesCache: { report: AnnualReport; texts: string[]; lines: NarrativeLine[]; masks?: number[] } | null = null;

/** Narrative lines: section bodies without table rows (tab-separated), or the whole text when no section was found. */
export function narrativeLines(report: AnnualReport): NarrativeLine[] {
  const cached = linesCache?.report === report ? linesCache : null;
  // Identical strings mean nothing changed since the other narrative rule split them.
  if (cached && sameSources(cached.texts, report)) return cached.lines;
  const sections = SECTION_IDS.map((id) => report.sections[id]).filter((section) => section !== undefined);
  const sources =
    sections.length > 0
      ? sections.map((section) => ({ text: section.text, line: section.line }))
      : [{ text: report.text, line: 1 }];
  const lines: NarrativeLine[] = [];
  for (const source of sources) {
    const text = source.text.length > 500_000 ? source.text.slice(0, 500_000) : source.text;
    // PDF extraction wraps sentences at the page width ("部分公开\n1 件"): a line that does not end a
    // sentence continues on the next one. Blank lines and table rows (tabs) end a paragraph. Table rows
    // are skipped without being copied: most of a text report is tables.
    let open: NarrativeLine | null = null;
    let nextTab = text.indexOf('\t');
    let index = 0;
    for (let start = 0; start <= text.length; index++) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      if (nextTab !== -1 && nextTab < start) nextTab = text.indexOf('\t', start);
      const isTableRow = nextTab !== -1 && nextTab < end;
      const line = isTableRow ? '' : text.slice(start, end).trim();
      start = end + 1;
      if (line.length === 0) {
        open = null;
        continue;
      }
      if (open) open.text += line;
      else {
        open =
          source.line !== undefined && sections.length === 0
            ? { text: line, line: source.line + index }
            : { text: line };
        lines.push(open);
      }
      if (SENTENCE_END.has(line.charCodeAt(line.length - 1))) open = null;
    }
  }
  linesCache = { report, texts: sources.map((source) => source.text), lines };
  return lines;
}

/** True when the report's section texts (or its whole text, with no section) are still `texts`. */
function sameSources(texts: readonly string[], report: AnnualReport): boolean {
  let count = 0;
  for (const id of SECTION_IDS) {
    const section = report.sections[id];
    if (section === undefined) continue;
    if (texts[count] !== section.text) return false;
    count++;
  }
  if (count === 0) return texts.length === 1 && texts[0] === report.text;
  return texts.length === count;
}

/**
 * Which keywords each narrative line contains (bit k for KEYWORDS[k]), from one character scan per line
 * instead of an includes() call per keyword and line: CJK substring search is costly, most lines hold
 * none of them, and the lines are shared by both narrative rules.
 */
function lineKeywords(report: AnnualReport, lines: NarrativeLine[]): number[] {
  const cached = linesCache?.report === report ? linesCache : null;
  if (cached?.lines === lines && cached.masks) return cached.masks;
  // A plain array of small integers: a typed array costs an off-heap allocation per report.
  const masks: number[] = [];
  for (let i = 0; i < lines.length; i++) masks.push(keywordMask((lines[i] as NarrativeLine).text));
  if (cached?.lines === lines) cached.masks = masks;
  return masks;
}

/** Bits of KEYWORDS found in `text`. */
function keywordMask(text: string): number {
  // The regex engine finds the next character that starts a keyword (most start none) in native code;
  // the keywords of that character's group are then compared there only.
  const starts = keywordStarts();
  starts.lastIndex = 0;
  let mask = 0;
  while (starts.test(text)) {
    const i = starts.lastIndex - 1;
    const group = KEYWORD_BY_FIRST[text.charCodeAt(i)] as number;
    for (const keyword of KEYWORD_GROUPS[group - 1] as Keyword[]) {
      if ((mask & keyword.bit) !== 0) continue;
      // The first character matched (that is the group): a one-character keyword is found, a longer one
      // is compared from its second character on, which rules most candidates out without a call.
      if (keyword.word.length === 1 || (text.charCodeAt(i + 1) === keyword.second && text.startsWith(keyword.word, i)))
        mask |= keyword.bit;
    }
  }
  return mask;
}

interface Keyword {
  word: string;
  bit: number;
  /** Code of the word's second character (NaN for a one-character word). */
  second: number;
}

const KEYWORDS: string[] = [];
/** Bit of a keyword; every keyword the rules test is registered here when the module loads. */
function keywordBit(word: string): number {
  let index = KEYWORDS.indexOf(word);
  if (index < 0) {
    index = KEYWORDS.push(word) - 1;
    if (index >= 32) throw new Error('narrative: more than 32 keywords');
    const first = word.charCodeAt(0);
    let group = KEYWORD_BY_FIRST[first] as number;
    if (group === 0) {
      KEYWORD_GROUPS.push([]);
      group = KEYWORD_GROUPS.length;
      KEYWORD_BY_FIRST[first] = group;
    }
    (KEYWORD_GROUPS[group - 1] as Keyword[]).push({ word, bit: 1 << index, second: word.charCodeAt(1) });
  }
  return 1 << index;
}
/** First character → 1 + index of its group in KEYWORD_GROUPS (0: no keyword starts with it). */
const KEYWORD_BY_FIRST = new Uint8Array(0x10000);
const KEYWORD_GROUPS: Keyword[][] = [];

/** A character class of every keyword's first character, made again if a keyword was added since. */
let keywordStartsOf: { groups: number; pattern: RegExp } | null = null;
function keywordStarts(): RegExp {
  if (keywordStartsOf?.groups !== KEYWORD_GROUPS.length) {
    const firsts = KEYWORD_GROUPS.map((group) => (group[0] as Keyword).word[0] as string);
    const escaped = firsts.map((first) => first.replace(/[\\\]^-]/g, '\\$&')).join('');
    keywordStartsOf = { groups: KEYWORD_GROUPS.length, pattern: new RegExp(`[${escaped}]`, 'g') };
  }
  return keywordStartsOf.pattern;
}

function rowTotal(report: AnnualReport, row: ApplicationRowId): number | null {
  return report.applications?.[row]?.total?.value ?? null;
}

const ROWS_BY_PREFIX = new Map<string, ApplicationRowId[]>();
for (const row of [...APPLICATION_ROWS_2021, 'otherHandling'] as ApplicationRowId[]) {
  const prefix = row.split('.')[0] as string;
  ROWS_BY_PREFIX.set(prefix, [...(ROWS_BY_PREFIX.get(prefix) ?? []), row]);
}

/** Σ 总计 over the rows of one outcome group (（三） 1–8 …); null when a needed cell is unknown. */
function rowsTotal(report: AnnualReport, prefix: string): number | null {
  const table = report.applications;
  if (!table) return null;
  let sum = 0;
  let present = 0;
  for (const row of ROWS_BY_PREFIX.get(prefix) ?? []) {
    const cells = table[row];
    if (cells === undefined) continue;
    const value = cells.total?.value;
    if (value === null || value === undefined) return null;
    sum += value;
    present++;
  }
  return present === 0 ? null : sum;
}

function groupTotal(report: AnnualReport, groups: ReviewGroupId[]): number | null {
  let sum = 0;
  for (const group of groups) {
    const value = report.reviews?.[group]?.total?.value;
    if (value === null || value === undefined) return null;
    sum += value;
  }
  return sum;
}

interface StatedFact {
  id: string;
  /** A word every match contains: lines without it are skipped before any regex runs. */
  keyword: string;
  /** What the text talks about, in the official's words. */
  label: string;
  pattern: RegExp;
  /** Table values the stated number may legitimately equal (first is the one quoted); null when unknown. */
  tableValues: (report: AnnualReport) => number[] | null;
  where: FindingLocation;
  /** Rejects a match whose gap shows it is about something else. */
  accept?: (gap: string, before: string) => boolean;
  /** The match states zero in words (未收到…申请): it has no number group. */
  zero?: true;
  /** Further words of which a matching line holds at least one (the negations of a "none" fact). */
  anyOf?: string[];
}

/** A count in the text: Arabic, full-width or Chinese numerals (see chinese-numerals.ts). */
const N = NUMERAL_GROUP;
/** Arabic and full-width digits, for the gaps between a keyword and its count. */
const ARABIC = '0-9０-９';

function count(source: string): RegExp {
  return new RegExp(source, 'g');
}

/** What may follow "未发生…行政复议/行政诉讼" for it to mean no cases at all (not 未发生行政复议纠错). */
const CASES_END = '(?=$|[。，,；;、：:！？!?）)\\s]|案|和|及|与|或|情况|事件|申请|等)';

/** Time words just before a "none" statement that limit it to part of the year (上半年未收到…). */
const PART_OF_YEAR = /半年|季度|月|此前|以前|以来|目前|往年|历年|近年|上年|去年/;

/** The outcome categories of table 三 as the text names them, with the rows each one sums. */
const CATEGORY_PREFIX: Record<string, string> = {
  予以公开: 'granted',
  部分公开: 'partlyGranted',
  不予公开: 'withheld',
  无法提供: 'unavailable',
  不予处理: 'notProcessed',
  其他处理: 'otherHandling',
};
const CATEGORY = `(?:${Object.keys(CATEGORY_PREFIX).join('|')})`;
/** How the text joins categories into one count: 予以公开及部分公开, 不予公开、无法提供, 予以公开和部分公开. */
const JOIN = '(?:以及|[和及与、])';
/** Not the last category of a combined statement ("予以公开及部分公开 5 件" is no statement about 部分公开 alone). */
const NOT_COMBINED = `(?<!${CATEGORY}${JOIN})`;

const OUTCOME_FACTS: StatedFact[] = [
  {
    id: 'granted',
    keyword: '予以公开',
    label: '予以公开',
    pattern: count(String.raw`(?<!不)予以公开\s*(?:的)?\s*${N}\s*件`),
    tableValues: (report) => nullable(rowTotal(report, 'granted')),
    where: { section: '三', row: '三（一）予以公开', column: '总计' },
  },
  {
    id: 'partlyGranted',
    keyword: '部分公开',
    label: '部分公开',
    pattern: count(String.raw`${NOT_COMBINED}部分公开\s*${N}\s*件`),
    tableValues: (report) => nullable(rowTotal(report, 'partlyGranted')),
    where: { section: '三', row: '三（二）部分公开', column: '总计' },
  },
  {
    id: 'withheld',
    keyword: '不予公开',
    label: '不予公开',
    pattern: count(String.raw`${NOT_COMBINED}不予公开\s*${N}\s*件`),
    tableValues: (report) => nullable(rowsTotal(report, 'withheld')),
    where: { section: '三', row: '三（三）不予公开', column: '总计' },
  },
  {
    id: 'unavailable',
    keyword: '无法提供',
    label: '无法提供',
    pattern: count(String.raw`${NOT_COMBINED}无法提供\s*${N}\s*件`),
    tableValues: (report) => nullable(rowsTotal(report, 'unavailable')),
    where: { section: '三', row: '三（四）无法提供', column: '总计' },
  },
  {
    id: 'notProcessed',
    keyword: '不予处理',
    label: '不予处理',
    pattern: count(String.raw`${NOT_COMBINED}不予处理\s*${N}\s*件`),
    tableValues: (report) => nullable(rowsTotal(report, 'notProcessed')),
    where: { section: '三', row: '三（五）不予处理', column: '总计' },
  },
  {
    id: 'otherHandling',
    keyword: '其他处理',
    label: '其他处理',
    pattern: count(String.raw`${NOT_COMBINED}其他处理\s*${N}\s*件`),
    tableValues: (report) => nullable(rowsTotal(report, 'otherHandling')),
    where: { section: '三', row: '三（六）其他处理', column: '总计' },
  },
];

const CARRIED_OVER: StatedFact = {
  id: 'carriedOver',
  keyword: '结转下',
  label: '结转下年度继续办理',
  pattern: count(String.raw`结转下一?年度?(?:继续办理)?\s*${N}\s*件`),
  tableValues: (report) => nullable(rowTotal(report, 'carriedOver')),
  where: { section: '三', row: '四、结转下年度继续办理', column: '总计' },
};

const RECEIVED: StatedFact = {
  id: 'received',
  keyword: '件',
  label: '收到（受理）的政府信息公开申请',
  pattern: count(String.raw`(?:受理|收到|接收|新收)([^。；，,${ARABIC}]{0,24}?)${N}\s*件`),
  // "受理" may or may not include last year's carry-over: accept both readings.
  tableValues: (report) => {
    const received = rowTotal(report, 'received');
    if (received === null) return null;
    const carriedIn = rowTotal(report, 'carriedIn');
    return carriedIn === null ? [received] : [received, received + carriedIn];
  },
  where: { section: '三', row: '一、本年新收政府信息公开申请数量', column: '总计' },
  accept: (gap, before) => /申请/.test(gap + before.slice(-12)) && !/复议|诉讼|举报|信访|来信|留言|咨询/.test(gap),
};

const STATED_FACTS: StatedFact[] = [
  RECEIVED,
  {
    id: 'receivedCount',
    keyword: '数量为',
    label: '收到的政府信息公开申请',
    pattern: count(String.raw`申请[^。；，,${ARABIC}]{0,12}?数量为\s*${N}\s*件?`),
    tableValues: RECEIVED.tableValues,
    where: RECEIVED.where,
  },
  {
    id: 'carriedIn',
    keyword: '上年',
    label: '上年结转',
    pattern: count(String.raw`上年度?结转[^。；，,${ARABIC}]{0,12}?${N}\s*件`),
    tableValues: (report) => nullable(rowTotal(report, 'carriedIn')),
    where: { section: '三', row: '二、上年结转政府信息公开申请数量', column: '总计' },
  },
  ...OUTCOME_FACTS,
  CARRIED_OVER,
  {
    id: 'review',
    keyword: '行政复议',
    label: '行政复议',
    pattern: count(String.raw`行政复议([^。；，,${ARABIC}]{0,8}?)${N}\s*[件起]`),
    tableValues: (report) => nullable(groupTotal(report, ['review'])),
    where: { section: '四', row: REVIEW_GROUP_LABELS.review, column: '总计' },
    accept: (gap) => !/诉讼|决定|维持|纠正/.test(gap),
  },
  {
    id: 'litigation',
    keyword: '行政诉讼',
    label: '行政诉讼',
    pattern: count(String.raw`行政诉讼([^。；，,${ARABIC}]{0,8}?)${N}\s*[件起]`),
    tableValues: (report) => nullable(groupTotal(report, ['litigationDirect', 'litigationAfterReview'])),
    where: { section: '四', row: '行政诉讼', column: '总计' },
    accept: (gap) => !/复议|判决|维持|纠正/.test(gap),
  },
];

// "None" stated in words. Each gap must be one of a few plain fillers: "未收到法人或其他组织的申请" or
// "未收到以邮寄方式提交的申请" speak of one column or channel, not the total, and are ignored.
STATED_FACTS.push(
  {
    id: 'receivedNone',
    keyword: '申请',
    label: RECEIVED.label,
    pattern: count(
      `(?:(?:未|没有)(?:收到|受理|接到|接收|新收)过?(?:任何)?([^。；，,：:！？!?${ARABIC}]{0,12}?)申请(?![人答书表材])|(?<!有)无(?:任何)?(?:政府信息公开的?申请|依申请公开的?(?:申请|事项|情况)))`,
    ),
    tableValues: RECEIVED.tableValues,
    where: RECEIVED.where,
    accept: (gap, before) =>
      /^(?:新的?)?(?:政府信息公开|信息公开|公开|依)?的?$/.test(gap) && !PART_OF_YEAR.test(before.slice(-8)),
    zero: true,
    anyOf: ['未', '没有', '无'],
  },
  {
    id: 'reviewNone',
    keyword: '行政复议',
    label: '行政复议',
    pattern: count(
      `(?:未|没有)(?:发生|收到|接到|产生|出现)过?(?:任何)?([^。；，,：:！？!?${ARABIC}]{0,16}?)行政复议${CASES_END}`,
    ),
    tableValues: (report) => nullable(groupTotal(report, ['review'])),
    where: { section: '四', row: REVIEW_GROUP_LABELS.review, column: '总计' },
    accept: (gap, before) => NONE_CASE_GAP.test(gap) && !PART_OF_YEAR.test(before.slice(-8)),
    zero: true,
    anyOf: ['未', '没有'],
  },
  {
    id: 'litigationNone',
    keyword: '行政诉讼',
    label: '行政诉讼',
    pattern: count(
      `(?:未|没有)(?:发生|收到|接到|产生|出现)过?(?:任何)?([^。；，,：:！？!?${ARABIC}]{0,16}?)行政诉讼${CASES_END}`,
    ),
    tableValues: (report) => nullable(groupTotal(report, ['litigationDirect', 'litigationAfterReview'])),
    where: { section: '四', row: '行政诉讼', column: '总计' },
    accept: (gap, before) =>
      NONE_CASE_GAP.test(gap.replace(/^(.*)行政复议[和及与或、]?$/, '$1')) && !PART_OF_YEAR.test(before.slice(-8)),
    zero: true,
    anyOf: ['未', '没有'],
  },
);

const PIECE = keywordBit('件');
/** Lines that can state a count: 件, 起 or 数量为, or "none" in words (未, 没有, 无). */
const MISMATCH_LINE =
  PIECE | keywordBit('起') | keywordBit('数量为') | keywordBit('未') | keywordBit('没有') | keywordBit('无');
const ENUMERATION_LINE = keywordBit('其中');
const SHARE_LINE = PIECE | keywordBit('占');
/** Per fact: its keyword's bit, and the bits of which it needs one (all bits when it has no anyOf). */
const FACT_MASKS = new Map<StatedFact, { keyword: number; anyOf: number }>(
  STATED_FACTS.map((fact) => [
    fact,
    {
      keyword: keywordBit(fact.keyword),
      anyOf: fact.anyOf ? fact.anyOf.reduce((bits, word) => bits | keywordBit(word), 0) : -1,
    },
  ]),
);

/** What may stand between "未发生" and 行政复议/行政诉讼 for the statement to be about all such cases. */
const NONE_CASE_GAP = /^(?:因|涉及)?(?:政府信息公开|信息公开)?(?:工作)?(?:引起|引发|方面)?的?$/;

function nullable(value: number | null): number[] | null {
  return value === null ? null : [value];
}

interface Match {
  value: number;
  index: number;
  raw: string;
}

/**
 * Matches of one fact in one line; the number is the last capture group. `mask`: the line's keyword bits
 * when known (narrative lines), else the keyword is searched for.
 */
function matchesOf(fact: StatedFact, text: string, mask?: number): Match[] {
  const out: Match[] = [];
  if (mask === undefined) {
    if (!text.includes(fact.keyword)) return out;
  } else {
    const bits = FACT_MASKS.get(fact) as { keyword: number; anyOf: number };
    if ((mask & bits.keyword) === 0 || (mask & bits.anyOf) === 0) return out;
  }
  for (const match of allMatches(fact.pattern, text)) {
    const gap = fact.zero || match.length > 2 ? (match[1] ?? '') : '';
    if (fact.accept && !fact.accept(gap, text.slice(0, match.index))) continue;
    if (fact.zero) {
      out.push({ value: 0, index: match.index, raw: match[0] });
      continue;
    }
    const raw = match[match.length - 1] as string;
    // The count is the last group: only blanks and the unit follow it.
    const end = match.index + match[0].length;
    const value = countAt(text, match.index + match[0].lastIndexOf(raw), raw, end);
    if (value !== null) out.push({ value, index: match.index, raw: match[0] });
  }
  return out;
}

/** Provenance of a stated number: its line in report.text, found by position of the quoted words. */
function at(report: AnnualReport, line: NarrativeLine, raw: string): FindingLocation['at'] {
  if (line.line !== undefined) return { line: line.line, raw };
  const index = report.text.indexOf(raw);
  if (index < 0) return { raw };
  let lineNumber = 1;
  for (let i = report.text.indexOf('\n'); i !== -1 && i < index; i = report.text.indexOf('\n', i + 1)) lineNumber++;
  return { line: lineNumber, raw };
}

/**
 * "予以公开及部分公开 5 件", "不予公开、无法提供共 3 件": one count for two or three categories, checked against the
 * sum of their rows. "分别为" (one count each) never matches: the count must follow the categories directly.
 */
const COMBINED = count(
  String.raw`(${CATEGORY})${JOIN}(${CATEGORY})(?:${JOIN}(${CATEGORY}))?(?:的|类)?(?:申请)?(?:共计|共|合计|均为)?\s*${N}\s*件`,
);

function combinedMismatches(report: AnnualReport, line: NarrativeLine, seen: Set<string>): Finding[] {
  const findings: Finding[] = [];
  for (const match of allMatches(COMBINED, line.text)) {
    const categories = [match[1], match[2], match[3]].filter((c): c is string => c !== undefined);
    if (new Set(categories).size !== categories.length) continue;
    const raw = match[4] as string;
    const end = match.index + match[0].length;
    const stated = countAt(line.text, match.index + match[0].lastIndexOf(raw), raw, end);
    if (stated === null) continue;
    let sum = 0;
    for (const category of categories) {
      const prefix = CATEGORY_PREFIX[category] as string;
      const value =
        prefix === 'granted' || prefix === 'partlyGranted' ? rowTotal(report, prefix) : rowsTotal(report, prefix);
      if (value === null) {
        sum = Number.NaN;
        break;
      }
      sum += value;
    }
    if (Number.isNaN(sum) || sum === stated) continue;
    const label = categories.join('、');
    const key = `combined|${label}|${stated}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const where: FindingLocation = {
      section: '三',
      row: `三（${categories.map(categoryNumber).join('）+（')}）${label}`,
      column: '总计',
    };
    findings.push({
      rule: 'narrative.mismatch',
      severity: 'warning',
      message: `正文称“${match[0].trim()}”，但表三${categories.map((c) => `“${c}”`).join('与')}的总计合计为 ${formatNumber(sum)}。文字与表格应一致，请核对哪一处有误并更正。`,
      location: where,
      cells: [where, { section: '三', at: at(report, line, match[0]) }],
      expected: sum,
      actual: stated,
    });
  }
  return findings;
}

function categoryNumber(category: string): string {
  return ['一', '二', '三', '四', '五', '六'][Object.keys(CATEGORY_PREFIX).indexOf(category)] as string;
}

/** "N 件，占 P%" in a line about applications: a share of the year's applications. */
const SHARE = count(
  String.raw`${N}\s*件[，,]?\s*(?:占|占比为?|占总数的?|占全部申请的?|占申请总数的?)\s*([0-9０-９]{1,3}(?:[.．][0-9０-９]{1,4})?)\s*[%％]`,
);

/** What narrative.share says about itself (rules.html, the evaluation's defect titles). */
export const NARRATIVE_SHARE_INFO: RuleInfo = {
  id: 'narrative.share',
  severity: 'warning',
  title: '正文百分比与件数不符',
  description:
    '正文“N 件，占 P%”所写比例应等于 N 占本年申请数（新收、新收加上年结转、或办理结果总计，或同句所写的总数）的比例，按所写位数四舍五入后核对。',
  example: '共收到申请 44 件，其中“网络申请 39 件，占 80.6%”，而 39÷44＝88.6%。',
};

/**
 * narrative.share: "网络申请 39 件，占 88.6%": the share must be the count over the year's applications
 * (新收, 新收＋上年结转, or 办理结果总计 — reports use each), within the rounding of the printed digits.
 */
export const narrativeShare: Rule = (report) => {
  const bases = [
    rowTotal(report, 'received'),
    sumOrNull(rowTotal(report, 'received'), rowTotal(report, 'carriedIn')),
    rowTotal(report, 'outcomeTotal'),
  ].filter((base): base is number => base !== null && base > 0);
  const findings: Finding[] = [];
  const lines = narrativeLines(report);
  const masks = lineKeywords(report, lines);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as NarrativeLine;
    if (((masks[index] as number) & SHARE_LINE) !== SHARE_LINE || !line.text.includes('申请')) continue;
    // A total stated in the same sentence ("共收到申请 44 件") is a base too.
    const statedTotal = matchesOf(RECEIVED, line.text)[0]?.value;
    const candidates = statedTotal !== undefined && statedTotal > 0 ? [...bases, statedTotal] : bases;
    if (candidates.length === 0) continue;
    for (const match of allMatches(SHARE, line.text)) {
      const raw = match[1] as string;
      const value = countAt(line.text, match.index + match[0].indexOf(raw), raw, match.index + match[0].length);
      if (value === null) continue;
      const printed = (match[2] as string).replace(/[０-９．]/g, (ch) =>
        ch === '．' ? '.' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
      );
      const percent = Number(printed);
      const decimals = printed.includes('.') ? (printed.split('.')[1] as string).length : 0;
      // One unit of the last printed digit: rounding (half a unit) and reports that truncate instead.
      const tolerance = 10 ** -decimals + 1e-9;
      if (candidates.some((base) => Math.abs((value / base) * 100 - percent) <= tolerance)) continue;
      const base = candidates[0] as number;
      const actualShare = Math.round((value / base) * 1000) / 10;
      findings.push({
        rule: 'narrative.share',
        severity: 'warning',
        message: `正文称“${match[0].trim()}”，但 ${value} 件占本年申请（${base} 件）的 ${actualShare}%，与所写比例不符（已考虑四舍五入）。请核对件数或百分比。`,
        location: {
          section: '三',
          row: '一、本年新收政府信息公开申请数量',
          column: '总计',
          at: at(report, line, match[0]),
        },
        expected: actualShare,
        actual: percent,
      });
    }
  }
  return findings;
};

function sumOrNull(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

/** What narrative.mismatch says about itself (rules.html, the evaluation's defect titles). */
export const NARRATIVE_MISMATCH_INFO: RuleInfo = {
  id: 'narrative.mismatch',
  severity: 'warning',
  title: '正文数字与表格不符',
  description:
    '正文（多在总体情况中）写明的申请、办理结果、复议诉讼件数与表三、表四不一致；合写的几类（“予以公开及部分公开 N 件”“不予公开、无法提供共 N 件”）按这几行之和核对；数字可为阿拉伯数字、全角数字或汉字数字（如“十一件”“两件”），“未收到政府信息公开申请”按 0 件核对。',
  example: '正文称“予以公开 258 件”，表三“（一）予以公开”总计为 275。',
};

/** narrative.mismatch: a count stated in the text that the table contradicts. */
export const narrativeMismatch: Rule = (report) => {
  if (!report.applications && !report.reviews) return [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const lines = narrativeLines(report);
  const masks = lineKeywords(report, lines);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as NarrativeLine;
    const mask = masks[index] as number;
    if ((mask & MISMATCH_LINE) === 0) continue;
    if ((mask & PIECE) !== 0) findings.push(...combinedMismatches(report, line, seen));
    for (const fact of STATED_FACTS) {
      for (const match of matchesOf(fact, line.text, mask)) {
        const values = fact.tableValues(report);
        if (!values || values.some((value) => value === match.value)) continue;
        const key = `${fact.id}|${match.value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push({
          rule: 'narrative.mismatch',
          severity: 'warning',
          message: `正文称“${match.raw.trim()}”，但表${fact.where.section}“${fact.where.row}”总计为 ${formatNumber(values[0] as number)}。文字与表格应一致，请核对哪一处有误并更正。`,
          location: { ...fact.where },
          cells: [{ ...fact.where }, { section: fact.where.section, at: at(report, line, match.raw) }],
          expected: values[0] as number,
          actual: match.value,
        });
      }
    }
  }
  return findings;
};

// "共/累计 23 次，其中 A 2 次，B 1 次…" — the unit must repeat for the items.
// `d`: the total's position is needed to check what surrounds it (第二十条 is no total).
const ENUMERATION = new RegExp(
  String.raw`(?:共|累计|合计|总计|总共)[^。；，,${ARABIC}]{0,20}?${N}\s*(次|条|件|篇|个|项|期|份|场|批)[，,：:\s]{0,3}其中([^。；;]{1,400})`,
  'dg',
);
const PARENTHESISED = /[（(][^（）()]{0,80}[）)]/g;
const ITEM_PATTERNS = new Map<string, RegExp>();

/** "N 次" items of an enumeration, for the unit of its total (one compiled regex per unit). */
function itemPattern(unit: string): RegExp {
  let pattern = ITEM_PATTERNS.get(unit);
  if (!pattern) {
    pattern = new RegExp(`${N}\\s*${unit}`, 'g');
    ITEM_PATTERNS.set(unit, pattern);
  }
  return pattern;
}

/** What narrative.sum says about itself (rules.html, the evaluation's defect titles). */
export const NARRATIVE_SUM_INFO: RuleInfo = {
  id: 'narrative.sum',
  severity: 'warning',
  title: '正文列举各项之和与总数不符',
  description: '正文“共 N …，其中 …”列举的各项之和不等于 N；或受理数与所列办理结果、结转数对不上。',
  example: '“累计公开信息 23 次，其中 … 2 次、1 次、11 次、1 次、3 次、1 次、5 次”合计 24 次。',
};

/** narrative.sum: an enumeration that does not add up to its stated total, including 受理 N 件 vs 办理结果. */
export const narrativeSum: Rule = (report) => {
  const findings: Finding[] = [];
  const lines = narrativeLines(report);
  const masks = lineKeywords(report, lines);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as NarrativeLine;
    if (((masks[index] as number) & ENUMERATION_LINE) === 0) continue;
    for (const match of allMatches(ENUMERATION, line.text)) {
      const unit = match[2] as string;
      const total = countAt(line.text, match.indices?.[1]?.[0] ?? 0, match[1] as string, match.indices?.[2]?.[1] ?? 0);
      if (total === null) continue;
      const clause = (match[3] as string).replace(PARENTHESISED, '');
      const items: number[] = [];
      for (const item of allMatches(itemPattern(unit), clause)) {
        const value = countAt(clause, item.index, item[1] as string, item.index + item[0].length);
        if (value !== null) items.push(value);
      }
      if (items.length < 2) continue;
      const sum = items.reduce((a, b) => a + b, 0);
      // A shortfall is fine when the list says it is partial ("等"); an excess never is.
      if (sum === total || (sum < total && /等/.test(clause))) continue;
      findings.push({
        rule: 'narrative.sum',
        severity: 'warning',
        message: `正文称共 ${total} ${unit}，但“其中”列举的各项合计为 ${items.join('+')}＝${sum} ${unit}，两者不符。请核对总数或各分项。`,
        location: { at: at(report, line, match[0].slice(0, 120)) },
        expected: total,
        actual: sum,
      });
    }
  }
  findings.push(...receivedVersusOutcomes(report, lines, masks));
  return findings;
};

/**
 * "受理 99 件，办理结果为：予以公开 46 件…；结转下年度继续办理 1 件": the stated outcomes plus the stated
 * carry-over must account for what was received (with or without last year's carry-in).
 */
function receivedVersusOutcomes(report: AnnualReport, lines: NarrativeLine[], masks: number[]): Finding[] {
  for (const [index, line] of lines.entries()) {
    const mask = masks[index] as number;
    if ((mask & PIECE) === 0) continue;
    const received = matchesOf(RECEIVED, line.text, mask)[0];
    if (!received) continue;
    // The outcomes usually follow in the same paragraph, sometimes in the next line.
    const window = `${line.text.slice(received.index)}\n${lines[index + 1]?.text ?? ''}`;
    const stated = OUTCOME_FACTS.map((fact) => matchesOf(fact, window)[0]?.value).filter(
      (value): value is number => value !== undefined,
    );
    if (stated.length < 2) continue;
    const outcomes = stated.reduce((a, b) => a + b, 0);
    const carriedOver = matchesOf(CARRIED_OVER, window)[0]?.value ?? rowTotal(report, 'carriedOver') ?? 0;
    const carriedIn = rowTotal(report, 'carriedIn') ?? 0;
    const n = received.value;
    const consistent = [outcomes, outcomes + carriedOver, outcomes + carriedOver - carriedIn].includes(n);
    if (consistent) return [];
    return [
      {
        rule: 'narrative.sum',
        severity: 'warning',
        message: `正文称受理政府信息公开申请 ${n} 件，但列举的办理结果合计 ${outcomes} 件、结转下年度 ${carriedOver} 件，合计 ${outcomes + carriedOver} 件，与受理数不符。请核对正文中的各项数字。`,
        location: { section: '一', at: at(report, line, received.raw) },
        expected: n,
        actual: outcomes + carriedOver,
      },
    ];
  }
  return [];
}

export const NARRATIVE_RULES: Rule[] = [narrativeMismatch, narrativeSum, narrativeShare];

/** The rules of this module, described (rules/catalogue.ts gathers every module's). */
export const NARRATIVE_RULE_INFO: RuleInfo[] = [NARRATIVE_MISMATCH_INFO, NARRATIVE_SHARE_INFO, NARRATIVE_SUM_INFO];
