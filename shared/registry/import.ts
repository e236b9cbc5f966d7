/**
 * The office's agency list (Excel or CSV, Chinese headers) to registry agencies, and back. Headers and
 * level names are matched leniently (机关名称/单位名称, 县政府/县级人民政府/区政府, 街道/乡镇 …); ids come
 * from the name's pinyin (pinyin-pro) and are kept across re-imports by reusing the ids of an existing
 * registry for the same name. Every bad row is reported with the row number the spreadsheet shows.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { pinyin } from 'pinyin-pro';
import { parseDocument } from 'yaml';
import { AGENCY_LEVELS, type Agency, type AgencyLevel } from './agency.ts';
import type { TableRow } from './table.ts';

/** A registry field the sheet can fill. */
export type ImportField =
  | 'id'
  | 'name'
  | 'level'
  | 'region'
  | 'province'
  | 'city'
  | 'county'
  | 'listUrls'
  | 'liaisonName'
  | 'liaisonPhone'
  | 'liaisonEmail'
  | 'note';

/** Accepted headers per field (compared after normalizeHeader). The first is what export writes. */
export const HEADER_ALIASES: Record<ImportField, readonly string[]> = {
  name: ['机关名称', '单位名称', '机关', '单位', '名称', '部门名称', '机构名称', '政府机关名称', '公开主体', 'name'],
  level: ['层级', '级别', '机关层级', '行政级别', '机关级别', '单位级别', '类别', '类型', 'level'],
  region: ['地区', '所属地区', '行政区划', '区域', '所在地区', '所属区域', '地域', 'region'],
  province: ['省', '省份', '所属省份'],
  city: ['市', '地市', '所属市', '设区市'],
  county: ['县', '区县', '县区', '县（市、区）', '县市区', '所属县区'],
  listUrls: [
    '年报栏目地址',
    '年报栏目',
    '年报地址',
    '年报栏目网址',
    '年度报告栏目',
    '年度报告栏目地址',
    '政府信息公开年报栏目',
    '栏目地址',
    '栏目网址',
    '网址',
    '网站地址',
    '链接',
    'listurls',
    'url',
  ],
  liaisonName: ['联系人', '联络人', '负责人', '联系人姓名'],
  liaisonPhone: ['电话', '联系电话', '联系方式', '手机', '手机号码', '办公电话'],
  liaisonEmail: ['邮箱', '电子邮箱', '电子邮件', '邮件', 'email', 'e-mail', '联系邮箱'],
  note: ['备注', '说明', '附注', 'note'],
  id: ['编号', '机关编号', '代码', '机关代码', 'id'],
};

/** Header text compared without spaces, asterisks (required marks), colons or case, full-width brackets as ASCII. */
export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .replace(/[\s*＊:：]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/\((必填|选填|可选)\)$/, '')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .toLowerCase();
}

const HEADER_LOOKUP = new Map<string, ImportField>();
for (const [field, aliases] of Object.entries(HEADER_ALIASES) as [ImportField, readonly string[]][]) {
  for (const alias of aliases) HEADER_LOOKUP.set(normalizeHeader(alias), field);
}

/** The Chinese level names export writes (and import reads back). */
export const LEVEL_IMPORT_NAMES: Record<AgencyLevel, string> = {
  'province-government': '省政府',
  'city-government': '市政府',
  'county-government': '县政府',
  'province-department': '省级部门',
  'city-department': '市级部门',
  'county-department': '县级部门',
  township: '乡镇（街道）',
};

/**
 * A level from its Chinese name: 省政府/省人民政府/省级政府, 市政府/设区的市政府, 县政府/区政府/县级市政府,
 * 省级部门/省直部门/省直单位, 市级部门/市直部门, 县级部门/区直部门, 乡镇/乡/镇/街道/街道办事处 (街道 is the
 * township level: same deadline and the same rules). The English ids are accepted too. Null when unknown.
 */
