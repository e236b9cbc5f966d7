/**
 * Section 三: 收到和处理政府信息公开申请情况 (25 rows × 7 applicant columns in the 2021 layout).
 * Rows are matched by their label text, never by position, because extraction moves labels around
 * (seed 002 has "(三) 不予公开" on the row of item 4). Short rows are placed by header analysis and
 * arithmetic; a value is inferred only when arithmetic makes it certain, and every inference is noted.
 */
import {
  APPLICANT_COLUMN_LABELS,
  APPLICANT_COLUMNS,
  APPLICATION_ROWS_2021,
  type ApplicantColumnId,
  type ApplicationRow,
  type ApplicationRowId,
  type ApplicationTable,
  type Cell,
  type LabelDeviation,
  type ParseNote,
} from '../model.ts';
import { foldLabel } from '../normalize.ts';
import { hasData, type TableRow, type ValueToken } from '../rows.ts';

type Group = 'withheld' | 'unavailable' | 'notProcessed' | 'otherHandling';

/** Keyword → row, most specific first. Checked against the folded labels of a row. */
const ROW_KEYWORDS: readonly (readonly [readonly string[], ApplicationRowId])[] = [
  [['国家秘密'], 'withheld.1'],
  [['禁止公开'], 'withheld.2'],
  [['三安全一稳定', '危及'], 'withheld.3'],
  [['第三方'], 'withheld.4'],
  [['内部事务'], 'withheld.5'],
  [['过程性'], 'withheld.6'],
  [['执法案卷'], 'withheld.7'],
  [['查询事项'], 'withheld.8'],
  [['不掌握'], 'unavailable.1'],
  [['另行制作', '没有现成'], 'unavailable.2'],
  [['仍不明确', '补正后'], 'unavailable.3'],
  [['信访', '举报投诉'], 'notProcessed.1'],
  [['重复申请'], 'notProcessed.2'],
  [['出版物'], 'notProcessed.3'],
  [['大量反复'], 'notProcessed.4'],
  [['重新出具', '确认或'], 'notProcessed.5'],
  [['逾期不补正'], 'otherHandling.1'],
  [['收费通知', '缴纳费用'], 'otherHandling.2'],
  [['本年新收'], 'received'],
  [['上年结转'], 'carriedIn'],
  [['结转下年'], 'carriedOver'],
  [['部分公开'], 'partlyGranted'],
  [['予以公开'], 'granted'],
];

const GROUP_KEYWORDS: readonly (readonly [string, Group])[] = [
  ['不予公开', 'withheld'],
  ['无法提供', 'unavailable'],
  ['不予处理', 'notProcessed'],
  ['其他处理', 'otherHandling'],
  ['其它处理', 'otherHandling'],
];

const RANK = new Map<ApplicationRowId, number>(ROW_KEYWORDS.map(([, id], i) => [id, i]));

const GROUP_SIZE: Record<Group, number> = { withheld: 8, unavailable: 3, notProcessed: 5, otherHandling: 3 };

/**
 * The template's wording of each row's own label (folded), for label-deviation checks. Several forms are
 * accepted where the template itself is printed in short and long forms.
 */
const TEMPLATE_WORDING: Partial<Record<ApplicationRowId, readonly string[]>> = {
  received: ['本年新收政府信息公开申请数量'],
  carriedIn: ['上年结转政府信息公开申请数量'],
  granted: ['予以公开'],
  partlyGranted: ['部分公开（区分处理的，只计这一情形，不计其他情形）', '部分公开'],
  'withheld.1': ['属于国家秘密'],
  'withheld.2': ['其他法律行政法规禁止公开'],
  'withheld.3': ['危及三安全一稳定'],
  'withheld.4': ['保护第三方合法权益'],
  'withheld.5': ['属于三类内部事务信息'],
  'withheld.6': ['属于四类过程性信息'],
  'withheld.7': ['属于行政执法案卷'],
  'withheld.8': ['属于行政查询事项'],
  'unavailable.1': ['本机关不掌握相关政府信息'],
  'unavailable.2': ['没有现成信息需要另行制作'],
  'unavailable.3': ['补正后申请内容仍不明确'],
  'notProcessed.1': ['信访举报投诉类申请'],
  'notProcessed.2': ['重复申请'],
  'notProcessed.3': ['要求提供公开出版物'],
  'notProcessed.4': ['无正当理由大量反复申请'],
  'notProcessed.5': ['要求行政机关确认或重新出具已获取信息'],
  'otherHandling.1': ['申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请', '申请人无正当理由逾期不补正'],
  'otherHandling.2': [
    '申请人逾期未按收费通知要求缴纳费用，行政机关不再处理其政府信息公开申请',
    '申请人逾期未按收费通知要求缴纳费用',
  ],
};

