import type { SectionId } from './model.ts';
import { SECTION_IDS } from './model.ts';

/**
 * Words a section heading must contain, so that table row labels such as "一、本年新收政府信息公开申请数量"
 * or "四、结转下年度继续办理" are never taken for section headings. Real-world variants from TEMPLATE.md
 * ("因政府信息公开工作被申请行政复议和提起行政诉讼情况", "存在问题及改进情况") all contain one of them.
 */
const HEADING_WORDS: Record<SectionId, readonly string[]> = {
  一: ['总体情况', '概述', '总体', '基本情况', '概况'],
  二: ['主动公开'],
  三: ['申请'],
  四: ['复议', '诉讼'],
  五: ['问题', '改进', '不足'],
  六: ['其他', '其它'],
};

const NUMERAL_INDEX: Record<string, number> = { 一: 0, 二: 1, 三: 2, 四: 3, 五: 4, 六: 5 };

/**
 * Index of the section numeral a line starts with (一 … 六), else undefined. By character code: indexing
 * `trimmed[0]` made a new one-character string for every line (V8 caches only Latin-1 ones), then hashed it.
 */
function leadingNumeral(trimmed: string): number | undefined {
  switch (trimmed.charCodeAt(0)) {
    case 0x4e00: // 一
      return 0;
    case 0x4e8c: // 二
      return 1;
    case 0x4e09: // 三
      return 2;
    case 0x56db: // 四
      return 3;
    case 0x4e94: // 五
      return 4;
    case 0x516d: // 六
      return 5;
    default:
      return undefined;
  }
}
/** Longer lines are prose (or a heading run together with prose: see splitRunOnHeading). */
export const MAX_HEADING_LENGTH = 60;

/**
 * Recognises a section heading line ("二、主动公开政府信息情况", "四．政府信息公开行政复议、行政诉讼情况").
 * `trimmed` must be one line without tabs. Returns the section id or null.
 */
export function matchSectionHeading(trimmed: string): SectionId | null {
  if (trimmed.length < 3 || trimmed.length > MAX_HEADING_LENGTH) return null;
  const index = leadingNumeral(trimmed);
  if (index === undefined) return null;
  let pos = 1;
  while (pos < trimmed.length && trimmed[pos] === ' ') pos++;
  const sep = trimmed[pos];
  if (sep !== '、' && sep !== '.' && sep !== '．' && sep !== '，' && sep !== ',') return null;
  // A heading is a title, not a sentence.
  if (trimmed.endsWith('。') || trimmed.endsWith('；')) return null;
  const id = SECTION_IDS[index] as SectionId;
  const rest = trimmed.slice(pos + 1);
  for (const word of HEADING_WORDS[id]) if (rest.includes(word)) return id;
  return null;
}

/** Position of a section in the template's order (0 for 一). */
export function sectionOrder(id: SectionId): number {
  return NUMERAL_INDEX[id] as number;
}

/** Template titles and their real-world variants, for headings run together with the first sentence. */
const FULL_TITLES: Record<SectionId, readonly string[]> = {
  一: ['总体情况', '基本情况'],
  二: ['主动公开政府信息情况'],
  三: ['收到和处理政府信息公开申请情况'],
  四: [
    '政府信息公开行政复议、行政诉讼情况',
    '因政府信息公开工作被申请行政复议和提起行政诉讼情况',
    '因政府信息公开工作被申请行政复议、提起行政诉讼情况',
    '政府信息公开行政复议和行政诉讼情况',
  ],
  五: ['存在的主要问题及改进情况', '政府信息公开工作存在的主要问题及改进情况', '存在问题及改进情况'],
  六: ['其他需要报告的事项'],
};

/**
 * A heading run together with the text after it ("一、总体情况2023年，我局…"), as PDF extraction and some
 * editors produce. Only the template's own titles are accepted here, so prose starting with "二、" is not.
 */
export function splitRunOnHeading(trimmed: string): { id: SectionId; heading: string; rest: string } | null {
  const index = leadingNumeral(trimmed);
  if (index === undefined) return null;
  let pos = 1;
  while (pos < trimmed.length && trimmed[pos] === ' ') pos++;
  const sep = trimmed[pos];
  if (sep !== '、' && sep !== '.' && sep !== '．') return null;
  const id = SECTION_IDS[index] as SectionId;
  let start = pos + 1;
  while (start < trimmed.length && trimmed[start] === ' ') start++;
  for (const title of FULL_TITLES[id]) {
    if (trimmed.startsWith(title, start)) {
      const end = start + title.length;
      return { id, heading: trimmed.slice(0, end), rest: trimmed.slice(end).replace(/^[\s：:。]+/, '') };
    }
  }
  return null;
}

/**
 * The template's section headings inside one run of text (a page with all text nodes joined), in order:
 * "一、总体情况" … "六、其他需要报告的事项", each after the previous one. Only the template's titles count.
 */
export function findTemplateHeadings(text: string): { id: SectionId; start: number; end: number }[] {
  const found: { id: SectionId; start: number; end: number }[] = [];
  let from = 0;
  for (const id of SECTION_IDS) {
    let best: { start: number; end: number } | null = null;
    for (const title of FULL_TITLES[id]) {
      const start = text.indexOf(`${id}、${title}`, from);
      if (start >= 0 && (best === null || start < best.start))
        best = { start, end: start + id.length + 1 + title.length };
    }
    if (best) {
      found.push({ id, ...best });
      from = best.end;
    }
  }
  return found;
}
