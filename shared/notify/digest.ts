/**
 * The weekly digest as data: summary counts, region → agency rows with their worst findings and links,
 * and the week-over-week diff against the previous digest. Rendering lives in render.ts. Pure.
 */
import { beijingDayNumber, deadlineFor, isoWeekOf, parseBeijingInstant, toBeijingIso } from '../compliance/deadline.ts';
import type { Assessment, ComplianceStatus } from '../compliance/status.ts';
import { FETCH_FAILURE_STATUSES, PROBLEM_STATUSES, STATUS_LABELS, STATUS_ORDER } from '../compliance/status.ts';
import type { Agency, AgencyLevel, Recipient, Registry } from '../registry/agency.ts';
import type { Finding, Severity } from '../rules/finding.ts';
import { SEVERITY_RANK } from '../rules/finding.ts';
import { agencyLinks, buildLinks, type DigestLinks, type LinkOptions } from '../site/links.ts';
import { applyTriage, describeVerdict, type TriageLookup, triageLabels } from '../triage/triage.ts';

/** Findings (by rule) that are a problem of their own in the diff, beside the status flags. */
const PROBLEM_RULES = ['compliance.report-edited', 'compliance.report-removed'] as const;

const PROBLEM_RULE_LABELS: Record<string, string> = {
  'compliance.report-edited': '发布后被修改',
  'compliance.report-removed': '发布后被撤下',
};

export interface DigestFindingLine {
  rule: string;
  severity: Severity;
  /** One Chinese sentence (report-derived text inside: escape when rendering). */
  sentence: string;
  /** An official's verdict on it (已核实/已整改/已督办 …), when there is one. */
  verdict?: string;
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
  /** An official's verdict on the status (已督办 …). */
  statusVerdict?: string;
  /** The agency's contact from the registry (联系人, 电话, 邮箱). */
  liaison?: { name?: string; phone?: string; email?: string };
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
    /** What officials marked 误报: findings and agency-year statuses, no longer listed. */
    dismissed: { findings: number; statuses: number };
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
  /** Every finding of every assessed agency in the slice. */
  allFindings: DigestFindingRecord[];
  /** 即将到期: agencies with no report found yet whose deadline is within `leadDays`, soonest first. */
  earlyWarning: { leadDays: number; items: EarlyWarningItem[] };
  /** Every registry agency of the slice, assessed or not, in registry order (the attachments). */
  agencies: DigestAgency[];
  /**
   * Set when this week's fetch had not finished (jobs still queued or running): the agencies it had not
   * reached yet are told with their last fetch's outcome, which the digest says.
   */
  fetchJobsLeft?: number;
}

/** One registry agency of a digest slice with its assessment (null when not assessed yet). */
export interface DigestAgency {
  agency: Pick<Agency, 'id' | 'name' | 'level' | 'region'>;
  /**
   * As assessed (before triage, like the site's workbook: the verdicts are in 核查状态), null when not
   * assessed yet.
   */
  assessment: Assessment | null;
  /**
   * Every finding with its 核查状态 ('' when nobody judged it), the dismissed ones too: the attachments
   * list them marked 误报, only the email's lists leave them out.
   */
  findings: { finding: Finding; triage: string }[];
  /** 核查状态 of the agency-year's status ('' when none). */
  triage: string;
  links: DigestLinks;
}

export interface DigestFindingRecord {
  region: string;
  agencyId: string;
  agencyName: string;
  year: number;
  status: ComplianceStatus;
  finding: Finding;
  links: DigestLinks;
  /** 核查状态: the verdict's label (误报, 已核实 …), '' when none. */
  triage: string;
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
  /** Set on a notice to one agency (registry notifyAgency), not an office digest. */
  agencyId?: string;
}