const SUB_ITEM_NUMBER = /^(\d)[.）)]?/;
const MAX_LABEL_LENGTH = 80;
const COLUMN_COUNT = APPLICANT_COLUMNS.length;
const MIDDLE_COLUMNS: readonly ApplicantColumnId[] = ['business', 'research', 'nonprofit', 'legal', 'other'];

interface PendingRow {
  id: ApplicationRowId;
  values: ValueToken[];
  line: number;
}

/** Recognition result for the labels of one row. */
interface LabelMatch {
  id: ApplicationRowId | null;
  group: Group | null;
  /** The label cell that named the row (for deviation checks). */
  ownLabel: string | null;
}

interface LabelFacts {
  folded: string;
  id: ApplicationRowId | null;
  group: Group | null;
}

// Labels repeat from report to report (they are the template's): classify each distinct one once.
const MAX_CACHE = 4096;
const labelCache = new Map<string, LabelFacts>();
const wordingCache = new Map<ApplicationRowId, Map<string, boolean>>();

function labelFacts(label: string): LabelFacts {
  const cached = labelCache.get(label);
  if (cached) return cached;
  const folded = foldLabel(label);
  let group: Group | null = null;
  for (const [word, g] of GROUP_KEYWORDS) if (folded.includes(word)) group = g;
  let id: ApplicationRowId | null = null;
  search: for (const [words, candidate] of ROW_KEYWORDS) {
    for (const word of words) {
      if (folded.includes(word)) {
        id = candidate;
        break search;
      }
    }
  }
  const facts = { folded, id, group };
  if (labelCache.size < MAX_CACHE) labelCache.set(label, facts);
  return facts;
}

/** Matches the labels of a row to a row id of table 三. Exported for the HTML and test code. */
export function matchApplicationLabels(labels: readonly string[], context: Group | null): LabelMatch {
  let group: Group | null = null;
  let best: LabelFacts | null = null;
  let bestRank = ROW_KEYWORDS.length;
  for (const label of labels) {
    if (label.length > MAX_LABEL_LENGTH) continue;
    const facts = labelFacts(label);
    if (facts.group) group = facts.group;
    if (facts.id) {
      const rank = RANK.get(facts.id) as number;
      if (rank < bestRank) {
        bestRank = rank;
        best = facts;
      }
    }
  }
  if (best?.id) {
    const id = best.id;
    const g = id.includes('.') ? (id.slice(0, id.indexOf('.')) as Group) : group;
    return { id, group: g, ownLabel: best.folded };
  }
  const effective = group ?? context;
  // Most rows are named by a keyword (returned above): the folded labels are listed only for the rest.
  const folded: string[] = [];
  for (const label of labels) if (label.length <= MAX_LABEL_LENGTH) folded.push(labelFacts(label).folded);
  for (const f of folded) {
    const bare = f.replace(SUB_ITEM_NUMBER, '');
    if (bare === '其他' || bare === '其它') {
      if (effective === 'otherHandling' || f.startsWith('3'))
        return { id: 'otherHandling.3', group: 'otherHandling', ownLabel: f };
    }
    if (f.includes('总计') || f === '合计') return { id: 'outcomeTotal', group: null, ownLabel: f };
  }
  // Damaged sub-item text: fall back to the group and the item number.
  if (effective !== null) {
    for (const f of folded) {
      const m = SUB_ITEM_NUMBER.exec(f);
      if (m && !GROUP_KEYWORDS.some(([w]) => f.includes(w))) {
        const n = Number(m[1]);
        if (n >= 1 && n <= GROUP_SIZE[effective]) {
          return { id: `${effective}.${n}` as ApplicationRowId, group: effective, ownLabel: null };
        }
      }
    }
  }
  if (group === 'otherHandling') return { id: 'otherHandling', group, ownLabel: null };
  return { id: null, group, ownLabel: null };
}

