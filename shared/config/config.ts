/**
 * Runtime configuration of the Lambdas, read from environment variables.
 *
 * The variable names live in {@link CONFIG_ENV}, which the CDK stack also imports: each key is set
 * next to the grant that needs it (bucket name beside `grantReadWrite`, queue URL beside
 * `grantSendMessages`, SES identity beside the `ses:SendRawEmail` statement), so the stack and the
 * handlers cannot drift apart.
 */

/** Environment variable names, shared by the handlers and the stack. */
export const CONFIG_ENV = {
  bucketName: 'NIANBAO_BUCKET',
  queueUrl: 'NIANBAO_FETCH_QUEUE_URL',
  mailer: 'NIANBAO_MAILER',
  sesIdentity: 'NIANBAO_SES_IDENTITY',
  mailFrom: 'NIANBAO_MAIL_FROM',
  recipients: 'NIANBAO_RECIPIENTS',
  smtpUrl: 'NIANBAO_SMTP_URL',
  siteUrl: 'NIANBAO_SITE_URL',
  reportYear: 'NIANBAO_REPORT_YEAR',
  maxAgenciesPerJob: 'NIANBAO_MAX_AGENCIES_PER_JOB',
  crawlWindowHours: 'NIANBAO_CRAWL_WINDOW_HOURS',
  /** Set by the Lambda runtime itself; read, never set by the stack. */
  region: 'AWS_REGION',
} as const;

export type ConfigEnvKey = (typeof CONFIG_ENV)[keyof typeof CONFIG_ENV];

/** Which mailer sends the weekly digest: SES (global regions) or SMTP via nodemailer (China regions). */
export type MailerKind = 'ses' | 'smtp';
export const MAILER_KINDS: readonly MailerKind[] = ['ses', 'smtp'];

/** What every function needs. */
export interface BaseConfig {
  bucketName: string;
  /** AWS region the function runs in (undefined only outside Lambda, e.g. in tests). */
  region: string | undefined;
  /** Report year to work on; undefined means "last calendar year in Asia/Shanghai" at run time. */
  reportYear: number | undefined;
}

/** For the functions that enqueue fetch jobs (plan, rescan-http). */
export interface QueueConfig {
  queueUrl: string;
  /** At most this many agencies of one host per SQS message, so a job fits in the worker's timeout. @default 10 */
  maxAgenciesPerJob: number;
  /**
   * Hours from the weekly fetch to the digest that reports it: what the planner sizes the crawl against
   * (workers needed, hosts too large to finish). @default DEFAULT_CRAWL_WINDOW_HOURS
   */
  crawlWindowHours: number;
}

/** The stack's default schedule: fetch Monday 02:00, digest 08:00 (Beijing time). */
export const DEFAULT_CRAWL_WINDOW_HOURS = 6;

/** For the notifier. */
export interface MailConfig {
  mailer: MailerKind;
  mailFrom: string;
  /** SES identity (domain or address) the notifier may send as; required when mailer is 'ses'. */
  sesIdentity: string | undefined;
  /** smtp(s)://user:pass@host:port; required when mailer is 'smtp'. */
  smtpUrl: string | undefined;
  /** Extra recipients for the whole digest, besides the registry's per-region recipients. */
  recipients: string[];
  /** Public (or CloudFront) base URL of the results site, for links in the email. */
  siteUrl: string | undefined;
}

export interface ConfigParts {
  queue: QueueConfig;
  mail: MailConfig;
}

export type ConfigPart = keyof ConfigParts;

/** The base config plus the parts asked for: `Config<'queue'>` has `queueUrl`. */
export type Config<P extends ConfigPart = never> = BaseConfig &
  ('queue' extends P ? QueueConfig : unknown) &
  ('mail' extends P ? MailConfig : unknown);

