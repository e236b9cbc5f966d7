// Text layouts rebuilt before parsing (joined pages, one cell per line): bounded on hostile input, and a
// glued table that cannot be cut for certain is an honest warning, never an arithmetic accusation.
import { describe, expect, it } from 'vitest';
import { parseText } from '../../shared/report/parse.ts';
import { cutsForTest } from '../../shared/report/run-together.ts';
import { validateReport } from '../../shared/rules/validate.ts';

const prose = '根据《中华人民共和国政府信息公开条例》要求，发布本年度报告。'.repeat(40);

function joinedPage(table3: string): string {
  return `　　某某厅2023年度政府信息公开工作报告　　${prose}　　一、总体情况　　${prose}　　二、主动公开政府信息情况第二十条第（五）项信息内容本年处理决定数量行政许可273　　三、收到和处理政府信息公开申请情况${table3}　　四、因政府信息公开工作被申请行政复议、提起行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计000000000000000　　五、存在的主要问题及改进情况　　无。　　六、其他需要报告的事项　　无。`;
}

describe('joined pages', () => {
  it('a glued table 三 with hostile digit runs: bounded, one honest warning, no arithmetic finding', () => {
    const glued = `一、本年新收政府信息公开申请数量${'1'.repeat(39)}二、上年结转政府信息公开申请数量${'9'.repeat(38)}`;
    // Bounded by MAX_CUT_NODES and MAX_RUN: this returns (no timing asserted here; see the caps).
    const report = parseText(joinedPage(glued));
    const findings = validateReport(report);
    expect(findings.filter((finding) => finding.rule === 'extract.cells-run-together')[0]?.location?.section).toBe(
      '三',
    );
    expect(findings.filter((finding) => finding.rule.startsWith('arith.') && finding.severity === 'error')).toEqual([]);
    expect(findings.filter((finding) => finding.rule === 'struct.table-missing')).toEqual([]);
    // Sections and the one-value rows of 二 and the 15 zeros of 四 are still read.
    expect(Object.keys(report.sections)).toHaveLength(6);
    expect(report.activeDisclosure?.licensing?.decisions?.value).toBe(273);
    expect(report.reviews?.review?.total?.value).toBe(0);
  });

  it('cuts are never truncated into a false "only one": more than the limit is unknown (null)', () => {
    expect(cutsForTest('1111111111', 7, 1, () => true)).toBeNull();
    expect(cutsForTest('4000004', 7, 1, () => true)).toEqual([[4, 0, 0, 0, 0, 0, 4]]);
  });
});
