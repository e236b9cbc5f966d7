/**
 * Measured cost (issue 13): the weekly AWS bill at 10,000 and 150,000 agencies from COUNTED requests.
 * `npm run bench -- cost` (~250 s of CPU over five child processes; 7 minutes on a shared 2-core machine).
 *
 * The real stage code runs through counting stand-ins (cost-aws.ts: every S3Client, SQSClient and
 * SESClient is a counting mock; S3 requests are served from an in-memory or filesystem store after an
 * injected latency), called through the adapters in cost-stages.ts:
 *
 *   plan    the handler on synthetic registries of COST_PLAN_SIZES agencies (1000,3000,10000)
 *   fetch   plan → SQS messages → the worker handler, one invocation per job, against loopback sites
 *           (cost-fixture.ts) laid out as the planner cuts the synthetic registry of COST_FETCH_AGENCIES
 *           (300) agencies into jobs; a deadline week (every report new) then a quiet week (the same
 *           pages again: 304s). Counts are fitted per job and per agency of each kind over the jobs.
 *   parse   every raw/ object-created event is counted; the handler runs on the events of a sample
 *           of COST_PARSE_SAMPLE (4) documents per type (after one warm-up each), in both weeks.
 *   notify  the handler at COST_NOTIFY_SIZES (400,800,1600) agencies of the synthetic population
 *           (test/support/synthetic-store.ts, COST_NOTIFY_WEEKS (4) weeks of runs) on a filesystem
 *           store: a deadline week (every agency has a new report, run parts from the job layout) and
 *           a quiet week (1% of outcomes change). Fitted per agency over the sizes.
 *
 * Memory sizes, timeouts, the event source, alarms, log retention and lifecycle rules are read from the
 * synthesised stack (stack-facts.ts). Durations: the fetch worker's from the crawl simulation's polite
 * time per agency (shared/fetch/crawl-capacity.ts); the others from measured CPU scaled to the
 * function's vCPU share plus the measured time waiting on S3 (COST_S3_LATENCY_MS, 20, per request).
 * Prices and arithmetic: cost-model.ts. Sizes modelled: COST_MODEL_SIZES (10000,150000).
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agenciesPerHost, type FetchJob, jobClientOf, planJobsFrom } from '../functions/common/fetch-jobs.ts';
import { mapLimit } from '../shared/async/map-limit.ts';
import type { ComplianceStatus } from '../shared/compliance/status.ts';
import { CONFIG_ENV } from '../shared/config/config.ts';
import { crawlCapacity, DEFAULT_SECONDS_PER_AGENCY } from '../shared/fetch/crawl-capacity.ts';
import type { RunRecord } from '../shared/fetch/run-record.ts';
import { DEFAULT_AGENCY_BUDGET_MS } from '../shared/fetch/scan.ts';
import { MAX_EMAIL_BYTES } from '../shared/notify/weekly.ts';
import type { Agency } from '../shared/registry/agency.ts';
import { registryYaml } from '../shared/registry/import.ts';
import { FileSystemStore } from '../shared/storage/fs-store.ts';
import { keys, parseRawKey, RAW_PREFIX } from '../shared/storage/keys.ts';
import { InMemoryStore } from '../shared/storage/memory-store.ts';
import { getJson, putJson } from '../shared/storage/port.ts';
import type { AgencyRunOutcome, SnapshotMeta } from '../shared/storage/records.ts';
import {
  STATUS_MIX,
  syntheticReport,
  writeSnapshotAndResult,
  writeSyntheticPopulation,
} from '../test/support/synthetic-store.ts';
import {
  CountingS3,
  CountingSes,
  CountingSqs,
  captureOutput,
  type InvocationTally,
  invocationScope,
  newInvocationTally,
  type SesTally,
} from './cost-aws.ts';
import { type AgencyKind, agencyName, FixtureSites } from './cost-fixture.ts';
import {
  atX,
  fitLine,
  GB,
  leastSquares,
  type MonthlyFixed,
  monthlyFixedBill,
  monthlyTotals,
  noS3,
  num,
  PRICES,
  type S3Requests,
  type StageUsage,
  usd,
  vcpuShare,
  weeklyBill,
} from './cost-model.ts';
import { runFetchJob, runNotify, runParseEvent, runPlan } from './cost-stages.ts';
import { simulateFifo } from './crawl-sim.bench.ts';
import {
  crawlWindowSeconds,
  functionFacts,
  maxAgenciesPerJob,
  readStackFacts,
  type StackFacts,
} from './stack-facts.ts';
import { syntheticHosts, syntheticRegistryYaml } from './synthetic-registry.ts';

const here = fileURLToPath(import.meta.url);
const YEAR = 2024;
const WEEK_MS = 7 * 86_400_000;
const BUCKET = 'cost-bench';
const S3_KINDS = ['put', 'get', 'head', 'list', 'delete'] as const;

/**
 * Not counted, estimated (each printed where it is used):
 * - bytes of the Lambda platform's own log records per invocation (START/REPORT lines in JSON format);
 * - bytes of one S3 server access log record (the store bucket logs every request to the log bucket);
 * - INIT seconds billed per cold start (bench/functions.bench.ts: 0.3–0.7 s wall to import a bundle).
 */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 600;
const ACCESS_LOG_RECORD_BYTES = 400;
const INIT_SECONDS_PER_COLD_START = 0.5;

function numbers(name: string, fallback: string): number[] {
  return (process.env[name] ?? fallback)
    .split(',')
    .map(Number)
    .filter((n) => Number.isFinite(n) && n > 0);
}

const SETTINGS = {
  planSizes: numbers('COST_PLAN_SIZES', '1000,3000,10000'),
  fetchAgencies: Number(process.env.COST_FETCH_AGENCIES ?? 300),
  parseSample: Number(process.env.COST_PARSE_SAMPLE ?? 4),
  notifySizes: numbers('COST_NOTIFY_SIZES', '400,800,1600'),
  notifyWeeks: Number(process.env.COST_NOTIFY_WEEKS ?? 4),
  latencyMs: Number(process.env.COST_S3_LATENCY_MS ?? 20),
  /** Share of found reports that are PDF attachments (the rest inline HTML): README's estimate, not measured. */
  pdfShare: Number(process.env.COST_PDF_SHARE ?? 0.6),
  modelSizes: numbers('COST_MODEL_SIZES', '10000,150000'),
};

// ---- What a measured run returns ------------------------------------------------------------------

interface Measured {
  s3: S3Requests;
  bytesWritten: number;
  bytesWrittenByPrefix: Record<string, number>;
  bytesRead: number;
  noncurrentBytes: Record<string, number>;
  waitS: number;
  cpuS: number;
  wallS: number;
  /** Time the main thread was runnable but not running (this machine's other load), /proc/self/schedstat. */
  runDelayS: number;
  outputBytes: number;
  metrics: string[];
  sqsBilled: number;
  ses: SesTally;
  invocations: number;
  stepFunctions: { standardTransitions: number; expressRequests: number; expressGbSeconds: number };
}

interface Counters {
  s3: CountingS3;
  sqs?: CountingSqs;
  ses?: CountingSes;
  output: ReturnType<typeof captureOutput>;
}

/** The main thread's time waiting for a CPU so far, seconds (0 where /proc/self/schedstat is missing). */
function runDelay(): number {
  if (!existsSync('/proc/self/schedstat')) return 0;
  return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1] ?? 0) / 1e9;
}

async function measured(
  counters: Counters,
  task: () => Promise<{ invocations: number; stepFunctions: Measured['stepFunctions'] }>,
): Promise<Measured> {
  counters.s3.reset();
  counters.sqs?.reset();
  counters.ses?.reset();
  counters.output.reset();
  const cpu = process.cpuUsage();
  const delay = runDelay();
  const started = performance.now();
  const run = await task();
  const wallS = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const runDelayS = runDelay() - delay;
  const s3 = counters.s3.tally;
  const output = counters.output.tally();
  return {
    s3: { ...s3.requests },
    bytesWritten: s3.bytesWritten,
    bytesWrittenByPrefix: { ...s3.bytesWrittenByPrefix },
    bytesRead: s3.bytesRead,
    noncurrentBytes: { ...s3.noncurrentBytes },
    waitS: s3.waitMs / 1000,
    cpuS: (used.user + used.system) / 1e6,
    wallS,
    runDelayS,
    outputBytes: output.bytes,
    metrics: [...output.metrics],
    sqsBilled: counters.sqs?.tally.billed ?? 0,
    ses: counters.ses ? { ...counters.ses.tally } : { calls: 0, recipients: 0, bytes: 0 },
    invocations: run.invocations,
    stepFunctions: run.stepFunctions,
  };
}

