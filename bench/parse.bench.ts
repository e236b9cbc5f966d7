/**
 * Parse + validate throughput (reports/s) on a generated corpus of consistent reports, per format, next to
 * the floor: one plain pass over the same bytes (decode + line split for text/HTML, a byte scan for PDF).
 * Goal for text: ≥ 5,000 reports/s on one core and within 20× of the floor.
 *
 * One core, honestly: the figures are measured in a child process pinned to one CPU (taskset, when
 * there is one) and started with V8's --single-threaded (no concurrent GC or compiler threads), so all
 * the work runs on the main thread. Each line prints the process CPU time (every thread), the main
 * thread's CPU time and the wall time; reports/s are per second of process CPU time. On a loaded machine
 * wall time exceeds CPU time (the core was shared), never the other way round.
 */
import { isUtf8, transcode } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { extractPdfText } from '../shared/report/extract/pdf.ts';
import { generateReport } from '../shared/report/generate.ts';
import { parseReport, parseText } from '../shared/report/parse.ts';
import { analyseReport, validateReport } from '../shared/rules/validate.ts';

const CHILD_FLAG = 'NIANBAO_PARSE_BENCH_CHILD';

interface Timing {
  /** CPU time of the whole process (all threads). */
  cpuMs: number;
  /** CPU time of the main thread alone. */
  threadMs: number;
  wallMs: number;
}

function threadCpuMicros(): number {
  const usage = process.threadCpuUsage?.();
  return usage ? usage.user + usage.system : Number.NaN;
}

async function time(work: () => Promise<void> | void): Promise<Timing> {
  const cpuStart = process.cpuUsage();
  const threadStart = threadCpuMicros();
  const wallStart = performance.now();
  await work();
  const wallMs = performance.now() - wallStart;
  const threadMs = (threadCpuMicros() - threadStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { cpuMs: (cpu.user + cpu.system) / 1000, threadMs, wallMs };
}

function rate(count: number, ms: number): number {
  return (count * 1000) / ms;
}

function perSecond(count: number, ms: number): string {
  return Math.round(rate(count, ms)).toLocaleString('en-US');
}

function line(label: string, count: number, timing: Timing): string {
  return `${label.padEnd(46)} ${perSecond(count, timing.cpuMs).padStart(9)} reports/s (CPU ${timing.cpuMs.toFixed(0)} ms, main thread ${timing.threadMs.toFixed(0)} ms, wall ${timing.wallMs.toFixed(0)} ms; ${((timing.cpuMs * 1000) / count).toFixed(1)} µs/report)`;
}

/** Floor: decode and split into lines, the cheapest way this runtime has (what the parser's fast path does). */
function textFloor(corpus: Uint8Array[]): number {
  let lines = 0;
  for (const bytes of corpus) {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!isUtf8(buffer)) throw new Error('floor: corpus is not UTF-8');
    lines += transcode(buffer, 'utf8', 'utf16le').toString('utf16le').split('\n').length;
  }
  return lines;
}

/** The earlier, looser floor (TextDecoder + split), printed for comparison with older figures. */
function textDecoderFloor(corpus: Uint8Array[]): number {
  const decoder = new TextDecoder('utf-8');
  let lines = 0;
  for (const bytes of corpus) lines += decoder.decode(bytes).split('\n').length;
  return lines;
}

/** The PDF floor: one pass over every byte (PDF text cannot be had without inflating and interpreting). */
function byteScanFloor(corpus: Uint8Array[]): number {
  let newlines = 0;
  for (const bytes of corpus) for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) newlines++;
  return newlines;
}

async function throughput(corpus: Uint8Array[], fileName: string): Promise<Timing> {
  let findings = 0;
  const timing = await time(async () => {
    for (const bytes of corpus) findings += (await analyseReport({ bytes, fileName })).findings.length;
  });
  // Consistent reports: a finding here means a parse error, and the figure would be meaningless.
  if (findings > 0) console.log(`  (!) ${findings} findings on consistent ${fileName} reports`);
  return timing;
}

/** Best of `rounds` (the least disturbed by other load on a shared machine), after one warm-up round. */
async function best(rounds: number, work: () => Promise<Timing>): Promise<Timing> {
  await work();
  const timings: Timing[] = [];
  for (let round = 0; round < rounds; round++) timings.push(await work());
  return timings.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
}

async function measureFormat(
  name: string,
  corpus: Uint8Array[],
  fileName: string,
  floors: [string, (c: Uint8Array[]) => number][],
  rounds: number,
) {
  const bytes = corpus.reduce((sum, document) => sum + document.length, 0);
  const run = await best(rounds, () => throughput(corpus, fileName));
  console.log(
    `${name}: ${corpus.length} reports, ${(bytes / 1e6).toFixed(1)} MB (best of ${rounds} rounds after a warm-up)`,
  );
  console.log(`  ${line('parse + validate (analyseReport)', corpus.length, run)}`);
  const ratios: number[] = [];
  for (const [label, floor] of floors) {
    const floorTiming = await best(rounds, () =>
      time(() => {
        floor(corpus);
      }),
    );
    const ratio = run.cpuMs / Math.max(floorTiming.cpuMs, 0.001);
    ratios.push(ratio);
    console.log(`  ${line(`floor: ${label}`, corpus.length, floorTiming)}`);
    console.log(`    ratio parse+validate / floor: ${ratio.toFixed(1)}× (CPU)`);
  }
  return { run, ratio: ratios[0] as number };
}

