/**
 * A seeded generator of CONSISTENT annual reports (every relation of the 2021 template holds), rendered as
 * template-faithful text (tab-separated, like PDF-extracted seeds) and as HTML with the template's real
 * rowspan/colspan table headers. Property tests, mutation tests, the benchmark and the demo use it.
 */
import { escapeHtml } from '../../shared/html/escape.ts';
import type { AgencyLevel } from '../../shared/registry/agency.ts';
import {
  type AnnualReport,
  APPLICANT_COLUMNS,
  APPLICATION_ROWS_2021,
  type ApplicantColumnId,
  type ApplicationTable,
  type Cell,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
  type ReviewColumnId,
  type ReviewGroupId,
  type ReviewTable,
  SECTION_IDS,
  SECTION_TITLES,
  type SectionId,
} from '../../shared/report/model.ts';

export type ApplicationRow2021 = (typeof APPLICATION_ROWS_2021)[number];

/** The numbers of one generated report; every template relation holds. */
export interface GeneratedValues {
  applications: Record<ApplicationRow2021, Record<ApplicantColumnId, number>>;
  reviews: Record<ReviewGroupId, Record<ReviewColumnId, number>>;
  active: {
    rules: { issued: number; repealed: number; inForce: number };
    normativeDocs: { issued: number; repealed: number; inForce: number };
    licensing: number;
    penalty: number;
    enforcement: number;
    /** 行政事业性收费, 万元, at most 4 decimals. */
    fees: number;
  };
}

export interface GeneratedReport {
  seed: number;
  agency: string;
  level: AgencyLevel;
  year: number;
  values: GeneratedValues;
  /** Template-faithful extracted-text form (tab-separated tables). */
  text: string;
  /** An HTML page with real <table> markup (rowspan/colspan headers as in the template). */
  html: string;
}

export interface GenerateOptions {
  /** Fix the agency (its level is inferred from the generator's list, else 'county-department'). */
  agency?: { name: string; level: AgencyLevel };
  /** Report year, 2021 or later (the 2021 template). Default: 2021–2025 from the seed. */
  year?: number;
  /** Upper bound of applications newly received per applicant column. Default: from the seed (0–200). */
  maxReceived?: number;
}

/** mulberry32: small, fast, good enough for test data; the same seed always gives the same report. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTIES = ['卢氏县', '渑池县', '隆德县', '西吉县', '陕州区', '泾源县', '义马县', '彭阳县'];
const CITIES = ['三门峡市', '固原市', '洛阳市', '南阳市'];
const PROVINCES = ['河南省', '宁夏回族自治区'];
const DEPARTMENTS = [
  '教育局',
  '财政局',
  '自然资源局',
  '卫生健康委员会',
  '市场监督管理局',
  '乡村振兴局',
  '住房和城乡建设局',
  '交通运输局',
  '国防动员办公室',
];
const TOWNSHIPS = ['山河乡', '城关镇', '官道口镇', '东明街道办事处', '杜家乡'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function int(random: () => number, max: number): number {
  return Math.floor(random() * (max + 1));
}

/** Mostly zeros, like real reports: a small agency receives no applications at all in most years. */
function sparse(random: () => number, max: number, zeroChance = 0.6): number {
  return random() < zeroChance ? 0 : int(random, max);
}

function randomAgency(random: () => number): { name: string; level: AgencyLevel } {
  const roll = random();
  if (roll < 0.15) return { name: `${pick(random, COUNTIES)}人民政府`, level: 'county-government' };
  if (roll < 0.55) return { name: `${pick(random, COUNTIES)}${pick(random, DEPARTMENTS)}`, level: 'county-department' };
  if (roll < 0.7) {
    const township = pick(random, TOWNSHIPS);
    const name = township.endsWith('办事处') ? township : `${township}人民政府`;
    return { name: `${pick(random, COUNTIES)}${name}`, level: 'township' };
  }
  if (roll < 0.85) return { name: `${pick(random, CITIES)}${pick(random, DEPARTMENTS)}`, level: 'city-department' };
  if (roll < 0.95) return { name: `${pick(random, CITIES)}人民政府`, level: 'city-government' };
  return { name: `${pick(random, PROVINCES)}财政厅`, level: 'province-department' };
}

