/**
 * `npm start` (`nianbao demo [--store DIR] [--now ISO]`): the main job end to end on one machine, with
 * no AWS account and no internet. Starts the bundled demo agency site on loopback (the five seed reports
 * plus agencies that are late, missing, unreachable or blocked), scans it, parses and validates, assesses,
 * writes the weekly digest to the outbox folder and the results site into the store, then says where to look.
 *
 * The demo runs at a fixed moment (DEMO_NOW) rather than the real clock: the demo site publishes the
 * 2023 reports on fixed dates in 2024, so a fixed "now" after both deadlines (31 January for departments
 * and townships, 31 March for county governments) makes the late and missing cases come out as designed
 * on every run, and the output is the same each time.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { nowOption, parseOptionsOrExit } from '../shared/cli/options.ts';
import { STATUS_LABELS } from '../shared/compliance/status.ts';
import { updateAssessments } from '../shared/compliance/update.ts';
import { createHttpClient } from '../shared/fetch/http.ts';
import { OutboxMailer } from '../shared/notify/outbox-mailer.ts';
import { runWeeklyDigest } from '../shared/notify/weekly.ts';
import { runScanAndParse } from '../shared/pipeline/scan-run.ts';
import { loadRegistry } from '../shared/registry/load.ts';
import { generateSite } from '../shared/site/generate.ts';
import { linksFromBase } from '../shared/site/links.ts';
import { FileSystemStore } from '../shared/storage/fs-store.ts';
import { keys } from '../shared/storage/keys.ts';
import { DEFAULT_STORE_LOCATION } from '../shared/storage/open-store.ts';
import { startAgencySite } from './agency-site.ts';

/** Report year the demo site publishes. */
export const DEMO_YEAR = 2023;
/** Monday 8 April 2024, 10:00 Beijing time: a week after the last deadline of the 2023 reports. */
export const DEMO_NOW = '2024-04-08T02:00:00.000Z';

const USAGE = [
  '用法：nianbao demo [--store 目录] [--now ISO时间]',
  '',
  '选项：',
  '  --store 目录    演示结果写入的目录（默认 ./.nianbao）：存档、评估、摘要邮件（outbox/）和结果网站（site/）',
  '  --now ISO时间   评估所用的“现在”（默认 2024-04-08 10:00 北京时间，两个截止日期之后）',
  '  -h, --help      显示本说明',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const parsed = parseOptionsOrExit(args, { store: { type: 'string' }, now: { type: 'string' } }, USAGE);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const now = nowOption(values.now, () => new Date(DEMO_NOW));
  if (!now) return 2;
  const root = path.resolve(values.store ?? DEFAULT_STORE_LOCATION);
  const outbox = path.join(root, 'outbox');
  const registryFile = path.join(root, 'demo-registry.yaml');
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} 秒`;

  console.log('① 启动本机演示机关网站（127.0.0.1，含 5 份真实年报及逾期、未公开、无法访问等情形）…');
  const site = await startAgencySite({ year: DEMO_YEAR });
  try {
    await mkdir(root, { recursive: true });
    await writeFile(registryFile, site.registryYaml);
    const registry = loadRegistry(site.registryYaml, 'demo-registry.yaml');
    const store = new FileSystemStore(root);
    // `nianbao site` and `nianbao digest` read the registry from here when run without --registry.
    await store.put(keys.registry, site.registryYaml);

    console.log(`② 抓取 ${registry.agencies.length} 个机关的 ${DEMO_YEAR} 年度报告并解析、校验…`);
    // The demo site is our own server on loopback, so the polite pauses can be short (a real run keeps
    // the 1 s per-host default); this keeps `npm start` under half a minute including the timeout cases.
    // The demo's clock starts at `now` and runs at real speed, so fetch times, first-seen dates and the
    // run's start and end sit at the demo moment (a frozen clock would stall the per-host pacing).
    const offset = now.getTime() - Date.now();
    const demoClock = () => new Date(Date.now() + offset);
    const http = createHttpClient({
      now: demoClock,
      allowHosts: registry.allowHosts,
      respectRobots: registry.respectRobots,
      perHostDelayMs: 50,
      retryBaseDelayMs: 100,
      retryMaxDelayMs: 500,
    });
    let manifest: Awaited<ReturnType<typeof runScanAndParse>>;
    try {
      manifest = await runScanAndParse({ registry, year: DEMO_YEAR, store, http, now: demoClock });
    } finally {
      http.close();
    }
    const fetchCounts = new Map<string, number>();
    for (const outcome of manifest.outcomes)
      fetchCounts.set(outcome.status, (fetchCounts.get(outcome.status) ?? 0) + 1);
    console.log(
      `   抓取结果：找到 ${fetchCounts.get('found') ?? 0}，未找到 ${fetchCounts.get('not-found') ?? 0}，无法访问 ${fetchCounts.get('unreachable') ?? 0}，被拦截 ${fetchCounts.get('blocked') ?? 0}，名录地址失效 ${fetchCounts.get('address-broken') ?? 0}（${elapsed()}）`,
    );

    console.log('③ 评估各机关合规状态…');
    // Assess, report and publish as of the end of the scan, so nothing fetched lies in the future.
    const scanEnd = demoClock();
    const assessments = await updateAssessments(store, registry, DEMO_YEAR, scanEnd.toISOString());
    const statusCounts = new Map<string, number>();
    for (const assessment of assessments) {
      statusCounts.set(assessment.status, (statusCounts.get(assessment.status) ?? 0) + 1);
    }
    console.log(
      `   ${[...statusCounts.entries()].map(([status, count]) => `${STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status} ${count}`).join('，')}`,
    );

    console.log('④ 生成每周摘要邮件，写入发件箱…');
    // A fresh outbox each run, so what is there is this run's digest.
    await rm(outbox, { recursive: true, force: true });
    const digest = await runWeeklyDigest({
      store,
      registry,
      year: DEMO_YEAR,
      now: scanEnd.toISOString(),
      mailer: new OutboxMailer(outbox),
      from: 'nianbao-watch@localhost',
      recipients: registry.recipients.length ? undefined : [{ region: [], to: ['gongkaiban@localhost'] }],
      links: linksFromBase(pathToFileURL(root).href),
      assessments,
      // The demo always runs in the same week; resending it is the point.
      force: true,
    });

    console.log('⑤ 生成结果网站…');
    const result = await generateSite(store, { registry, years: [DEMO_YEAR], now: scanEnd });

    const emails = digest.messages
      .map((message) => message.receipt?.location)
      .filter((location): location is string => typeof location === 'string');
    console.log('');
    console.log(`完成，用时 ${elapsed()}。请查看：`);
    console.log(`  摘要邮件（发件箱）：${outbox}`);
    for (const email of emails) {
      console.log(`    ${email}`);
      console.log(`    ${email.replace(/\.eml$/, '.html')}（浏览器可直接打开）`);
    }
    console.log(
      `  结果网站首页：${path.join(root, 'site', 'index.html')}（${result.pages} 个页面，可直接用浏览器打开）`,
    );
    console.log(`  本机浏览服务：npx nianbao serve${values.store ? ` --store ${values.store}` : ''}（仅 127.0.0.1）`);
    console.log(`  机关列表（各地区的机关与 Excel 工作簿）：${path.join(root, 'site', 'agencies.html')}`);
    console.log(`  演示名录：${registryFile}`);
    console.log(`  运行记录：${path.join(root, 'runs', `${manifest.runId}.json`)}`);
    return 0;
  } finally {
    await site.close();
  }
}
