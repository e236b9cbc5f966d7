/**
 * Every finding id a real run emits has its description in the catalogue (findings/catalogue.ts), so
 * rules.html, the digest and the evaluation can always say what a finding means. Two real runs: the
 * demo (`npm start`, in-process: scan, parse, assess, digest, site) and every real report and seed in
 * ../shared/ through the validator, each with the report of the year before where there is one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as demo } from '../../demo/cli.ts';
import { FINDING_CATALOGUE } from '../../shared/findings/catalogue.ts';
import { analyseReport } from '../../shared/rules/validate.ts';
import { FileSystemStore } from '../../shared/storage/fs-store.ts';
import { getJson } from '../../shared/storage/port.ts';

const catalogued = new Set(FINDING_CATALOGUE.map((info) => info.id));

/** Every `rule` of a finding-shaped object anywhere inside a stored JSON record. */
function findingRules(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) findingRules(item, into);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.rule === 'string' && typeof record.severity === 'string') into.add(record.rule);
    for (const child of Object.values(record)) findingRules(child, into);
  }
}

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('every finding id of a real run is catalogued', () => {
  it('the demo: scan, parse, assess, digest and site', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nianbao-catalogue-'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await demo(['--store', dir])).toBe(0);
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
    const store = new FileSystemStore(dir);
    const emitted = new Set<string>();
    for (const prefix of ['runs/', 'results/', 'state/', 'digests/']) {
      for (const key of (await store.list(prefix)).filter((name) => name.endsWith('.json'))) {
        findingRules(await getJson(store, key), emitted);
      }
    }
    // The demo is built to show fetch, parse and assessment findings alike.
    expect([...emitted].some((id) => id.startsWith('fetch.'))).toBe(true);
    expect([...emitted].some((id) => !id.startsWith('fetch.'))).toBe(true);
    expect([...emitted].filter((id) => !catalogued.has(id))).toEqual([]);
    // rules.html renders the whole set: no id is left in a list of unknown ones.
    const rulesPage = new TextDecoder().decode(await store.get('site/rules.html'));
    expect(rulesPage).not.toContain('目录外的规则编号');
    for (const id of emitted) expect(rulesPage).toContain(`id="rule-${id}"`);
  }, 300_000);

  const shared = fileURLToPath(new URL('../../../shared/', import.meta.url));
  const corpora = ['real-reports', 'seeds'].map((name) => path.join(shared, name)).filter(existsSync);
  it.skipIf(corpora.length === 0)(
    'the real reports and seeds through the validator',
    async () => {
      const emitted = new Set<string>();
      for (const corpus of corpora) {
        const files = readdirSync(corpus)
          .filter((name) => /\.(txt|pdf|html?|docx?)$/i.test(name))
          .sort();
        for (const name of files) {
          const result = await analyseReport({ bytes: readFileSync(path.join(corpus, name)), fileName: name }, {});
          for (const finding of result.findings) emitted.add(finding.rule);
        }
      }
      expect(emitted.size).toBeGreaterThan(0);
      expect([...emitted].filter((id) => !catalogued.has(id))).toEqual([]);
    },
    300_000,
  );
});
