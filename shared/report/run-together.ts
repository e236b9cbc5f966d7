/**
 * Pages saved with all text nodes joined: paragraphs marked only by their 　　 indent, and table cells run
 * together with no separator ("一、本年新收政府信息公开申请数量4000004二、上年结转…"). Paragraphs are put back on
 * their own lines. A glued table is cut into cells only where the cut is certain: for table 三, exactly one
 * way of cutting every row's digits satisfies every relation of the template (row totals, （七）总计, the
 * balance); table 四's 15 digits, or a row of one value, cut one way only. Anything else is left unread with
 * one honest note ("cannot be separated reliably"), never guessed and never an arithmetic accusation.
 */
import type { ParseNote, SectionId } from './model.ts';
import { findTemplateHeadings } from './sections.ts';
import { ACTIVE_HEADER_WORDS, ACTIVE_ROW_WORDS } from './tables/active.ts';

const MIN_JOINED_CHARS = 2000;
/** Search nodes tried at most when cutting table 三 (bounded work on hostile input). */
const MAX_SEARCH = 200_000;
/** Longest digit run cut into cells (7 cells of at most 5 digits). */
const MAX_RUN = 40;

export interface RunTogether {
  lines: string[];
  notes: ParseNote[];
}

/** True when the text is a joined page: at most 10 lines, one of them long and holding 3+ section headings. */
export function isJoinedPage(text: string): boolean {
  if (text.length < MIN_JOINED_CHARS / 2) return false;
  const lines = text.split('\n', 11);
  if (lines.length > 10) return false;
  return lines.some((line) => line.length >= MIN_JOINED_CHARS / 2 && findTemplateHeadings(line).length >= 3);
}

/**
 * Splits a joined page at the template's section headings; prose becomes one line per paragraph (at its
 * 　 marks), and the bodies of 二, 三 and 四 (marks removed: they also fall between table cells) are cut
 * into rows where the cut is certain. A body of 四 that is a sentence stays prose (a report that wrote
 * "未发生…" instead of the table).
 */
export function splitJoinedPage(text: string): RunTogether {
  const notes: ParseNote[] = [];
  const lines: string[] = [];
  const prose = (part: string) => {
    for (const paragraph of part.split(/\u3000+/)) if (paragraph.trim().length > 0) lines.push(paragraph.trim());
  };
  for (const raw of text.split('\n')) {
    const headings = raw.length >= MIN_JOINED_CHARS / 2 ? findTemplateHeadings(raw) : [];
    if (headings.length === 0) {
      prose(raw);
      continue;
    }
    prose(raw.slice(0, (headings[0] as { start: number }).start));
    headings.forEach((heading, k) => {
      const bodyEnd = headings[k + 1]?.start ?? raw.length;
      lines.push(raw.slice(heading.start, heading.end));
      const body = raw.slice(heading.end, bodyEnd);
      // A table's words (its header or first row), and for 四 no sentence: "未发生…行政复议…案件。" is prose.
      const isTable =
        (heading.id === '二' && body.includes('第二十条')) ||
        (heading.id === '三' && body.includes('本年新收')) ||
        (heading.id === '四' && body.includes('结果维持') && !body.includes('。'));
      if (!isTable) {
        prose(body);
        return;
      }
      const table = cutTable(heading.id as '二' | '三' | '四', body.replace(/\u3000+/g, '').trim(), notes);
      if (table) lines.push(...table);
    });
  }
  return { lines, notes };
}

interface GluedRow {
  /** Label cells: a group label and an item label when an item number separated them. */
  labels: string[];
  digits: string;
}

/**
 * Alternating label and digit runs. A digit run followed by "." and a label ends with the next item's
 * number ("00000002.其他法律…": 0000000 and item 2); a decimal point between digits stays in the number.
 */
