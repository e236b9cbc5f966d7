/**
 * Structure of the report: sections and tables present, columns lost in extraction, blank cells, empty
 * sections. Also turns the parser's notes into findings (extraction damage is not the agency's fault).
 */
import {
  type ActiveDisclosureColumnId,
  type AnnualReport,
  APPLICANT_COLUMN_LABELS,
  APPLICANT_COLUMNS,
  APPLICATION_ROW_LABELS,
  type ApplicantColumnId,
  type ApplicationRowId,
  activeColumnLabel,
  type Cell,
  type ParseNote,
  REVIEW_COLUMN_LABELS,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
  type ReviewColumnId,
  requiredTemplate,
  SECTION_IDS,
  SECTION_TITLES,
  type SectionId,
  type SourceFormat,
  TEMPLATE_DOCUMENTS,
} from '../report/model.ts';
import { applicantScratch, readApplicantRow } from './cells.ts';
import type { Finding, FindingLocation } from './finding.ts';
import { applicationCellLocation, cellName, formatNumber, reviewCellLocation } from './locate.ts';
import type { Rule } from './rule.ts';
import type { RuleInfo } from './rule-info.ts';

const TABLE_NAMES: Record<'二' | '三' | '四', string> = {
  二: '主动公开政府信息情况表',
  三: '收到和处理政府信息公开申请情况表',
  四: '行政复议、行政诉讼情况表',
};

/** What struct.section-missing says about itself (rules.html, the evaluation's defect titles). */
export const STRUCT_SECTION_MISSING_INFO: RuleInfo = {
  id: 'struct.section-missing',
  severity: 'error',
  title: '缺少报告章节',
  description: '年度报告应包含一至六共六个部分（总体情况、主动公开、依申请公开、复议诉讼、问题及改进、其他事项）。',
  example: '报告没有“五、存在的主要问题及改进情况”部分。',
};

/** struct.section-missing (one per missing section), or struct.no-sections when nothing was recognised. */
export const sectionMissing: Rule = (report) => {
  const present = SECTION_IDS.filter((id) => report.sections[id] !== undefined);
  // A file without a text layer already has its error (extract.no-text, "需要 OCR"): nothing more to say.
  const textless = report.text.trim().length === 0 && report.notes.some((note) => note.kind === 'no-text');
  if (present.length === 0 && textless) return [];
  if (present.length === 0) {
    return [
      {
        rule: 'struct.no-sections',
        severity: 'error',
        message:
          '未能识别出年度报告的任何章节（一、总体情况 至 六、其他需要报告的事项）。该文件可能不是政府信息公开工作年度报告，或文本提取失败；请人工打开原件核实。',
        location: {},
      },
    ];
  }
  return SECTION_IDS.filter((id) => report.sections[id] === undefined).map((id) => ({
    rule: 'struct.section-missing',
    severity: 'error',
    message: `未找到第${id}部分“${id}、${SECTION_TITLES[id]}”。年度报告格式要求六个部分齐全，请补充该部分（确无内容的，也应保留标题并说明情况）。`,
    location: { section: id },
    expected: `${id}、${SECTION_TITLES[id]}`,
  }));
};

/** What struct.table-missing says about itself (rules.html, the evaluation's defect titles). */
export const STRUCT_TABLE_MISSING_INFO: RuleInfo = {
  id: 'struct.table-missing',
  severity: 'error',
  title: '缺少统计表格',
  description: '第二、三、四部分应以模板表格填报数据；该部分存在但读不出表格。',
  example: '第三部分只有文字“本年度未收到申请”，没有申请情况表。',
};

