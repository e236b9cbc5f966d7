import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APPLICANT_COLUMNS, SECTION_IDS } from '../../shared/report/model.ts';
import { MAX_TEXT_CHARS, parseHtml, parseReport, parseText } from '../../shared/report/parse.ts';

const SEED_002 = readFileSync(new URL('../fixtures/seeds/002_4ae575586cf2a2c2.txt', import.meta.url), 'utf8');

/** Deterministic pseudo-random generator (mulberry32) so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  ...'0123456789\t\t\t\n\n /—-.一二三四五六、（）()年报告政府信息公开申请总计其他予以不掌握国家秘密行政复议诉讼规章许可处罚',
];

function randomText(length: number, seed: number): string {
  const next = random(seed);
  const parts: string[] = [];
  for (let i = 0; i < length; i++) parts.push(ALPHABET[Math.floor(next() * ALPHABET.length)] as string);
  return parts.join('');
}

describe('parser robustness', () => {
  it('reads an empty input as a report that says what is missing', () => {
    const report = parseText('');
    expect(report.agency).toBeNull();
    expect(report.year).toBeNull();
    expect(report.applications).toBeNull();
    expect(report.notes.filter((n) => n.kind === 'section-missing').map((n) => n.section)).toEqual([...SECTION_IDS]);
    expect(report.notes.filter((n) => n.kind === 'table-missing')).toHaveLength(3);
  });

  it('reads a truncated report: what is there is kept, the rest is noted', () => {
    const cut = SEED_002.slice(0, SEED_002.indexOf('(六) 其他处理') + 3);
    const report = parseText(cut);
    expect(report.agency).toBe('卢氏县人民政府');
    expect(report.applications?.received?.total?.value).toBe(99);
    expect(report.sections.四).toBeUndefined();
    expect(report.notes.some((n) => n.kind === 'section-missing' && n.section === '四')).toBe(true);
    expect(report.notes.some((n) => n.kind === 'row-unreadable' && n.row === 'outcomeTotal')).toBe(true);
    expect(report.notes.some((n) => n.kind === 'table-missing' && n.section === '四')).toBe(true);
  });

  it.each([1, 2, 3, 4, 5])('never throws on random table-like text (seed %i)', (seed) => {
    const report = parseText(randomText(20_000, seed));
    expect(report.format).toBe('text');
    for (const row of Object.values(report.applications ?? {})) {
      for (const col of APPLICANT_COLUMNS) {
        const cell = row?.[col];
        if (cell && cell.value === null) expect(cell.inferred).toBeUndefined();
      }
    }
  });

  it('cuts a huge input (5 MB of random text) and says so', () => {
    const huge = randomText(100_000, 42).repeat(50);
    const report = parseText(huge);
    expect(report.notes[0]).toMatchObject({ kind: 'input-truncated' });
    expect(report.text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
  });

  it('stays linear on inputs built against regexes and loops', () => {
    const hostile = [
      `${'年'.repeat(200_000)}报告`,
      `统计${' '.repeat(200_000)}2023年`,
      `一、${'总'.repeat(100_000)}`,
      `三、收到和处理政府信息公开申请情况\n${'1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0\n'.repeat(20_000)}`,
      `四、政府信息公开行政复议、行政诉讼情况\n${'0\t'.repeat(300_000)}`,
      `${'\t'.repeat(500_000)}\n${'1,'.repeat(100_000)}1`,
    ];
    for (const text of hostile) {
      const report = parseText(text);
      expect(report.notes.length).toBeLessThan(100);
    }
  });

  it('notes a repeated row once and keeps the first values', () => {
    const text = [
      '三、收到和处理政府信息公开申请情况',
      '\t(一) 予以公开\t1\t0\t0\t0\t0\t0\t1',
      '\t(一) 予以公开\t5\t0\t0\t0\t0\t0\t5',
      '\t(一) 予以公开\t6\t0\t0\t0\t0\t0\t6',
    ].join('\n');
    const report = parseText(text);
    expect(report.applications?.granted?.total?.value).toBe(1);
    expect(report.notes.filter((n) => n.kind === 'extraction-damage' && n.row === 'granted')).toHaveLength(1);
  });

  it('reads "/", "—", "－" and a gap between values as unknown, never 0', () => {
    const text = ['三、收到和处理政府信息公开申请情况', '一、本年新收政府信息公开申请数量\t\t2\t/\t—\t－\t\t-\t2'].join(
      '\n',
    );
    const row = parseText(text).applications?.received;
    expect(row?.natural).toEqual({ value: 2, at: { line: 2, raw: '2' } });
    expect(row?.business).toEqual({ value: null, blank: true, at: { line: 2, raw: '/' } });
    expect(row?.research).toMatchObject({ value: null, blank: true, at: { raw: '—' } });
    expect(row?.nonprofit).toMatchObject({ value: null, blank: true, at: { raw: '－' } });
    expect(row?.legal).toMatchObject({ value: null, blank: true, at: { raw: '' } });
    expect(row?.other).toMatchObject({ value: null, blank: true, at: { raw: '-' } });
    expect(row?.total?.value).toBe(2);
  });

  it('does not infer a lost column that arithmetic cannot pin down', () => {
    // Header complete, row short by one: which column was lost is unknown, so nothing is guessed.
    const text = [
      '三、收到和处理政府信息公开申请情况',
      '\t\t自然人\t法人或其他组织\t\t\t\t\t总计',
      '\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他',
      '一、本年新收政府信息公开申请数量\t5\t1\t0\t0\t2\t8',
    ].join('\n');
    const report = parseText(text);
    const row = report.applications?.received;
    expect(row?.natural?.value).toBe(5);
    expect(row?.total?.value).toBe(8);
    for (const col of ['business', 'research', 'nonprofit', 'legal', 'other'] as const) {
      expect(row?.[col]?.value, col).toBeNull();
    }
    expect(report.notes.some((n) => n.kind === 'column-missing' && n.row === 'received')).toBe(true);
    expect(report.notes.some((n) => n.kind === 'value-inferred')).toBe(false);
  });

  it('survives random HTML', () => {
    const next = random(7);
    const tags = [
      '<table>',
      '</table>',
      '<tr>',
      '<td rowspan="3">',
      '<td colspan="9">',
      '</td>',
      '<p>',
      '<br>',
      '<div>',
      '一、总体情况',
      '0',
      '予以公开',
    ];
    const parts: string[] = [];
    for (let i = 0; i < 20_000; i++) parts.push(tags[Math.floor(next() * tags.length)] as string);
    const report = parseHtml(parts.join(''));
    expect(report.format).toBe('html');
  });

  it.each([
    ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251), 'x.bin', 'extraction-failed'],
    [
      'a truncated Word file',
      Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      'r.doc',
      'extraction-failed',
    ],
    [
      'a zip that is not a DOCX',
      Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]),
      'r.docx',
      'extraction-failed',
    ],
    ['a PDF header and garbage', new TextEncoder().encode('%PDF-1.7\n garbage garbage'), 'r.pdf', 'extraction-failed'],
  ] as const)('parseReport turns %s into a note', async (_name, bytes, fileName, kind) => {
    const report = await parseReport({ bytes, fileName });
    expect(report.notes[0]?.kind).toBe(kind);
  });
});

describe('a column lost in extraction with the header intact', () => {
  const header = [
    '三、收到和处理政府信息公开申请情况',
    '\t\t自然人\t法人或其他组织\t\t\t\t\t总计',
    '\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他',
  ];
  const zeros = '0\t0\t0\t0\t0\t0\t0';
  const items = [
    '(二) 部分公开',
    '1.属于国家秘密',
    '2.其他法律行政法规禁止公开',
    '3.危及“三安全一稳定”',
    '4.保护第三方合法权益',
    '5.属于三类内部事务信息',
    '6.属于四类过程性信息',
    '7.属于行政执法案卷',
    '8.属于行政查询事项',
    '1.本机关不掌握相关政府信息',
    '2.没有现成信息需要另行制作',
    '3.补正后申请内容仍不明确',
    '1.信访举报投诉类申请',
    '2.重复申请',
    '3.要求提供公开出版物',
    '4.无正当理由大量反复申请',
    '5.要求行政机关确认或重新出具已获取信息',
    '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请',
    '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请',
  ];
  function table(grantedRow: string): string {
    return [
      ...header,
      '一、本年新收政府信息公开申请数量\t3\t1\t2\t0\t0\t0\t6',
      `二、上年结转政府信息公开申请数量\t${zeros}`,
      `三、本年度办理结果\t(一) 予以公开\t${grantedRow}`,
      ...items.map((label) => `\t${label}\t${zeros}`),
      `\t(六) 其他处理\t3.其他\t${zeros}`,
      '(七) 总计\t3\t1\t2\t0\t0\t0\t6',
      `四、结转下年度继续办理\t${zeros}`,
    ].join('\n');
  }

  it('finds the lost column by the table arithmetic and infers its value', () => {
    // 予以公开 is really 3 1 2 0 0 0 6; the 科研机构 value was lost.
    const report = parseText(table('3\t1\t0\t0\t0\t6'));
    const granted = report.applications?.granted;
    expect(APPLICANT_COLUMNS.map((c) => granted?.[c]?.value)).toEqual([3, 1, 2, 0, 0, 0, 6]);
    expect(granted?.research?.inferred).toBe(true);
    expect(report.notes.find((n) => n.kind === 'column-missing' && n.row === 'granted')?.column).toBe('科研机构');
    expect(report.notes.some((n) => n.kind === 'value-inferred' && n.row === 'granted')).toBe(true);
  });

  it('leaves the row unknown when several columns fit the arithmetic', () => {
    // All applicant columns but 自然人 are 0 everywhere: any of them could be the lost one, and the
    // values agree anyway, so the row is placed; make it ambiguous with a non-zero middle value instead.
    const ambiguous = table('3\t1\t0\t0\t0\t4').replace(
      '(七) 总计\t3\t1\t2\t0\t0\t0\t6',
      '(七) 总计\t3\t—\t—\t—\t—\t—\t4',
    );
    const report = parseText(ambiguous);
    expect(report.applications?.granted?.business?.value).toBeNull();
    expect(report.notes.some((n) => n.kind === 'row-unreadable' && n.row === 'granted')).toBe(true);
    expect(report.notes.some((n) => n.kind === 'value-inferred')).toBe(false);
  });
});

describe('PDF page furniture', () => {
  it('skips page numbers between table rows and a header repeated after a page break', () => {
    const text = [
      '三、收到和处理政府信息公开申请情况',
      '\t\t自然人\t法人或其他组织\t\t\t\t\t总计',
      '\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他',
      '一、本年新收政府信息公开申请数量\t\t2\t0\t0\t0\t0\t0\t2',
      '二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0',
      '三、本年度办理结果\t(一) 予以公开\t2\t0\t0\t0\t0',
      '— 3 —',
      '',
      '第 4 页 共 9 页',
      '\t\t自然人\t法人或其他组织\t\t\t\t\t总计',
      '0\t2',
      '(七) 总计\t2\t0\t0\t0\t0\t0\t2',
    ].join('\n');
    const report = parseText(text);
    expect(APPLICANT_COLUMNS.map((c) => report.applications?.granted?.[c]?.value)).toEqual([2, 0, 0, 0, 0, 0, 2]);
    expect(report.applications?.outcomeTotal?.total?.value).toBe(2);
    expect(report.notes.filter((n) => n.row === 'outcomeTotal')).toEqual([]);
  });
});