function gluedRows(text: string): GluedRow[] {
  const rows: GluedRow[] = [];
  let labels: string[] = [];
  let label = '';
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) {
      label += text[i];
      i++;
      continue;
    }
    let j = i;
    while (
      j < text.length &&
      (isDigit(text.charCodeAt(j)) || (text[j] === '.' && isDigit(text.charCodeAt(j + 1)) && j > i))
    )
      j++;
    let digits = text.slice(i, j);
    let item = '';
    if (text[j] === '.' || text[j] === '．') {
      // The last digit is the next row's item number (1–8).
      item = digits.slice(-1);
      digits = digits.slice(0, -1);
    }
    if (digits.length > 0) {
      if (label.trim().length > 0) labels.push(label.trim());
      rows.push({ labels, digits });
      labels = [];
      label = '';
    }
    if (item) {
      if (label.trim().length > 0) labels.push(label.trim());
      label = item;
    }
    i = j;
  }
  if (label.trim().length > 0) labels.push(label.trim());
  if (labels.length > 0) rows.push({ labels, digits: '' });
  return rows;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Search nodes one digit run may cost when cut into cells. */
const MAX_CUT_NODES = 100_000;

/**
 * Every way to cut `digits` into `parts` numbers without leading zeros that `keep` accepts, or null when the
 * answer is not known for sure: more than `limit` accepted cuts, or the search grew past MAX_CUT_NODES.
 * (A truncated list must never pass for a complete one: uniqueness is what makes a cut certain.)
 */
function cuts(digits: string, parts: number, limit: number, keep: (cut: number[]) => boolean): number[][] | null {
  const out: number[][] = [];
  if (digits.length < parts || digits.length > MAX_RUN || digits.includes('.')) return out;
  const current: number[] = [];
  let nodes = 0;
  let incomplete = false;
  const walk = (start: number) => {
    if (incomplete) return;
    if (++nodes > MAX_CUT_NODES || out.length > limit) {
      incomplete = true;
      return;
    }
    const left = parts - current.length;
    const remaining = digits.length - start;
    if (left === 0) {
      if (remaining === 0 && keep(current)) out.push(current.slice());
      return;
    }
    // Each cell has 1–6 digits: prune what cannot fill the remaining cells.
    if (remaining < left || remaining > 6 * left) return;
    for (let len = 1; len <= Math.min(6, remaining - (left - 1)); len++) {
      if (len > 1 && digits[start] === '0') break;
      current.push(Number(digits.slice(start, start + len)));
      walk(start + len);
      current.pop();
    }
  };
  walk(0);
  return incomplete ? null : out;
}

/** For tests: the cutter itself. */
export const cutsForTest = cuts;

/** Cuts a glued table into tab-separated rows when the cut is certain, else null with a note. */
function cutTable(section: '二' | '三' | '四', text: string, notes: ParseNote[]): string[] | null {
  const rows = gluedRows(text);
  if (section === '三') return cutApplications(rows, notes);
  if (section === '四') return cutReviews(rows, notes);
  return cutActive(rows, notes);
}

function cannotSeparate(section: SectionId, detail: string, notes: ParseNote[]): null {
  notes.push({ kind: 'cells-run-together', section, detail });
  return null;
}

function sampleOf(rows: GluedRow[]): string {
  const row = rows.find((r) => r.digits.length > 0);
  return row ? `${row.labels.join('')}${row.digits}`.slice(-40) : '';
}

