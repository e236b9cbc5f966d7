/**
 * Synthetic stores for the site's tests and benchmark: agencies with consistent generated reports (or
 * one mutated cell), assessments with a few weeks of history, snapshot metadata and run manifests, written
 * straight through the store port (no fetcher, no parser involved).
 */
import { createHash } from 'node:crypto';
import type { AgencyYearState, Assessment, ComplianceStatus } from '../../shared/compliance/status.ts';
import { type Agency, type AgencyLevel, LEGAL_DEADLINES } from '../../shared/registry/agency.ts';
import type { AnnualReport } from '../../shared/report/model.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { validateReport } from '../../shared/rules/validate.ts';
import { keys } from '../../shared/storage/keys.ts';
import { type ObjectStore, putJson } from '../../shared/storage/port.ts';
import type { AgencyRunOutcome, ReportResult, RunManifest, SnapshotMeta } from '../../shared/storage/records.ts';
import { cloneValues, type GeneratedValues, generateReport, reportFromValues } from './report-generator.ts';

const DAY_MS = 86_400_000;

/** One agency-year to write: what was found, how it was assessed, and how its status moved. */
export interface AgencyCase {
  agency: Agency;
  year: number;
  status: ComplianceStatus;
  /** The parsed report; null for a document that could not be parsed; undefined when nothing was found. */
  report?: AnnualReport | null;
  /** Findings stored with the result and in the assessment (default: validateReport of the report). */
  findings?: Finding[];
  publishDate?: string;
  deadline: string;
  daysLate?: number;
  sourceUrl?: string;
  /** Status changes, oldest first (the last one must equal `status`). */
  history: { at: string; status: ComplianceStatus }[];
  /** The report page title as fetched (may differ from the parsed title). */
  pageTitle?: string;
}

function caseBytes(item: AgencyCase): Uint8Array {
  return new TextEncoder().encode(item.report?.text ?? '（扫描件，无文字层）');
}

/** The raw key of the case's report snapshot, as writeSnapshotAndResult names it (undefined: nothing found). */
function caseRawKey(item: AgencyCase): string | undefined {
  if (item.report === undefined) return undefined;
  const sha256 = createHash('sha256').update(caseBytes(item)).digest('hex');
  return keys.raw(item.year, item.agency.id, sha256, 'txt');
}

/** What a fetch and a parse would have stored for one document: raw bytes, metadata, parsed result. */
export interface SnapshotCase {
  agency: Agency;
  year: number;
  /** The parsed report; null for a document that could not be parsed. */
  report: AnnualReport | null;
  findings: Finding[];
  /** When it was fetched (the publish date when there is one). */
  fetchedAt: string;
  publishDate?: string;
  sourceUrl?: string;
  pageTitle?: string;
}

/** Writes raw/…, its .meta.json and results/… for one document, as the fetcher and the parser would. */
export async function writeSnapshotAndResult(
  store: ObjectStore,
  item: SnapshotCase,
): Promise<{ sha256: string; rawKey: string; resultKey: string }> {
  const { agency, year } = item;
  const text = item.report?.text ?? '（扫描件，无文字层）';
  const bytes = new TextEncoder().encode(text);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const rawKey = keys.raw(year, agency.id, sha256, 'txt');
  const resultKey = keys.result(year, agency.id, sha256);
  const meta: SnapshotMeta = {
    agencyId: agency.id,
    year,
    sha256,
    key: rawKey,
    url: item.sourceUrl ?? `https://example.gov.cn/${agency.id}/${year}.txt`,
    pageUrl: item.sourceUrl ?? `https://example.gov.cn/${agency.id}/${year}.html`,
    title: item.pageTitle ?? item.report?.title ?? null,
    fetchedAt: item.fetchedAt,
    publishDate: item.publishDate ?? null,
    publishDateSource: item.publishDate ? 'meta-pubdate' : null,
    otherDates: [],
    contentType: 'text/plain; charset=utf-8',
    charset: 'utf-8',
    byteLength: bytes.byteLength,
    headers: {},
  };
  const result: ReportResult = {
    agencyId: agency.id,
    year,
    sha256,
    rawKey,
    parserVersion: 'synthetic',
    parsedAt: item.fetchedAt,
    report: item.report,
    findings: item.findings,
  };
  await store.put(rawKey, bytes);
  await putJson(store, keys.rawMeta(year, agency.id, sha256), meta);
  await putJson(store, resultKey, result);
  return { sha256, rawKey, resultKey };
}

