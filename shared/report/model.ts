/**
 * The typed model of one annual report (政府信息公开工作年度报告), whatever format it came from.
 * Every number keeps where it was read, so a finding can point an official at the exact cell.
 */

/** The format the report was read from, as its bytes say (a .doc is 'doc', never 'docx'). */
export type SourceFormat = 'text' | 'html' | 'pdf' | 'docx' | 'doc' | 'wps';

/** Which national template the report follows: 国办公开办函〔2021〕30号 or the 2019 trial format (〔2019〕60号). */
export type TemplateVersion = '2021' | '2019' | 'unknown';

/** The document that issued each national template (TEMPLATE.md): every message that cites one cites it from here. */
export const TEMPLATE_DOCUMENTS: Record<Exclude<TemplateVersion, 'unknown'>, string> = {
  '2021': '国办公开办函〔2021〕30号',
  '2019': '国办公开办函〔2019〕60号',
};

/**
 * The template a report must follow: the 2019 trial format for the years 2019 and 2020 (and before, which
 * had no national table format: the earliest is the nearest), the 2021 format from 2021 on. A report of
 * unknown year is held to the template it is written in, else the current one.
 */
export function requiredTemplate(report: { year: number | null; template: TemplateVersion }): '2021' | '2019' {
  if (report.year !== null) return report.year <= 2020 ? '2019' : '2021';
  return report.template === '2019' ? '2019' : '2021';
}

/** Where a value was read: a line of extracted text, or a cell of an HTML/DOCX table. */
export interface Provenance {
  /** Set when the text was recognised by OCR from an image (a scan): the digits may be misread. */
  ocr?: boolean;
  /** 1-based line in the extracted text (text and PDF input). */
  line?: number;
  /** 0-based table index in document order (HTML and DOCX input). */
  table?: number;
  /** 0-based row and column inside that table, after rowspan/colspan are resolved. */
  row?: number;
  col?: number;
  /** The raw text the value came from, trimmed (e.g. "57.2343", "/", "—"). */
  raw: string;
}

/**
 * One numeric cell. `value` is null when the cell is unknown: blank, "/", "-", "—" or unreadable.
 * An unknown cell is never read as 0; relations that need it are not assessable.
 */
export interface Cell {
  value: number | null;
  /** Set when the value was missing in the source and was inferred because arithmetic made it certain. */
  inferred?: boolean;
  /** Set when the source cell was present but empty or a placeholder ("/", "-", "—"). */
  blank?: boolean;
  /**
   * Set when the source cell held a number beyond Number.MAX_SAFE_INTEGER: it keeps its column, but
   * `value` is null (unknown) instead of a rounded double (plausibility.too-large).
   */
  implausible?: boolean;
  at: Provenance;
}

// ---- Section 二: 主动公开政府信息情况 -------------------------------------------------------------

/** Row ids of the section 二 tables (2021 layout; the 2019 layout maps onto the same ids where it can). */
export type ActiveDisclosureRowId =
  | 'rules' // 规章
  | 'normativeDocs' // 行政规范性文件 (2019: 规范性文件)
  | 'licensing' // 行政许可
  | 'penalty' // 行政处罚
  | 'enforcement' // 行政强制
  | 'fees' // 行政事业性收费 (万元)
  | 'procurement' // 2019 only: 政府集中采购
  | 'otherServices'; // 2019 only: 其他对外管理服务事项 (under 第二十条第（五）项)

/** Column ids: 2021 uses issued/repealed/inForce for 第（一）项 and decisions/amount for the others. */
export type ActiveDisclosureColumnId =
  | 'issued' // 本年制发件数 (2019: 本年新制作数量)
  | 'repealed' // 本年废止件数 (2019: 本年新公开数量 -> see `published`)
  | 'inForce' // 现行有效件数 (2019: 对外公开总数量)
  | 'published' // 2019: 本年新公开数量
  | 'decisions' // 本年处理决定数量 (2019: 处理决定数量)
  | 'previousYear' // 2019: 上一年项目数量
  | 'added' // 2019: 本年增/减 (kept as one signed column)
  | 'amount' // 本年收费金额（单位：万元） / 2019 采购总金额
  | 'projects'; // 2019: 采购项目数量

export type ActiveDisclosureTable = Partial<
  Record<ActiveDisclosureRowId, Partial<Record<ActiveDisclosureColumnId, Cell>> & { label: string }>
>;

/** Section 二's row names as the 2021 template prints them (one home: site, rules, digest). */
export const ACTIVE_ROW_LABELS: Record<ActiveDisclosureRowId, string> = {
  rules: '规章',
  normativeDocs: '行政规范性文件',
  licensing: '行政许可',
  penalty: '行政处罚',
  enforcement: '行政强制',
  fees: '行政事业性收费',
  procurement: '政府集中采购',
  otherServices: '其他对外管理服务事项',
};

