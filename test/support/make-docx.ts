/**
 * Builds a .docx in memory with the `docx` package: a title, paragraphs and plain tables (one string per
 * cell, no merged cells), for tests that need real Word files.
 */
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, WidthType } from 'docx';

export interface DocxReport {
  title: string;
  /** Body paragraphs, in order. A paragraph equal to a table marker `{{table:N}}` places table N there. */
  paragraphs: string[];
  /** Tables as rows of cell texts. Tables not placed by a marker are appended after the paragraphs. */
  tables: string[][][];
}

const TABLE_MARKER = /^\{\{table:(\d+)\}\}$/;

/** Returns the bytes of a .docx holding the report. */
export async function makeDocx(report: DocxReport): Promise<Uint8Array> {
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: report.title, heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER }),
  ];
  const placed = new Set<number>();
  for (const text of report.paragraphs) {
    const marker = TABLE_MARKER.exec(text);
    const table = marker ? report.tables[Number(marker[1])] : undefined;
    if (marker && table) {
      children.push(makeTable(table));
      placed.add(Number(marker[1]));
    } else {
      children.push(new Paragraph({ text }));
    }
  }
  report.tables.forEach((table, i) => {
    if (!placed.has(i)) children.push(makeTable(table));
  });
  const doc = new Document({ sections: [{ children }] });
  const buffer = await Packer.toBuffer(doc);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function makeTable(rows: string[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: rows.map(
      (cells) =>
        new TableRow({
          children: cells.map((text) => new TableCell({ children: [new Paragraph({ text })] })),
        }),
    ),
  });
}