/**
 * The table as one object literal holding every row id, in the template's order (undefined where the report
 * has no such row): every table then has the same shape, so each rule's `table.received` and `table[row]`
 * is a fast property load, where an object built key by key from the rows found took a shape per report
 * (or a hash table, past a dozen keys) and made those loads megamorphic. JSON drops the undefined rows.
 */
function tableOfRows(rows: ReadonlyMap<ApplicationRowId, ApplicationRow>): ApplicationTable {
  return {
    received: rows.get('received'),
    carriedIn: rows.get('carriedIn'),
    granted: rows.get('granted'),
    partlyGranted: rows.get('partlyGranted'),
    'withheld.1': rows.get('withheld.1'),
    'withheld.2': rows.get('withheld.2'),
    'withheld.3': rows.get('withheld.3'),
    'withheld.4': rows.get('withheld.4'),
    'withheld.5': rows.get('withheld.5'),
    'withheld.6': rows.get('withheld.6'),
    'withheld.7': rows.get('withheld.7'),
    'withheld.8': rows.get('withheld.8'),
    'unavailable.1': rows.get('unavailable.1'),
    'unavailable.2': rows.get('unavailable.2'),
    'unavailable.3': rows.get('unavailable.3'),
    'notProcessed.1': rows.get('notProcessed.1'),
    'notProcessed.2': rows.get('notProcessed.2'),
    'notProcessed.3': rows.get('notProcessed.3'),
    'notProcessed.4': rows.get('notProcessed.4'),
    'notProcessed.5': rows.get('notProcessed.5'),
    'otherHandling.1': rows.get('otherHandling.1'),
    'otherHandling.2': rows.get('otherHandling.2'),
    'otherHandling.3': rows.get('otherHandling.3'),
    otherHandling: rows.get('otherHandling'),
    outcomeTotal: rows.get('outcomeTotal'),
    carriedOver: rows.get('carriedOver'),
  } satisfies Record<ApplicationRowId, ApplicationRow | undefined>;
}

/** Header cells (folded) naming an applicant column: the template's names, and 其它 and 合计 as reports write them. */
const HEADER_COLUMN = new Map<string, ApplicantColumnId>([
  ...APPLICANT_COLUMNS.map((column): [string, ApplicantColumnId] => [APPLICANT_COLUMN_LABELS[column], column]),
  ['其它', 'other'],
  ['合计', 'total'],
]);

/** Reads table 三 row by row. `feed` returns true when the row belonged to the table. */
export class ApplicationsReader {
  /** The table read, set by finish(). */
  table: ApplicationTable = {};
  /**
   * The rows while the table is read, in document order. Not the table object itself: rows are keyed by
   * names known only at run time, and past 16 such keys V8 turns an object into a hash table (each
   * store and every rule's row lookup and for-in the slow way); finish() builds the object once.
   */
  private readonly rows = new Map<ApplicationRowId, ApplicationRow>();
  readonly notes: ParseNote[] = [];
  readonly deviations: LabelDeviation[] = [];
  /** Applicant columns named in the header rows. */
  private readonly headerColumns = new Set<ApplicantColumnId>();
  private headerDone = false;
  private group: Group | null = null;
  private pending: PendingRow | null = null;
  private readonly duplicates = new Set<ApplicationRowId>();
  private readonly emptyRows = new Set<ApplicationRowId>();
  /** Rows that lost one column the header does not explain, waiting for the arithmetic of the whole table. */
  private readonly deferred: PendingRow[] = [];
  rowsFound = 0;

