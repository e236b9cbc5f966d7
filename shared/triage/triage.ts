/**
 * Triage: an official's verdict on a finding or on an agency-year's status — 已核实 (confirmed),
 * 误报 (dismissed, with a reason), 已整改 (rectified) or 已督办 (notified, with the notice date) — with
 * who and when. Kept in the store at `triage/{year}/{agencyId}.json` (keys.triage): the current verdict
 * per fingerprint plus an append-only audit trail.
 *
 * A finding's fingerprint depends only on agency, year, rule and cell (section/row/column), never on
 * the message text or the report's hash, so a verdict survives re-parses, new parser versions and
 * later runs. Verdicts on a rule as a whole (`--rule` without a cell) and on the status use the same
 * scheme with the cell `*` and the rule `status`.
 *
 * The small API the digest, the site and the exports use:
 *   fingerprintFinding(agencyId, year, finding) → string
 *   loadTriage(store, year?) → TriageLookup (forFinding, forStatus, entries)
 *   recordTriage(store, input, now) → TriageEntry (validated, audited)
 *   applyTriage(assessment, lookup) → the assessment without dismissed findings/status, and what was dismissed
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Assessment, ComplianceStatus } from '../compliance/status.ts';
import type { Finding } from '../rules/finding.ts';
import { keys, TRIAGE_PREFIX } from '../storage/keys.ts';
import { getJson, type ObjectStore, putJson } from '../storage/port.ts';

/** What an official does (CLI verbs). */
export const TRIAGE_ACTIONS = ['confirm', 'dismiss', 'rectified', 'notified'] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

/** The state a verdict leaves a finding in. */
export type TriageState = 'confirmed' | 'dismissed' | 'rectified' | 'notified';

const STATE_OF: Record<TriageAction, TriageState> = {
  confirm: 'confirmed',
  dismiss: 'dismissed',
  rectified: 'rectified',
  notified: 'notified',
};

/** Chinese labels (site badges, digest, CSV 核查状态 column). */
export const TRIAGE_LABELS: Record<TriageState, string> = {
  confirmed: '已核实',
  dismissed: '误报',
  rectified: '已整改',
  notified: '已督办',
};

/** The rule name a verdict on the agency-year's status uses. */
export const STATUS_TARGET = 'status';
/** The cell a verdict on a rule as a whole uses. */
export const ANY_CELL = '*';

export interface TriageEntry {
  fingerprint: string;
  agencyId: string;
  year: number;
  /** The rule judged, or 'status' for the agency-year status. */
  rule: string;
  /** section|row|column of the finding, '*' for every finding of the rule, '' for the status. */
  cell: string;
  state: TriageState;
  by: string;
  /** ISO instant the verdict was recorded. */
  at: string;
  reason?: string;
  /** Date the notice (督办) was sent, YYYY-MM-DD. */
  noticeDate?: string;
  /** Where it came from: the CLI or the signed HTTP endpoint (with the IAM caller). */
  via: 'cli' | 'http';
  caller?: string;
}

/** triage/{year}/{agencyId}.json */
export interface TriageRecord {
  agencyId: string;
  year: number;
  /** The latest verdict per fingerprint. */
  current: Record<string, TriageEntry>;
  /** Every verdict ever recorded, oldest first. */
  audit: TriageEntry[];
}

const FINGERPRINT = /^[0-9a-f]{16}$/;

/** The cell a finding points at, as `section|row|column` ('' when it names none). */
export function findingCell(finding: Pick<Finding, 'location'>): string {
  const at = finding.location;
  if (!at || (!at.section && !at.row && !at.column)) return '';
  return [at.section ?? '', at.row ?? '', at.column ?? ''].join('|');
}