const FEE_SCALE_WAN: Record<AgencyLevel, number> = {
  township: 50,
  'county-department': 3_000,
  'county-government': 50_000,
  'city-department': 20_000,
  'city-government': 300_000,
  'province-department': 500_000,
  'province-government': 2_000_000,
};

const OUTCOME_ROWS = APPLICATION_ROWS_2021.filter(
  (row) => row !== 'received' && row !== 'carriedIn' && row !== 'outcomeTotal' && row !== 'carriedOver',
);

/** Random numbers for which every relation of tables 三 and 四 holds. */
export function generateValues(random: () => number, level: AgencyLevel, maxReceived?: number): GeneratedValues {
  const allZero = random() < 0.2;
  const scale = maxReceived ?? pick(random, [3, 10, 40, 200]);
  const applications = Object.fromEntries(
    APPLICATION_ROWS_2021.map((row) => [row, Object.fromEntries(APPLICANT_COLUMNS.map((column) => [column, 0]))]),
  ) as GeneratedValues['applications'];
  // Outcome weights shared by all columns of this report, most mass on 予以公开 and 无法提供 1.
  const weights = OUTCOME_ROWS.map((row) =>
    row === 'granted' ? 5 : row === 'unavailable.1' ? 3 : row === 'partlyGranted' ? 2 : random() < 0.7 ? 0 : random(),
  );
  const weightSum = weights.reduce((a, b) => a + b, 0);
  for (const column of APPLICANT_COLUMNS) {
    if (column === 'total' || allZero) continue;
    const natural = column === 'natural';
    const received = sparse(random, natural ? scale : Math.ceil(scale / 5), natural ? 0.2 : 0.6);
    const carriedIn = sparse(random, 3, 0.8);
    const carriedOver = Math.min(received + carriedIn, sparse(random, 3, 0.7));
    const handled = received + carriedIn - carriedOver;
    applications.received[column] = received;
    applications.carriedIn[column] = carriedIn;
    applications.carriedOver[column] = carriedOver;
    applications.outcomeTotal[column] = handled;
    let left = handled;
    OUTCOME_ROWS.forEach((row, index) => {
      const share = Math.min(left, Math.floor((handled * (weights[index] ?? 0) * (0.5 + random())) / weightSum));
      applications[row][column] = share;
      left -= share;
    });
    applications.granted[column] += left;
  }
  for (const row of APPLICATION_ROWS_2021) {
    const cells = applications[row];
    cells.total = APPLICANT_COLUMNS.filter((column) => column !== 'total').reduce(
      (sum, column) => sum + cells[column],
      0,
    );
  }
  const reviews = Object.fromEntries(
    REVIEW_GROUPS.map((group) => {
      const cells = Object.fromEntries(
        REVIEW_COLUMNS.map((column) => [column, column === 'total' ? 0 : allZero ? 0 : sparse(random, 4, 0.75)]),
      ) as Record<ReviewColumnId, number>;
      cells.total = cells.upheld + cells.corrected + cells.other + cells.pending;
      return [group, cells];
    }),
  ) as GeneratedValues['reviews'];
  // A 复议后起诉 block equal cell for cell to the 行政复议 block is a real warning (plausibility.copied-block),
  // and random small counts coincide about once in 2,000 reports: a consistent report must not look copied.
  const after = reviews.litigationAfterReview;
  if (REVIEW_COLUMNS.every((column) => after[column] === reviews.review[column]) && after.total > 0) {
    after.upheld += 1;
    after.total += 1;
  }
  const makesRules = level.startsWith('province') || level === 'city-government';
  const normativeIssued = sparse(random, 12);
  const fees = random() < 0.4 ? 0 : Math.round(random() * FEE_SCALE_WAN[level] * 10_000) / 10_000;
  return {
    applications,
    reviews,
    active: {
      rules: makesRules
        ? { issued: sparse(random, 5), repealed: sparse(random, 3), inForce: sparse(random, 80, 0.2) }
        : { issued: 0, repealed: 0, inForce: 0 },
      normativeDocs: {
        issued: normativeIssued,
        repealed: sparse(random, 6),
        inForce: normativeIssued + sparse(random, 60, 0.3),
      },
      licensing: sparse(random, level === 'township' ? 50 : 40_000, 0.4),
      penalty: sparse(random, level === 'township' ? 20 : 6_000, 0.4),
      enforcement: sparse(random, 30),
      fees,
    },
  };
}

