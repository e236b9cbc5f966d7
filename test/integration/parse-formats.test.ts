// Real Chromium (PDF rendering), real pdfjs, real docx + mammoth: the same report in every format
// must parse to the same numbers.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnnualReport,
  APPLICANT_COLUMNS,
  APPLICATION_ROWS_2021,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
} from '../../shared/report/model.ts';
import { parseHtml, parseReport } from '../../shared/report/parse.ts';
import { makeDocx } from '../support/make-docx.ts';
import { closePdfRenderer, renderPdf } from '../support/render-pdf.ts';

const FIXTURE = readFileSync(new URL('../fixtures/reports/template-2021.html', import.meta.url), 'utf8');

function numbers(report: AnnualReport): (number | null | undefined)[] {
  const out: (number | null | undefined)[] = [];
  for (const row of APPLICATION_ROWS_2021)
    for (const col of APPLICANT_COLUMNS) out.push(report.applications?.[row]?.[col]?.value);
  for (const group of REVIEW_GROUPS) for (const col of REVIEW_COLUMNS) out.push(report.reviews?.[group]?.[col]?.value);
  const active = report.activeDisclosure;
  out.push(
    active?.normativeDocs?.issued?.value,
    active?.normativeDocs?.repealed?.value,
    active?.normativeDocs?.inForce?.value,
    active?.licensing?.decisions?.value,
    active?.penalty?.decisions?.value,
    active?.enforcement?.decisions?.value,
    active?.fees?.amount?.value,
  );
  return out;
}

