import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../shared/cli/registry.ts';
import { encodeGbk } from '../../shared/demo/seed-html.ts';
import {
  formatImportIssue,
  importAgencies,
  levelFromName,
  pinyinId,
  regionFromText,
  registryWorkbook,
  registryYaml,
} from '../../shared/registry/import.ts';
import { loadRegistry } from '../../shared/registry/load.ts';
import { decodeCsvBytes, parseCsv, readTable } from '../../shared/registry/table.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'registry');
const XLSX = path.join(FIXTURES, 'agencies-300.xlsx');
const GBK_CSV = path.join(FIXTURES, 'agencies-300-gbk.csv');

async function importFile(file: string, existing: Parameters<typeof importAgencies>[1] = []) {
  const table = await readTable(readFileSync(file), file);
  return { table, result: importAgencies(table.rows, existing) };
}

describe('level names', () => {
  it.each([
    ['省政府', 'province-government'],
    ['省人民政府', 'province-government'],
    ['市人民政府', 'city-government'],
    ['设区的市政府', 'city-government'],
    ['县政府', 'county-government'],
    ['区政府', 'county-government'],
    ['县级市政府', 'county-government'],
    ['县级人民政府', 'county-government'],
    ['省直部门', 'province-department'],
    ['省级部门', 'province-department'],
    ['市级部门', 'city-department'],
    ['市直单位', 'city-department'],
    ['县级部门', 'county-department'],
    ['区直部门', 'county-department'],
    ['乡镇', 'township'],
    ['乡镇（街道）', 'township'],
    ['街道', 'township'],
    ['街道办事处', 'township'],
    ['county-department', 'county-department'],
  ])('%s → %s', (name, level) => {
    expect(levelFromName(name)).toBe(level);
  });

  it('refuses what it cannot place', () => {
    for (const name of ['科级', '县级', '其他', '']) expect(levelFromName(name)).toBeNull();
  });
});

describe('cells', () => {
  it('splits regions written with or without separators', () => {
    expect(regionFromText('河南省/三门峡市/卢氏县')).toEqual(['河南省', '三门峡市', '卢氏县']);
    expect(regionFromText('河南省 三门峡市')).toEqual(['河南省', '三门峡市']);
    expect(regionFromText('河南省三门峡市卢氏县')).toEqual(['河南省', '三门峡市', '卢氏县']);
    expect(regionFromText('河南省')).toEqual(['河南省']);
  });

  it('makes ASCII ids from pinyin, bounded in length', () => {
    expect(pinyinId('卢氏县发展和改革委员会')).toBe('lu-shi-xian-fa-zhan-he-gai-ge-wei-yuan-hui');
    const long = pinyinId('河南省三门峡市卢氏县人力资源和社会保障局劳动保障监察大队第一中队');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^[a-z0-9][a-z0-9-]*-[0-9a-f]{6}$/);
  });

  it('reads GBK and UTF-8 CSV, quoted fields with commas and newlines', () => {
    const text = '机关名称,备注\r\n"甲,乙","第一行\n第二行"\r\n丙,"说""明"""\r\n';
    expect(decodeCsvBytes(encodeGbk(text)).encoding).toBe('gb18030');
    expect(decodeCsvBytes(new TextEncoder().encode(`\uFEFF${text}`)).text).toBe(text);
    expect(parseCsv(decodeCsvBytes(encodeGbk(text)).text).map((row) => row.cells)).toEqual([
      ['机关名称', '备注'],
      ['甲,乙', '第一行\n第二行'],
      ['丙', '说"明"'],
    ]);
  });
});

