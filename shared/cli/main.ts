/**
 * `nianbao` command-line entry. Each subcommand lives in its own module and is loaded on demand so
 * `nianbao check` does not pay for the AWS SDK.
 */
type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
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
  demo: { summary: '本机端到端演示（无需 AWS 与互联网）', load: async () => (await import('./demo.ts')).run },
};

export function usage(): string {
  const lines = ['用法：nianbao <命令> [选项]', '', '命令：'];
  for (const [name, { summary }] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)}${summary}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`未知命令：${name}\n\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest);
}