/** Table 三: every row 7 values; the cut must satisfy every relation, and be the only one that does. */
function cutApplications(glued: GluedRow[], notes: ParseNote[]): string[] | null {
  // The header's words run into the first row's label: "…法律服务机构其他一、本年新收…".
  const rows = glued.flatMap((row): GluedRow[] => {
    const label = row.labels.join('');
    const cut = label.indexOf('一、本年新收');
    return cut > 0
      ? [
          { labels: [label.slice(0, cut)], digits: '' },
          { labels: [label.slice(cut)], digits: row.digits },
        ]
      : [row];
  });
  const data = rows.filter((row) => row.digits.length > 0);
  const kinds = data.map((row) => rowKind(row.labels.join('')));
  if (data.length < 20 || kinds.includes(null)) {
    return cannotSeparate(
      '三',
      `表三的单元格在文本中连在一起（如“${sampleOf(rows)}”），且行数或行标签与模板不符，无法可靠拆分`,
      notes,
    );
  }
  const rowTotalHolds = (c: number[]) => c.slice(0, 6).reduce((a, b) => a + b, 0) === c[6];
  const found = data.map((row) => cuts(row.digits, 7, 50, rowTotalHolds));
  if (found.some((list) => list === null)) {
    return cannotSeparate(
      '三',
      `表三的单元格在文本中连在一起（如“${sampleOf(rows)}”），可能的拆法过多，无法可靠拆分`,
      notes,
    );
  }
  const candidates = found as number[][][];
  if (candidates.some((list) => list.length === 0)) {
    return cannotSeparate(
      '三',
      `表三的单元格在文本中连在一起（如“${sampleOf(rows)}”），有的行无法拆成 7 个满足行合计的数（可能含空白单元格），无法可靠拆分`,
      notes,
    );
  }
  const solutions = solveApplications(kinds as RowKind[], candidates);
  if (solutions === null || solutions.length !== 1) {
    const why =
      solutions === null
        ? '可能的拆法过多'
        : solutions.length === 0
          ? '没有一种拆法能同时满足表中各项勾稽关系'
          : '有不止一种拆法都满足表中各项勾稽关系';
    return cannotSeparate('三', `表三的单元格在文本中连在一起（如“${sampleOf(rows)}”），${why}，无法可靠拆分`, notes);
  }
  const solution = solutions[0] as number[][];
  notes.push({
    kind: 'extraction-damage',
    section: '三',
    detail: '表三的单元格在文本中连在一起，已按表中各项勾稽关系唯一确定的方式拆分（只有这一种拆法成立）',
  });
  const out: string[] = [];
  let k = 0;
  for (const row of rows) {
    if (row.digits.length === 0) out.push(row.labels.join('\t'));
    else out.push([...row.labels, ...(solution[k++] as number[]).map(String)].join('\t'));
  }
  return out;
}

type RowKind = 'received' | 'carriedIn' | 'outcome' | 'outcomeTotal' | 'carriedOver';

function rowKind(label: string): RowKind | null {
  if (label.includes('本年新收')) return 'received';
  if (label.includes('上年结转')) return 'carriedIn';
  if (label.includes('结转下年')) return 'carriedOver';
  if (label.includes('总计')) return 'outcomeTotal';
  return label.length > 0 ? 'outcome' : null;
}

/** All cuts (up to 2) satisfying the column relations; null when the search is too large. */
function solveApplications(kinds: RowKind[], candidates: number[][][]): number[][][] | null {
  const solutions: number[][][] = [];
  const chosen: number[][] = [];
  let nodes = 0;
  let aborted = false;
  const walk = (index: number) => {
    if (aborted || solutions.length >= 2) return;
    if (++nodes > MAX_SEARCH) {
      aborted = true;
      return;
    }
    if (index === kinds.length) {
      if (columnsHold(kinds, chosen)) solutions.push(chosen.slice());
      return;
    }
    for (const candidate of candidates[index] as number[][]) {
      chosen.push(candidate);
      walk(index + 1);
      chosen.pop();
    }
  };
  walk(0);
  return aborted ? null : solutions;
}

function columnsHold(kinds: RowKind[], rows: number[][]): boolean {
  for (let c = 0; c < 7; c++) {
    let outcomes = 0;
    let received = 0;
    let carriedIn = 0;
    let total = Number.NaN;
    let carriedOver = 0;
    kinds.forEach((kind, r) => {
      const value = (rows[r] as number[])[c] as number;
      if (kind === 'outcome') outcomes += value;
      else if (kind === 'received') received = value;
      else if (kind === 'carriedIn') carriedIn = value;
      else if (kind === 'outcomeTotal') total = value;
      else carriedOver = value;
    });
    if (outcomes !== total || received + carriedIn !== total + carriedOver) return false;
  }
  return true;
}

