/** Option parsing shared by the subcommands that take plain `--name value` options and `--help`. */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { closest } from '../text/closest.ts';

/** The values node:util parseArgs gives for `options` (strict, no positionals). */
export type OptionValues<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true }>
>['values'];

/**
 * Parses `args` strictly against `options` plus `--help`/`-h`. On an unknown or malformed option it
 * prints what went wrong in Chinese (with the nearest known option for a misspelt one) and `usage`
 * to stderr and gives exit code 2; on `--help` it prints `usage` to stdout and gives exit code 0.
 * Otherwise it gives the parsed values.
 */
export function parseOptionsOrExit<T extends ParseArgsOptionsConfig>(
  args: string[],
  options: T,
  usage: string,
): { values: OptionValues<T> } | { exitCode: number } {
  let parsed: { values: OptionValues<T> & { help?: boolean } };
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }) as unknown as typeof parsed;
  } catch (error) {
    console.error(`${optionError(error as Error & { code?: string }, Object.keys(options))}\n${usage}`);
    return { exitCode: 2 };
  }
  const { help, ...values } = parsed.values;
  if (help) {
    console.log(usage);
    return { exitCode: 0 };
  }
  return { values: values as OptionValues<T> };
}

/**
 * The `--now` option: that instant, else `fallback()` (the clock by default). When the value is not a
 * time it prints why (in Chinese) and gives undefined, so the command can exit 2.
 */
export function nowOption(value: string | undefined, fallback: () => Date = () => new Date()): Date | undefined {
  const now = value ? new Date(value) : fallback();
  if (!Number.isNaN(now.getTime())) return now;
  console.error(`--now 不是有效的时间：${value}`);
  return undefined;
}

/** node:util parseArgs' English errors, in Chinese, with a "did you mean" for a misspelt option. */
export function optionError(error: Error & { code?: string }, known: string[]): string {
  const named = /'(-[^'\s]*)/.exec(error.message)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const hint = closest(named.replace(/^-+/, ''), [...known, 'help']);
    return `未知选项：${named}${hint ? `，是否应为 --${hint}？` : ''}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /argument missing/.test(error.message)
      ? `选项 ${named} 需要一个值，例如 ${named} 值`
      : `选项 ${named} 不带值，请去掉后面的值`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const extra = /'([^']*)'/.exec(error.message)?.[1] ?? '';
    return `多余的参数：${extra}（本命令只接受 --选项；含空格的值请加引号）`;
  }
  return `选项有误：${error.message}`;
}