/** Section 二's column names as the templates print them (2021 where both have the column). */
export const ACTIVE_COLUMN_LABELS: Record<ActiveDisclosureColumnId, string> = {
  issued: '本年制发件数',
  repealed: '本年废止件数',
  inForce: '现行有效件数',
  published: '本年新公开数量',
  decisions: '本年处理决定数量',
  previousYear: '上一年项目数量',
  added: '本年增/减',
  amount: '本年收费金额（单位：万元）',
  projects: '采购项目数量',
};

/** The 2019 trial format's own names for the columns it shares with 2021 under other words. */
export const ACTIVE_COLUMN_LABELS_2019 = {
  issued: '本年新制作数量',
  inForce: '对外公开总数量',
  decisions: '处理决定数量',
} as const satisfies Partial<Record<ActiveDisclosureColumnId, string>>;

/** A section 二 column's name as the report's own template prints it. */
export function activeColumnLabel(column: ActiveDisclosureColumnId, template: TemplateVersion): string {
  const own = template === '2019' ? (ACTIVE_COLUMN_LABELS_2019 as Partial<Record<string, string>>)[column] : undefined;
  return own ?? ACTIVE_COLUMN_LABELS[column];
}

// ---- Section 三: 收到和处理政府信息公开申请情况 -----------------------------------------------------

export const APPLICANT_COLUMNS = ['natural', 'business', 'research', 'nonprofit', 'legal', 'other', 'total'] as const;
export type ApplicantColumnId = (typeof APPLICANT_COLUMNS)[number];

export const APPLICANT_COLUMN_LABELS: Record<ApplicantColumnId, string> = {
  natural: '自然人',
  business: '商业企业',
  research: '科研机构',
  nonprofit: '社会公益组织',
  legal: '法律服务机构',
  other: '其他',
  total: '总计',
};

/**
 * Row ids of table 三 (2021: 25 data rows). Ids follow the template's numbering:
 * `withheld.3` is （三）不予公开 3.危及"三安全一稳定". The 2019 layout has a single `otherHandling` row
 * instead of `otherHandling.1..3`.
 */
export const APPLICATION_ROWS_2021 = [
  'received', // 一、本年新收政府信息公开申请数量
  'carriedIn', // 二、上年结转政府信息公开申请数量
  'granted', // 三（一）予以公开
  'partlyGranted', // 三（二）部分公开
  'withheld.1',
  'withheld.2',
  'withheld.3',
  'withheld.4',
  'withheld.5',
  'withheld.6',
  'withheld.7',
  'withheld.8',
  'unavailable.1',
  'unavailable.2',
  'unavailable.3',
  'notProcessed.1',
  'notProcessed.2',
  'notProcessed.3',
  'notProcessed.4',
  'notProcessed.5',
  'otherHandling.1',
  'otherHandling.2',
  'otherHandling.3',
  'outcomeTotal', // 三（七）总计
  'carriedOver', // 四、结转下年度继续办理
] as const;
export type ApplicationRowId = (typeof APPLICATION_ROWS_2021)[number] | 'otherHandling';

export const APPLICATION_ROW_LABELS: Record<ApplicationRowId, string> = {
  received: '一、本年新收政府信息公开申请数量',
  carriedIn: '二、上年结转政府信息公开申请数量',
  granted: '三（一）予以公开',
  partlyGranted: '三（二）部分公开',
  'withheld.1': '三（三）不予公开 1.属于国家秘密',
  'withheld.2': '三（三）不予公开 2.其他法律行政法规禁止公开',
  'withheld.3': '三（三）不予公开 3.危及“三安全一稳定”',
  'withheld.4': '三（三）不予公开 4.保护第三方合法权益',
  'withheld.5': '三（三）不予公开 5.属于三类内部事务信息',
  'withheld.6': '三（三）不予公开 6.属于四类过程性信息',
  'withheld.7': '三（三）不予公开 7.属于行政执法案卷',
  'withheld.8': '三（三）不予公开 8.属于行政查询事项',
  'unavailable.1': '三（四）无法提供 1.本机关不掌握相关政府信息',
  'unavailable.2': '三（四）无法提供 2.没有现成信息需要另行制作',
  'unavailable.3': '三（四）无法提供 3.补正后申请内容仍不明确',
  'notProcessed.1': '三（五）不予处理 1.信访举报投诉类申请',
  'notProcessed.2': '三（五）不予处理 2.重复申请',
  'notProcessed.3': '三（五）不予处理 3.要求提供公开出版物',
  'notProcessed.4': '三（五）不予处理 4.无正当理由大量反复申请',
  'notProcessed.5': '三（五）不予处理 5.要求行政机关确认或重新出具已获取信息',
  'otherHandling.1': '三（六）其他处理 1.申请人无正当理由逾期不补正',
  'otherHandling.2': '三（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用',
  'otherHandling.3': '三（六）其他处理 3.其他',
  otherHandling: '三（六）其他处理',
  outcomeTotal: '三（七）总计',
  carriedOver: '四、结转下年度继续办理',
};