function fingerprintOf(agencyId: string, year: number, rule: string, cell: string): string {
  return createHash('sha256')
    .update([agencyId, String(year), rule, cell].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}

/** The stable fingerprint of a finding: agency, year, rule, cell (16 hex digits). */
export function fingerprintFinding(
  agencyId: string,
  year: number,
  finding: Pick<Finding, 'rule' | 'location'>,
): string {
  return fingerprintOf(agencyId, year, finding.rule, findingCell(finding));
}

/** The fingerprint of a verdict on every finding of `rule` for the agency-year. */
export function fingerprintRule(agencyId: string, year: number, rule: string): string {
  return fingerprintOf(agencyId, year, rule, ANY_CELL);
}

/** The fingerprint of a verdict on the agency-year's status. */
export function fingerprintStatus(agencyId: string, year: number): string {
  return fingerprintOf(agencyId, year, STATUS_TARGET, '');
}

/** What the CLI and the HTTP endpoint accept (validated the same way). */
export const TriageInputSchema = z
  .strictObject({
    action: z.enum(TRIAGE_ACTIONS),
    agencyId: z.string().min(1).max(200),
    year: z.number().int().min(2008).max(2100),
    rule: z.string().min(1).max(100).optional(),
    finding: z
      .string()
      .regex(FINGERPRINT, '问题指纹应为 16 位十六进制（见 nianbao triage list 或结果网站）')
      .optional(),
    /** section|row|column, with `rule`, to name one cell without knowing its fingerprint. */
    cell: z.string().max(300).optional(),
    by: z.string().trim().min(1, '需要填写操作人（--by）').max(100),
    reason: z.string().trim().max(1000).optional(),
    noticeDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, '督办日期应为 YYYY-MM-DD')
      .optional(),
  })
  .refine((input) => input.action !== 'dismiss' || (input.reason ?? '') !== '', {
    message: '标记误报需要说明理由（--reason）',
    path: ['reason'],
  })
  .refine((input) => !(input.finding && input.rule), {
    message: '--finding 与 --rule 只能选一个',
    path: ['finding'],
  })
  .refine((input) => input.cell === undefined || input.rule !== undefined, {
    message: 'cell 需要与 rule 一起使用',
    path: ['cell'],
  });

export type TriageInput = z.infer<typeof TriageInputSchema>;

/** A triage request that failed validation; `issues` are Chinese. */
export class TriageInputError extends Error {
  readonly issues: { path: string; message: string }[];
  constructor(issues: { path: string; message: string }[]) {
    super(issues.map((issue) => (issue.path ? `${issue.path}：${issue.message}` : issue.message)).join('；'));
    this.name = 'TriageInputError';
    this.issues = issues;
  }
}

/** Validates a request body or CLI options; throws TriageInputError. */
export function parseTriageInput(raw: unknown): TriageInput {
  const parsed = TriageInputSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TriageInputError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}

/**
 * Records a verdict: the current one per fingerprint is replaced, the audit trail grows. `now` is
 * passed in (no clock here). The notice date defaults to `now`'s Beijing date for 督办.
 */
export async function recordTriage(
  store: ObjectStore,
  input: TriageInput,
  now: Date,
  origin: { via: 'cli' | 'http'; caller?: string } = { via: 'cli' },
): Promise<TriageEntry> {
  const { agencyId, year } = input;
  let rule = STATUS_TARGET;
  let cell = '';
  let fingerprint = fingerprintStatus(agencyId, year);
  if (input.finding) {
    fingerprint = input.finding;
    rule = '';
    cell = '';
  } else if (input.rule) {
    rule = input.rule;
    cell = input.cell ?? ANY_CELL;
    fingerprint = fingerprintOf(agencyId, year, rule, cell);
  }
  const key = keys.triage(year, agencyId);
  const record = (await getJson<TriageRecord>(store, key)) ?? { agencyId, year, current: {}, audit: [] };
  if (input.finding) {
    // The fingerprint alone hides rule and cell: name them from the current assessment's findings,
    // else from an earlier verdict; a fingerprint matching neither is refused (a typo, another agency).
    const state = await getJson<{ current?: Assessment }>(store, keys.state(year, agencyId));
    const finding = state?.current?.findings.find((f) => fingerprintFinding(agencyId, year, f) === fingerprint);
    const known = finding ? { rule: finding.rule, cell: findingCell(finding) } : record.current[fingerprint];
    if (!known) {
      throw new TriageInputError([
        {
          path: 'finding',
          message: `${agencyId} ${year} 年度没有指纹为 ${fingerprint} 的问题（见 nianbao triage list --findings）`,
        },
      ]);
    }
    rule = known.rule;
    cell = known.cell;
  }
  const entry: TriageEntry = {
    fingerprint,
    agencyId,
    year,
    rule,
    cell,
    state: STATE_OF[input.action],
    by: input.by,
    at: now.toISOString(),
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.action === 'notified' ? { noticeDate: input.noticeDate ?? beijingDateOf(now) } : {}),
    via: origin.via,
    ...(origin.caller ? { caller: origin.caller } : {}),
  };
  record.current[fingerprint] = entry;
  record.audit.push(entry);
  await putJson(store, key, record);
  return entry;
}

/** Looks verdicts up for the digest, the site and the exports. */
export interface TriageLookup {
  /** The verdict on this finding: its own fingerprint first, then one on its whole rule. */
  forFinding(agencyId: string, year: number, finding: Pick<Finding, 'rule' | 'location'>): TriageEntry | undefined;
  /** The verdict on the agency-year's status. */
  forStatus(agencyId: string, year: number): TriageEntry | undefined;
  /** Every current verdict. */
  entries(): TriageEntry[];
  /** Every recorded verdict, oldest first (the audit trail). */
  audit(): TriageEntry[];
}

