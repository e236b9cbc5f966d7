/**
 * `nianbao registry import FILE.xlsx|FILE.csv [--out registry.yaml] [--skip-bad-rows]` and
 * `nianbao registry export --xlsx FILE [--registry registry.yaml]`: the office's agency list in Excel
 * to registry.yaml and back. Import keeps the ids (and every setting the sheet does not carry) of the
 * registry at --out, so re-importing an edited sheet never renames an agency's results.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Agency } from '../registry/agency.ts';
import { formatImportIssue, importAgencies, registryWorkbook, registryYaml } from '../registry/import.ts';
import { loadRegistry, RegistryError } from '../registry/load.ts';
import { readTable, TableError } from '../registry/table.ts';
import { parseOptionsOrExit } from './options.ts';

const USAGE = `用法：nianbao registry import 名录.xlsx|名录.csv [--out registry.yaml] [--skip-bad-rows]
      nianbao registry export --xlsx 名录.xlsx [--registry registry.yaml]

  import   读取 Excel（.xlsx）或 CSV（UTF-8 或 GBK）中的机关名录，写入 registry.yaml。
           表头：机关名称、层级、地区、年报栏目地址、联系人、电话、邮箱、备注（可加“编号”列）。
           --out 已存在时沿用其中同名机关的编号及其他设置，重新导入不会改变编号。
           有错误的行会逐行列出（第 N 行）；默认有错误时不写文件，--skip-bad-rows 则跳过这些行。
  export   把名录写成 Excel，表头与导入相同，可编辑后再导入。`;

export async function run(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === 'import') return runImport(rest);
  if (verb === 'export') return runExport(rest);
  if (verb === '--help' || verb === '-h') {
    console.log(USAGE);
    return 0;
  }
  console.error(`${verb ? `未知的子命令：${verb}\n` : ''}${USAGE}`);
  return 2;
}

async function runImport(args: string[]): Promise<number> {
  const file = args.find((arg) => !arg.startsWith('-'));
  const parsed = parseOptionsOrExit(
    args.filter((arg) => arg !== file),
    { out: { type: 'string' }, 'skip-bad-rows': { type: 'boolean' } },
    USAGE,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  if (!file) {
    console.error(`请指定要导入的文件。\n${USAGE}`);
    return 2;
  }
  const out = parsed.values.out ?? 'registry.yaml';
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    console.error(`找不到文件：${file}`);
    return 2;
  }
  let existingYaml: string | undefined;
  let existing: Agency[] = [];
  if (existsSync(out)) {
    existingYaml = await readFile(out, 'utf8');
    try {
      existing = loadRegistry(existingYaml, path.basename(out)).agencies;
    } catch (error) {
      console.error(`现有名录 ${out} 无法读取，未导入（请先修正或换一个 --out）：\n${(error as Error).message}`);
      return 2;
    }
  }
  let table: Awaited<ReturnType<typeof readTable>>;
  try {
    table = await readTable(bytes, file);
  } catch (error) {
    if (error instanceof TableError) {
      console.error(`${path.basename(file)}：${error.message}`);
      return 2;
    }
    throw error;
  }
  const result = importAgencies(table.rows, existing);
  const name = path.basename(file);
  // The same hint on many rows is one line: "…：第 9、16、23 行".
  const hints = new Map<string, number[]>();
  for (const warning of result.warnings)
    hints.set(warning.message, [...(hints.get(warning.message) ?? []), warning.line ?? 0]);
  for (const [message, lines] of hints) {
    const shown = lines.slice(0, 12).join('、');
    console.error(`提示：${name} ${message}：第 ${shown}${lines.length > 12 ? ' 等' : ' '}行（共 ${lines.length} 行）`);
  }
  if (result.errors.length) {
    console.error(`${name} 有 ${result.errors.length} 行无法导入：`);
    for (const issue of result.errors) console.error(`  ${formatImportIssue(issue)}`);
    if (!parsed.values['skip-bad-rows'] || result.agencies.length === 0) {
      console.error('未写入名录。请修正后重新导入，或加 --skip-bad-rows 跳过这些行。');
      return 1;
    }
  }
  const yamlText = registryYaml(result.agencies, existingYaml);
  try {
    // What scan will read: refuse to write a registry it would not accept.
    loadRegistry(yamlText, path.basename(out));
  } catch (error) {
    console.error(error instanceof RegistryError ? error.message : String(error));
    return 1;
  }
  await writeFile(out, yamlText);
  const encoding = table.encoding ? `（${table.encoding === 'utf-8' ? 'UTF-8' : 'GBK/GB18030'} 编码）` : '';
  console.log(
    `已从 ${name}${encoding} 导入 ${result.agencies.length} 个机关到 ${out}：沿用编号 ${result.keptIds} 个，新建编号 ${result.newIds} 个${result.errors.length ? `，跳过 ${result.errors.length} 行` : ''}。`,
  );
  return 0;
}

async function runExport(args: string[]): Promise<number> {
  const parsed = parseOptionsOrExit(args, { xlsx: { type: 'string' }, registry: { type: 'string' } }, USAGE);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { xlsx, registry: registryFile = 'registry.yaml' } = parsed.values;
  if (!xlsx) {
    console.error(`请用 --xlsx 指定输出文件。\n${USAGE}`);
    return 2;
  }
  let agencies: Agency[];
  try {
    agencies = loadRegistry(await readFile(registryFile, 'utf8'), path.basename(registryFile)).agencies;
  } catch (error) {
    console.error(
      (error as Error).message.startsWith('ENOENT') ? `找不到名录：${registryFile}` : (error as Error).message,
    );
    return 2;
  }
  await writeFile(xlsx, await registryWorkbook(agencies));
  console.log(`已导出 ${agencies.length} 个机关到 ${path.resolve(xlsx)}`);
  return 0;
}