/** Generates one consistent report from a seed (deterministic). */
export function generateReport(seed: number, options: GenerateOptions = {}): GeneratedReport {
  const random = seededRandom(seed);
  const agency = options.agency ?? randomAgency(random);
  const year = options.year ?? 2021 + int(random, 4);
  const values = generateValues(random, agency.level, options.maxReceived);
  const report = { seed, agency: agency.name, level: agency.level, year, values };
  return { ...report, text: renderText(report), html: renderHtml(report) };
}

// ---- Shared template wording -------------------------------------------------------------------

/** Row labels of table 三 as the template prints them: [group label, item label]. */
const APPLICATION_ROW_PRINT: Record<ApplicationRow2021, [string, string]> = {
  received: ['一、本年新收政府信息公开申请数量', ''],
  carriedIn: ['二、上年结转政府信息公开申请数量', ''],
  granted: ['（一）予以公开', ''],
  partlyGranted: ['（二）部分公开（区分处理的，只计这一情形，不计其他情形）', ''],
  'withheld.1': ['（三）不予公开', '1.属于国家秘密'],
  'withheld.2': ['（三）不予公开', '2.其他法律行政法规禁止公开'],
  'withheld.3': ['（三）不予公开', '3.危及“三安全一稳定”'],
  'withheld.4': ['（三）不予公开', '4.保护第三方合法权益'],
  'withheld.5': ['（三）不予公开', '5.属于三类内部事务信息'],
  'withheld.6': ['（三）不予公开', '6.属于四类过程性信息'],
  'withheld.7': ['（三）不予公开', '7.属于行政执法案卷'],
  'withheld.8': ['（三）不予公开', '8.属于行政查询事项'],
  'unavailable.1': ['（四）无法提供', '1.本机关不掌握相关政府信息'],
  'unavailable.2': ['（四）无法提供', '2.没有现成信息需要另行制作'],
  'unavailable.3': ['（四）无法提供', '3.补正后申请内容仍不明确'],
  'notProcessed.1': ['（五）不予处理', '1.信访举报投诉类申请'],
  'notProcessed.2': ['（五）不予处理', '2.重复申请'],
  'notProcessed.3': ['（五）不予处理', '3.要求提供公开出版物'],
  'notProcessed.4': ['（五）不予处理', '4.无正当理由大量反复申请'],
  'notProcessed.5': ['（五）不予处理', '5.要求行政机关确认或重新出具已获取信息'],
  'otherHandling.1': ['（六）其他处理', '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请'],
  'otherHandling.2': ['（六）其他处理', '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请'],
  'otherHandling.3': ['（六）其他处理', '3.其他'],
  outcomeTotal: ['（七）总计', ''],
  carriedOver: ['四、结转下年度继续办理', ''],
};

const REVIEW_LABELS = ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'];
const BALANCE_NOTE = '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）';

type ReportSpec = Pick<GeneratedReport, 'agency' | 'year' | 'values'>;

function sumRows(values: GeneratedValues, prefix: string): number {
  return APPLICATION_ROWS_2021.filter((row) => row.startsWith(prefix)).reduce(
    (sum, row) => sum + values.applications[row].total,
    0,
  );
}

function formatFee(fee: number): string {
  return Number.isInteger(fee) ? String(fee) : String(Math.round(fee * 10_000) / 10_000);
}

