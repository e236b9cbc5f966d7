/**
 * The report page: the parsed tables of sections 二, 三 and 四 drawn as tables, every cell a finding names
 * highlighted with a numbered marker, and the findings listed beside the table they belong to.
 */
import type { AgencyYearState } from '../compliance/status.ts';
import {
  ACTIVE_COLUMN_LABELS,
  ACTIVE_ROW_LABELS,
  type ActiveDisclosureColumnId,
  type ActiveDisclosureRowId,
  type AnnualReport,
  APPLICANT_COLUMN_LABELS,
  APPLICANT_COLUMNS,
  APPLICATION_ROW_LABELS,
  APPLICATION_ROWS_2021,
  type ApplicationRowId,
  activeColumnLabel,
  type Cell,
  REVIEW_COLUMN_LABELS,
  REVIEW_COLUMNS,
  REVIEW_GROUP_LABELS,
  REVIEW_GROUPS,
  SECTION_TITLES,
  type SectionId,
} from '../report/model.ts';
import type { Finding, FindingLocation } from '../rules/finding.ts';
import { SEVERITY_RANK } from '../rules/finding.ts';
import { keys, parseRawKey } from '../storage/keys.ts';
import type { ReportResult, SnapshotMeta } from '../storage/records.ts';
import type { SiteAgency } from './collect.ts';
import { escapeHtml, externalLink, hrefPath, upPath } from './html.ts';
import { beijingTime, renderPage, SEVERITY_LABELS } from './layout.ts';
import { agencyPagePath, archiveViewerPath, isLiveHtmlExt, reportPagePath } from './paths.ts';

/** Section 二's row groups, as the template prints them (one small table each). */
const ACTIVE_GROUPS: { title: string; rows: ActiveDisclosureRowId[] }[] = [
  { title: '第二十条第（一）项', rows: ['rules', 'normativeDocs'] },
  { title: '第二十条第（五）（六）（八）项', rows: ['licensing', 'penalty', 'enforcement', 'otherServices'] },
  { title: '第二十条第（九）项', rows: ['fees'] },
  { title: '政府集中采购（2019 年版）', rows: ['procurement'] },
];
const ACTIVE_COLUMN_ORDER = Object.keys(ACTIVE_COLUMN_LABELS) as ActiveDisclosureColumnId[];
/** The 2019 trial format prints 本年新公开数量 between 本年新制作数量 and 对外公开总数量. */
const ACTIVE_COLUMN_ORDER_2019: ActiveDisclosureColumnId[] = [
  'issued',
  'published',
  ...ACTIVE_COLUMN_ORDER.filter((column) => column !== 'issued' && column !== 'published'),
];

const normalisedLabels = new Map<string, string>();