/** struct.table-missing: a section that must carry a table but none was read from it. */
export const tableMissing: Rule = (report) => {
  // With no section recognised at all, struct.no-sections (or extract.no-text) already says it all.
  if (SECTION_IDS.every((id) => report.sections[id] === undefined)) return [];
  const missing = new Map<'二' | '三' | '四', ParseNote | undefined>();
  if (report.sections.二 && !report.activeDisclosure) missing.set('二', undefined);
  if (report.sections.三 && !report.applications) missing.set('三', undefined);
  if (report.sections.四 && !report.reviews) missing.set('四', undefined);
  // A table whose cells we could not separate is there: extract.cells-run-together says so.
  for (const note of report.notes) {
    if (note.kind === 'cells-run-together' && (note.section === '二' || note.section === '三' || note.section === '四'))
      missing.delete(note.section);
  }
  for (const note of report.notes) {
    if (note.kind !== 'table-missing') continue;
    if (report.notes.some((other) => other.kind === 'cells-run-together' && other.section === note.section)) continue;
    const section = note.section;
    if (section === '二' || section === '三' || section === '四') {
      const hasTable =
        section === '二' ? report.activeDisclosure : section === '三' ? report.applications : report.reviews;
      if (!hasTable) missing.set(section, note);
    }
  }
  return [...missing].map(([section, note]) => ({
    rule: 'struct.table-missing',
    severity: 'error',
    message: `第${section}部分缺少“${TABLE_NAMES[section]}”（或其内容无法识别）。请按${TEMPLATE_DOCUMENTS[requiredTemplate(report)]}格式以表格填报该部分数据。${note?.detail ? `（解析说明：${note.detail}）` : ''}`,
    location: note?.at ? { section, at: note.at } : { section },
  }));
};

/** What damages a table in each source format: the message names the real cause, not always "PDF". */
const DAMAGE_CAUSE: Record<SourceFormat, string> = {
  pdf: 'PDF 转文字造成的提取损坏',
  html: '网页表格结构（合并单元格错位、缺格）造成的读取损坏',
  docx: 'DOCX 表格结构（合并单元格错位、缺格）造成的读取损坏',
  doc: 'Word 97（.doc）文件转文字造成的提取损坏',
  wps: 'WPS（.wps）文件转文字造成的提取损坏',
  text: '文字提取（转存为文本时表格各列错位或丢失分隔）造成的提取损坏',
};

function columnLabel(column: string | undefined): string {
  if (!column) return '某一';
  if (column in APPLICANT_COLUMN_LABELS) return APPLICANT_COLUMN_LABELS[column as ApplicantColumnId];
  if (column in REVIEW_COLUMN_LABELS) return REVIEW_COLUMN_LABELS[column as ReviewColumnId];
  return column;
}

function rowLabel(row: string): string {
  return row in APPLICATION_ROW_LABELS ? APPLICATION_ROW_LABELS[row as ApplicationRowId] : row;
}

function columnId(label: string): ApplicantColumnId | undefined {
  return APPLICANT_COLUMNS.find((id) => id === label || APPLICANT_COLUMN_LABELS[id] === label);
}

/** Cells of table 三 in one column whose value the parser inferred. */
function inferredCells(report: AnnualReport, column: ApplicantColumnId | undefined): string[] {
  const table = report.applications;
  if (!table || !column) return [];
  const out: string[] = [];
  for (const [row, cells] of Object.entries(table) as [ApplicationRowId, Partial<Record<string, Cell>>][]) {
    const cell = cells?.[column];
    if (cell?.inferred && cell.value !== null) out.push(`${APPLICATION_ROW_LABELS[row]}＝${formatNumber(cell.value)}`);
  }
  return out;
}

/** Inferred cells of table 三 in the given rows, outside the columns already reported as missing. */
function inferredInRows(report: AnnualReport, rows: string[], skipColumns: Set<string>): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const cells = report.applications?.[row as ApplicationRowId];
    for (const column of APPLICANT_COLUMNS) {
      const cell = cells?.[column];
      if (!cell?.inferred || cell.value === null || skipColumns.has(APPLICANT_COLUMN_LABELS[column])) continue;
      out.push(`${rowLabel(row)} × ${APPLICANT_COLUMN_LABELS[column]}＝${formatNumber(cell.value)}`);
    }
  }
  return out;
}