export type ApplicationRow = Partial<Record<ApplicantColumnId, Cell>>;
/** A row the report lacks is undefined; its key may still be present (parsed tables hold every id: one shape). */
export type ApplicationTable = Partial<Record<ApplicationRowId, ApplicationRow>>;

// ---- Section 四: 行政复议、行政诉讼 ------------------------------------------------------------------

export const REVIEW_COLUMNS = ['upheld', 'corrected', 'other', 'pending', 'total'] as const;
export type ReviewColumnId = (typeof REVIEW_COLUMNS)[number];
export const REVIEW_COLUMN_LABELS: Record<ReviewColumnId, string> = {
  upheld: '结果维持',
  corrected: '结果纠正',
  other: '其他结果',
  pending: '尚未审结',
  total: '总计',
};

export const REVIEW_GROUPS = ['review', 'litigationDirect', 'litigationAfterReview'] as const;
export type ReviewGroupId = (typeof REVIEW_GROUPS)[number];
export const REVIEW_GROUP_LABELS: Record<ReviewGroupId, string> = {
  review: '行政复议',
  litigationDirect: '行政诉讼（未经复议直接起诉）',
  litigationAfterReview: '行政诉讼（复议后起诉）',
};

export type ReviewTable = Partial<Record<ReviewGroupId, Partial<Record<ReviewColumnId, Cell>>>>;

// ---- The report -------------------------------------------------------------------------------

export const SECTION_IDS = ['一', '二', '三', '四', '五', '六'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export const SECTION_TITLES: Record<SectionId, string> = {
  一: '总体情况',
  二: '主动公开政府信息情况',
  三: '收到和处理政府信息公开申请情况',
  四: '政府信息公开行政复议、行政诉讼情况',
  五: '存在的主要问题及改进情况',
  六: '其他需要报告的事项',
};

export interface Section {
  id: SectionId;
  /** The heading as printed (may be a real-world variant of the template's title). */
  heading: string;
  /** Body text of the section, tables excluded where the input allowed telling them apart. */
  text: string;
  /** 1-based line where the heading was found (text input) */
  line?: number;
}

/** A label in the report that differs from the template's (e.g. 本年度止件数 for 本年废止件数). */
export interface LabelDeviation {
  section: SectionId;
  expected: string;
  found: string;
  at: Provenance;
}

/** Something the parser noticed while reading: missing columns, inferred values, unreadable rows. */
export interface ParseNote {
  kind:
    | 'column-missing'
    | 'value-inferred'
    | 'row-unreadable'
    | 'table-missing'
    | 'section-missing'
    | 'extraction-damage'
    // Nothing could be read (format unsupported, file unreadable, extractor failed): no finding may rest on the text.
    | 'extraction-failed'
    | 'no-text'
    // A scan's text recognised by OCR (every cell marked Provenance.ocr): an aid, not a reading to judge by.
    | 'ocr'
    // Table cells run together in the text and no certain way to separate them: the table is not read.
    | 'cells-run-together'
    | 'input-truncated';
  section?: SectionId;
  row?: string;
  column?: string;
  detail: string;
  at?: Provenance;
}

export interface AnnualReport {
  /** e.g. 卢氏县人民政府; null when the title did not name it. */
  agency: string | null;
  /** The report year (the year reported on, not the publication year); null when unknown. */
  year: number | null;
  title: string | null;
  format: SourceFormat;
  template: TemplateVersion;
  sections: Partial<Record<SectionId, Section>>;
  activeDisclosure: ActiveDisclosureTable | null;
  applications: ApplicationTable | null;
  reviews: ReviewTable | null;
  labelDeviations: LabelDeviation[];
  notes: ParseNote[];
  /** The full extracted text (narrative checks read it); kept so findings can quote lines. */
  text: string;
}

/**
 * The note saying we could not read the document's text (unsupported or unreadable file, extractor failure,
 * a scan without OCR), or undefined. When set, no finding may rest on the text we did not get.
 */
export function unreadNote(report: Pick<AnnualReport, 'notes'>): ParseNote | undefined {
  return report.notes.find((note) => note.kind === 'extraction-failed' || note.kind === 'no-text');
}
