/**
 * Helpers for the demo agency site: seed report text → HTML body (tab-separated lines become table
 * rows, other lines paragraphs), year shifting for synthetic years, and a GB18030/GBK encoder (Node's
 * TextEncoder only writes UTF-8; a reverse table built from TextDecoder('gb18030') avoids a dependency).
 */

import { escapeHtml } from '../shared/html/escape.ts';

/** The report year a seed text is about (the first "20xx 年" in its title line). */
export function seedYear(text: string): number {
  const match = /((?:19|20)\d{2})\s*年/.exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * Moves every year in the text by `delta` (2023 → 2024 …), to serve a seed as another year's report.
 * Synthetic: the numbers stay those of the original year.
 */
export function shiftYears(text: string, delta: number): string {
  if (delta === 0) return text;
  return text.replace(/(?<!\d)((?:19|20)\d{2})(?=\s*年)/g, (year) => String(Number(year) + delta));
}

/** The seed's first non-empty line (its title) with PDF-extraction spaces removed. */
export function seedTitle(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/\s+/g, '');
}

/**
 * Renders seed text as an article body: consecutive tab-separated lines form one <table> (one <td> per
 * tab-separated cell, empty cells kept), other lines become <p>. The title line is left out (the
 * article page prints it as <h1>).
 */
export function seedBodyHtml(text: string): string {
  const lines = text.split('\n');
  const titleIndex = lines.findIndex((l) => l.trim() !== '');
  const out: string[] = [];
  let table: string[] | null = null;
  const closeTable = () => {
    if (table) out.push(`<table border="1" cellspacing="0" cellpadding="2">${table.join('')}</table>`);
    table = null;
  };
  lines.forEach((line, index) => {
    if (index === titleIndex) return;
    if (line.includes('\t')) {
      table ??= [];
      const cells = line.split('\t').map((cell) => `<td>${escapeHtml(cell.trim())}</td>`);
      table.push(`<tr>${cells.join('')}</tr>`);
      return;
    }
    closeTable();
    if (line.trim() !== '') out.push(`<p>${escapeHtml(line.trim())}</p>`);
  });
  closeTable();
  return out.join('\n');
}

let gbkTable: Map<number, number> | null = null;

/** Code point → GB18030 two-byte code, built once from the decoder (GBK range only). */
function table(): Map<number, number> {
  if (gbkTable) return gbkTable;
  const decoder = new TextDecoder('gb18030');
  const map = new Map<number, number>();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const char = decoder.decode(pair);
      const code = char.codePointAt(0);
      if (char.length === 1 && code !== undefined && code !== 0xfffd && !map.has(code))
        map.set(code, (lead << 8) | trail);
    }
  }
  gbkTable = map;
  return map;
}

/**
 * Encodes text as GBK (the two-byte subset of GB18030). Characters outside GBK become '?', so test
 * pages should stick to GBK characters (every seed does); with `unencodable: 'throw'` they throw instead.
 */
export function encodeGbk(text: string, options: { unencodable?: 'replace' | 'throw' } = {}): Uint8Array {
  const map = table();
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    if (code < 0x80) bytes.push(code);
    else {
      const gbk = map.get(code);
      if (gbk !== undefined) bytes.push(gbk >> 8, gbk & 0xff);
      else if (options.unencodable === 'throw') throw new Error(`not encodable in GBK: ${char}`);
      else bytes.push(0x3f);
    }
  }
  return Uint8Array.from(bytes);
}
