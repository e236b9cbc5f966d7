/**
 * The one CSV writer (site findings.csv, agencies.csv and the digest attachment): csv-stringify with a
 * UTF-8 BOM (Excel on Windows reads UTF-8 only with it), CRLF line ends, and formula neutralising
 * (`escape_formulas`: text starting with = + - @ tab CR, or their full-width forms, gets a leading
 * apostrophe; numbers passed as numbers stay numbers).
 */
import { stringify } from 'csv-stringify/sync';

/** One column: the Chinese header and how to read the value from a row. */
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => string | number | null | undefined;
}

/** Renders rows under `columns` as an Excel-friendly CSV string (BOM first). */
export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const records: (string | number | null)[][] = [columns.map((column) => column.header)];
  for (const row of rows) records.push(columns.map((column) => column.value(row) ?? null));
  return stringify(records, { bom: true, escape_formulas: true, record_delimiter: 'windows' });
}