export function levelFromName(text: string): AgencyLevel | null {
  const compact = text
    .replace(/\s+/g, '')
    .replace(/[（(].*?[)）]/g, (group) => (/乡|镇|街道/.test(group) ? group : ''));
  if ((AGENCY_LEVELS as readonly string[]).includes(compact)) return compact as AgencyLevel;
  if (compact === '') return null;
  if (/乡|镇|街道|苏木|办事处/.test(compact)) return 'township';
  let tier: 'province' | 'city' | 'county' | null = null;
  if (/^(省|自治区|直辖市)/.test(compact)) tier = 'province';
  else if (/^(县|区|旗|县级市|县市区)/.test(compact)) tier = 'county';
  else if (/^(市|地市|设区的?市|州|自治州|盟|地区)/.test(compact)) tier = 'city';
  if (!tier) return null;
  const rest = compact.replace(/^(省|自治区|直辖市|县级市|县市区|县|区|旗|地市|设区的?市|市|自治州|州|盟|地区)/, '');
  if (/部门|直|单位|厅|局|委|办|机构/.test(rest)) return `${tier}-department` as AgencyLevel;
  if (/政府/.test(rest)) return `${tier}-government` as AgencyLevel;
  return null;
}

/** A region path from one cell: "河南省/三门峡市/卢氏县", "河南省 三门峡市", or "河南省三门峡市卢氏县". */
export function regionFromText(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (/[/／\\>＞|｜,，、\s-]/.test(trimmed)) {
    return trimmed
      .split(/[/／\\>＞|｜,，、\s-]+/)
      .map((part) => part.trim())
      .filter(Boolean);
  }
  const parts = trimmed.match(/.+?(?:特别行政区|自治区|自治州|自治县|地区|省|市|州|盟|县|区|旗)/g) ?? [];
  return parts.join('') === trimmed && parts.length > 1 ? parts : [trimmed];
}

/** List URLs from one cell: several may be separated by spaces, newlines, ；or 、. Scheme-less ones get http://. */
export function urlsFromText(text: string): { urls: string[]; invalid: string[]; schemeAdded: number } {
  const urls: string[] = [];
  const invalid: string[] = [];
  let schemeAdded = 0;
  for (const raw of text.split(/[\s;；,，、]+/).filter(Boolean)) {
    const bare = !/^https?:\/\//i.test(raw) && /^[a-z0-9-]+(\.[a-z0-9-]+)+(?::\d+)?(\/|$)/i.test(raw);
    if (bare) schemeAdded++;
    const candidate = bare ? `http://${raw}` : raw;
    try {
      const url = new URL(candidate);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) urls.push(url.href);
      else invalid.push(raw);
    } catch {
      invalid.push(raw);
    }
  }
  return { urls, invalid, schemeAdded };
}

const MAX_ID_LENGTH = 64;

/**
 * An ASCII id from a Chinese name: its pinyin syllables joined by '-', lower case
 * ("卢氏县发展和改革委员会" → "lu-shi-xian-fa-zhan-he-gai-ge-wei-yuan-hui"); names longer than the id limit
 * keep their first syllables and a short hash of the whole name, so two long names never meet.
 */
export function pinyinId(name: string): string {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true })
    .flatMap((part) => part.toLowerCase().split(/[^a-z0-9]+/))
    .filter(Boolean);
  let id = syllables.join('-') || 'agency';
  if (id.length > MAX_ID_LENGTH) {
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 6);
    id = `${id.slice(0, MAX_ID_LENGTH - 7).replace(/-[^-]*$/, '')}-${hash}`;
  }
  return /^[a-z0-9]/.test(id) ? id : `a${id}`.slice(0, MAX_ID_LENGTH);
}

/** One problem with one row (or the header), in Chinese. */
export interface ImportIssue {
  /** Spreadsheet row number; null for the file as a whole. */
  line: number | null;
  message: string;
}

export interface ImportResult {
  agencies: Agency[];
  /** Rows that could not be imported (nothing is written while there are any, unless asked). */
  errors: ImportIssue[];
  /** Rows imported with a guess worth checking (a scheme added to a URL, …). */
  warnings: ImportIssue[];
  /** Which column each field was read from. */
  columns: Partial<Record<ImportField, string>>;
  /** Ids kept from the existing registry, and ids made new. */
  keptIds: number;
  newIds: number;
}