/** Label normalisation so "三(七)总计", "三（七） 总计" and "三（七）总计" name the same row (memoised: labels repeat). */
export function normaliseLabel(label: string | undefined): string {
  const text = label ?? '';
  let normalised = normalisedLabels.get(text);
  if (normalised === undefined) {
    normalised = text
      .replace(/\s+/g, '')
      .replace(/[（(]/g, '(')
      .replace(/[）)]/g, ')')
      .replace(/[“”"]/g, '')
      .replace(/[：:]/g, '');
    if (normalisedLabels.size > 50_000) normalisedLabels.clear();
    normalisedLabels.set(text, normalised);
  }
  return normalised;
}

function cellKey(section: string | undefined, row: string | undefined, column: string | undefined): string {
  return `${section ?? '*'}|${normaliseLabel(row)}|${normaliseLabel(column)}`;
}

/**
 * Cell ids of tables 三 and 四, whose labels are the template's: built once, not per page (the site has
 * one report page per agency).
 */
const FIXED_CELL_IDS = (() => {
  const ids = new Map<string, string>();
  const add = (section: SectionId, row: string, column: string, id: string) => {
    ids.set(cellKey(section, row, column), id);
    const loose = cellKey(undefined, row, column);
    if (!ids.has(loose)) ids.set(loose, id);
  };
  for (const [rowId, label] of Object.entries(APPLICATION_ROW_LABELS)) {
    for (const column of APPLICANT_COLUMNS) add('三', label, APPLICANT_COLUMN_LABELS[column], `t3-${rowId}-${column}`);
  }
  for (const group of REVIEW_GROUPS) {
    for (const column of REVIEW_COLUMNS) {
      add('四', REVIEW_GROUP_LABELS[group], REVIEW_COLUMN_LABELS[column], `t4-${group}-${column}`);
    }
  }
  return ids;
})();

interface NumberedFinding {
  number: number;
  finding: Finding;
  /** Section whose aside lists it (the section of its first placed cell, else its location's section). */
  section: SectionId | undefined;
  placed: boolean;
}

interface CellMarks {
  numbers: number[];
  errors: number;
  warnings: number;
}

/** Resolves finding locations to drawn cells. */
class CellIndex {
  readonly #ids = new Map<string, string>();
  readonly marks = new Map<string, CellMarks>();
  /** Cells each finding involves, by finding number. */
  readonly involved = new Map<number, { finding: Finding; ids: string[] }>();
  /** The cells to point an official at (see `settle`). */
  readonly failing = new Set<string>();
  readonly warned = new Set<string>();

  register(id: string, section: SectionId, rowLabels: string[], columnLabels: string[]): void {
    for (const row of rowLabels) {
      for (const column of columnLabels) {
        this.#ids.set(cellKey(section, row, column), id);
        const loose = cellKey(undefined, row, column);
        if (!this.#ids.has(loose)) this.#ids.set(loose, id);
      }
    }
  }

  resolve(location: FindingLocation): string | undefined {
    if (!location.row || !location.column) return undefined;
    const exact = cellKey(location.section, location.row, location.column);
    const loose = cellKey(undefined, location.row, location.column);
    return this.#ids.get(exact) ?? FIXED_CELL_IDS.get(exact) ?? this.#ids.get(loose) ?? FIXED_CELL_IDS.get(loose);
  }

  mark(id: string, number: number, finding: Finding): void {
    const marks = this.marks.get(id) ?? { numbers: [], errors: 0, warnings: 0 };
    if (!marks.numbers.includes(number)) {
      marks.numbers.push(number);
      if (finding.severity === 'error') marks.errors++;
      if (finding.severity === 'warning') marks.warnings++;
    }
    this.marks.set(id, marks);
    const entry = this.involved.get(number) ?? { finding, ids: [] };
    if (!entry.ids.includes(id)) entry.ids.push(id);
    this.involved.set(number, entry);
  }

  /**
   * Decides which cells are failing. An arithmetic finding involves a whole row or column; the culprit is
   * where broken relations cross, so for each error finding the cells shared by the most error findings are
   * failing, and when no other error crosses it, the cell the finding names first (its total).
   */
  settle(): void {
    for (const { finding, ids } of this.involved.values()) {
      if (finding.severity === 'warning') {
        if (ids[0]) this.warned.add(ids[0]);
        continue;
      }
      if (finding.severity !== 'error') continue;
      const most = Math.max(...ids.map((id) => this.marks.get(id)?.errors ?? 0));
      if (most >= 2) for (const id of ids) if ((this.marks.get(id)?.errors ?? 0) === most) this.failing.add(id);
      if (most < 2 && ids[0]) this.failing.add(ids[0]);
    }
  }
}

function formatValue(cell: Cell): string {
  if (cell.value === null) return cell.at.raw ? cell.at.raw : '空';
  return Number.isInteger(cell.value) ? String(cell.value) : String(Math.round(cell.value * 10_000) / 10_000);
}

function provenanceText(cell: Cell): string {
  const at = cell.at;
  const where =
    at.line !== undefined
      ? `原文第 ${at.line} 行`
      : at.table !== undefined
        ? `第 ${at.table + 1} 个表格第 ${(at.row ?? 0) + 1} 行第 ${(at.col ?? 0) + 1} 列`
        : '';
  // The raw text only adds something when it differs from the value shown ("/", "—", "1,234").
  const raw = at.raw && at.raw !== formatValue(cell) ? `原文：${at.raw}` : '';
  const parts = [where, raw, cell.inferred ? '此值由勾稽关系推断' : '', cell.blank ? '空白或占位符，不按 0 计' : ''];
  return parts.filter(Boolean).join('；');
}

/** Collects the cell ids of a table before rendering, so findings can be placed first. */
interface DrawnCell {
  id: string;
  section: SectionId;
  row: string;
  column: string;
  cell: Cell | undefined;
}

interface DrawnTable {
  section: SectionId;
  caption: string;
  columns: string[];
  rows: { label: string; cells: DrawnCell[] }[];
}

function applicationTable(report: AnnualReport): DrawnTable | null {
  const table = report.applications;
  if (!table) return null;
  const rowIds: ApplicationRowId[] = [...APPLICATION_ROWS_2021];
  if (table.otherHandling && !table['otherHandling.1']) {
    rowIds.splice(rowIds.indexOf('otherHandling.1'), 3, 'otherHandling');
  }
  const drawn: DrawnTable = {
    section: '三',
    caption: '',
    columns: APPLICANT_COLUMNS.map((column) => APPLICANT_COLUMN_LABELS[column]),
    rows: [],
  };
  rowIds.forEach((rowId) => {
    const row = table[rowId];
    const label = APPLICATION_ROW_LABELS[rowId];
    drawn.rows.push({
      label,
      cells: APPLICANT_COLUMNS.map((column) => {
        const id = `t3-${rowId}-${column}`;
        return { id, section: '三', row: label, column: APPLICANT_COLUMN_LABELS[column], cell: row?.[column] };
      }),
    });
  });
  return drawn;
}

function reviewTable(report: AnnualReport): DrawnTable | null {
  const table = report.reviews;
  if (!table) return null;
  const drawn: DrawnTable = {
    section: '四',
    caption: '',
    columns: REVIEW_COLUMNS.map((column) => REVIEW_COLUMN_LABELS[column]),
    rows: [],
  };
  REVIEW_GROUPS.forEach((group) => {
    const label = REVIEW_GROUP_LABELS[group];
    drawn.rows.push({
      label,
      cells: REVIEW_COLUMNS.map((column) => {
        const id = `t4-${group}-${column}`;
        return { id, section: '四', row: label, column: REVIEW_COLUMN_LABELS[column], cell: table[group]?.[column] };
      }),
    });
  });
  return drawn;
}

function activeTables(report: AnnualReport, cells: CellIndex): DrawnTable[] {
  const table = report.activeDisclosure;
  if (!table) return [];
  const drawnTables: DrawnTable[] = [];
  ACTIVE_GROUPS.forEach((group) => {
    const presentRows = group.rows.filter((rowId) => table[rowId] !== undefined);
    if (presentRows.length === 0) return;
    const order = report.template === '2019' ? ACTIVE_COLUMN_ORDER_2019 : ACTIVE_COLUMN_ORDER;
    const columns = order.filter((column) => presentRows.some((rowId) => table[rowId]?.[column]));
    // Headed as the report's own template prints them (2019: 本年新制作数量); findings may name either.
    const printedColumn = (column: ActiveDisclosureColumnId) => activeColumnLabel(column, report.template);
    drawnTables.push({
      section: '二',
      caption: group.title,
      columns: columns.map(printedColumn),
      rows: presentRows.map((rowId) => {
        const row = table[rowId];
        const printed = row?.label?.trim() || ACTIVE_ROW_LABELS[rowId];
        return {
          label: printed,
          cells: columns.map((column) => {
            const id = `t2-${rowId}-${column}`;
            cells.register(
              id,
              '二',
              [printed, ACTIVE_ROW_LABELS[rowId], rowId],
              [printedColumn(column), ACTIVE_COLUMN_LABELS[column], column],
            );
            return {
              id,
              section: '二' as const,
              row: printed,
              column: printedColumn(column),
              cell: row?.[column],
            };
          }),
        };
      }),
    });
  });
  return drawnTables;
}

function renderTable(table: DrawnTable, cells: CellIndex): string {
  const head = `<tr><th>项目</th>${table.columns.map((column) => `<th class="num">${escapeHtml(column)}</th>`).join('')}</tr>`;
  const body = table.rows
    .map((row) => {
      const tds = row.cells.map((drawn) => {
        const marks = cells.marks.get(drawn.id);
        const classes = ['cell', 'num'];
        const pointed = cells.failing.has(drawn.id) || cells.warned.has(drawn.id);
        if (cells.failing.has(drawn.id)) classes.push('failing');
        else if (cells.warned.has(drawn.id)) classes.push('warn');
        else if (marks?.errors || marks?.warnings) classes.push('involved');
        if (!drawn.cell || drawn.cell.value === null) classes.push('unknown');
        if (drawn.cell?.inferred) classes.push('inferred');
        const title = drawn.cell ? provenanceText(drawn.cell) : '报告中无此单元格';
        const value = drawn.cell ? escapeHtml(formatValue(drawn.cell)) : '—';
        const numbers = marks?.numbers ?? [];
        // Markers only on the cells to look at; the rest of a broken row or column is just tinted.
        const markers = pointed ? numbers.map((n) => `<a class="marker" href="#f-${n}">[${n}]</a>`).join('') : '';
        const findingsAttr = numbers.length ? ` data-findings="${numbers.join(' ')}"` : '';
        const titleAttr = title ? ` title="${escapeHtml(title)}"` : '';
        return `<td id="${drawn.id}" class="${classes.join(' ')}"${findingsAttr}${titleAttr}>${value}${markers}</td>`;
      });
      return `<tr data-row="${escapeHtml(row.label)}"><th scope="row">${escapeHtml(row.label)}</th>${tds.join('')}</tr>`;
    })
    .join('\n');
  return `<table class="data report-table" data-section="${table.section}">${table.caption ? `<caption class="muted">${escapeHtml(table.caption)}</caption>` : ''}<thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function locationText(location: FindingLocation | undefined): string {
  if (!location) return '';
  const parts: string[] = [];
  if (location.section) parts.push(`第${location.section}部分`);
  if (location.row) parts.push(location.row);
  if (location.column) parts.push(location.column);
  if (location.at?.line !== undefined) parts.push(`原文第 ${location.at.line} 行`);
  return parts.join(' · ');
}

function renderFinding(item: NumberedFinding, cells: CellIndex): string {
  const { finding, number } = item;
  const targets = [finding.location, ...(finding.cells ?? [])]
    .filter((location): location is FindingLocation => location !== undefined)
    .map((location) => cells.resolve(location))
    .filter((id): id is string => id !== undefined);
  // Jump to the cell to look at (where broken relations cross), else to the one the finding names first.
  const first = targets.find((id) => cells.failing.has(id)) ?? targets[0];
  const jump = first ? ` <a href="#${first}" class="finding-jump">定位单元格</a>` : '';
  const values =
    finding.expected !== undefined || finding.actual !== undefined
      ? `<div class="finding-where">应为：${escapeHtml(finding.expected ?? '—')}；实际：${escapeHtml(finding.actual ?? '—')}</div>`
      : '';
  return `<li id="f-${number}" class="finding sev-item-${finding.severity}" data-rule="${escapeHtml(finding.rule)}"><span class="sev-${finding.severity}">[${SEVERITY_LABELS[finding.severity] ?? escapeHtml(finding.severity)}]</span> <code>${escapeHtml(finding.rule)}</code> <span class="finding-message">${escapeHtml(finding.message)}</span>${jump}<div class="finding-where">${escapeHtml(locationText(finding.location))}</div>${values}</li>`;
}

/** Merges the assessment's findings into the result's (carry-over, fetch findings), without duplicates. */
export function mergeFindings(primary: Finding[], extra: Finding[]): Finding[] {
  const seen = new Set(primary.map((finding) => `${finding.rule}|${finding.message}`));
  const merged = [...primary];
  for (const finding of extra) {
    const key = `${finding.rule}|${finding.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      merged.push(finding);
    }
  }
  return merged;
}

export interface ReportPageInput {
  agency: SiteAgency;
  result: ReportResult;
  meta: SnapshotMeta | undefined;
  state: AgencyYearState | undefined;
  isCurrent: boolean;
  generatedAt: string;
}

/** Renders report/{year}/{agency}/{sha256}.html. */
export function renderReportPage(input: ReportPageInput): string {
  const { agency, result, meta, state, isCurrent } = input;
  const depth = 3;
  const storeRoot = upPath(depth + 1);
  const report = result.report;
  const findings = mergeFindings(result.findings ?? [], isCurrent ? (state?.current.findings ?? []) : []).sort(
    (a, b) => (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3),
  );

  const cells = new CellIndex();
  const tables = report
    ? {
        二: activeTables(report, cells),
        三: [applicationTable(report)].filter((t): t is DrawnTable => t !== null),
        四: [reviewTable(report)].filter((t): t is DrawnTable => t !== null),
      }
    : { 二: [], 三: [], 四: [] };

  const numbered: NumberedFinding[] = findings.map((finding, index) => {
    const number = index + 1;
    let section: SectionId | undefined = finding.location?.section;
    let placed = false;
    for (const location of [finding.location, ...(finding.cells ?? [])]) {
      if (!location) continue;
      const id = cells.resolve(location);
      if (!id) continue;
      cells.mark(id, number, finding);
      if (!placed) section = (id.startsWith('t2') ? '二' : id.startsWith('t3') ? '三' : '四') as SectionId;
      placed = true;
    }
    return { number, finding, section, placed };
  });
  cells.settle();

  const rawParts = parseRawKey(result.rawKey ?? '');
  const archived = rawParts
    ? isLiveHtmlExt(rawParts.ext)
      ? `<a href="${upPath(depth)}${hrefPath(archiveViewerPath(result.year, result.agencyId, result.sha256))}">存档原件（.${escapeHtml(rawParts.ext)}，只读预览）</a>`
      : `<a href="${storeRoot}${hrefPath(result.rawKey)}">存档原件（.${escapeHtml(rawParts.ext)}）</a>`
    : '<span class="muted">无存档原件</span>';
  const facts: [string, string][] = [
    ['机关', `<a href="../../../${hrefPath(agencyPagePath(agency.id))}">${escapeHtml(agency.name)}</a>`],
    ['报告所述机关', escapeHtml(report?.agency ?? '未识别')],
    ['报告标题', escapeHtml(report?.title ?? meta?.title ?? '未识别')],
    ['年度', escapeHtml(report?.year ?? result.year)],
    ['模板版本', escapeHtml(report?.template ?? '—')],
    ['格式', escapeHtml(report?.format ?? '—')],
    // Which version this is, not the agency's status of the week: that is a fact about the agency (its
    // page shows it), and a week in which only the status moved (the site unreachable, say) would
    // otherwise rewrite every report page of the agency.
    [
      '版本',
      isCurrent
        ? `当前版本（本年度状态见<a href="../../../${hrefPath(agencyPagePath(agency.id))}">机关页</a>）`
        : '<span class="muted">历史版本（已被更新的版本取代）</span>',
    ],
    ['来源页面', externalLink(meta?.pageUrl ?? state?.current.sourceUrl)],
    ['文件地址', externalLink(meta?.url)],
    [
      '发布时间',
      `${escapeHtml(beijingTime(meta?.publishDate))}${meta?.publishDateSource ? `（来源：${escapeHtml(meta.publishDateSource)}）` : ''}`,
    ],
    ['抓取时间', escapeHtml(beijingTime(meta?.fetchedAt))],
    [
      '存档',
      `${archived} · <a href="${storeRoot}${hrefPath(keys.result(result.year, result.agencyId, result.sha256))}">解析结果 JSON</a>`,
    ],
    ['SHA-256', `<span class="mono">${escapeHtml(result.sha256)}</span>`],
    ['解析器', `${escapeHtml(result.parserVersion)}，${escapeHtml(beijingTime(result.parsedAt))}`],
  ];

  const sections: string[] = [];
  for (const section of ['二', '三', '四'] as const) {
    const drawn = tables[section];
    const aside = numbered.filter((item) => item.section === section);
    const tableHtml = drawn.length
      ? drawn.map((table) => renderTable(table, cells)).join('\n')
      : '<p class="muted">未能从报告中读出此表。</p>';
    const asideHtml = aside.length
      ? `<ol class="findings">${aside.map((item) => renderFinding(item, cells)).join('')}</ol>`
      : '<p class="muted">本部分未发现问题。</p>';
    sections.push(
      `<section id="section-${section}"><h2>${section}、${escapeHtml(SECTION_TITLES[section])}</h2><div class="report-table-block"><div class="table-wrap">${tableHtml}</div><aside aria-label="第${section}部分问题"><h3>本部分问题</h3>${asideHtml}</aside></div></section>`,
    );
  }
  const others = numbered.filter((item) => item.section !== '二' && item.section !== '三' && item.section !== '四');
  const othersHtml = others.length
    ? `<ol class="findings">${others.map((item) => renderFinding(item, cells)).join('')}</ol>`
    : '<p class="muted">无。</p>';

  const narrative = report
    ? (['一', '五', '六'] as const)
        .map((id) => report.sections[id])
        .filter((section) => section !== undefined)
        .map(
          (section) =>
            `<details><summary>${escapeHtml(section.heading || `${section.id}、${SECTION_TITLES[section.id]}`)}</summary><p class="section-text">${escapeHtml(section.text).replace(/\n/g, '<br>')}</p></details>`,
        )
        .join('\n')
    : '';

  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] = (counts[finding.severity] ?? 0) + 1;
  const body = `
<p class="muted"><a href="../../../index.html">总览</a> › <a href="../../../${hrefPath(agencyPagePath(agency.id))}">${escapeHtml(agency.name)}</a> › ${escapeHtml(result.year)} 年度报告</p>
<h1>${escapeHtml(report?.title ?? `${agency.name} ${result.year} 年度政府信息公开工作年度报告`)}</h1>
<div class="cards"><div class="card"><span class="n sev-error">${counts.error}</span>错误</div><div class="card"><span class="n sev-warning">${counts.warning}</span>警告</div><div class="card"><span class="n sev-info">${counts.info}</span>提示</div></div>
<dl class="facts">${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
${report ? '' : '<p class="sev-error">该文件无法解析为年度报告（例如扫描件没有文字层），下列问题说明原因。</p>'}
<p class="muted">红框单元格是最可能出错的数值（几条不成立的勾稽关系在此交汇）；浅红为这些关系涉及的其他单元格；单元格中的 [n] 链接到右侧对应问题。灰色表示空白或“/”（不按 0 计）。</p>
${sections.join('\n')}
<section id="section-other"><h2>其他问题</h2>${othersHtml}</section>
${narrative ? `<section><h2>报告正文（部分）</h2>${narrative}</section>` : ''}
`;
  return renderPage({
    title: `${agency.name} ${result.year} 年度报告`,
    depth,
    body,
    generatedAt: input.generatedAt,
  });
}

export { reportPagePath };
