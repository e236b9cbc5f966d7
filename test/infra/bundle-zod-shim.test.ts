import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '../../bench/functions.bench.ts';
import { PROJECT_ROOT } from '../../infra/lambda-defaults.ts';
import { loadRegistry } from '../../shared/registry/load.ts';

// The bundles replace `zod` with infra/shims/zod.ts (no translations). Registry validation, the main
// zod user, must accept and refuse exactly as with the real package, with the same messages.
const VALID = readFileSync(join(PROJECT_ROOT, 'registry.example.yaml'), 'utf8');
const INVALID = [
  'respectRobots: maybe',
  'recipients:',
  '  - email: not-an-address',
  'agencies:',
  '  - id: "bad id!"',
  '    name: ""',
  '    level: village',
  '    region: 河南省//卢氏县',
  '    listUrls: ["ftp://example.gov.cn/"]',
  '    reportUrls: { "24": "https://example.gov.cn/a.html" }',
  '    unknownKey: 1',
  '',
].join('\n');

function outcome(yamlText: string): { ok: true; agencies: number } | { ok: false; message: string } {
  try {
    return { ok: true, agencies: loadRegistry(yamlText).agencies.length };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

let workDir: string;
let bundled: { valid: ReturnType<typeof outcome>; invalid: ReturnType<typeof outcome> };

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'nianbao-zod-bundle-'));
  const entry = join(workDir, 'entry.ts');
  writeFileSync(
    entry,
    [
      `import { readFileSync } from 'node:fs';`,
      `import { loadRegistry } from ${JSON.stringify(join(PROJECT_ROOT, 'shared/registry/load.ts'))};`,
      'const outcome = (text) => { try { return { ok: true, agencies: loadRegistry(text).agencies.length }; } catch (error) { return { ok: false, message: error.message }; } };',
      `const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));`,
      'console.log(JSON.stringify({ valid: outcome(input.valid), invalid: outcome(input.invalid) }));',
    ].join('\n'),
  );
  writeFileSync(join(workDir, 'input.json'), JSON.stringify({ valid: VALID, invalid: INVALID }));
  const { file, metafile } = await bundleFunction(entry, join(workDir, 'out'));
  // Only English is left in the output (other locale files are parsed but shaken out).
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const locales = Object.entries(output?.inputs ?? {})
    .filter(([path, { bytesInOutput }]) => path.includes('node_modules/zod/v4/locales/') && bytesInOutput > 0)
    .map(([path]) => path.replace(/.*\//, ''));
  expect(locales).toEqual(['en.js']);
  const child = spawnSync(process.execPath, [file, join(workDir, 'input.json')], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  bundled = JSON.parse(child.stdout);
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('zod shim in the Lambda bundles', () => {
  it('accepts a valid registry like the real zod', () => {
    expect(bundled.valid).toEqual(outcome(VALID));
    expect(bundled.valid.ok).toBe(true);
  });

  it('refuses an invalid registry with the same messages', () => {
    const expected = outcome(INVALID);
    expect(expected.ok).toBe(false);
    expect(bundled.invalid).toEqual(expected);
  });
});
