/**
 * The year's evaluation (年度评估) as data: rates by region and by level, a ranking of counties and of
 * departments, the most common defects with examples, and year-on-year change per region. Rates follow
 * shared/export/rates.ts (unknown is never 0). Pure: assessments and `now` come in.
 */
import { type Assessment, FETCH_FAILURE_STATUSES, STATUS_LABELS } from '../compliance/status.ts';
import { emptyCounts, type GroupRates, groupRates, ratesOf } from '../export/rates.ts';
import { AGENCY_LEVELS, type Agency, type AgencyLevel, LEVEL_LABELS } from '../registry/agency.ts';
import { ruleInfo } from '../rules/catalogue.ts';
import type { Finding, Severity } from '../rules/finding.ts';

export interface EvaluationInput {
  year: number;
  agencies: readonly Pick<Agency, 'id' | 'name' | 'level' | 'region'>[];
  /** This year's assessments by agency id (absent: not assessed). */
  assessments: ReadonlyMap<string, Assessment>;
  /** Last year's, for the year-on-year table (absent or empty: no comparison). */
  previous?: ReadonlyMap<string, Assessment>;
  now: Date;
  /** How many defects to list. @default 10 */
  maxDefects?: number;
  /** Examples per defect. @default 2 */
  examplesPerDefect?: number;
}

export interface RegionRates {
  /** Region path joined with '/', or '…（本级）' for agencies registered at a region above the grouping depth. */
  region: string;
  rates: GroupRates;
  /** Last year's rates for the same agencies' region, when there was an assessment. */
  previous: GroupRates | null;
}

export interface RankedRegion extends RegionRates {
  rank: number;
}

export interface AgencyScore {
  rank: number;
  agencyId: string;
  name: string;
  region: string;
  level: AgencyLevel;
  statusLabel: string;
  score: number;
  errors: number;
  warnings: number;
}

export interface Defect {
  rule: string;
  title: string;
  severity: Severity;
  findings: number;
  agencies: number;
  examples: { agency: string; message: string }[];
}

export interface Evaluation {
  year: number;
  generatedAt: string;
  total: GroupRates;
  previousTotal: GroupRates | null;
  /** Regions one level below what all agencies share (cities for a province's registry). */
  byRegion: RegionRates[];
  byLevel: { level: AgencyLevel; label: string; rates: GroupRates }[];
  /** Counties (two levels below the shared prefix) ranked; only those with something due. */
  countyRanking: RankedRegion[];
  /** Department-level agencies ranked by score; only those with a known, due status. */
  departmentRanking: AgencyScore[];
  defects: Defect[];
  hasPrevious: boolean;
}

/** Rules about our own fetching or code, not about the agency's report: never listed as its defects. */
const NOT_AGENCY_DEFECTS = /^(fetch|internal)\./;

/** Points per agency: 100 on time, 60 late, 0 missing; minus 10 per distinct error rule and 2 per warning; at least 0. */
export function agencyScore(assessment: Assessment): number | null {
  const status = assessment.status;
  // We could not check (unreachable, blocked, address broken; no report known): no score, never 0.
  if (status === 'pending' || FETCH_FAILURE_STATUSES.includes(status)) return null;
  if (status === 'missing') return 0;
  const late = status === 'late' || (assessment.flags ?? []).includes('late');
  const base = late ? 60 : 100;
  const own = assessment.findings.filter((f) => !NOT_AGENCY_DEFECTS.test(f.rule));
  const errorRules = new Set(own.filter((f) => f.severity === 'error').map((f) => f.rule)).size;
  const warnings = own.filter((f) => f.severity === 'warning').length;
  return Math.max(0, base - 10 * errorRules - 2 * warnings);
}

function commonPrefixLength(paths: string[][]): number {
  if (paths.length === 0) return 0;
  const first = paths[0] as string[];
  let length = first.length;
  for (const path of paths) {
    let i = 0;
    while (i < length && path[i] === first[i]) i++;
    length = i;
  }
  return length;
}

function regionAt(region: string[], depth: number): string {
  if (region.length === 0) return '（未填地区）';
  if (region.length < depth) return `${region.join('/')}（本级）`;
  return region.slice(0, depth).join('/');
}

const COLLATOR = new Intl.Collator('zh-Hans-CN');

/** Orders regions by 按时公开率, then 公开率 (higher first), then 问题率 (lower first), then name. */
function byRates(a: RegionRates, b: RegionRates): number {
  const value = (rate: number | null, worst: number) => rate ?? worst;
  return (
    value(b.rates.onTimeRate, -1) - value(a.rates.onTimeRate, -1) ||
    value(b.rates.publishRate, -1) - value(a.rates.publishRate, -1) ||
    value(a.rates.problemRate, 2) - value(b.rates.problemRate, 2) ||
    COLLATOR.compare(a.region, b.region)
  );
}

