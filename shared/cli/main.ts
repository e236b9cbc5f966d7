/**
 * `nianbao` command-line entry. Each subcommand lives in its own module and is loaded on demand so
 * `nianbao check` does not pay for the AWS SDK.
 */
import { readFileSync } from 'node:fs';
import { closest } from '../text/closest.ts';

type Command = (args: string[]) => Promise<number>;

/** The package version (package.json), for `nianbao --version`. */
export function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** A subcommand: its one-line summary for `nianbao --help`, and how to load it. */
export interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

const COMMANDS: Record<string, CommandEntry> = {
  check: { summary: '校验年度报告文件（txt/html/pdf/docx）', load: async () => (await import('./check.ts')).run },
  scan: { summary: '按名录抓取各机关年度报告并存档', load: async () => (await import('./scan.ts')).run },
  digest: { summary: '生成并发送每周合规摘要邮件', load: async () => (await import('./digest.ts')).run },
  export: { summary: '导出机关状态工作簿（xlsx）与 CSV', load: async () => (await import('./export.ts')).run },
  evaluate: {
    summary: '生成年度评估报告（HTML，可打印为 PDF）',
    load: async () => (await import('./evaluate.ts')).run,
  },
  registry: { summary: '从 Excel/CSV 导入名录，或导出为 Excel', load: async () => (await import('./registry.ts')).run },
  triage: {
    summary: '标记问题：已核实、误报、已整改、已督办；查看核查记录',
    load: async () => (await import('./triage.ts')).run,
  },
  site: { summary: '生成静态结果网站', load: async () => (await import('./site.ts')).run },
  serve: { summary: '在 127.0.0.1 上浏览结果网站', load: async () => (await import('./serve.ts')).run },
};

/**
 * Usage text of the production commands plus `extra` (bin/nianbao.mjs adds `demo`, which lives
 * outside shared/ in demo/).
 */
export function usage(extra: Record<string, CommandEntry> = {}): string {
  const lines = [
    '用法：nianbao <命令> [选项]    （nianbao <命令> --help 查看各命令的选项；--version 查看版本）',
    '',
    '命令：',
  ];
  for (const [name, { summary }] of Object.entries({ ...COMMANDS, ...extra }))
    lines.push(`  ${name.padEnd(10)}${summary}`);
  return lines.join('\n');
}

/** Runs `argv` (without node and script); `extra` adds commands that live outside shared/. */
export async function main(argv: string[], extra: Record<string, CommandEntry> = {}): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage(extra));
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    console.log(`nianbao ${version()}`);
    return 0;
  }
  const command = Object.hasOwn(extra, name) ? extra[name] : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const hint = closest(name.replace(/^-+/, ''), [...Object.keys(COMMANDS), ...Object.keys(extra)]);
    const what = name.startsWith('-') ? '未知选项' : '未知命令';
    console.error(`${what}：${name}${hint ? `，是否应为 nianbao ${hint}？` : ''}\n\n${usage(extra)}`);
    return 2;
  }
  return (await command.load())(rest);
}
