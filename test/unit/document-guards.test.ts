/**
 * The checks that run before mammoth and pdfjs see a document: ZIP directory and capped inflation for
 * DOCX, capped Flate inflation for PDF. Real documents pass; bombs are refused in Chinese.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPdf } from '../../shared/report/extract/pdf-guard.ts';
import { checkZip, ZipDamagedError, ZipLimitError } from '../../shared/report/extract/zip-guard.ts';
import { DocumentLimitError } from '../../shared/report/limits.ts';
import { parseReport } from '../../shared/report/parse.ts';
import { flate, makeDocxBomb, makePdfBomb, makeZip } from '../support/bombs.ts';

const fixture = (name: string) => readFileSync(new URL(`../../demo/sites/${name}`, import.meta.url));
const REAL_PDF = new URL('../../../shared/real-reports/01_huaian_city_gov_2024.pdf', import.meta.url);

describe('DOCX (ZIP) check', () => {
  it('passes a real DOCX and lists its entries', () => {
    const entries = checkZip(fixture('lushi-gfdy-2023.docx'));
    expect(entries.map((e) => e.name)).toContain('word/document.xml');
  });

  it('refuses a part over the size cap, by its declared size', () => {
    expect(() => checkZip(makeDocxBomb(20, 'paragraphs'))).toThrow(
      /word\/document\.xml 解压后 20 MB，超过单个部件上限 16 MB/,
    );
  });

  it('refuses a part that lies about its size, while inflating it (capped)', () => {
    expect(() => checkZip(makeDocxBomb(20, 'paragraphs', { lieAboutSize: true }))).toThrow(/声明的大小不实/);
  });

  it('refuses a compression ratio no document has', () => {
    expect(() => checkZip(makeDocxBomb(8, 'spaces'))).toThrow(ZipLimitError);
    expect(() => checkZip(makeDocxBomb(8, 'spaces'))).toThrow(/压缩比异常/);
  });

  it('refuses too many entries and too much in all', () => {
    const tiny = (name: string) => ({ name, data: Buffer.from([3, 0]), crc: 0, size: 0 });
    const many = makeZip(Array.from({ length: 2_001 }, (_, i) => tiny(`word/p${i}.xml`)));
    expect(() => checkZip(many)).toThrow(/内含 2001 个文件，超过上限 2000/);
    expect(() => checkZip(makeDocxBomb(12, 'varied'), { maxTotalBytes: 8 * 1024 * 1024 })).toThrow(
      /解压后内容超过 8.0 MB/,
    );
  });

  it('tells a damaged file from a hostile one', () => {
    expect(() => checkZip(new TextEncoder().encode('not a zip at all'))).toThrow(ZipDamagedError);
    const truncated = fixture('lushi-gfdy-2023.docx').subarray(0, 5000);
    expect(() => checkZip(truncated)).toThrow(ZipDamagedError);
  });

  it('makes parseReport throw DocumentLimitError for a bomb, and an extraction-failed note (first, alone) for a broken file', async () => {
    await expect(parseReport({ bytes: makeDocxBomb(20, 'paragraphs'), fileName: 'a.docx' })).rejects.toBeInstanceOf(
      DocumentLimitError,
    );
    const broken = await parseReport({ bytes: fixture('lushi-gfdy-2023.docx').subarray(0, 5000), fileName: 'a.docx' });
    // A file we could not read at all says so first, and nothing about titles or sections follows (issue 9).
    expect(broken.notes[0]).toMatchObject({ kind: 'extraction-failed' });
    expect(broken.notes.some((note) => note.kind === 'section-missing')).toBe(false);
  });
});

describe('PDF check', () => {
  it('passes real PDFs (a published agency report, a LibreOffice export)', () => {
    expect(() => checkPdf(readFileSync(REAL_PDF))).not.toThrow();
    expect(() => checkPdf(fixture('lushi-gxkj-2023.pdf'))).not.toThrow();
  });

  it('refuses a Flate bomb in a content stream', () => {
    expect(() => checkPdf(makePdfBomb(100))).toThrow(/PDF 中有数据流解压后超过 64 MB/);
  });

  it('refuses a bomb that calls itself an image, and one wrapped in two Flate layers', () => {
    const asImage = Buffer.from(
      makePdfBomb(100).toString('latin1').replace('/Filter /FlateDecode', '/Subtype /Image /Filter /FlateDecode'),
      'latin1',
    );
    expect(() => checkPdf(asImage)).toThrow(DocumentLimitError);
    const inner = flate(' '.repeat(8 * 1024 * 1024));
    const twice = flate(inner.toString('latin1'));
    const pdf = Buffer.concat([
      Buffer.from(
        `%PDF-1.7\n4 0 obj\n<< /Length ${twice.length} /Filter [/FlateDecode /FlateDecode] >>\nstream\n`,
        'latin1',
      ),
      twice,
      Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
    ]);
    expect(() => checkPdf(pdf)).not.toThrow();
    expect(() => checkPdf(pdf, { maxStreamBytes: 4 * 1024 * 1024 })).toThrow(/解压后超过 4 MB/);
  });

  it('caps the total over many streams and the object count', () => {
    expect(() => checkPdf(makePdfBomb(48), { maxTotalBytes: 32 * 1024 * 1024 })).toThrow(/解压后的内容超过 32 MB/);
    const objects = Buffer.from(`%PDF-1.7\n${'1 0 obj\nnull\nendobj\n'.repeat(1001)}`, 'latin1');
    expect(() => checkPdf(objects, { maxObjects: 1000 })).toThrow(/对象数超过上限 1000/);
  });
});
