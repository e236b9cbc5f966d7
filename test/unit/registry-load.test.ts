import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { encodeGbk } from '../../demo/seed-html.ts';
import {
  agencyDeadline,
  DEFAULT_DEADLINES,
  decodeRegistryBytes,
  loadRegistry,
  MAX_REGISTRY_CHARS,
  RegistryError,
} from '../../shared/registry/load.ts';

function errorOf(yamlText: string, fileName?: string): RegistryError {
  try {
    loadRegistry(yamlText, fileName);
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('expected a RegistryError');
}

const VALID = `
agencies:
  - id: lushi-gov
    name: 卢氏县人民政府
    level: county-government
    region: 河南省/三门峡市/卢氏县
    listUrls: [http://www.lushi.example.gov.cn/ndbg/]
  - id: lushi-jyj
    name: 卢氏县教育局
    level: county-department
    region: [河南省, 三门峡市, 卢氏县]
    listUrls: https://jyj.example.gov.cn/ndbg/
    respectRobots: false
    charset: GBK
`;

describe('loadRegistry', () => {
  it('loads a valid registry and fills in defaults', () => {
    const registry = loadRegistry(VALID);
    expect(registry.respectRobots).toBe(true);
    expect(registry.allowHosts).toEqual([]);
    expect(registry.recipients).toEqual([]);
    expect(registry.deadlines).toEqual(DEFAULT_DEADLINES);
    expect(registry.deadlines['county-government']).toBe('03-31');
    expect(registry.deadlines['county-department']).toBe('01-31');
    expect(registry.deadlines.township).toBe('01-31');
    const [gov, jyj] = registry.agencies;
    expect(gov).toEqual({
      id: 'lushi-gov',
      name: '卢氏县人民政府',
      level: 'county-government',
      region: ['河南省', '三门峡市', '卢氏县'],
      listUrls: ['http://www.lushi.example.gov.cn/ndbg/'],
      respectRobots: true,
    });
    expect(jyj?.listUrls).toEqual(['https://jyj.example.gov.cn/ndbg/']);
    expect(jyj?.respectRobots).toBe(false);
    expect(jyj?.charset).toBe('GBK');
  });

  it('applies deadline overrides per level and per agency', () => {
    const registry = loadRegistry(`
deadlines:
  county-department: "02-15"
agencies:
  - { id: a, name: 甲, level: county-department, region: 河南省, listUrls: http://a.example/ }
  - { id: b, name: 乙, level: county-department, region: 河南省, listUrls: http://b.example/, deadline: "03-01" }
  - { id: c, name: 丙, level: township, region: 河南省, listUrls: http://c.example/ }
`);
    const [a, b, c] = registry.agencies;
    expect(agencyDeadline(registry, a as never)).toBe('02-15');
    expect(agencyDeadline(registry, b as never)).toBe('03-01');
    expect(agencyDeadline(registry, c as never)).toBe('01-31');
  });

  it('keeps reportUrls keyed by year, allowHosts and recipients', () => {
    const registry = loadRegistry(`
contact: ops@example.org
allowHosts: [127.0.0.1, 10.0.0.0/8, intranet.example.cn, "::1"]
recipients:
  - email: a@example.org
    region: 河南省/三门峡市
  - email: b@example.org
agencies:
  - id: x
    name: 某局
    level: city-department
    region: 河南省/三门峡市
    reportUrls:
      2024: https://x.example.gov.cn/t20250120_1.html
`);
    expect(registry.contact).toBe('ops@example.org');
    expect(registry.allowHosts).toEqual(['127.0.0.1', '10.0.0.0/8', 'intranet.example.cn', '::1']);
    expect(registry.recipients).toEqual([
      { email: 'a@example.org', region: ['河南省', '三门峡市'] },
      { email: 'b@example.org', region: [] },
    ]);
    expect(registry.agencies[0]?.reportUrls).toEqual({ '2024': 'https://x.example.gov.cn/t20250120_1.html' });
    expect(registry.agencies[0]?.listUrls).toEqual([]);
  });

  it('reports a bad list URL with its line number, path and agency id', () => {
    const text = [
      'agencies:', // 1
      '  - id: ok', // 2
      '    name: 甲', // 3
      '    level: township', // 4
      '    region: 河南省', // 5
      '    listUrls: [http://a.example/]', // 6
      '  - id: bad-url', // 7
      '    name: 乙', // 8
      '    level: township', // 9
      '    region: 河南省', // 10
      '    listUrls:', // 11
      '      - ftp://files.example.gov.cn/ndbg/', // 12
    ].join('\n');
    const error = errorOf(text, 'registry.yaml');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ line: 12, path: 'agencies[1]（bad-url）.listUrls[0]' });
    expect(error.message).toContain(
      'registry.yaml 第 12 行：agencies[1]（bad-url）.listUrls[0] 不是合法的 http/https 地址',
    );
  });

  it('lists every problem at once, in line order', () => {
    const text = [
      'respectRobots: yes please', // 1
      'agencies:', // 2
      '  - id: a', // 3
      '    name: 甲', // 4
      '    level: county', // 5
      '    region: ""', // 6
      '    listUrl: http://a.example/', // 7
      '  - id: b', // 8
      '    level: township', // 9
      '    region: 河南省', // 10
      '    listUrls: not a url', // 11
      '    deadline: "02-30"', // 12
      '    charset: klingon', // 13
    ].join('\n');
    const error = errorOf(text);
    const byLine = error.issues.map((issue) => `${issue.line} ${issue.path} ${issue.message}`);
    expect(byLine).toEqual([
      expect.stringMatching(/^1 respectRobots 应为布尔值/),
      expect.stringMatching(/^5 agencies\[0\]（a）\.level 取值 "county" 无效，应为以下之一：province-government/),
      expect.stringMatching(/^6 agencies\[0\]（a）\.region 不能为空/),
      expect.stringMatching(/^7 agencies\[0\]（a）\.listUrl 是未知字段，是否应为 listUrls？/),
      expect.stringMatching(/^8 agencies\[1\]（b）\.name 缺少必填字段/),
      expect.stringMatching(/^11 agencies\[1\]（b）\.listUrls 不是合法的 http\/https 地址/),
      expect.stringMatching(/^12 agencies\[1\]（b）\.deadline 不是合法的截止日期/),
      expect.stringMatching(/^13 agencies\[1\]（b）\.charset 不是可识别的字符集/),
    ]);
    expect(error.message.split('\n')[0]).toBe('名录文件 registry.yaml 有 8 处错误：');
  });

  it('refuses duplicate agency ids, naming the line of the first', () => {
    const text = [
      'agencies:',
      '  - { id: same, name: 甲, level: township, region: 河南省, listUrls: http://a.example/ }',
      '  - { id: other, name: 乙, level: township, region: 河南省, listUrls: http://b.example/ }',
      '  - { id: same, name: 丙, level: township, region: 河南省, listUrls: http://c.example/ }',
    ].join('\n');
    const error = errorOf(text);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.line).toBe(4);
    expect(error.issues[0]?.message).toBe('重复的机关 id "same"（第 2 行已使用）');
  });

  it('needs a list URL or a report URL, and at least one agency', () => {
    expect(errorOf('agencies:\n  - { id: a, name: 甲, level: township, region: 河南省 }\n').issues[0]).toMatchObject({
      line: 2,
      message: '至少需要一个 listUrls（年报栏目地址）或 reportUrls',
    });
    expect(errorOf('agencies: []\n').issues[0]?.message).toBe('至少需要一个机关');
    expect(errorOf('contact: x\n').issues[0]?.message).toBe('缺少必填字段');
  });

  it('reports YAML syntax errors and duplicate keys with lines', () => {
    const duplicate = errorOf('agencies:\n  - id: a\n    id: b\n');
    expect(duplicate.issues[0]).toMatchObject({ line: 3, message: '重复的字段名' });
    const broken = errorOf('agencies:\n  - id: [unclosed\n');
    expect(broken.issues[0]?.message).toMatch(/YAML/);
    expect(broken.issues[0]?.line).toBeGreaterThanOrEqual(2);
    expect(errorOf('').issues[0]?.message).toBe('文件为空');
    expect(errorOf('- just\n- a list\n').issues[0]?.message).toMatch(/顶层应为映射/);
  });

  it('rejects ids that would be unsafe in store keys and bad allowHosts entries', () => {
    const error = errorOf(`
allowHosts: ["not a host!"]
agencies:
  - { id: ../etc, name: 甲, level: township, region: 河南省, listUrls: http://a.example/ }
`);
    expect(error.issues.map((issue) => issue.path)).toEqual(['allowHosts[0]', 'agencies[0]（../etc）.id']);
  });

  it('loads the committed example registry', async () => {
    const text = await readFile(new URL('../../registry.example.yaml', import.meta.url), 'utf8');
    const registry = loadRegistry(text, 'registry.example.yaml');
    expect(registry.agencies.length).toBeGreaterThanOrEqual(4);
    expect(registry.agencies.every((agency) => agency.region.slice(0, 3).join('/') === '河南省/三门峡市/卢氏县')).toBe(
      true,
    );
    expect(registry.agencies.find((agency) => agency.level === 'township')?.respectRobots).toBe(false);
  });
});

