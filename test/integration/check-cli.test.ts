// `nianbao check` as a user runs it: a real child process on the real bin, real files on disk.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDocx } from '../support/make-docx.ts';
import { generateReport, renderDocument, renderText } from '../support/report-generator.ts';

const dir = mkdtempSync(join(tmpdir(), 'nianbao-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nianbao(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/nianbao.mjs', 'check', ...args], {
    cwd: join(import.meta.dirname, '../..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('nianbao check (child process)', () => {
  const generated = generateReport(5, { maxReceived: 25 });
  const consistent = join(dir, 'consistent.txt');
  writeFileSync(consistent, generated.text);
  const html = join(dir, 'consistent.html');
  writeFileSync(html, generated.html);
  const values = structuredClone(generated.values);
  values.reviews.review.total += 2;
  const broken = join(dir, 'broken.txt');
  writeFileSync(broken, renderText({ agency: generated.agency, year: generated.year, values }));

  it('exits 0 on a consistent report', () => {
    const { code, stdout } = nianbao(consistent);
    expect(stdout).toContain(generated.agency);
    expect(stdout).toContain('未发现问题');
    expect(code).toBe(0);
  });

  it('exits 1 on an arithmetic error and names it in Chinese', () => {
    const { code, stdout } = nianbao(broken);
    expect(stdout).toContain('[错误] arith.review-total');
    expect(stdout).toContain('行政复议 × 总计');
    expect(code).toBe(1);
  });

  it('--json prints one entry per file; a missing file gives exit 2 and the rest is still checked', () => {
    const missing = join(dir, 'does-not-exist.pdf');
    const { code, stdout, stderr } = nianbao(
      '--json',
      consistent,
      missing,
      broken,
      join(import.meta.dirname, '../../demo/seeds/004_30eabbe77a56ee75.txt'),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('文件不存在');
    const results = JSON.parse(stdout) as {
      file: string;
      agency: string | null;
      year: number | null;
      findings: { rule: string }[];
    }[];
    expect(results).toHaveLength(4);
    expect(results[0]?.findings).toEqual([]);
    expect(results[2]?.findings.map((finding) => finding.rule)).toContain('arith.review-total');
    expect(results[3]).toMatchObject({ agency: '卢氏县国防动员办公室', year: 2023 });
    expect(results[3]?.findings.map((finding) => finding.rule)).toContain('template.label-deviation');
  });

  it('exits 2 on bad usage', () => {
    expect(nianbao().code).toBe(2);
    expect(nianbao('--nope', consistent).stderr).toContain('未知选项');
  });

  it('checks an HTML report with real tables', () => {
    const { code, stdout } = nianbao('--json', html);
    const [result] = JSON.parse(stdout) as { format: string; findings: { rule: string; severity: string }[] }[];
    expect(result?.format).toBe('html');
    expect(result?.findings.filter((finding) => finding.rule.startsWith('arith.'))).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('nianbao check on a Word file', () => {
  it('checks a .docx report: agency, year, no finding', async () => {
    const generated = generateReport(9, { maxReceived: 15 });
    const file = join(dir, 'report.docx');
    writeFileSync(file, await makeDocx(renderDocument(generated)));
    const { code, stdout } = nianbao('--json', file);
    const [result] = JSON.parse(stdout) as { agency: string; year: number; format: string; findings: unknown[] }[];
    expect(result).toMatchObject({ agency: generated.agency, year: generated.year, format: 'docx', findings: [] });
    expect(code).toBe(0);
  });
});