/** Builds the evaluation. */
export function buildEvaluation(input: EvaluationInput): Evaluation {
  const { agencies, assessments } = input;
  const previous = input.previous ?? new Map<string, Assessment>();
  const hasPrevious = previous.size > 0;
  const prefix = commonPrefixLength(agencies.filter((a) => a.region.length > 0).map((a) => a.region));
  const regionDepth = prefix + 1;
  const countyDepth = prefix + 2;
  const current = (agency: { id: string }) => assessments.get(agency.id) ?? null;
  const last = (agency: { id: string }) => previous.get(agency.id) ?? null;

  // An empty registry still has a total (every count 0, every rate unknown).
  const total = groupRates(agencies, () => 'all', current).get('all') ?? ratesOf(emptyCounts());
  const previousTotal = hasPrevious ? (groupRates(agencies, () => 'all', last).get('all') ?? null) : null;

  const regionRows = (depth: number): RegionRates[] => {
    const now = groupRates(agencies, (a) => regionAt(a.region, depth), current);
    const before = hasPrevious ? groupRates(agencies, (a) => regionAt(a.region, depth), last) : new Map();
    return [...now].map(([region, rates]) => {
      const prior = before.get(region) as GroupRates | undefined;
      return { region, rates, previous: prior && prior.due + prior.notDue + prior.unknown > 0 ? prior : null };
    });
  };
  const byRegion = regionRows(regionDepth).sort((a, b) => COLLATOR.compare(a.region, b.region));
  const countyRanking = regionRows(countyDepth)
    .filter((row) => !row.region.endsWith('（本级）') && row.region.split('/').length === countyDepth)
    .filter((row) => row.rates.due > 0)
    .sort(byRates)
    .map((row, index) => ({ ...row, rank: index + 1 }));

  const levels = groupRates(agencies, (a) => a.level, current);
  const byLevel = AGENCY_LEVELS.filter((level) => levels.has(level)).map((level) => ({
    level,
    label: LEVEL_LABELS[level],
    rates: levels.get(level) as GroupRates,
  }));

  const departmentRanking: AgencyScore[] = [];
  for (const agency of agencies) {
    if (!agency.level.endsWith('-department')) continue;
    const assessment = current(agency);
    const score = assessment ? agencyScore(assessment) : null;
    if (!assessment || score === null) continue;
    const own = assessment.findings.filter((f) => !NOT_AGENCY_DEFECTS.test(f.rule));
    departmentRanking.push({
      rank: 0,
      agencyId: agency.id,
      name: agency.name,
      region: agency.region.join('/'),
      level: agency.level,
      statusLabel: STATUS_LABELS[assessment.status] ?? assessment.status,
      score,
      errors: own.filter((f) => f.severity === 'error').length,
      warnings: own.filter((f) => f.severity === 'warning').length,
    });
  }
  departmentRanking.sort((a, b) => b.score - a.score || a.errors - b.errors || COLLATOR.compare(a.name, b.name));
  departmentRanking.forEach((row, index) => {
    // Equal scores share a rank (1, 2, 2, 4).
    const before = departmentRanking[index - 1];
    row.rank = before && before.score === row.score ? before.rank : index + 1;
  });

  return {
    year: input.year,
    generatedAt: input.now.toISOString(),
    total,
    previousTotal,
    byRegion,
    byLevel,
    countyRanking,
    departmentRanking,
    defects: commonDefects(agencies, assessments, input.maxDefects ?? 10, input.examplesPerDefect ?? 2),
    hasPrevious,
  };
}

function commonDefects(
  agencies: EvaluationInput['agencies'],
  assessments: ReadonlyMap<string, Assessment>,
  max: number,
  examplesPer: number,
): Defect[] {
  const byRule = new Map<
    string,
    { severity: Severity; findings: number; agencies: Set<string>; examples: Defect['examples'] }
  >();
  for (const agency of agencies) {
    const assessment = assessments.get(agency.id);
    if (!assessment) continue;
    // An unreadable report's leftover findings say nothing reliable about its content.
    const findings: Finding[] = assessment.findings.filter(
      (f) => f.severity !== 'info' && !NOT_AGENCY_DEFECTS.test(f.rule),
    );
    for (const finding of findings) {
      let entry = byRule.get(finding.rule);
      if (!entry) {
        entry = { severity: finding.severity, findings: 0, agencies: new Set(), examples: [] };
        byRule.set(finding.rule, entry);
      }
      entry.findings++;
      if (!entry.agencies.has(agency.id) && entry.examples.length < examplesPer) {
        entry.examples.push({ agency: agency.name, message: shorten(finding.message, 120) });
      }
      entry.agencies.add(agency.id);
    }
  }
  return [...byRule]
    .map(([rule, entry]) => ({
      rule,
      title: ruleInfo(rule)?.title ?? rule,
      severity: entry.severity,
      findings: entry.findings,
      agencies: entry.agencies.size,
      examples: entry.examples,
    }))
    .sort((a, b) => b.agencies - a.agencies || b.findings - a.findings || a.rule.localeCompare(b.rule))
    .slice(0, max);
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