/** The note kinds the last loop of parseNotes turns into findings (one case each). */
const NOTE_FINDING_KINDS: ReadonlySet<ParseNote['kind']> = new Set<ParseNote['kind']>([
  'value-inferred',
  'row-unreadable',
  'extraction-damage',
  'no-text',
  'ocr',
  'cells-run-together',
  'extraction-failed',
  'input-truncated',
]);

/**
 * Where a note points, as a finding location: section, row label, column label, source, each only when
 * set (in this key order, as --json prints it). `column` overrides the note's own column when given.
 */
function noteLocation(
  note: Pick<ParseNote, 'section' | 'row' | 'column' | 'at'>,
  column: string | undefined = note.column ? columnLabel(note.column) : undefined,
): FindingLocation {
  const location: FindingLocation = {};
  if (note.section) location.section = note.section;
  if (note.row) location.row = rowLabel(note.row);
  if (column) location.column = column;
  if (note.at) location.at = note.at;
  return location;
}

/**
 * Parser notes → findings: struct.column-missing (grouped per section and column), struct.row-unreadable,
 * extract.value-inferred, extract.damage, extract.no-text, extract.truncated.
 */
export const parseNotes: Rule = (report) => {
  const findings: Finding[] = [];
  const columnGroups = new Map<string, ParseNote[]>();
  // Rows that lost a value the parser could not attribute to a column, per section.
  const unattributed = new Map<string, ParseNote[]>();
  // Most reports have no note that becomes a finding here (section- and table-missing have their own
  // rules): the work is in small functions, run only for the notes that need them.
  let others = false;
  for (const note of report.notes) {
    if (note.kind !== 'column-missing') {
      if (!others && NOTE_FINDING_KINDS.has(note.kind)) others = true;
      continue;
    }
    const groups = note.column ? columnGroups : unattributed;
    const key = note.column ? `${note.section ?? ''}|${columnLabel(note.column)}` : (note.section ?? '');
    const group = groups.get(key);
    if (group) group.push(note);
    else groups.set(key, [note]);
  }
  if (columnGroups.size > 0 || unattributed.size > 0)
    columnMissingFindings(report, columnGroups, unattributed, findings);
  if (!others) return findings;
  for (const note of report.notes) {
    if (!NOTE_FINDING_KINDS.has(note.kind)) continue;
    if (note.kind === 'value-inferred' && coveredByColumnMissing(note, columnGroups, unattributed)) continue;
    const finding = noteFinding(note, noteLocation(note));
    if (finding) findings.push(finding);
  }
  return findings;
};

/** struct.column-missing: one finding per missing column, one per section for rows short of a value. */
function columnMissingFindings(
  report: AnnualReport,
  columnGroups: Map<string, ParseNote[]>,
  unattributed: Map<string, ParseNote[]>,
  findings: Finding[],
): void {
  const damage = `这很可能是${DAMAGE_CAUSE[report.format]}，而非机关填报错误。`;
  const inferredText = (inferred: string[]) =>
    inferred.length > 0
      ? `凡能由算术关系唯一确定的数值已推算补全（${inferred.slice(0, 6).join('，')}${inferred.length > 6 ? ' 等' : ''}），其余按未知处理。`
      : '无法由算术关系唯一确定的数值按未知处理，不作 0 计。';
  for (const notes of columnGroups.values()) {
    const first = notes[0] as ParseNote;
    const label = columnLabel(first.column);
    const rows = [...new Set(notes.map((note) => note.row).filter((row): row is string => Boolean(row)))];
    const inferred = first.section === '三' ? inferredCells(report, columnId(label)) : [];
    const section = first.section;
    findings.push({
      rule: 'struct.column-missing',
      severity: 'warning',
      message: `${section ? `表${section}` : '表格'}的“${label}”列在提取出的文本中缺失${rows.length > 0 ? `（涉及 ${rows.length} 行）` : ''}。${damage}${inferredText(inferred)}建议对照原件核实。`,
      location: noteLocation({ section, at: first.at }, label),
      cells: notes.map((note) => noteLocation(note, label)),
    });
  }
  const namedColumns = new Set([...columnGroups.values()].map((notes) => columnLabel(notes[0]?.column)));
  for (const [section, notes] of unattributed) {
    const rows = [...new Set(notes.map((note) => note.row).filter((row): row is string => Boolean(row)))];
    const inferred = section === '三' ? inferredInRows(report, rows, namedColumns) : [];
    const first = notes[0] as ParseNote;
    findings.push({
      rule: 'struct.column-missing',
      severity: 'warning',
      message: `${section ? `表${section}` : '表格'}有 ${notes.length} 行比表头少数值（${rows.slice(0, 4).map(rowLabel).join('、')}${rows.length > 4 ? ' 等' : ''}），无法从版面确定缺的是哪一列。${damage}${inferredText(inferred)}建议对照原件核实。`,
      // These notes have no column (that is how they were grouped) and their section is the group's.
      location: noteLocation(first),
      cells: notes.map((note) => noteLocation(note)),
    });
  }
}

