// Narrative rules reading counts written in Chinese numerals or full-width digits, and "none" in words.
import { describe, expect, it } from 'vitest';
import { type AnnualReport, type Cell, REVIEW_GROUP_LABELS } from '../../shared/report/model.ts';
import { parseText } from '../../shared/report/parse.ts';
import { countAt, parseCount } from '../../shared/rules/chinese-numerals.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { validateReport } from '../../shared/rules/validate.ts';
import { generateReport, renderText, reportFromValues } from '../support/report-generator.ts';
import { SEED_FILES, seedText } from '../support/seeds.ts';

const DIGITS = '零一二三四五六七八九';

/** n (< 100,000,000) in standard Chinese numerals: 11 → 十一, 105 → 一百零五, 12000 → 一万二千. */
function toChinese(n: number): string {
  if (n === 0) return '零';
  const below10k = (value: number, leading: boolean): string => {
    let out = '';
    let zero = false;
    for (const [unit, name] of [
      [1000, '千'],
      [100, '百'],
      [10, '十'],
      [1, ''],
    ] as const) {
      const digit = Math.floor(value / unit) % 10;
      if (digit === 0) {
        if (out !== '' || !leading) zero = true;
        continue;
      }
      if (zero && (out !== '' || !leading)) out += '零';
      zero = false;
      // 十一, not 一十一, at the very start.
      out += unit === 10 && digit === 1 && out === '' && leading ? '十' : `${DIGITS[digit]}${name}`;
    }
    return out;
  };
  if (n < 10_000) return below10k(n, true);
  const rest = n % 10_000;
  return `${below10k(Math.floor(n / 10_000), true)}万${rest === 0 ? '' : below10k(rest, false)}`;
}

const narrativeFindings = (findings: Finding[]) => findings.filter((finding) => finding.rule.startsWith('narrative.'));

function consistentReport(seed = 11): AnnualReport {
  return reportFromValues(generateReport(seed, { maxReceived: 30 }));
}

function withNarrative(text: string, report = consistentReport()): AnnualReport {
  (report.sections.一 as { text: string }).text = text;
  return report;
}

function setTotal(cell: Cell | undefined, value: number): void {
  if (!cell) throw new Error('cell missing in the test model');
  cell.value = value;
}

describe('parseCount', () => {
  it.each([
    ['0', 0],
    ['99', 99],
    ['９９', 99],
    ['１２３', 123],
    ['零', 0],
    ['〇', 0],
    ['一', 1],
    ['两', 2],
    ['十', 10],
    ['十一', 11],
    ['二十', 20],
    ['三十五', 35],
    ['一百', 100],
    ['一百零五', 105],
    ['一百一十', 110],
    ['两千三百', 2300],
    ['两千零三', 2003],
    ['一万', 10_000],
    ['一万零五百', 10_500],
    ['1万2千', 12_000],
    ['12万', 120_000],
    ['3千', 3000],
  ])('%s = %i', (raw, value) => {
    expect(parseCount(raw)).toBe(value);
  });

  it.each(['', '百', '千', '万', '一二', '十十', '零五', '一百五', '1万2', '一百零', '二1', '百一', '十百'])(
    'rejects %s',
    (raw) => {
      expect(parseCount(raw)).toBeNull();
    },
  );

  it('reads back every standard Chinese numeral from 0 to 20,000', () => {
    for (let n = 0; n <= 20_000; n++) expect(parseCount(toChinese(n)), toChinese(n)).toBe(n);
  });

  it('countAt refuses words and approximations: 零件采购, 一次性, 一件事, 第二十条, 数十件, 近百件', () => {
    const at = (text: string, raw: string, unit = 1) => {
      const start = text.indexOf(raw);
      return countAt(text, start, raw, start + raw.length + unit);
    };
    expect(at('收到汽车零件采购申请', '零')).toBeNull();
    expect(at('予以公开零件，', '零')).toBe(0);
    expect(at('予以公开零件', '零')).toBe(0);
    expect(at('实行一次性告知', '一')).toBeNull();
    expect(at('推行一件事一次办', '一')).toBeNull();
    expect(at('依据第二十条公开', '二十')).toBeNull();
    expect(at('受理申请数十件。', '十')).toBeNull();
    expect(at('受理申请近百件。', '百')).toBeNull();
    expect(at('受理两件。', '两')).toBe(2);
    // Arabic counts keep their old leniency after the unit.
    expect(at('予以公开 3 件申请', '3', 2)).toBe(3);
  });
});

