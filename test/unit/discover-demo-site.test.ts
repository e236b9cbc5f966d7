import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeGbk, seedBodyHtml, seedTitle, seedYear, shiftYears } from '../../demo/seed-html.ts';

const seed = readFileSync(new URL('../../demo/seeds/003_4ecb60390e8643c1.txt', import.meta.url), 'utf8');

describe('demo site helpers', () => {
  it('encodes GBK that decodes back exactly (every seed character is in GBK)', () => {
    const bytes = encodeGbk(seed);
    expect(new TextDecoder('gbk').decode(bytes)).toBe(seed);
    expect(bytes.byteLength).toBeLessThan(new TextEncoder().encode(seed).byteLength);
    expect([...encodeGbk('中a')]).toEqual([0xd6, 0xd0, 0x61]);
  });

  it('reads the title and year and shifts years only where a year is written', () => {
    expect(seedTitle(seed)).toBe('隆德县山河乡2023年政府信息公开工作年度报告');
    expect(seedYear(seed)).toBe(2023);
    const shifted = shiftYears(seed, 1);
    expect(seedTitle(shifted)).toBe('隆德县山河乡2024年政府信息公开工作年度报告');
    expect(shifted).toContain('国办公开办函〔2021〕30号');
  });

  it('renders tab-separated lines as table rows and escapes text', () => {
    const html = seedBodyHtml('标题\n\n第一段 <b>\n信息内容\t本年制发件数\n规章\t0\n\n结尾');
    expect(html).toBe(
      '<p>第一段 &lt;b&gt;</p>\n<table border="1" cellspacing="0" cellpadding="2"><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table>\n<p>结尾</p>',
    );
  });
});

describe('fetch rule catalogue', () => {
  it('describes every fetch-level rule id the scan can emit, in Chinese', async () => {
    const { FETCH_RULES } = await import('../../shared/fetch/scan.ts');
    const { FETCH_RULE_CATALOGUE } = await import('../../shared/fetch/fetch-rules.ts');
    expect(FETCH_RULE_CATALOGUE.map((r) => r.id).sort()).toEqual(Object.values(FETCH_RULES).sort());
    for (const rule of FETCH_RULE_CATALOGUE) expect(rule.title).toMatch(/[\u4e00-\u9fff]/);
  });
});