/** The environment the stack gives the functions (read from the template), pointed at the stand-ins. */
function handlerEnvironment(facts: StackFacts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const service of ['nianbao-plan', 'nianbao-fetchWorker', 'nianbao-parse', 'nianbao-notify']) {
    for (const [name, value] of Object.entries(functionFacts(facts, service).environment)) {
      if (name !== 'NODE_OPTIONS' && name !== 'POWERTOOLS_SERVICE_NAME') env[name] = value;
    }
  }
  return {
    ...env,
    [CONFIG_ENV.bucketName]: BUCKET,
    [CONFIG_ENV.queueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/cost-bench.fifo',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(functionFacts(facts, 'nianbao-parse').memoryMb),
  };
}

// ---- plan child -----------------------------------------------------------------------------------

interface CrawlFigures {
  agencies: number;
  jobs: number;
  hosts: number;
  secondsPerAgency: number;
  workers: number;
  makespanS: number;
  windowS: number;
  workersForWindow: number;
  busiestHostS: number;
}

interface PlanResult {
  sizes: { agencies: number; jobs: number; measured: Measured }[];
  crawl: CrawlFigures[];
}

async function planChild(facts: StackFacts): Promise<PlanResult> {
  Object.assign(process.env, handlerEnvironment(facts));
  const store = new InMemoryStore();
  const counters: Counters = {
    s3: new CountingS3(store, { latencyMs: SETTINGS.latencyMs }).install(),
    sqs: new CountingSqs().install(),
    output: captureOutput(),
  };
  try {
    const scheduledTime = '2025-04-06T18:00:00Z';
    // Warm-up: the handler's module and its first call are not part of any size.
    await store.put(keys.registry, syntheticRegistryYaml(10));
    await runPlan(scheduledTime, YEAR);
    const sizes: PlanResult['sizes'] = [];
    for (const agencies of SETTINGS.planSizes) {
      await store.put(keys.registry, syntheticRegistryYaml(agencies));
      let jobs = 0;
      const m = await measured(counters, async () => {
        const run = await runPlan(scheduledTime, YEAR);
        jobs = run.result.jobs;
        return run;
      });
      counters.sqs?.sent.splice(0);
      sizes.push({ agencies, jobs, measured: m });
    }
    // The crawl each modelled size makes: the real planner's jobs on the synthetic host layout, FIFO
    // delivery to the stack's workers (crawl-sim.bench.ts), at the polite time per agency.
    const windowS = crawlWindowSeconds(facts);
    const workers = functionFacts(facts, 'nianbao-fetchWorker').reservedConcurrency ?? 10;
    const crawl: CrawlFigures[] = [];
    for (const agencies of SETTINGS.modelSizes) {
      const jobs = syntheticJobs(agencies, maxAgenciesPerJob(facts));
      const perHost = agenciesPerHost(jobs);
      const capacity = crawlCapacity(perHost, { windowSeconds: windowS });
      crawl.push({
        agencies,
        jobs: jobs.length,
        hosts: perHost.size,
        secondsPerAgency: DEFAULT_SECONDS_PER_AGENCY,
        workers,
        makespanS: simulateFifo(jobs, workers, DEFAULT_SECONDS_PER_AGENCY),
        windowS,
        workersForWindow: capacity.workers,
        busiestHostS: capacity.busiestHostSeconds,
      });
    }
    return { sizes, crawl };
  } finally {
    counters.output.release();
  }
}

/** The planner's jobs for the synthetic host layout of `agencies` (bench/synthetic-registry.ts). */
function syntheticJobs(agencies: number, perJob: number): FetchJob[] {
  const hosts = syntheticHosts(agencies);
  const list: Agency[] = hosts.map((host, i) => ({
    id: `agency-${i}`,
    name: agencyName(i),
    level: 'county-department',
    region: ['河南省'],
    listUrls: [`https://${host}/c${i}/index.html`],
  }));
  return planJobsFrom(list, jobClientOf({ respectRobots: true, allowHosts: [] }), {
    runId: 'layout',
    year: YEAR,
    trigger: 'schedule',
    maxAgenciesPerJob: perJob,
  });
}

// ---- fetch + parse child --------------------------------------------------------------------------

/** What kind of site each agency has, from the synthetic population's status mix. */
function kindShares(pdfShare: number): Record<AgencyKind, number> {
  const share = (statuses: ComplianceStatus[]) =>
    STATUS_MIX.filter(([status]) => statuses.includes(status)).reduce((sum, [, s]) => sum + s, 0);
  const missing = share(['missing', 'pending']);
  const down = share(['unreachable']);
  const found = 1 - missing - down;
  return { html: found * (1 - pdfShare), pdf: found * pdfShare, missing, down };
}

const KINDS: AgencyKind[] = ['html', 'pdf', 'missing', 'down'];

/**
 * A kind per job (a job is one host: all its agencies share the site's fate), matching the shares by
 * agencies. Sites that are down go to the smallest jobs (agencies' own sites, not the platforms).
 */
function assignKinds(sizes: number[], shares: Record<AgencyKind, number>): AgencyKind[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const kinds = new Array<AgencyKind>(sizes.length);
  const order = sizes.map((size, i) => ({ size, i })).sort((a, b) => a.size - b.size || a.i - b.i);
  let down = 0;
  for (const { size, i } of order) {
    if (down + size / 2 > shares.down * total) break;
    kinds[i] = 'down';
    down += size;
  }
  const given: Record<AgencyKind, number> = { html: 0, pdf: 0, missing: 0, down };
  let assigned = down;
  sizes.forEach((size, i) => {
    if (kinds[i]) return;
    assigned += size;
    // The kind furthest below its share of what has been assigned so far.
    const live = KINDS.filter((k) => k !== 'down');
    const kind = live.reduce((best, k) =>
      shares[k] * assigned - given[k] > shares[best] * assigned - given[best] ? k : best,
    );
    kinds[i] = kind;
    given[kind] += size;
  });
  return kinds;
}

interface JobRecord {
  agencies: number;
  kind: AgencyKind;
  s3: S3Requests;
  bytesWritten: number;
  sqsBilled: number;
  outputBytes: number;
  httpRequests: number;
  wallS: number;
}

interface ParseRecord {
  group: string;
  warmup: boolean;
  parsed: number;
  s3: S3Requests;
  resultBytes: number;
  cpuS: number;
  waitS: number;
  wallS: number;
  outputBytes: number;
  metrics: string[];
}

interface FetchWeek {
  jobs: JobRecord[];
  /** raw/ object-created events by group (`raw:pdf`, `meta:html`, …). */
  events: Record<string, number>;
  parses: ParseRecord[];
  /** The whole fetch phase (all jobs): CPU, metrics seen. */
  phase: Measured;
}

interface FetchResult {
  agencies: number;
  agenciesByKind: Record<AgencyKind, number>;
  deadline: FetchWeek;
  quiet: FetchWeek;
  /** Bytes stored after the deadline week, by prefix (results only for the sampled parses). */
  storedBytes: Record<string, number>;
  /** raw/ bytes per found document, by type. */
  rawBytesPerDocument: Record<string, number>;
  loadAverage: number;
}

