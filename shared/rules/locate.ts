import {
  APPLICANT_COLUMN_LABELS,
  APPLICATION_ROW_LABELS,
  type ApplicantColumnId,
  type ApplicationRowId,
  type Cell,
  REVIEW_COLUMN_LABELS,
  REVIEW_GROUP_LABELS,
  type ReviewColumnId,
  type ReviewGroupId,
} from '../report/model.ts';
import type { FindingLocation } from './finding.ts';

/** Location of a cell of table 三, as an official reads it: row label and applicant column label. */
export function applicationCellLocation(
  row: ApplicationRowId,
  column: ApplicantColumnId,
  cell: Cell | undefined,
): FindingLocation {
  const location: FindingLocation = {
    section: '三',
    row: APPLICATION_ROW_LABELS[row],
    column: APPLICANT_COLUMN_LABELS[column],
  };
  if (cell) location.at = cell.at;
  return location;
}

/** Location of a cell of table 四: the group (行政复议 / 行政诉讼…) is the row, the result the column. */
export function reviewCellLocation(
  group: ReviewGroupId,
  column: ReviewColumnId,
  cell: Cell | undefined,
): FindingLocation {
  const location: FindingLocation = {
    section: '四',
    row: REVIEW_GROUP_LABELS[group],
    column: REVIEW_COLUMN_LABELS[column],
  };
  if (cell) location.at = cell.at;
  return location;
}

/** "第 12 行" / "表 2 第 3 行第 4 列": where in the source a value was read, for messages. */
export function describeSource(location: FindingLocation | undefined): string {
  const at = location?.at;
  if (!at) return '';
  if (at.line !== undefined) return `（原文第 ${at.line} 行）`;
  if (at.table !== undefined && at.row !== undefined && at.col !== undefined) {
    return `（第 ${at.table + 1} 个表格第 ${at.row + 1} 行第 ${at.col + 1} 列）`;
  }
  return '';
}

/** "三（七）总计 × 其他": a short cell name for messages. */
export function cellName(location: FindingLocation): string {
  return [location.row, location.column].filter(Boolean).join(' × ');
}

/** Formats a number for Chinese messages without float noise (0.1 + 0.2). */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Math.round(value * 10_000) / 10_000);
}
