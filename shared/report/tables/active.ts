/**
 * Section 二: 主动公开政府信息情况, the 第二十条 items. Each sub-table starts with "第二十条第（X）项",
 * then a header row ("信息内容 | 本年制发件数 | …") naming the columns, then its rows. Column labels are
 * read from the header (so 2019 layouts map onto the same ids) and compared with the template's wording.
 */
import {
  ACTIVE_COLUMN_LABELS,
  ACTIVE_COLUMN_LABELS_2019,
  type ActiveDisclosureColumnId,
  type ActiveDisclosureRowId,
  type ActiveDisclosureTable,
  type Cell,
  type LabelDeviation,
  type ParseNote,
  type Provenance,
} from '../model.ts';
import { foldLabel } from '../normalize.ts';
import { hasData, type TableRow, type ValueToken } from '../rows.ts';

interface ColumnLabel {
  label: string;
  column: ActiveDisclosureColumnId;
  template: '2021' | '2019' | 'both';
}

/** Header wording per template (folded form: full-width brackets and colon). */
const COLUMN_LABELS: readonly ColumnLabel[] = [
  { label: '本年制发件数', column: 'issued', template: '2021' },
  { label: '本年废止件数', column: 'repealed', template: '2021' },
  { label: '现行有效件数', column: 'inForce', template: '2021' },
  { label: '本年处理决定数量', column: 'decisions', template: '2021' },
  { label: '本年收费金额（单位：万元）', column: 'amount', template: '2021' },
  { label: '本年收费金额（万元）', column: 'amount', template: '2021' },
  { label: '本年收费金额', column: 'amount', template: '2021' },
  { label: ACTIVE_COLUMN_LABELS_2019.issued, column: 'issued', template: '2019' },
  { label: ACTIVE_COLUMN_LABELS.published, column: 'published', template: '2019' },
  { label: ACTIVE_COLUMN_LABELS_2019.inForce, column: 'inForce', template: '2019' },
  { label: '上一年项目数量', column: 'previousYear', template: '2019' },
  { label: '本年增/减', column: 'added', template: '2019' },
  { label: '本年增／减', column: 'added', template: '2019' },
  { label: '本年增减', column: 'added', template: '2019' },
  { label: ACTIVE_COLUMN_LABELS_2019.decisions, column: 'decisions', template: '2019' },
  { label: '采购项目数量', column: 'projects', template: '2019' },
  { label: '采购总金额', column: 'amount', template: '2019' },
];

const CANONICAL_2021: Partial<Record<ActiveDisclosureColumnId, string>> = Object.fromEntries(
  (['issued', 'repealed', 'inForce', 'decisions', 'amount'] as const).map((column) => [
    column,
    ACTIVE_COLUMN_LABELS[column],
  ]),
);

/** Every header word of the section 二 tables, both templates (to cut labels run together in text). */
export const ACTIVE_HEADER_WORDS: readonly string[] = ['信息内容', ...new Set(COLUMN_LABELS.map((c) => c.label))];

const ROW_LABELS: readonly (readonly [string, ActiveDisclosureRowId])[] = [
  ['规章', 'rules'],
  ['规范性文件', 'normativeDocs'],
  ['行政许可', 'licensing'],
  ['其他对外管理服务事项', 'otherServices'],
  ['行政处罚', 'penalty'],
  ['行政强制', 'enforcement'],
  ['行政事业性收费', 'fees'],
  ['政府集中采购', 'procurement'],
];

/** Row names of the section 二 tables as printed (行政规范性文件 contains 规范性文件). */
export const ACTIVE_ROW_WORDS: readonly string[] = ['行政规范性文件', ...ROW_LABELS.map(([label]) => label)];

/** The 2021 columns of each row, used when no header row was read. */
const DEFAULT_COLUMNS: Record<ActiveDisclosureRowId, readonly ActiveDisclosureColumnId[]> = {
  rules: ['issued', 'repealed', 'inForce'],
  normativeDocs: ['issued', 'repealed', 'inForce'],
  licensing: ['decisions'],
  otherServices: ['previousYear', 'added', 'decisions'],
  penalty: ['decisions'],
  enforcement: ['decisions'],
  fees: ['amount'],
  procurement: ['projects', 'amount'],
};

/** Evidence for the template version found in section 二. */
export interface ActiveLayoutEvidence {
  labels2021: number;
  labels2019: number;
  item9: boolean;
}

const MAX_LABEL_LENGTH = 40;

/** Reads the section 二 sub-tables. `feed` returns true when the row belonged to them. */
export class ActiveDisclosureReader {
  /** Every row id from the start, in the template's order: one shape for every report's table (see tableOfRows). */
  readonly table: ActiveDisclosureTable = {
    rules: undefined,
    normativeDocs: undefined,
    licensing: undefined,
    penalty: undefined,
    enforcement: undefined,
    fees: undefined,
    procurement: undefined,
    otherServices: undefined,
  } satisfies Record<ActiveDisclosureRowId, undefined>;
  readonly notes: ParseNote[] = [];
  readonly deviations: LabelDeviation[] = [];
  readonly evidence: ActiveLayoutEvidence = { labels2021: 0, labels2019: 0, item9: false };
  private columns: ActiveDisclosureColumnId[] | null = null;
  private headerOpen = false;
  private pending: { id: ActiveDisclosureRowId; label: string; values: ValueToken[]; line: number } | null = null;
  rowsFound = 0;