/** Narrative paragraphs of each section, with counts that agree with the tables. */
function narrative(spec: ReportSpec): Record<'一' | '五' | '六', string[]> {
  const { values, year, agency } = spec;
  const a = values.applications;
  const items = [3 + (year % 5), 1 + (year % 3), year % 7];
  const published = items.reduce((x, y) => x + y, 0);
  const review = values.reviews.review.total;
  const litigation = values.reviews.litigationDirect.total + values.reviews.litigationAfterReview.total;
  return {
    一: [
      `${year} 年，${agency}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，切实保障人民群众依法获取政府信息。`,
      `（一）主动公开：本年度在政府信息公开平台累计公开信息 ${published} 条，其中政策文件 ${items[0]} 条，工作动态 ${items[1]} 条，财政预决算 ${items[2]} 条。`,
      `（二）依申请公开：本年新收政府信息公开申请 ${a.received.total} 件，上年结转 ${a.carriedIn.total} 件，办理结果为：予以公开 ${a.granted.total} 件，部分公开 ${a.partlyGranted.total} 件，不予公开 ${sumRows(values, 'withheld')} 件，无法提供 ${sumRows(values, 'unavailable')} 件，不予处理 ${sumRows(values, 'notProcessed')} 件，其他处理 ${sumRows(values, 'otherHandling')} 件；结转下年度继续办理 ${a.carriedOver.total} 件。`,
      '（三）政府信息管理：严格执行信息发布“三审三校”制度，做到“上网信息不涉密，涉密信息不上网”。',
      '（四）政府信息公开平台建设：持续优化政府网站栏目，及时更新政务新媒体内容。',
      `（五）监督保障：将政务公开纳入年度目标考核。本年度发生政府信息公开行政复议 ${review} 件、行政诉讼 ${litigation} 件。`,
    ],
    五: [
      '存在问题：一是部分信息公开不够及时；二是政策解读形式较为单一。',
      '改进情况：一是加强信息发布审核，提高时效性；二是丰富图解、视频等解读形式。',
    ],
    六: [
      `1.本机关${year}年度未收取信息处理费。`,
      `2.本报告中所列数据的统计时限为${year}年1月1日起至${year}年12月31日止。`,
    ],
  };
}

// ---- Text ---------------------------------------------------------------------------------------

function textTable三(values: GeneratedValues): string[] {
  const lines = [
    `${BALANCE_NOTE}\t\t申请人情况\t\t\t\t\t\t总计\t`,
    '\t\t自然人\t法人或其他组织\t\t\t\t\t\t',
    '\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t',
  ];
  let previousGroup = '';
  for (const row of APPLICATION_ROWS_2021) {
    const numbers = APPLICANT_COLUMNS.map((column) => String(values.applications[row][column])).join('\t');
    const [group, item] = APPLICATION_ROW_PRINT[row];
    const plain = group.replace(/^（(.)）/, '($1) ');
    if (row === 'received' || row === 'carriedIn' || row === 'carriedOver') lines.push(`${group}\t\t${numbers}\t`);
    else if (row === 'granted') lines.push(`三、本年度办理结果\t${plain}\t${numbers}\t`);
    else if (row === 'partlyGranted') lines.push(`\t${plain}\t${numbers}\t`);
    else if (row === 'outcomeTotal') lines.push(`\t${plain}\t${numbers}\t`);
    else lines.push(`\t${group === previousGroup ? '' : plain}\t${item}\t${numbers}`);
    previousGroup = group;
  }
  return lines;
}

function textTable四(values: GeneratedValues): string[] {
  const labels = REVIEW_LABELS.map((label) => label.replace(/^(..)(..)$/, '$1 $2'));
  return [
    '行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t',
    `${labels.join('\t')}\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t`,
    `\t\t\t\t\t${labels.join('\t')}\t${labels.join('\t')}`,
    REVIEW_GROUPS.flatMap((group) => REVIEW_COLUMNS.map((column) => String(values.reviews[group][column]))).join('\t'),
  ];
}

function textTable二(values: GeneratedValues): string[] {
  const { active } = values;
  return [
    '第二十条第（一）项\t\t\t',
    '信息内容\t本年制发件数\t本年废止件数\t现行有效件数',
    `规章\t${active.rules.issued}\t${active.rules.repealed}\t${active.rules.inForce}`,
    `行政规范性文件\t${active.normativeDocs.issued}\t${active.normativeDocs.repealed}\t${active.normativeDocs.inForce}`,
    '第二十条第（五）项\t\t\t',
    '信息内容\t本年处理决定数量\t\t',
    `行政许可\t${active.licensing}\t\t`,
    '第二十条第（六）项\t\t\t',
    '信息内容\t本年处理决定数量\t\t',
    `行政处罚\t${active.penalty}\t\t`,
    `行政强制\t${active.enforcement}\t\t`,
    '第二十条第（八）项\t\t\t',
    '信息内容\t本年收费金额（单位：万元）\t\t',
    `行政事业性收费\t${formatFee(active.fees)}\t\t`,
  ];
}