/** The measurements proper (in the pinned single-threaded child). */
async function measure(): Promise<void> {
  const textCount = Number(process.env.BENCH_TEXT ?? 2000);
  const htmlCount = Number(process.env.BENCH_HTML ?? 500);
  const pdfCount = Number(process.env.BENCH_PDF ?? 20);
  const encoder = new TextEncoder();
  const generated = Array.from({ length: textCount }, (_, seed) => generateReport(seed));

  // Text: the seeds' form.
  const textCorpus = generated.map((report) => encoder.encode(report.text));
  const text = await measureFormat(
    'text',
    textCorpus,
    'report.txt',
    [
      ['one plain pass (isUtf8 + transcode + split)', textFloor],
      ['TextDecoder + split (older, looser floor)', textDecoderFloor],
    ],
    5,
  );
  const perSecondText = rate(textCount, text.run.cpuMs);
  console.log(
    `  goal ≥ 5,000 reports/s on one core: ${perSecondText >= 5000 ? 'met' : 'NOT met'} (${Math.round(perSecondText).toLocaleString('en-US')}); within 20× of the plain-pass floor: ${text.ratio <= 20 ? 'met' : 'NOT met'} (${text.ratio.toFixed(1)}×)`,
  );

  // Where text time goes: parse alone vs validate alone (strings already decoded). Validation runs on
  // freshly parsed reports each round: a report validated before would hit the narrative rules' cache.
  const strings = generated.map((report) => report.text);
  const parseOnly = await best(5, () =>
    time(() => {
      for (const source of strings) parseText(source);
    }),
  );
  const validateOnly = await best(5, () => {
    const parsed = strings.map((source) => parseText(source));
    return time(() => {
      for (const report of parsed) validateReport(report);
    });
  });
  console.log(`  ${line('  of which parseText alone', textCount, parseOnly)}`);
  console.log(`  ${line('  of which validateReport alone', textCount, validateOnly)}`);
  console.log('    (the rest: format detection, decoding, and garbage collection of the decoded text)');

  // HTML: real tables.
  const htmlCorpus = generated.slice(0, htmlCount).map((report) => encoder.encode(report.html));
  await measureFormat(
    'html',
    htmlCorpus,
    'report.html',
    [['one plain pass (isUtf8 + transcode + split)', textFloor]],
    3,
  );

  // PDF: rendered once by Chromium (not timed), then parsed.
  if (pdfCount > 0) {
    let pdfCorpus: Uint8Array[] = [];
    try {
      const { renderPdfs, closePdfRenderer } = await import('../test/support/render-pdf.ts');
      try {
        pdfCorpus = await renderPdfs(generated.slice(0, pdfCount).map((report) => report.html));
      } finally {
        await closePdfRenderer();
      }
    } catch (error) {
      console.log(`pdf: skipped, Chromium unavailable (${error instanceof Error ? error.message : String(error)})`);
    }
    if (pdfCorpus.length > 0) {
      const pdf = await measureFormat('pdf', pdfCorpus, 'report.pdf', [['one byte scan', byteScanFloor]], 3);
      let pages = 0;
      for (const bytes of pdfCorpus) pages += (await extractPdfText(bytes)).pages;
      console.log(
        `  PDF: ${rate(pdfCorpus.length, pdf.run.cpuMs).toFixed(1)} reports/s, ${(pdf.run.cpuMs / pdfCorpus.length).toFixed(1)} ms per PDF, ${(pdf.run.cpuMs / pages).toFixed(1)} ms per page (${pages} pages, ${(pages / pdfCorpus.length).toFixed(1)} per PDF; parse + validate, CPU)`,
      );
      // parseReport alone for PDF too, to show extraction dominates.
      const parseTiming = await time(async () => {
        for (const bytes of pdfCorpus) await parseReport({ bytes, fileName: 'report.pdf' });
      });
      console.log(`  ${line('  of which parseReport alone', pdfCorpus.length, parseTiming)}`);
    }
  }
}

/** Pins the child to the last CPU when taskset exists; says what it did. */
function pinning(): { command: string; args: string[]; note: string } {
  const cpu = availableParallelism() - 1;
  const hasTaskset = spawnSync('taskset', ['-c', String(cpu), 'true']).status === 0;
  return hasTaskset
    ? { command: 'taskset', args: ['-c', String(cpu), process.execPath], note: `pinned to CPU ${cpu} (taskset)` }
    : { command: process.execPath, args: [], note: 'not pinned (no taskset); single-threaded V8 all the same' };
}

export async function run(): Promise<void> {
  if (process.env[CHILD_FLAG] === '1') {
    await measure();
    return;
  }
  const { command, args, note } = pinning();
  const [one, five, fifteen] = loadavg().map((load) => load.toFixed(2));
  console.log(
    `one core: child process ${note}, node --single-threaded; machine load average ${one}, ${five}, ${fifteen} on ${availableParallelism()} CPUs`,
  );
  // The child runs this same module through the same loader (tsx), with V8 confined to one thread.
  const child = spawn(command, [...args, ...process.execArgv, '--single-threaded', fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, [CHILD_FLAG]: '1' },
  });
  const code = await new Promise<number>((resolve) => child.on('exit', (status) => resolve(status ?? 1)));
  if (code !== 0) throw new Error(`parse bench child exited with ${code}`);
}

// Started as the child: run the measurements.
if (process.env[CHILD_FLAG] === '1' && process.argv[1] === fileURLToPath(import.meta.url)) await run();