async function fetchChild(facts: StackFacts): Promise<FetchResult> {
  Object.assign(process.env, handlerEnvironment(facts));
  const store = new InMemoryStore();
  const s3 = new CountingS3(store, { latencyMs: SETTINGS.latencyMs }).install();
  const sqs = new CountingSqs().install();
  const output = captureOutput();
  const counters: Counters = { s3, sqs, output };
  const sites = new FixtureSites(YEAR);
  try {
    // Sites laid out as the planner cuts the synthetic registry: one loopback host per job.
    const perJob = maxAgenciesPerJob(facts);
    const layout = syntheticJobs(SETTINGS.fetchAgencies, perJob);
    const shares = kindShares(SETTINGS.pdfShare);
    const kinds = assignKinds(
      layout.map((job) => job.agencies.length),
      shares,
    );
    const agencies: Agency[] = [];
    const kindOf = new Map<string, AgencyKind>();
    const agenciesByKind: Record<AgencyKind, number> = { html: 0, pdf: 0, missing: 0, down: 0 };
    for (const [j, job] of layout.entries()) {
      const kind = kinds[j] as AgencyKind;
      const origin = await sites.host(kind);
      kindOf.set(new URL(origin).host, kind);
      for (const record of job.agencies) {
        const n = Number(record.id.replace('agency-', ''));
        agencies.push({
          id: record.id,
          name: agencyName(n),
          level: 'county-department',
          region: ['河南省'],
          listUrls: [`${origin}/c${n}/index.html`],
        });
        agenciesByKind[kind]++;
      }
    }
    await store.put(
      keys.registry,
      registryYaml(
        agencies,
        'respectRobots: true\nallowHosts: ["127.0.0.1"]\ncontact: ops@example.org\nrecipients:\n  - email: watch@example.org\n    region: 河南省\nagencies: []\n',
      ),
    );
    await runPlan('2025-01-01T00:00:00Z', YEAR); // warm-up of the planner's module (not counted)
    sqs.sent.splice(0);

    const timeoutMs = functionFacts(facts, 'nianbao-fetchWorker').timeoutS * 1000;
    // Sampled agencies per document type; the first of each warms the process up (pdf.js, the parse
    // sandbox) and is left out of the means.
    const sampled = new Map<string, { warmup: boolean }>();
    const week = async (scheduledTime: string, first: boolean): Promise<FetchWeek> => {
      await runPlan(scheduledTime, YEAR);
      const messages = sqs.sent.splice(0);
      const events: { key: string; size: number }[] = [];
      s3.onCreated = (key, size) => {
        if (key.startsWith(RAW_PREFIX)) events.push({ key, size });
      };
      const jobs: JobRecord[] = [];
      const phase = await measured(counters, async () => {
        await mapLimit(messages, 64, async (message, i) => {
          const job = JSON.parse(message.body) as FetchJob;
          const host = new URL(job.agencies[0]?.listUrls[0] ?? 'http://x').host;
          const before = sites.requestsTo(host);
          const tally: InvocationTally = newInvocationTally();
          const started = Date.now();
          const t0 = performance.now();
          const run = await invocationScope.run(tally, () =>
            runFetchJob(message, i, () => timeoutMs - (Date.now() - started)),
          );
          if (run.result.failures > 0) throw new Error(`fetch job ${job.jobId} failed`);
          jobs.push({
            agencies: job.agencies.length,
            kind: kindOf.get(host) ?? 'html',
            s3: tally.s3,
            bytesWritten: tally.s3BytesWritten,
            sqsBilled: tally.sqsBilled,
            outputBytes: tally.outputBytes,
            httpRequests: sites.requestsTo(host) - before,
            wallS: (performance.now() - t0) / 1000,
          });
        });
        return {
          invocations: messages.length,
          stepFunctions: { standardTransitions: 0, expressRequests: 0, expressGbSeconds: 0 },
        };
      });
      s3.onCreated = undefined;

      // Every raw/ event, grouped by event (raw bytes or metadata) and document type.
      const grouped: { key: string; size: number; group: string; agency: string; doc: string }[] = [];
      for (const event of events) {
        const raw = parseRawKey(event.key);
        let doc = raw?.ext;
        let agency = raw?.agencyId;
        if (!raw) {
          const meta = await getJson<SnapshotMeta>(store, event.key);
          doc = meta?.key.split('.').pop();
          agency = meta?.agencyId;
        }
        const type = doc === 'pdf' ? 'pdf' : 'html';
        grouped.push({ ...event, group: `${raw ? 'raw' : 'meta'}:${type}`, agency: agency ?? '?', doc: type });
      }
      const counts: Record<string, number> = {};
      for (const event of grouped) counts[event.group] = (counts[event.group] ?? 0) + 1;
      if (first) {
        for (const type of ['html', 'pdf']) {
          const ids = [...new Set(grouped.filter((e) => e.doc === type).map((e) => e.agency))];
          ids.slice(0, SETTINGS.parseSample + 1).forEach((id, i) => {
            sampled.set(id, { warmup: i === 0 });
          });
        }
      }
      // The handler on the sampled agencies' events, in the order S3 sent them (the others are counted
      // only: their cost is the sample's, event for event).
      const parses: ParseRecord[] = [];
      for (const event of grouped) {
        const sample = sampled.get(event.agency);
        if (!sample) continue;
        const warmup = sample.warmup;
        const tally = newInvocationTally();
        const m = await measured(counters, () =>
          invocationScope.run(tally, () => runParseEvent(BUCKET, event.key, event.size)),
        );
        parses.push({
          group: event.group,
          warmup,
          // The handler reports a snapshot whose result already exists as parsed too: what did the work
          // is the result written.
          parsed: m.s3.put > 0 ? 1 : 0,
          s3: m.s3,
          resultBytes: m.bytesWrittenByPrefix.results ?? 0,
          cpuS: m.cpuS,
          waitS: m.waitS,
          wallS: m.wallS,
          outputBytes: m.outputBytes,
          metrics: m.metrics,
        });
      }
      return { jobs, events: counts, parses, phase };
    };

    const deadline = await week('2025-04-06T18:00:00Z', true);
    const storedBytes: Record<string, number> = {};
    const rawBytes: Record<string, { bytes: number; docs: number }> = {};
    for (const [key, body] of store.objects) {
      const prefix = key.slice(0, key.indexOf('/'));
      storedBytes[prefix] = (storedBytes[prefix] ?? 0) + body.byteLength;
      const raw = parseRawKey(key);
      if (raw) {
        const type = raw.ext === 'pdf' ? 'pdf' : 'html';
        const meta = store.objects.get(keys.rawMeta(raw.year, raw.agencyId, raw.sha256))?.byteLength ?? 0;
        rawBytes[type] ??= { bytes: 0, docs: 0 };
        (rawBytes[type] as { bytes: number }).bytes += body.byteLength + meta;
        (rawBytes[type] as { docs: number }).docs++;
      }
    }
    const quiet = await week(new Date(Date.parse('2025-04-06T18:00:00Z') + WEEK_MS).toISOString(), false);
    return {
      agencies: agencies.length,
      agenciesByKind,
      deadline,
      quiet,
      storedBytes,
      rawBytesPerDocument: Object.fromEntries(Object.entries(rawBytes).map(([t, v]) => [t, v.bytes / v.docs])),
      loadAverage: loadavg()[0] ?? 0,
    };
  } finally {
    output.release();
    await sites.close();
  }
}

// ---- notify child ---------------------------------------------------------------------------------

interface NotifyResult {
  agencies: number;
  deadline: Measured;
  quiet: Measured;
  /** Bytes stored after the quiet week, by prefix. */
  storedBytes: Record<string, number>;
  runParts: number;
  /** Wall seconds of the child's phases (population, warm-up, the two measured weeks). */
  phases: Record<string, number>;
}

const POPULATION_NOW = new Date('2025-05-12T02:00:00Z');

/** One run's outcomes written as the workers would: one run part per job of the planner's layout. */
async function writeRunParts(
  fs: FileSystemStore,
  runId: string,
  outcomes: AgencyRunOutcome[],
  layout: FetchJob[],
  at: Date,
): Promise<number> {
  const byId = new Map(outcomes.map((o) => [o.agencyId, o]));
  let parts = 0;
  for (const job of layout) {
    const mine = job.agencies.map((a) => byId.get(a.id)).filter((o): o is AgencyRunOutcome => o !== undefined);
    if (mine.length === 0) continue;
    const record: RunRecord = {
      runId,
      year: YEAR,
      state: 'finished',
      startedAt: new Date(at.getTime() - 3_600_000).toISOString(),
      finishedAt: at.toISOString(),
      updatedAt: at.toISOString(),
      agenciesTotal: mine.length,
      outcomes: mine,
    };
    await putJson(fs, keys.runPart(runId, job.jobId), record);
    parts++;
  }
  return parts;
}

