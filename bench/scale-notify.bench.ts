/**
 * What the weekly notify costs as history grows and in a quiet week (issue 13, "pay for what changed").
 * Each case runs in its own child process against a FileSystemStore in a temporary folder (so the store's
 * bytes are not in the measured heap), through a CountingStore: per stage wall, CPU, peak RSS, objects
 * listed/read/written and bytes.
 *
 *   case A: N agencies, 4 weeks of run manifests   -> notify (first run after the upgrade builds the indexes)
 *   case B: N agencies, 52 weeks of run manifests  -> notify
 *   then in B's store: a quiet week (1% of agencies change outcome) -> notify again; then the same week
 *   again with nothing new -> site regeneration of an unchanged store.
 *
 * SCALE_NOTIFY_AGENCIES (default 10000). Run alone: `npx tsx bench/scale-notify.bench.ts`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { consolidateRunParts } from '../functions/common/run-parts.ts';
import { updateAssessments } from '../shared/compliance/update.ts';
import type { Mailer } from '../shared/notify/mailer.ts';
import { runWeeklyDigest } from '../shared/notify/weekly.ts';
import { prepareWeek, runShards, shardGroups } from '../shared/pipeline/weekly-notify.ts';
import type { Registry } from '../shared/registry/agency.ts';
import { generateSite } from '../shared/site/generate.ts';
import { CountingStore, type StoreCounts } from '../shared/storage/counting-store.ts';
import { FileSystemStore } from '../shared/storage/fs-store.ts';
import { keys } from '../shared/storage/keys.ts';
import { getJson, putJson } from '../shared/storage/port.ts';
import type { RunManifest } from '../shared/storage/records.ts';
import { writeSyntheticPopulation } from '../test/support/synthetic-store.ts';

const YEAR = 2024;
const NOW = new Date('2025-05-12T02:00:00Z');
const WEEK = 7 * 86_400_000;
const here = fileURLToPath(import.meta.url);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface StageFigures {
  stage: string;
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  counts: StoreCounts;
  note?: string;
  /** Site stage: files and bytes written under site/ (generateSite's own figures, without index/). */
  site?: { written: number; bytes: number };
}

