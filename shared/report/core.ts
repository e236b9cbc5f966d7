/**
 * The one parser behind every format: a single pass over the document's lines that finds the title,
 * the six sections and the three tables. Text input arrives as plain lines (tab-separated table rows);
 * HTML/DOCX input arrives as lines too, with table rows carrying their resolved grid cells.
 */
import type {
  AnnualReport,
  ApplicationTable,
  ParseNote,
  Section,
  SectionId,
  SourceFormat,
  TemplateVersion,
} from './model.ts';
import { APPLICATION_ROW_LABELS, APPLICATION_ROWS_2021, SECTION_IDS, SECTION_TITLES } from './model.ts';
import { type LineSource, rowFromGrid, rowFromLooseText, rowFromTabs, type TableRow } from './rows.ts';
import {
  MAX_HEADING_LENGTH as MAX_HEADING_LINE,
  matchSectionHeading,
  sectionOrder,
  splitRunOnHeading,
} from './sections.ts';
import { ActiveDisclosureReader, type ActiveLayoutEvidence } from './tables/active.ts';
import { ApplicationsReader } from './tables/applications.ts';
import { ReviewsReader } from './tables/reviews.ts';
import { extractTitle, identityFromBody, yearFromStatisticsPeriod } from './title.ts';

export interface CoreOptions {
  format: SourceFormat;
  /** A title known from outside the body (HTML <title>), used when the body has none. */
  fallbackTitle?: string | null;
  /** Notes from extraction (truncation, damage) to carry into the report. */
  notes?: ParseNote[];
}

const MAX_PREFIX_LINES = 40;
const MAX_PROSE_ROW_LABEL = 60;
const MAX_DAMAGE_NOTES = 10;
/** A line ending in values set apart by runs of spaces ("…申请数量      3001     53  0"), bounded. */
const SPACED_VALUES = /^[^\t]{1,80}? {2,}[-\d.／/—]{1,12}(?: +[-\d.／/—]{1,12}){0,20}$/;
/** A year glued to its month ("20231月"): the 年 was lost in extraction. */
const GLUED_DATE = /(?:19|20)\d{2}(?:0?[1-9]|1[0-2])月(?:\d{1,2}日)?/;

