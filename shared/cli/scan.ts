/**
 * `nianbao scan --registry FILE [--store DIR|s3://bucket/prefix] [--year Y] [--agency ID ...] [--now ISO]
 *  [--concurrency N] [--agency-budget SECONDS] [--no-parse]`
 *
 * Scans every agency of the registry (or the named ones) for a report year, stores what was found and
 * parses it. Default year: the calendar year before `now` in Asia/Shanghai. A progress line on a
 * terminal (plain lines otherwise) and a Chinese summary at the end. Exit 0 when the run completed,
 * even if agencies failed; 1 when the run itself failed (its record says what was and was not done);
 * 2 on bad usage or a registry error. An earlier run of this store that was killed is marked 中断.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultReportYear } from '../compliance/deadline.ts';
import type { ScanProgress } from '../fetch/scan.ts';
import type { FetchStatus, RunManifest } from '../storage/records.ts';

const USAGE = `用法：nianbao scan --registry 名录文件 [--store 目录|s3://桶/前缀] [--year 年份] [--agency 机关ID ...] [--now 时间]

  --registry FILE   机关名录（YAML）
  --store LOC       存储位置，默认 ./.nianbao
  --year Y          报告年度，默认为当前（北京时间）的上一年
  --agency ID       只抓取这些机关（可重复，或用逗号分隔）
  --now ISO         以此时间为“现在”（测试与重放用）
  --concurrency N   同时处理的机关数，默认 16（每个网站仍逐个请求）
  --agency-budget S 每个机关全部请求的总时限（秒），默认 180；超时记为“无法访问”
  --no-parse        只抓取存档，不解析校验`;

export { defaultReportYear };

const STATUS_LABEL: Record<FetchStatus, string> = {
  found: '找到',
  'not-found': '未找到',
  unreachable: '无法访问',
  blocked: '被拦截',
  'address-broken': '名录地址失效',
};

/** The end-of-run summary, in Chinese. */
export function summarise(manifest: RunManifest, storeLocation: string): string {
  const counts: Record<FetchStatus, number> = {
    found: 0,
    'not-found': 0,
    unreachable: 0,
    blocked: 0,
    'address-broken': 0,
  };
  for (const outcome of manifest.outcomes) counts[outcome.status]++;
  const withErrors = manifest.outcomes.filter(
    (o) => o.error !== undefined || o.findings.some((f) => f.severity === 'error' || f.severity === 'warning'),
  );
  const lines = [
    `${manifest.year} 年度报告抓取完成：共 ${manifest.outcomes.length} 个机关`,
    `  找到 ${counts.found}　未找到 ${counts['not-found']}　无法访问 ${counts.unreachable}　被拦截 ${counts.blocked}　名录地址失效 ${counts['address-broken']}　有错误 ${withErrors.length}`,
  ];
  const problems = manifest.outcomes.filter((o) => o.status !== 'found' || o.error);
  if (problems.length > 0) {
    lines.push('', '未找到或失败的机关：');
    for (const outcome of problems.slice(0, 50)) {
      lines.push(`  ${outcome.agencyId}　${STATUS_LABEL[outcome.status]}　${outcome.error ?? ''}`.trimEnd());
    }
    if (problems.length > 50) lines.push(`  ……另有 ${problems.length - 50} 个`);
  }
  lines.push('', `运行记录：${storeLocation.replace(/\/$/, '')}/runs/${manifest.runId}.json`);
  return lines.join('\n');
}

