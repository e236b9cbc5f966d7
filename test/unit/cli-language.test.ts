/**
 * The CLI speaks Chinese: misspelt commands and options get a "did you mean", a full-width colon in
 * the registry is named as the IME mistake it is (with its line), a missing registry file says so,
 * `--version` prints the package version, and `site`/`serve`/`demo --help` explain each option.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { run as demo } from '../../demo/cli.ts';
import { main } from '../../shared/cli/main.ts';
import { optionError, parseOptionsOrExit } from '../../shared/cli/options.ts';
import { run as serve } from '../../shared/cli/serve.ts';
import { run as site } from '../../shared/cli/site.ts';
import { loadRegistry, RegistryError } from '../../shared/registry/load.ts';
import { readRegistryFile } from '../../shared/registry/stream.ts';

async function captured(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    out += `${String(line)}\n`;
  });
  const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
    err += `${String(line)}\n`;
  });
  try {
    return { code: await run(), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('commands and options', () => {
  it('suggests the nearest command for a misspelt one', async () => {
    const { code, err } = await captured(() => main(['sacn']));
    expect(code).toBe(2);
    expect(err).toContain('未知命令：sacn，是否应为 nianbao scan？');
  });

  it('prints the package version', async () => {
    const { code, out } = await captured(() => main(['--version']));
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(code).toBe(0);
    expect(out.trim()).toBe(`nianbao ${version}`);
  });

  it('names an unknown option in Chinese with the nearest known one', () => {
    const result = captured(async () => {
      const parsed = parseOptionsOrExit(['--yaer', '2023'], { year: { type: 'string' } }, '用法：x');
      return 'exitCode' in parsed ? parsed.exitCode : 0;
    });
    return result.then(({ code, err }) => {
      expect(code).toBe(2);
      expect(err).toContain('未知选项：--yaer，是否应为 --year？');
      expect(err).toContain('用法：x');
    });
  });

  it('says in Chinese when a value is missing, or an argument is extra', () => {
    const missing = Object.assign(new Error("Option '--store <value>' argument missing"), {
      code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
    });
    expect(optionError(missing, ['store'])).toBe('选项 --store 需要一个值，例如 --store 值');
    const extra = Object.assign(
      new Error("Unexpected argument 'foo'. This command does not take positional arguments"),
      {
        code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
      },
    );
    expect(optionError(extra, [])).toContain('多余的参数：foo');
  });

  it.each([
    ['site', site, ['--store', '--registry', '--year', '--now']],
    ['serve', serve, ['--store', '--port']],
    ['demo', demo, ['--store', '--now']],
  ] as const)('%s --help explains each option', async (_name, run, options) => {
    const { code, out } = await captured(() => run(['--help']));
    expect(code).toBe(0);
    for (const option of options) expect(out).toMatch(new RegExp(`^  ${option} \\S.*[\\u4e00-\\u9fff]`, 'm'));
  });
});

describe('registry files', () => {
  it('names a full-width colon after a key as the likely IME mistake, with its line', () => {
    const yaml = 'agencies:\n  - id: lushi-gov\n    name：卢氏县人民政府\n    level: county-government\n';
    let error: unknown;
    try {
      loadRegistry(yaml, 'registry.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RegistryError);
    const issues = (error as RegistryError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 3 });
    expect(issues[0]?.message).toContain('全角冒号');
    expect(issues[0]?.message).toContain('name');
  });

  it('says plainly when the registry file does not exist', async () => {
    await expect(readRegistryFile('/nonexistent/名录.yaml')).rejects.toThrow(/找不到名录文件/);
  });
});
