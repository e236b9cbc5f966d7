/**
 * Loads and validates registry.yaml. Every problem is reported at once, each with the line it sits
 * on, in Chinese (the people who edit the registry read Chinese).
 */
import ipaddr from 'ipaddr.js';
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { z } from 'zod';
import { closest } from '../text/closest.ts';

import {
  AGENCY_LEVELS,
  type Agency,
  type AgencyLevel,
  LEGAL_DEADLINES,
  type Recipient,
  type Registry,
} from './agency.ts';

export { AGENCY_LEVELS };

/**
 * Statutory deadlines ('MM-DD' of the year after the report year); the table lives with the deadline
 * rules in shared/compliance/deadline.ts.
 */
export const DEFAULT_DEADLINES = LEGAL_DEADLINES;

export interface RegistryIssue {
  /** 1-based line and column in the file, when the problem can be placed. */
  line: number | null;
  column: number | null;
  /** Where in the document, e.g. "agencies[3].listUrls[0]" ('' for the whole file). */
  path: string;
  message: string;
}

/** Thrown by loadRegistry with every problem found; `message` lists them one per line. */
export class RegistryError extends Error {
  readonly fileName: string;
  readonly issues: RegistryIssue[];
  constructor(fileName: string, issues: RegistryIssue[]) {
    super(
      [
        `名录文件 ${fileName} 有 ${issues.length} 处错误：`,
        ...issues.map((issue) => formatIssue(fileName, issue)),
      ].join('\n'),
    );
    this.name = 'RegistryError';
    this.fileName = fileName;
    this.issues = issues;
  }
}

/** "registry.yaml 第 12 行：agencies[3].listUrls[0] 不是合法的 http/https 地址" */
export function formatIssue(fileName: string, issue: RegistryIssue): string {
  const where = issue.line === null ? fileName : `${fileName} 第 ${issue.line} 行`;
  return `${where}：${issue.path ? `${issue.path} ` : ''}${issue.message}`;
}

const KNOWN_AGENCY_KEYS = [
  'id',
  'name',
  'level',
  'region',
  'listUrls',
  'reportUrls',
  'charset',
  'deadline',
  'respectRobots',
  'timeoutMs',
  'note',
  'liaison',
  'notifyAgency',
];
const KNOWN_TOP_KEYS = ['contact', 'deadlines', 'respectRobots', 'allowHosts', 'recipients', 'agencies'];

function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isValidDeadline(value: string): boolean {
  const match = /^(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const month = Number(match[1]);
  const day = Number(match[2]);
  // 2023 is not a leap year, so 02-29 is refused: it would not exist most years.
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(2023, month, 0)).getUTCDate();
}

function isKnownCharset(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

function isHostOrCidr(value: string): boolean {
  if (ipaddr.isValid(value) || ipaddr.isValidCIDR(value)) return true;
  return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value);
}

const httpUrl = z.string().trim().refine(isHttpUrl, { error: '不是合法的 http/https 地址' });
const deadline = z.string().trim().refine(isValidDeadline, { error: '不是合法的截止日期（格式 MM-DD，如 01-31）' });
/** A region path: "河南省/三门峡市/卢氏县" or a list of names. */
const regionPath = z.union([z.string(), z.array(z.string())]).transform((value, ctx) => {
  const parts = (Array.isArray(value) ? value : value.split('/')).map((part) => part.trim());
  if (parts.some((part) => part === '') && parts.some((part) => part !== '')) {
    ctx.addIssue({ code: 'custom', message: '地区路径不能含空的层级（如 "河南省//卢氏县"）', input: value });
  }
  return parts.filter((part) => part !== '');
});

const agencySchema = z.strictObject({
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, {
      error: '只能由字母、数字、- 和 _ 组成（以字母或数字开头，最长 64 个字符）',
    }),
  name: z.string().trim().min(1, { error: '不能为空' }),
  level: z.enum(AGENCY_LEVELS),
  region: regionPath.refine((parts) => parts.length > 0, { error: '不能为空（如 河南省/三门峡市/卢氏县）' }),
  listUrls: z
    .union([httpUrl, z.array(httpUrl)])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .default([]),
  reportUrls: z.record(z.string().regex(/^\d{4}$/, { error: '年份应为四位数字' }), httpUrl).optional(),
  charset: z
    .string()
    .trim()
    .refine(isKnownCharset, { error: '不是可识别的字符集（如 utf-8、gbk、gb18030）' })
    .optional(),
  deadline: deadline.optional(),
  respectRobots: z.boolean().optional(),
  timeoutMs: z
    .number()
    .int()
    .min(1000, { error: '至少 1000 毫秒' })
    .max(300_000, { error: '至多 300000 毫秒' })
    .optional(),
  note: z.string().optional(),
  /** 联系人 / 电话 / 邮箱 of the agency's disclosure office. */
  liaison: z
    .strictObject({
      name: z.string().trim().min(1).max(100).optional(),
      // Coerced: an unquoted 13800138000 in YAML is a number.
      phone: z.coerce.string().trim().min(1).max(100).optional(),
      email: z.email({ error: '不是合法的电子邮件地址' }).optional(),
    })
    .optional(),
  notifyAgency: z.boolean().optional(),
});