/** Writes the raw snapshot, its metadata, the parsed result and the state record of one case. */
export async function writeAgencyCase(store: ObjectStore, item: AgencyCase): Promise<{ sha256?: string }> {
  const { agency, year } = item;
  const last = item.history[item.history.length - 1];
  const assessedAt = last?.at ?? new Date(0).toISOString();
  let sha256: string | undefined;
  let rawKey: string | undefined;
  let resultKey: string | undefined;
  const findings = item.findings ?? (item.report ? validateReport(item.report, { level: agency.level }) : []);
  if (item.report !== undefined) {
    ({ sha256, rawKey, resultKey } = await writeSnapshotAndResult(store, {
      agency,
      year,
      report: item.report,
      findings,
      fetchedAt: item.publishDate ?? assessedAt,
      ...(item.publishDate ? { publishDate: item.publishDate } : {}),
      ...(item.sourceUrl ? { sourceUrl: item.sourceUrl } : {}),
      ...(item.pageTitle ? { pageTitle: item.pageTitle } : {}),
    }));
  }
  const current: Assessment = {
    agencyId: agency.id,
    year,
    status: item.status,
    deadline: item.deadline,
    publishDate: item.publishDate ?? null,
    findings,
    assessedAt,
  };
  if (item.daysLate !== undefined) current.daysLate = item.daysLate;
  if (rawKey) current.rawKey = rawKey;
  if (resultKey) current.resultKey = resultKey;
  if (item.sourceUrl) current.sourceUrl = item.sourceUrl;
  const state: AgencyYearState = {
    agencyId: agency.id,
    year,
    current,
    firstSeen: item.publishDate ?? null,
    lastChanged: assessedAt,
    snapshots: sha256 ? [{ sha256, firstSeen: item.publishDate ?? assessedAt, lastSeen: assessedAt }] : [],
    history: item.history.map((entry) => (sha256 ? { ...entry, sha256 } : { ...entry })),
  };
  await putJson(store, keys.state(year, agency.id), state);
  return sha256 ? { sha256 } : {};
}

/** Changes one cell of table 三 (so arith.row-total and arith.outcome-total fire on it). */
export function mutateApplications(
  values: GeneratedValues,
  row: keyof GeneratedValues['applications'],
  column: keyof GeneratedValues['applications']['received'],
  delta: number,
): GeneratedValues {
  const mutated = cloneValues(values);
  mutated.applications[row][column] += delta;
  return mutated;
}

/** A consistent generated report for an agency (deterministic per seed), optionally with one cell changed. */
export function syntheticReport(
  seed: number,
  agency: Agency,
  year: number,
  mutate?: (values: GeneratedValues) => GeneratedValues,
): AnnualReport {
  const generated = generateReport(seed, { agency: { name: agency.name, level: agency.level }, year });
  const values = mutate ? mutate(generated.values) : generated.values;
  return reportFromValues({ agency: agency.name, year, values, level: agency.level });
}

/**
 * Henan's prefecture-level divisions with how many county-level divisions (counties, county-level cities,
 * districts) each has: 18 and 157 in all, unevenly (郑州 12, 鹤壁 5, 济源 none below it but itself).
 */
const CITIES: readonly (readonly [string, number])[] = [
  ['郑州市', 12],
  ['开封市', 9],
  ['洛阳市', 14],
  ['平顶山市', 10],
  ['安阳市', 9],
  ['鹤壁市', 5],
  ['新乡市', 12],
  ['焦作市', 10],
  ['濮阳市', 6],
  ['许昌市', 6],
  ['漯河市', 5],
  ['三门峡市', 6],
  ['南阳市', 13],
  ['商丘市', 9],
  ['信阳市', 10],
  ['周口市', 10],
  ['驻马店市', 10],
  ['济源市', 1],
];
const PROVINCE = '河南省';
/** Every county-level division as [city index, county name]. */
const COUNTIES: readonly (readonly [number, string])[] = CITIES.flatMap(([city, count], cityIndex) =>
  Array.from({ length: count }, (_, k) => [cityIndex, `${city.replace(/市$/, '')}第${k + 1}县`] as const),
);
const DEPARTMENTS = [
  '教育局',
  '公安局',
  '民政局',
  '司法局',
  '财政局',
  '人力资源和社会保障局',
  '自然资源局',
  '生态环境局',
  '住房和城乡建设局',
  '交通运输局',
  '水利局',
  '农业农村局',
  '商务局',
  '文化广电和旅游局',
  '卫生健康委员会',
  '应急管理局',
  '审计局',
  '市场监督管理局',
  '统计局',
  '医疗保障局',
];

