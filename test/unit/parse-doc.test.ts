// Word 97 .doc and WPS .wps: made by LibreOffice from a DOCX with the template's merged cells
// (test/fixtures/doc/make-doc.ts), read back with word-extractor through the text path.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectDocumentType } from '../../shared/fetch/article.ts';
import { processSnapshot } from '../../shared/pipeline/process-snapshot.ts';
import { detectFormat } from '../../shared/report/detect-format.ts';
import { rowsFromWordTabs, withoutRepeatedTail } from '../../shared/report/extract/doc.ts';
import { APPLICANT_COLUMNS, APPLICATION_ROWS_2021, REVIEW_COLUMNS, REVIEW_GROUPS } from '../../shared/report/model.ts';
import { parseReport } from '../../shared/report/parse.ts';
import { analyseReport } from '../../shared/rules/validate.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { putSnapshot } from '../../shared/storage/snapshot.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/doc/${name}`, import.meta.url));
const expected = JSON.parse(fixture('report-2023.json').toString('utf8')) as {
  agency: string;
  year: number;
  blanks: { row: string; column: string }[];
  values: {
    applications: Record<string, Record<string, number>>;
    reviews: Record<string, Record<string, number>>;
    active: { normativeDocs: { issued: number; repealed: number; inForce: number }; licensing: number };
  };
};

describe('.doc made by LibreOffice from a DOCX with merged cells', () => {
  it.each(['report-2023.doc', 'report-2023.wps'])('%s: every cell of 三 and 四 right, blanks unknown', async (name) => {
    const report = await parseReport({ bytes: fixture(name), fileName: name });
    expect(report.format).toBe(name.endsWith('.wps') ? 'wps' : 'doc');
    expect(report.agency).toBe(expected.agency);
    expect(report.year).toBe(expected.year);
    expect(report.template).toBe('2021');
    let cells = 0;
    for (const row of APPLICATION_ROWS_2021) {
      for (const column of APPLICANT_COLUMNS) {
        const blank = expected.blanks.some((b) => b.row === row && b.column === column);
        const cell = report.applications?.[row]?.[column];
        expect(cell?.value, `${row} × ${column}`).toBe(blank ? null : expected.values.applications[row]?.[column]);
        if (blank) expect(cell?.blank).toBe(true);
        cells++;
      }
    }
    for (const group of REVIEW_GROUPS) {
      for (const column of REVIEW_COLUMNS) {
        expect(report.reviews?.[group]?.[column]?.value, `${group} × ${column}`).toBe(
          expected.values.reviews[group]?.[column],
        );
        cells++;
      }
    }
    expect(cells).toBe(190);
    expect(report.activeDisclosure?.normativeDocs?.inForce?.value).toBe(expected.values.active.normativeDocs.inForce);
    expect(report.activeDisclosure?.licensing?.decisions?.value).toBe(expected.values.active.licensing);
  });

  it('finds the header typo and the blanks, and nothing at error severity', async () => {
    const { findings } = await analyseReport({ bytes: fixture('report-2023.doc'), fileName: 'report-2023.doc' });
    const rules = findings.map((f) => f.rule);
    expect(findings.find((f) => f.rule === 'template.label-deviation')?.actual).toBe('本年度止件数');
    expect(rules).toContain('struct.blank-cell');
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(rules.filter((r) => r.startsWith('meta.') || r === 'extract.damage')).toEqual([]);
  });

  it('an OLE .wps in Kingsoft’s own format: one clear finding, first, and nothing blaming the agency', async () => {
    const { report, findings } = await analyseReport({
      bytes: fixture('legacy-kingsoft.wps'),
      fileName: 'legacy-kingsoft.wps',
    });
    expect(report.format).toBe('wps');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.rule).toBe('extract.failed');
    expect(findings[0]?.message).toContain('WPS');
  });
});

describe('format detection: one sniffer', () => {
  const ole = fixture('report-2023.doc');
  it('an OLE compound file is doc, or wps by its name; never docx', () => {
    expect(detectFormat(ole, { fileName: 'a.doc' })).toBe('doc');
    expect(detectFormat(ole, { fileName: 'a.wps' })).toBe('wps');
    expect(detectFormat(ole, {})).toBe('doc');
    expect(detectFormat(new TextEncoder().encode('<html><body>x</body></html>'), { fileName: 'a.doc' })).toBe('html');
  });
  it('the fetcher names .doc and .wps attachments by the same magic bytes', () => {
    expect(detectDocumentType(ole, 'application/octet-stream', null, 'https://x.gov.cn/a/report.wps').kind).toBe('wps');
    expect(detectDocumentType(ole, 'application/msword', null, 'https://x.gov.cn/a/report').kind).toBe('doc');
  });
});

describe('rowsFromWordTabs', () => {
  it('puts rows run together by the row mark back on their own lines, keeping inner blanks', () => {
    const text =
      '表\n\t\t其他\t\t\t一、本年新收\t1\t\t3\t\t二、上年结转\t0\t0\t\t\t（三）不予公开\t1.属于国家秘密\t0\t0\t\t四、复议\n';
    expect(rowsFromWordTabs(text).split('\n')).toEqual([
      '表',
      '其他\t',
      '一、本年新收\t1\t\t3\t',
      '二、上年结转\t0\t0\t',
      '（三）不予公开\t1.属于国家秘密\t0\t0\t',
      '四、复议',
      '',
    ]);
  });
  it('splits a header row from the value row after it', () => {
    expect(rowsFromWordTabs('结果维持\t总计\t\t0\t1\t\n')).toBe('结果维持\t总计\t\n0\t1\t\n');
  });
  it('drops a tail word-extractor wrote twice, and nothing else', () => {
    const head = Array.from({ length: 20 }, (_, i) => `一、总体情况第 ${i} 段\n`).join('');
    const tail = Array.from({ length: 9 }, (_, i) => `三、收到和处理政府信息公开申请情况 ${i}\n`).join('');
    expect(withoutRepeatedTail(head + tail + tail)).toBe(head + tail);
    expect(withoutRepeatedTail(head + tail)).toBe(head + tail);
  });
});

describe('the pipeline takes .doc and .wps attachments', () => {
  it.each([
    ['report-2023.doc', 'application/msword', 'doc'],
    ['report-2023.wps', 'application/octet-stream', 'wps'],
  ])('%s: stored under the ext the fetcher names, parsed as %s', async (name, contentType, format) => {
    const dir = await mkdtemp(join(tmpdir(), 'nianbao-doc-'));
    try {
      const store = new FileSystemStore(dir);
      const bytes = fixture(name);
      const url = `http://127.0.0.1/files/${name}`;
      const type = detectDocumentType(bytes, contentType, null, url);
      expect(type.ext).toBe(format);
      const put = await putSnapshot(store, {
        year: 2023,
        agencyId: 'mou-xian',
        bytes,
        ext: type.ext,
        meta: {
          url,
          pageUrl: 'http://127.0.0.1/article.html',
          title: null,
          fetchedAt: '2024-02-01T00:00:00.000Z',
          publishDate: '2024-01-20T10:00:00+08:00',
          publishDateSource: 'meta-pubdate',
          otherDates: [],
          contentType,
          charset: null,
          headers: {},
        },
      });
      const result = await processSnapshot(store, put.key, { now: () => new Date('2024-03-01T00:00:00Z') });
      expect(result.report?.format).toBe(format);
      expect(result.report?.applications?.received?.total?.value).toBe(expected.values.applications.received?.total);
      expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
