/**
 * The weekly digest as data: summary counts, region → agency rows with their worst findings and links,
 * and the week-over-week diff against the previous digest. Rendering lives in render.ts. Pure.
 */
import { beijingDayNumber, isoWeekOf, parseBeijingInstant, toBeijingIso } from '../compliance/deadline.ts';
import type { Assessment, ComplianceStatus } from '../compliance/status.ts';
import { FETCH_FAILURE_STATUSES, PROBLEM_STATUSES, STATUS_LABELS, STATUS_ORDER } from '../compliance/status.ts';
import type { Agency, AgencyLevel, Recipient, Registry } from '../registry/agency.ts';
import type { Finding, Severity } from '../rules/finding.ts';
import { SEVERITY_RANK } from '../rules/finding.ts';
import { agencyPagePath, reportPagePath } from '../site/paths.ts';

/** Findings (by rule) that are a problem of their own in the diff, beside the status flags. */
const PROBLEM_RULES = ['compliance.report-edited', 'compliance.report-removed'] as const;

const PROBLEM_RULE_LABELS: Record<string, string> = {
  'compliance.report-edited': '发布后被修改',
  'compliance.report-removed': '发布后被撤下',
};

/** Where the digest's links point. Bases have no trailing slash. */
export interface LinkOptions {
  /** Base of the results site (pages at agency/{id}.html and report/{year}/{id}/{sha256}.html). */
  siteBase?: string;
  /** Base under which store keys are reachable (archived snapshots are at their raw/ keys). */
  archiveBase?: string;
}

/**
 * Link bases from one base URL: the store root, with the site under its `site/` prefix (the local
 * folder as file:// URL, or a URL that serves the bucket's keys).
 */
export function linksFromBase(base: string): LinkOptions {
  const root = base.replace(/\/+$/, '');
  return { archiveBase: root, siteBase: `${root}/site` };
}

export interface DigestLinks {
  /** The agency's own page where the report was found (report-derived: check the scheme before use). */
  source?: string;
  snapshot?: string;
  results?: string;
  agency?: string;
}

export interface DigestFindingLine {
  rule: string;
  severity: Severity;
  /** One Chinese sentence (report-derived text inside: escape when rendering). */
  sentence: string;
}

export interface DigestProblem {
  /** `{year}/{agencyId}/{aspect}`: stable across weeks. */
  key: string;
  agencyId: string;
  year: number;
  /** A problem status ('late', 'missing', …) or a history rule ('compliance.report-edited'). */
  aspect: string;
  /** When the problem was first listed (ISO, Beijing). */
  since: string;
  sinceWeek: string;
}

export interface DigestProblemView extends DigestProblem {
  agencyName: string;
  region: string[];
  label: string;
  /** Whole days and weeks since `since` (still-open and resolved). */
  openDays: number;
  openWeeks: number;
}

export interface DigestRow {
  agencyId: string;
  agencyName: string;
  region: string[];
  level: AgencyLevel | null;
  year: number;
  status: ComplianceStatus;
  statusLabel: string;
  flags: ComplianceStatus[];
  daysLate?: number;
  deadline: string;
  publishDate: string | null;
  /** Plain Chinese: what happened. */
  reason?: string;
  /** Plain Chinese: what the office should do. */
  nextStep?: string;
  /** Technical detail under the reason (HTTP status, error). */
  detail?: string;
  title?: string | null;
  /** The worst findings, one sentence each (at most `maxFindingsPerRow`). */
  findings: DigestFindingLine[];
  findingCount: number;
  /** 'new' when any of the row's problems is new this week. */
  change: 'new' | 'still-open';
  /** Earliest `since` among the row's problems, and how long ago that was. */
  openSince: string;
  openDays: number;
  links: DigestLinks;
}

export interface DigestRegion {
  /** Region path joined with '/', e.g. '河南省/三门峡市/卢氏县' ('（未填地区）' when empty). */
  region: string;
  rows: DigestRow[];
}

export type StatusCounts = Record<ComplianceStatus, number>;

