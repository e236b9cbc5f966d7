import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../shared/report/detect-format.ts';
import { APPLICANT_COLUMNS } from '../../shared/report/model.ts';
import { normalizeText, utf8MayNeedCleanup } from '../../shared/report/normalize.ts';
import { parseReport, parseText } from '../../shared/report/parse.ts';
import { decodeBody } from '../../shared/text/charset.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/reports/${name}`, import.meta.url)));
const SEED_003 = readFileSync(new URL('../../demo/seeds/003_4ecb60390e8643c1.txt', import.meta.url), 'utf8');

describe('detectFormat', () => {
  const html = new TextEncoder().encode('<!DOCTYPE html><html><body>报告</body></html>');
  it.each([
    ['%PDF magic', new TextEncoder().encode('%PDF-1.7\n'), {}, 'pdf'],
    ['%PDF after leading junk', new TextEncoder().encode('\r\n  %PDF-1.4\n'), {}, 'pdf'],
    ['zip magic', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0]), {}, 'docx'],
    ['OLE2 magic', Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]), {}, 'doc'],
    ['HTML served as PDF (an error page)', html, { contentType: 'application/pdf' }, 'html'],
    ['HTML sniffed without hints', html, {}, 'html'],
    ['plain text by name', new TextEncoder().encode('一、总体情况'), { fileName: 'a.txt' }, 'text'],
    ['.doc by name', new TextEncoder().encode('???'), { fileName: 'a.DOC' }, 'doc'],
  ] as const)('%s', (_name, bytes, hints, expected) => {
    expect(detectFormat(bytes, hints)).toBe(expected);
  });
});

describe('decodeBody (the one decoder, as the parser uses it)', () => {
  it('honours a UTF-8 BOM', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('报告')]);
    expect(decodeBody(bytes)).toMatchObject({ text: '报告', charset: 'utf-8' });
  });

  it('falls back to GB18030 when the bytes are not UTF-8', () => {
    const decoded = decodeBody(fixture('seed-003-gb18030.txt'));
    expect(decoded.charset).toBe('gb18030');
    expect(decoded.text).toBe(SEED_003);
  });

  it('uses the charset of a <meta> tag', () => {
    const decoded = decodeBody(fixture('gbk-page.html'));
    expect(decoded.charset).toBe('gb18030');
    expect(decoded.text).toContain('隆德县山河乡');
  });
});

describe('parseReport', () => {
  it("reads a UTF-8 page whose template still declares GB2312 (the parser's old decoder believed the <meta>)", async () => {
    const html = `<html><head><meta charset="gb2312"><title>年度报告</title></head><body><pre>${SEED_003}</pre></body></html>`;
    const report = await parseReport({ bytes: new TextEncoder().encode(html), fileName: 'r.html' });
    expect(report.agency).toBe('隆德县山河乡');
    expect(report.year).toBe(2023);
  });

  it('parses a GB18030 text file to the same report as its UTF-8 original', async () => {
    const report = await parseReport({ bytes: fixture('seed-003-gb18030.txt'), fileName: 'r.txt' });
    expect(report.agency).toBe('隆德县山河乡');
    expect(report.year).toBe(2023);
    expect(report.applications).toEqual(parseText(SEED_003).applications);
  });

  it('parses a GBK page whose charset is only in <meta>', async () => {
    const report = await parseReport({ bytes: fixture('gbk-page.html'), contentType: 'text/html' });
    expect(report.format).toBe('html');
    expect(report.agency).toBe('隆德县山河乡');
    expect(report.applications?.received?.total?.value).toBe(0);
  });
});

describe('utf8MayNeedCleanup (lets UTF-8 text skip the clean-up regex)', () => {
  it('is true for every BMP character normalizeText changes, alone and inside Chinese text', () => {
    let changed = 0;
    for (let code = 0; code < 0x10000; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const ch = String.fromCharCode(code);
      if (ch === '\r' || normalizeText(ch) === ch) continue;
      changed++;
      expect(utf8MayNeedCleanup(Buffer.from(ch)), `U+${code.toString(16)}`).toBe(true);
      expect(utf8MayNeedCleanup(Buffer.from(`政府“信息”公开${ch}—年度报告`)), `U+${code.toString(16)}`).toBe(true);
    }
    expect(changed).toBeGreaterThan(250);
  });

  it('is false for the seeds, so they skip the regex, and parsing them with the hint changes nothing', async () => {
    const bytes = new TextEncoder().encode(SEED_003);
    expect(utf8MayNeedCleanup(bytes)).toBe(false);
    const report = await parseReport({ bytes, fileName: 'r.txt' });
    expect(report).toEqual(parseText(SEED_003));
  });

  it('still cleans a UTF-8 text that holds ideographic spaces and radicals', async () => {
    const report = await parseReport({
      bytes: new TextEncoder().encode(`${SEED_003}\n政府信息公开\u3000⽂件`),
      fileName: 'r.txt',
    });
    expect(report.text.endsWith('政府信息公开 文件')).toBe(true);
  });
});