const recipientSchema = z.strictObject({
  email: z.email({ error: '不是合法的电子邮件地址' }),
  region: regionPath.default([]),
});

const registrySchema = z.strictObject({
  contact: z.string().trim().min(1).optional(),
  deadlines: z.partialRecord(z.enum(AGENCY_LEVELS), deadline).default({}),
  respectRobots: z.boolean().default(true),
  allowHosts: z
    .array(z.string().trim().refine(isHostOrCidr, { error: '不是合法的主机名、IP 地址或 CIDR' }))
    .default([]),
  recipients: z.array(recipientSchema).default([]),
  agencies: z.array(agencySchema).min(1, { error: '至少需要一个机关' }),
});

type Path = (string | number)[];

/** Largest registry text accepted: thousands of agencies fit in well under 1 MB. */
export const MAX_REGISTRY_CHARS = 8 * 1024 * 1024;
/** How often aliases may be expanded (yaml's maxAliasCount); a registry hardly needs any. */
export const MAX_ALIAS_COUNT = 100;

/** For the chunked loader (stream.ts), which validates a large registry a slice at a time. */
export interface LoadOptions {
  /** Skip the check that each recipient's region exists (the caller checks it against every agency). */
  skipRecipientRegions?: boolean;
}

/**
 * Parses and validates registry YAML text. Defaults: deadlines per level (DEFAULT_DEADLINES),
 * respectRobots true (filled into each agency), allowHosts [], recipients []. Throws RegistryError
 * listing every problem with its line number.
 */