/** Thrown when the environment is missing a variable or holds a bad value; names the variable. */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the configuration a function needs from `env` (pass `process.env`).
 *
 * @param parts the optional parts this function uses besides the base: `'queue'`, `'mail'`.
 * @throws ConfigError naming the first missing or malformed variable.
 * @example loadConfig(process.env, ['queue']).queueUrl
 */
export function loadConfig<P extends ConfigPart = never>(env: Env, parts: readonly P[] = []): Config<P> {
  const base: BaseConfig = {
    bucketName: required(env, CONFIG_ENV.bucketName),
    region: optional(env, CONFIG_ENV.region),
    reportYear: optionalYear(env, CONFIG_ENV.reportYear),
  };
  let config: BaseConfig & Partial<QueueConfig> & Partial<MailConfig> = base;
  if (parts.includes('queue' as P)) config = { ...config, ...loadQueueConfig(env) };
  if (parts.includes('mail' as P)) config = { ...config, ...loadMailConfig(env) };
  // The conditional return type is what callers see; the object built above matches it by construction.
  return config as never;
}

function loadQueueConfig(env: Env): QueueConfig {
  const maxRaw = optional(env, CONFIG_ENV.maxAgenciesPerJob);
  const maxAgenciesPerJob = maxRaw === undefined ? 10 : Number(maxRaw);
  if (!Number.isInteger(maxAgenciesPerJob) || maxAgenciesPerJob < 1 || maxAgenciesPerJob > 500) {
    throw new ConfigError(
      CONFIG_ENV.maxAgenciesPerJob,
      `${CONFIG_ENV.maxAgenciesPerJob} must be an integer from 1 to 500, got "${maxRaw}"`,
    );
  }
  const windowRaw = optional(env, CONFIG_ENV.crawlWindowHours);
  const crawlWindowHours = windowRaw === undefined ? DEFAULT_CRAWL_WINDOW_HOURS : Number(windowRaw);
  if (!Number.isFinite(crawlWindowHours) || crawlWindowHours < 1 || crawlWindowHours > 168) {
    throw new ConfigError(
      CONFIG_ENV.crawlWindowHours,
      `${CONFIG_ENV.crawlWindowHours} must be a number of hours from 1 to 168, got "${windowRaw}"`,
    );
  }
  return { queueUrl: required(env, CONFIG_ENV.queueUrl), maxAgenciesPerJob, crawlWindowHours };
}

function loadMailConfig(env: Env): MailConfig {
  const mailerRaw = optional(env, CONFIG_ENV.mailer) ?? 'ses';
  if (!MAILER_KINDS.includes(mailerRaw as MailerKind)) {
    throw new ConfigError(
      CONFIG_ENV.mailer,
      `${CONFIG_ENV.mailer} must be one of ${MAILER_KINDS.join(', ')}, got "${mailerRaw}"`,
    );
  }
  const mailer = mailerRaw as MailerKind;
  return {
    mailer,
    mailFrom: required(env, CONFIG_ENV.mailFrom),
    sesIdentity: mailer === 'ses' ? required(env, CONFIG_ENV.sesIdentity) : optional(env, CONFIG_ENV.sesIdentity),
    smtpUrl: mailer === 'smtp' ? required(env, CONFIG_ENV.smtpUrl) : optional(env, CONFIG_ENV.smtpUrl),
    recipients: (optional(env, CONFIG_ENV.recipients) ?? '')
      .split(/[,;\s]+/)
      .map((address) => address.trim())
      .filter((address) => address !== ''),
    siteUrl: optional(env, CONFIG_ENV.siteUrl),
  };
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, `Missing environment variable ${name}`);
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function optionalYear(env: Env, name: string): number | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const year = Number(raw);
  if (!Number.isInteger(year) || year < 2008 || year > 2100) {
    // 2008: the first year of 政府信息公开条例 annual reports.
    throw new ConfigError(name, `${name} must be a year from 2008 to 2100, got "${raw}"`);
  }
  return year;
}
