import { execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '../../bench/functions.bench.ts';
import { copyPdfjsCommands } from '../../infra/bundling.ts';
import { PROJECT_ROOT } from '../../infra/lambda-defaults.ts';
import { extractPdfText } from '../../shared/report/extract/pdf.ts';

// The parse function's deployment layout: one index.mjs with pdfjs-dist external, and the copied
// pdfjs-dist folder beside it. PDF extraction must work from there with no project node_modules.
const PDF_FIXTURE = join(PROJECT_ROOT, 'demo/sites/lushi-gxkj-2023.pdf');

let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'nianbao-pdf-bundle-'));
  const entry = join(workDir, 'entry.ts');
  writeFileSync(
    entry,
    [
      `import { readFileSync } from 'node:fs';`,
      `import { extractPdfText } from ${JSON.stringify(join(PROJECT_ROOT, 'shared/report/extract/pdf.ts'))};`,
      'const result = await extractPdfText(new Uint8Array(readFileSync(process.argv[2])));',
      'console.log(JSON.stringify({ pages: result.pages, text: result.text, notes: result.notes }));',
    ].join('\n'),
  );
  const outDir = join(workDir, 'asset');
  await bundleFunction(entry, outDir);
  for (const command of copyPdfjsCommands(PROJECT_ROOT, outDir)) execSync(command);
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('parse function bundle', () => {
  it('extracts the same Chinese text as the unbundled code, with pdfjs-dist loaded from beside the bundle', async () => {
    const child = spawnSync(process.execPath, [join(workDir, 'asset/index.mjs'), PDF_FIXTURE], {
      cwd: workDir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    // pdfjs warns that @napi-rs/canvas (an optional dependency for rendering) is absent; text
    // extraction does not render. Anything else on stderr is a failure.
    const unexpected = child.stderr
      .split('\n')
      .filter((line) => line.trim() !== '' && !/napi-rs\/canvas|Require stack|^- |polyfill/.test(line));
    expect(unexpected).toEqual([]);
    const result = JSON.parse(child.stdout) as { pages: number; text: string };
    expect(result.pages).toBeGreaterThan(0);
    expect(result.text).toContain('政府信息公开');
    const unbundled = await extractPdfText(new Uint8Array(readFileSync(PDF_FIXTURE)));
    expect(result.text).toBe(unbundled.text);
  });
});
