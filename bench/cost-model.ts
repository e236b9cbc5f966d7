/**
 * The AWS bill of one week of the pipeline, from counted usage (issue 13, "measured cost"). Pure: a
 * dated price table and functions from per-stage counts (invocations, seconds, S3 requests by kind,
 * SQS requests, state transitions, SES messages and bytes, log bytes) to bill lines, each carrying the
 * arithmetic that produced it. bench/cost.bench.ts measures the counts; nothing here measures or guesses.
 */

/** List prices, US East (N. Virginia), on-demand, no free tier applied. */
export interface PriceTable {
  region: string;
  /** When and where the figures were taken from. */
  takenOn: string;
  source: string;
  lambda: {
    /** arm64, per GB-second of billed duration (the first 6 billion GB-s tier). */
    gbSecond: number;
    perMillionRequests: number;
    /** Memory at which a function gets one full vCPU (CPU share scales with memory below it). */
    mbPerVcpu: number;
  };
  s3: {
    /** S3 Standard PUT, COPY, POST, LIST requests. */
    putCopyPostListPer1000: number;
    /** GET, SELECT and all other requests (HEAD included); DELETE is free. */
    getHeadPer1000: number;
    /** Storage, first 50 TB / month. */
    storageGbMonth: number;
  };
  sqs: {
    standardPerMillion: number;
    fifoPerMillion: number;
    /** Each 64 KiB chunk of a request's payload is billed as one request. */
    chunkBytes: number;
  };
  stepFunctions: {
    standardPer1000Transitions: number;
    expressPerMillionRequests: number;
    /** Express duration, first 1,000 GB-hours a month (billed in 64 MB and 100 ms steps). */
    expressGbSecond: number;
  };
  ses: { per1000Messages: number; attachmentGb: number };
  cloudwatch: {
    /** Per custom metric (name × dimensions) and month, first 10,000 metrics; prorated by the hour it is sent in. */
    metricMonth: number;
    /** Hours in the month the metric price is prorated over. */
    hoursPerMonth: number;
    /** Standard-resolution alarm, per month. */
    alarmMonth: number;
    logsIngestGb: number;
    logsStorageGbMonth: number;
  };
  scheduler: { perMillionInvocations: number };
  /** 365.25 / 12 / 7: weeks in an average month. */
  weeksPerMonth: number;
}

export const PRICES: PriceTable = {
  region: 'us-east-1',
  takenOn: '2026-12-02',
  source:
    'aws.amazon.com/{lambda,s3,sqs,step-functions,ses,cloudwatch,eventbridge}/pricing, US East (N. Virginia) list prices ' +
    'as quoted in issue 13 and the README, checked on 2026-12-02 against stored copies of those pages',
  lambda: { gbSecond: 0.0000133334, perMillionRequests: 0.2, mbPerVcpu: 1769 },
  s3: { putCopyPostListPer1000: 0.005, getHeadPer1000: 0.0004, storageGbMonth: 0.023 },
  sqs: { standardPerMillion: 0.4, fifoPerMillion: 0.5, chunkBytes: 65_536 },
  stepFunctions: { standardPer1000Transitions: 0.025, expressPerMillionRequests: 1.0, expressGbSecond: 0.00001667 },
  ses: { per1000Messages: 0.1, attachmentGb: 0.12 },
  cloudwatch: { metricMonth: 0.3, hoursPerMonth: 730, alarmMonth: 0.1, logsIngestGb: 0.5, logsStorageGbMonth: 0.03 },
  scheduler: { perMillionInvocations: 1.0 },
  weeksPerMonth: 365.25 / 12 / 7,
};

export const GB = 1024 ** 3;

/** S3 requests by billing kind. */
export interface S3Requests {
  put: number;
  copy: number;
  post: number;
  list: number;
  get: number;
  head: number;
  delete: number;
}

export function noS3(): S3Requests {
  return { put: 0, copy: 0, post: 0, list: 0, get: 0, head: 0, delete: 0 };
}

/** One Lambda function's week: invocations and their summed billed duration. */
export interface LambdaUsage {
  memoryMb: number;
  invocations: number;
  durationSeconds: number;
  /** Where the duration comes from (printed with the arithmetic). */
  durationNote?: string;
}

/** What one stage of the pipeline used in one week. */
export interface StageUsage {
  stage: string;
  lambda?: LambdaUsage;
  s3?: S3Requests;
  /** Billed SQS requests (64 KiB chunks) on FIFO and standard queues. */
  sqsFifoRequests?: number;
  sqsStandardRequests?: number;
  /** What the SQS figure is (printed). */
  sqsNote?: string;
  stepFunctions?: { standardTransitions?: number; expressRequests?: number; expressGbSeconds?: number };
  /** Messages counted per recipient (SES bills each recipient as one email), bytes of the raw messages. */
  ses?: { messages: number; bytes: number };
  schedulerInvocations?: number;
  /** CloudWatch Logs bytes ingested. */
  logBytes?: number;
}