  feed(row: TableRow): boolean {
    const first = row.labels[0];
    if (first !== undefined) {
      const folded = foldLabel(first);
      if (folded.startsWith('第二十条')) {
        this.flush();
        this.columns = null;
        this.headerOpen = false;
        if (folded.includes('（九）') || folded.includes('(九)')) this.evidence.item9 = true;
        return true;
      }
      if (folded === '信息内容' || (!hasData(row) && row.labels.some((l) => lookupColumn(foldLabel(l))))) {
        this.flush();
        // Header cells one per line (text-only pages) add up until the first data row.
        if (folded === '信息内容' || !this.headerOpen) this.columns = null;
        this.readHeader(row);
        this.headerOpen = true;
        return true;
      }
      const id = matchRow(folded);
      if (id) {
        this.flush();
        this.headerOpen = false;
        this.pending = { id, label: first, values: row.values.slice(), line: row.line };
        if (id === 'procurement') this.evidence.item9 = true;
        if (id === 'normativeDocs') {
          if (folded.startsWith('行政')) this.evidence.labels2021++;
          else this.evidence.labels2019++;
        }
        return true;
      }
      if (row.values.length === 0) return false;
    }
    const pending = this.pending;
    if (pending && row.values.length > 0) {
      const want = (this.columns ?? DEFAULT_COLUMNS[pending.id]).length;
      for (const v of row.values) if (pending.values.length < want) pending.values.push(v);
      return true;
    }
    return false;
  }

  finish(): void {
    this.flush();
  }

  private readHeader(row: TableRow): void {
    const columns: ActiveDisclosureColumnId[] = this.columns ?? [];
    const labels = row.labels.filter((l) => foldLabel(l) !== '信息内容');
    for (const label of labels) {
      const folded = foldLabel(label);
      if (folded.length === 0 || folded.length > MAX_LABEL_LENGTH) continue;
      const known = lookupColumn(folded);
      if (known) {
        columns.push(known.column);
        if (known.template === '2021') this.evidence.labels2021++;
        else if (known.template === '2019') this.evidence.labels2019++;
        continue;
      }
      const guess = closestColumn(folded);
      const column = guess?.column ?? null;
      if (column) columns.push(column);
      const expected = guess
        ? guess.template === '2019'
          ? guess.label
          : (CANONICAL_2021[guess.column] ?? guess.label)
        : '';
      this.deviations.push({
        section: '二',
        expected,
        found: label,
        at: { line: row.line, raw: label },
      });
      if (!column) {
        this.notes.push({
          kind: 'extraction-damage',
          section: '二',
          detail: `无法识别的表头“${label}”`,
          at: { line: row.line, raw: label },
        });
      }
    }
    this.columns = columns.length > 0 ? columns : null;
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    if (this.table[pending.id]) return;
    this.rowsFound++;
    let columns = this.columns ?? DEFAULT_COLUMNS[pending.id];
    // A header left over from another sub-table (lost "第二十条" line): trust the row's own layout.
    if (this.columns && !compatible(pending.id, this.columns)) columns = DEFAULT_COLUMNS[pending.id];
    const entry: Partial<Record<ActiveDisclosureColumnId, Cell>> & { label: string } = { label: pending.label };
    columns.forEach((column, i) => {
      const token = pending.values[i];
      if (token) {
        entry[column] = token;
      } else {
        const at: Provenance = { line: pending.line, raw: '' };
        entry[column] = { value: null, blank: true, at };
      }
    });
    // A row that printed no value at all is a blank row (07's 规章): its cells are blank, and
    // struct.blank-cell tells it once. A row short of some values lost them in reading.
    if (pending.values.length > 0 && pending.values.length < columns.length) {
      this.notes.push({
        kind: 'column-missing',
        section: '二',
        row: pending.label,
        detail: `该行读到 ${pending.values.length} 个数值，表头有 ${columns.length} 列`,
        at: { line: pending.line, raw: '' },
      });
    }
    this.table[pending.id] = entry;
  }
}

function matchRow(folded: string): ActiveDisclosureRowId | null {
  if (folded.length > MAX_LABEL_LENGTH) return null;
  for (const [label, id] of ROW_LABELS) if (folded === label || folded === `行政${label}`) return id;
  for (const [label, id] of ROW_LABELS) if (folded.includes(label)) return id;
  return null;
}

function lookupColumn(folded: string): ColumnLabel | undefined {
  return COLUMN_LABELS.find((c) => c.label === folded);
}

/** Closest known header by shared characters (e.g. 本年度止件数 → 本年废止件数). */
function closestColumn(folded: string): ColumnLabel | null {
  const cached = closestCache.get(folded);
  if (cached !== undefined) return cached;
  const found = searchClosestColumn(folded);
  if (closestCache.size < 1024) closestCache.set(folded, found);
  return found;
}

const closestCache = new Map<string, ColumnLabel | null>();

function searchClosestColumn(folded: string): ColumnLabel | null {
  let best: ColumnLabel | null = null;
  let bestScore = 0;
  for (const candidate of COLUMN_LABELS) {
    const score = similarity(folded, candidate.label);
    if (score > bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return bestScore >= 0.6 ? best : null;
}

function similarity(a: string, b: string): number {
  const counts = new Map<string, number>();
  for (const ch of b) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let common = 0;
  for (const ch of a) {
    const n = counts.get(ch) ?? 0;
    if (n > 0) {
      common++;
      counts.set(ch, n - 1);
    }
  }
  return common / Math.max(a.length, b.length);
}

function compatible(id: ActiveDisclosureRowId, columns: readonly ActiveDisclosureColumnId[]): boolean {
  const documentColumns: ActiveDisclosureColumnId[] = ['issued', 'repealed', 'inForce', 'published'];
  const isDocumentRow = id === 'rules' || id === 'normativeDocs';
  return columns.some((c) => documentColumns.includes(c)) === isDocumentRow;
}
