/**
 * Lambda bundles: builds each handler with the stack's esbuild options (infra/bundling.ts) and prints
 * its minified size and its cold import time in a fresh `node` process (what a Lambda cold start pays
 * for our code, on this machine, before the first event).
 *
 * Goals (issue 5): each bundle under 1.5 MB minified, each import under 300 ms.
 */
import { execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import {
  copyPdfjsCommands,
  FUNCTION_ENTRIES,
  FUNCTIONS_WITH_PDFJS,
  type FunctionName,
  LAMBDA_BUNDLE,
} from '../infra/bundling.ts';
import { PROJECT_ROOT } from '../infra/lambda-defaults.ts';
import { CONFIG_ENV } from '../shared/config/config.ts';

const SIZE_GOAL_BYTES = 1.5 * 1024 * 1024;
const IMPORT_GOAL_MS = 300;
const IMPORT_RUNS = 5;

/** What each handler reads at module load; values are placeholders, nothing is contacted on import. */
const HANDLER_ENV: Record<string, string> = {
  [CONFIG_ENV.bucketName]: 'bench-bucket',
  [CONFIG_ENV.queueUrl]: 'https://sqs.cn-north-1.amazonaws.com.cn/000000000000/bench',
  [CONFIG_ENV.mailFrom]: 'bench@example.org',
  [CONFIG_ENV.sesIdentity]: 'example.org',
  AWS_REGION: 'ap-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_METRICS_NAMESPACE: 'nianbao-watch',
};

export interface BundleFigures {
  name: string;
  bytes: number;
  /** The whole deployment folder: bundle, source map excluded, pdfjs-dist copy included. */
  assetBytes: number;
  importsPdfjs: boolean;
  importMs: number[];
  importCpuMs: number[];
  largestInputs: { input: string; bytes: number }[];
}

/** Bundles one handler into `outDir/index.mjs` with the deployed options. */
export async function bundleFunction(entry: string, outDir: string): Promise<{ file: string; metafile: Metafile }> {
  const file = join(outDir, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: LAMBDA_BUNDLE.platform,
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourcemap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    external: [...LAMBDA_BUNDLE.external],
    alias: LAMBDA_BUNDLE.alias,
    metafile: true,
    logLevel: 'silent',
  });
  return { file, metafile: result.metafile };
}

/**
 * Wall-clock and CPU milliseconds to import the bundle in a fresh node process (module-level code
 * included). CPU time is printed too because wall time on a shared, loaded machine mostly measures
 * waiting for a core.
 */
export function coldImport(file: string): { wallMs: number; cpuMs: number } {
  const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const u = process.cpuUsage(c); console.log(JSON.stringify({ wallMs: performance.now() - t, cpuMs: (u.user + u.system) / 1000 }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...HANDLER_ENV },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`import failed: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { wallMs: number; cpuMs: number };
}

function largestInputs(metafile: Metafile): { input: string; bytes: number }[] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...byPackage]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

function importsPdfjs(metafile: Metafile): boolean {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  return (output?.imports ?? []).some((i) => i.external && i.path.startsWith('pdfjs-dist'));
}

function folderBytes(dir: string, include: (path: string) => boolean): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && include(path)) total += statSync(path).size;
  }
  return total;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function run(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'nianbao-bundles-'));
  try {
    console.log(`load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`);
    console.log(
      `esbuild ${LAMBDA_BUNDLE.format}/${LAMBDA_BUNDLE.target}, minified, AWS SDK bundled; import = median of ${IMPORT_RUNS} fresh node processes (${process.version})`,
    );
    console.log(
      `${'function'.padEnd(12)} ${'bundle'.padStart(9)}  ${'asset'.padStart(8)}  ${'import'.padStart(8)}  ${'cpu'.padStart(7)}  goals  largest inputs`,
    );
    for (const [name, entry] of Object.entries(FUNCTION_ENTRIES)) {
      const outDir = join(workDir, name);
      let figures: BundleFigures;
      try {
        const { file, metafile } = await bundleFunction(entry, outDir);
        const withPdfjs = FUNCTIONS_WITH_PDFJS.includes(name as FunctionName);
        if (withPdfjs) for (const command of copyPdfjsCommands(PROJECT_ROOT, outDir)) execSync(command);
        const imports = Array.from({ length: IMPORT_RUNS }, () => coldImport(file));
        figures = {
          name,
          bytes: statSync(file).size,
          assetBytes: folderBytes(outDir, (path) => !path.endsWith('.map')),
          importsPdfjs: importsPdfjs(metafile),
          importMs: imports.map((i) => i.wallMs),
          importCpuMs: imports.map((i) => i.cpuMs),
          largestInputs: largestInputs(metafile),
        };
        if (figures.importsPdfjs !== withPdfjs) {
          console.log(
            `  ! ${name}: bundle ${figures.importsPdfjs ? 'imports' : 'does not import'} pdfjs-dist but FUNCTIONS_WITH_PDFJS says otherwise`,
          );
        }
      } catch (error) {
        console.log(
          `${name.padEnd(12)} FAILED: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        );
        continue;
      }
      const ms = median(figures.importMs);
      const goals = `${figures.bytes <= SIZE_GOAL_BYTES ? '✓' : '✗'}${ms <= IMPORT_GOAL_MS ? '✓' : '✗'}`;
      const inputs = figures.largestInputs.map((i) => `${i.input} ${(i.bytes / 1024).toFixed(0)}K`).join(', ');
      console.log(
        `${name.padEnd(12)} ${mb(figures.bytes).padStart(9)}  ${mb(figures.assetBytes).padStart(8)}  ${`${ms.toFixed(0)} ms`.padStart(8)}  ${`${median(figures.importCpuMs).toFixed(0)} ms`.padStart(7)}  ${goals.padEnd(5)}  ${inputs}`,
      );
    }
    console.log(`goals: bundle ≤ ${SIZE_GOAL_BYTES / 1024 / 1024} MB, import ≤ ${IMPORT_GOAL_MS} ms`);
    console.log('asset = bundle + pdfjs-dist copied beside it (loaded on the first PDF, not at import), no source map');
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
