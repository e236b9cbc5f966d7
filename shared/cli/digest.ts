/**
 * `nianbao digest [--store DIR|s3://…] [--registry FILE] [--year Y] [--now ISO]
 *   [--outbox DIR | --ses | --smtp URL] [--to ADDR…] [--from ADDR] [--region R] [--endpoint URL] [--force]
 *   [--link-base URL] [--lead-days N]`
 *
 * Assesses every agency (writing state/…), builds this week's digest per recipient set and writes it
 * to the outbox folder (default) or sends it through SES or SMTP. A week already sent to the same
 * recipients is refused unless --force. Exit 0 on success (also when everything was already sent), 1 on
 * a send failure, 2 on bad usage.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultReportYear } from '../compliance/deadline.ts';
import { STATUS_LABELS } from '../compliance/status.ts';
import type { Mailer } from '../notify/mailer.ts';
import type { RecipientSet, WeeklyDigestResult } from '../notify/weekly.ts';
import type { Registry } from '../registry/agency.ts';
import { linksFromBase } from '../site/links.ts';
import { keys } from '../storage/keys.ts';
import { readRegistryFrom } from './registry-source.ts';

const USAGE = `用法：nianbao digest [--store 目录|s3://桶/前缀] [--registry 名录文件] [--year 年份] [--now 时间]
                     [--outbox 目录 | --ses | --smtp URL] [--to 地址 ...] [--from 地址] [--region 地区]
                     [--endpoint URL] [--force] [--lead-days 天数]

  --store LOC        存储位置，默认 ./.nianbao
  --registry FILE    机关名录（YAML）；默认读取存储中的 config/registry.yaml
  --year Y           报告年度，默认为当前（北京时间）的上一年
  --now ISO          以此时间为“现在”（测试与重放用）
  --outbox DIR       写入发件箱目录（.eml 与 .html），默认 <存储>/outbox
  --ses              通过 Amazon SES 发送（需 --to 或名录中的 recipients）
  --smtp URL         通过单位的邮件服务器发送，例如 smtps://用户名:密码@mail.example.gov.cn:465
                     （smtp:// 默认 587 端口并使用 STARTTLS；需 --to 或名录中的 recipients）
  --to ADDR          收件人（可重复）；不填则按名录 recipients 分地区发送
  --from ADDR        发件人，默认 nianbao-watch@localhost
  --region R         只发送该地区的部分，例如 河南省/三门峡市（与 --to 一起用）
  --endpoint URL     SES 端点（本地测试用，例如 http://127.0.0.1:8005）
  --aws-region R     SES 区域，默认 us-east-1 或 AWS_REGION
  --link-base URL    邮件中链接的根地址（结果网站所在位置）；本地默认为存储目录的 file:// 地址
  --force            本周已发送给同一收件人时仍然重新发送
  --lead-days N      截止日期前多少天起在摘要开头列出“即将到期”的机关，默认 15`;

/** What the CLI parsed; exported for tests. */
export interface DigestArgs {
  store: string;
  registry?: string;
  year?: number;
  now: Date;
  outbox?: string;
  ses: boolean;
  smtp?: string;
  leadDays?: number;
  to: string[];
  from: string;
  region: string[];
  endpoint?: string;
  awsRegion?: string;
  linkBase?: string;
  force: boolean;
}

export class UsageError extends Error {}