  /** A row from section 三 (`inSection`) or a stray row elsewhere that might belong to the table. */
  feed(row: TableRow, inSection: boolean): boolean {
    let match = row.labels.length > 0 ? matchApplicationLabels(row.labels, this.group) : null;
    // "总计" in the header rows is a column, not the （七）总计 row.
    const data = hasData(row);
    // A bare "总计" without values is the header (also when a PDF repeats the header after a page break).
    if (match?.id === 'outcomeTotal' && !data && (!this.headerDone || match.ownLabel === '总计')) match = null;
    if (match?.id) {
      if (match.id === 'otherHandling' && !data) {
        this.group = 'otherHandling';
        this.flush();
        return true;
      }
      this.flush();
      this.headerDone = true;
      if (match.group) this.group = match.group;
      this.pending = { id: match.id, values: row.values.slice(), line: row.line };
      if (match.ownLabel) this.checkWording(match.id, match.ownLabel, row.line);
      return true;
    }
    if (!inSection) return false;
    if (!this.headerDone && row.labels.length > 0) {
      for (const label of row.labels) {
        const f = foldLabel(label);
        const column = HEADER_COLUMN.get(f);
        if (column) this.headerColumns.add(column);
      }
      return !data;
    }
    if (match?.group) this.group = match.group;
    // Values continuing a wrapped row, or a row whose label was lost in extraction.
    if (row.values.length > 0 && this.pending && this.pending.values.length < COLUMN_COUNT) {
      for (const v of row.values) if (this.pending.values.length < COLUMN_COUNT) this.pending.values.push(v);
      return true;
    }
    return row.labels.length === 0 || match?.group != null;
  }

  /** Ends the table: places the last row and checks what is missing. */
  finish(): void {
    this.flush();
    this.resolveDeferred();
    this.table = tableOfRows(this.rows);
    if (this.headerColumns.size >= 3) {
      for (const col of APPLICANT_COLUMNS) {
        if (!this.headerColumns.has(col) && this.rowsFound > 0) {
          this.notes.push({
            kind: 'column-missing',
            section: '三',
            column: APPLICANT_COLUMN_LABELS[col],
            detail: `表头缺少“${APPLICANT_COLUMN_LABELS[col]}”列（可能在提取时丢失）`,
          });
        }
      }
    }
  }

  private checkWording(id: ApplicationRowId, ownLabel: string, line: number): void {
    const expected = TEMPLATE_WORDING[id];
    if (!expected) return;
    let byLabel = wordingCache.get(id);
    if (!byLabel) {
      byLabel = new Map();
      wordingCache.set(id, byLabel);
    }
    let deviates = byLabel.get(ownLabel);
    if (deviates === undefined) {
      const found = hanOnly(ownLabel.replace(LEADING_NUMBERING, ''));
      // A group label and a sub-item in one cell (rowspan copy or moved label): only the sub-item counts.
      // Also accepted: the start of the wording, when a PDF wrapped the label over two lines.
      deviates =
        found.length > 0 &&
        !expected.some((e) => {
          const want = hanOnly(e);
          return found.endsWith(want) || (found.length >= 6 && want.startsWith(found));
        });
      if (byLabel.size < MAX_CACHE) byLabel.set(ownLabel, deviates);
    }
    if (!deviates) return;
    this.deviations.push({
      section: '三',
      expected: expected[0] as string,
      found: ownLabel,
      at: { line, raw: ownLabel },
    });
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    if (this.rows.has(pending.id) && this.emptyRows.has(pending.id) && pending.values.length > 0) {
      // A label seen before without values (e.g. a repeated header cell): the row with values wins.
      this.emptyRows.delete(pending.id);
      this.rowsFound--;
      for (let i = this.notes.length - 1; i >= 0; i--) {
        const note = this.notes[i] as ParseNote;
        if (note.row === pending.id && note.kind === 'row-unreadable') this.notes.splice(i, 1);
      }
    } else if (this.rows.has(pending.id)) {
      // One note per repeated row is enough; a hostile input can repeat a row without end.
      if (this.duplicates.has(pending.id)) return;
      this.duplicates.add(pending.id);
      this.notes.push({
        kind: 'extraction-damage',
        section: '三',
        row: pending.id,
        detail: '同一行在表中出现两次，仅采用第一次的数值',
        at: { line: pending.line, raw: '' },
      });
      return;
    }
    this.rowsFound++;
    if (pending.values.length === 0) this.emptyRows.add(pending.id);
    this.rows.set(pending.id, this.placeValues(pending));
  }