/** Renders the report as PDF-extracted text looks (the seeds' form): blank lines between paragraphs, tab tables. */
export function renderText(spec: ReportSpec): string {
  const paragraphs = narrative(spec);
  const out: string[] = ['', '', `${spec.agency} ${spec.year} 年政府信息公开工作年度报告`, ''];
  out.push(
    `根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，编制本报告。`,
    '',
  );
  for (const id of SECTION_IDS) {
    out.push(`${id}、${SECTION_TITLES[id]}`, '');
    if (id === '二') out.push(...textTable二(spec.values), '');
    else if (id === '三') out.push(...textTable三(spec.values), '');
    else if (id === '四') out.push(...textTable四(spec.values), '');
    else for (const paragraph of paragraphs[id]) out.push(paragraph, '');
  }
  return out.join('\n');
}

// ---- HTML ---------------------------------------------------------------------------------------

/** One table cell with the template's spans; tables are rows of these, rendered to HTML or to plain grids. */
interface SpanCell {
  text: string;
  rowspan?: number;
  colspan?: number;
}

function td(text: string | number, span: { rowspan?: number; colspan?: number } = {}): SpanCell {
  return { text: String(text), ...span };
}

function htmlOf(rows: SpanCell[][]): string {
  const cellHtml = (cell: SpanCell) => {
    const rowspan = cell.rowspan && cell.rowspan > 1 ? ` rowspan="${cell.rowspan}"` : '';
    const colspan = cell.colspan && cell.colspan > 1 ? ` colspan="${cell.colspan}"` : '';
    return `<td${rowspan}${colspan}>${escapeHtml(cell.text)}</td>`;
  };
  return `<table border="1">\n${rows.map((row) => `<tr>${row.map(cellHtml).join('')}</tr>`).join('\n')}\n</table>`;
}

/** Resolves spans into a full grid: a spanned cell's text in its first slot, '' in the slots it covers. */
function gridOf(rows: SpanCell[][]): string[][] {
  const grid: string[][] = rows.map(() => []);
  rows.forEach((row, r) => {
    let c = 0;
    for (const cell of row) {
      while ((grid[r] as string[])[c] !== undefined) c++;
      for (let i = 0; i < (cell.rowspan ?? 1); i++) {
        for (let j = 0; j < (cell.colspan ?? 1); j++) {
          grid[r + i] ??= [];
          (grid[r + i] as string[])[c + j] = i === 0 && j === 0 ? cell.text : '';
        }
      }
      c += cell.colspan ?? 1;
    }
  });
  return grid;
}

function table二(values: GeneratedValues): SpanCell[][] {
  const { active } = values;
  return [
    [td('第二十条第（一）项', { colspan: 4 })],
    [td('信息内容'), td('本年制发件数'), td('本年废止件数'), td('现行有效件数')],
    [td('规章'), td(active.rules.issued), td(active.rules.repealed), td(active.rules.inForce)],
    [
      td('行政规范性文件'),
      td(active.normativeDocs.issued),
      td(active.normativeDocs.repealed),
      td(active.normativeDocs.inForce),
    ],
    [td('第二十条第（五）项', { colspan: 4 })],
    [td('信息内容'), td('本年处理决定数量', { colspan: 3 })],
    [td('行政许可'), td(active.licensing, { colspan: 3 })],
    [td('第二十条第（六）项', { colspan: 4 })],
    [td('信息内容'), td('本年处理决定数量', { colspan: 3 })],
    [td('行政处罚'), td(active.penalty, { colspan: 3 })],
    [td('行政强制'), td(active.enforcement, { colspan: 3 })],
    [td('第二十条第（八）项', { colspan: 4 })],
    [td('信息内容'), td('本年收费金额（单位：万元）', { colspan: 3 })],
    [td('行政事业性收费'), td(formatFee(active.fees), { colspan: 3 })],
  ];
}

const GROUP_ROWSPAN: Record<string, number> = {
  '（三）不予公开': 8,
  '（四）无法提供': 3,
  '（五）不予处理': 5,
  '（六）其他处理': 3,
};

