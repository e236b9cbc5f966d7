/** Administrative level of an agency; deadlines depend on it (条例 第四十九、五十条). */
export type AgencyLevel =
  | 'province-government'
  | 'city-government'
  | 'county-government'
  | 'province-department'
  | 'city-department'
  | 'county-department'
  | 'township';

/** Every AgencyLevel, for validation at run time (the registry schema, the parse Lambda's level lookup). */
export const AGENCY_LEVELS = [
  'province-government',
  'city-government',
  'county-government',
  'province-department',
  'city-department',
  'county-department',
  'township',
] as const satisfies readonly AgencyLevel[];

/** Chinese name of each level, as the site, the exports and the registry import show it. */
export const LEVEL_LABELS: Record<AgencyLevel, string> = {
  'province-government': '省级人民政府',
  'city-government': '市级人民政府',
  'county-government': '县级人民政府',
  'province-department': '省级政府部门',
  'city-department': '市级政府部门',
  'county-department': '县级政府部门',
  township: '乡镇（街道）',
};

/** One agency of the registry (registry.yaml). */
export interface Agency {
  id: string;
  name: string;
  level: AgencyLevel;
  /** Region path, outermost first: ['河南省', '三门峡市', '卢氏县']. */
  region: string[];
  /** Disclosure list pages (the 政府信息公开年报 column). */
  listUrls: string[];
  /** Direct report URLs per year, when known: { 2024: 'https://…' }. */
  reportUrls?: Record<string, string>;
  /** Charset override when a site lies about its encoding. */
  charset?: string;
  /** Deadline override, 'MM-DD' in Asia/Shanghai, for the year after the report year. */
  deadline?: string;
  /** Whether robots.txt is honoured for this agency (default: the registry's setting; loadRegistry fills it in). */
  respectRobots?: boolean;
  /** Per-agency request timeout in milliseconds (slow sites), overriding the client default. */
  timeoutMs?: number;
  /** Free-text note for maintainers (why an override exists, who to ask). */
  note?: string;
  /** The agency's contact for disclosure work (联系人, 电话, 邮箱), shown beside its problems. */
  liaison?: { name?: string; phone?: string; email?: string };
  /** Send this agency its own notice listing its open problems (needs liaison.email). Off by default. */
  notifyAgency?: boolean;
}

/** Who receives which slice of the digest. */
export interface Recipient {
  email: string;
  /** Region path prefix this recipient cares about; empty means everything. */
  region: string[];
}

export interface Registry {
  /** Deadline per level, 'MM-DD' in the year after the report year (Asia/Shanghai). */
  deadlines: Record<AgencyLevel, string>;
  respectRobots: boolean;
  /** Hostnames or CIDRs the fetcher may reach even though they are private (tests: loopback). */
  allowHosts: string[];
  recipients: Recipient[];
  agencies: Agency[];
  /** Who runs this monitor (e-mail or URL), put into the User-Agent so site operators can reach us. */
  contact?: string;
}

/**
 * The law's defaults (2019 条例): departments by 1月31日, the county-and-above governments' own reports by
 * 3月31日. Townships are not named by art. 49; provinces set their date, 1月31日 is the usual one.
 */
export const LEGAL_DEADLINES: Readonly<Record<AgencyLevel, string>> = {
  'province-government': '03-31',
  'city-government': '03-31',
  'county-government': '03-31',
  'province-department': '01-31',
  'city-department': '01-31',
  'county-department': '01-31',
  township: '01-31',
};

/**
 * The host a fetch of this agency starts on (the year's report URL, else the first list page), lower
 * case; '(none)' or '(invalid)' when there is no usable URL. The run's scheduler and the FIFO message
 * groups both key agencies by it (an SQS group id must not be empty, hence the labels).
 */
export function hostOfAgency(agency: Pick<Agency, 'reportUrls' | 'listUrls'>, year: number): string {
  const url = agency.reportUrls?.[String(year)] ?? agency.listUrls[0];
  if (!url) return '(none)';
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '(invalid)';
  }
}