export interface Digest {
  isoWeek: string;
  generatedAt: string;
  year: number;
  /** Region prefix of this slice ([] = everything). */
  regionFilter: string[];
  subject: string;
  summary: {
    /** Agencies of the registry in this slice. */
    agencies: number;
    assessed: number;
    /** In the registry but not covered by any run yet. */
    notChecked: number;
    /** Agencies with problems not listed because of `maxRows`. */
    omittedRows: number;
    /** Primary status counts. */
    byStatus: StatusCounts;
    /** Agencies each aspect applies to (late AND inconsistent counts in both). */
    byFlag: StatusCounts;
    byRegion: { region: string; agencies: number; byStatus: StatusCounts }[];
  };
  regions: DigestRegion[];
  changes: {
    previousWeek: string | null;
    new: DigestProblemView[];
    stillOpen: DigestProblemView[];
    resolved: DigestProblemView[];
    /** Full counts (the lists above stop at `maxChangeItems`). */
    counts: { new: number; stillOpen: number; resolved: number };
  };
  /** Every finding of every assessed agency in the slice (the CSV attachment). */
  allFindings: DigestFindingRecord[];
}

export interface DigestFindingRecord {
  region: string;
  agencyId: string;
  agencyName: string;
  year: number;
  status: ComplianceStatus;
  finding: Finding;
  links: DigestLinks;
}

/** What is kept in digests/{isoWeek}.json. */
export interface DigestRecord {
  isoWeek: string;
  year: number;
  generatedAt: string;
  /** Open problems this week, by key (the whole registry, not one slice). */
  problems: Record<string, DigestProblem>;
  /** Messages sent for this week, one per recipient set. */
  sends: DigestSend[];
}

export interface DigestSend {
  /** Sorted, lower-cased addresses joined with ',' (what idempotence keys on). */
  recipientsKey: string;
  to: string[];
  region: string[];
  subject: string;
  sentAt: string;
  via: string;
  messageId?: string;
  /** Where the message went (outbox path, SES message id, …). */
  location?: string;
  forced?: boolean;
}

export interface BuildDigestOptions {
  registry: Pick<Registry, 'agencies'>;
  assessments: Assessment[];
  now: string | number;
  /** The latest digest record of an earlier week, for the diff. */
  previous?: DigestRecord | null;
  links?: LinkOptions;
  /** Only agencies under this region path prefix. @default [] (all) */
  region?: string[];
  /** @default 3 */
  maxFindingsPerRow?: number;
  /**
   * How many levels of the region path the per-region counts keep: two below the slice by default
   * (province/city for everything, county for a city office), so 10,000 agencies give a short table.
   */
  summaryDepth?: number;
  /** Agency rows listed in the email, worst first (the CSV has everything). @default 300 */
  maxRows?: number;
  /** Items listed in each of new / still open / resolved. @default 100 */
  maxChangeItems?: number;
}

const COLLATOR = new Intl.Collator('zh-Hans-CN');

/** The ISO week id (Asia/Shanghai) of an instant, e.g. '2026-W48'. */
export function digestWeek(now: string | number): string {
  return isoWeekOf(toMs(now));
}

/** Open problems of a set of assessments, keyed for the week-over-week diff. */
export function problemsOf(
  assessments: Assessment[],
  now: string | number,
  previous?: DigestRecord | null,
): Record<string, DigestProblem> {
  const nowMs = toMs(now);
  const problems: Record<string, DigestProblem> = {};
  for (const assessment of assessments) {
    const aspects = new Set<string>(
      (assessment.flags ?? [assessment.status]).filter((s) => PROBLEM_STATUSES.includes(s)),
    );
    if (PROBLEM_STATUSES.includes(assessment.status)) aspects.add(assessment.status);
    for (const rule of PROBLEM_RULES) if (assessment.findings.some((f) => f.rule === rule)) aspects.add(rule);
    // While we cannot check (outage, block, broken address), last week's problems are neither
    // confirmed nor resolved: they stay open with their original `since`.
    if ((assessment.flags ?? [assessment.status]).some((s) => FETCH_FAILURE_STATUSES.includes(s))) {
      const prefix = `${assessment.year}/${assessment.agencyId}/`;
      for (const key of Object.keys(previous?.problems ?? {})) {
        if (key.startsWith(prefix)) aspects.add(key.slice(prefix.length));
      }
    }
    for (const aspect of aspects) {
      const key = `${assessment.year}/${assessment.agencyId}/${aspect}`;
      const before = previous?.problems[key];
      problems[key] = before ?? {
        key,
        agencyId: assessment.agencyId,
        year: assessment.year,
        aspect,
        since: toBeijingIso(nowMs),
        sinceWeek: isoWeekOf(nowMs),
      };
    }
  }
  return problems;
}

