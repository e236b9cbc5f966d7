// Seeds served as HTML articles the way the demo site renders them (demo/seed-html.ts: one <td>
// per tab-separated cell, so the table is as ragged as the extracted text): same numbers and findings
// as the text parser, and no arith.* false alarm from cells shifted into the wrong column.
import { describe, expect, it } from 'vitest';
import { seedBodyHtml, seedTitle } from '../../demo/seed-html.ts';
import type { AnnualReport } from '../../shared/report/model.ts';
import { parseHtml, parseText } from '../../shared/report/parse.ts';
import { validateReport } from '../../shared/rules/validate.ts';
import { expectApplicationColumnsBalance, SEED_FILES, seedText } from '../support/seeds.ts';

function asArticle(text: string): string {
  const title = seedTitle(text);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}_卢氏县人民政府</title></head>
<body><h1>${title}</h1><div class="TRS_Editor">${seedBodyHtml(text)}</div></body></html>`;
}

/** The numbers of the three tables, without provenance (which differs between text and HTML by design). */
function numbers(report: AnnualReport): string {
  return JSON.stringify([report.activeDisclosure, report.applications, report.reviews], (key, value) =>
    key === 'at' ? undefined : value,
  );
}

describe('seed 002 as the demo site serves it (HTML article)', () => {
  const report = parseHtml(asArticle(seedText('002')));
  const findings = validateReport(report);

  it('gives no arith.* error on the 商业企业, 科研机构 and 其他 columns (or any other)', () => {
    expect(findings.filter((f) => f.rule.startsWith('arith.') && f.severity === 'error')).toEqual([]);
    expect(findings.map((f) => f.rule)).not.toContain('arith.not-assessable');
  });

  it('reads （七）总计 and 四 without shifting them right by the empty cell after the label', () => {
    const total = report.applications?.outcomeTotal;
    expect(total?.natural?.value).toBe(87);
    expect(total?.business?.value).toBe(2);
    expect(total?.research?.value).toBe(0);
    expect(total?.total).toMatchObject({ value: 98, at: { col: 7 } });
    expect(report.applications?.carriedOver?.natural?.value).toBe(1);
  });

  it('reports the lost 其他 column and infers values that reconcile (99 = 98 + 1)', () => {
    const missing = findings.filter((f) => f.rule === 'struct.column-missing' && f.location?.column === '其他');
    expect(missing).toHaveLength(1);
    const table = report.applications;
    expect(table?.outcomeTotal?.other).toMatchObject({ value: 9, inferred: true });
    expect(table?.granted?.other).toMatchObject({ value: 9, inferred: true });
    expect(table?.received?.total?.value).toBe(99);
    expect(table?.outcomeTotal?.total?.value).toBe(98);
    expect(table?.carriedOver?.total?.value).toBe(1);
    expectApplicationColumnsBalance(table);
  });
});

describe('every seed as an HTML article', () => {
  it.each(SEED_FILES.map((file) => [file.slice(0, 3)]))('seed %s: same numbers and rules as its text', (prefix) => {
    const text = seedText(prefix);
    const fromText = parseText(text);
    const fromHtml = parseHtml(asArticle(text));
    expect(numbers(fromHtml)).toBe(numbers(fromText));
    const ruleIds = (r: AnnualReport) =>
      validateReport(r)
        .map((f) => `${f.rule}/${f.severity}`)
        .sort();
    expect(ruleIds(fromHtml)).toEqual(ruleIds(fromText));
    expect(ruleIds(fromHtml).filter((id) => id.startsWith('arith.'))).toEqual([]);
  });
});

describe('aligned HTML tables keep positions', () => {
  it('an empty cell after the label of an aligned table is a blank value, not layout', () => {
    const html = `<html><body><h1>某县某局2023年政府信息公开工作年度报告</h1>
      <p>三、收到和处理政府信息公开申请情况</p>
      <table>
        <tr><td colspan="2"></td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>
        <tr><td colspan="2">一、本年新收政府信息公开申请数量</td><td></td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>5</td></tr>
        <tr><td colspan="2">二、上年结转政府信息公开申请数量</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
      </table></body></html>`;
    const row = parseHtml(html).applications?.received;
    expect(row?.natural).toMatchObject({ value: null, blank: true, at: { col: 2 } });
    expect(row?.business?.value).toBe(2);
    expect(row?.total?.value).toBe(5);
  });
});