function table三(values: GeneratedValues): SpanCell[][] {
  const rows: SpanCell[][] = [
    [td(BALANCE_NOTE, { rowspan: 3, colspan: 3 }), td('申请人情况', { colspan: 7 })],
    [td('自然人', { rowspan: 2 }), td('法人或其他组织', { colspan: 5 }), td('总计', { rowspan: 2 })],
    ['商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他'].map((label) => td(label)),
  ];
  let previousGroup = '';
  for (const row of APPLICATION_ROWS_2021) {
    const numbers = APPLICANT_COLUMNS.map((column) => td(values.applications[row][column]));
    const [group, item] = APPLICATION_ROW_PRINT[row];
    let head: SpanCell[];
    if (row === 'received' || row === 'carriedIn' || row === 'carriedOver') head = [td(group, { colspan: 3 })];
    else if (row === 'granted') head = [td('三、本年度办理结果', { rowspan: 22 }), td(group, { colspan: 2 })];
    else if (row === 'partlyGranted' || row === 'outcomeTotal') head = [td(group, { colspan: 2 })];
    else head = [...(group === previousGroup ? [] : [td(group, { rowspan: GROUP_ROWSPAN[group] ?? 1 })]), td(item)];
    rows.push([...head, ...numbers]);
    previousGroup = group;
  }
  return rows;
}

function table四(values: GeneratedValues): SpanCell[][] {
  return [
    [td('行政复议', { colspan: 5 }), td('行政诉讼', { colspan: 10 })],
    [
      ...REVIEW_LABELS.map((label) => td(label, { rowspan: 2 })),
      td('未经复议直接起诉', { colspan: 5 }),
      td('复议后起诉', { colspan: 5 }),
    ],
    [...REVIEW_LABELS, ...REVIEW_LABELS].map((label) => td(label)),
    REVIEW_GROUPS.flatMap((group) => REVIEW_COLUMNS.map((column) => td(values.reviews[group][column]))),
  ];
}

const PREAMBLE =
  '根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，编制本报告。';

/** Renders the report as a government site's HTML page: headings, paragraphs and three real tables. */
export function renderHtml(spec: ReportSpec): string {
  const paragraphs = narrative(spec);
  const title = `${spec.agency}${spec.year}年政府信息公开工作年度报告`;
  const body: string[] = [`<h1>${escapeHtml(title)}</h1>`, `<p>${PREAMBLE}</p>`];
  for (const id of SECTION_IDS) {
    body.push(`<h2>${id}、${SECTION_TITLES[id]}</h2>`);
    if (id === '二') body.push(htmlOf(table二(spec.values)));
    else if (id === '三') body.push(htmlOf(table三(spec.values)));
    else if (id === '四') body.push(htmlOf(table四(spec.values)));
    else for (const paragraph of paragraphs[id]) body.push(`<p>${escapeHtml(paragraph)}</p>`);
  }
  return `<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n<style>table{border-collapse:collapse}td{border:1px solid #333;padding:2px 4px;font-size:10px}</style>\n</head>\n<body>\n${body.join('\n')}\n</body>\n</html>\n`;
}

/**
 * The report as a word processor holds it: title, paragraphs (a `{{table:N}}` marker where table N goes) and
 * tables as plain grids, spans resolved (the shape test/support/make-docx.ts takes).
 */
export function renderDocument(spec: ReportSpec): { title: string; paragraphs: string[]; tables: string[][][] } {
  const narrativeParagraphs = narrative(spec);
  const paragraphs = [PREAMBLE];
  const tables: string[][][] = [];
  for (const id of SECTION_IDS) {
    paragraphs.push(`${id}、${SECTION_TITLES[id]}`);
    const table = id === '二' ? table二 : id === '三' ? table三 : id === '四' ? table四 : null;
    if (table) {
      tables.push(gridOf(table(spec.values)));
      paragraphs.push(`{{table:${tables.length - 1}}}`);
    } else if (id === '一' || id === '五' || id === '六') paragraphs.push(...narrativeParagraphs[id]);
  }
  return { title: `${spec.agency}${spec.year}年政府信息公开工作年度报告`, paragraphs, tables };
}

/** A table cell as typed in a word processor: text and the grid rows/columns it covers. */
export type TypedCell = SpanCell;

/** One block of a report as typed: a section heading, a paragraph, or a table with merged cells. */
export type TypedBlock = { heading: string } | { paragraph: string } | { table: TypedCell[][] };

/**
 * The report as typed in Word: headings, paragraphs and the three tables with their merged cells (rows list
 * the cells that start in them, as HTML does). Office fixtures (scripts/fixtures) are built from it.
 */