export function loadRegistry(yamlText: string, fileName = 'registry.yaml', options: LoadOptions = {}): Registry {
  if (yamlText.length > MAX_REGISTRY_CHARS) {
    const mb = (yamlText.length / 1024 / 1024).toFixed(1);
    throw new RegistryError(fileName, [
      {
        line: null,
        column: null,
        path: '',
        message: `文件过大（约 ${mb} MB，上限 ${MAX_REGISTRY_CHARS / 1024 / 1024} MB）；名录每个机关只需几行，请检查是否误用了其他文件`,
      },
    ]);
  }
  // A full-width colon after a key (输入法 left in Chinese mode) is the likeliest typo: YAML reads
  // `name：卢氏县` as one string, and the errors that follow would not say why.
  const fullWidthColons = fullWidthColonLines(yamlText);
  if (fullWidthColons.length > 0) throw new RegistryError(fileName, fullWidthColons);
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { line: null, column: null };
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };

  if (doc.errors.length > 0) {
    throw new RegistryError(
      fileName,
      doc.errors.map((error) => ({
        ...at(error.pos[0]),
        path: '',
        message: translateYamlError(error.code, error.message),
      })),
    );
  }

  let raw: unknown;
  try {
    // yaml expands aliases while converting; the cap stops a "billion laughs" before it allocates.
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let first: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        first = node.range?.[0];
        return visit.BREAK;
      },
    });
    throw new RegistryError(fileName, [
      {
        ...at(first),
        path: '',
        message: `YAML 别名（*引用）展开过多（上限 ${MAX_ALIAS_COUNT} 次），疑似“十亿笑声”式攻击，拒绝加载；请把内容直接写出，不要层层引用`,
      },
    ]);
  }
  if (raw === null || raw === undefined) {
    throw new RegistryError(fileName, [{ line: null, column: null, path: '', message: '文件为空' }]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RegistryError(fileName, [
      { line: 1, column: 1, path: '', message: '顶层应为映射（contact、deadlines、agencies 等字段）' },
    ]);
  }

  /** Line of the node at `path`, or of its nearest ancestor that exists. */
  const locate = (path: Path, keyOf?: string): { line: number | null; column: number | null } => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
      if (!node) continue;
      if (keyOf !== undefined && depth === path.length && isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === keyOf);
        const keyNode = pair?.key as Node | undefined;
        if (keyNode?.range) return at(keyNode.range[0]);
      }
      if (node.range) return at(node.range[0]);
    }
    return { line: null, column: null };
  };

  const issues: (RegistryIssue & { order: number })[] = [];
  const add = (path: Path, message: string, keyOf?: string) => {
    const place = locate(path, keyOf);
    issues.push({
      ...place,
      path: formatPath(raw, keyOf === undefined ? path : [...path, keyOf]),
      message,
      order: issues.length,
    });
  };

  const parsed = registrySchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
      const value = valueAt(raw, path);
      switch (issue.code) {
        case 'unrecognized_keys':
          for (const key of issue.keys) {
            const known = path.length === 0 ? KNOWN_TOP_KEYS : path[0] === 'agencies' ? KNOWN_AGENCY_KEYS : [];
            const hint = closest(key, known);
            add(path, `是未知字段${hint ? `，是否应为 ${hint}？` : ''}`, key);
          }
          break;
        case 'invalid_type':
          add(
            path,
            value === undefined ? '缺少必填字段' : `应为${typeName(issue.expected)}，实际是${describeValue(value)}`,
          );
          break;
        case 'invalid_value':
          add(
            path,
            `取值 ${JSON.stringify(value)} 无效，应为以下之一：${issue.values.map((v) => String(v)).join('、')}`,
          );
          break;
        case 'invalid_key':
          add(path, `键 ${JSON.stringify(path.at(-1))} 无效：${issue.issues.map((sub) => sub.message).join('；')}`);
          break;
        case 'invalid_union': {
          // Our unions are "one value or a list of them": report the branch that matched the shape.
          const shaped = issue.errors.find(
            (branch) =>
              branch.length > 0 && !branch.some((sub) => sub.code === 'invalid_type' && sub.path.length === 0),
          );
          if (shaped) {
            for (const sub of shaped) {
              add([...path, ...sub.path.filter((p): p is string | number => typeof p !== 'symbol')], sub.message);
            }
          } else {
            add(path, `应为字符串或字符串列表，实际是${describeValue(value)}`);
          }
          break;
        }
        default:
          add(path, /^[\x20-\x7e]*$/.test(issue.message) ? `无效：${issue.message}` : issue.message);
      }
    }
    throw new RegistryError(fileName, sortIssues(issues));
  }

  const data = parsed.data;
  const seen = new Map<string, number>();
  data.agencies.forEach((agency, index) => {
    const previous = seen.get(agency.id);
    if (previous !== undefined) {
      const first = locate(['agencies', previous, 'id']).line;
      add(['agencies', index, 'id'], `重复的机关 id "${agency.id}"（第 ${first ?? '?'} 行已使用）`);
    } else {
      seen.set(agency.id, index);
    }
    if (agency.listUrls.length === 0 && Object.keys(agency.reportUrls ?? {}).length === 0) {
      add(['agencies', index], '至少需要一个 listUrls（年报栏目地址）或 reportUrls');
    }
    if (agency.notifyAgency && !agency.liaison?.email) {
      add(['agencies', index, 'notifyAgency'], '开启 notifyAgency 需要在 liaison 中填写 email（机关的收件邮箱）');
    }
  });
  // A recipient's region must be a region of the registry: a typo (卢世县) would silently get an
  // empty digest ("未发现问题 … 0 个机关") every week.
  data.recipients.forEach((recipient, index) => {
    if (recipient.region.length === 0 || options.skipRecipientRegions) return;
    const matches = data.agencies.some((agency) => recipient.region.every((part, i) => agency.region[i] === part));
    if (matches) return;
    const depth = recipient.region.length;
    const known = [
      ...new Set(data.agencies.filter((a) => a.region.length >= depth).map((a) => a.region.slice(0, depth).join('/'))),
    ];
    const wanted = recipient.region.join('/');
    const hint = closest(wanted, known);
    add(
      ['recipients', index, 'region'],
      `地区 “${wanted}” 在名录的机关中不存在${hint ? `，是否应为 “${hint}”？` : ''}（该收件人将收不到任何机关的情况）`,
    );
  });
  if (issues.length > 0) throw new RegistryError(fileName, sortIssues(issues));

  const deadlines: Record<AgencyLevel, string> = { ...DEFAULT_DEADLINES, ...data.deadlines };
  const agencies: Agency[] = data.agencies.map((agency) => {
    const result: Agency = {
      id: agency.id,
      name: agency.name,
      level: agency.level,
      region: agency.region,
      listUrls: agency.listUrls,
      respectRobots: agency.respectRobots ?? data.respectRobots,
    };
    if (agency.reportUrls) result.reportUrls = agency.reportUrls;
    if (agency.charset) result.charset = agency.charset;
    if (agency.deadline) result.deadline = agency.deadline;
    if (agency.timeoutMs !== undefined) result.timeoutMs = agency.timeoutMs;
    if (agency.note !== undefined) result.note = agency.note;
    if (agency.liaison && Object.keys(agency.liaison).length > 0) result.liaison = agency.liaison;
    if (agency.notifyAgency !== undefined) result.notifyAgency = agency.notifyAgency;
    return result;
  });
  const recipients: Recipient[] = data.recipients.map((r) => ({ email: r.email, region: r.region }));
  const registry: Registry = {
    deadlines,
    respectRobots: data.respectRobots,
    allowHosts: data.allowHosts,
    recipients,
    agencies,
  };
  if (data.contact) registry.contact = data.contact;
  return registry;
}

