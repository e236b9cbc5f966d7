/**
 * Word 97–2003 (.doc) and WPS (.wps) files: OLE2 compound documents. The text comes from word-extractor, which
 * writes each table cell followed by a tab and ends a row with one more tab (Word's row mark) but, for wide
 * tables, often no newline (it misreads the row-end paragraph's properties). `rowsFromWordTabs` puts the rows
 * back on their own lines so the text path (tab-separated rows) reads them like the seeds.
 */
import type { ParseNote } from '../model.ts';

export interface DocExtraction {
  text: string;
  notes: ParseNote[];
}

/** Largest compound file opened (a report is well under 10 MB). */
const MAX_DOC_BYTES = 50 * 1024 * 1024;
/** Tokens handled per tabbed paragraph: a table run longer than this is left as it is. */
const MAX_TOKENS_PER_RUN = 20_000;

/** The stream every Word 97 document has; WPS files that lack it are in Kingsoft's own format. */
const WORD_STREAM = 'WordDocument';

/**
 * Extracts the body text of a .doc (or a .wps saved in the Word 97 format). Never throws: a file without a
 * Word stream or one the reader cannot open comes back empty with one 'unsupported' note naming the cause.
 */
export async function extractDocText(bytes: Uint8Array, kind: 'doc' | 'wps'): Promise<DocExtraction> {
  const label = kind === 'wps' ? 'WPS 文字（.wps）' : 'Word 97–2003（.doc）';
  if (bytes.length > MAX_DOC_BYTES) {
    return {
      text: '',
      notes: [unsupported(`${label}文件过大（${Math.round(bytes.length / 1024 / 1024)} MB），未解析`)],
    };
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const { default: CFB } = await import('cfb');
    const container = CFB.read(buffer, { type: 'buffer' });
    const hasWordStream = container.FileIndex.some((entry) => entry.type === 2 && entry.name === WORD_STREAM);
    if (!hasWordStream) {
      return {
        text: '',
        notes: [
          unsupported(
            `${label}文件不是 Word 97 兼容格式（缺少 WordDocument 数据流，可能是早期金山 WPS 专有格式），系统无法读取其内容`,
          ),
        ],
      };
    }
  } catch (error) {
    return { text: '', notes: [unsupported(`${label}文件无法打开（${describe(error)}），可能已损坏`)] };
  }
  try {
    const { default: WordExtractor } = await import('word-extractor');
    const document = await new WordExtractor().extract(buffer);
    return { text: rowsFromWordTabs(withoutRepeatedTail(document.getBody())), notes: [] };
  } catch (error) {
    return { text: '', notes: [unsupported(`${label}文件无法读取（${describe(error)}）`)] };
  }
}

/**
 * word-extractor 1.0.4 sometimes returns the body with its tail written twice (seen on .doc files saved by
 * LibreOffice: A + B + B). The repeat is dropped when the text ends with two identical copies of B.
 */
export function withoutRepeatedTail(text: string): string {
  const probe = text.slice(-100);
  if (probe.length < 100) return text;
  const first = text.indexOf(probe);
  const end = first + probe.length;
  const tail = text.length - end;
  if (tail <= 0 || tail > end) return text;
  return text.slice(end - tail, end) === text.slice(end) ? text.slice(0, end) : text;
}

function unsupported(detail: string): ParseNote {
  return { kind: 'extraction-failed', detail };
}

/** A value cell: a number or a placeholder ("/", "—"); anything else in a table is a label. */
const VALUE_TOKEN = /^(?:[-+]?\d[\d,，]*(?:\.\d+)?%?|[/／\\—–－-]+|无)$/;

/**
 * Rebuilds table rows from word-extractor's tab stream. Within one newline-free run of tab-separated cells a
 * new row starts (1) at a label after the row already holds a value, (2) at a label after two or more empty
 * cells (the row mark plus vertically merged cells), (3) at a value after a row of labels and an empty cell
 * (a header row's mark). Empty cells at the edges of a row are layout (the text reader ignores them). A
 * paragraph after the table's last row mark (no closing tab) is its own line. Linear in the text.
 */
export function rowsFromWordTabs(text: string): string {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    if (paragraph.indexOf('\t') < 0) {
      out.push(paragraph);
      continue;
    }
    const tokens = paragraph.split('\t');
    if (tokens.length > MAX_TOKENS_PER_RUN) {
      out.push(paragraph);
      continue;
    }
    // The text after the last tab is not a cell (cells end with a tab): a paragraph following the table.
    const after = (tokens.pop() as string).trim();
    let row: string[] = [];
    let hasValue = false;
    let hasLabel = false;
    let empties = 0;
    const flush = () => {
      if (row.length > 0) out.push(`${row.join('\t')}\t`);
      row = [];
      hasValue = false;
      hasLabel = false;
      empties = 0;
    };
    for (const raw of tokens) {
      const cell = raw.trim();
      if (cell.length === 0) {
        // Leading empty cells are layout; inner ones may be blank values (kept as empty cells).
        if (row.length > 0) empties++;
        continue;
      }
      const isValue = VALUE_TOKEN.test(cell);
      if (!isValue && (hasValue || (empties >= 2 && hasLabel))) flush();
      else if (isValue && hasLabel && !hasValue && empties >= 1) flush();
      for (; empties > 0; empties--) row.push('');
      row.push(cell);
      if (isValue) hasValue = true;
      else hasLabel = true;
    }
    flush();
    if (after.length > 0) out.push(after);
  }
  return out.join('\n');
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 120 ? `${message.slice(0, 120)}…` : message;
}
