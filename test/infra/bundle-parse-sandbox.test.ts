import { execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '../../bench/functions.bench.ts';
import { afterBundlingCommands, PARSE_WORKER } from '../../infra/bundling.ts';
import { PROJECT_ROOT } from '../../infra/lambda-defaults.ts';
import { PARSE_LAMBDA_MEMORY_MB } from '../../shared/report/limits.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { putSnapshot } from '../../shared/storage/snapshot.ts';
import { makeDocxBomb, makePdfBomb } from '../support/bombs.ts';

// The parse Lambda's path, deployed layout: processSnapshot bundled into one index.mjs, the parse
// worker bundled beside it and pdfjs-dist copied beside it, by the same afterBundling commands the
// stack runs. Each document is parsed in a fresh process whose peak RSS (worker thread included) must
// stay under the Lambda's memory, bombs included.

let workDir: string;
let storeDir: string;
const rawKeys: Record<string, string> = {};

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'nianbao-sandbox-bundle-'));
  storeDir = join(workDir, 'store');
  const entry = join(workDir, 'entry.ts');
  writeFileSync(
    entry,
    [
      `import { processSnapshot } from ${JSON.stringify(join(PROJECT_ROOT, 'shared/pipeline/process-snapshot.ts'))};`,
      `import { stopParseSandbox } from ${JSON.stringify(join(PROJECT_ROOT, 'shared/pipeline/parse-sandbox.ts'))};`,
      `import { FileSystemStore } from ${JSON.stringify(join(PROJECT_ROOT, 'shared/storage/fs-store.ts'))};`,
      'const store = new FileSystemStore(process.argv[2]);',
      'const limits = process.argv[4] ? JSON.parse(process.argv[4]) : undefined;',
      'const result = await processSnapshot(store, process.argv[3], { now: () => new Date(), limits });',
      'await stopParseSandbox();',
      'const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);',
      'console.log(JSON.stringify({ parsed: result.report !== null, title: result.report?.title ?? null, findings: result.findings, maxRssMb }));',
    ].join('\n'),
  );
  const outDir = join(workDir, 'asset');
  await bundleFunction(entry, outDir);
  for (const command of afterBundlingCommands('parse', PROJECT_ROOT, outDir)) execSync(command);

  const store = new FileSystemStore(storeDir);
  const put = async (name: string, bytes: Uint8Array, ext: string, contentType: string) => {
    const { key } = await putSnapshot(store, {
      year: 2023,
      agencyId: 'bomb-test',
      bytes,
      ext,
      meta: {
        url: `http://www.example.gov.cn/${name}.${ext}`,
        pageUrl: `http://www.example.gov.cn/${name}.html`,
        title: null,
        fetchedAt: '2024-02-01T00:00:00.000Z',
        publishDate: null,
        publishDateSource: null,
        otherDates: [],
        contentType,
        charset: null,
        headers: {},
      },
    });
    rawKeys[name] = key;
  };
  await put('healthy-docx', readFileSync(join(PROJECT_ROOT, 'demo/sites/lushi-gfdy-2023.docx')), 'docx', DOCX_TYPE);
  await put('paragraphs-100mib', makeDocxBomb(100, 'paragraphs'), 'docx', DOCX_TYPE);
  await put('spaces-1gib', makeDocxBomb(1024, 'spaces'), 'docx', DOCX_TYPE);
  await put('lying-sizes', makeDocxBomb(100, 'paragraphs', { lieAboutSize: true }), 'docx', DOCX_TYPE);
  await put('pdf-1gib', makePdfBomb(1024), 'pdf', 'application/pdf');
  // Under the ZIP caps (12 MiB of paragraphs compressing like text), so only the sandbox's memory limit can stop it.
  await put('paragraphs-12mib', makeDocxBomb(12, 'varied'), 'docx', DOCX_TYPE);
}, 120_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

interface ChildResult {
  parsed: boolean;
  title: string | null;
  findings: { rule: string; message: string }[];
  maxRssMb: number;
}

function parseInBundle(name: string, limits?: object): ChildResult {
  const child = spawnSync(
    process.execPath,
    [join(workDir, 'asset/index.mjs'), storeDir, rawKeys[name] as string, ...(limits ? [JSON.stringify(limits)] : [])],
    { cwd: workDir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 240_000 },
  );
  if (child.status !== 0) throw new Error(`bundle exited ${child.status}: ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').pop() as string) as ChildResult;
  console.log(`${name}: parsed=${result.parsed} peak RSS ${result.maxRssMb} MB`);
  return result;
}

describe('parse Lambda bundle: sandboxed parsing within the memory limit', () => {
  it('ships the parse worker beside index.mjs and parses a healthy DOCX through it', () => {
    expect(readFileSync(join(workDir, 'asset', PARSE_WORKER.outfile), 'utf8').length).toBeGreaterThan(1000);
    const result = parseInBundle('healthy-docx');
    expect(result.parsed).toBe(true);
    expect(result.title).toContain('年度报告');
  });

  for (const [name, reason] of [
    ['paragraphs-100mib', /word\/document\.xml 解压后 100 MB/],
    ['spaces-1gib', /解压后 1024 MB/],
    ['lying-sizes', /声明的大小不实/],
    ['pdf-1gib', /PDF 中有数据流解压后超过/],
  ] as const) {
    it(`refuses ${name} in Chinese, stored as 无法解析, with peak RSS under ${PARSE_LAMBDA_MEMORY_MB} MB`, () => {
      const result = parseInBundle(name);
      expect(result.parsed).toBe(false);
      expect(result.findings).toHaveLength(1);
      expect(result.findings[0]?.rule).toBe('extract.parse-failed');
      expect(result.findings[0]?.message).toMatch(reason);
      expect(result.maxRssMb).toBeLessThan(PARSE_LAMBDA_MEMORY_MB);
    });
  }

  it('stops a document whose memory outside the heap check grows past the process limit (RSS watch)', () => {
    const result = parseInBundle('paragraphs-12mib', { maxHeapMb: 4096, maxRssMb: 300 });
    expect(result.parsed).toBe(false);
    expect(result.findings[0]?.message).toMatch(/解析时内存超过上限（进程 \d+ MB，上限 300 MB）/);
    expect(result.maxRssMb).toBeLessThan(PARSE_LAMBDA_MEMORY_MB);
  });

  it('stops a document under the ZIP caps that still outgrows the worker heap: one finding, not a crash', () => {
    const result = parseInBundle('paragraphs-12mib', { maxHeapMb: 96 });
    expect(result.parsed).toBe(false);
    expect(result.findings[0]?.message).toMatch(/内存超过上限/);
    expect(result.maxRssMb).toBeLessThan(PARSE_LAMBDA_MEMORY_MB);
  });
});