/** A value-inferred note already told in a struct.column-missing finding (its column or its row). */
function coveredByColumnMissing(
  note: ParseNote,
  columnGroups: Map<string, ParseNote[]>,
  unattributed: Map<string, ParseNote[]>,
): boolean {
  return (
    columnGroups.has(`${note.section ?? ''}|${columnLabel(note.column)}`) ||
    (unattributed.get(note.section ?? '') ?? []).some((missing) => missing.row === note.row)
  );
}

/** The finding of one note of a NOTE_FINDING_KINDS kind, at `location`. */
function noteFinding(note: ParseNote, location: FindingLocation): Finding | null {
  switch (note.kind) {
    case 'value-inferred':
      return {
        rule: 'extract.value-inferred',
        severity: 'info',
        message: `${cellName(location) || '一个单元格'}在原文中缺失，已按算术关系唯一推算补全（${note.detail}）。这通常是文本提取损坏所致，建议对照原件核实。`,
        location,
      };
    case 'row-unreadable':
      return {
        rule: 'struct.row-unreadable',
        severity: 'warning',
        message: `${note.section ? `表${note.section}` : '表格'}中有一行无法识别${note.row ? `（“${rowLabel(note.row)}”）` : ''}：${note.detail}。可能是提取损坏或标签与模板不符，相关数字按未知处理，请对照原件核实。`,
        location,
      };
    case 'extraction-damage':
      return {
        rule: 'extract.damage',
        severity: 'info',
        message: `文本提取可能有损坏：${note.detail}。这不一定是机关的填报错误，相关核验结果请对照原件确认。`,
        location,
      };
    case 'no-text':
      return {
        rule: 'extract.no-text',
        severity: 'error',
        message: `扫描件，无法自动核验：${note.detail}。系统读不到其中的表格和数字，这不代表报告有误。下一步：请人工打开原件核对；如需自动核验，可请该机关另行发布可复制文字的版本（PDF 文字版、DOCX 或网页）。`,
        location,
      };
    case 'ocr':
      return {
        rule: 'extract.ocr',
        severity: 'info',
        message: `${note.detail}。OCR 可能认错数字，以下与 OCR 结果有关的提示都只供人工核对时参考，不作为报告有误的结论。`,
        location,
      };
    case 'cells-run-together':
      return {
        rule: 'extract.cells-run-together',
        severity: 'warning',
        message: `${note.detail}。这是文本转存造成的，不代表报告有误；该表数据未核验，请对照原件人工核对。`,
        location,
      };
    case 'extraction-failed':
      return {
        rule: 'extract.failed',
        severity: 'error',
        message: `未能读取该文件：${note.detail}。这是系统读取能力的限制，不代表报告有误，本次未对其标题、章节和表格作任何核验。下一步：请人工打开原件核对；如需自动核验，可请该机关同时发布 PDF 文字版、DOCX 或网页版本。`,
        location,
      };
    case 'input-truncated':
      return {
        rule: 'extract.truncated',
        severity: 'warning',
        message: `输入内容不完整或被截断（${note.detail}），以下核验只覆盖已读取的部分。请确认原件是否完整。`,
        location,
      };
    default:
      return null;
  }
}