/**
 * Registry file bytes as text: UTF-8 (a BOM is dropped), else GB18030 — what Notepad and Excel save
 * on Chinese Windows ("ANSI"), a superset of GBK — when the bytes decode cleanly as such. Anything
 * else is refused with a message saying how to save the file, never read as mojibake.
 */
export function decodeRegistryBytes(bytes: Uint8Array, fileName = 'registry.yaml'): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // not UTF-8: try the Chinese Windows code page next
  }
  try {
    return new TextDecoder('gb18030', { fatal: true }).decode(body);
  } catch {
    throw new RegistryError(fileName, [
      {
        line: null,
        column: null,
        path: '',
        message: '文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法读取；请用记事本“另存为”并选择 UTF-8 编码',
      },
    ]);
  }
}

/** The deadline ('MM-DD' of the year after the report year) that applies to an agency. */
export function agencyDeadline(
  registry: Pick<Registry, 'deadlines'>,
  agency: Pick<Agency, 'level' | 'deadline'>,
): string {
  return agency.deadline ?? registry.deadlines[agency.level] ?? DEFAULT_DEADLINES[agency.level];
}

function sortIssues(issues: (RegistryIssue & { order: number })[]): RegistryIssue[] {
  return issues
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.order - b.order)
    .map(({ order: _order, ...issue }) => issue);
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/** agencies[3].listUrls[0], with the agency's id added when it has one: agencies[3]（lushi-gov）.listUrls[0] */
function formatPath(root: unknown, path: Path): string {
  let text = '';
  path.forEach((part, index) => {
    text += typeof part === 'number' ? `[${part}]` : `${text ? '.' : ''}${part}`;
    if (index === 1 && path[0] === 'agencies' && typeof part === 'number') {
      const id = valueAt(root, ['agencies', part, 'id']);
      if (typeof id === 'string' && id.trim()) text += `（${id.trim()}）`;
    }
  });
  return text;
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    string: '字符串',
    number: '数字',
    boolean: '布尔值（true/false）',
    array: '列表',
    object: '映射',
    record: '映射',
  };
  return names[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return '空值';
  if (Array.isArray(value)) return '列表';
  if (typeof value === 'object') return '映射';
  if (typeof value === 'string') return `字符串 ${JSON.stringify(value)}`;
  return `${typeName(typeof value)} ${String(value)}`;
}

/** Lines where an ASCII key is followed by a full-width colon（：）instead of ':' (at most 20). */
function fullWidthColonLines(yamlText: string): RegistryIssue[] {
  const issues: RegistryIssue[] = [];
  const lines = yamlText.split('\n');
  for (let index = 0; index < lines.length && issues.length < 20; index++) {
    const match = /^(\s*(?:-\s+)?)([A-Za-z_][\w-]*)\s*：/.exec(lines[index] as string);
    if (!match) continue;
    issues.push({
      line: index + 1,
      column: (match[1] as string).length + (match[2] as string).length + 1,
      path: '',
      message: `YAML 语法错误：字段名 ${match[2]} 后面是全角冒号“：”，应为半角冒号“:”加空格（多半是输入法处于中文状态）`,
    });
  }
  return issues;
}

function translateYamlError(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return '重复的字段名';
  const detail = message.split('\n')[0];
  if (code === 'TAB_AS_INDENT') return 'YAML 语法错误：不能用 Tab 缩进，请用空格';
  if (code === 'BAD_INDENT') return `YAML 语法错误：缩进不对（${detail}）`;
  return `YAML 语法错误（${detail}）`;
}
