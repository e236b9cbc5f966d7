// Property-based tests (fast-check): random consistent reports parse back to the same numbers with no
// arith finding, whatever the format; hostile input never crashes and always yields a clear finding.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnnualReport } from '../../shared/report/model.ts';
import { parseHtml, parseText } from '../../shared/report/parse.ts';
import { RULE_CATALOGUE } from '../../shared/rules/catalogue.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { analyseReport, validateReport } from '../../shared/rules/validate.ts';
import { makeDocx } from '../support/make-docx.ts';
import { type GeneratedReport, generateReport, renderDocument, valuesOf } from '../support/report-generator.ts';

function expectRoundTrip(generated: GeneratedReport, report: AnnualReport): void {
  expect(report.agency).toBe(generated.agency);
  expect(report.year).toBe(generated.year);
  expect(report.template).toBe('2021');
  expect(valuesOf(report)).toEqual(generated.values);
  const findings: Finding[] = validateReport(report, { level: generated.level });
  expect(findings.filter((finding) => finding.rule.startsWith('arith.'))).toEqual([]);
  // A consistent report is clean in every respect, not just arithmetically.
  expect(findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
}

const catalogued = new Set(RULE_CATALOGUE.map((info) => info.id));
const seeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('round trip of random consistent reports', () => {
  it('as text (the seeds’ layout)', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const generated = generateReport(seed);
        expectRoundTrip(generated, parseText(generated.text));
      }),
      { numRuns: 300 },
    );
  });

  it('as HTML (real tables, rowspan/colspan headers)', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const generated = generateReport(seed);
        expectRoundTrip(generated, parseHtml(generated.html));
      }),
      { numRuns: 150 },
    );
  });

  it('through analyseReport from bytes, text and HTML alike', async () => {
    await fc.assert(
      fc.asyncProperty(seeds, fc.boolean(), async (seed, asHtml) => {
        const generated = generateReport(seed);
        const bytes = new TextEncoder().encode(asHtml ? generated.html : generated.text);
        const { report } = await analyseReport({ bytes, fileName: asHtml ? 'r.html' : 'r.txt' });
        expect(report.format).toBe(asHtml ? 'html' : 'text');
        expectRoundTrip(generated, report);
      }),
      { numRuns: 60 },
    );
  });

  it('as DOCX (Word tables, spans resolved to plain grids)', async () => {
    await fc.assert(
      fc.asyncProperty(seeds, async (seed) => {
        const generated = generateReport(seed);
        const bytes = await makeDocx(renderDocument(generated));
        const { report } = await analyseReport({ bytes, fileName: 'report.docx' });
        expect(report.format).toBe('docx');
        expectRoundTrip(generated, report);
      }),
      { numRuns: 25 },
    );
  });
});

describe('hostile input', () => {
  const analyse = (bytes: Uint8Array, fileName: string) => analyseReport({ bytes, fileName });

  it('random bytes under any extension: no crash, at least one error finding', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom('x.txt', 'x.html', 'x.pdf', 'x.docx', 'x'),
        async (bytes, name) => {
          const { findings } = await analyse(bytes, name);
          expect(findings.some((finding) => finding.severity === 'error')).toBe(true);
          for (const finding of findings) expect(finding.message).toMatch(/[\u4e00-\u9fff]/);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random strings (including template words) as text: no crash', () => {
    const words = fc.constantFrom(
      '一、总体情况',
      '三、收到和处理政府信息公开申请情况',
      '\t',
      '\n',
      '0',
      '99',
      '/',
      '（七）总计',
      '予以公开',
      '年',
      '政府信息公开工作年度报告',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(words, fc.string({ maxLength: 20 })), { maxLength: 300 }), (parts) => {
        const report = parseText(parts.join(''));
        // Whatever the text, every finding is one the catalogue describes, with a message to show.
        for (const finding of validateReport(report)) {
          expect(catalogued, finding.rule).toContain(finding.rule);
          expect(finding.message).not.toBe('');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('truncated reports: no crash, and the cut is visible as a finding', () => {
    fc.assert(
      fc.property(seeds, fc.double({ min: 0, max: 1, noNaN: true }), (seed, fraction) => {
        const { text } = generateReport(seed);
        const cut = text.slice(0, Math.floor(text.length * fraction));
        const findings = validateReport(parseText(cut));
        if (cut.length < text.indexOf('六、其他需要报告的事项')) {
          expect(findings.some((finding) => finding.severity === 'error')).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('empty input gives a clear error finding', async () => {
    for (const name of ['empty.txt', 'empty.html', 'empty.pdf', 'empty.docx']) {
      const { findings } = await analyse(new Uint8Array(), name);
      expect(findings.filter((finding) => finding.severity === 'error').length, name).toBeGreaterThan(0);
    }
  });

  it('huge inputs finish (no catastrophic backtracking) and say so', async () => {
    const line = `${'受理'.repeat(20)}${'1'.repeat(30)}件，其中${'其中'.repeat(50)}共 ${'9'.repeat(40)} 次，`;
    const hostile = `${line.repeat(200_000 / line.length + 1)}\n`.repeat(25); // ~5 MB of near-misses
    const { findings } = await analyse(new TextEncoder().encode(hostile), 'huge.txt');
    expect(findings.some((finding) => finding.severity === 'error')).toBe(true);
    const report = generateReport(3);
    const padded = `${report.text}\n${'无关内容\t1\t2\t3\n'.repeat(300_000)}`; // a real report followed by ~6 MB
    const result = await analyse(new TextEncoder().encode(padded), 'padded.txt');
    expect(result.report.agency).toBe(report.agency);
  });
});