/**
 * Unknown, or printed blank / "/" / "—" even if the parser could infer its value. A number too large
 * to be real is not blank: plausibility.too-large reports it.
 */
function isBlank(cell: Cell): boolean {
  return (cell.value === null && cell.implausible !== true) || cell.blank === true;
}

/** What struct.blank-cell says about itself (rules.html, the evaluation's defect titles). */
export const STRUCT_BLANK_CELL_INFO: RuleInfo = {
  id: 'struct.blank-cell',
  severity: 'warning',
  title: '表格存在空白单元格',
  description: '单元格为空白或填“/”“—”，按未知处理（不当作 0），每个表格汇总报告一次。',
  example: '表三有 12 个单元格填为“/”，相关勾稽关系无法核验。',
};

/** struct.blank-cell: unknown cells ("", "/", "—") counted per table, one finding per table. */
export const blankCells: Rule = (report) => {
  const perTable: Record<'二' | '三' | '四', FindingLocation[]> = { 二: [], 三: [], 四: [] };
  const active = report.activeDisclosure;
  if (active) {
    for (const rowId in active) {
      const row = active[rowId as keyof typeof active] as Record<string, unknown> | undefined;
      if (!row) continue;
      for (const key in row) {
        const cell = row[key] as Cell | string | undefined;
        if (key === 'label' || typeof cell !== 'object' || cell === null || !isBlank(cell)) continue;
        // With its column: a blank row's cells would otherwise all read "规章", "规章", "规章".
        const column = activeColumnLabel(key as ActiveDisclosureColumnId, report.template);
        perTable.二.push({ section: '二', row: String(row.label ?? rowId), column, at: cell.at });
      }
    }
  }
  const applications = report.applications;
  if (applications) {
    const rowCells = applicantScratch();
    for (const row in applications) {
      const cells = applications[row as ApplicationRowId];
      if (!cells) continue;
      // Most rows have no blank: find out with named loads before the per-column pass.
      readApplicantRow(cells, rowCells);
      if (!rowCells.some((cell) => cell !== undefined && isBlank(cell))) continue;
      for (const column of APPLICANT_COLUMNS) {
        const cell = cells[column];
        if (cell && isBlank(cell)) perTable.三.push(applicationCellLocation(row as ApplicationRowId, column, cell));
      }
    }
  }
  const reviews = report.reviews;
  if (reviews) {
    for (const group of REVIEW_GROUPS) {
      const cells = reviews[group];
      if (!cells) continue;
      for (const column of REVIEW_COLUMNS) {
        const cell = cells[column];
        if (cell && isBlank(cell)) perTable.四.push(reviewCellLocation(group, column, cell));
      }
    }
  }
  const findings: Finding[] = [];
  for (const section of ['二', '三', '四'] as const) {
    const cells = perTable[section];
    if (cells.length === 0) continue;
    const examples = cells
      .slice(0, 3)
      .map((cell) => `“${cellName(cell)}”${cell.at?.raw ? `（填为“${cell.at.raw}”）` : ''}`)
      .join('、');
    findings.push({
      rule: 'struct.blank-cell',
      severity: 'warning',
      message: `表${section}（${TABLE_NAMES[section]}）有 ${cells.length} 个单元格为空白或填写“/”“—”等，如${examples}${cells.length > 3 ? '等' : ''}。模板要求填写数字，未发生的应填 0；空白单元格使相关勾稽关系无法核验。`,
      location: cells[0] as FindingLocation,
      cells,
      actual: cells.length,
      expected: 0,
    });
  }
  return findings;
};

const EMPTY_SECTION =
  /^[（(]?[一二三四五六七八九十\d]*[）)、.．]?\s*(?:无|暂无|没有|本年度无|无相关情况|无其他需要报告的事项|无需要报告的事项)[。.；;]?$/;