/** What is billed by the month rather than by the week's work. */
export interface MonthlyFixed {
  /** S3 Standard GB-months, by what is stored. */
  storage: { label: string; gb: number }[];
  /** Custom metrics and the hours a month each is sent in (the price is prorated by the hour). */
  metrics: { label: string; count: number; hoursPerMonth: number }[];
  alarms: number;
  /** CloudWatch Logs stored (GB-months). */
  logStorageGb: number;
}

export interface BillLine {
  service: string;
  item: string;
  /** The one line of arithmetic giving `usd`. */
  arithmetic: string;
  usd: number;
}

export interface Bill {
  lines: BillLine[];
  total: number;
}

/** 12,345 / 1.23 / 0.0012: thousands separators, significant digits for small numbers. */
export function num(value: number, digits = 0): string {
  if (value !== 0 && Math.abs(value) < 1 && digits === 0) return value.toPrecision(2);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Bytes as KB / MB / GB (binary units, as AWS bills GB). */
export function size(bytes: number): string {
  if (bytes < 1024 ** 2) return `${num(bytes / 1024, 1)} KB`;
  if (bytes < GB) return `${num(bytes / 1024 ** 2, 1)} MB`;
  return `${num(bytes / GB, 2)} GB`;
}

/** Dollars: cents for a dollar and more, four decimals below. */
export function usd(value: number): string {
  return `$${value >= 1 ? num(value, 2) : value.toFixed(4)}`;
}

function line(service: string, item: string, arithmetic: string, amount: number): BillLine {
  return { service, item, arithmetic: `${arithmetic} = ${usd(amount)}`, usd: amount };
}

function total(lines: BillLine[]): Bill {
  return { lines, total: lines.reduce((sum, l) => sum + l.usd, 0) };
}

/** The week's bill, one line per stage and billed item (zero items are left out). */
export function weeklyBill(stages: readonly StageUsage[], prices: PriceTable = PRICES): Bill {
  const lines: BillLine[] = [];
  for (const stage of stages) {
    const name = stage.stage;
    const fn = stage.lambda;
    if (fn && fn.invocations > 0) {
      const gb = fn.memoryMb / 1024;
      const gbSeconds = fn.durationSeconds * gb;
      lines.push(
        line(
          'Lambda',
          `${name} duration`,
          `${num(fn.durationSeconds)} s × ${num(gb, 3)} GB = ${num(gbSeconds)} GB-s × $${prices.lambda.gbSecond}${fn.durationNote ? ` [${fn.durationNote}]` : ''}`,
          gbSeconds * prices.lambda.gbSecond,
        ),
        line(
          'Lambda',
          `${name} requests`,
          `${num(fn.invocations)} invocations × $${prices.lambda.perMillionRequests}/M`,
          (fn.invocations / 1e6) * prices.lambda.perMillionRequests,
        ),
      );
    }
    const s3 = stage.s3;
    if (s3) {
      const putClass = s3.put + s3.copy + s3.post + s3.list;
      if (putClass > 0) {
        const parts = (['put', 'copy', 'post', 'list'] as const).filter((k) => s3[k] > 0);
        lines.push(
          line(
            'S3',
            `${name} PUT/COPY/POST/LIST`,
            `(${parts.map((k) => `${num(s3[k])} ${k.toUpperCase()}`).join(' + ')}) × $${prices.s3.putCopyPostListPer1000}/1k`,
            (putClass / 1000) * prices.s3.putCopyPostListPer1000,
          ),
        );
      }
      const getClass = s3.get + s3.head;
      if (getClass > 0) {
        lines.push(
          line(
            'S3',
            `${name} GET/HEAD`,
            `(${num(s3.get)} GET + ${num(s3.head)} HEAD) × $${prices.s3.getHeadPer1000}/1k${s3.delete > 0 ? ` (${num(s3.delete)} DELETE free)` : ''}`,
            (getClass / 1000) * prices.s3.getHeadPer1000,
          ),
        );
      }
    }
    const note = stage.sqsNote ? ` [${stage.sqsNote}]` : '';
    if (stage.sqsFifoRequests) {
      lines.push(
        line(
          'SQS',
          `${name} FIFO requests`,
          `${num(stage.sqsFifoRequests)} requests × $${prices.sqs.fifoPerMillion}/M${note}`,
          (stage.sqsFifoRequests / 1e6) * prices.sqs.fifoPerMillion,
        ),
      );
    }
    if (stage.sqsStandardRequests) {
      lines.push(
        line(
          'SQS',
          `${name} standard requests`,
          `${num(stage.sqsStandardRequests)} requests × $${prices.sqs.standardPerMillion}/M${note}`,
          (stage.sqsStandardRequests / 1e6) * prices.sqs.standardPerMillion,
        ),
      );
    }
    const sf = stage.stepFunctions;
    if (sf?.standardTransitions) {
      lines.push(
        line(
          'Step Functions',
          `${name} Standard transitions`,
          `${num(sf.standardTransitions)} transitions × $${prices.stepFunctions.standardPer1000Transitions}/1k`,
          (sf.standardTransitions / 1000) * prices.stepFunctions.standardPer1000Transitions,
        ),
      );
    }
    if (sf?.expressRequests) {
      lines.push(
        line(
          'Step Functions',
          `${name} Express requests`,
          `${num(sf.expressRequests)} requests × $${prices.stepFunctions.expressPerMillionRequests}/M`,
          (sf.expressRequests / 1e6) * prices.stepFunctions.expressPerMillionRequests,
        ),
      );
    }
    if (sf?.expressGbSeconds) {
      lines.push(
        line(
          'Step Functions',
          `${name} Express duration`,
          `${num(sf.expressGbSeconds)} GB-s × $${prices.stepFunctions.expressGbSecond}`,
          sf.expressGbSeconds * prices.stepFunctions.expressGbSecond,
        ),
      );
    }
    if (stage.ses && stage.ses.messages > 0) {
      lines.push(
        line(
          'SES',
          `${name} messages`,
          `${num(stage.ses.messages)} messages × $${prices.ses.per1000Messages}/1k`,
          (stage.ses.messages / 1000) * prices.ses.per1000Messages,
        ),
        line(
          'SES',
          `${name} message bytes`,
          `${size(stage.ses.bytes)} × $${prices.ses.attachmentGb}/GB (the whole raw message counted as attachment)`,
          (stage.ses.bytes / GB) * prices.ses.attachmentGb,
        ),
      );
    }
    if (stage.schedulerInvocations) {
      lines.push(
        line(
          'EventBridge Scheduler',
          `${name} invocations`,
          `${num(stage.schedulerInvocations)} invocations × $${prices.scheduler.perMillionInvocations}/M`,
          (stage.schedulerInvocations / 1e6) * prices.scheduler.perMillionInvocations,
        ),
      );
    }
    if (stage.logBytes) {
      lines.push(
        line(
          'CloudWatch Logs',
          `${name} ingestion`,
          `${size(stage.logBytes)} × $${prices.cloudwatch.logsIngestGb}/GB`,
          (stage.logBytes / GB) * prices.cloudwatch.logsIngestGb,
        ),
      );
    }
  }
  return total(lines);
}

/** What is billed by the month whatever the week did: storage, metrics, alarms, stored logs. */
export function monthlyFixedBill(fixed: MonthlyFixed, prices: PriceTable = PRICES): Bill {
  const lines: BillLine[] = [];
  for (const item of fixed.storage) {
    if (item.gb <= 0) continue;
    lines.push(
      line(
        'S3',
        `storage: ${item.label}`,
        `${num(item.gb, 2)} GB-month × $${prices.s3.storageGbMonth}`,
        item.gb * prices.s3.storageGbMonth,
      ),
    );
  }
  for (const metric of fixed.metrics) {
    if (metric.count <= 0) continue;
    const hours = Math.min(metric.hoursPerMonth, prices.cloudwatch.hoursPerMonth);
    lines.push(
      line(
        'CloudWatch',
        `custom metrics: ${metric.label}`,
        `${metric.count} metrics × $${prices.cloudwatch.metricMonth} × ${num(hours, 1)} h/${prices.cloudwatch.hoursPerMonth} h (prorated by the hour sent)`,
        metric.count * prices.cloudwatch.metricMonth * (hours / prices.cloudwatch.hoursPerMonth),
      ),
    );
  }
  if (fixed.alarms > 0) {
    lines.push(
      line(
        'CloudWatch',
        'alarms',
        `${fixed.alarms} alarms × $${prices.cloudwatch.alarmMonth}`,
        fixed.alarms * prices.cloudwatch.alarmMonth,
      ),
    );
  }
  if (fixed.logStorageGb > 0) {
    lines.push(
      line(
        'CloudWatch Logs',
        'storage',
        `${size(fixed.logStorageGb * GB)}-month × $${prices.cloudwatch.logsStorageGbMonth}/GB`,
        fixed.logStorageGb * prices.cloudwatch.logsStorageGbMonth,
      ),
    );
  }
  return total(lines);
}

export interface MonthlyTotals {
  /** A month of quiet weeks. */
  quiet: number;
  /** The month with the deadline week in it: one deadline week, the rest quiet. */
  deadline: number;
  arithmetic: { quiet: string; deadline: string };
}

/** Monthly totals from the weekly bills and the fixed part. */
export function monthlyTotals(
  quietWeek: Bill,
  deadlineWeek: Bill,
  fixed: Bill,
  prices: PriceTable = PRICES,
): MonthlyTotals {
  const weeks = prices.weeksPerMonth;
  const quiet = weeks * quietWeek.total + fixed.total;
  const deadline = deadlineWeek.total + (weeks - 1) * quietWeek.total + fixed.total;
  return {
    quiet,
    deadline,
    arithmetic: {
      quiet: `${num(weeks, 2)} × ${usd(quietWeek.total)} + ${usd(fixed.total)} fixed = ${usd(quiet)}`,
      deadline: `${usd(deadlineWeek.total)} + ${num(weeks - 1, 2)} × ${usd(quietWeek.total)} + ${usd(fixed.total)} fixed = ${usd(deadline)}`,
    },
  };
}

/** y = intercept + slope × x, least squares, with how far the points are from it. */
export interface LineFit {
  intercept: number;
  slope: number;
  /** Largest |y − fit(x)| / max(|y|, 1) over the points: 0 for exactly linear counts. */
  maxRelativeResidual: number;
  points: number;
}

export function fitLine(points: readonly { x: number; y: number }[]): LineFit {
  if (points.length === 0) return { intercept: 0, slope: 0, maxRelativeResidual: 0, points: 0 };
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const slope = sxx === 0 ? (mx === 0 ? 0 : my / mx) : points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
  const intercept = sxx === 0 ? 0 : my - slope * mx;
  const maxRelativeResidual = Math.max(
    ...points.map((p) => Math.abs(p.y - (intercept + slope * p.x)) / Math.max(Math.abs(p.y), 1)),
  );
  return { intercept, slope, maxRelativeResidual, points: n };
}

export function atX(fit: LineFit, x: number): number {
  return Math.max(0, fit.intercept + fit.slope * x);
}

/** The CPU share Lambda gives a function of `memoryMb` (one vCPU at mbPerVcpu; at most 1 for single-threaded work). */
export function vcpuShare(memoryMb: number, prices: PriceTable = PRICES): number {
  return Math.min(1, memoryMb / prices.lambda.mbPerVcpu);
}

/** SQS billed requests of one call with `payloadBytes` of bodies: one per started 64 KiB chunk. */
export function sqsBilledRequests(payloadBytes: number, prices: PriceTable = PRICES): number {
  return Math.max(1, Math.ceil(payloadBytes / prices.sqs.chunkBytes));
}

/** y = Σ coefficients[i] × x[i], least squares (normal equations); columns never nonzero get 0. */
export interface MultiFit {
  coefficients: number[];
  /** Largest |y − fit| / max(|y|, 1) over the rows. */
  maxRelativeResidual: number;
  rows: number;
}

export function leastSquares(rows: readonly { x: readonly number[]; y: number }[]): MultiFit {
  const k = rows[0]?.x.length ?? 0;
  const used = Array.from({ length: k }, (_, j) => rows.some((row) => (row.x[j] ?? 0) !== 0));
  const columns = used.flatMap((isUsed, j) => (isUsed ? [j] : []));
  const m = columns.length;
  // A = XᵀX, b = Xᵀy over the used columns, solved by Gaussian elimination with partial pivoting.
  const a = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  for (const row of rows) {
    for (let p = 0; p < m; p++) {
      const xp = row.x[columns[p] as number] ?? 0;
      for (let q = 0; q < m; q++)
        (a[p] as number[])[q] = ((a[p] as number[])[q] as number) + xp * (row.x[columns[q] as number] ?? 0);
      (a[p] as number[])[m] = ((a[p] as number[])[m] as number) + xp * row.y;
    }
  }
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++)
      if (Math.abs((a[r] as number[])[col] as number) > Math.abs((a[pivot] as number[])[col] as number)) pivot = r;
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const lead = (a[col] as number[])[col] as number;
    if (Math.abs(lead) < 1e-12) continue;
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const factor = ((a[r] as number[])[col] as number) / lead;
      if (factor === 0) continue;
      for (let c = col; c <= m; c++)
        (a[r] as number[])[c] = ((a[r] as number[])[c] as number) - factor * ((a[col] as number[])[c] as number);
    }
  }
  const coefficients = new Array<number>(k).fill(0);
  columns.forEach((j, p) => {
    const lead = (a[p] as number[])[p] as number;
    coefficients[j] = Math.abs(lead) < 1e-12 ? 0 : ((a[p] as number[])[m] as number) / lead;
  });
  const predict = (x: readonly number[]) => x.reduce((sum, value, j) => sum + value * (coefficients[j] as number), 0);
  const maxRelativeResidual = Math.max(
    0,
    ...rows.map((row) => Math.abs(row.y - predict(row.x)) / Math.max(Math.abs(row.y), 1)),
  );
  return { coefficients, maxRelativeResidual, rows: rows.length };
}
