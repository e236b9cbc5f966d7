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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { consolidateRunParts } from '../functions/common/run-parts.ts';
import { updateAssessments } from '../shared/compliance/update.ts';
import type { Mailer } from '../shared/notify/mailer.ts';
import { runWeeklyDigest } from '../shared/notify/weekly.ts';
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
      const result = await runWeeklyDigest({
        store,
        registry,
        year: YEAR,
        now: nowMs,
        mailer: nullMailer,
        from: 'digest@example.org',
        recipients: [{ region: [], to: ['office@example.org'] }],
        assessments,
        force: true,
      });
      const sizes = result.messages.map((m) => Number(m.receipt?.location?.split(':')[1] ?? 0));
      return `email ${mb(Math.max(0, ...sizes))}`;
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

/** Child: the synthetic population with `weeks` weekly manifests. */
async function populate(root: string, agencies: number, weeks: number): Promise<void> {
  const store = new FileSystemStore(root);
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
  for (const weeks of [4, 52]) {
    const root = mkdtempSync(path.join(tmpdir(), `nianbao-scale-notify-${weeks}-`));
    try {
      child(['populate', root, String(agencies), String(weeks)]);
      const first = JSON.parse(child(['notify', root, String(NOW.getTime())])) as StageFigures[];
      print(`notify, ${agencies} agencies, ${weeks} weeks of runs (first notify: indexes built)`, first);
      const second = JSON.parse(child(['notify', root, String(NOW.getTime() + 60_000)])) as StageFigures[];
      print(`notify again, ${weeks} weeks, nothing new (indexes in place)`, second);
      if (weeks !== 52) continue;
      const nextWeek = NOW.getTime() + WEEK;
      const changed = Number(child(['quiet', root, String(nextWeek), '0.01']));
      const quiet = JSON.parse(child(['notify', root, String(nextWeek)])) as StageFigures[];
      print(`quiet week: a new run, ${changed} agencies (1%) changed outcome`, quiet);
      const full = first.find((f) => f.stage === 'site');
      const week = quiet.find((f) => f.stage === 'site');
      const again = second.find((f) => f.stage === 'site');
      if (full?.site && week?.site) {
        const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)}%`;
        console.log(
          `  site in the quiet week: ${week.site.written} of ${full.site.written} files of a full rewrite (${pct(week.site.written, full.site.written)}), ${mb(week.site.bytes)} of ${mb(full.site.bytes)} under site/ (${pct(week.site.bytes, full.site.bytes)})`,
        );
        console.log(
          `  with index/site-pages.json: ${week.counts.puts} of ${full.counts.puts} PUTs (${pct(week.counts.puts, full.counts.puts)}), ${mb(week.counts.bytesWritten)} of ${mb(full.counts.bytesWritten)} (${pct(week.counts.bytesWritten, full.counts.bytesWritten)})`,
        );
        if (again?.site) console.log(`  unchanged store regenerated: ${again.site.written} files written under site/`);
      }
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
  else if (mode === 'quiet')
    process.stdout.write(String(await quietWeek(rest[0] as string, Number(rest[1]), Number(rest[2]))));
  else await run();
}
