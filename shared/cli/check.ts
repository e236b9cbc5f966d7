/**
 * `nianbao check FILE... [--json]`: parses and validates report files (txt, html, pdf, docx).
 * Exit 0: no error-severity finding; 1: at least one; 2: bad usage or a file that could not be read
 * (the other files are still checked).
 */
import { readFile } from 'node:fs/promises';
import type { AnnualReport, SourceFormat, TemplateVersion } from '../report/model.ts';
import { type Finding, SEVERITY_LABELS, type Severity } from '../rules/finding.ts';
import { describeSource } from '../rules/locate.ts';
import { analyseReport } from '../rules/validate.ts';

/** One file's result, as printed by `--json`. */
export interface CheckResult {
  file: string;
  agency: string | null;
  year: number | null;
  format: SourceFormat | null;
  template: TemplateVersion | null;
  findings: Finding[];
  /** Set when the file could not be read at all (exit code 2). */
  error?: string;
}

/** Where output goes; tests pass their own to capture it. */
export interface CheckIO {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => Promise<Uint8Array>;
}

const defaultIO: CheckIO = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  readFile: (path) => readFile(path),
};

export const CHECK_USAGE = [
  '用法：nianbao check 文件... [--json]',
  '',
  '解析并校验政府信息公开工作年度报告（支持 .txt、.html、.pdf、.docx、.doc、.wps；扫描版 PDF 在安装了 tesseract 时会 OCR 辅助识别）。',
  '  --json   以 JSON 数组输出：[{file, agency, year, format, template, findings}]',
  '',
  '退出码：0 无错误级问题；1 至少一个错误级问题；2 用法错误或有文件无法读取。',
].join('\n');

const TEMPLATE_LABELS: Record<TemplateVersion, string> = {
  '2021': '2021 年格式（国办公开办函〔2021〕30号）',
  '2019': '2019 年试行格式（国办公开办函〔2019〕60号）',
  unknown: '未能识别',
};

/** Why a file could not be read, in Chinese. */
function readErrorMessage(file: string, error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  const reason =
    code === 'ENOENT'
      ? '文件不存在'
      : code === 'EISDIR'
        ? '这是一个目录，不是文件'
        : code === 'EACCES' || code === 'EPERM'
          ? '没有读取权限'
          : error instanceof Error
            ? error.message
            : String(error);
  return `无法读取文件“${file}”：${reason}。`;
}

function describeLocation(finding: Finding): string {
  const location = finding.location;
  if (!location) return '全文';
  const parts: string[] = [];
  if (location.section) parts.push(`第${location.section}部分`);
  const cell = [location.row, location.column].filter(Boolean).join(' × ');
  if (cell) parts.push(cell);
  const where = parts.join(' · ') || '全文';
  return `${where}${describeSource(location)}`;
}

/** The human-readable block of one file. */
export function formatResult(result: CheckResult): string {
  const lines = [`== ${result.file}`];
  if (result.error) {
    lines.push(`  ${result.error}`);
    return lines.join('\n');
  }
  lines.push(
    `  机关：${result.agency ?? '（未识别）'}　年度：${result.year ?? '（未识别）'}　格式：${result.format ?? '—'}　模板：${TEMPLATE_LABELS[result.template ?? 'unknown']}`,
  );
  const count = (severity: Severity) => result.findings.filter((finding) => finding.severity === severity).length;
  if (result.findings.length === 0) {
    lines.push('  未发现问题。');
    return lines.join('\n');
  }
  lines.push(`  发现 ${count('error')} 个错误、${count('warning')} 个警告、${count('info')} 条提示：`);
  for (const finding of result.findings) {
    lines.push(`  [${SEVERITY_LABELS[finding.severity]}] ${finding.rule}　${describeLocation(finding)}`);
    lines.push(`      ${finding.message}`);
  }
  return lines.join('\n');
}

async function checkFile(file: string, io: CheckIO): Promise<CheckResult> {
  let bytes: Uint8Array;
  try {
    bytes = await io.readFile(file);
  } catch (error) {
    return {
      file,
      agency: null,
      year: null,
      format: null,
      template: null,
      findings: [],
      error: readErrorMessage(file, error),
    };
  }
  const { report, findings } = await analyseReport({ bytes, fileName: file });
  return resultOf(file, report, findings);
}

function resultOf(file: string, report: AnnualReport, findings: Finding[]): CheckResult {
  return { file, agency: report.agency, year: report.year, format: report.format, template: report.template, findings };
}

/** Entry point of `nianbao check`. */
export async function run(args: string[], io: CheckIO = defaultIO): Promise<number> {
  const files: string[] = [];
  let json = false;
  let afterDashes = false;
  for (const arg of args) {
    if (!afterDashes && arg === '--') afterDashes = true;
    else if (!afterDashes && arg === '--json') json = true;
    else if (!afterDashes && (arg === '--help' || arg === '-h')) {
      io.out(CHECK_USAGE);
      return 0;
    } else if (!afterDashes && arg.startsWith('-') && arg !== '-') {
      io.err(`未知选项：${arg}\n\n${CHECK_USAGE}`);
      return 2;
    } else files.push(arg);
  }
  if (files.length === 0) {
    io.err(`请至少指定一个要校验的文件。\n\n${CHECK_USAGE}`);
    return 2;
  }

  const results: CheckResult[] = [];
  for (const file of files) {
    const result = await checkFile(file, io);
    results.push(result);
    if (result.error) io.err(result.error);
    if (!json) io.out(`${formatResult(result)}\n`);
  }

  const unreadable = results.filter((result) => result.error).length;
  const withErrors = results.filter((result) => result.findings.some((finding) => finding.severity === 'error')).length;
  if (json) io.out(JSON.stringify(results, null, 2));
  else {
    io.out(
      `共检查 ${results.length} 个文件：${withErrors} 个有错误级问题${unreadable > 0 ? `，${unreadable} 个无法读取` : ''}。`,
    );
  }
  if (unreadable > 0) return 2;
  return withErrors > 0 ? 1 : 0;
}
