/** The machine-readable findings beside the site: findings.json and findings.csv (UTF-8 with BOM for Excel). */
import type { ComplianceStatus } from '../compliance/status.ts';
import type { Finding } from '../rules/finding.ts';

/** One finding with the agency and report it belongs to. */
export interface FindingRow {
  year: number;
  agencyId: string;
  agency: string;
  region: string;
  level: string;
  status: ComplianceStatus | null;
  /** Chinese label of the status (未评估 when not assessed). */
  statusLabel: string;
  sha256: string | null;
  rule: string;
  severity: Finding['severity'];
  /** 错误 / 警告 / 提示 */
  severityLabel: string;
  section: string;
  row: string;
  column: string;
  expected: string;
  actual: string;
  message: string;
  /** 核查状态: an official's verdict (误报, 已核实, 已整改, 已督办), '' when none. */
  triage: string;
  /** The finding's stable fingerprint (shared/triage), what `nianbao triage --finding` takes. */
  fingerprint: string;
  /** Report page, relative to the site root. */
  page: string;
}

export const FINDING_CSV_COLUMNS: { key: keyof FindingRow; header: string }[] = [
  { key: 'year', header: '年度' },
  { key: 'agencyId', header: '机关编号' },
  { key: 'agency', header: '机关名称' },
  { key: 'region', header: '地区' },
  { key: 'level', header: '级别' },
  { key: 'statusLabel', header: '状态' },
  { key: 'rule', header: '规则' },
  { key: 'severityLabel', header: '严重程度' },
  { key: 'section', header: '部分' },
  { key: 'row', header: '行' },
  { key: 'column', header: '列' },
  { key: 'expected', header: '应为' },
  { key: 'actual', header: '实际' },
  { key: 'message', header: '说明' },
  { key: 'triage', header: '核查状态' },
  { key: 'fingerprint', header: '问题指纹' },
  { key: 'sha256', header: 'SHA-256' },
  { key: 'page', header: '页面' },
];

/**
 * One CSV field. Text a spreadsheet would run as a formula (leading =, +, -, @, tab, CR) gets a leading
 * apostrophe, except plain numbers such as "-3" which stay numbers.
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function findingsCsv(rows: FindingRow[]): string {
  const lines = [FINDING_CSV_COLUMNS.map((column) => csvField(column.header)).join(',')];
  for (const row of rows) lines.push(FINDING_CSV_COLUMNS.map((column) => csvField(row[column.key])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