function storedBytesUnder(root: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const top of readdirSync(root)) {
    const walk = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce(
        (sum, entry) =>
          sum + (entry.isDirectory() ? walk(path.join(dir, entry.name)) : statSync(path.join(dir, entry.name)).size),
        0,
      );
    const full = path.join(root, top);
    sizes[top] = statSync(full).isDirectory() ? walk(full) : statSync(full).size;
  }
  return sizes;
}

async function notifyChild(facts: StackFacts, agencies: number): Promise<NotifyResult> {
  Object.assign(process.env, handlerEnvironment(facts));
  const root = mkdtempSync(path.join(tmpdir(), 'nianbao-cost-notify-'));
  const output = captureOutput();
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = (now - mark) / 1000;
    mark = now;
  };
  try {
    const fs = new FileSystemStore(root);
    const list = await writeSyntheticPopulation(fs, {
      agencies,
      year: YEAR,
      now: POPULATION_NOW,
      weeks: SETTINGS.notifyWeeks,
    });
    await fs.put(
      keys.registry,
      registryYaml(
        list,
        'respectRobots: true\ncontact: ops@example.org\nrecipients:\n  - email: watch@example.org\n    region: 河南省\nagencies: []\n',
      ),
    );
    phase('population');
    const s3 = new CountingS3(fs, { latencyMs: 0 }).install();
    const ses = new CountingSes().install();
    const counters: Counters = { s3, ses, output };
    // Warm-up: the first notify over the population builds the indexes (a one-off after an upgrade).
    await runNotify(POPULATION_NOW.toISOString(), YEAR);
    phase('warm-up');

    // The job layout of this many agencies (run parts are per job).
    const hosts = syntheticHosts(agencies);
    const layout = planJobsFrom(
      list.map((agency, i) => ({ ...agency, listUrls: [`https://${hosts[i]}/${agency.id}/`] })),
      jobClientOf({ respectRobots: true, allowHosts: [] }),
      { runId: 'layout', year: YEAR, trigger: 'schedule', maxAgenciesPerJob: maxAgenciesPerJob(facts) },
    );

    // Deadline week: every agency has a new report (fetched and parsed: written uncounted, those
    // requests are the fetch and parse stages'), and the week's run parts.
    const deadlineAt = new Date(POPULATION_NOW.getTime() + WEEK_MS);
    const outcomes: AgencyRunOutcome[] = [];
    await mapLimit(list, 16, async (agency, i) => {
      const report = syntheticReport(i + 1_000_003, agency, YEAR);
      const written = await writeSnapshotAndResult(fs, {
        agency,
        year: YEAR,
        report,
        findings: [],
        fetchedAt: deadlineAt.toISOString(),
        publishDate: new Date(deadlineAt.getTime() - 86_400_000).toISOString(),
        sourceUrl: `https://example.gov.cn/${agency.id}/${YEAR}/new.html`,
      });
      outcomes[i] = {
        agencyId: agency.id,
        year: YEAR,
        status: 'found',
        snapshots: [written.rawKey],
        findings: [],
        pagesFetched: 2,
      };
    });
    const runParts = await writeRunParts(fs, 'weekly-deadline', outcomes, layout, deadlineAt);
    phase('new reports');
    s3.latencyMs = SETTINGS.latencyMs;
    const deadline = await measured(counters, () => runNotify(deadlineAt.toISOString(), YEAR));
    phase('deadline week');

    // Quiet week: the same reports again; 1% of the agencies' sites did not answer this time.
    s3.latencyMs = 0;
    const quietAt = new Date(deadlineAt.getTime() + WEEK_MS);
    const quietOutcomes = outcomes.map((outcome, i) =>
      i % 100 === 0
        ? { ...outcome, status: 'unreachable' as const, snapshots: [], error: '连接超时（3 次重试后放弃）' }
        : outcome,
    );
    await writeRunParts(fs, 'weekly-quiet', quietOutcomes, layout, quietAt);
    s3.latencyMs = SETTINGS.latencyMs;
    const quiet = await measured(counters, () => runNotify(quietAt.toISOString(), YEAR));
    phase('quiet week');
    return { agencies, deadline, quiet, storedBytes: storedBytesUnder(root), runParts, phases };
  } finally {
    output.release();
    rmSync(root, { recursive: true, force: true });
  }
}

// ---- children -------------------------------------------------------------------------------------

