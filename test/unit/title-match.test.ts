import { describe, expect, it } from 'vitest';
import {
  chooseCandidate,
  isAnnualReportTitle,
  normaliseTitle,
  scoreCandidate,
  titleYear,
} from '../../shared/fetch/title-match.ts';

describe('title normalisation', () => {
  it('turns full-width digits, spaces and brackets into ASCII and drops spaces', () => {
    expect(normaliseTitle('２０２４年度　政府信息公开 工作年度报告（更正）')).toBe(
      '2024年度政府信息公开工作年度报告(更正)',
    );
    expect(titleYear(normaliseTitle('２０２４年度政府信息公开工作年度报告'))).toBe(2024);
  });

  it('recognises the usual title shapes and rejects look-alikes', () => {
    for (const title of [
      '２０２４年度政府信息公开工作年度报告',
      '卢氏县乡村振兴局2023年政府信息公开工作年度报告',
      '2023年度政府信息公开年报',
      '卢氏县国防动员办公室 2023 年政府信息公开工作 年度报告',
    ]) {
      expect(isAnnualReportTitle(title), title).toBe(true);
    }
    for (const title of [
      '关于2023年政府信息公开工作年度报告的更正说明',
      '图解：2023年政府信息公开工作年度报告',
      '2023年政务公开工作要点',
      '关于开展2023年度政府网站年度报表填报的通知',
    ]) {
      expect(isAnnualReportTitle(title), title).toBe(false);
    }
  });
});

describe('choosing among candidates', () => {
  const column = [
    { title: '卢氏县乡村振兴局2022年政府信息公开工作年度报告', url: 'http://x/a/2022.html', listDate: '2023-01-20' },
    { title: '卢氏县工业和信息化和科技局2023年政府信息公开工作年度报告', url: 'http://x/a/gx.html' },
    { title: '卢氏县乡村振兴局2023年政府信息公开工作年度报告', url: 'http://x/a/2023.html', listDate: '2024-01-26' },
    { title: '关于做好2023年政务公开工作的通知', url: 'http://x/a/notice.html' },
  ];

  it('takes the right year and this agency in a shared county column, and says why in Chinese', () => {
    const choice = chooseCandidate(column, 2023, '卢氏县乡村振兴局');
    expect(choice.chosen?.url).toBe('http://x/a/2023.html');
    expect(choice.chosenBecause).toContain('2023年');
    expect(choice.chosenBecause).toContain('卢氏县乡村振兴局');
    // Another agency's report is never chosen, even when it is the only one of the year.
    expect(chooseCandidate(column.slice(0, 2), 2023, '卢氏县乡村振兴局').chosen).toBeNull();
  });

  it('prefers a corrected version over the original', () => {
    const choice = chooseCandidate(
      [
        { title: '卢氏县乡村振兴局2023年政府信息公开工作年度报告', url: 'http://x/orig.html', listDate: '2024-01-26' },
        {
          title: '卢氏县乡村振兴局2023年政府信息公开工作年度报告（更正）',
          url: 'http://x/fix.html',
          listDate: '2024-02-02',
        },
      ],
      2023,
      '卢氏县乡村振兴局',
    );
    expect(choice.chosen?.url).toBe('http://x/fix.html');
    expect(choice.chosenBecause).toContain('更正');
    expect(choice.chosenBecause).toContain('另有1篇');
  });

  it('accepts a title without an agency name, and a government posting under its short name', () => {
    expect(chooseCandidate([{ title: '2023年度政府信息公开年报', url: 'http://x/1' }], 2023, '某局').chosen?.url).toBe(
      'http://x/1',
    );
    const short = scoreCandidate({ title: '卢氏县2024年政府信息公开工作年度报告', url: 'u' }, 2024, '卢氏县人民政府');
    expect(short.otherAgency).toBe(false);
  });

  it('explains when nothing fits', () => {
    const choice = chooseCandidate(column, 2021, '卢氏县乡村振兴局');
    expect(choice.chosen).toBeNull();
    expect(choice.chosenBecause).toMatch(/未找到/);
  });
});