/** A lookup over records already read (tests, or callers that hold them). */
export function triageLookup(records: TriageRecord[]): TriageLookup {
  const byFingerprint = new Map<string, TriageEntry>();
  for (const record of records)
    for (const entry of Object.values(record.current)) byFingerprint.set(entry.fingerprint, entry);
  return {
    forFinding: (agencyId, year, finding) =>
      byFingerprint.get(fingerprintFinding(agencyId, year, finding)) ??
      byFingerprint.get(fingerprintRule(agencyId, year, finding.rule)),
    forStatus: (agencyId, year) => byFingerprint.get(fingerprintStatus(agencyId, year)),
    entries: () => [...byFingerprint.values()],
    audit: () => records.flatMap((r) => r.audit).sort((a, b) => a.at.localeCompare(b.at)),
  };
}

/** Every verdict in the store (or of one year). */
export async function loadTriage(store: ObjectStore, year?: number): Promise<TriageLookup> {
  const prefix = year === undefined ? TRIAGE_PREFIX : keys.triagePrefix(year);
  const records: TriageRecord[] = [];
  for (const key of await store.list(prefix)) {
    if (!key.endsWith('.json')) continue;
    const record = await getJson<TriageRecord>(store, key);
    if (record?.current && Array.isArray(record.audit)) records.push(record);
  }
  return triageLookup(records);
}

/** An assessment as the office sees it after triage. */
export interface TriagedAssessment {
  /** Without dismissed findings; without the status problem when the status was dismissed. */
  assessment: Assessment;
  /** Findings marked 误报. */
  dismissed: Finding[];
  /** The status verdict, if any. */
  statusVerdict?: TriageEntry;
}

/**
 * Drops what an official dismissed: dismissed findings go (counted apart), an `inconsistent` flag
 * that rested only on dismissed errors goes with them, and a dismissed status leaves the agency-year
 * with no problem status (`on-time` when a report is at hand, else `pending`). Pure.
 */
export function applyTriage(assessment: Assessment, lookup: TriageLookup | undefined): TriagedAssessment {
  if (!lookup) return { assessment, dismissed: [] };
  const { agencyId, year } = assessment;
  const dismissed: Finding[] = [];
  const kept: Finding[] = [];
  for (const finding of assessment.findings) {
    (lookup.forFinding(agencyId, year, finding)?.state === 'dismissed' ? dismissed : kept).push(finding);
  }
  const statusVerdict = lookup.forStatus(agencyId, year);
  let flags: ComplianceStatus[] = [...(assessment.flags ?? [assessment.status])];
  if (dismissed.length && !kept.some((f) => f.severity === 'error')) flags = flags.filter((f) => f !== 'inconsistent');
  if (statusVerdict?.state === 'dismissed') flags = [];
  if (flags.length === 0) flags = [assessment.sha256 ? 'on-time' : 'pending'];
  const changed = dismissed.length > 0 || flags.join() !== (assessment.flags ?? [assessment.status]).join();
  if (!changed) return { assessment, dismissed, ...(statusVerdict ? { statusVerdict } : {}) };
  return {
    assessment: { ...assessment, findings: kept, flags, status: flags[0] as ComplianceStatus },
    dismissed,
    ...(statusVerdict ? { statusVerdict } : {}),
  };
}

/** Short Chinese text for a verdict: '误报（张三，2025-02-10：报告在另一栏目）'. */
export function describeVerdict(entry: TriageEntry): string {
  const parts = [entry.by, entry.noticeDate ? `督办日期 ${entry.noticeDate}` : entry.at.slice(0, 10)];
  if (entry.reason) parts.push(entry.reason);
  return `${TRIAGE_LABELS[entry.state]}（${parts.join('，')}）`;
}

function beijingDateOf(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The 核查状态 label of the exports (shared/export's TriageLabel hook: workbook, findings.csv,
 * agencies.csv): with a finding its own verdict (or one on its whole rule), without one the verdict on
 * the agency-year's status. Undefined when nobody has judged it (or there is no lookup).
 */
export function triageLabels(
  lookup: TriageLookup | undefined,
): (agencyId: string, year: number, finding?: Pick<Finding, 'rule' | 'location'>) => string | undefined {
  return (agencyId, year, finding) => {
    const verdict = finding ? lookup?.forFinding(agencyId, year, finding) : lookup?.forStatus(agencyId, year);
    return verdict ? TRIAGE_LABELS[verdict.state] : undefined;
  };
}