/** Parses a document given as lines. Never throws on content; what went wrong becomes notes. */
export function parseLines(source: LineSource, options: CoreOptions): AnnualReport {
  const { lines, grid } = source;
  const notes: ParseNote[] = options.notes ? options.notes.slice() : [];
  const prefix: string[] = [];
  const bodies: Partial<Record<SectionId, string[]>> = {};
  const sections: Partial<Record<SectionId, Section>> = {};
  const active = new ActiveDisclosureReader();
  const applications = new ApplicationsReader();
  const reviews = new ReviewsReader();
  let current: SectionId | null = null;
  let currentOrder = -1;
  let body: string[] | null = null;
  let statisticsYear: number | null = null;
  let damageNotes = 0;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const gridLine = grid?.get(i);
    let row: TableRow | null = null;
    if (gridLine) {
      // A whole table row holding just a section heading (reports typed as one big table).
      const only = soleCell(gridLine.cells, gridLine.spanned);
      const heading = only === null ? null : matchSectionHeading(only);
      if (heading !== null && sectionOrder(heading) > currentOrder) {
        current = heading;
        currentOrder = sectionOrder(heading);
        body = [];
        bodies[heading] = body;
        sections[heading] = { id: heading, heading: only as string, text: '', line: i + 1 };
        continue;
      }
      row = rowFromGrid(gridLine, i + 1);
    } else if (raw.indexOf('\t') >= 0) {
      row = rowFromTabs(raw, i + 1);
      if (row.labels.length === 0 && row.values.length === 0) continue;
    } else {
      const trimmed = raw.trim();
      if (trimmed.length === 0) continue;
      // Page numbers left by PDF extraction ("- 3 -", "第 3 页") would read as table values.
      if (trimmed.length <= 16 && isPageMarker(trimmed)) continue;
      const heading = matchSectionHeading(trimmed);
      if (heading !== null && sectionOrder(heading) > currentOrder) {
        current = heading;
        currentOrder = sectionOrder(heading);
        body = [];
        bodies[heading] = body;
        sections[heading] = { id: heading, heading: trimmed, text: '', line: i + 1 };
        continue;
      }
      if (heading === null && trimmed.length > MAX_HEADING_LINE) {
        const runOn = splitRunOnHeading(trimmed);
        if (runOn !== null && sectionOrder(runOn.id) > currentOrder) {
          current = runOn.id;
          currentOrder = sectionOrder(runOn.id);
          body = runOn.rest.length > 0 ? [runOn.rest] : [];
          bodies[runOn.id] = body;
          sections[runOn.id] = { id: runOn.id, heading: runOn.heading, text: '', line: i + 1 };
          continue;
        }
      }
      if (current === null && prefix.length < MAX_PREFIX_LINES) prefix.push(trimmed);
      if (statisticsYear === null && trimmed.includes('统计')) statisticsYear = yearFromStatisticsPeriod(trimmed);
      if (damageNotes < MAX_DAMAGE_NOTES && trimmed.length < 2000 && hasDigitsBeforeMonth(trimmed)) {
        const glued = GLUED_DATE.exec(trimmed);
        if (glued) {
          damageNotes++;
          notes.push({
            kind: 'extraction-damage',
            ...(current ? { section: current } : {}),
            detail: `日期“${glued[0]}”缺少“年”字，可能是文字提取造成的损坏，而非报告本身的错误`,
            at: { line: i + 1, raw: glued[0] },
          });
        }
      }
      if (current === '二' || current === '三' || current === '四') {
        // Layout text (pdftotext -layout) pads cells with runs of spaces: long lines, short labels.
        if (
          (trimmed.length <= MAX_PROSE_ROW_LABEL || (trimmed.indexOf('  ') > 0 && SPACED_VALUES.test(trimmed))) &&
          !trimmed.endsWith('。')
        ) {
          row = rowFromLooseText(trimmed, i + 1);
        }
      }
      if (row === null) {
        body?.push(trimmed);
        continue;
      }
    }
    if (!routeRow(row, current, active, applications, reviews)) {
      const text = gridLine ? gridLine.cells.join(' ') : raw.trim();
      if (text.length > 0) body?.push(text.replace(/\t+/g, ' '));
    }
  }

  active.finish();
  applications.finish();
  reviews.finish();

  for (const id of SECTION_IDS) {
    const section = sections[id];
    if (section) section.text = (bodies[id] ?? []).join('\n');
    else notes.push({ kind: 'section-missing', section: id, detail: `未找到第${id}部分“${SECTION_TITLES[id]}”的标题` });
  }

  let titleInfo = extractTitle(prefix.length > 0 ? prefix : firstLines(lines), options.fallbackTitle);
  if (titleInfo.agency === null) {
    // No title in the text (a page stored without its heading): the body names the agency elsewhere.
    const body = identityFromBody(lines);
    if (body)
      titleInfo = { title: titleInfo.title ?? body.title, agency: body.agency, year: titleInfo.year ?? body.year };
  }
  const year = titleInfo.year ?? statisticsYear;
  const template = detectTemplate(active.evidence, applications.table);
  const activeTable = active.rowsFound > 0 ? active.table : null;
  const applicationTable = applications.rowsFound > 0 ? applications.table : null;
  const reviewTable = reviews.table;

  if (!activeTable)
    notes.push({ kind: 'table-missing', section: '二', detail: '未读到第二部分“主动公开政府信息情况”的表格' });
  if (!applicationTable) {
    notes.push({
      kind: 'table-missing',
      section: '三',
      detail: '未读到第三部分“收到和处理政府信息公开申请情况”的表格',
    });
  } else {
    noteMissingRows(applicationTable, template, notes);
  }
  if (!reviewTable)
    notes.push({ kind: 'table-missing', section: '四', detail: '未读到第四部分“行政复议、行政诉讼情况”的表格' });
  notes.push(...active.notes, ...applications.notes, ...reviews.notes);

  return {
    agency: titleInfo.agency,
    year,
    title: titleInfo.title,
    format: options.format,
    template,
    sections,
    activeDisclosure: activeTable,
    applications: applicationTable,
    reviews: reviewTable,
    labelDeviations: [...active.deviations, ...applications.deviations],
    notes,
    text: source.text ?? lines.join('\n'),
  };
}