/** What content.section-empty says about itself (rules.html, the evaluation's defect titles). */
export const CONTENT_SECTION_EMPTY_INFO: RuleInfo = {
  id: 'content.section-empty',
  severity: 'warning',
  title: '章节内容为空',
  description: '总体情况、存在的主要问题及改进情况等部分没有内容或只写“无”。',
  example: '“五、存在的主要问题及改进情况”下只有一个“无”字。',
};

/** content.section-empty: a narrative section (一, 五, 六) that is blank or says only "无". */
export const sectionEmpty: Rule = (report) => {
  const findings: Finding[] = [];
  for (const id of ['一', '五', '六'] as SectionId[]) {
    const section = report.sections[id];
    if (!section) continue;
    // Long sections are not empty: skip the whitespace strip on them.
    if (section.text.length > 200) continue;
    const body = section.text.replace(/\s+/g, '');
    const empty = body.length === 0;
    // Section 六 may legitimately say "无" only about matters it has none of; 一 and 五 must report.
    if (!empty && (id === '六' || !EMPTY_SECTION.test(body))) continue;
    findings.push({
      rule: 'content.section-empty',
      severity: 'warning',
      message: `第${id}部分“${SECTION_TITLES[id]}”${empty ? '没有内容' : `只写了“${body}”`}。《政府信息公开条例》第五十条要求报告该项内容，请如实填写${id === '五' ? '存在的主要问题和具体改进情况' : '相关情况'}。`,
      location: {
        section: id,
        ...(section.line !== undefined ? { at: { line: section.line, raw: section.heading } } : {}),
      },
      actual: body,
    });
  }
  return findings;
};

export const STRUCT_RULES: Rule[] = [sectionMissing, tableMissing, parseNotes, blankCells, sectionEmpty];

/** What struct.no-sections says about itself (rules.html, the evaluation's defect titles). */
export const STRUCT_NO_SECTIONS_INFO: RuleInfo = {
  id: 'struct.no-sections',
  severity: 'error',
  title: '未识别出任何章节',
  description: '文件中找不到年度报告的任何章节标题，可能不是年度报告，或文本提取失败。',
  example: '上传的是一份通知或一张图片，而非年度报告。',
};

/** What struct.column-missing says about itself (rules.html, the evaluation's defect titles). */
export const STRUCT_COLUMN_MISSING_INFO: RuleInfo = {
  id: 'struct.column-missing',
  severity: 'warning',
  title: '表格缺列（疑似提取损坏）',
  description:
    '表格某列在读出的内容中缺失，通常是读取造成的（PDF 转文字、网页或 DOCX 表格的合并单元格错位等，提示中写明具体原因），而非机关填报错误；能由算术关系唯一确定的数值已推算补全并标明。',
  example: '表三各行缺少“其他”列：予以公开一行只有 37 0 0 0 0 46 六个数，“其他”按 46−37＝9 推算。',
};

/** What struct.row-unreadable says about itself (rules.html, the evaluation's defect titles). */
export const STRUCT_ROW_UNREADABLE_INFO: RuleInfo = {
  id: 'struct.row-unreadable',
  severity: 'warning',
  title: '表格行无法识别',
  description: '表格中有一行的标签或数字无法识别，相关数字按未知处理。',
  example: '表三中出现一行“（三）不予公开 9.其他”，模板中没有该项。',
};

/** What extract.no-text says about itself (rules.html, the evaluation's defect titles). */
export const EXTRACT_NO_TEXT_INFO: RuleInfo = {
  id: 'extract.no-text',
  severity: 'error',
  title: '扫描件，无法自动核验',
  description:
    '文件中提取不到文字（多为扫描图片版 PDF），系统无法读取表格和数字；这是系统读取能力的限制，不代表报告有误，需人工核对原件。该机关的状态记为“无法解析”。',
  example: '报告 PDF 每页都是扫描图片，未安装 OCR。',
};