export function parseDigestArgs(args: string[], clock: () => Date = () => new Date()): DigestArgs {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      store: { type: 'string' },
      registry: { type: 'string' },
      year: { type: 'string' },
      now: { type: 'string' },
      outbox: { type: 'string' },
      ses: { type: 'boolean' },
      smtp: { type: 'string' },
      'lead-days': { type: 'string' },
      to: { type: 'string', multiple: true },
      from: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      'aws-region': { type: 'string' },
      'link-base': { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new UsageError('');
  const now = values.now ? new Date(values.now) : clock();
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now 不是有效的时间：${values.now}`);
  let year: number | undefined;
  if (values.year !== undefined) {
    year = Number(values.year);
    if (!Number.isInteger(year) || year < 2008 || year > 9999) throw new UsageError(`--year 无效：${values.year}`);
  }
  if ([values.ses, values.outbox !== undefined, values.smtp !== undefined].filter(Boolean).length > 1)
    throw new UsageError('--ses、--smtp 与 --outbox 只能选一个');
  if (values.smtp !== undefined && !/^smtps?:\/\/[^/]+/i.test(values.smtp))
    throw new UsageError(`--smtp 应为 smtp://主机:端口 或 smtps://用户名:密码@主机:465：${values.smtp}`);
  let leadDays: number | undefined;
  if (values['lead-days'] !== undefined) {
    leadDays = Number(values['lead-days']);
    if (!Number.isInteger(leadDays) || leadDays < 0 || leadDays > 366)
      throw new UsageError(`--lead-days 应为 0 到 366 之间的整数：${values['lead-days']}`);
  }
  const to = (values.to ?? [])
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  const region = values.region
    ? values.region
        .split(/[/／]/)
        .map((r) => r.trim())
        .filter(Boolean)
    : [];
  if (region.length && !to.length) throw new UsageError('--region 需要与 --to 一起使用');
  return {
    store: values.store ?? './.nianbao',
    registry: values.registry,
    year,
    now,
    outbox: values.outbox,
    ses: values.ses ?? false,
    ...(values.smtp !== undefined ? { smtp: values.smtp } : {}),
    ...(leadDays !== undefined ? { leadDays } : {}),
    to,
    from: values.from ?? 'nianbao-watch@localhost',
    region,
    endpoint: values.endpoint,
    awsRegion: values['aws-region'],
    linkBase: values['link-base'],
    force: values.force ?? false,
  };
}

export async function run(args: string[]): Promise<number> {
  let options: DigestArgs;
  try {
    options = parseDigestArgs(args);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(message ? `${message}\n\n${USAGE}` : USAGE);
    return error instanceof UsageError && !message ? 0 : 2;
  }
  const { openStore } = await import('../storage/open-store.ts');
  const { runWeeklyDigest } = await import('../notify/weekly.ts');
  const store = openStore(options.store);
  let registry: Registry;
  try {
    registry = await readRegistryFrom(store, options.registry);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const year = options.year ?? defaultReportYear(options.now);
  const isLocal = !/^s3:\/\//i.test(options.store);
  const linkBase = options.linkBase ?? (isLocal ? pathToFileURL(path.resolve(options.store)).href : undefined);

  let mailer: Mailer;
  if (options.smtp) {
    const { smtpMailerFromUrl } = await import('../notify/smtp-mailer.ts');
    mailer = smtpMailerFromUrl(options.smtp);
  } else if (options.ses) {
    const { SESClient } = await import('@aws-sdk/client-ses');
    const { SesMailer } = await import('../notify/ses-mailer.ts');
    mailer = new SesMailer(
      new SESClient({
        region: options.awsRegion ?? process.env.AWS_REGION ?? 'us-east-1',
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      }),
    );
  } else {
    const { OutboxMailer } = await import('../notify/outbox-mailer.ts');
    const outbox = options.outbox ?? (isLocal ? path.join(options.store, 'outbox') : './.nianbao/outbox');
    mailer = new OutboxMailer(outbox);
  }
  let recipients: RecipientSet[] | undefined;
  if (options.to.length) recipients = [{ region: options.region, to: options.to }];
  else if (!registry.recipients.length) {
    if (options.ses || options.smtp) {
      console.error('名录中没有 recipients，请用 --to 指定收件人');
      return 2;
    }
    recipients = [{ region: [], to: ['digest@localhost'] }];
  }

  let result: WeeklyDigestResult;
  try {
    result = await runWeeklyDigest({
      store,
      registry,
      year,
      now: options.now.getTime(),
      mailer,
      from: options.from,
      recipients,
      links: linkBase ? linksFromBase(linkBase) : undefined,
      force: options.force,
      ...(options.leadDays !== undefined ? { leadDays: options.leadDays } : {}),
    });
  } catch (error) {
    console.error(`摘要发送失败：${(error as Error).message}`);
    return 1;
  }
  console.log(summariseDigest(result, store.location));
  return 0;
}

/** The CLI's Chinese summary. */
export function summariseDigest(result: WeeklyDigestResult, storeLocation: string): string {
  const counts = new Map<string, number>();
  for (const a of result.assessments) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  const tally = [...counts.entries()]
    .map(([status, n]) => `${STATUS_LABELS[status as keyof typeof STATUS_LABELS]} ${n}`)
    .join('　');
  const lines = [`${result.isoWeek} 合规摘要：已评估 ${result.assessments.length} 个机关　${tally}`];
  const first = result.messages[0]?.digest;
  if (first) {
    const c = first.changes;
    lines.push(`  与上周相比：新增 ${c.new.length}　仍未解决 ${c.stillOpen.length}　已解决 ${c.resolved.length}`);
  }
  for (const message of result.messages) {
    const scope = message.region.length ? message.region.join('/') : '全部地区';
    if (message.status === 'sent') {
      lines.push(`  已发送（${scope}）→ ${message.to.join(', ')}：${message.receipt?.location ?? ''}`);
    } else {
      lines.push(`  本周已发送过（${scope}）→ ${message.to.join(', ')}，未重复发送（如需重发请加 --force）`);
    }
  }
  for (const notice of result.notices ?? []) {
    lines.push(
      notice.status === 'sent'
        ? `  已发送机关通知 → ${notice.to.join(', ')}：${notice.subject}`
        : `  本周已发送过机关通知 → ${notice.to.join(', ')}，未重复发送`,
    );
  }
  lines.push(`  摘要记录：${storeLocation.replace(/\/$/, '')}/${keys.digest(result.isoWeek)}`);
  return lines.join('\n');
}