/**
 * A 月 right after five or more ASCII digits: what GLUED_DATE needs (20231月, 202312月). Most prose lines
 * hold dates ("2023年1月1日"), so the regex, which has no literal to skip ahead by, runs only on these.
 */
function hasDigitsBeforeMonth(trimmed: string): boolean {
  for (let at = trimmed.indexOf('月'); at >= 0; at = trimmed.indexOf('月', at + 1)) {
    let digits = 0;
    while (digits < 5 && at - digits > 0 && isAsciiDigit(trimmed.charCodeAt(at - digits - 1))) digits++;
    if (digits === 5) return true;
  }
  return false;
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function routeRow(
  row: TableRow,
  current: SectionId | null,
  active: ActiveDisclosureReader,
  applications: ApplicationsReader,
  reviews: ReviewsReader,
): boolean {
  if (current === '二') return active.feed(row) || applications.feed(row, false);
  if (current === '三') return applications.feed(row, true);
  if (current === '四') return reviews.feed(row);
  // No heading seen (or a table outside 二–四): only rows whose labels name them are taken.
  if (row.labels.length === 0) return false;
  return applications.feed(row, false) || (current === null && active.feed(row));
}

const PAGE_MARKER =
  /^(?:[-—–－]+ ?\d{1,4} ?[-—–－]+|第 ?\d{1,4} ?页(?: ?[,，/]? ?共 ?\d{1,4} ?页)?|\d{1,4} ?[/／] ?\d{1,4})$/;

/** "- 3 -", "— 3 —", "第3页", "第 3 页 共 10 页", "3/10": a page number, not content. */
export function isPageMarker(trimmed: string): boolean {
  return PAGE_MARKER.test(trimmed);
}

/** The text of a grid row with exactly one non-empty origin cell, else null. */
function soleCell(cells: readonly string[], spanned: readonly boolean[]): string | null {
  let found: string | null = null;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    if (spanned[i] || cell.length === 0) continue;
    if (found !== null) return null;
    found = cell;
  }
  return found;
}

function firstLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length && out.length < MAX_PREFIX_LINES; i++) {
    const trimmed = (lines[i] as string).trim();
    if (trimmed.length > 0 && trimmed.indexOf('\t') < 0) out.push(trimmed);
  }
  return out;
}

/**
 * 2019 trial layout: section 二 columns 本年新制作数量/本年新公开数量/对外公开总数量, item （九）政府集中采购,
 * and a single （六）其他处理 row in section 三. 2021: 本年制发件数/本年废止件数, 行政规范性文件, （六）1–3.
 */
export function detectTemplate(evidence: ActiveLayoutEvidence, applications: ApplicationTable): TemplateVersion {
  let score2019 = evidence.labels2019 + (evidence.item9 ? 2 : 0);
  let score2021 = evidence.labels2021;
  const hasSplitOther =
    applications['otherHandling.1'] !== undefined ||
    applications['otherHandling.2'] !== undefined ||
    applications['otherHandling.3'] !== undefined;
  if (hasSplitOther) score2021 += 2;
  else if (applications.otherHandling !== undefined) score2019 += 2;
  if (score2019 === 0 && score2021 === 0) return 'unknown';
  return score2019 > score2021 ? '2019' : '2021';
}

function noteMissingRows(table: ApplicationTable, template: TemplateVersion, notes: ParseNote[]): void {
  for (const id of APPLICATION_ROWS_2021) {
    if (table[id] !== undefined) continue;
    if (id.startsWith('otherHandling.') && (template === '2019' || table.otherHandling !== undefined)) continue;
    notes.push({
      kind: 'row-unreadable',
      section: '三',
      row: id,
      detail: `未找到“${APPLICATION_ROW_LABELS[id]}”这一行`,
    });
  }
}