/** "第 12 行：…" */
export function formatImportIssue(issue: ImportIssue): string {
  return issue.line === null ? issue.message : `第 ${issue.line} 行：${issue.message}`;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Finds the header row: the first of the first ten rows with a name column. */
function findHeader(rows: TableRow[]): { index: number; fields: Map<number, ImportField>; headers: string[] } | null {
  for (let index = 0; index < Math.min(rows.length, 10); index++) {
    const row = rows[index] as TableRow;
    const fields = new Map<number, ImportField>();
    const taken = new Set<ImportField>();
    row.cells.forEach((cell, column) => {
      const field = HEADER_LOOKUP.get(normalizeHeader(cell));
      if (field && !taken.has(field)) {
        fields.set(column, field);
        taken.add(field);
      }
    });
    if (taken.has('name')) return { index, fields, headers: row.cells };
  }
  return null;
}

/**
 * Turns table rows into agencies. `existing` (the agencies of the registry being replaced) gives back
 * the ids of agencies it already has (same name and region, else same name) and the fields the sheet
 * does not carry (reportUrls, charset, deadline, …).
 */
export function importAgencies(rows: TableRow[], existing: readonly Agency[] = []): ImportResult {
  const result: ImportResult = { agencies: [], errors: [], warnings: [], columns: {}, keptIds: 0, newIds: 0 };
  const header = findHeader(rows);
  if (!header) {
    result.errors.push({
      line: null,
      message: `找不到表头：前 10 行中没有“机关名称”列（可用的列名：${HEADER_ALIASES.name.slice(0, 4).join('、')} 等）`,
    });
    return result;
  }
  for (const [column, field] of header.fields) result.columns[field] = header.headers[column];
  const hasRegion = ['region', 'province', 'city', 'county'].some((f) => result.columns[f as ImportField]);
  for (const [field, label] of [
    ['level', '层级'],
    ['listUrls', '年报栏目地址'],
  ] as const) {
    if (!result.columns[field]) {
      result.errors.push({ line: rows[header.index]?.line ?? 1, message: `表头缺少“${label}”列` });
    }
  }
  if (!hasRegion) result.errors.push({ line: rows[header.index]?.line ?? 1, message: '表头缺少“地区”列' });
  if (result.errors.length) return result;

  const byNameRegion = new Map(existing.map((agency) => [`${agency.name}|${agency.region.join('/')}`, agency]));
  const byName = new Map<string, Agency | null>();
  for (const agency of existing) byName.set(agency.name, byName.has(agency.name) ? null : agency);
  const usedIds = new Map<string, number>();
  const seenNames = new Map<string, number>();
  const pending: { line: number; agency: Agency; explicitId: boolean; kept: boolean }[] = [];

  for (const row of rows.slice(header.index + 1)) {
    const value = (field: ImportField) => {
      for (const [column, f] of header.fields) if (f === field) return (row.cells[column] ?? '').trim();
      return '';
    };
    if (row.cells.every((cell) => cell.trim() === '')) continue;
    const problems: string[] = [];
    const name = value('name').replace(/\s+/g, '');
    if (!name) problems.push('机关名称为空');
    const levelText = value('level');
    const level = levelFromName(levelText);
    if (!levelText) problems.push('层级为空');
    else if (!level) {
      problems.push(
        `层级“${levelText}”无法识别，应为 ${Object.values(LEVEL_IMPORT_NAMES).join('、')}、街道 之一（也可写 县级人民政府、区直部门 等）`,
      );
    }
    let region = regionFromText(value('region'));
    if (region.length === 0) region = [value('province'), value('city'), value('county')].filter(Boolean);
    if (region.length === 0) problems.push('地区为空（如 河南省/三门峡市/卢氏县）');
    const { urls, invalid, schemeAdded } = urlsFromText(value('listUrls'));
    if (invalid.length)
      problems.push(`年报栏目地址“${invalid.join(' ')}”不是有效的网址（应以 http:// 或 https:// 开头）`);
    const previous = byNameRegion.get(`${name}|${region.join('/')}`) ?? byName.get(name) ?? undefined;
    if (urls.length === 0 && !invalid.length && !Object.keys(previous?.reportUrls ?? {}).length) {
      problems.push('年报栏目地址为空');
    }
    const email = value('liaisonEmail');
    if (email && !EMAIL_PATTERN.test(email)) problems.push(`邮箱“${email}”格式不正确`);
    const explicit = value('id');
    if (explicit && !ID_PATTERN.test(explicit)) {
      problems.push(`编号“${explicit}”只能由字母、数字、- 和 _ 组成（以字母或数字开头，最长 64 个字符）`);
    }
    const key = `${name}|${region.join('/')}`;
    const duplicate = seenNames.get(key);
    if (name && duplicate !== undefined) problems.push(`与第 ${duplicate} 行重复（同一地区的同名机关）`);
    if (problems.length) {
      result.errors.push({ line: row.line, message: problems.join('；') });
      continue;
    }
    seenNames.set(key, row.line);
    if (schemeAdded > 0) {
      result.warnings.push({ line: row.line, message: '年报栏目地址缺少 http://，已自动补上，请核对' });
    }
    const agency: Agency = {
      ...(previous ?? {}),
      id: explicit || previous?.id || '',
      name,
      level: level as AgencyLevel,
      region,
      listUrls: urls.length ? urls : (previous?.listUrls ?? []),
    };
    const liaison = {
      ...(value('liaisonName') ? { name: value('liaisonName') } : {}),
      ...(value('liaisonPhone') ? { phone: value('liaisonPhone') } : {}),
      ...(email ? { email } : {}),
    };
    if (Object.keys(liaison).length) agency.liaison = liaison;
    else delete agency.liaison;
    const note = value('note');
    if (note) agency.note = note;
    else if (result.columns.note) delete agency.note;
    // respectRobots is filled in by loadRegistry from the registry's default: do not freeze it per agency.
    if (previous && previous.respectRobots === undefined) delete agency.respectRobots;
    pending.push({ line: row.line, agency, explicitId: Boolean(explicit), kept: Boolean(previous?.id && !explicit) });
  }

  // Ids: explicit and kept ones first (they must not move), then new ones from pinyin, de-duplicated.
  for (const item of pending) {
    if (!item.agency.id) continue;
    const before = usedIds.get(item.agency.id);
    if (before !== undefined) {
      result.errors.push({ line: item.line, message: `编号“${item.agency.id}”与第 ${before} 行重复` });
      continue;
    }
    usedIds.set(item.agency.id, item.line);
  }
  for (const item of pending) {
    if (item.agency.id) continue;
    const base = pinyinId(item.agency.name);
    let id = base;
    for (let n = 2; usedIds.has(id); n++) id = `${base.slice(0, MAX_ID_LENGTH - String(n).length - 1)}-${n}`;
    item.agency.id = id;
    usedIds.set(id, item.line);
    result.newIds++;
  }
  for (const item of pending) if (item.kept) result.keptIds++;
  result.agencies = pending.map((item) => item.agency);
  result.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return result;
}

/** The export sheet's columns, in import order (import reads them back by these headers). */
export const EXPORT_HEADERS = [
  '机关名称',
  '层级',
  '地区',
  '年报栏目地址',
  '联系人',
  '电话',
  '邮箱',
  '备注',
  '编号',
] as const;

/** One agency as a row under EXPORT_HEADERS. */
export function agencyExportCells(agency: Agency): string[] {
  return [
    agency.name,
    LEVEL_IMPORT_NAMES[agency.level],
    agency.region.join('/'),
    agency.listUrls.join('\n'),
    agency.liaison?.name ?? '',
    agency.liaison?.phone ?? '',
    agency.liaison?.email ?? '',
    agency.note ?? '',
    agency.id,
  ];
}

/** An agency as a registry.yaml entry, fields in the order people read them. */
function agencyEntry(agency: Agency): Record<string, unknown> {
  const { id, name, level, region, listUrls, ...rest } = agency;
  const entry: Record<string, unknown> = { id, name, level, region: region.join('/'), listUrls };
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) entry[key] = value;
  return entry;
}