/** What extract.ocr says about itself (rules.html, the evaluation's defect titles). */
export const EXTRACT_OCR_INFO: RuleInfo = {
  id: 'extract.ocr',
  severity: 'info',
  title: '扫描件已用 OCR 识别',
  description:
    '扫描件在安装了 Tesseract 的机器上经 OCR 识别文字；识别出的数字均标为 OCR 来源，勾稽关系不符只作“OCR 结果需人工核对”的警告，不判定为错误；扫描件本身仍记为“无法解析”。',
  example: '3 页扫描件经 OCR 识别，表三“（一）予以公开”一行各列之和与总计不符，提示人工核对。',
};

/** What extract.cells-run-together says about itself (rules.html, the evaluation's defect titles). */
export const EXTRACT_CELLS_RUN_TOGETHER_INFO: RuleInfo = {
  id: 'extract.cells-run-together',
  severity: 'warning',
  title: '表格单元格粘连，无法可靠拆分',
  description:
    '网页转存为文本时表格各单元格连在一起（如“本年新收政府信息公开申请数量21710000218”），且没有唯一一种满足表中勾稽关系的拆法；该表不作核验，不据此指责机关，需人工核对原件。只有一种拆法成立时按该拆法读取并注明。',
  example: '表三各行数字连写，“121010014”可拆成多种 7 个数的组合。',
};

/** What extract.failed says about itself (rules.html, the evaluation's defect titles). */
export const EXTRACT_FAILED_INFO: RuleInfo = {
  id: 'extract.failed',
  severity: 'error',
  title: '文件无法读取',
  description:
    '文件格式不受支持、已损坏或读取程序出错，系统没有读到任何文字；不据此对报告的标题、章节或表格下任何结论，需人工核对原件。该机关的状态记为“无法解析”。',
  example: '附件为早期金山 WPS 专有格式的 .wps 文件（不是 Word 97 兼容格式）。',
};

/** What extract.damage says about itself (rules.html, the evaluation's defect titles). */
export const EXTRACT_DAMAGE_INFO: RuleInfo = {
  id: 'extract.damage',
  severity: 'info',
  title: '文本提取可能有损坏',
  description: '提取出的文字有缺字、粘连或乱码迹象，相关结果请对照原件确认。',
  example: '“自20231月1日起”中年份与月份粘连。',
};

/** What extract.value-inferred says about itself (rules.html, the evaluation's defect titles). */
export const EXTRACT_VALUE_INFERRED_INFO: RuleInfo = {
  id: 'extract.value-inferred',
  severity: 'info',
  title: '缺失数值已按算术推算',
  description: '原文缺失的单元格，在算术关系能唯一确定时已推算补全，并标明为推算值。',
  example: '四、结转下年度继续办理一行缺“其他”列，由 1−1−0−0−0＝0 推算。',
};

/** What extract.truncated says about itself (rules.html, the evaluation's defect titles). */
export const EXTRACT_TRUNCATED_INFO: RuleInfo = {
  id: 'extract.truncated',
  severity: 'warning',
  title: '输入不完整',
  description: '文件被截断或过大而只读取了一部分，核验只覆盖已读取的内容。',
  example: '下载的 PDF 只有前两页。',
};

/** The rules of this module, described (rules/catalogue.ts gathers every module's). */
export const STRUCT_RULE_INFO: RuleInfo[] = [
  STRUCT_SECTION_MISSING_INFO,
  STRUCT_NO_SECTIONS_INFO,
  STRUCT_TABLE_MISSING_INFO,
  STRUCT_COLUMN_MISSING_INFO,
  STRUCT_ROW_UNREADABLE_INFO,
  STRUCT_BLANK_CELL_INFO,
  CONTENT_SECTION_EMPTY_INFO,
  EXTRACT_NO_TEXT_INFO,
  EXTRACT_OCR_INFO,
  EXTRACT_CELLS_RUN_TOGETHER_INFO,
  EXTRACT_FAILED_INFO,
  EXTRACT_DAMAGE_INFO,
  EXTRACT_VALUE_INFERRED_INFO,
  EXTRACT_TRUNCATED_INFO,
];