describe('hostile registry files', () => {
  it('refuses a "billion laughs" (nested aliases) in Chinese with the line of the first alias', () => {
    const lines = ['contact: 政务公开办', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      lines.push(
        `${name}: &${name} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    }
    lines.push('agencies: []');
    const error = errorOf(lines.join('\n'));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.line).toBe(3);
    expect(error.message).toMatch(/第 3 行：YAML 别名（\*引用）展开过多/);
    expect(error.message).not.toMatch(/Excessive|resource exhaustion/);
  });

  it('still accepts a few ordinary aliases', () => {
    const registry = loadRegistry(
      [
        'agencies:',
        '  - id: a',
        '    name: 卢氏县人民政府',
        '    level: county-government',
        '    region: &region [河南省, 三门峡市, 卢氏县]',
        '    listUrls: [http://www.lushi.gov.cn/]',
        '  - id: b',
        '    name: 卢氏县发展和改革委员会',
        '    level: county-department',
        '    region: *region',
        '    listUrls: [http://www.lushi.gov.cn/fgw/]',
      ].join('\n'),
    );
    expect(registry.agencies[1]?.region).toEqual(['河南省', '三门峡市', '卢氏县']);
  });

  it('refuses a registry over the size cap before parsing it', () => {
    const entry = '  - id: a\n    name: 某局\n    level: county-department\n    listUrls: [http://a.gov.cn/]\n';
    const text = `agencies:\n${entry.repeat(Math.ceil(MAX_REGISTRY_CHARS / entry.length) + 1)}`;
    const error = errorOf(text);
    expect(error.issues).toHaveLength(1);
    expect(error.message).toMatch(/文件过大（约 \d+\.\d MB，上限 8 MB）/);
  });
});

describe('registry setup traps', () => {
  it('refuses a recipient region that no agency has, naming the likely typo', () => {
    const error = errorOf(
      `${VALID}recipients:\n  - email: office@example.gov.cn\n    region: 河南省/三门峡市/卢世县\n`,
    );
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('recipients[0].region');
    expect(error.issues[0]?.message).toContain('“河南省/三门峡市/卢世县” 在名录的机关中不存在');
    expect(error.issues[0]?.message).toContain('是否应为 “河南省/三门峡市/卢氏县”');
    expect(error.issues[0]?.line).toBe(17);
    // The right name (and a prefix of it) is accepted.
    expect(
      loadRegistry(`${VALID}recipients:\n  - email: a@example.gov.cn\n    region: 河南省/三门峡市\n`).recipients,
    ).toHaveLength(1);
  });

  it('reads a registry saved in GBK (Notepad, Excel on Chinese Windows) and refuses bytes it cannot read', () => {
    const gbk = encodeGbk(VALID);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow();
    const registry = loadRegistry(decodeRegistryBytes(gbk, 'gbk.yaml'), 'gbk.yaml');
    expect(registry.agencies.map((a) => a.name)).toEqual(['卢氏县人民政府', '卢氏县教育局']);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(VALID)]);
    expect(loadRegistry(decodeRegistryBytes(bom)).agencies).toHaveLength(2);
    expect(() => decodeRegistryBytes(new Uint8Array([0x61, 0xff, 0xfe, 0x81]), 'broken.yaml')).toThrow(/另存为.*UTF-8/);
  });

  it('reads the agency contact and the per-agency notice switch (off by default)', () => {
    const registry = loadRegistry(
      VALID.replace(
        '    listUrls: [http://www.lushi.example.gov.cn/ndbg/]',
        '    listUrls: [http://www.lushi.example.gov.cn/ndbg/]\n    liaison: { name: 王芳, phone: 0398-7891234, email: gk@lushi.example.gov.cn }\n    notifyAgency: true',
      ),
    );
    expect(registry.agencies[0]?.liaison).toEqual({
      name: '王芳',
      phone: '0398-7891234',
      email: 'gk@lushi.example.gov.cn',
    });
    expect(registry.agencies[0]?.notifyAgency).toBe(true);
    expect(registry.agencies[1]?.notifyAgency).toBeUndefined();
    const error = errorOf(
      VALID.replace('    respectRobots: false', '    respectRobots: false\n    notifyAgency: true'),
    );
    expect(error.issues[0]?.message).toContain('liaison 中填写 email');
  });
});