/** The fixture's tables as plain grids (no merged cells), the way many agencies type them in Word. */
function plainTables(): string[][][] {
  const v = (...values: number[]) => values.map(String);
  const zeros = v(0, 0, 0, 0, 0, 0, 0);
  const section2 = [
    ['第二十条第（一）项', '', '', ''],
    ['信息内容', '本年制发件数', '本年废止件数', '现行有效件数'],
    ['规章', '0', '0', '0'],
    ['行政规范性文件', '6', '28', '36'],
    ['第二十条第（五）项', '', '', ''],
    ['信息内容', '本年处理决定数量', '', ''],
    ['行政许可', '32583', '', ''],
    ['第二十条第（六）项', '', '', ''],
    ['信息内容', '本年处理决定数量', '', ''],
    ['行政处罚', '5403', '', ''],
    ['行政强制', '4', '', ''],
    ['第二十条第（八）项', '', '', ''],
    ['信息内容', '本年收费金额（单位：万元）', '', ''],
    ['行政事业性收费', '57.2343', '', ''],
  ];
  const items: [string, string, string[]][] = [
    ['（三）不予公开', '1.属于国家秘密', v(3, 0, 0, 0, 0, 0, 3)],
    ['', '2.其他法律行政法规禁止公开', zeros],
    ['', '3.危及“三安全一稳定”', zeros],
    ['', '4.保护第三方合法权益', v(3, 0, 0, 0, 0, 0, 3)],
    ['', '5.属于三类内部事务信息', zeros],
    ['', '6.属于四类过程性信息', zeros],
    ['', '7.属于行政执法案卷', zeros],
    ['', '8.属于行政查询事项', zeros],
    ['（四）无法提供', '1.本机关不掌握相关政府信息', v(34, 0, 0, 0, 0, 0, 34)],
    ['', '2.没有现成信息需要另行制作', v(1, 0, 0, 0, 0, 0, 1)],
    ['', '3.补正后申请内容仍不明确', zeros],
    ['（五）不予处理', '1.信访举报投诉类申请', zeros],
    ['', '2.重复申请', zeros],
    ['', '3.要求提供公开出版物', zeros],
    ['', '4.无正当理由大量反复申请', zeros],
    ['', '5.要求行政机关确认或重新出具已获取信息', zeros],
    ['（六）其他处理', '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请', zeros],
    ['', '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请', zeros],
    ['', '3.其他', zeros],
  ];
  const section3 = [
    [
      '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）',
      '',
      '',
      '申请人情况',
      '',
      '',
      '',
      '',
      '',
      '',
    ],
    ['', '', '', '自然人', '法人或其他组织', '', '', '', '', '总计'],
    ['', '', '', '', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他', ''],
    ['一、本年新收政府信息公开申请数量', '', '', ...v(88, 2, 0, 0, 0, 9, 99)],
    ['二、上年结转政府信息公开申请数量', '', '', ...zeros],
    ['三、本年度办理结果', '（一）予以公开', '', ...v(37, 0, 0, 0, 0, 9, 46)],
    ['', '（二）部分公开（区分处理的，只计这一情形，不计其他情形）', '', ...v(9, 2, 0, 0, 0, 0, 11)],
    ...items.map(([group, item, values]) => ['', group, item, ...values]),
    ['', '（七）总计', '', ...v(87, 2, 0, 0, 0, 9, 98)],
    ['四、结转下年度继续办理', '', '', ...v(1, 0, 0, 0, 0, 0, 1)],
  ];
  const heads = ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'];
  const section4 = [
    ['行政复议', '', '', '', '', '行政诉讼', '', '', '', '', '', '', '', '', ''],
    [...heads, '未经复议直接起诉', '', '', '', '', '复议后起诉', '', '', '', ''],
    ['', '', '', '', '', ...heads, ...heads],
    v(1, 0, 0, 0, 1, 0, 0, 2, 0, 2, 0, 0, 0, 1, 1),
  ];
  return [section2, section3, section4];
}

describe('one report in HTML, PDF and DOCX', () => {
  const fromHtml = parseHtml(FIXTURE);
  let pdfBytes: Uint8Array;

  beforeAll(async () => {
    pdfBytes = await renderPdf(FIXTURE);
  }, 60_000);

  afterAll(async () => {
    await closePdfRenderer();
  });

  it('the HTML parse is complete (the reference for the others)', () => {
    expect(numbers(fromHtml).every((n) => typeof n === 'number')).toBe(true);
  });

  it('parses the Chromium-rendered PDF to the same numbers, agency and year', async () => {
    const report = await parseReport({ bytes: pdfBytes, fileName: 'report.pdf', contentType: 'application/pdf' });
    expect(report.format).toBe('pdf');
    expect(report.agency).toBe('卢氏县人民政府');
    expect(report.year).toBe(2024);
    expect(report.template).toBe('2021');
    expect(numbers(report)).toEqual(numbers(fromHtml));
    expect(report.notes).toEqual([]);
    // PDF values point at lines of the extracted text.
    const at = report.applications?.granted?.total?.at;
    expect(at?.raw).toBe('46');
    expect(report.text.split('\n')[(at?.line ?? 0) - 1]).toContain('予以公开');
  });

  it('parses a DOCX with the same tables (unmerged cells) to the same numbers', async () => {
    const docx = await makeDocx({
      title: '卢氏县人民政府2024年政府信息公开工作年度报告',
      paragraphs: [
        '一、总体情况',
        '2024 年受理依申请公开办理件 99 件。',
        '二、主动公开政府信息情况',
        '{{table:0}}',
        '三、收到和处理政府信息公开申请情况',
        '{{table:1}}',
        '四、政府信息公开行政复议、行政诉讼情况',
        '{{table:2}}',
        '五、存在的主要问题及改进情况',
        '一是政府网站运维监管仍需强化。',
        '六、其他需要报告的事项',
        '无。',
      ],
      tables: plainTables(),
    });
    const report = await parseReport({ bytes: docx, fileName: 'report.docx' });
    expect(report.format).toBe('docx');
    expect(report.agency).toBe('卢氏县人民政府');
    expect(report.year).toBe(2024);
    expect(numbers(report)).toEqual(numbers(fromHtml));
    expect(report.notes).toEqual([]);
    expect(report.applications?.granted?.other?.at).toMatchObject({ table: 1, col: 8, raw: '9' });
  });

  it('reports a PDF without a text layer as no-text, not as an empty report', async () => {
    const scan = await renderPdf(
      '<html><body><div style="width:400px;height:600px;background:#333;-webkit-print-color-adjust:exact"></div></body></html>',
    );
    const report = await parseReport({ bytes: scan, fileName: 'scan.pdf' });
    expect(report.notes[0]?.kind).toBe('no-text');
    expect(report.notes.some((n) => n.kind === 'section-missing')).toBe(false);
  });

  it('reports a damaged PDF as an extraction failure', async () => {
    const damaged = pdfBytes.slice(0, 2000);
    const report = await parseReport({ bytes: damaged, fileName: 'cut.pdf' });
    expect(report.format).toBe('pdf');
    expect(report.notes.some((n) => n.kind === 'extraction-failed' || n.kind === 'no-text')).toBe(true);
  });
});