/** Builds the digest for one recipient slice. */
export function buildDigest(options: BuildDigestOptions): Digest {
  const nowMs = toMs(options.now);
  const isoWeek = isoWeekOf(nowMs);
  const regionFilter = options.region ?? [];
  const maxFindings = options.maxFindingsPerRow ?? 3;
  const agencies = new Map(options.registry.agencies.map((a) => [a.id, a]));
  const inSlice = (agency: Pick<Agency, 'region'> | undefined) =>
    regionFilter.every((part, i) => agency?.region[i] === part);

  const sliceAgencies = options.registry.agencies.filter(inSlice);
  const assessments = options.assessments.filter((a) => inSlice(agencies.get(a.agencyId)));
  const year = assessments[0]?.year ?? new Date(nowMs).getUTCFullYear() - 1;

  const problems = problemsOf(options.assessments, nowMs, options.previous);
  const previousProblems = options.previous?.problems ?? {};
  const view = (problem: DigestProblem): DigestProblemView => {
    const agency = agencies.get(problem.agencyId);
    const days = daysBetween(problem.since, nowMs);
    return {
      ...problem,
      agencyName: agency?.name ?? problem.agencyId,
      region: agency?.region ?? [],
      label: problemLabel(problem.aspect),
      openDays: days,
      openWeeks: Math.floor(days / 7),
    };
  };
  const sliceProblem = (p: DigestProblem) => inSlice(agencies.get(p.agencyId));
  const current = Object.values(problems).filter(sliceProblem);
  const maxChanges = options.maxChangeItems ?? 100;
  const newProblems = current.filter((p) => !previousProblems[p.key]);
  const stillOpen = current.filter((p) => previousProblems[p.key]).sort((a, b) => a.since.localeCompare(b.since));
  const resolved = Object.values(previousProblems).filter((p) => !problems[p.key] && sliceProblem(p));
  const changes = {
    previousWeek: options.previous?.isoWeek ?? null,
    new: newProblems.slice(0, maxChanges).map(view),
    stillOpen: stillOpen.slice(0, maxChanges).map(view),
    resolved: resolved.slice(0, maxChanges).map(view),
    counts: { new: newProblems.length, stillOpen: stillOpen.length, resolved: resolved.length },
  };
  const problemsByAgency = new Map<string, DigestProblem[]>();
  for (const problem of current) {
    const key = `${problem.year}/${problem.agencyId}`;
    problemsByAgency.set(key, [...(problemsByAgency.get(key) ?? []), problem]);
  }

  const byStatus = zeroCounts();
  const byFlag = zeroCounts();
  const regionCounts = new Map<string, { agencies: number; byStatus: StatusCounts }>();
  const summaryDepth = options.summaryDepth ?? regionFilter.length + 2;
  const summaryRegion = (region: string[]) => regionName(region.slice(0, summaryDepth));
  for (const agency of sliceAgencies) {
    const name = summaryRegion(agency.region);
    if (!regionCounts.has(name)) regionCounts.set(name, { agencies: 0, byStatus: zeroCounts() });
    (regionCounts.get(name) as { agencies: number }).agencies++;
  }
  const rows: DigestRow[] = [];
  const assessedIds = new Set<string>();
  const allFindings: DigestFindingRecord[] = [];
  for (const assessment of assessments) {
    const agency = agencies.get(assessment.agencyId);
    const region = regionName(agency?.region ?? []);
    assessedIds.add(assessment.agencyId);
    byStatus[assessment.status]++;
    for (const flag of assessment.flags ?? [assessment.status]) byFlag[flag]++;
    const counts = regionCounts.get(summaryRegion(agency?.region ?? []));
    if (counts) counts.byStatus[assessment.status]++;
    const links = buildLinks(assessment, options.links);
    for (const finding of assessment.findings) {
      allFindings.push({
        region,
        agencyId: assessment.agencyId,
        agencyName: agency?.name ?? assessment.agencyId,
        year: assessment.year,
        status: assessment.status,
        finding,
        links,
      });
    }
    const own = problemsByAgency.get(`${assessment.year}/${assessment.agencyId}`) ?? [];
    if (!own.length) continue;
    const openSince = own.map((p) => p.since).sort()[0] as string;
    const row: DigestRow = {
      agencyId: assessment.agencyId,
      agencyName: agency?.name ?? assessment.agencyId,
      region: agency?.region ?? [],
      level: agency?.level ?? null,
      year: assessment.year,
      status: assessment.status,
      statusLabel: STATUS_LABELS[assessment.status],
      flags: assessment.flags ?? [assessment.status],
      deadline: assessment.deadline,
      publishDate: assessment.publishDate,
      findings: worstFindings(assessment.findings, maxFindings),
      findingCount: assessment.findings.length,
      change: own.some((p) => !previousProblems[p.key]) ? 'new' : 'still-open',
      openSince,
      openDays: daysBetween(openSince, nowMs),
      links,
    };
    if (assessment.daysLate !== undefined) row.daysLate = assessment.daysLate;
    if (assessment.reason) row.reason = assessment.reason;
    if (assessment.nextStep) row.nextStep = assessment.nextStep;
    if (assessment.detail) row.detail = assessment.detail;
    if (assessment.title !== undefined) row.title = assessment.title;
    rows.push(row);
  }

  // An email has a size limit (SES: 10 MB raw) and a reader's patience: list the worst rows, new
  // ones first within a status, and point to the CSV and the site for the rest.
  const byWorst = (a: DigestRow, b: DigestRow) =>
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
    (a.change === b.change ? 0 : a.change === 'new' ? -1 : 1) ||
    COLLATOR.compare(a.agencyName, b.agencyName);
  const shown = rows.sort(byWorst).slice(0, options.maxRows ?? 300);
  const rowsByRegion = new Map<string, DigestRow[]>();
  for (const row of shown) {
    const region = regionName(row.region);
    rowsByRegion.set(region, [...(rowsByRegion.get(region) ?? []), row]);
  }
  const regions = [...rowsByRegion.entries()]
    .sort(([a], [b]) => COLLATOR.compare(a, b))
    .map(([region, regionRows]) => ({ region, rows: regionRows.sort(byWorst) }));
  const summary = {
    agencies: sliceAgencies.length,
    assessed: assessments.length,
    notChecked: sliceAgencies.filter((a) => !assessedIds.has(a.id)).length,
    /** Agencies with problems that did not fit in the email (maxRows). */
    omittedRows: rows.length - shown.length,
    byStatus,
    byFlag,
    byRegion: [...regionCounts.entries()]
      .sort(([a], [b]) => COLLATOR.compare(a, b))
      .map(([region, c]) => ({ region, ...c })),
  };
  return {
    isoWeek,
    generatedAt: toBeijingIso(nowMs),
    year,
    regionFilter,
    subject: subjectOf(isoWeek, year, byFlag, regionFilter),
    summary,
    regions,
    changes,
    allFindings,
  };
}