async function stage(
  store: CountingStore,
  name: string,
  task: () => Promise<string | undefined>,
  extra: () => Partial<StageFigures> = () => ({}),
): Promise<StageFigures> {
  store.reset();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const note = await task();
  const used = process.cpuUsage(cpu);
  return {
    stage: name,
    wallS: (performance.now() - started) / 1000,
    cpuS: (used.user + used.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    counts: store.counts,
    ...(note ? { note } : {}),
    ...extra(),
  };
}

const nullMailer: Mailer = {
  kind: 'file',
  async send(message) {
    return { messageId: `bench-${message.id}`, location: `bench:${message.raw.byteLength}` };
  },
} as Mailer;

/** The week's digest to one office address through the null mailer: agencies in it and the largest email. */
async function benchDigest(
  store: CountingStore,
  registry: Registry,
  nowMs: number,
  assessments?: Awaited<ReturnType<typeof updateAssessments>>,
): Promise<{ agencies: number; email: number }> {
  const result = await runWeeklyDigest({
    store,
    registry,
    year: YEAR,
    now: nowMs,
    mailer: nullMailer,
    from: 'digest@example.org',
    recipients: [{ region: [], to: ['office@example.org'] }],
    ...(assessments ? { assessments } : {}),
    force: true,
  });
  const sizes = result.messages.map((m) => Number(m.receipt?.location?.split(':')[1] ?? 0));
  return { agencies: result.assessments.length, email: Math.max(0, ...sizes) };
}

/** Child: one notify (consolidate + assess + digest + site) at `nowMs`, figures as JSON on stdout. */
async function notifyOnce(root: string, nowMs: number): Promise<StageFigures[]> {
  const store = new CountingStore(new FileSystemStore(root));
  const registry = (await getJson<Registry>(store, 'bench/registry.json')) as Registry;
  const now = new Date(nowMs);
  const figures: StageFigures[] = [];
  figures.push(await stage(store, 'consolidate', async () => `${(await consolidateRunParts(store)).length} runs`));
  let assessments: Awaited<ReturnType<typeof updateAssessments>> = [];
  figures.push(
    await stage(store, 'assess', async () => {
      assessments = await updateAssessments(store, registry, YEAR, nowMs);
      return `${assessments.length} assessed`;
    }),
  );
  figures.push(
    await stage(store, 'digest', async () => {
      const { email } = await benchDigest(store, registry, nowMs, assessments);
      return `email ${mb(email)}`;
    }),
  );
  let site: Awaited<ReturnType<typeof generateSite>> | undefined;
  figures.push(
    await stage(
      store,
      'site',
      async () => {
        site = await generateSite(store, { registry, now });
        return `${site.pages} pages, ${site.files - site.unchanged} of ${site.files} files written (${mb(site.bytes)}), ${site.unchanged} unchanged, ${site.pruned} pruned`;
      },
      () => (site ? { site: { written: site.files - site.unchanged, bytes: site.bytes } } : {}),
    ),
  );
  return figures;
}

/**
 * Child: one phase of the fanned-out notify as the state machine runs it (prepare, one shard group, or
 * publish), so each phase's peak RSS is its own, as each Lambda invocation's is.
 */
async function phaseOnce(root: string, nowMs: number, phase: string, shards: number[]): Promise<StageFigures[]> {
  const store = new CountingStore(new FileSystemStore(root));
  const registry = (await getJson<Registry>(store, 'bench/registry.json')) as Registry;
  const now = new Date(nowMs);
  if (phase === 'prepare') {
    return [
      await stage(store, 'prepare', async () => {
        await consolidateRunParts(store);
        const prepared = await prepareWeek(store, YEAR);
        return `${prepared.runs} runs folded in the index; ${prepared.groups.length} shard groups`;
      }),
    ];
  }
  if (phase === 'shards') {
    return [
      await stage(store, `shards ${shards[0]}-${shards.at(-1)}`, async () => {
        const result = await runShards(store, { registry, year: YEAR, now, shards });
        return `${result.assessment.assessed} assessed, ${result.assessment.unchanged} unchanged; ${result.site.agenciesRendered} agencies' pages made, ${result.site.files - result.site.unchanged} files written (${mb(result.site.bytes)})`;
      }),
    ];
  }
  const figures: StageFigures[] = [];
  figures.push(
    await stage(store, 'publish:digest', async () => {
      const { agencies, email } = await benchDigest(store, registry, nowMs);
      return `${agencies} agencies in the digest; email ${mb(email)} (SES limit 10 MB)`;
    }),
  );
  figures.push(
    await stage(store, 'publish:site', async () => {
      const site = await generateSite(store, { registry, now });
      return `${site.agenciesRendered} agencies' pages made here; ${site.files - site.unchanged} of ${site.files} files written (${mb(site.bytes)}), ${site.pruned} pruned`;
    }),
  );
  return figures;
}

/** Runs the phases of one notify, each in its own child, and prints them as the state machine would run them. */
function phasedNotify(root: string, nowMs: number, title: string): StageFigures[] {
  const all: StageFigures[] = [];
  all.push(...(JSON.parse(child(['phase', root, String(nowMs), 'prepare'])) as StageFigures[]));
  for (const group of shardGroups()) {
    all.push(...(JSON.parse(child(['phase', root, String(nowMs), 'shards', group.join(',')])) as StageFigures[]));
  }
  all.push(...(JSON.parse(child(['phase', root, String(nowMs), 'publish'])) as StageFigures[]));
  printPhases(title, all);
  return all;
}

/** Per phase as one Lambda invocation: the workers summed and their largest. */
function printPhases(title: string, figures: StageFigures[]): void {
  const workers = figures.filter((f) => f.stage.startsWith('shards'));
  const others = figures.filter((f) => !f.stage.startsWith('shards'));
  const sum = (list: StageFigures[], pick: (c: StoreCounts) => number) => list.reduce((t, f) => t + pick(f.counts), 0);
  const workerLine: StageFigures = {
    stage: `${workers.length} workers`,
    wallS: workers.reduce((t, f) => t + f.wallS, 0),
    cpuS: workers.reduce((t, f) => t + f.cpuS, 0),
    peakRssMb: Math.max(0, ...workers.map((f) => f.peakRssMb)),
    counts: {
      ...(workers[0]?.counts as StoreCounts),
      lists: sum(workers, (c) => c.lists),
      keysListed: sum(workers, (c) => c.keysListed),
      gets: sum(workers, (c) => c.gets),
      bytesRead: sum(workers, (c) => c.bytesRead),
      puts: sum(workers, (c) => c.puts),
      bytesWritten: sum(workers, (c) => c.bytesWritten),
    },
    note: `slowest worker ${Math.max(0, ...workers.map((f) => f.wallS)).toFixed(1)} s; ${workers[0]?.note ?? ''} (first group)`,
  };
  print(title, [...others.slice(0, 1), workerLine, ...others.slice(1)]);
}

/**
 * The population is loaded with plain synchronous file writes into the FileSystemStore's layout (a
 * bulk load: no temp file and rename per object), so 100,000 agencies load in minutes; everything
 * measured goes through the real FileSystemStore.
 */
class BulkLoadStore extends FileSystemStore {
  readonly #root: string;
  readonly #dirs = new Set<string>();
  constructor(root: string) {
    super(root);
    this.#root = root;
  }
  override async put(key: string, body: Uint8Array | string): Promise<void> {
    const file = path.join(this.#root, ...key.split('/'));
    const dir = path.dirname(file);
    if (!this.#dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.#dirs.add(dir);
    }
    writeFileSync(file, body);
  }
}

/** Child: the synthetic population with `weeks` weekly manifests. */
async function populate(root: string, agencies: number, weeks: number): Promise<void> {
  const store = new BulkLoadStore(root);
  const list = await writeSyntheticPopulation(store, { agencies, year: YEAR, now: NOW, weeks });
  const registry = { agencies: list, deadlines: {}, recipients: [] };
  await putJson(store, 'bench/registry.json', registry);
}

/**
 * A deterministic pseudo-random `share` of `count` indices (a seeded shuffle's first ones). Every 100th
 * agency in registry order would be one per county's stretch of the list (the registry is in region
 * order), a more even spread over the regions than the agencies a real week changes.
 */
export function changedIndices(count: number, share: number, seed = 13): Set<number> {
  let state = seed >>> 0;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return new Set(order.slice(0, Math.round(count * share)));
}

/** Child: a new weekly run in which `share` of the agencies' outcomes differ from the week before. */
async function quietWeek(root: string, nowMs: number, share: number): Promise<number> {
  const store = new FileSystemStore(root);
  const runKeys = (await store.list('runs/')).sort();
  const last = (await getJson<RunManifest>(store, runKeys.at(-1) as string)) as RunManifest;
  const changing = changedIndices(last.outcomes.length, share);
  const outcomes = last.outcomes.map((outcome, i) =>
    changing.has(i)
      ? { ...outcome, status: 'unreachable' as const, error: '连接超时（3 次重试后放弃）', snapshots: [] }
      : outcome,
  );
  const startedAt = new Date(nowMs - 3_600_000).toISOString();
  const runId = `${startedAt.replace(/[:.]/g, '-')}-quiet`;
  await putJson(store, keys.run(runId), { ...last, runId, startedAt, finishedAt: startedAt, outcomes });
  return changing.size;
}

function child(args: string[]): string {
  return execFileSync(process.execPath, [...process.execArgv, here, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function print(title: string, figures: StageFigures[]): void {
  console.log(title);
  console.log(
    `  ${'stage'.padEnd(12)}${'wall'.padStart(8)}${'cpu'.padStart(8)}${'peak RSS'.padStart(10)}${'listed'.padStart(9)}${'read'.padStart(9)}${'read B'.padStart(10)}${'written'.padStart(9)}${'written B'.padStart(11)}  note`,
  );
  for (const f of figures) {
    const c = f.counts;
    console.log(
      `  ${f.stage.padEnd(12)}${`${f.wallS.toFixed(1)}s`.padStart(8)}${`${f.cpuS.toFixed(1)}s`.padStart(8)}${`${f.peakRssMb.toFixed(0)}MB`.padStart(10)}${String(c.keysListed).padStart(9)}${String(c.gets).padStart(9)}${mb(c.bytesRead).padStart(10)}${String(c.puts).padStart(9)}${mb(c.bytesWritten).padStart(11)}  ${f.note ?? ''}`,
    );
  }
  const total = figures.reduce(
    (sum, f) => ({ read: sum.read + f.counts.bytesRead, puts: sum.puts + f.counts.puts, wall: sum.wall + f.wallS }),
    { read: 0, puts: 0, wall: 0 },
  );
  console.log(
    `  total: ${total.wall.toFixed(1)} s, ${mb(total.read)} read, ${total.puts} objects written; peak RSS ${Math.max(...figures.map((f) => f.peakRssMb)).toFixed(0)} MB`,
  );
}

export async function run(): Promise<void> {
  const agencies = Number(process.env.SCALE_NOTIFY_AGENCIES ?? 10_000);
  const weekList = (process.env.SCALE_NOTIFY_WEEKS ?? '4,52').split(',').map(Number);
  // Above a province's size the first notify runs as the state machine runs it (per-phase memory).
  const phasedFirst = process.env.SCALE_NOTIFY_PHASED === '1' || agencies >= 50_000;
  for (const weeks of weekList) {
    const root = mkdtempSync(path.join(tmpdir(), `nianbao-scale-notify-${weeks}-`));
    try {
      const populated = performance.now();
      child(['populate', root, String(agencies), String(weeks)]);
      console.log(
        `(population of ${agencies} agencies, ${weeks} weekly runs written in ${((performance.now() - populated) / 1000).toFixed(0)} s)`,
      );
      const firstTitle = `notify, ${agencies} agencies, ${weeks} weeks of runs (first notify: indexes built, every agency assessed and rendered, as in a deadline week)`;
      const first = phasedFirst
        ? phasedNotify(root, NOW.getTime(), `${firstTitle}, phased`)
        : (JSON.parse(child(['notify', root, String(NOW.getTime())])) as StageFigures[]);
      if (!phasedFirst) print(firstTitle, first);
      if (!phasedFirst) {
        const second = JSON.parse(child(['notify', root, String(NOW.getTime() + 60_000)])) as StageFigures[];
        print(`notify again, ${weeks} weeks, nothing new (indexes in place)`, second);
      }
      if (weeks !== weekList.at(-1)) continue;
      const nextWeek = NOW.getTime() + WEEK;
      const changed = Number(child(['quiet', root, String(nextWeek), '0.01']));
      const quiet = phasedNotify(
        root,
        nextWeek,
        `quiet week, phased: a new run, ${changed} agencies (1%) changed outcome`,
      );
      const sitePuts = (list: StageFigures[]) => list.reduce((t, f) => t + (f.counts.putsByPrefix.site ?? 0), 0);
      const siteBytes = (list: StageFigures[]) =>
        list.reduce((t, f) => t + (f.counts.bytesWrittenByPrefix.site ?? 0), 0);
      console.log(
        `  site in the quiet week: ${sitePuts(quiet)} site PUTs / ${sitePuts(first)} of the full rewrite (${((100 * sitePuts(quiet)) / Math.max(1, sitePuts(first))).toFixed(1)}%), ${mb(siteBytes(quiet))} / ${mb(siteBytes(first))} (${((100 * siteBytes(quiet)) / Math.max(1, siteBytes(first))).toFixed(1)}%); all prefixes: ${mb(quiet.reduce((t, f) => t + f.counts.bytesWritten, 0))} written`,
      );
      const again = JSON.parse(child(['phase', root, String(nextWeek + 3_600_000), 'publish'])) as StageFigures[];
      print('the same week again, nothing new (publish only): regenerating an unchanged store', again);
      console.log(`  site PUTs of the unchanged regeneration: ${sitePuts(again)} (${mb(siteBytes(again))})`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  if (mode === 'populate') await populate(rest[0] as string, Number(rest[1]), Number(rest[2]));
  else if (mode === 'notify')
    process.stdout.write(JSON.stringify(await notifyOnce(rest[0] as string, Number(rest[1]))));
  else if (mode === 'phase')
    process.stdout.write(
      JSON.stringify(
        await phaseOnce(
          rest[0] as string,
          Number(rest[1]),
          rest[2] as string,
          (rest[3] ?? '').split(',').filter(Boolean).map(Number),
        ),
      ),
    );
  else if (mode === 'quiet')
    process.stdout.write(String(await quietWeek(rest[0] as string, Number(rest[1]), Number(rest[2]))));
  else await run();
}