/** One agency whose report is not found yet while its deadline is near (即将到期). */
export interface EarlyWarningItem {
  agencyId: string;
  agencyName: string;
  region: string[];
  /** The deadline day, YYYY-MM-DD (Beijing). */
  deadline: string;
  /** Whole Beijing days from today to the deadline day (0: today is the last day). */
  daysLeft: number;
  /** What we know now: 未到期限 (nothing found yet), or why we could not check. */
  statusLabel: string;
  liaison?: { name?: string; phone?: string; email?: string };
}

export interface BuildDigestOptions {
  registry: Pick<Registry, 'agencies'> & { deadlines?: Partial<Registry['deadlines']> };
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
  /** Officials' verdicts (shared/triage): dismissed findings and statuses are counted apart, not listed. */
  triage?: TriageLookup;
  /** Days before a deadline the early warning (即将到期) starts listing unpublished agencies. @default 15 */
  leadDays?: number;
  /** Fetch jobs still queued or running when the digest was made (the weekly notify stopped waiting). */
  fetchJobsLeft?: number;
}

/** Default lead time of the early warning, in days. */
export const DEFAULT_LEAD_DAYS = 15;

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
  // The office's view: what an official dismissed is gone from the lists (counted apart below).
  const triaged = new Map(options.assessments.map((a) => [`${a.year}/${a.agencyId}`, applyTriage(a, options.triage)]));
  const triageLabel = triageLabels(options.triage);
  const officeView = options.assessments.map((a) => triaged.get(`${a.year}/${a.agencyId}`)?.assessment ?? a);
  const assessments = officeView.filter((a) => inSlice(agencies.get(a.agencyId)));
  const year = assessments[0]?.year ?? new Date(nowMs).getUTCFullYear() - 1;

  const problems = problemsOf(officeView, nowMs, options.previous);
  const rawProblems = options.triage ? problemsOf(options.assessments, nowMs, options.previous) : problems;
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
  // A problem an official dismissed is not "resolved": it is still there, just not nagged about.
  const resolved = Object.values(previousProblems).filter(
    (p) => !problems[p.key] && !rawProblems[p.key] && sliceProblem(p),
  );
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
  const dismissed = { findings: 0, statuses: 0 };
  for (const assessment of assessments) {
    const triage = triaged.get(`${assessment.year}/${assessment.agencyId}`);
    if (triage) {
      dismissed.findings += triage.dismissed.length;
      if (triage.statusVerdict?.state === 'dismissed') dismissed.statuses++;
    }
    const agency = agencies.get(assessment.agencyId);
    const region = regionName(agency?.region ?? []);
    assessedIds.add(assessment.agencyId);
    byStatus[assessment.status]++;
    for (const flag of assessment.flags ?? [assessment.status]) byFlag[flag]++;
    const counts = regionCounts.get(summaryRegion(agency?.region ?? []));
    if (counts) counts.byStatus[assessment.status]++;
    const links = buildLinks(assessment, options.links);
    // The export carries every finding, dismissed ones too, each with its 核查状态.
    for (const finding of [...assessment.findings, ...(triage?.dismissed ?? [])]) {
      allFindings.push({
        region,
        agencyId: assessment.agencyId,
        agencyName: agency?.name ?? assessment.agencyId,
        year: assessment.year,
        status: assessment.status,
        finding,
        links,
        triage: triageLabel(assessment.agencyId, assessment.year, finding) ?? '',
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
      findings: worstFindings(assessment.findings, maxFindings).map((line) => {
        const finding = assessment.findings.find(
          (f) => f.rule === line.rule && oneSentence(f.message) === line.sentence,
        );
        const verdict = finding && options.triage?.forFinding(assessment.agencyId, assessment.year, finding);
        return verdict ? { ...line, verdict: describeVerdict(verdict) } : line;
      }),
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
    if (triage?.statusVerdict && triage.statusVerdict.state !== 'dismissed')
      row.statusVerdict = describeVerdict(triage.statusVerdict);
    if (agency?.liaison) row.liaison = agency.liaison;
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
    dismissed,
    byStatus,
    byFlag,
    byRegion: [...regionCounts.entries()]
      .sort(([a], [b]) => COLLATOR.compare(a, b))
      .map(([region, c]) => ({ region, ...c })),
  };
  const earlyWarning = earlyWarningOf(options, sliceAgencies, assessments, year, nowMs);
  // The attachments are the site's status workbook for the slice: the assessment as assessed, every
  // finding, and the officials' verdicts in 核查状态 (a dismissed finding is listed, marked 误报).
  const asAssessed = new Map(options.assessments.map((assessment) => [assessment.agencyId, assessment]));
  const agencyRows: DigestAgency[] = sliceAgencies.map((agency) => {
    const assessment = asAssessed.get(agency.id) ?? null;
    return {
      agency,
      assessment,
      findings: (assessment?.findings ?? []).map((finding) => ({
        finding,
        triage: triageLabel(agency.id, assessment?.year ?? year, finding) ?? '',
      })),
      triage: triageLabel(agency.id, assessment?.year ?? year) ?? '',
      links: assessment ? buildLinks(assessment, options.links) : agencyLinks(agency.id, options.links),
    };
  });
  return {
    isoWeek,
    generatedAt: toBeijingIso(nowMs),
    year,
    regionFilter,
    subject: subjectOf(isoWeek, year, byFlag, regionFilter, earlyWarning.items.length),
    earlyWarning,
    summary,
    regions,
    changes,
    allFindings,
    agencies: agencyRows,
    ...(options.fetchJobsLeft ? { fetchJobsLeft: options.fetchJobsLeft } : {}),
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

/**
 * Agencies of the slice with no report found yet (not assessed, or assessed without one) whose
 * deadline day is today or within `leadDays`, soonest first: the office can 催报 before the legal date.
 */
function earlyWarningOf(
  options: BuildDigestOptions,
  sliceAgencies: Agency[],
  assessments: Assessment[],
  year: number,
  nowMs: number,
): Digest['earlyWarning'] {
  const leadDays = options.leadDays ?? DEFAULT_LEAD_DAYS;
  const byId = new Map(assessments.map((a) => [a.agencyId, a]));
  const today = beijingDayNumber(nowMs);
  const items: EarlyWarningItem[] = [];
  for (const agency of sliceAgencies) {
    const assessment = byId.get(agency.id);
    if (assessment?.sha256 || assessment?.publishDate) continue;
    let deadline: ReturnType<typeof deadlineFor>;
    try {
      deadline = deadlineFor(agency, year, options.registry);
    } catch {
      continue;
    }
    if (nowMs >= deadline.lateFromMs) continue;
    const daysLeft = beijingDayNumber(deadline.lateFromMs - 1) - today;
    if (daysLeft > leadDays) continue;
    items.push({
      agencyId: agency.id,
      agencyName: agency.name,
      region: agency.region,
      deadline: deadline.date,
      daysLeft,
      statusLabel: assessment ? STATUS_LABELS[assessment.status] : '尚未抓取',
      ...(agency.liaison ? { liaison: agency.liaison } : {}),
    });
  }
  items.sort((a, b) => a.daysLeft - b.daysLeft || COLLATOR.compare(a.agencyName, b.agencyName));
  return { leadDays, items };
}

function subjectOf(isoWeek: string, year: number, byFlag: StatusCounts, region: string[], dueSoon = 0): string {
  const parts = (
    ['late', 'missing', 'inconsistent', 'unparseable', 'address-broken', 'blocked', 'unreachable'] as const
  )
    .filter((s) => byFlag[s] > 0)
    .map((s) => `${STATUS_LABELS[s]} ${byFlag[s]}`);
  const scope = region.length ? `（${region.join('')}）` : '';
  const tally = parts.length ? parts.join('，') : '未发现问题';
  const warning = dueSoon > 0 ? `【即将到期 ${dueSoon} 个机关未公开】` : '';
  return `${warning}政务公开年报监测周报 ${isoWeek}${scope}：${year}年度报告 ${tally}`;
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