describe('template versions', () => {
  const report2019 = parseText(readFileSync(new URL('../fixtures/reports/template-2019.txt', import.meta.url), 'utf8'));

  it('detects the 2019 trial layout', () => {
    expect(report2019.template).toBe('2019');
    expect(report2019.year).toBe(2020);
    expect(report2019.agency).toBe('示范县交通运输局');
  });

  it('maps 2019 section 二 columns onto the model ids', () => {
    const active = report2019.activeDisclosure;
    expect(active?.normativeDocs).toMatchObject({
      issued: { value: 2 },
      published: { value: 2 },
      inForce: { value: 15 },
    });
    expect(active?.licensing).toMatchObject({
      previousYear: { value: 10 },
      added: { value: -1 },
      decisions: { value: 120 },
    });
    expect(active?.otherServices?.decisions?.value).toBe(0);
    expect(active?.fees).toMatchObject({ previousYear: { value: 3 }, added: { value: 0 } });
    expect(active?.procurement).toMatchObject({ projects: { value: 4 }, amount: { value: 120.5 } });
    expect(report2019.labelDeviations).toEqual([]);
  });

  it('reads the single （六）其他处理 row and does not miss （六）1–3', () => {
    expect(APPLICANT_COLUMNS.map((c) => report2019.applications?.otherHandling?.[c]?.value)).toEqual([
      0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(report2019.applications?.['otherHandling.1']).toBeUndefined();
    expect(report2019.notes).toEqual([]);
  });

  it('falls back to the statistics period when the title has no year', () => {
    const text = SEED_003.replace(
      '隆德县山河乡 2023 年政府信息公开工作年度报告',
      '隆德县山河乡政府信息公开工作年度报告',
    );
    const report = parseText(text);
    expect(report.agency).toBe('隆德县山河乡');
    expect(report.year).toBe(2023);
  });

  it('reads titles split over lines and in year-first order', () => {
    const split = parseText('\n卢氏县工业和信息化和科技局\n2023 年政府信息公开\n工作年度报告\n\n一、总体情况\n');
    expect(split).toMatchObject({ agency: '卢氏县工业和信息化和科技局', year: 2023 });
    const yearFirst = parseText('2022年卢氏县文化广电和旅游局政府信息公开工作年度报告\n一、总体情况\n');
    expect(yearFirst).toMatchObject({ agency: '卢氏县文化广电和旅游局', year: 2022 });
  });
});

describe('section headings', () => {
  it('accepts the real-world heading variants of TEMPLATE.md', () => {
    const text = [
      '某县某局2023年政府信息公开工作年度报告',
      '一、总体情况',
      '二、主动公开政府信息情况',
      '三、收到和处理政府信息公开申请情况',
      '四、因政府信息公开工作被申请行政复议和提起行政诉讼情况',
      '五、存在问题及改进情况',
      '六、其他需要报告的事项',
    ].join('\n');
    const report = parseText(text);
    expect(Object.keys(report.sections)).toHaveLength(6);
    expect(report.sections.四?.heading).toBe('四、因政府信息公开工作被申请行政复议和提起行政诉讼情况');
  });

  it('splits a heading run together with its first sentence', () => {
    const report = parseText(
      '某县某局2023年政府信息公开工作年度报告\n一、总体情况2023年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息 23 条，进一步提升了政务公开质量和水平。\n',
    );
    expect(report.sections.一?.heading).toBe('一、总体情况');
    expect(report.sections.一?.text.startsWith('2023年，我局')).toBe(true);
  });

  it('does not take table row labels for headings', () => {
    const report = parseText(
      '三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\n四、结转下年度继续办理\n',
    );
    expect(Object.keys(report.sections)).toEqual(['三']);
  });
});

describe('extraction damage in prose', () => {
  it('notes a date that lost its 年 and still reads the statistics period', () => {
    const report = parseText(
      '某县某局政府信息公开工作年度报告\n一、总体情况\n本报告统计期限自20231月1日起至202312月31日止。\n',
    );
    expect(report.year).toBe(2023);
    const damage = report.notes.find((n) => n.kind === 'extraction-damage');
    expect(damage).toMatchObject({ section: '一', at: { line: 3, raw: '20231月1日' } });
  });

  it('leaves well-formed dates alone', () => {
    expect(
      parseText('二〇二三年\n本报告统计期限自2023年1月1日起至2023年12月31日止。').notes.some(
        (n) => n.kind === 'extraction-damage',
      ),
    ).toBe(false);
  });
});
