/**
 * Peak memory and time of each phase of the weekly notify as the state machine runs them (issue 13, infra/stack.ts
 * sizes the Notify and NotifyShards functions from these figures): prepare, the 16 shard workers, publish,
 * each in its own process against a FileSystemStore holding a synthetic population (4 weekly runs, one year),
 * on the first run (no indexes yet: every agency assessed and rendered by the workers, the heaviest week).
 * Prints per phase the largest peak RSS and heap, and the growth per 1,000 agencies between the two smallest
 * sizes with a linear extrapolation to 150,000 agencies.
 *
 * NOTIFY_PHASES_SIZES (default "1000,10000"), NOTIFY_PHASES_HEAP_MB (see HEAP_CAP). Run alone:
 * `npm run bench -- notify-phases`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { consolidateRunParts } from '../functions/common/run-parts.ts';
import type { Mailer } from '../shared/notify/mailer.ts';
import { runWeeklyDigest } from '../shared/notify/weekly.ts';
import { listingInputsOnce, prepareWeek, runShards, shardGroups } from '../shared/pipeline/weekly-notify.ts';
import type { Registry } from '../shared/registry/agency.ts';
import { generateSite } from '../shared/site/generate.ts';
import { FileSystemStore } from '../shared/storage/fs-store.ts';
import { getJson, putJson } from '../shared/storage/port.ts';
import { writeSyntheticPopulation } from '../test/support/synthetic-store.ts';

const YEAR = 2024;
const NOW = new Date('2025-05-12T02:00:00Z');
const TARGET = 150_000;
const here = fileURLToPath(import.meta.url);

const nullMailer = {
  kind: 'file',
  async send(message: { id: string; raw: Uint8Array }) {
    return { messageId: `bench-${message.id}`, location: `bench:${message.raw.byteLength}` };
  },
} as unknown as Mailer;

interface PhaseFigures {
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  heapUsedMb: number;
  note: string;
}

/** Child: one phase against the store at `root`, figures as JSON on stdout. */
async function phase(mode: string, root: string, arg?: string): Promise<PhaseFigures> {
  const store = new FileSystemStore(root);
  const registry = (await getJson<Registry>(store, 'bench/registry.json')) as Registry;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let note = '';
  if (mode === 'prepare') {
    await consolidateRunParts(store);
    note = `${(await prepareWeek(store, YEAR)).groups.length} groups`;
  } else if (mode === 'shards') {
    const shards = JSON.parse(arg as string) as number[];
    const result = await runShards(store, { registry, year: YEAR, now: NOW, shards });
    note = `${result.assessment.assessed} assessed, ${result.site.agenciesRendered} rendered`;
  } else {
    // As functions/notify.ts publishes: results/ and raw/ listed once for the digest and the site.
    const listed = listingInputsOnce(store);
    const digest = await runWeeklyDigest({
      store: listed,
      registry,
      year: YEAR,
      now: NOW.toISOString(),
      mailer: nullMailer,
      from: 'digest@example.org',
      recipients: [{ region: [], to: ['office@example.org'] }],
      force: true,
    });
    const site = await generateSite(listed, { registry, now: NOW });
    note = `${digest.assessments.length} in the digest, ${site.pages} pages, ${site.agenciesRendered} rendered`;
  }
  const used = process.cpuUsage(cpu);
  return {
    wallS: (performance.now() - started) / 1000,
    cpuS: (used.user + used.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: process.memoryUsage().heapUsed / 1024 / 1024,
    note,
  };
}

/**
 * NOTIFY_PHASES_HEAP_MB caps the shard workers' old space: without a cap V8 lets garbage pile up far past
 * the live set, so the peak RSS overstates what a worker needs; a run that passes under the cap shows it.
 */
const HEAP_CAP = process.env.NOTIFY_PHASES_HEAP_MB ? [`--max-old-space-size=${process.env.NOTIFY_PHASES_HEAP_MB}`] : [];

function child(args: string[]): string {
  const cap = args[0] === 'shards' ? HEAP_CAP : [];
  return execFileSync(process.execPath, [...process.execArgv, ...cap, here, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

type Row = { prepare: PhaseFigures; shards: PhaseFigures; publish: PhaseFigures };

/** The heaviest worker of the 16 (later workers find more states in the index than the first). */
function heaviest(figures: PhaseFigures[]): PhaseFigures {
  return figures.reduce((max, f) => (f.peakRssMb > max.peakRssMb ? f : max));
}

export async function run(): Promise<void> {
  const sizes = (process.env.NOTIFY_PHASES_SIZES ?? '1000,10000').split(',').map(Number);
  const rows = new Map<number, Row>();
  for (const agencies of sizes) {
    const root = mkdtempSync(path.join(tmpdir(), 'nianbao-notify-phases-'));
    try {
      child(['populate', root, String(agencies)]);
      const prepare = JSON.parse(child(['prepare', root])) as PhaseFigures;
      const workers = shardGroups().map((shards) => JSON.parse(child(['shards', root, JSON.stringify(shards)])));
      const publish = JSON.parse(child(['publish', root])) as PhaseFigures;
      const shards = heaviest(workers);
      rows.set(agencies, { prepare, shards, publish });
      const capped = HEAP_CAP.length ? `, their old space capped at ${process.env.NOTIFY_PHASES_HEAP_MB} MB` : '';
      console.log(`${agencies} agencies, first notify (16 workers; the heaviest worker shown${capped})`);
      for (const [name, f] of Object.entries({ prepare, shards, publish })) {
        console.log(
          `  ${name.padEnd(8)} ${`${f.wallS.toFixed(1)}s`.padStart(7)} wall ${`${f.cpuS.toFixed(1)}s`.padStart(7)} cpu ` +
            `${`${f.peakRssMb.toFixed(0)} MB`.padStart(8)} peak RSS ${`${f.heapUsedMb.toFixed(0)} MB`.padStart(7)} heap  ${f.note}`,
        );
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const [small, large] = [...rows.keys()].sort((a, b) => a - b).slice(-2);
  if (small === undefined || large === undefined || small === large) return;
  console.log(`growth ${small} → ${large} agencies, extrapolated linearly to ${TARGET.toLocaleString('en')}`);
  for (const name of ['prepare', 'shards', 'publish'] as const) {
    const a = (rows.get(small) as Row)[name];
    const b = (rows.get(large) as Row)[name];
    const perThousand = ((b.peakRssMb - a.peakRssMb) * 1000) / (large - small);
    const at = b.peakRssMb + (perThousand * (TARGET - large)) / 1000;
    const cpuAt = b.cpuS + ((b.cpuS - a.cpuS) * (TARGET - large)) / (large - small);
    console.log(
      `  ${name.padEnd(8)} ${perThousand.toFixed(1)} MB per 1,000 agencies → ~${(at / 1024).toFixed(1)} GB peak RSS, ~${cpuAt.toFixed(0)} s CPU`,
    );
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  if (mode === 'populate') {
    const store = new FileSystemStore(rest[0] as string);
    const agencies = await writeSyntheticPopulation(store, {
      agencies: Number(rest[1]),
      year: YEAR,
      now: NOW,
      weeks: 4,
    });
    await putJson(store, 'bench/registry.json', { agencies, deadlines: {}, recipients: [] });
  } else if (mode) {
    process.stdout.write(JSON.stringify(await phase(mode, rest[0] as string, rest[1])));
  } else {
    await run();
  }
}