  /** Maps the values of one row to the seven columns, inferring only what arithmetic proves. */
  private placeValues(pending: PendingRow): ApplicationRow {
    const { id, line } = pending;
    let values = pending.values;
    const row: ApplicationRow = {};
    if (values.length === 0) {
      this.notes.push({
        kind: 'row-unreadable',
        section: '三',
        row: id,
        detail: '该行没有读到任何数值',
        at: { line, raw: '' },
      });
      return row;
    }
    if (values.length > COLUMN_COUNT) {
      // Empty label columns of an unmerged Word/HTML table come before the values: layout, not data.
      let extra = values.length - COLUMN_COUNT;
      let drop = 0;
      while (drop < extra && values[drop]?.blank && values[drop]?.at.raw === '') drop++;
      values = values.slice(drop);
      extra -= drop;
    }
    if (values.length > COLUMN_COUNT) {
      this.notes.push({
        kind: 'extraction-damage',
        section: '三',
        row: id,
        detail: `该行读到 ${values.length} 个数值（应为 ${COLUMN_COUNT} 个），仅采用最后 ${COLUMN_COUNT} 个`,
        at: { line, raw: '' },
      });
      values = values.slice(values.length - COLUMN_COUNT);
    }
    if (values.length === COLUMN_COUNT) {
      // The common case, as one literal (same key order as APPLICANT_COLUMNS): no keyed stores.
      return {
        natural: toCell(values[0] as ValueToken),
        business: toCell(values[1] as ValueToken),
        research: toCell(values[2] as ValueToken),
        nonprofit: toCell(values[3] as ValueToken),
        legal: toCell(values[4] as ValueToken),
        other: toCell(values[5] as ValueToken),
        total: toCell(values[6] as ValueToken),
      };
    }
    const headerKnown = this.headerColumns.size >= 3;
    const present = headerKnown
      ? APPLICANT_COLUMNS.filter((c) => this.headerColumns.has(c))
      : APPLICANT_COLUMNS.slice();
    const headerMissing = APPLICANT_COLUMNS.filter((c) => !present.includes(c));
    if (values.length === present.length) {
      present.forEach((col, i) => {
        row[col] = toCell(values[i] as ValueToken);
      });
      for (const col of headerMissing) this.noteMissing(id, col, line, '表头与该行均缺少此列');
      this.inferMissing(row, headerMissing, id, line, headerMissing.length === 1);
      return row;
    }
    // More columns lost than the header explains: 自然人 first and 总计 last are anchored,
    // the values in between cannot be placed unless they are all zero and the row already balances.
    const first = values[0] as ValueToken;
    const last = values[values.length - 1] as ValueToken;
    const middle = values.length >= 2 ? values.slice(1, -1) : [];
    row.natural = toCell(first);
    if (values.length >= 2) row.total = toCell(last);
    const lost = COLUMN_COUNT - values.length;
    if (lost === 1 && !headerMissing.some((c) => MIDDLE_COLUMNS.includes(c))) {
      // One column lost and the header does not say which: decided in finish() by the table's arithmetic.
      for (const col of MIDDLE_COLUMNS) row[col] = { value: null, at: { line, raw: '' } };
      this.deferred.push({ id, values, line });
      return row;
    }
    for (const col of headerMissing)
      if (MIDDLE_COLUMNS.includes(col)) this.noteMissing(id, col, line, '表头与该行均缺少此列');
    const unexplained = lost - headerMissing.filter((c) => MIDDLE_COLUMNS.includes(c)).length;
    if (unexplained > 0) {
      this.notes.push({
        kind: 'column-missing',
        section: '三',
        row: id,
        detail: `该行比表头少 ${unexplained} 个数值，无法确定缺失的是哪一列`,
        at: { line, raw: '' },
      });
    }
    const allZero = middle.every((v) => v.value === 0);
    const known = [first, last, ...middle].every((v) => v.value !== null);
    if (values.length >= 2 && known && allZero && first.value === last.value) {
      // Every applicant column is ≥ 0 and they already sum to 总计: all other columns are 0 wherever they sit.
      const readable = MIDDLE_COLUMNS.filter((c) => !headerMissing.includes(c));
      MIDDLE_COLUMNS.forEach((col) => {
        const k = readable.indexOf(col);
        const token = k >= 0 && k < middle.length ? middle[k] : undefined;
        row[col] = token ? toCell(token) : { value: 0, inferred: true, at: { line, raw: '' } };
        if (!token) {
          this.notes.push({
            kind: 'value-inferred',
            section: '三',
            row: id,
            column: APPLICANT_COLUMN_LABELS[col],
            detail: `推定为 0：其余各列之和已等于总计 ${last.value}，且数值不能为负`,
            at: { line, raw: '' },
          });
        }
      });
    } else {
      for (const col of MIDDLE_COLUMNS) row[col] = { value: null, at: { line, raw: '' } };
      this.notes.push({
        kind: 'row-unreadable',
        section: '三',
        row: id,
        detail: '缺列后中间各列数值无法对应到具体列，按未知处理',
        at: { line, raw: '' },
      });
    }
    return row;
  }