function child<T>(mode: string, facts: StackFacts, extra: string[] = []): Promise<T> {
  const started = performance.now();
  const label = [mode, ...extra].join(' ');
  return new Promise<T>((resolve, reject) => {
    const worker = fork(here, [mode, ...extra], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, COST_CHILD: mode, COST_FACTS: JSON.stringify(facts) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: T | undefined;
    let failure: string | undefined;
    worker.on('message', (message: { result?: T; error?: string }) => {
      if (message.error) failure = message.error;
      else result = message.result;
    });
    worker.on('error', reject);
    worker.on('exit', (code) =>
      result !== undefined ? resolve(result) : reject(new Error(`cost ${mode} child exited ${code}: ${failure ?? ''}`)),
    );
  }).then((result) => {
    console.log(`  (${label}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
    return result;
  });
}

async function childMain(mode: string, args: string[]): Promise<void> {
  const facts = JSON.parse(process.env.COST_FACTS ?? '{}') as StackFacts;
  try {
    let result: unknown;
    if (mode === 'plan') result = await planChild(facts);
    else if (mode === 'fetch') result = await fetchChild(facts);
    else if (mode === 'notify') result = await notifyChild(facts, Number(args[0]));
    else throw new Error(`unknown mode ${mode}`);
    process.send?.({ result });
  } catch (error) {
    process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  process.disconnect?.();
  process.exit(0);
}

// ---- model ----------------------------------------------------------------------------------------

interface Inputs {
  facts: StackFacts;
  plan: PlanResult;
  fetch: FetchResult;
  notify: NotifyResult[];
}

type WeekName = 'quiet' | 'deadline';

/** A fitted coefficient to two decimals, without the sign of a rounding error (-0.00). */
const round2 = (x: number | undefined) => (Math.abs(x ?? 0) < 0.005 ? 0 : (x ?? 0)).toFixed(2);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 ? 3 : 1)}%`;

/** The fetch worker's counts as per-job + per-agency-of-each-kind, fitted over the jobs of one week. */
function fetchFits(week: FetchWeek) {
  const row = (job: JobRecord) => [1, ...KINDS.map((k) => (job.kind === k ? job.agencies : 0))];
  const solve = (value: (job: JobRecord) => number) =>
    leastSquares(week.jobs.map((job) => ({ x: row(job), y: value(job) })));
  return {
    s3: Object.fromEntries(S3_KINDS.map((k) => [k, solve((job) => job.s3[k])])) as Record<
      (typeof S3_KINDS)[number],
      ReturnType<typeof leastSquares>
    >,
    outputBytes: solve((job) => job.outputBytes),
    sqsBilled: solve((job) => job.sqsBilled),
  };
}

function predictFetch(coefficients: number[], jobs: number, agenciesByKind: Record<AgencyKind, number>): number {
  return (
    (coefficients[0] as number) * jobs +
    KINDS.reduce((sum, k, i) => sum + (coefficients[i + 1] as number) * agenciesByKind[k], 0)
  );
}

/** Means per event group over the non-warm-up samples. */
function parseMeans(week: FetchWeek) {
  const groups: Record<
    string,
    {
      n: number;
      s3: S3Requests;
      cpuS: number;
      waitS: number;
      outputBytes: number;
      parsed: number;
      cpuMin: number;
      cpuMax: number;
      s3Min: number;
      s3Max: number;
    }
  > = {};
  for (const p of week.parses) {
    if (p.warmup) continue;
    groups[p.group] ??= {
      n: 0,
      s3: noS3(),
      cpuS: 0,
      waitS: 0,
      outputBytes: 0,
      parsed: 0,
      cpuMin: Infinity,
      cpuMax: 0,
      s3Min: Infinity,
      s3Max: 0,
    };
    const g = groups[p.group] as (typeof groups)[string];
    g.n++;
    for (const k of S3_KINDS) g.s3[k] += p.s3[k];
    g.cpuS += p.cpuS;
    g.waitS += p.waitS;
    g.outputBytes += p.outputBytes;
    g.parsed += p.parsed;
    const requests = S3_KINDS.reduce((s, k) => s + p.s3[k], 0);
    g.cpuMin = Math.min(g.cpuMin, p.cpuS);
    g.cpuMax = Math.max(g.cpuMax, p.cpuS);
    g.s3Min = Math.min(g.s3Min, requests);
    g.s3Max = Math.max(g.s3Max, requests);
  }
  for (const g of Object.values(groups)) {
    for (const k of S3_KINDS) g.s3[k] /= g.n;
    g.cpuS /= g.n;
    g.waitS /= g.n;
    g.outputBytes /= g.n;
    g.parsed /= g.n;
  }
  return groups;
}

function notifyFits(results: NotifyResult[], week: WeekName) {
  const over = (value: (m: Measured) => number) => fitLine(results.map((r) => ({ x: r.agencies, y: value(r[week]) })));
  return {
    s3: Object.fromEntries(S3_KINDS.map((k) => [k, over((m) => m.s3[k])])) as Record<
      (typeof S3_KINDS)[number],
      ReturnType<typeof fitLine>
    >,
    cpuS: over((m) => m.cpuS),
    waitS: over((m) => m.waitS),
    ownWallS: over((m) => m.wallS - m.runDelayS),
    outputBytes: over((m) => m.outputBytes),
    sesCalls: over((m) => m.ses.calls),
    sesRecipients: over((m) => m.ses.recipients),
    sesBytes: over((m) => m.ses.bytes),
    invocations: over((m) => m.invocations),
    standardTransitions: over((m) => m.stepFunctions.standardTransitions),
    expressRequests: over((m) => m.stepFunctions.expressRequests),
    expressGbSeconds: over((m) => m.stepFunctions.expressGbSeconds),
    bytesWritten: over((m) => m.bytesWritten),
    noncurrent: (prefix: string) => over((m) => m.noncurrentBytes[prefix] ?? 0),
    written: (prefix: string) => over((m) => m.bytesWrittenByPrefix[prefix] ?? 0),
  };
}

function planFits(plan: PlanResult) {
  const over = (value: (m: Measured, size: PlanResult['sizes'][number]) => number) =>
    fitLine(plan.sizes.map((s) => ({ x: s.agencies, y: value(s.measured, s) })));
  return {
    s3: Object.fromEntries(S3_KINDS.map((k) => [k, over((m) => m.s3[k])])) as Record<
      (typeof S3_KINDS)[number],
      ReturnType<typeof fitLine>
    >,
    cpuS: over((m) => m.cpuS),
    waitS: over((m) => m.waitS),
    outputBytes: over((m) => m.outputBytes),
    sqsBilled: over((m) => m.sqsBilled),
    jobs: over((_m, s) => s.jobs),
  };
}

interface Scenario {
  agencies: number;
  week: WeekName;
  stages: StageUsage[];
  /** S3 requests of the week (for the access logs). */
  s3Requests: number;
  logBytes: number;
  /** Estimated durations per invocation, for the timeout check. */
  durations: { stage: string; seconds: number; timeoutS: number; note: string }[];
}

/** S3 requests at `agencies` from per-kind line fits. */
function s3At(fits: Record<(typeof S3_KINDS)[number], ReturnType<typeof fitLine>>, agencies: number): S3Requests {
  const out = noS3();
  for (const k of S3_KINDS) out[k] = atX(fits[k], agencies);
  return out;
}

function scenario(inputs: Inputs, agencies: number, week: WeekName): Scenario {
  const { facts, plan, fetch } = inputs;
  const planFn = functionFacts(facts, 'nianbao-plan');
  const workerFn = functionFacts(facts, 'nianbao-fetchWorker');
  const parseFn = functionFacts(facts, 'nianbao-parse');
  const notifyFn = functionFacts(facts, 'nianbao-notify');
  const crawl = plan.crawl.find((c) => c.agencies === agencies);
  const pf = planFits(plan);
  const jobs = crawl?.jobs ?? Math.round(atX(pf.jobs, agencies));
  const durations: Scenario['durations'] = [];
  const stages: StageUsage[] = [];
  const platformLog = (invocations: number) => invocations * PLATFORM_LOG_BYTES_PER_INVOCATION;

  // plan
  const planCpu = atX(pf.cpuS, agencies);
  const planSeconds = planCpu / vcpuShare(planFn.memoryMb) + atX(pf.waitS, agencies) + INIT_SECONDS_PER_COLD_START;
  durations.push({ stage: 'plan', seconds: planSeconds, timeoutS: planFn.timeoutS, note: `${num(planCpu, 1)} s CPU` });
  stages.push({
    stage: 'plan',
    lambda: {
      memoryMb: planFn.memoryMb,
      invocations: 1,
      durationSeconds: planSeconds,
      durationNote: `CPU ${num(planCpu, 2)} s / ${num(vcpuShare(planFn.memoryMb), 2)} vCPU + S3 wait + 1 cold start`,
    },
    s3: s3At(pf.s3, agencies),
    sqsFifoRequests: Math.round(atX(pf.sqsBilled, agencies)),
    sqsNote: 'SendMessageBatch, counted',
    schedulerInvocations: 1,
    logBytes: atX(pf.outputBytes, agencies) + platformLog(1),
  });

  // fetch worker
  const fw = fetchFits(fetch[week]);
  const byKind = Object.fromEntries(
    KINDS.map((k) => [k, (agencies * fetch.agenciesByKind[k]) / fetch.agencies]),
  ) as Record<AgencyKind, number>;
  const continuations = Math.max(0, Math.round(predictFetch(fw.sqsBilled.coefficients, jobs, byKind)));
  const workerInvocations = jobs + continuations;
  const workerCold = Math.min(workerFn.reservedConcurrency ?? jobs, jobs);
  const workerSeconds = agencies * DEFAULT_SECONDS_PER_AGENCY + workerCold * INIT_SECONDS_PER_COLD_START;
  durations.push({
    stage: 'fetch worker (a full job)',
    seconds: maxAgenciesPerJob(facts) * DEFAULT_SECONDS_PER_AGENCY,
    timeoutS: workerFn.timeoutS,
    note: `${maxAgenciesPerJob(facts)} agencies × ${DEFAULT_SECONDS_PER_AGENCY} s`,
  });
  const fetchS3 = noS3();
  for (const k of S3_KINDS) fetchS3[k] = Math.max(0, predictFetch(fw.s3[k].coefficients, jobs, byKind));
  const fetchLog =
    Math.max(0, predictFetch(fw.outputBytes.coefficients, jobs, byKind)) + platformLog(workerInvocations);
  stages.push({
    stage: 'fetch worker',
    lambda: {
      memoryMb: workerFn.memoryMb,
      invocations: workerInvocations,
      durationSeconds: workerSeconds,
      durationNote: `${num(agencies)} agencies × ${DEFAULT_SECONDS_PER_AGENCY} s polite time (crawl-capacity.ts) + ${workerCold} cold starts × ${INIT_SECONDS_PER_COLD_START} s (est.)`,
    },
    s3: fetchS3,
    ...(continuations > 0 ? { sqsFifoRequests: continuations, sqsNote: 'continuation jobs, counted' } : {}),
    logBytes: fetchLog,
  });
  // The Lambda event source polls the FIFO queue: one receive and one delete per job (batch size 1),
  // and, idle or not, 20-second long polls from its pollers all week: five, or as few as two when no
  // maximum concurrency is set (AWS Lambda guide, "Configuring scaling behavior for SQS event source
  // mappings").
  const pollers = facts.fetchEventSource.maximumConcurrency === undefined ? 2 : 5;
  const idlePolls = pollers * 3 * 60 * 24 * 7;
  stages.push({
    stage: 'fetch queue (event source)',
    sqsFifoRequests: 2 * workerInvocations + idlePolls,
    sqsNote: `est.: 2 × ${num(workerInvocations)} jobs (receive + delete, batch size ${facts.fetchEventSource.batchSize}) + ${pollers} pollers × 3 long polls/min × 10,080 min`,
  });

  // parse
  const means = parseMeans(fetch[week]);
  const events = fetch[week].events;
  let parseInvocations = 0;
  let parseSeconds = 0;
  let parseLog = 0;
  const parseS3 = noS3();
  const share = vcpuShare(parseFn.memoryMb);
  for (const [group, count] of Object.entries(events)) {
    const scaled = (count * agencies) / fetch.agencies;
    const mean = means[group];
    if (!mean) throw new Error(`parse: no sample for ${group} events (${count})`);
    parseInvocations += scaled;
    parseSeconds += scaled * (mean.cpuS / share + mean.waitS);
    parseLog += scaled * mean.outputBytes;
    for (const k of S3_KINDS) parseS3[k] += scaled * mean.s3[k];
    durations.push({
      stage: `parse (${group} event)`,
      seconds: mean.cpuS / share + mean.waitS,
      timeoutS: parseFn.timeoutS,
      note: `${num(mean.cpuS, 3)} s CPU`,
    });
  }
  const parseCold = Math.min(Math.round(parseInvocations), workerFn.reservedConcurrency ?? 10);
  if (parseInvocations > 0) {
    stages.push({
      stage: 'parse',
      lambda: {
        memoryMb: parseFn.memoryMb,
        invocations: Math.round(parseInvocations),
        durationSeconds: parseSeconds + parseCold * INIT_SECONDS_PER_COLD_START,
        durationNote: `Σ events × (CPU / ${num(share, 2)} vCPU + S3 wait) + ${parseCold} cold starts (est.)`,
      },
      s3: parseS3,
      logBytes: parseLog + platformLog(parseInvocations),
    });
  }

  // notify
  // Notify overlaps its S3 requests with its CPU (bounded parallel lanes): its duration is the wall
  // time measured with S3 latency, less the time this machine's other load kept the main thread off
  // the CPU, with the CPU part stretched to the function's vCPU share.
  const nf = notifyFits(inputs.notify, week);
  const notifyCpu = atX(nf.cpuS, agencies);
  const notifyWall = atX(nf.ownWallS, agencies);
  const notifyShare = vcpuShare(notifyFn.memoryMb);
  // Invocations as the adapter reports them (1 today; a fanned-out notify runs its shards one after
  // another in the adapter, so the measured time is their sum).
  const notifyInvocations = Math.max(1, Math.round(atX(nf.invocations, agencies)));
  const notifySeconds =
    notifyWall + notifyCpu * (1 / notifyShare - 1) + notifyInvocations * INIT_SECONDS_PER_COLD_START;
  durations.push({
    stage: notifyInvocations > 1 ? `notify (one of ${notifyInvocations})` : 'notify',
    seconds: notifySeconds / notifyInvocations,
    timeoutS: notifyFn.timeoutS,
    note: `wall ${num(notifyWall, 1)} s with S3 latency + CPU ${num(notifyCpu, 1)} s × (1/${num(notifyShare, 2)} − 1)`,
  });
  stages.push({
    stage: 'notify',
    lambda: {
      memoryMb: notifyFn.memoryMb,
      invocations: notifyInvocations,
      durationSeconds: notifySeconds,
      durationNote: `wall ${num(notifyWall, 1)} s with S3 latency + CPU ${num(notifyCpu, 1)} s × (1/${num(notifyShare, 2)} − 1) + ${notifyInvocations} cold start${notifyInvocations > 1 ? 's' : ''}`,
    },
    s3: s3At(nf.s3, agencies),
    ses: {
      messages: Math.round(atX(nf.sesRecipients, agencies)),
      // A digest stops growing at MAX_EMAIL_BYTES (attachments beyond it are linked instead).
      bytes: Math.min(atX(nf.sesBytes, agencies), MAX_EMAIL_BYTES * Math.max(1, atX(nf.sesCalls, agencies))),
    },
    schedulerInvocations: 1,
    logBytes: atX(nf.outputBytes, agencies) + platformLog(notifyInvocations),
    stepFunctions: {
      standardTransitions: atX(nf.standardTransitions, agencies),
      expressRequests: atX(nf.expressRequests, agencies),
      expressGbSeconds: atX(nf.expressGbSeconds, agencies),
    },
  });

  const s3Requests = stages.reduce(
    (sum, s) => sum + (s.s3 ? S3_KINDS.reduce((t, k) => t + (s.s3 as S3Requests)[k], 0) : 0),
    0,
  );
  const logBytes = stages.reduce((sum, s) => sum + (s.logBytes ?? 0), 0);
  return { agencies, week, stages, s3Requests, logBytes, durations };
}

/** Storage, metrics, alarms and stored logs for a month, in the steady state after a year of weeks. */
function fixedUsage(
  inputs: Inputs,
  agencies: number,
  quiet: Scenario,
  deadline: Scenario,
): { fixed: MonthlyFixed; notes: string[] } {
  const { facts, fetch, notify } = inputs;
  const notes: string[] = [];
  const perAgencyFetch = (prefix: string) => ((fetch.storedBytes[prefix] ?? 0) * agencies) / fetch.agencies;
  // Results: bytes per parsed document from the sampled parses, times the documents found.
  const parsed = fetch.deadline.parses.filter((p) => p.parsed > 0);
  const resultPerDoc = parsed.reduce((s, p) => s + p.resultBytes, 0) / Math.max(1, parsed.length);
  const documents = ((fetch.agenciesByKind.html + fetch.agenciesByKind.pdf) * agencies) / fetch.agencies;
  const notifyStored = (prefix: string) =>
    atX(fitLine(notify.map((r) => ({ x: r.agencies, y: r.storedBytes[prefix] ?? 0 }))), agencies);
  const nfQuiet = notifyFits(notify, 'quiet');
  const weeksRetained = (prefix: string) => {
    const days = facts.noncurrentDaysByPrefix[`${prefix}/`];
    return days === undefined ? 52 : Math.min(52, days / 7);
  };
  const current =
    perAgencyFetch('raw') +
    perAgencyFetch('http-cache') +
    resultPerDoc * documents +
    ['state', 'site', 'index', 'digests'].reduce((s, p) => s + notifyStored(p), 0) +
    52 * atX(nfQuiet.written('runs'), agencies);
  // Noncurrent versions (the bucket is versioned): each quiet week's overwrites and deletes, kept for
  // the prefix's lifecycle (raw/ 365 days, site/ 30 days in the stack; other prefixes: forever).
  const fetchQuiet = fetch.quiet.phase.noncurrentBytes;
  const noncurrentWeekly: Record<string, number> = {};
  for (const [prefix, bytes] of Object.entries(fetchQuiet))
    noncurrentWeekly[prefix] = (bytes * agencies) / fetch.agencies;
  for (const prefix of new Set(notify.flatMap((r) => Object.keys(r.quiet.noncurrentBytes)))) {
    noncurrentWeekly[prefix] = (noncurrentWeekly[prefix] ?? 0) + atX(nfQuiet.noncurrent(prefix), agencies);
  }
  const noncurrent = Object.entries(noncurrentWeekly).reduce(
    (s, [prefix, bytes]) => s + bytes * weeksRetained(prefix),
    0,
  );
  notes.push(
    `noncurrent versions per quiet week: ${Object.entries(noncurrentWeekly)
      .map(([p, b]) => `${p}/ ${mb(b)} × ${num(weeksRetained(p), 1)} weeks kept`)
      .join(', ')}`,
  );
  const accessLogWeeks = Math.min(52, (facts.accessLogExpirationDays ?? 365) / 7);
  const accessLogs = (deadline.s3Requests + (accessLogWeeks - 1) * quiet.s3Requests) * ACCESS_LOG_RECORD_BYTES;
  const logStorage = (quiet.logBytes * facts.logRetentionDays) / 7;
  // Custom metrics seen in the handlers' EMF output, by service, and the hours a month each is sent in.
  const crawl = inputs.plan.crawl.find((c) => c.agencies === agencies);
  const crawlHours = Math.ceil((crawl?.makespanS ?? 3600) / 3600);
  const seen = new Set([
    ...inputs.plan.sizes.flatMap((s) => s.measured.metrics),
    ...fetch.deadline.phase.metrics,
    ...fetch.quiet.phase.metrics,
    ...fetch.deadline.parses.flatMap((p) => p.metrics),
    ...notify.flatMap((r) => [...r.deadline.metrics, ...r.quiet.metrics]),
  ]);
  const byService = new Map<string, number>();
  for (const metric of seen) {
    const service = /service=([^,|]+)/.exec(metric)?.[1] ?? 'other';
    byService.set(service, (byService.get(service) ?? 0) + 1);
  }
  const weekly = (hours: number) => hours * PRICES.weeksPerMonth;
  const metrics = [...byService].map(([service, count]) => ({
    label: `${service} (${/fetch|parse/.test(service) ? `sent during the ${crawlHours} h crawl` : 'one run'} a week)`,
    count,
    hoursPerMonth: weekly(/fetch|parse/.test(service) ? crawlHours : 1),
  }));
  return {
    fixed: {
      storage: [
        { label: 'current objects after a year', gb: current / GB },
        { label: 'noncurrent versions (versioned bucket)', gb: noncurrent / GB },
        {
          label: `server access logs (${num(accessLogWeeks, 0)} weeks × requests × ${ACCESS_LOG_RECORD_BYTES} B est.)`,
          gb: accessLogs / GB,
        },
      ],
      metrics,
      alarms: facts.alarms,
      logStorageGb: logStorage / GB,
    },
    notes,
  };
}

// ---- printing -------------------------------------------------------------------------------------

function printPlan(plan: PlanResult, facts: StackFacts): void {
  const fn = functionFacts(facts, 'nianbao-plan');
  console.log(`\nplan (${fn.memoryMb} MB, ${fn.timeoutS} s): the handler on synthetic registries`);
  console.log(
    `  ${'agencies'.padStart(8)} ${'jobs'.padStart(6)} ${'S3 GET'.padStart(7)} ${'SQS req'.padStart(8)} ${'CPU'.padStart(7)} ${'S3 wait'.padStart(8)} ${'log B'.padStart(8)}  per agency`,
  );
  for (const s of plan.sizes) {
    const m = s.measured;
    console.log(
      `  ${num(s.agencies).padStart(8)} ${num(s.jobs).padStart(6)} ${num(m.s3.get).padStart(7)} ${num(m.sqsBilled).padStart(8)} ${`${m.cpuS.toFixed(2)}s`.padStart(7)} ${`${m.waitS.toFixed(2)}s`.padStart(8)} ${num(m.outputBytes).padStart(8)}  ${(s.jobs / s.agencies).toFixed(3)} jobs, ${(m.sqsBilled / s.agencies).toFixed(4)} SQS req, ${((1000 * m.cpuS) / s.agencies).toFixed(3)} ms CPU`,
    );
  }
  const f = planFits(plan);
  console.log(
    `  fit: CPU ${(f.cpuS.slope * 1000).toFixed(3)} ms/agency + ${f.cpuS.intercept.toFixed(2)} s (max residual ${pct(f.cpuS.maxRelativeResidual)}); SQS ${(f.sqsBilled.slope * 1000).toFixed(2)} req/1k agencies (residual ${pct(f.sqsBilled.maxRelativeResidual)})`,
  );
  for (const c of plan.crawl) {
    console.log(
      `  crawl at ${num(c.agencies)}: ${num(c.jobs)} jobs on ${num(c.hosts)} hosts; ${c.workers} workers (stack) → ${(c.makespanS / 3600).toFixed(1)} h simulated (crawl-sim FIFO, ${c.secondsPerAgency} s/agency); the ${c.windowS / 3600} h window needs ${c.workersForWindow} workers; busiest host ${(c.busiestHostS / 3600).toFixed(1)} h`,
    );
  }
}

function printFetch(fetch: FetchResult, facts: StackFacts): void {
  const fn = functionFacts(facts, 'nianbao-fetchWorker');
  console.log(
    `\nfetch worker (${fn.memoryMb} MB, ${fn.timeoutS} s): ${fetch.agencies} agencies on loopback sites in ${fetch.deadline.jobs.length} jobs (one invocation each); kinds ${KINDS.map((k) => `${k} ${fetch.agenciesByKind[k]}`).join(', ')}`,
  );
  for (const week of ['deadline', 'quiet'] as const) {
    const w = fetch[week];
    const fits = fetchFits(w);
    const agencies = w.jobs.reduce((s, j) => s + j.agencies, 0);
    const total = (k: (typeof S3_KINDS)[number]) => w.jobs.reduce((s, j) => s + j.s3[k], 0);
    console.log(
      `  ${week} week: ${S3_KINDS.map((k) => `${num(total(k))} ${k.toUpperCase()}`).join(', ')}; ${mb(w.jobs.reduce((s, j) => s + j.bytesWritten, 0))} written; ${w.jobs.reduce((s, j) => s + j.httpRequests, 0)} HTTP requests; CPU ${((w.phase.cpuS / agencies) * 1000).toFixed(0)} ms/agency; loopback wall ${(w.jobs.reduce((s, j) => s + j.wallS, 0) / agencies).toFixed(2)} s/agency (polite delay, no network latency)`,
    );
    console.log(
      `    fitted over the ${w.jobs.length} jobs: requests = per job + per agency of each kind (max residual):`,
    );
    for (const k of S3_KINDS) {
      const c = fits.s3[k].coefficients;
      console.log(
        `      ${k.toUpperCase().padEnd(6)} ${round2(c[0])}/job + ${KINDS.map((kind, i) => `${round2(c[i + 1])} ${kind}`).join(' + ')} per agency (${pct(fits.s3[k].maxRelativeResidual)})`,
      );
    }
    const http = KINDS.map((kind) => {
      const mine = w.jobs.filter((j) => j.kind === kind);
      const n = mine.reduce((s, j) => s + j.agencies, 0);
      return `${kind} ${n ? (mine.reduce((s, j) => s + j.httpRequests, 0) / n).toFixed(2) : '-'}`;
    });
    console.log(`      HTTP requests answered per agency (robots.txt included): ${http.join(', ')}`);
    console.log(
      `    raw/ events: ${Object.entries(w.events)
        .map(([g, n]) => `${n} ${g}`)
        .join(', ')}`,
    );
    const means = parseMeans(w);
    for (const [group, g] of Object.entries(means)) {
      console.log(
        `    parse ${group.padEnd(9)} ${g.n} sampled: ${S3_KINDS.filter((k) => g.s3[k] > 0)
          .map((k) => `${g.s3[k].toFixed(1)} ${k.toUpperCase()}`)
          .join(
            ' + ',
          )} (${g.s3Min}–${g.s3Max} requests), CPU ${(g.cpuS * 1000).toFixed(0)} ms (${(g.cpuMin * 1000).toFixed(0)}–${(g.cpuMax * 1000).toFixed(0)}), S3 wait ${(g.waitS * 1000).toFixed(0)} ms, ${g.parsed === 1 ? 'parses' : g.parsed === 0 ? 'no-op' : `${g.parsed.toFixed(2)} parses`}`,
      );
    }
  }
  console.log(
    `  stored after the deadline week: ${Object.entries(fetch.storedBytes)
      .map(([p, b]) => `${p}/ ${mb(b)}`)
      .join(', ')}; raw/ per document ${Object.entries(fetch.rawBytesPerDocument)
      .map(([t, b]) => `${t} ${num(b / 1024)} KB`)
      .join(', ')}`,
  );
}

function printNotify(notify: NotifyResult[], facts: StackFacts): void {
  const fn = functionFacts(facts, 'nianbao-notify');
  console.log(
    `\nnotify (${fn.memoryMb} MB, ${fn.timeoutS} s): the handler on the synthetic population (${SETTINGS.notifyWeeks} weeks of runs)`,
  );
  for (const r of notify) {
    console.log(
      `  ${num(r.agencies)} agencies: ${r.runParts} run parts a week; child phases ${Object.entries(r.phases)
        .map(([p, t]) => `${p} ${t.toFixed(0)} s`)
        .join(', ')}`,
    );
  }
  console.log(
    `  ${'week'.padEnd(9)}${'agencies'.padStart(9)}${'PUT'.padStart(8)}${'GET'.padStart(8)}${'HEAD'.padStart(7)}${'LIST'.padStart(6)}${'DELETE'.padStart(7)}${'written'.padStart(10)}${'CPU'.padStart(8)}${'S3 wait'.padStart(9)}${'wall'.padStart(8)}${'off-CPU'.padStart(9)}${'mail'.padStart(9)}`,
  );
  for (const week of ['deadline', 'quiet'] as const) {
    for (const r of notify) {
      const m = r[week];
      console.log(
        `  ${week.padEnd(9)}${num(r.agencies).padStart(9)}${num(m.s3.put).padStart(8)}${num(m.s3.get).padStart(8)}${num(m.s3.head).padStart(7)}${num(m.s3.list).padStart(6)}${num(m.s3.delete).padStart(7)}${mb(m.bytesWritten).padStart(10)}${`${m.cpuS.toFixed(1)}s`.padStart(8)}${`${m.waitS.toFixed(1)}s`.padStart(9)}${`${m.wallS.toFixed(1)}s`.padStart(8)}${`${m.runDelayS.toFixed(1)}s`.padStart(9)}${mb(m.ses.bytes).padStart(9)}`,
      );
    }
    const f = notifyFits(notify, week);
    console.log(
      `    per agency (fit, max residual): ${S3_KINDS.map((k) => `${f.s3[k].slope.toFixed(3)} ${k.toUpperCase()} (${pct(f.s3[k].maxRelativeResidual)})`).join(', ')}; CPU ${(f.cpuS.slope * 1000).toFixed(2)} ms (${pct(f.cpuS.maxRelativeResidual)}); S3 wait ${(f.waitS.slope * 1000).toFixed(2)} ms (${pct(f.waitS.maxRelativeResidual)}); own wall ${(f.ownWallS.slope * 1000).toFixed(2)} ms (${pct(f.ownWallS.maxRelativeResidual)})`,
    );
  }
}

function printScenario(s: Scenario): number {
  const bill = weeklyBill(s.stages);
  console.log(`\n${num(s.agencies)} agencies, ${s.week} week: ${usd(bill.total)}`);
  for (const l of bill.lines) console.log(`  ${`${l.service}: ${l.item}`.padEnd(48)} ${l.arithmetic}`);
  return bill.total;
}

export async function run(): Promise<void> {
  const started = performance.now();
  console.log(
    `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores; S3/SQS/SES are counting stand-ins, ${SETTINGS.latencyMs} ms per S3 request; prices ${PRICES.region}, ${PRICES.takenOn}`,
  );
  const facts = readStackFacts();
  console.log(
    `stack: ${['nianbao-plan', 'nianbao-fetchWorker', 'nianbao-parse', 'nianbao-notify'].map((s) => `${s.replace('nianbao-', '')} ${functionFacts(facts, s).memoryMb} MB`).join(', ')}; ${facts.alarms} alarms; logs kept ${facts.logRetentionDays} d; noncurrent ${Object.entries(
      facts.noncurrentDaysByPrefix,
    )
      .map(([p, d]) => `${p} ${d} d`)
      .join(', ')}`,
  );
  // All at once: the fetch child mostly waits out the polite delay and the notify children the S3
  // latency; CPU figures are per process, and waits exclude the time other processes held the CPU.
  const [fetch, plan, ...notify] = await Promise.all([
    child<FetchResult>('fetch', facts),
    child<PlanResult>('plan', facts),
    ...SETTINGS.notifySizes.map((agencies) => child<NotifyResult>('notify', facts, [String(agencies)])),
  ]);
  const inputs: Inputs = {
    facts,
    plan: plan as PlanResult,
    fetch: fetch as FetchResult,
    notify: notify as NotifyResult[],
  };

  printPlan(inputs.plan, facts);
  printFetch(inputs.fetch, facts);
  printNotify(inputs.notify, facts);

  console.log(`\n== the bill (${PRICES.region} list prices of ${PRICES.takenOn}, no free tier) ==`);
  const summary: string[] = [];
  for (const agencies of SETTINGS.modelSizes) {
    const quiet = scenario(inputs, agencies, 'quiet');
    const deadline = scenario(inputs, agencies, 'deadline');
    const quietBill = weeklyBill(quiet.stages);
    const deadlineBill = weeklyBill(deadline.stages);
    printScenario(deadline);
    printScenario(quiet);
    const { fixed, notes } = fixedUsage(inputs, agencies, quiet, deadline);
    const fixedBill = monthlyFixedBill(fixed);
    console.log(`\n${num(agencies)} agencies, by the month: ${usd(fixedBill.total)}`);
    for (const l of fixedBill.lines) console.log(`  ${`${l.service}: ${l.item}`.padEnd(48)} ${l.arithmetic}`);
    for (const n of notes) console.log(`  (${n})`);
    const months = monthlyTotals(quietBill, deadlineBill, fixedBill);
    console.log(`  quiet month:    ${months.arithmetic.quiet}`);
    console.log(`  deadline month: ${months.arithmetic.deadline}`);
    console.log('  duration per invocation vs timeout:');
    for (const d of deadline.durations) {
      console.log(
        `    ${d.stage.padEnd(28)} ${`${d.seconds.toFixed(d.seconds < 10 ? 2 : 0)} s`.padStart(9)} of ${d.timeoutS} s ${d.seconds > d.timeoutS ? 'OVER THE TIMEOUT' : ''} (${d.note})`,
      );
    }
    // Not in the bill: the fixture's sites that are down reset the connection at once; a site that lets
    // connections time out holds the worker up to the agency's budget instead of the polite time.
    const down = (agencies * inputs.fetch.agenciesByKind.down) / inputs.fetch.agencies;
    const workerGb = functionFacts(facts, 'nianbao-fetchWorker').memoryMb / 1024;
    const timeoutCost =
      down * (DEFAULT_AGENCY_BUDGET_MS / 1000 - DEFAULT_SECONDS_PER_AGENCY) * workerGb * PRICES.lambda.gbSecond;
    console.log(
      `  not in the bill: if the ${num(down)} agencies whose sites are down (${pct(down / agencies)}) timed out instead of refusing, each would hold a worker up to its ${DEFAULT_AGENCY_BUDGET_MS / 1000} s budget: + ${num(down)} × ${DEFAULT_AGENCY_BUDGET_MS / 1000 - DEFAULT_SECONDS_PER_AGENCY} s × ${workerGb} GB × $${PRICES.lambda.gbSecond} = + ${usd(timeoutCost)} a week at most`,
    );
    const top = [...quietBill.lines, ...fixedBill.lines].sort((a, b) => b.usd - a.usd).slice(0, 3);
    summary.push(
      `${num(agencies).padStart(8)} agencies: deadline week ${usd(deadlineBill.total)}, quiet week ${usd(quietBill.total)}, fixed ${usd(fixedBill.total)}/month → quiet month ${usd(months.quiet)}, deadline month ${usd(months.deadline)}; largest: ${top.map((l) => `${l.item} ${usd(l.usd)}`).join(', ')}`,
    );
  }
  console.log('\n== summary ==');
  for (const s of summary) console.log(s);
  console.log(
    `\nestimated, not counted: fetch duration (crawl-capacity.ts ${DEFAULT_SECONDS_PER_AGENCY} s/agency, real sites' latency), the event source's SQS polls, ${PLATFORM_LOG_BYTES_PER_INVOCATION} B platform log per invocation, ${ACCESS_LOG_RECORD_BYTES} B per access-log record, ${INIT_SECONDS_PER_COLD_START} s INIT per cold start, PDF share ${SETTINGS.pdfShare} of found reports; S3 latency simulated at ${SETTINGS.latencyMs} ms/request`,
  );
  console.log(`cost bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (process.env.COST_CHILD) {
  await childMain(process.env.COST_CHILD, process.argv.slice(3));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
}
