/**
 * `nianbao check FILE... [--json]`: parses and validates report files (txt, html, pdf, docx).
 * Exit 0: no error-severity finding; 1: at least one; 2: bad usage or a file that could not be read
 * (the other files are still checked).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { type DetectedFormat, detectFormat } from '../report/detect-format.ts';
import { type AnnualReport, type SourceFormat, TEMPLATE_DOCUMENTS, type TemplateVersion } from '../report/model.ts';
import { type Finding, SEVERITY_LABELS } from '../rules/finding.ts';
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
  /** Synchronous by default: one awaited read per file cost more than parsing it (issue 13: 1,266/s). */
  readFile: (path: string) => Uint8Array | Promise<Uint8Array> | ReadBytes;
}

/** What the default reader gives: the bytes and their format, detected once for the read and the parse. */
interface ReadBytes {
  bytes: Uint8Array;
  format: DetectedFormat;
}

/**
 * Standard output gathered into chunks of this size: thousands of small writes (one per file) cost
 * more than the formatting. Flushed before exit and before anything goes to standard error, so the
 * two streams keep their order on a terminal.
 */
const OUT_CHUNK_CHARS = 64 * 1024;

function bufferedStdout(): { out: (text: string) => void; flush: () => void } {
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length === 0) return;
    process.stdout.write(pending.join(''));
    pending = [];
    size = 0;
  };
  return {
    out: (text) => {
      pending.push(text, '\n');
      size += text.length + 1;
      if (size >= OUT_CHUNK_CHARS) flush();
    },
    flush,
  };
}

/** Size of the buffer files are read into, reused from file to file; larger files get their own. */
const READ_BUFFER_BYTES = 256 * 1024;

/**
 * Reads each file into one buffer reused from file to file: readFileSync costs an fstat and a new
 * off-heap buffer per file, more than the read itself for a report of a few KB. The returned view is
 * only valid until the next read, so it is handed on only for text and HTML (decoded into a string at
 * once, the bytes kept by nothing); PDF and Word files go to libraries that may keep or transfer their
 * bytes, and get a copy. A file larger than the buffer is read by readFileSync itself (same result and
 * same errors, such as the 2 GiB limit).
 */
function reusingReader(): (path: string) => ReadBytes {
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  return (path) => {
    const fd = openSync(path, 'r');
    let length = 0;
    try {
      for (;;) {
        const read = readSync(fd, buffer, length, buffer.length - length, null);
        if (read === 0) break;
        length += read;
        if (length === buffer.length) {
          const whole = readFileSync(path);
          return { bytes: whole, format: detectFormat(whole, { fileName: path }) };
        }
      }
    } finally {
      closeSync(fd);
    }
    const view = buffer.subarray(0, length);
    const format = detectFormat(view, { fileName: path });
    return { bytes: format === 'text' || format === 'html' ? view : Buffer.from(view), format };
  };
}

function defaultIO(): CheckIO & { flush: () => void } {
  const stdout = bufferedStdout();
  return {
    out: stdout.out,
    err: (text) => {
      stdout.flush();
      process.stderr.write(`${text}\n`);
    },
    readFile: reusingReader(),
    flush: stdout.flush,
  };
}

export const CHECK_USAGE = [
  '用法：nianbao check 文件... [--json]',
  '',
  '解析并校验政府信息公开工作年度报告（支持 .txt、.html、.pdf、.docx、.doc、.wps；扫描版 PDF 在安装了 tesseract 时会 OCR 辅助识别）。',
  '  --json   以 JSON 数组输出：[{file, agency, year, format, template, findings}]',
  '',
  '退出码：0 无错误级问题；1 至少一个错误级问题；2 用法错误或有文件无法读取。',
].join('\n');

const TEMPLATE_LABELS: Record<TemplateVersion, string> = {
  '2021': `2021 年格式（${TEMPLATE_DOCUMENTS['2021']}）`,
  '2019': `2019 年试行格式（${TEMPLATE_DOCUMENTS['2019']}）`,
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
  let where = location.section ? `第${location.section}部分` : '';
  // "row × column", either alone when the other is missing.
  const cell = location.row
    ? location.column
      ? `${location.row} × ${location.column}`
      : location.row
    : location.column;
  if (cell) where = where ? `${where} · ${cell}` : cell;
  return `${where || '全文'}${describeSource(location)}`;
}

/**
 * The human-readable block of one file. Plain loops and concatenation: it runs once per file, and V8
 * optimises it mid-run (a smaller function compiles faster, and runs faster before that).
 */
export function formatResult(result: CheckResult): string {
  let text = `== ${result.file}`;
  if (result.error) return `${text}\n  ${result.error}`;
  text += `\n  机关：${result.agency ?? '（未识别）'}　年度：${result.year ?? '（未识别）'}　格式：${result.format ?? '—'}　模板：${TEMPLATE_LABELS[result.template ?? 'unknown']}`;
  const findings = result.findings;
  if (findings.length === 0) return `${text}\n  未发现问题。`;
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const finding of findings) {
    if (finding.severity === 'error') errors++;
    else if (finding.severity === 'warning') warnings++;
    else if (finding.severity === 'info') infos++;
  }
  text += `\n  发现 ${errors} 个错误、${warnings} 个警告、${infos} 条提示：`;
  for (const finding of findings) {
    text += `\n  [${SEVERITY_LABELS[finding.severity]}] ${finding.rule}　${describeLocation(finding)}\n      ${finding.message}`;
  }
  return text;
}

async function checkFile(file: string, io: CheckIO): Promise<CheckResult> {
  let read: Uint8Array | ReadBytes;
  try {
    const pending = io.readFile(file);
    read = pending instanceof Promise ? await pending : pending;
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
  const { report, findings } = await analyseReport(
    read instanceof Uint8Array
      ? { bytes: read, fileName: file }
      : { bytes: read.bytes, fileName: file, format: read.format },
  );
  return resultOf(file, report, findings);
}

function resultOf(file: string, report: AnnualReport, findings: Finding[]): CheckResult {
  return { file, agency: report.agency, year: report.year, format: report.format, template: report.template, findings };
}

/** Entry point of `nianbao check`. */
export async function run(args: string[], io?: CheckIO): Promise<number> {
  if (io) return check(args, io);
  const stdio = defaultIO();
  try {
    return await check(args, stdio);
  } finally {
    stdio.flush();
  }
}

async function check(args: string[], io: CheckIO): Promise<number> {
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

  // Only --json needs every result at the end; the text output keeps counts, so nothing a file's
  // parse allocated outlives it (retained findings kept whole report texts alive for the GC to mark).
  const results: CheckResult[] = [];
  let checked = 0;
  let unreadable = 0;
  let withErrors = 0;
  for (const file of files) {
    const result = await checkFile(file, io);
    checked++;
    if (result.error) unreadable++;
    if (result.findings.some((finding) => finding.severity === 'error')) withErrors++;
    if (result.error) io.err(result.error);
    if (json) results.push(result);
    else io.out(`${formatResult(result)}\n`);
  }

  if (json) io.out(JSON.stringify(results, null, 2));
  else {
    io.out(
      `共检查 ${checked} 个文件：${withErrors} 个有错误级问题${unreadable > 0 ? `，${unreadable} 个无法读取` : ''}。`,
    );
  }
  if (unreadable > 0) return 2;
  return withErrors > 0 ? 1 : 0;
}