export function renderBlocks(spec: ReportSpec): { title: string; blocks: TypedBlock[] } {
  const paragraphs = narrative(spec);
  const blocks: TypedBlock[] = [{ paragraph: PREAMBLE }];
  for (const id of SECTION_IDS) {
    blocks.push({ heading: `${id}、${SECTION_TITLES[id]}` });
    if (id === '二') blocks.push({ table: table二(spec.values) });
    else if (id === '三') blocks.push({ table: table三(spec.values) });
    else if (id === '四') blocks.push({ table: table四(spec.values) });
    else for (const paragraph of paragraphs[id]) blocks.push({ paragraph });
  }
  return { title: `${spec.agency}${spec.year}年政府信息公开工作年度报告`, blocks };
}

// ---- Model (no parser involved) -----------------------------------------------------------------

function cell(value: number): Cell {
  return { value, at: { raw: String(value) } };
}

/**
 * Builds the AnnualReport a perfect parser would produce from the values, without parsing: rule tests and
 * mutation tests use it so they do not depend on the parser.
 */
export function reportFromValues(spec: ReportSpec & { level?: AgencyLevel }): AnnualReport {
  const { values } = spec;
  const applications: ApplicationTable = {};
  for (const row of APPLICATION_ROWS_2021) {
    applications[row] = Object.fromEntries(
      APPLICANT_COLUMNS.map((column) => [column, cell(values.applications[row][column])]),
    );
  }
  const reviews: ReviewTable = {};
  for (const group of REVIEW_GROUPS) {
    reviews[group] = Object.fromEntries(REVIEW_COLUMNS.map((column) => [column, cell(values.reviews[group][column])]));
  }
  const { active } = values;
  const paragraphs = narrative(spec);
  const sections: AnnualReport['sections'] = {};
  for (const id of SECTION_IDS) {
    const text = id === '一' || id === '五' || id === '六' ? paragraphs[id].join('\n') : '';
    sections[id as SectionId] = { id, heading: `${id}、${SECTION_TITLES[id]}`, text };
  }
  return {
    agency: spec.agency,
    year: spec.year,
    title: `${spec.agency}${spec.year}年政府信息公开工作年度报告`,
    format: 'text',
    template: '2021',
    sections,
    activeDisclosure: {
      rules: {
        label: '规章',
        issued: cell(active.rules.issued),
        repealed: cell(active.rules.repealed),
        inForce: cell(active.rules.inForce),
      },
      normativeDocs: {
        label: '行政规范性文件',
        issued: cell(active.normativeDocs.issued),
        repealed: cell(active.normativeDocs.repealed),
        inForce: cell(active.normativeDocs.inForce),
      },
      licensing: { label: '行政许可', decisions: cell(active.licensing) },
      penalty: { label: '行政处罚', decisions: cell(active.penalty) },
      enforcement: { label: '行政强制', decisions: cell(active.enforcement) },
      fees: { label: '行政事业性收费', amount: cell(active.fees) },
    },
    applications,
    reviews,
    labelDeviations: [],
    notes: [],
    text: renderText(spec),
  };
}

/** A deep copy of the values (mutation tests change one cell at a time). */
export function cloneValues(values: GeneratedValues): GeneratedValues {
  return structuredClone(values);
}

/**
 * The numbers a parsed report holds, in the generator's shape (null where a cell is missing or unknown),
 * so a round trip compares with `toEqual(generated.values)`.
 */
export function valuesOf(report: AnnualReport): unknown {
  const value = (cell: Cell | undefined) => (cell === undefined ? null : cell.value);
  const active = report.activeDisclosure;
  return {
    applications: Object.fromEntries(
      APPLICATION_ROWS_2021.map((row) => [
        row,
        Object.fromEntries(APPLICANT_COLUMNS.map((column) => [column, value(report.applications?.[row]?.[column])])),
      ]),
    ),
    reviews: Object.fromEntries(
      REVIEW_GROUPS.map((group) => [
        group,
        Object.fromEntries(REVIEW_COLUMNS.map((column) => [column, value(report.reviews?.[group]?.[column])])),
      ]),
    ),
    active: {
      rules: {
        issued: value(active?.rules?.issued),
        repealed: value(active?.rules?.repealed),
        inForce: value(active?.rules?.inForce),
      },
      normativeDocs: {
        issued: value(active?.normativeDocs?.issued),
        repealed: value(active?.normativeDocs?.repealed),
        inForce: value(active?.normativeDocs?.inForce),
      },
      licensing: value(active?.licensing?.decisions),
      penalty: value(active?.penalty?.decisions),
      enforcement: value(active?.enforcement?.decisions),
      fees: value(active?.fees?.amount),
    },
  };
}