  /**
   * Tries each middle column as the lost one in every deferred row (the same column, as extraction loses
   * a column, not random cells), fills it from the row total, and keeps the hypothesis only if it is the
   * one placement under which the column relations (一 + 二 = （七）+ 四, （七） = Σ items) hold.
   */
  private resolveDeferred(): void {
    if (this.deferred.length === 0) return;
    const solutions: { column: ApplicantColumnId; rows: Map<ApplicationRowId, ApplicationRow> }[] = [];
    for (const column of MIDDLE_COLUMNS) {
      const rows = new Map<ApplicationRowId, ApplicationRow>();
      let possible = true;
      for (const d of this.deferred) {
        const placed = placeWithLostColumn(d, column);
        if (!placed) {
          possible = false;
          break;
        }
        rows.set(d.id, placed);
      }
      if (possible && this.relationsHold(rows)) solutions.push({ column, rows });
    }
    const fingerprint = (rows: Map<ApplicationRowId, ApplicationRow>) =>
      [...rows.values()].map((r) => MIDDLE_COLUMNS.map((c) => r[c]?.value).join(',')).join(';');
    const unique =
      solutions.length > 0 &&
      solutions.every((x) => fingerprint(x.rows) === fingerprint((solutions[0] as (typeof solutions)[number]).rows));
    if (!unique) {
      for (const d of this.deferred) {
        this.notes.push({
          kind: 'column-missing',
          section: '三',
          row: d.id,
          detail: '该行比表头少 1 个数值，表头和勾稽关系都无法确定缺失的是哪一列',
          at: { line: d.line, raw: '' },
        });
        this.notes.push({
          kind: 'row-unreadable',
          section: '三',
          row: d.id,
          detail: '缺列后中间各列数值无法对应到具体列，按未知处理',
          at: { line: d.line, raw: '' },
        });
      }
      return;
    }
    const { column, rows } = solutions[0] as (typeof solutions)[number];
    for (const d of this.deferred) {
      const placed = rows.get(d.id) as ApplicationRow;
      this.rows.set(d.id, placed);
      this.noteMissing(d.id, column, d.line, '该行缺少此列；由表内勾稽关系确定缺失的是这一列');
      const cell = placed[column];
      if (cell?.inferred) {
        this.notes.push({
          kind: 'value-inferred',
          section: '三',
          row: d.id,
          column: APPLICANT_COLUMN_LABELS[column],
          detail: `由总计减去其余各列之和推定为 ${cell.value}`,
          at: { line: d.line, raw: '' },
        });
      }
    }
  }

  /** Checks the column relations that are assessable, with `override` rows in place of the table's. */
  private relationsHold(override: Map<ApplicationRowId, ApplicationRow>): boolean {
    const value = (id: ApplicationRowId, col: ApplicantColumnId): number | null | undefined =>
      (override.get(id) ?? this.rows.get(id))?.[col]?.value;
    const items = ITEM_ROWS.filter((id) => this.rows.has(id));
    for (const col of APPLICANT_COLUMNS) {
      const received = value('received', col);
      const carriedIn = value('carriedIn', col);
      const outcome = value('outcomeTotal', col);
      const carriedOver = value('carriedOver', col);
      if (received != null && carriedIn != null && outcome != null && carriedOver != null) {
        if (round(received + carriedIn) !== round(outcome + carriedOver)) return false;
      }
      if (outcome != null && items.length > 0) {
        let sum = 0;
        let known = true;
        for (const id of items) {
          const v = value(id, col);
          if (v == null) {
            known = false;
            break;
          }
          sum += v;
        }
        if (known && round(sum) !== round(outcome)) return false;
      }
    }
    return true;
  }