/** Table 四: one run of 15 values (3 groups × 5, each 4 results + 总计), cut one way only. */
function cutReviews(rows: GluedRow[], notes: ParseNote[]): string[] | null {
  const data = rows.filter((row) => row.digits.length > 0);
  if (data.length !== 1) return cannotSeparate('四', '表四的单元格在文本中连在一起，无法可靠拆分', notes);
  const row = data[0] as GluedRow;
  const groupsHold = (c: number[]) =>
    [0, 5, 10].every(
      (g) => (c[g] as number) + (c[g + 1] as number) + (c[g + 2] as number) + (c[g + 3] as number) === c[g + 4],
    );
  const valid = cuts(row.digits, 15, 1, groupsHold);
  if (valid === null || valid.length !== 1) {
    return cannotSeparate('四', `表四的单元格在文本中连在一起（“${row.digits}”），无法唯一拆分为 15 个数`, notes);
  }
  return [row.labels.join(''), (valid[0] as number[]).join('\t')];
}

const ITEM_HEADING = /^第二十条第[（(][一二三四五六七八九十]+[）)]项/;

/**
 * A glued section 二 label ("第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章") cut into its
 * lines: the item heading, the header cells, and the row's own name (last), by the template's words.
 */
function splitActiveLabel(label: string): { lines: string[]; row: string } {
  const lines: string[] = [];
  let rest = label;
  let header: string[] = [];
  const flushHeader = () => {
    if (header.length > 0) lines.push(header.join('\t'));
    header = [];
  };
  for (let guard = 0; rest.length > 0 && guard < 40; guard++) {
    const item = ITEM_HEADING.exec(rest);
    if (item) {
      flushHeader();
      lines.push(item[0]);
      rest = rest.slice(item[0].length);
      continue;
    }
    const word = [...ACTIVE_HEADER_WORDS, ...ACTIVE_ROW_WORDS]
      .filter((w) => rest.startsWith(w))
      .sort((x, y) => y.length - x.length)[0];
    if (!word) break;
    if (ACTIVE_ROW_WORDS.includes(word)) {
      flushHeader();
      if (rest.length === word.length) return { lines, row: word };
      // A row name straight after another: that row printed no value at all (07's blank 规章 row).
      lines.push(word);
      rest = rest.slice(word.length);
      continue;
    }
    header.push(word);
    rest = rest.slice(word.length);
  }
  flushHeader();
  if (rest.length > 0) return { lines, row: rest };
  const last = lines.pop() ?? '';
  return { lines, row: last };
}

/** Table 二: a row of one value is certain; a row of several values is not (see below). */
function cutActive(rows: GluedRow[], notes: ParseNote[]): string[] | null {
  const out: string[] = [];
  let unsure = 0;
  let sample = '';
  let columns = 1;
  for (const row of rows) {
    if (row.digits.length === 0) {
      out.push(row.labels.join('\t'));
      continue;
    }
    const split = splitActiveLabel(row.labels.join(''));
    out.push(...split.lines);
    const label = split.row;
    // As many values as the last header row has value columns (1 when no header was read).
    const header = [...split.lines].reverse().find((line) => line.startsWith('信息内容'));
    if (header) columns = Math.max(1, header.split('\t').length - 1);
    // A row of several values is never certain: its blank cells leave no trace in the glued digits (07's
    // 规章 row is blank), and no relation of the template checks a cut.
    if (columns === 1) out.push(`${label}\t${row.digits}`);
    else {
      // Left out: the note says so; a bare label would read as a row of blanks.
      unsure++;
      if (!sample) sample = `${label}${row.digits}`;
    }
  }
  if (unsure > 0) {
    notes.push({
      kind: 'cells-run-together',
      section: '二',
      detail: `表二有 ${unsure} 行的数字在文本中连在一起（如“${sample}”），无法唯一拆分，这些数字未读取`,
    });
  }
  return out;
}
