/**
 * The finding catalogue against the source: every finding id written in shared/ or functions/ (a
 * `rule: '…'` literal or an id-shaped string of a rule family) is described, with a Chinese title,
 * description and example, exactly once. The ids real runs emit are checked in
 * test/integration/finding-catalogue.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMPLIANCE_RULES } from '../../shared/compliance/assess.ts';
import { FINDING_CATALOGUE } from '../../shared/findings/catalogue.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const catalogued = new Set(FINDING_CATALOGUE.map((info) => info.id));

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(ROOT, dir, name));
}

const FAMILIES =
  'struct|content|extract|meta|arith|narrative|plausibility|carryover|template|compliance|fetch|internal';

describe('finding catalogue', () => {
  it('describes every finding id written in the source', () => {
    const written = new Set<string>();
    const literal = new RegExp(`rule: '([^']+)'|'((?:${FAMILIES})\\.[a-z0-9-]+)'`, 'g');
    for (const file of [...sources('shared'), ...sources('functions')]) {
      for (const match of readFileSync(file, 'utf8').matchAll(literal)) written.add((match[1] ?? match[2]) as string);
    }
    expect(written.size).toBeGreaterThan(40);
    expect([...written].filter((id) => !catalogued.has(id)).sort()).toEqual([]);
  });

  it('describes the compliance ids named by constants (fetch ids: discover-demo-site.test.ts)', () => {
    const named: string[] = Object.values(COMPLIANCE_RULES);
    expect(named.filter((id) => !catalogued.has(id))).toEqual([]);
  });

  it('has each id once, with a Chinese title, description and example', () => {
    const ids = FINDING_CATALOGUE.map((info) => info.id);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    for (const info of FINDING_CATALOGUE) {
      expect(info.title, info.id).toMatch(/\p{Script=Han}/u);
      expect(info.description, info.id).toMatch(/\p{Script=Han}/u);
      expect(info.example, info.id).not.toBe('');
      expect(['error', 'warning', 'info']).toContain(info.severity);
    }
  });
});