describe('narrative.mismatch with Chinese numerals and full-width digits', () => {
  it.each([
    ['予以公开十一件。', 'granted', 11, '三（一）予以公开'],
    ['予以公开９９件。', 'granted', 99, '三（一）予以公开'],
    ['部分公开两件，不予公开零件。', 'partlyGranted', 2, '三（二）部分公开'],
    ['本年度共收到申请三十五件。', 'received', 35, '一、本年新收政府信息公开申请数量'],
    ['本年度受理政府信息公开申请两件。', 'received', 2, '一、本年新收政府信息公开申请数量'],
    ['受理政府信息公开申请一百零五件。', 'received', 105, '一、本年新收政府信息公开申请数量'],
    ['受理政府信息公开申请两千三百件。', 'received', 2300, '一、本年新收政府信息公开申请数量'],
    ['受理政府信息公开申请1万2千件。', 'received', 12_000, '一、本年新收政府信息公开申请数量'],
  ] as const)('“%s” against a table that says otherwise', (text, row, stated, label) => {
    const report = consistentReport();
    const table = report.applications ?? {};
    setTotal(table[row]?.total, stated + 1);
    setTotal(table.carriedIn?.total, 0);
    const findings = narrativeFindings(validateReport(withNarrative(text, report)));
    const mismatch = findings.filter((finding) => finding.rule === 'narrative.mismatch');
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]).toMatchObject({ expected: stated + 1, actual: stated, location: { row: label } });
    // …and quiet when the table agrees.
    setTotal(table[row]?.total, stated);
    expect(
      narrativeFindings(validateReport(withNarrative(text, report))).filter(
        (finding) => finding.rule === 'narrative.mismatch' && finding.location?.row === label,
      ),
    ).toEqual([]);
  });

  it('review and litigation in Chinese numerals are read against table 四', () => {
    const report = consistentReport();
    const review = report.reviews?.review?.total?.value as number;
    const findings = narrativeFindings(
      validateReport(withNarrative(`发生行政复议${toChinese(review + 1)}起。`, report)),
    );
    expect(findings).toMatchObject([{ rule: 'narrative.mismatch', expected: review, actual: review + 1 }]);
  });

  it('words that merely contain numerals are not counts: 一件事一次办, 零件, 第二十条, 数十件', () => {
    const text =
      '受理政府信息公开申请推行一件事一次办，收到汽车零件采购申请，依据第二十条第（一）项公开，收到申请数十件，实行一次性告知。';
    expect(narrativeFindings(validateReport(withNarrative(text)))).toEqual([]);
  });
});

describe('narrative.sum with Chinese numerals', () => {
  const sentence =
    '本年度累计公开信息二十三次，其中项目库公示两次，年度资金计划一次，资金安排情况公示十一次，年度项目完成情况一次，项目批复三次，资产管理公示一次，雨露计划公示四次。';

  it('二十三 = 2+1+11+1+3+1+4 passes, 二十四 does not', () => {
    expect(narrativeFindings(validateReport(withNarrative(sentence)))).toEqual([]);
    const wrong = narrativeFindings(validateReport(withNarrative(sentence.replace('二十三次', '二十四次'))));
    expect(wrong).toMatchObject([{ rule: 'narrative.sum', expected: 24, actual: 23 }]);
  });

  it('mixed Arabic, full-width and Chinese items add up', () => {
    const text = '共发布１２条，其中通知 2 条，公告十条。';
    expect(narrativeFindings(validateReport(withNarrative(text)))).toEqual([]);
    expect(
      narrativeFindings(validateReport(withNarrative(text.replace('公告十条', '公告十一条')))).map((f) => f.rule),
    ).toEqual(['narrative.sum']);
  });

  it('an ordinal in the list (第三条) is no item', () => {
    const text = '共制定制度 5 条，其中依据第三条制定 2 条，其他 3 条。';
    expect(narrativeFindings(validateReport(withNarrative(text)))).toEqual([]);
  });
});