  private noteMissing(id: ApplicationRowId, col: ApplicantColumnId, line: number, detail: string): void {
    this.notes.push({
      kind: 'column-missing',
      section: '三',
      row: id,
      column: APPLICANT_COLUMN_LABELS[col],
      detail,
      at: { line, raw: '' },
    });
  }

  /** Fills missing columns when the row total makes them certain. */
  private inferMissing(
    row: ApplicationRow,
    missing: readonly ApplicantColumnId[],
    id: ApplicationRowId,
    line: number,
    single: boolean,
  ): void {
    if (missing.length === 0) return;
    const parts = APPLICANT_COLUMNS.filter((c) => c !== 'total' && !missing.includes(c));
    const partValues = parts.map((c) => row[c]?.value ?? null);
    if (partValues.some((v) => v === null)) return;
    const partSum = (partValues as number[]).reduce((a, b) => a + b, 0);
    if (missing.includes('total')) {
      if (missing.length !== 1) return;
      row.total = { value: partSum, inferred: true, at: { line, raw: '' } };
      this.notes.push({
        kind: 'value-inferred',
        section: '三',
        row: id,
        column: '总计',
        detail: `由各申请人列之和推定总计为 ${partSum}`,
        at: { line, raw: '' },
      });
      return;
    }
    const total = row.total?.value;
    if (total === null || total === undefined) return;
    const residual = round(total - partSum);
    if (residual < 0) {
      this.notes.push({
        kind: 'extraction-damage',
        section: '三',
        row: id,
        detail: `已读各列之和 ${partSum} 大于总计 ${total}，缺失列无法推定`,
        at: { line, raw: '' },
      });
      return;
    }
    if (!single && residual !== 0) return;
    for (const col of missing) {
      const value = single ? residual : 0;
      row[col] = { value, inferred: true, at: { line, raw: '' } };
      this.notes.push({
        kind: 'value-inferred',
        section: '三',
        row: id,
        column: APPLICANT_COLUMN_LABELS[col],
        detail: single
          ? `由总计 ${total} 减去其余各列之和 ${partSum} 推定为 ${value}`
          : `推定为 0：其余各列之和已等于总计 ${total}，且数值不能为负`,
        at: { line, raw: '' },
      });
    }
  }
}

const ITEM_ROWS: readonly ApplicationRowId[] = [
  ...APPLICATION_ROWS_2021.filter((id) => !['received', 'carriedIn', 'outcomeTotal', 'carriedOver'].includes(id)),
  'otherHandling',
];

/** Places a six-value row assuming `lost` is the missing column; null when that makes it negative. */
function placeWithLostColumn(pending: PendingRow, lost: ApplicantColumnId): ApplicationRow | null {
  const { values, line } = pending;
  const row: ApplicationRow = {};
  const columns = APPLICANT_COLUMNS.filter((c) => c !== lost);
  columns.forEach((col, i) => {
    row[col] = toCell(values[i] as ValueToken);
  });
  const total = row.total?.value;
  const parts = APPLICANT_COLUMNS.filter((c) => c !== 'total' && c !== lost).map((c) => row[c]?.value);
  if (total == null || parts.some((v) => v == null)) {
    row[lost] = { value: null, at: { line, raw: '' } };
    return row;
  }
  const residual = round(total - (parts as number[]).reduce((a, b) => a + b, 0));
  if (residual < 0) return null;
  row[lost] = { value: residual, inferred: true, at: { line, raw: '' } };
  return row;
}

/** Tokens already have the Cell shape and are never mutated: placed as they are. */
function toCell(token: ValueToken): Cell {
  return token;
}

const LEADING_NUMBERING = /^(?:[一二三四五六七八九]\.)?(?:（[一二三四五六七八九]）)?(?:\d+\.)?/;

/** Keeps only Han characters: punctuation and numbering differences are not deviations. */
function hanOnly(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (code >= 0x4e00 && code <= 0x9fff) out += ch;
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}