describe('import of the office list (300 agencies)', () => {
  it('reads the .xlsx (title row, hyperlinks, numbers, rich text) into a registry scan accepts', async () => {
    const { result } = await importFile(XLSX);
    expect(result.errors).toEqual([]);
    expect(result.agencies).toHaveLength(300);
    expect(result.columns).toMatchObject({ name: '*机关名称', region: '所属地区', listUrls: '年报栏目网址' });
    const registry = loadRegistry(registryYaml(result.agencies), 'registry.yaml');
    expect(registry.agencies).toHaveLength(300);
    expect(new Set(registry.agencies.map((a) => a.id)).size).toBe(300);
    const street = registry.agencies.find((a) => a.name.endsWith('街道办事处'));
    expect(street?.level).toBe('township');
    expect(street?.note).toBe('按乡镇（街道）期限');
    const lushi = registry.agencies.find((a) => a.name === '卢氏县人民政府');
    expect(lushi).toMatchObject({ level: 'county-government', region: ['河南省', '三门峡市', '卢氏县'] });
    expect(registry.agencies.find((a) => a.name === '义马市人民政府')?.level).toBe('county-government');
    expect(registry.agencies.find((a) => a.name === '陕州区教育局')?.level).toBe('county-department');
    // Row 3 of the data is rich text; mobile numbers were typed as numbers.
    expect(registry.agencies[2]?.name).toBe('河南省教育厅');
    expect(registry.agencies.some((a) => /^1\d{10}$/.test(a.liaison?.phone ?? ''))).toBe(true);
    expect(registry.agencies.every((a) => a.listUrls.every((url) => url.startsWith('http://')))).toBe(true);
    expect(result.warnings.length).toBeGreaterThan(0); // the scheme-less URLs
    expect(result.warnings[0]?.line).toBe(9); // title row 1, header row 2, so data row 7 is line 9
  });

  it('reads the GBK CSV into the same agencies with the same ids', async () => {
    const fromXlsx = (await importFile(XLSX)).result.agencies;
    const { table, result } = await importFile(GBK_CSV);
    expect(table.encoding).toBe('gb18030');
    expect(result.errors).toEqual([]);
    // The workbook's one formula cell (a note on 河南省财政厅) is the only difference.
    expect(result.agencies).toEqual(
      fromXlsx.map(({ note, ...agency }) => (note === '省直部门' ? agency : { ...agency, ...(note ? { note } : {}) })),
    );
  });

  it('keeps ids across re-imports: by name from the existing registry, whatever the row order', async () => {
    const first = (await importFile(XLSX)).result.agencies;
    const edited = first.map((agency) => (agency.name === '卢氏县人民政府' ? { ...agency, id: 'lushi-gov' } : agency));
    const existing = loadRegistry(registryYaml(edited)).agencies;
    const table = await readTable(readFileSync(GBK_CSV), GBK_CSV);
    const [header, ...data] = table.rows;
    const shuffled = [header, ...data.reverse()].filter((row) => row !== undefined);
    const again = importAgencies(shuffled, existing);
    expect(again.errors).toEqual([]);
    expect(again.keptIds).toBe(300);
    expect(again.newIds).toBe(0);
    const ids = new Map(again.agencies.map((a) => [a.name, a.id]));
    expect(ids.get('卢氏县人民政府')).toBe('lushi-gov');
    for (const agency of edited) expect(ids.get(agency.name)).toBe(agency.id);
  });

  it('exports to .xlsx and reads back the same agencies', async () => {
    const agencies = loadRegistry(registryYaml((await importFile(XLSX)).result.agencies)).agencies;
    const bytes = await registryWorkbook(agencies);
    const back = importAgencies((await readTable(bytes, 'out.xlsx')).rows, agencies);
    expect(back.errors).toEqual([]);
    expect(loadRegistry(registryYaml(back.agencies)).agencies).toEqual(agencies);
  });
});

