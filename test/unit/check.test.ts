// `nianbao check` through run() with captured output: exit codes, Chinese output, JSON shape.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CheckIO, type CheckResult, run } from '../../shared/cli/check.ts';
import { generateReport, renderText } from '../support/report-generator.ts';

const SEED_002 = fileURLToPath(new URL('../../demo/seeds/002_4ae575586cf2a2c2.txt', import.meta.url));

/** In-memory files plus the real seed on disk. */
function harness(files: Record<string, string>): CheckIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    readFile: async (path) => {
      if (path === SEED_002) return new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(path)));
      const content = files[path];
      if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return new TextEncoder().encode(content);
    },
  };
}

function brokenReport(): string {
  const generated = generateReport(11, { maxReceived: 30 });
  const values = structuredClone(generated.values);
  values.applications.granted.natural += 1; // breaks the row total and the 自然人 column
  return renderText({ agency: generated.agency, year: generated.year, values });
}

describe('nianbao check (run)', () => {
  it('exits 0 for a consistent report and prints agency, year and template in Chinese', async () => {
    const generated = generateReport(11, { maxReceived: 30 });
    const io = harness({ 'ok.txt': generated.text });
    expect(await run(['ok.txt'], io)).toBe(0);
    const output = io.stdout.join('\n');
    expect(output).toContain(`机关：${generated.agency}`);
    expect(output).toContain(`年度：${generated.year}`);
    expect(output).toContain('2021 年格式');
    expect(output).toContain('未发现问题');
  });

  it('exits 1 when a report has an error-severity finding, and shows 错误 with the cell', async () => {
    const io = harness({ 'bad.txt': brokenReport() });
    expect(await run(['bad.txt'], io)).toBe(1);
    const output = io.stdout.join('\n');
    expect(output).toContain('[错误] arith.row-total');
    expect(output).toContain('三（一）予以公开 × 总计');
  });

  it('exits 0 for seed 002 (warnings only) and shows its warnings', async () => {
    const io = harness({});
    expect(await run([SEED_002], io)).toBe(0);
    const output = io.stdout.join('\n');
    expect(output).toContain('卢氏县人民政府');
    expect(output).toContain('[警告] plausibility.fee-unit');
    expect(output).toContain('[警告] struct.column-missing');
  });

  it('exits 2 for a missing file but still checks the others; --json carries every file', async () => {
    const io = harness({ 'bad.txt': brokenReport() });
    expect(await run(['missing.txt', 'bad.txt', '--json'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('无法读取文件“missing.txt”：文件不存在');
    const results = JSON.parse(io.stdout.join('\n')) as CheckResult[];
    expect(results.map((result) => result.file)).toEqual(['missing.txt', 'bad.txt']);
    expect(results[0]?.error).toContain('文件不存在');
    expect(results[1]).toMatchObject({ format: 'text', template: '2021' });
    expect(results[1]?.findings.some((finding) => finding.rule === 'arith.row-total')).toBe(true);
    for (const key of ['file', 'agency', 'year', 'format', 'findings']) expect(results[1]).toHaveProperty(key);
  });

  it('exits 2 with a usage message for no files or an unknown option', async () => {
    let io = harness({});
    expect(await run([], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('用法：nianbao check');
    io = harness({});
    expect(await run(['--frobnicate', 'x.txt'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('未知选项：--frobnicate');
    io = harness({});
    expect(await run(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain('退出码');
  });

  it('reports garbage as a clear finding instead of crashing', async () => {
    const io = harness({ 'junk.txt': '\u0000\u0001 not a report at all 😀'.repeat(100) });
    expect(await run(['junk.txt'], io)).toBe(1);
    expect(io.stdout.join('\n')).toMatch(/struct\.no-sections|extract\./);
  });
});