/** Whether a process of this machine is alive (signal 0 checks without signalling; EPERM means it is). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function progressLine(progress: ScanProgress): string {
  const { done, total, counts } = progress;
  return `[${done}/${total}] 找到 ${counts.found} 未找到 ${counts['not-found']} 无法访问 ${counts.unreachable} 被拦截 ${counts.blocked}  ${progress.agencyId}：${STATUS_LABEL[progress.status]}`;
}

export async function run(args: string[]): Promise<number> {
  let values: {
    registry?: string;
    store?: string;
    year?: string;
    agency?: string[];
    now?: string;
    concurrency?: string;
    'agency-budget'?: string;
    'no-parse'?: boolean;
    help?: boolean;
  };
  try {
    values = parseArgs({
      args,
      options: {
        registry: { type: 'string' },
        store: { type: 'string' },
        year: { type: 'string' },
        agency: { type: 'string', multiple: true },
        now: { type: 'string' },
        concurrency: { type: 'string' },
        'agency-budget': { type: 'string' },
        'no-parse': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`参数错误：${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.registry) {
    console.error(`缺少 --registry\n\n${USAGE}`);
    return 2;
  }
  const fixedNow = values.now ? new Date(values.now) : null;
  if (fixedNow && Number.isNaN(fixedNow.getTime())) {
    console.error(`--now 不是合法的时间：${values.now}`);
    return 2;
  }
  // With --now the whole run sees that instant move forward from it (durations stay real).
  const offset = fixedNow ? fixedNow.getTime() - Date.now() : 0;
  const now = () => new Date(Date.now() + offset);
  const year = values.year ? Number(values.year) : defaultReportYear(now());
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    console.error(`--year 不是合法的年份：${values.year}`);
    return 2;
  }
  const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    console.error(`--concurrency 应为正整数：${values.concurrency}`);
    return 2;
  }

  const budgetSeconds = values['agency-budget'] ? Number(values['agency-budget']) : undefined;
  if (budgetSeconds !== undefined && !(Number.isFinite(budgetSeconds) && budgetSeconds > 0)) {
    console.error(`--agency-budget 应为正数（秒）：${values['agency-budget']}`);
    return 2;
  }

  const { readRegistry, readRegistryFileText } = await import('../registry/stream.ts');
  let registry: ReturnType<typeof readRegistry>;
  let registryText: string;
  try {
    registryText = await readRegistryFileText(values.registry);
    registry = readRegistry(registryText, values.registry);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const agencyIds = (values.agency ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const unknown = agencyIds.filter((id) => !registry.agencies.some((a) => a.id === id));
  if (unknown.length > 0) {
    console.error(`名录中没有这些机关：${unknown.join('、')}`);
    return 2;
  }

  const { openStore } = await import('../storage/open-store.ts');
  let store: ReturnType<typeof openStore>;
  try {
    store = openStore(values.store);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }

  // Recorded (as UTF-8) so `digest` and `site` on this store work without repeating --registry.
  const { keys } = await import('../storage/keys.ts');
  await store.put(keys.registry, registryText, { contentType: 'application/yaml; charset=utf-8' });

  const { RunFailedError } = await import('../fetch/scan.ts');
  const { runScanAndParse } = await import('../pipeline/scan-run.ts');
  const tty = process.stderr.isTTY === true;
  const total = agencyIds.length || registry.agencies.length;
  console.error(`开始抓取 ${year} 年度报告：${total} 个机关，存储于 ${store.location}`);
  let manifest: RunManifest;
  try {
    manifest = await runScanAndParse({
      registry,
      year,
      store,
      now,
      ...(agencyIds.length ? { agencyIds } : {}),
      ...(concurrency ? { concurrency } : {}),
      ...(budgetSeconds ? { agencyBudgetMs: Math.round(budgetSeconds * 1000) } : {}),
      process: values['no-parse'] !== true,
      owner: { host: hostname(), pid: process.pid },
      isAlive,
      onInterrupted: (runs) => {
        for (const run of runs) {
          console.error(
            `上次运行 ${run.runId} 未正常结束，已标记为中断（完成 ${run.done} 个机关，未处理 ${run.notDone} 个）`,
          );
        }
      },
      onProgress: (progress) => {
        const line = progressLine(progress);
        if (tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
        else process.stderr.write(`${line}\n`);
      },
    });
  } catch (error) {
    if (tty) process.stderr.write('\n');
    if (error instanceof RunFailedError) {
      console.error(`${error.message}\n运行记录：${store.location.replace(/\/$/, '')}/runs/${error.runId}.json`);
    } else {
      const { userFacingError } = await import('../fetch/errors.ts');
      console.error(`运行失败：${userFacingError(error).message}`);
    }
    return 1;
  }
  if (tty) process.stderr.write('\n');
  console.log(summarise(manifest, store.location));
  return 0;
}