/** The digest record for this week (problems of the whole registry), keeping earlier sends. */
export function digestRecord(
  assessments: Assessment[],
  now: string | number,
  previous: DigestRecord | null | undefined,
  existing?: DigestRecord | null,
): DigestRecord {
  const nowMs = toMs(now);
  return {
    isoWeek: isoWeekOf(nowMs),
    year: assessments[0]?.year ?? existing?.year ?? new Date(nowMs).getUTCFullYear() - 1,
    generatedAt: toBeijingIso(nowMs),
    // A problem keeps the `since` of the previous week, or of an earlier run this same week.
    problems: problemsOf(assessments, nowMs, {
      ...(existing ?? previous ?? { isoWeek: '', year: 0, generatedAt: '', sends: [] }),
      problems: { ...(existing?.problems ?? {}), ...(previous?.problems ?? {}) },
    }),
    sends: existing?.sends ?? [],
  };
}

/**
 * Recipient sets from the registry: addresses grouped by their region prefix, so each group gets one
 * message with its own slice (a city office gets only its city).
 */
export function recipientGroups(recipients: Recipient[]): { region: string[]; to: string[] }[] {
  const groups = new Map<string, { region: string[]; to: string[] }>();
  for (const recipient of recipients) {
    const key = recipient.region.join('/');
    const group = groups.get(key) ?? { region: [...recipient.region], to: [] };
    if (!group.to.includes(recipient.email)) group.to.push(recipient.email);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The key idempotence uses for a recipient set. */
export function recipientsKey(to: string[]): string {
  return [...new Set(to.map((a) => a.trim().toLowerCase()))].sort().join(',');
}

function subjectOf(isoWeek: string, year: number, byFlag: StatusCounts, region: string[]): string {
  const parts = (
    ['late', 'missing', 'inconsistent', 'unparseable', 'address-broken', 'blocked', 'unreachable'] as const
  )
    .filter((s) => byFlag[s] > 0)
    .map((s) => `${STATUS_LABELS[s]} ${byFlag[s]}`);
  const scope = region.length ? `（${region.join('')}）` : '';
  const tally = parts.length ? parts.join('，') : '未发现问题';
  return `政务公开年报监测周报 ${isoWeek}${scope}：${year}年度报告 ${tally}`;
}

function problemLabel(aspect: string): string {
  return STATUS_LABELS[aspect as ComplianceStatus] ?? PROBLEM_RULE_LABELS[aspect] ?? aspect;
}

function worstFindings(findings: Finding[], max: number): DigestFindingLine[] {
  const seen = new Set<string>();
  const out: DigestFindingLine[] = [];
  const sorted = [...findings]
    .filter((f) => f.severity !== 'info')
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  for (const finding of sorted) {
    const sentence = oneSentence(finding.message);
    if (seen.has(sentence)) continue;
    seen.add(sentence);
    out.push({ rule: finding.rule, severity: finding.severity, sentence });
    if (out.length >= max) break;
  }
  return out;
}

/** A finding message cut to one sentence of reasonable length. */
export function oneSentence(message: string, maxLength = 160): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}

function buildLinks(assessment: Assessment, options: LinkOptions | undefined): DigestLinks {
  const links: DigestLinks = {};
  const source = assessment.pageUrl ?? assessment.sourceUrl;
  if (source) links.source = source;
  if (options?.archiveBase && assessment.rawKey)
    links.snapshot = `${options.archiveBase}/${encodeKey(assessment.rawKey)}`;
  if (options?.siteBase) {
    // The site's own path functions, so the email links exactly the pages it writes.
    links.agency = `${options.siteBase}/${encodeKey(agencyPagePath(assessment.agencyId))}`;
    if (assessment.sha256) {
      links.results = `${options.siteBase}/${encodeKey(reportPagePath(assessment.year, assessment.agencyId, assessment.sha256))}`;
    }
  }
  return links;
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** Region path as one string ('（未填地区）' when empty). */
export function regionName(region: string[]): string {
  return region.length ? region.join('/') : '（未填地区）';
}

function zeroCounts(): StatusCounts {
  return {
    'on-time': 0,
    late: 0,
    missing: 0,
    pending: 0,
    unreachable: 0,
    blocked: 0,
    'address-broken': 0,
    inconsistent: 0,
    unparseable: 0,
  };
}

function daysBetween(sinceIso: string, nowMs: number): number {
  const since = parseBeijingInstant(sinceIso) ?? nowMs;
  return Math.max(0, beijingDayNumber(nowMs) - beijingDayNumber(since));
}

function toMs(now: string | number): number {
  const ms = typeof now === 'number' ? now : Date.parse(now);
  if (Number.isNaN(ms)) throw new Error(`无效的时间：${String(now)}`);
  return ms;
}