describe('bad rows', () => {
  const csv = [
    '机关名称,层级,地区,年报栏目地址,联系人,电话,邮箱,备注',
    '卢氏县人民政府,县政府,河南省/三门峡市/卢氏县,http://www.lushi.gov.cn/nb/,,,,',
    ',县直部门,河南省/三门峡市/卢氏县,http://a.example.gov.cn/,,,,',
    '卢氏县教育局,科级,河南省/三门峡市/卢氏县,http://b.example.gov.cn/,,,,',
    '卢氏县财政局,县直部门,河南省/三门峡市/卢氏县,ftp://c.example.gov.cn/,,,,',
    '卢氏县民政局,县直部门,,http://d.example.gov.cn/,王主任,0398-1234567,wang@,',
    '',
    '卢氏县人民政府,县政府,河南省/三门峡市/卢氏县,http://www.lushi.gov.cn/nb2/,,,,',
    '卢氏县审计局,县直部门,河南省/三门峡市/卢氏县,,,,,',
  ].join('\r\n');

  it('names each bad row by its spreadsheet row number, in Chinese', () => {
    const result = importAgencies(parseCsv(csv));
    expect(result.agencies.map((a) => a.name)).toEqual(['卢氏县人民政府']);
    const messages = result.errors.map(formatImportIssue);
    expect(messages).toHaveLength(6);
    expect(messages[0]).toBe('第 3 行：机关名称为空');
    expect(messages[1]).toMatch(/^第 4 行：层级“科级”无法识别，应为 省政府、市政府/);
    expect(messages[2]).toMatch(/^第 5 行：年报栏目地址“ftp:\/\/c\.example\.gov\.cn\/”不是有效的网址/);
    expect(messages[3]).toMatch(/^第 6 行：地区为空.*；邮箱“wang@”格式不正确$/);
    expect(messages[4]).toBe('第 8 行：与第 2 行重复（同一地区的同名机关）');
    expect(messages[5]).toBe('第 9 行：年报栏目地址为空');
  });

  it('says which header is missing', () => {
    const result = importAgencies(parseCsv('单位名称,地区\r\n甲,河南省\r\n'));
    expect(result.errors.map(formatImportIssue)).toEqual([
      '第 1 行：表头缺少“层级”列',
      '第 1 行：表头缺少“年报栏目地址”列',
    ]);
  });
});

describe('nianbao registry import / export', () => {
  let dir: string;
  let errors: string[];
  let logs: string[];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'registry-import-'));
    errors = [];
    logs = [];
    vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args.join(' ')));
    vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(args.join(' ')));
  });
  afterEach(() => vi.restoreAllMocks());

  it('writes registry.yaml, keeps other settings and ids on re-import, and exports back', async () => {
    const out = path.join(dir, 'registry.yaml');
    writeFileSync(
      out,
      '# 我们的名录\ncontact: gkb@example.gov.cn\nrecipients:\n  - email: gkb@example.gov.cn\nagencies:\n  - id: lushi-gov\n    name: 卢氏县人民政府\n    level: county-government\n    region: 河南省/三门峡市/卢氏县\n    listUrls: http://old.example.gov.cn/\n    charset: gbk\n',
    );
    expect(await run(['import', GBK_CSV, '--out', out])).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('# 我们的名录')).toBe(true);
    const registry = loadRegistry(text);
    expect(registry.contact).toBe('gkb@example.gov.cn');
    expect(registry.recipients).toHaveLength(1);
    expect(registry.agencies).toHaveLength(300);
    expect(registry.agencies.find((a) => a.id === 'lushi-gov')).toMatchObject({
      name: '卢氏县人民政府',
      charset: 'gbk',
    });
    expect(logs.join('\n')).toMatch(/导入 300 个机关.*沿用编号 1 个，新建编号 299 个/);
    expect(errors.join('\n')).toMatch(/年报栏目地址缺少 http:\/\/.*第 8、15、.*（共 42 行）/);

    const xlsx = path.join(dir, 'out.xlsx');
    expect(await run(['export', '--xlsx', xlsx, '--registry', out])).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.rowCount).toBe(301);
    expect((sheet.getRow(1).values as unknown[]).slice(1, 5)).toEqual(['机关名称', '层级', '地区', '年报栏目地址']);
  });

  it('writes nothing when rows are bad, unless asked to skip them', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(
      file,
      encodeGbk(
        '机关名称,层级,地区,年报栏目地址\r\n甲县人民政府,县政府,河南省/甲县,http://a.example.gov.cn/\r\n乙局,科级,河南省/甲县,http://b.example.gov.cn/\r\n',
      ),
    );
    const out = path.join(dir, 'registry.yaml');
    expect(await run(['import', file, '--out', out])).toBe(1);
    expect(errors.join('\n')).toContain('第 3 行：层级“科级”无法识别');
    expect(() => readFileSync(out)).toThrow();
    expect(await run(['import', file, '--out', out, '--skip-bad-rows'])).toBe(0);
    expect(loadRegistry(readFileSync(out, 'utf8')).agencies.map((a) => a.name)).toEqual(['甲县人民政府']);
  });
});
