/** Option parsing shared by the subcommands that take plain `--name value` options and `--help`. */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

/** The values node:util parseArgs gives for `options` (strict, no positionals). */
export type OptionValues<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true }>
>['values'];

/**
 * Parses `args` strictly against `options` plus `--help`/`-h`. On an unknown or malformed option it
 * prints the parser's message and `usage` to stderr and gives exit code 2; on `--help` it prints
 * `usage` to stdout and gives exit code 0. Otherwise it gives the parsed values.
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
    console.error(`${(error as Error).message}\n${usage}`);
    return { exitCode: 2 };
  }
  const { help, ...values } = parsed.values;
  if (help) {
    console.log(usage);
    return { exitCode: 0 };
  }
  return { values: values as OptionValues<T> };
}
