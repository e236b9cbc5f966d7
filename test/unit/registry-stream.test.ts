import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryLoader } from '../../functions/common/registry.ts';
import { findRegistry } from '../../shared/cli/registry-source.ts';
import { loadRegistry, MAX_REGISTRY_CHARS, RegistryError } from '../../shared/registry/load.ts';
import {
  MAX_SLICED_REGISTRY_CHARS,
  readRegistry,
  readRegistryFile,
  streamRegistry,
} from '../../shared/registry/stream.ts';
import { keys } from '../../shared/storage/keys.ts';
import { encodeGbk } from '../support/gbk.ts';
import { InMemoryStore } from '../support/synthetic-store.ts';

/** Always slice, three agencies a slice, so a handful of agencies exercises the slice boundaries. */
const SLICED = { sliceAboveChars: 0, agenciesPerSlice: 3 };

function registryText(count: number, extra: (i: number) => string[] = () => []): string {
  const lines = [
    '# 名录',
    'respectRobots: false',
    'allowHosts: ["127.0.0.1"]',
    'recipients:',
    '  - email: watch@example.org',
    '    region: 河南省/三门峡市',
    'agencies:',
  ];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  - id: agency-${i}`,
      `    name: 第${i}号机关`,
      '    level: county-department',
      `    region: 河南省/三门峡市/县${i % 4}`,
      `    listUrls: ["https://www${i % 3}.example.gov.cn/xxgk/nb/"]`,
      ...extra(i),
    );
  }
  lines.push('contact: ops@example.org', '');
  return lines.join('\n');
}

function collect(text: string): { agencies: string[]; error?: RegistryError } {
  const stream = streamRegistry(text, 'registry.yaml', SLICED);
  const agencies: string[] = [];
  try {
    for (const agency of stream.agencies) agencies.push(agency.id);
  } catch (error) {
    if (error instanceof RegistryError) return { agencies, error };
    throw error;
  }
  return { agencies };
}

describe('streamRegistry', () => {
  it('yields the same agencies and settings as loading the whole file', () => {
    const text = registryText(10);
    const whole = loadRegistry(text);
    const stream = streamRegistry(text, 'registry.yaml', SLICED);
    expect([...stream.agencies]).toEqual(whole.agencies);
    const { agencies: _agencies, ...settings } = whole;
    expect(stream.settings).toEqual(settings);
    expect(stream.settings.contact).toBe('ops@example.org');
  });

  it('reports a bad field with its line in the whole file, and plans nothing', () => {
    const text = registryText(8).replace(
      '    level: county-department\n    region: 河南省/三门峡市/县3',
      '    level: village\n    region: 河南省/三门峡市/县3',
    );
    const whole = (() => {
      try {
        loadRegistry(text);
      } catch (error) {
        return error as RegistryError;
      }
      throw new Error('the whole-file loader should refuse it');
    })();
    const { error } = collect(text);
    expect(error?.issues.map((issue) => [issue.line, issue.path])).toEqual(
      whole.issues.map((issue) => [issue.line, issue.path]),
    );
    expect(error?.issues[0]?.path).toMatch(/^agencies\[3\]（agency-3）\.level/);
  });

  it('finds a duplicate id in another slice, naming both lines', () => {
    const text = `${registryText(7).replace('contact: ops@example.org\n', '')}  - id: agency-1\n    name: 重复\n    level: township\n    region: 河南省/三门峡市/县0\n    listUrls: "https://x.example.gov.cn/"\n`;
    const { error } = collect(text);
    expect(error?.issues).toHaveLength(1);
    const firstLine = text.split('\n').indexOf('  - id: agency-1') + 1;
    const secondLine = text.split('\n').lastIndexOf('  - id: agency-1') + 1;
    expect(error?.issues[0]).toMatchObject({
      line: secondLine,
      message: expect.stringContaining(`第 ${firstLine} 行已使用`),
    });
  });

  it('checks recipients against every agency of every slice', () => {
    const text = registryText(7).replace('    region: 河南省/三门峡市\n', '    region: 河南省/洛阳市\n');
    expect(collect(text).error?.issues.map((issue) => issue.path)).toEqual(['recipients[0].region']);
  });

  it('loads an unusual layout (a flow list) whole, with the same result', () => {
    const text =
      'agencies: [{ id: a, name: 甲, level: township, region: 省/县, listUrls: "https://a.example.gov.cn/" }]\n';
    expect([...streamRegistry(text, 'registry.yaml', SLICED).agencies].map((agency) => agency.id)).toEqual(['a']);
  });

  it('the notifier reads a registry over loadRegistry’s 8 MB whole (a country’s is ~23 MB)', async () => {
    // Few agencies with long notes: over the limit without a slow test.
    const count = 4_500;
    const text = registryText(count, (i) => [`    note: "${'备注'.repeat(1000)}${i}"`]);
    expect(text.length).toBeGreaterThan(MAX_REGISTRY_CHARS);
    expect(() => loadRegistry(text)).toThrow(/文件过大/);
    const store = new InMemoryStore();
    await store.put(keys.registry, text);
    const registry = await registryLoader(store, 0)(new Date());
    expect(registry.agencies.length).toBe(count);
    expect(registry.agencies.at(-1)?.id).toBe(`agency-${count - 1}`);
    expect(readRegistry(registryText(5)).agencies.map((a) => a.id)).toEqual(
      loadRegistry(registryText(5)).agencies.map((a) => a.id),
    );
  });

  it('the CLI reads a --registry file as the notifier reads the stored one: over 8 MB, and GBK', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nianbao-registry-file-'));
    try {
      const big = join(dir, 'country.yaml');
      const count = 4_500;
      writeFileSync(
        big,
        registryText(count, (i) => [`    note: "${'备注'.repeat(1000)}${i}"`]),
      );
      // Before: loadRegistry on the whole file, refused as 文件过大 (over MAX_REGISTRY_CHARS).
      expect((await readRegistryFile(big)).agencies.length).toBe(count);
      // evaluate and export read --registry as UTF-8 text: a GBK file (Notepad's "ANSI") came out garbled.
      const gbk = join(dir, 'gbk.yaml');
      writeFileSync(gbk, encodeGbk(registryText(2)));
      const registry = await findRegistry(new InMemoryStore(), gbk);
      expect(registry?.agencies.map((agency) => agency.name)).toEqual(['第0号机关', '第1号机关']);
      // The size is checked before the file is read (a sparse file: no disk, no memory).
      const huge = join(dir, 'huge.yaml');
      writeFileSync(huge, '');
      truncateSync(huge, MAX_SLICED_REGISTRY_CHARS + 1);
      await expect(readRegistryFile(huge)).rejects.toThrow(/文件过大/);
      // No file given: the stored registry, else nothing.
      const store = new InMemoryStore();
      expect(await findRegistry(store, undefined)).toBeUndefined();
      await store.put(keys.registry, registryText(3));
      expect((await findRegistry(store, undefined))?.agencies.length).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
