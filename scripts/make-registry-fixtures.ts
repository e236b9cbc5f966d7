/**
 * Makes the registry-import fixtures in test/fixtures/registry/: the office's list of 300 agencies as
 * an .xlsx laid out the way office lists are (a merged title row above the headers, URLs as hyperlink
 * cells, mobile numbers typed as numbers, a rich-text name, a formula note) and as a CSV in GBK, the way
 * Excel on Chinese Windows saves "CSV (逗号分隔)". Headers use common variants (*机关名称, 所属地区,
 * 年报栏目网址, 联系电话, 电子邮箱); level names are the office's own (县政府, 区直部门, 街道, 乡镇 …).
 * LibreOffice Calc is not installed here, so exceljs writes the workbook. Re-run after changing the data:
 *
 *     npx tsx scripts/make-registry-fixtures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { encodeGbk } from '../shared/demo/seed-html.ts';

const OUT = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'registry');
const PROVINCE = '河南省';
const CITIES: Record<string, string[]> = {
  三门峡市: ['卢氏县', '渑池县', '陕州区', '义马市', '灵宝市', '湖滨区'],
  洛阳市: ['栾川县', '嵩县', '汝阳县', '宜阳县', '洛宁县', '伊川县', '偃师区', '孟津区', '西工区', '老城区'],
  南阳市: ['西峡县', '内乡县', '淅川县', '镇平县', '方城县', '南召县', '卧龙区', '宛城区', '社旗县', '唐河县'],
};
const DEPARTMENTS = [
  '发展和改革委员会',
  '教育局',
  '财政局',
  '自然资源局',
  '生态环境局',
  '交通运输局',
  '卫生健康委员会',
  '市场监督管理局',
  '人力资源和社会保障局',
];
const TOWNS = ['城关镇', '东明镇', '官道口镇', '朱阳关镇', '横涧乡'];
const EXTRA_CITY = { 信阳市: ['浉河区', '平桥区', '罗山县', '光山县', '新县', '商城县'] };
const STREETS = ['东城街道', '西城街道', '南关街道', '北关街道'];
export const HEADERS = ['*机关名称', '层级', '所属地区', '年报栏目网址', '联系人', '联系电话', '电子邮箱', '备注'];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';

type Row = [string, string, string, string, string, string, string, string];

function rows(): Row[] {
  const out: Row[] = [];
  const add = (name: string, level: string, region: string, note = '') => {
    const n = out.length + 1;
    const host = `www${String(n).padStart(3, '0')}.example.gov.cn`;
    const url = n % 7 ? `http://${host}/zfxxgk/ndbg/` : `${host}/zfxxgk/ndbg/`; // some lack the scheme
    const phone = n % 4 ? `0398-${6_000_000 + n * 37}` : String(13_800_000_000 + n);
    const person = `${SURNAMES[n % SURNAMES.length]}${n % 2 ? '主任' : '科长'}`;
    const email = n % 3 ? `gkb${String(n).padStart(3, '0')}@example.gov.cn` : '';
    out.push([name, level, region, url, person, phone, email, note]);
  };
  add('河南省人民政府', '省政府', PROVINCE);
  for (const dept of ['发展和改革委员会', '教育厅', '财政厅', '生态环境厅', '交通运输厅']) {
    add(`河南省${dept}`, '省直部门', PROVINCE);
  }
  for (const [city, counties] of Object.entries({ ...CITIES, ...EXTRA_CITY })) {
    add(`${city}人民政府`, '市人民政府', `${PROVINCE}/${city}`);
    for (const dept of DEPARTMENTS.slice(0, 5)) add(`${city}${dept}`, '市级部门', `${PROVINCE}/${city}`);
    counties.forEach((county, i) => {
      const region = `${PROVINCE}/${city}/${county}`;
      const district = county.endsWith('区');
      add(`${county}人民政府`, district ? '区政府' : county.endsWith('市') ? '县级市政府' : '县政府', region);
      for (const dept of DEPARTMENTS.slice(0, 5 + (i % 3)))
        add(`${county}${dept}`, district ? '区直部门' : '县直部门', region);
      if (district) {
        for (const street of STREETS.slice(0, 1 + (i % 2)))
          add(`${county}${street}办事处`, '街道', region, '按乡镇（街道）期限');
      } else {
        for (const town of TOWNS.slice(0, 1 + (i % 2))) add(`${county}${town}人民政府`, '乡镇', region);
      }
    });
  }
  return out;
}

function csvLine(cells: string[]): string {
  return cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',');
}

async function main(): Promise<void> {
  const data = rows().slice(0, 300);
  if (data.length !== 300) throw new Error(`expected 300 agencies, made ${data.length}`);
  mkdirSync(OUT, { recursive: true });
  const csv = `${[HEADERS, ...data].map(csvLine).join('\r\n')}\r\n`;
  writeFileSync(path.join(OUT, 'agencies-300-gbk.csv'), encodeGbk(csv, { unencodable: 'throw' }));

  const workbook = new ExcelJS.Workbook();
  workbook.creator = '政务公开办';
  const sheet = workbook.addWorksheet('名录');
  sheet.addRow(['河南省政府信息公开工作年度报告监测名录（2025年）']);
  sheet.mergeCells(1, 1, 1, HEADERS.length);
  sheet.addRow(HEADERS);
  data.forEach((row, index) => {
    const [name, level, region, url, person, phone, email, note] = row;
    const added = sheet.addRow([name, level, region, null, person, null, email || null, note || null]);
    added.getCell(4).value = /^http/.test(url) ? { text: url, hyperlink: url } : url;
    added.getCell(6).value = /^1\d{10}$/.test(phone) ? Number(phone) : phone;
    if (index === 2)
      added.getCell(1).value = {
        richText: [{ text: name.slice(0, 3), font: { bold: true } }, { text: name.slice(3) }],
      };
    if (index === 3) added.getCell(8).value = { formula: '"省直"&"部门"', result: '省直部门' };
  });
  writeFileSync(
    path.join(OUT, 'agencies-300.xlsx'),
    new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer),
  );
  console.log(`wrote ${data.length} agencies to ${OUT}`);
}

await main();