/**
 * Shares of a province-wide registry by tier: provincial departments (~50 of ~8,000), the cities'
 * governments and departments (~18 × 36), the counties' (~157 × 31) and the townships (~2,400).
 */
const TIER_SHARES = { province: 0.01, city: 0.09, county: 0.6 } as const;

/**
 * `count` registry agencies of one province in registry order (as an office's spreadsheet lists them:
 * the province's own, then city by city its own agencies, then county by county), spread over all 18
 * cities and 157 counties from the smallest registry on, so a county's listing holds count / 157 or so.
 */
export function syntheticProvince(count: number): Agency[] {
  const province = Math.min(count, Math.max(1, Math.round(count * TIER_SHARES.province)));
  const city = Math.min(count - province, Math.round(count * TIER_SHARES.city));
  const county = Math.min(count - province - city, Math.round(count * TIER_SHARES.county));
  type Slot = { city: number; county: number; tier: number; serial: number };
  const slots: Slot[] = [];
  for (let j = 0; j < province; j++) slots.push({ city: -1, county: -1, tier: 0, serial: j });
  for (let j = 0; j < city; j++)
    slots.push({ city: j % CITIES.length, county: -1, tier: 1, serial: Math.floor(j / CITIES.length) });
  for (let j = 0; j < count - province - city; j++) {
    const at = j % COUNTIES.length;
    const tier = j < county ? 2 : 3;
    slots.push({
      city: (COUNTIES[at] as readonly [number, string])[0],
      county: at,
      tier,
      serial: Math.floor(j / COUNTIES.length),
    });
  }
  slots.sort((a, b) => a.city - b.city || a.county - b.county || a.tier - b.tier || a.serial - b.serial);
  // Per place and tier, the first is the government and the rest its departments (townships: one each).
  const firsts = new Map<string, number>();
  return slots.map((slot, i) => {
    const place = `${slot.city}/${slot.county}/${slot.tier}`;
    const nth = firsts.get(place) ?? 0;
    firsts.set(place, nth + 1);
    const department = `${DEPARTMENTS[(nth - 1 + DEPARTMENTS.length) % DEPARTMENTS.length] as string}${nth > DEPARTMENTS.length ? Math.ceil(nth / DEPARTMENTS.length) : ''}`;
    const cityName = (CITIES[slot.city]?.[0] ?? '') as string;
    const countyName = (COUNTIES[slot.county]?.[1] ?? '') as string;
    let name: string;
    let level: AgencyLevel;
    let region: string[];
    if (slot.tier === 0) {
      [name, level, region] =
        nth === 0
          ? [`${PROVINCE}人民政府`, 'province-government', [PROVINCE]]
          : [`${PROVINCE}${department}`, 'province-department', [PROVINCE]];
    } else if (slot.tier === 1) {
      [name, level, region] =
        nth === 0
          ? [`${cityName}人民政府`, 'city-government', [PROVINCE, cityName]]
          : [`${cityName}${department}`, 'city-department', [PROVINCE, cityName]];
    } else if (slot.tier === 2) {
      [name, level, region] =
        nth === 0
          ? [`${countyName}人民政府`, 'county-government', [PROVINCE, cityName, countyName]]
          : [`${countyName}${department}`, 'county-department', [PROVINCE, cityName, countyName]];
    } else {
      const town = `第${nth + 1}镇`;
      [name, level, region] = [`${countyName}${town}人民政府`, 'township', [PROVINCE, cityName, countyName, town]];
    }
    return {
      id: `a${String(i).padStart(5, '0')}`,
      name,
      level,
      region,
      listUrls: [`https://example.gov.cn/a${i}/ndbg/`],
    };
  });
}

/** Share of each status in the synthetic population (the rest are on time). */
export const STATUS_MIX: [ComplianceStatus, number][] = [
  ['late', 0.1],
  ['missing', 0.08],
  ['inconsistent', 0.1],
  ['unreachable', 0.05],
  ['unparseable', 0.03],
  ['pending', 0.04],
];

function statusFor(index: number): ComplianceStatus {
  // A deterministic spread: the fractional part of index × golden ratio is evenly distributed.
  const u = (index * 0.6180339887) % 1;
  let acc = 0;
  for (const [status, share] of STATUS_MIX) {
    acc += share;
    if (u < acc) return status;
  }
  return 'on-time';
}

export interface SyntheticPopulationOptions {
  agencies: number;
  /** Report year (deadlines fall in the next year). */
  year: number;
  now: Date;
  /** Weekly run manifests written, the last one at `now`. @default 4 */
  weeks?: number;
}