/**
 * registry.yaml text with `agencies` replaced. With `existingYaml`, every other setting (deadlines,
 * recipients, allowHosts, contact) and its comments are kept; without, a minimal registry.
 */
export function registryYaml(agencies: readonly Agency[], existingYaml?: string): string {
  const doc = existingYaml?.trim()
    ? parseDocument(existingYaml)
    : parseDocument('# 机关名录：由 nianbao registry import 从 Excel/CSV 生成\nagencies: []\n');
  doc.set('agencies', doc.createNode(agencies.map(agencyEntry)));
  return doc.toString({ lineWidth: 0 });
}

/** The registry as an .xlsx the import reads back (frozen header, filters, widths). */
export async function registryWorkbook(agencies: readonly Agency[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'nianbao-watch';
  const sheet = workbook.addWorksheet('机关名录', { views: [{ state: 'frozen', ySplit: 1 }] });
  const widths = [34, 12, 26, 50, 10, 16, 26, 30, 40];
  sheet.columns = EXPORT_HEADERS.map((header, i) => ({ header, width: widths[i] ?? 12 }));
  sheet.getRow(1).font = { bold: true };
  for (const agency of agencies) {
    const row = sheet.addRow(agencyExportCells(agency));
    row.getCell(4).alignment = { wrapText: true };
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: agencies.length + 1, column: EXPORT_HEADERS.length } };
  return new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}
