/**
 * Parses untrusted documents where a runaway cannot take the process down: a worker thread with V8
 * `resourceLimits` (heap), watched by this thread for the process's resident memory (pdfjs and zlib
 * buffers live outside the V8 heap) and for time. A document that breaks a limit costs its own result
 * (无法解析 with a Chinese reason), never the scan or the Lambda invocation. One document is parsed
 * at a time per process, so the memory watch measures that document alone.
 *
 * The worker script is `parse-worker.mjs` beside this module's file: from source it registers tsx and
 * loads parse-worker-main.ts; in a Lambda bundle (one index.mjs) it is the compiled worker bundle
 * placed beside index.mjs (infra/bundling.ts).
 */
import { Worker } from 'node:worker_threads';
import type { AnnualReport } from '../report/model.ts';
import type { ReportInput } from '../report/parse.ts';
import type { Finding } from '../rules/finding.ts';
import type { ValidationContext } from '../rules/validate.ts';

export interface SandboxLimits {
  /** V8 old-generation heap of the worker, MB. @default 768 */
  maxHeapMb?: number;
  /** Resident memory of the whole process while a document is parsed, MB. @default 1200 (Lambda: 1536) */
  maxRssMb?: number;
  /** Wall-clock time for one document, ms. @default 120,000 */
  timeoutMs?: number;
  /** Largest document accepted at all, bytes. @default 64 MiB */
  maxBytes?: number;
}

export const SANDBOX_DEFAULTS: Required<SandboxLimits> = {
  maxHeapMb: 768,
  maxRssMb: 1200,
  timeoutMs: 120_000,
  maxBytes: 64 * 1024 * 1024,
};

/**
 * Limits for a process with `memoryMb` of memory in all (a Lambda's memory setting): the whole
 * process stays under 80 % of it, the worker's heap under half.
 */
export function sandboxLimitsForMemory(memoryMb: number): SandboxLimits {
  if (!Number.isFinite(memoryMb) || memoryMb <= 0) return {};
  return { maxRssMb: Math.floor(memoryMb * 0.8), maxHeapMb: Math.floor(memoryMb * 0.5) };
}

/** How often resident memory is sampled while a document is parsed. */
const RSS_SAMPLE_MS = 10;

export type SandboxOutcome =
  | { ok: true; report: AnnualReport; findings: Finding[] }
  /** Refused or failed: `reason` is Chinese and says which limit or error. */
  | { ok: false; reason: string };

/** @internal The message the worker receives. */
export interface SandboxRequest {
  id: number;
  input: ReportInput;
  context: ValidationContext;
}

/** Where the worker script is; overridable for unusual layouts. */
export function defaultWorkerUrl(): URL {
  const override = process.env.NIANBAO_PARSE_WORKER;
  return override ? new URL(override, `file://${process.cwd()}/`) : new URL('./parse-worker.mjs', import.meta.url);
}

let worker: Worker | null = null;
let workerHeapMb = 0;
let nextId = 1;
let queue: Promise<unknown> = Promise.resolve();

/**
 * parseReport + validateReport in the sandbox. Never throws for a document's sake: a limit, a crash
 * of the worker or a timeout comes back as `{ ok: false, reason }`.
 */
export function analyseInSandbox(
  input: ReportInput,
  context: ValidationContext = {},
  limits: SandboxLimits = {},
): Promise<SandboxOutcome> {
  const run = queue.then(() => runOne(input, context, { ...SANDBOX_DEFAULTS, ...limits }));
  queue = run.catch(() => undefined);
  return run;
}

/** Ends the worker (tests, and a clean shutdown); the next parse starts a new one. */
export async function stopParseSandbox(): Promise<void> {
  const current = worker;
  worker = null;
  if (current) await current.terminate();
}

function startWorker(heapMb: number): Worker {
  if (worker && workerHeapMb === heapMb) return worker;
  if (worker) void worker.terminate();
  worker = new Worker(defaultWorkerUrl(), {
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  workerHeapMb = heapMb;
  const created = worker;
  // An 'error' after its document was settled (a worker dying while being terminated) must not become
  // an unhandled error event in this process; a dead worker is replaced on the next parse.
  created.on('error', () => undefined);
  created.on('exit', () => {
    if (worker === created) worker = null;
  });
  created.unref();
  return created;
}

function runOne(
  input: ReportInput,
  context: ValidationContext,
  limits: Required<SandboxLimits>,
): Promise<SandboxOutcome> {
  if (input.bytes.byteLength > limits.maxBytes) {
    const mb = Math.round(input.bytes.byteLength / 1024 / 1024);
    return Promise.resolve({
      ok: false,
      reason: `文件过大（${mb} MB，上限 ${limits.maxBytes / 1024 / 1024} MB），未解析`,
    });
  }
  const current = startWorker(limits.maxHeapMb);
  const id = nextId++;
  return new Promise<SandboxOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: SandboxOutcome, kill: boolean) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      clearTimeout(timer);
      current.off('message', onMessage);
      current.off('error', onError);
      current.off('exit', onExit);
      current.unref();
      if (kill && worker === current) {
        worker = null;
        void current.terminate();
      }
      resolve(outcome);
    };
    const onMessage = (message: { id: number; outcome: SandboxOutcome }) => {
      if (message.id === id) finish(message.outcome, false);
    };
    const onError = (error: Error) => {
      const oom = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      finish(
        {
          ok: false,
          reason: oom
            ? `解析时内存超过上限（${limits.maxHeapMb} MB），文件过大或结构异常，未解析`
            : `解析进程异常退出（${error.message.slice(0, 200)}）`,
        },
        true,
      );
    };
    const onExit = () => {
      if (worker === current) worker = null;
      finish({ ok: false, reason: '解析进程意外退出，未能读取该文件' }, false);
    };
    const watch = setInterval(() => {
      const rssMb = process.memoryUsage.rss() / 1024 / 1024;
      if (rssMb > limits.maxRssMb) {
        finish(
          {
            ok: false,
            reason: `解析时内存超过上限（进程 ${Math.round(rssMb)} MB，上限 ${limits.maxRssMb} MB），未解析`,
          },
          true,
        );
      }
    }, RSS_SAMPLE_MS);
    const timer = setTimeout(
      () => finish({ ok: false, reason: `解析超时（超过 ${Math.round(limits.timeoutMs / 1000)} 秒），未解析` }, true),
      limits.timeoutMs,
    );
    current.on('message', onMessage);
    current.on('error', onError);
    current.on('exit', onExit);
    current.ref();
    const request: SandboxRequest = { id, input, context };
    current.postMessage(request);
  });
}
