/**
 * `nianbao site [--store DIR|s3://bucket/prefix] [--registry FILE] [--year Y ...] [--now ISO]`:
 * assesses (with the registry given or recorded in the store) and (re)generates the static results
 * site into the store's site/ prefix; without any registry it says why it cannot assess.
 */
import path from 'node:path';
import { defaultReportYear } from '../compliance/deadline.ts';
import { updateAssessments } from '../compliance/update.ts';
import type { Registry } from '../registry/agency.ts';
import { generateSite } from '../site/generate.ts';
import { keys, PREFIXES } from '../storage/keys.ts';
import { DEFAULT_STORE_LOCATION, openStore } from '../storage/open-store.ts';
import { nowOption, parseOptionsOrExit } from './options.ts';
import { findRegistry } from './registry-source.ts';

const USAGE = [
  '用法：nianbao site [--store 目录|s3://桶/前缀] [--registry 名录.yaml] [--year 年度 ...] [--now ISO时间]',
  '',
  '选项：',
  '  --store 目录|s3://桶/前缀  存储位置（默认 ./.nianbao）；网站写在其中的 site/ 下',
  '  --registry 名录.yaml      先按此名录评估各机关；不指定时用存储中的名录（config/registry.yaml）',
  '  --year 年度               只生成这些年度（可重复）；默认存储中的全部年度',
  '  --now ISO时间             评估与页面时间所用的“现在”（默认当前时间）',
  '  -h, --help                显示本说明',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const parsed = parseOptionsOrExit(
    args,
    {
      store: { type: 'string' },
      registry: { type: 'string' },
      year: { type: 'string', multiple: true },
      now: { type: 'string' },
    },
    USAGE,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const now = nowOption(values.now);
  if (!now) return 2;
  const years = (values.year ?? []).map(Number);
  if (years.some((year) => !Number.isInteger(year) || year < 2000 || year > 2100)) {
    console.error(`--year 应为四位年份：${values.year?.join(', ')}`);
    return 2;
  }
  const location = values.store ?? DEFAULT_STORE_LOCATION;
  const store = openStore(location);
  let registry: Registry | undefined;
  try {
    registry = await findRegistry(store, values.registry);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  // Assess before drawing: right after `scan` no state exists yet and every agency would show 未评估.
  const assessYears = years.length ? years : [defaultReportYear(now)];
  if (registry) {
    for (const year of assessYears) {
      const assessed = await updateAssessments(store, registry, year, now.getTime());
      console.error(`已评估 ${year} 年度：${assessed.length} 个机关`);
    }
  } else {
    const states = await store.list(PREFIXES.state);
    console.error(
      `未评估：存储中没有名录（${keys.registry}），也未指定 --registry，无法评估各机关；${
        states.length ? '网站按已有的评估结果生成，机关只显示编号。' : '网站中的机关将全部显示为“未评估”。'
      }请先运行 nianbao scan --registry 名录.yaml，或在此加 --registry。`,
    );
    if (states.length === 0) return 1;
  }
  const started = performance.now();
  const result = await generateSite(store, { registry, years, now });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `已生成结果网站：${result.pages} 个页面，写入 ${(result.bytes / 1024 / 1024).toFixed(1)} MB${result.unchanged ? `（${result.unchanged} 个文件内容未变，未重写）` : ''}，用时 ${seconds} 秒${result.pruned ? `，清理过期文件 ${result.pruned} 个` : ''}。`,
  );
  if (/^s3:\/\//i.test(location)) {
    console.log(`位置：${store.location}/site/index.html（通过 CloudFront 访问，见 README）`);
  } else {
    const root = path.resolve(location);
    console.log(`首页：${path.join(root, 'site', 'index.html')}`);
    console.log(`本机浏览：npx nianbao serve${values.store ? ` --store ${values.store}` : ''}`);
  }
  return 0;
}
