/**
 * Parse + validate throughput (reports/s) on a generated corpus of consistent reports, per format, next to
 * the floor: one plain pass over the same bytes (decode + line split for text/HTML, a byte scan for PDF).
 * Figures are CPU time of this process (robust to other load on a shared machine) and wall time.
 * Goal for text: ≥ 5,000 reports/s on one core and within 20× of the floor.
 */
import { generateReport } from '../shared/report/generate.ts';
import { parseReport, parseText } from '../shared/report/parse.ts';
import { analyseReport, validateReport } from '../shared/rules/validate.ts';

interface Timing {
  cpuMs: number;
  wallMs: number;
}

async function time(work: () => Promise<void> | void): Promise<Timing> {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await work();
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs };
}

function perSecond(count: number, ms: number): string {
  return Math.round((count * 1000) / ms).toLocaleString('en-US');
}

function line(label: string, count: number, timing: Timing): string {
  return `${label.padEnd(34)} ${perSecond(count, timing.cpuMs).padStart(9)} reports/s (CPU ${timing.cpuMs.toFixed(0)} ms, wall ${timing.wallMs.toFixed(0)} ms, ${((timing.cpuMs * 1000) / count).toFixed(1)} µs/report)`;
}

/** The floor: one decode and one line split per document, nothing else. */
function textFloor(corpus: Uint8Array[]): number {
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
  floor: (c: Uint8Array[]) => number,
  rounds: number,
) {
  const bytes = corpus.reduce((sum, document) => sum + document.length, 0);
  const run = await best(rounds, () => throughput(corpus, fileName));
  const floorTiming = await best(rounds, () =>
    time(() => {
      floor(corpus);
    }),
  );
  console.log(
    `${name}: ${corpus.length} reports, ${(bytes / 1e6).toFixed(1)} MB (best of ${rounds} rounds after a warm-up)`,
  );
  console.log(`  ${line('parse + validate (analyseReport)', corpus.length, run)}`);
  console.log(`  ${line('floor (one plain pass)', corpus.length, floorTiming)}`);
  console.log(`  ratio parse+validate / floor: ${(run.cpuMs / Math.max(floorTiming.cpuMs, 0.001)).toFixed(1)}× (CPU)`);
  return { run, floorTiming };
}

export async function run(): Promise<void> {
  const textCount = Number(process.env.BENCH_TEXT ?? 2000);
  const htmlCount = Number(process.env.BENCH_HTML ?? 500);
  const pdfCount = Number(process.env.BENCH_PDF ?? 20);
  const encoder = new TextEncoder();
  const generated = Array.from({ length: textCount }, (_, seed) => generateReport(seed));

  // Text: the seeds' form.
  const textCorpus = generated.map((report) => encoder.encode(report.text));
  const text = await measureFormat('text', textCorpus, 'report.txt', textFloor, 3);
  const goal = (Number(perSecond(textCount, text.run.cpuMs).replace(/,/g, '')) >= 5000 ? 'met' : 'NOT met') as string;
  const ratio = text.run.cpuMs / Math.max(text.floorTiming.cpuMs, 0.001);
  console.log(`  goal ≥ 5,000 reports/s: ${goal}; within 20× of floor: ${ratio <= 20 ? 'met' : 'NOT met'}`);

  // Where text time goes: parse alone vs validate alone (strings already decoded).
  const strings = generated.map((report) => report.text);
  const parsed = strings.map((source) => parseText(source));
  const parseOnly = await best(3, () =>
    time(() => {
      for (const source of strings) parseText(source);
    }),
  );
  const validateOnly = await best(3, () =>
    time(() => {
      for (const report of parsed) validateReport(report);
    }),
  );
  console.log(`  ${line('  of which parseText alone', textCount, parseOnly)}`);
  console.log(`  ${line('  of which validateReport alone', textCount, validateOnly)}`);

  // HTML: real tables.
  const htmlCorpus = generated.slice(0, htmlCount).map((report) => encoder.encode(report.html));
  await measureFormat('html', htmlCorpus, 'report.html', textFloor, 3);

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
      // parseReport alone for PDF too, to show extraction dominates.
      await measureFormat('pdf', pdfCorpus, 'report.pdf', byteScanFloor, 1);
      const parseTiming = await time(async () => {
        for (const bytes of pdfCorpus) await parseReport({ bytes, fileName: 'report.pdf' });
      });
      console.log(`  ${line('  of which parseReport alone', pdfCorpus.length, parseTiming)}`);
    }
  }
}