describe('"none received" in words (未收到…申请) against table 三 row 一', () => {
  function reportReceiving(received: number, carriedIn = 0): AnnualReport {
    const report = consistentReport();
    setTotal(report.applications?.received?.total, received);
    setTotal(report.applications?.carriedIn?.total, carriedIn);
    return report;
  }

  it.each([
    '本年度未收到政府信息公开申请。',
    '2023 年我乡未收到政府信息公开申请。',
    '本机关没有收到任何政府信息公开申请。',
    '本年度未受理依申请公开申请。',
    '本年度无政府信息公开申请。',
    '本年度无依申请公开事项。',
  ])('“%s” with 3 received in the table: narrative.mismatch', (text) => {
    const findings = narrativeFindings(validateReport(withNarrative(text, reportReceiving(3))));
    expect(findings).toMatchObject([
      {
        rule: 'narrative.mismatch',
        expected: 3,
        actual: 0,
        location: { section: '三', row: '一、本年新收政府信息公开申请数量', column: '总计' },
      },
    ]);
  });

  it('agrees with a table of 0 received (even with last year carried in)', () => {
    const text = '本年度未收到政府信息公开申请，未收取信息处理费。';
    expect(narrativeFindings(validateReport(withNarrative(text, reportReceiving(0))))).toEqual([]);
    expect(narrativeFindings(validateReport(withNarrative(text, reportReceiving(0, 2))))).toEqual([]);
  });

  it('is quiet when the table value is unknown', () => {
    const report = consistentReport();
    const cell = report.applications?.received?.total;
    if (cell) cell.value = null;
    expect(narrativeFindings(validateReport(withNarrative('本年度未收到政府信息公开申请。', report)))).toEqual([]);
  });

  it.each([
    '本年度未收到行政复议申请。',
    '本年度未收到法人或其他组织的政府信息公开申请。',
    '本年度未收到以邮寄方式提交的申请。',
    '上半年未收到政府信息公开申请。',
    '近年来未收到政府信息公开申请。',
    '上年度未收到政府信息公开申请。',
    '不存在申请人未收到申请答复的情况。',
    '本年度无正当理由大量反复申请。',
    '本年度未收到举报。',
    '本年度无法提供政府信息公开申请所需信息。',
  ])('“%s” says nothing about the total received: no finding on table 三', (text) => {
    const findings = narrativeFindings(validateReport(withNarrative(text, reportReceiving(3))));
    expect(findings.filter((finding) => finding.location?.section === '三')).toEqual([]);
  });

  it('"未发生…行政复议、行政诉讼案件" is read against table 四; "未发生行政复议纠错" is not', () => {
    const report = consistentReport();
    setTotal(report.reviews?.review?.total, 2);
    const text = '本年度未发生政府信息公开行政复议、行政诉讼案件。';
    const findings = narrativeFindings(validateReport(withNarrative(text, report)));
    expect(findings.map((finding) => finding.location?.row)).toContain(REVIEW_GROUP_LABELS.review);
    expect(findings.find((finding) => finding.location?.row === REVIEW_GROUP_LABELS.review)).toMatchObject({
      expected: 2,
      actual: 0,
    });
    expect(findings.every((finding) => finding.location?.section === '四')).toBe(true);
    expect(narrativeFindings(validateReport(withNarrative('本年度未发生行政复议纠错。', report)))).toEqual([]);
  });
});

describe('no false alarms', () => {
  it.each(SEED_FILES.map((file) => file.slice(0, 3)))('seed %s: no narrative finding', (prefix) => {
    expect(narrativeFindings(validateReport(parseText(seedText(prefix))))).toEqual([]);
  });

  it('generated consistent reports with their narrative counts in Chinese numerals: no narrative finding', () => {
    for (let seed = 1; seed <= 120; seed++) {
      const text = renderText(generateReport(seed))
        .split('\n')
        .map((line) =>
          line.includes('\t')
            ? line
            : line.replace(/(\d+) ([件条])/g, (_, n: string, unit: string) => `${toChinese(Number(n))}${unit}`),
        )
        .join('\n');
      expect(text).toMatch(/[零一二两三四五六七八九十]件/);
      expect(narrativeFindings(validateReport(parseText(text))), `seed ${seed}`).toEqual([]);
    }
  });
});
