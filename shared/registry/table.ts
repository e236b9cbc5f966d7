/**
 * Reads the office's agency list as a table of strings: .xlsx through exceljs (the first sheet with
 * data), .csv in UTF-8 (with or without BOM) or GBK/GB18030 (what Excel on Chinese Windows saves).
 * Row numbers are the ones Excel shows, so errors can name them. Bounded: a file, its rows and its
 * columns have caps checked before the work.
 */
import ExcelJS from 'exceljs';

/** Largest file read (bytes). */
export const MAX_TABLE_BYTES = 20 * 1024 * 1024;
/** Most data rows read. */
export const MAX_TABLE_ROWS = 100_000;
/** Most columns read per row. */
export const MAX_TABLE_COLUMNS = 200;

/** One row: its number as the spreadsheet shows it (1-based) and its cells as trimmed text. */
export interface TableRow {
  line: number;
  cells: string[];
}

export interface Table {
  rows: TableRow[];
  /** The encoding a CSV was read in ('utf-8' or 'gb18030'); undefined for .xlsx. */
  encoding?: string;
  sheetName?: string;
}

/** Thrown for a file that cannot be read as a table (message in Chinese). */
export class TableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableError';
  }
}

/** UTF-8 when the bytes are valid UTF-8 (BOM or not), else GB18030 (a superset of GBK). */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/** RFC 4180 records (quotes, doubled quotes, CRLF or LF, newlines inside quotes); comma or tab separated. */
export function parseCsv(text: string): TableRow[] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const rows: TableRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let record = 1;
  const endCell = () => {
    if (cells.length < MAX_TABLE_COLUMNS) cells.push(cell.trim());
    cell = '';
  };
  const endRecord = () => {
    endCell();
    if (rows.length >= MAX_TABLE_ROWS + 1) throw new TableError(`文件超过 ${MAX_TABLE_ROWS} 行，请拆分后再导入`);
    rows.push({ line: record, cells });
    cells = [];
    record++;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += char;
    } else if (char === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (char === delimiter) endCell();
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else cell += char;
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return rows;
}

/** Text of one exceljs cell: hyperlinks give their address, rich text its characters, formulas their result. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('hyperlink' in value && typeof value.hyperlink === 'string') {
      const text = typeof value.text === 'string' ? value.text : cellText(value.text as ExcelJS.CellValue);
      // A link cell showing a URL: the address is what counts (the text may be cut short).
      return /^(https?:|mailto:)/i.test(value.hyperlink) && !/^\s*$/.test(value.hyperlink)
        ? value.hyperlink.replace(/^mailto:/i, '')
        : text;
    }
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('error' in value) return '';
    return '';
  }
  return String(value);
}

/** Reads an .xlsx workbook's first sheet that has data. */
export async function readXlsx(bytes: Uint8Array): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (error) {
    throw new TableError(
      `无法读取 Excel 文件（${(error as Error).message}）。请确认是 .xlsx 格式（旧版 .xls 请在 Excel 中另存为 .xlsx）`,
    );
  }
  const sheet = workbook.worksheets.find((candidate) => candidate.actualRowCount > 0);
  if (!sheet) throw new TableError('Excel 文件中没有任何数据');
  if (sheet.rowCount > MAX_TABLE_ROWS + 10) throw new TableError(`工作表超过 ${MAX_TABLE_ROWS} 行，请拆分后再导入`);
  const rows: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    const count = Math.min(row.cellCount, MAX_TABLE_COLUMNS);
    for (let column = 1; column <= count; column++) cells.push(cellText(row.getCell(column).value).trim());
    rows.push({ line, cells });
  });
  return { rows, sheetName: sheet.name };
}

/** Reads a .xlsx or .csv (by extension; .txt and .tsv read as CSV). */
export async function readTable(bytes: Uint8Array, fileName: string): Promise<Table> {
  if (bytes.byteLength > MAX_TABLE_BYTES) {
    throw new TableError(
      `文件过大（${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB），上限 ${MAX_TABLE_BYTES / 1024 / 1024} MB`,
    );
  }
  const extension = fileName.toLowerCase().split('.').pop();
  // A ZIP signature means xlsx whatever the name says.
  if (extension === 'xlsx' || (bytes[0] === 0x50 && bytes[1] === 0x4b)) return readXlsx(bytes);
  if (extension === 'xls') throw new TableError('不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入');
  const { text, encoding } = decodeCsvBytes(bytes);
  return { rows: parseCsv(text), encoding };
}