/**
 * Writes a population of `agencies` agency-years (one province's registry, syntheticProvince) with a
 * realistic status mix and history since January, plus one run manifest per week. Returns the registry
 * agencies.
 */
export async function writeSyntheticPopulation(
  store: ObjectStore,
  options: SyntheticPopulationOptions,
  concurrency = 16,
): Promise<Agency[]> {
  const { year, now } = options;
  const agencies = syntheticProvince(options.agencies);
  const januaryFirst = Date.UTC(year + 1, 0, 1) - 8 * 3_600_000;
  const cases = agencies.map((agency, i): AgencyCase => {
    const status = statusFor(i);
    const [month, day] = LEGAL_DEADLINES[agency.level].split('-').map(Number) as [number, number];
    const deadlineMs = Date.UTC(year + 1, month - 1, day, 15, 59, 59);
    const deadline = new Date(deadlineMs).toISOString();
    const iso = (ms: number) => new Date(Math.min(ms, now.getTime())).toISOString();
    const history: AgencyCase['history'] = [{ at: iso(januaryFirst + (i % 7) * DAY_MS), status: 'pending' }];
    const item: AgencyCase = { agency, year, status, deadline, history };
    const publishOnTime = iso(deadlineMs - (5 + (i % 20)) * DAY_MS);
    const publishLate = iso(deadlineMs + (3 + (i % 40)) * DAY_MS);
    switch (status) {
      case 'on-time':
      case 'inconsistent':
        item.publishDate = publishOnTime;
        item.report = syntheticReport(
          i + 1,
          agency,
          year,
          status === 'inconsistent' ? (v) => mutateApplications(v, 'granted', 'natural', 1 + (i % 5)) : undefined,
        );
        history.push({ at: publishOnTime, status });
        break;
      case 'late':
        item.publishDate = publishLate;
        item.daysLate = Math.round((Date.parse(publishLate) - deadlineMs) / DAY_MS);
        item.report = syntheticReport(i + 1, agency, year);
        history.push({ at: iso(deadlineMs + DAY_MS), status: 'missing' }, { at: publishLate, status: 'late' });
        break;
      case 'missing':
        history.push({ at: iso(deadlineMs + DAY_MS), status: 'missing' });
        break;
      case 'unreachable':
        history.push({ at: iso(deadlineMs - 2 * DAY_MS), status: 'unreachable' });
        break;
      case 'unparseable':
        item.publishDate = publishOnTime;
        item.report = null;
        item.findings = [
          {
            rule: 'extract.no-text',
            severity: 'error',
            message: '文件没有可提取的文字（可能是扫描件），无法核对数据。',
          },
        ];
        history.push({ at: publishOnTime, status: 'unparseable' });
        break;
      case 'pending':
        break;
    }
    if (item.report !== undefined) item.sourceUrl = `https://example.gov.cn/${agency.id}/${year}/ndbg.html`;
    return item;
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < cases.length) await writeAgencyCase(store, cases[next++] as AgencyCase);
    }),
  );
  await writeWeeklyRuns(store, cases, now, options.weeks ?? 4);
  return agencies;
}

/** One run manifest per week for the last `weeks` weeks, from each case's final outcome. */
export async function writeWeeklyRuns(
  store: ObjectStore,
  cases: AgencyCase[],
  now: Date,
  weeks: number,
): Promise<void> {
  const rawKeys = new Map(cases.map((item) => [item, caseRawKey(item)]));
  for (let w = weeks - 1; w >= 0; w--) {
    const startedAt = new Date(now.getTime() - w * 7 * DAY_MS - 3_600_000).toISOString();
    const outcomes: AgencyRunOutcome[] = cases.map((item) => ({
      agencyId: item.agency.id,
      year: item.year,
      status: item.status === 'unreachable' ? 'unreachable' : item.report === undefined ? 'not-found' : 'found',
      // A found report's snapshot, as the fetcher records it (the same key every week: same bytes).
      snapshots: item.status !== 'unreachable' && rawKeys.get(item) ? [rawKeys.get(item) as string] : [],
      findings: [],
      pagesFetched: 2,
      ...(item.status === 'unreachable' ? { error: '连接超时（3 次重试后放弃）' } : {}),
    }));
    const runId = `${startedAt.replace(/[:.]/g, '-')}-synthetic`;
    const manifest: RunManifest = { runId, year: cases[0]?.year ?? 0, startedAt, finishedAt: startedAt, outcomes };
    await putJson(store, keys.run(runId), manifest);
  }
}

/** Moved to storage/ (one in-memory adapter, with conditional writes); re-exported for callers here. */
export { InMemoryStore } from '../../shared/storage/memory-store.ts';
