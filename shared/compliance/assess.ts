/**
 * Compliance assessment of one agency-year, and its history across runs.
 *
 * Precedence of the primary `status` (every aspect that applies is kept in `flags`, primary first):
 *   missing > late > unparseable > inconsistent > unreachable > pending > on-time
 * - A report found before the deadline is on-time even while the deadline is still ahead.
 * - late AND inconsistent: status `late`, flags ['late', 'inconsistent'], the error findings listed.
 * - unparseable (no text, e.g. a scanned PDF, or nothing parsed) suppresses the validator's error
 *   findings: arithmetic on text we could not read would be invented.
 * - A failed fetch never counts against the agency. It says what happened: `address-broken` (a registry
 *   address answers 404/410 while the site answers), `blocked` (anti-bot, robots.txt, refused address)
 *   or `unreachable` (timeout, 5xx, DNS, a site down as a whole). With no earlier report that is the
 *   status; with a report found by an earlier run, that report is assessed and the failure is a flag.
 * - Withdrawn (`compliance.report-removed`, status missing or pending) only when the site answered,
 *   the list no longer shows the report AND the archived article URL itself answered 404/410 (the
 *   scan's re-check, `outcome.recheck`). Without that proof the earlier report is assessed as before.
 * - A report whose bytes changed after it was first found: `compliance.report-edited` (warning).
 */
import type { Agency, Registry } from '../registry/agency.ts';
import { APPLICANT_COLUMN_LABELS, APPLICANT_COLUMNS, APPLICATION_ROW_LABELS, unreadNote } from '../report/model.ts';
import type { Finding } from '../rules/finding.ts';
import { SEVERITY_RANK } from '../rules/finding.ts';
import { YOY_RULE_INFO, YOY_RULES } from '../rules/yoy.ts';
import type { AgencyRunOutcome, ReportResult, SnapshotMeta } from '../storage/records.ts';
import { beijingDate, daysAfterDeadline, deadlineFor, parseBeijingInstant, toBeijingIso } from './deadline.ts';
import { type AgencyYearState, type Assessment, type ComplianceStatus, NEXT_STEPS } from './status.ts';

/** Order in which aspects win the primary status (see the module comment). */
export const STATUS_PRECEDENCE: readonly ComplianceStatus[] = [
  'missing',
  'late',
  'unparseable',
  'inconsistent',
  'address-broken',
  'blocked',
  'unreachable',
  'pending',
  'on-time',
];

export const COMPLIANCE_RULES = {
  reportEdited: 'compliance.report-edited',
  reportRemoved: 'compliance.report-removed',
  carryoverMismatch: 'carryover.mismatch',
} as const;

export interface AssessInput {
  agency: Pick<Agency, 'id' | 'level' | 'deadline'>;
  year: number;
  registry?: { deadlines?: Partial<Registry['deadlines']> };
  /** The moment of assessment (ISO string or epoch ms); never read from the clock. */
  now: string | number;
  /** The agency's latest fetch outcome for the year. */
  outcome?: AgencyRunOutcome;
  /**
   * The chosen report's snapshot: from the latest outcome when it was `found`, or from an earlier run
   * when the latest fetch failed.
   */
  snapshot?: SnapshotMeta;
  /** Parser and validator output for `snapshot`, when stored. */
  result?: ReportResult;
  /** Last year's result for the same agency (carry-over check). */
  previousYearResult?: ReportResult | null;
  /** The stored history before this assessment. */
  previous?: AgencyYearState;
}

/** Assesses one agency-year. Pure: everything it needs is passed in. */
export function assessAgencyYear(input: AssessInput): Assessment {
  const { agency, year, outcome, snapshot, result, previous } = input;
  const nowMs = typeof input.now === 'number' ? input.now : Date.parse(input.now);
  const deadline = deadlineFor(agency, year, input.registry);
  const deadlinePassed = nowMs >= deadline.lateFromMs;
  const findings: Finding[] = [...(outcome?.findings ?? [])];
  const flags = new Set<ComplianceStatus>();
  const reasons: string[] = [];
  const base = {
    agencyId: agency.id,
    year,
    deadline: deadline.endOfDay,
    assessedAt: toBeijingIso(nowMs),
  };
  const failure = fetchFailureOf(outcome);
  const details: string[] = [];
  if (failure) {
    reasons.push(failure.reason);
    if (failure.detail) details.push(failure.detail);
  }

  if (!snapshot && outcome?.status === 'found') {
    // The fetcher found a report but its archive record is not readable: say so, blame nobody.
    flags.add('unparseable');
    reasons.push('已找到报告，但存档记录缺失或无法读取，暂无法核对');
    return finish(base, flags, findings, reasons, details, { publishDate: null, rawKey: outcome.snapshots[0] });
  }
  if (!snapshot) {
    let publishDate: string | null = null;
    const recheck = outcome?.recheck;
    if (outcome?.status === 'not-found' && previous?.snapshots.length && recheck && isGone(recheck.status)) {
      const last = previous.current;
      findings.push({
        rule: COMPLIANCE_RULES.reportRemoved,
        severity: 'error',
        message: `此前已于${dateOf(previous.firstSeen)}找到的${year}年度报告，本次检查时网站可以访问，公开目录中已没有该报告，原文地址也返回 HTTP ${recheck.status}（发布后被撤下）。`,
      });
      reasons.push('报告发布后被撤下：公开目录中已没有该报告，原文地址也已失效');
      details.push(`复查原文地址 ${recheck.url}：HTTP ${recheck.status}`);
      publishDate = last.publishDate;
    }
    if (failure) flags.add(failure.status);
    else flags.add(deadlinePassed ? 'missing' : 'pending');
    if (!failure && !reasons.length) {
      reasons.push(
        deadlinePassed
          ? `期限 ${deadline.date} 已过，网站可以访问，但在公开目录中未找到${year}年度报告`
          : `期限 ${deadline.date} 尚未届满`,
      );
    }
    return finish(base, flags, findings, reasons, details, {
      publishDate,
      rawKey: previous?.current.rawKey,
      resultKey: previous?.current.resultKey,
      sourceUrl: previous?.current.sourceUrl,
      pageUrl: previous?.current.pageUrl,
    });
  }

  // A report is at hand: timeliness first.
  const earliestSeen = earliestFirstSeen(previous, snapshot);
  const publishedMs =
    (snapshot.publishDate ? parseBeijingInstant(snapshot.publishDate) : undefined) ??
    (earliestSeen ? parseBeijingInstant(earliestSeen) : undefined);
  let daysLate: number | undefined;
  if (publishedMs === undefined || publishedMs >= deadline.lateFromMs) {
    flags.add('late');
    daysLate = publishedMs === undefined ? undefined : daysAfterDeadline(publishedMs, deadline);
    if (!snapshot.publishDate || snapshot.publishDateSource === 'first-seen') {
      reasons.push('页面未标明发布日期，按首次抓取到的时间计算');
    }
  } else {
    flags.add('on-time');
  }

  // Then content.
  const unparseable = unparseableReason(result);
  if (unparseable) {
    flags.add('unparseable');
    reasons.push(unparseable);
    // Keep what the parser said about the document, drop arithmetic we could not have checked.
    findings.push(...(result?.findings ?? []).filter((f) => f.severity !== 'error'));
  } else if (result) {
    findings.push(...result.findings);
    if (!result.findings.some((f) => f.rule === COMPLIANCE_RULES.carryoverMismatch)) {
      findings.push(...carryoverFindings(input.previousYearResult ?? null, result, year));
    }
    findings.push(...yearOnYearFindings(input.previousYearResult ?? null, result));
    if (findings.some((f) => f.severity === 'error')) flags.add('inconsistent');
  }

  // History: edits after publication.
  const edited = editedFinding(previous, snapshot);
  if (edited) findings.push(edited);

  if (failure) {
    flags.add(failure.status);
    reasons.push(`沿用 ${dateOf(snapshot.lastSeenAt ?? snapshot.fetchedAt)} 抓取的报告`);
  } else if (outcome?.status === 'not-found') {
    // Not listed any more, but no proof it was taken down (no re-check on record): keep the earlier report.
    reasons.push(`本次在公开目录中未找到，沿用 ${dateOf(snapshot.lastSeenAt ?? snapshot.fetchedAt)} 抓取的报告`);
  }

  return finish(base, flags, findings, reasons, details, {
    publishDate: publishedMs === undefined ? null : toBeijingIso(publishedMs),
    publishDateSource: snapshot.publishDate ? snapshot.publishDateSource : 'first-seen',
    daysLate,
    rawKey: snapshot.key,
    resultKey: result ? resultKeyOf(result) : undefined,
    sourceUrl: snapshot.url,
    pageUrl: snapshot.pageUrl,
    title: snapshot.title,
    sha256: snapshot.sha256,
  });
}

function finish(
  base: Pick<Assessment, 'agencyId' | 'year' | 'deadline' | 'assessedAt'>,
  flagSet: Set<ComplianceStatus>,
  findings: Finding[],
  reasons: string[],
  details: string[],
  rest: Partial<Assessment> & { publishDate: string | null },
): Assessment {
  const flags = STATUS_PRECEDENCE.filter((s) => flagSet.has(s));
  // 'on-time' is not an aspect beside a problem: a late-free report with errors is just inconsistent.
  const shown = flags.length > 1 ? flags.filter((s) => s !== 'on-time' && s !== 'pending') : flags;
  const status = shown[0] ?? 'pending';
  const sorted = [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const assessment: Assessment = { ...base, status, flags: shown, findings: sorted, ...rest };
  if (reasons.length) assessment.reason = `${reasons.join('；')}。`;
  const removed = findings.some((f) => f.rule === COMPLIANCE_RULES.reportRemoved);
  const steps = [
    ...(removed ? ['请联系该机关核实撤下原因，并要求恢复公开'] : []),
    ...shown.map((s) => NEXT_STEPS[s]).filter((step) => step !== '' && !(removed && step === NEXT_STEPS.missing)),
  ];
  if (steps.length) assessment.nextStep = `${[...new Set(steps)].join('；')}。`;
  if (details.length) assessment.detail = details.join('；');
  for (const key of Object.keys(assessment) as (keyof Assessment)[]) {
    if (assessment[key] === undefined) delete assessment[key];
  }
  return assessment;
}

function isGone(status: number): boolean {
  return status === 404 || status === 410;
}

/** Fetch findings that mean the list page could not be read, so "not found" proves nothing. */
const UNREADABLE_LIST: Record<string, { status: ComplianceStatus; reason: string }> = {
  'fetch.js-rendered-list': {
    status: 'unreachable',
    reason: '公开目录由 JavaScript 动态加载，系统无法读取，不代表该机关未公开；可在名录中为该机关指定报告地址',
  },
  'fetch.anti-bot': { status: 'blocked', reason: '网站拦截自动访问（反爬虫验证），不代表该机关未公开' },
};

/**
 * What went wrong on our side, if anything: the status it maps to, a plain Chinese reason and the
 * technical detail (the fetcher's error, kept under the reason).
 */
function fetchFailureOf(
  outcome: AgencyRunOutcome | undefined,
): { status: ComplianceStatus; reason: string; detail?: string } | undefined {
  if (!outcome) return undefined;
  const detail = outcome.error;
  const withDetail = (status: ComplianceStatus, reason: string) => ({ status, reason, ...(detail ? { detail } : {}) });
  switch (outcome.status) {
    case 'address-broken':
      return withDetail(
        'address-broken',
        '名录中登记的地址已失效（返回 404/410，但网站首页可以访问），不代表该机关未公开',
      );
    case 'blocked':
      return withDetail('blocked', `网站拦截自动访问（${blockedCause(detail)}），不代表该机关未公开`);
    case 'unreachable':
      return withDetail(
        'unreachable',
        '本次未能访问该网站（超时、服务器错误、网络故障或网站整体停止服务），不代表该机关未公开',
      );
    case 'not-found': {
      const unreadable = outcome.findings.find((f) => UNREADABLE_LIST[f.rule]);
      if (!unreadable) return undefined;
      const known = UNREADABLE_LIST[unreadable.rule] as { status: ComplianceStatus; reason: string };
      return { status: known.status, reason: known.reason, detail: unreadable.message };
    }
    default:
      return undefined;
  }
}

/** Which wall stopped us, in plain words, from the fetcher's error text. */
function blockedCause(error: string | undefined): string {
  if (!error) return '反爬虫验证、robots.txt 或受限地址';
  if (/robots\.txt/.test(error)) return 'robots.txt 禁止抓取';
  if (/被拒绝|受限|云元数据|私有|环回/.test(error)) return '该地址属于受保护的网络地址，系统拒绝访问';
  return '反爬虫验证';
}

/** Why a result cannot be checked, or undefined when it can. */
function unparseableReason(result: ReportResult | undefined): string | undefined {
  if (!result) return '报告已存档，但尚无解析结果';
  if (!result.report) return '报告无法解析（未能读取内容）';
  const unread = unreadNote(result.report);
  if (unread?.kind === 'no-text') return '扫描件，无法自动核验（报告没有可提取的文字），请人工核对原件';
  if (unread) return `未能读取报告文件（${unread.detail}），请人工核对原件`;
  const { activeDisclosure, applications, reviews } = result.report;
  const extractionFailed = result.findings.some((f) => f.severity === 'error' && /^(extract|parse)\./.test(f.rule));
  if (!activeDisclosure && !applications && !reviews && extractionFailed) {
    return '未能从报告中读出任何表格，无法核对数据';
  }
  return undefined;
}

function resultKeyOf(result: ReportResult): string {
  return `results/${result.year}/${result.agencyId}/${result.sha256}.json`;
}

function earliestFirstSeen(previous: AgencyYearState | undefined, snapshot: SnapshotMeta): string | undefined {
  const candidates = [
    ...(previous?.snapshots.map((s) => s.firstSeen) ?? []),
    snapshot.firstSeenAt ?? snapshot.fetchedAt,
  ].filter((v): v is string => Boolean(v));
  return candidates.sort((a, b) => (parseBeijingInstant(a) ?? 0) - (parseBeijingInstant(b) ?? 0))[0];
}

function editedFinding(previous: AgencyYearState | undefined, snapshot: SnapshotMeta): Finding | undefined {
  const others = (previous?.snapshots ?? []).filter((s) => s.sha256 !== snapshot.sha256);
  if (!others.length) return undefined;
  const first = [...others].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen))[0];
  if (!first) return undefined;
  const versions = others.length + 1;
  return {
    rule: COMPLIANCE_RULES.reportEdited,
    severity: 'warning',
    message: `报告发布后被修改：${dateOf(first.firstSeen)}首次抓取的版本（${first.sha256.slice(0, 8)}）已被替换，共发现 ${versions} 个不同版本。`,
    expected: first.sha256,
    actual: snapshot.sha256,
  };
}

/**
 * The year-on-year rules (rules/yoy.ts) for a result parsed before last year's report was stored:
 * run here once both are at hand, unless the parse already ran them.
 */
export function yearOnYearFindings(previous: ReportResult | null, current: ReportResult): Finding[] {
  if (!previous?.report || !current.report) return [];
  const ran = new Set(YOY_RULE_INFO.map((info) => info.id));
  if (current.findings.some((f) => ran.has(f.rule))) return [];
  return YOY_RULES.flatMap((rule) =>
    rule(current.report as NonNullable<ReportResult['report']>, { previousYear: previous.report }),
  );
}

/** Last year's 四、结转下年度继续办理 must equal this year's 二、上年结转, column by column. */
export function carryoverFindings(previous: ReportResult | null, current: ReportResult, year: number): Finding[] {
  const before = previous?.report?.applications?.carriedOver;
  const now = current.report?.applications?.carriedIn;
  if (!before || !now) return [];
  const findings: Finding[] = [];
  for (const column of APPLICANT_COLUMNS) {
    const expected = before[column]?.value;
    const actual = now[column]?.value;
    if (expected === null || expected === undefined || actual === null || actual === undefined) continue;
    if (expected === actual) continue;
    findings.push({
      rule: COMPLIANCE_RULES.carryoverMismatch,
      severity: 'error',
      message: `${year - 1}年度报告“${APPLICATION_ROW_LABELS.carriedOver}”（${APPLICANT_COLUMN_LABELS[column]}）为 ${expected}，本年度报告“${APPLICATION_ROW_LABELS.carriedIn}”却为 ${actual}，两者应当相等。`,
      location: {
        section: '三',
        row: APPLICATION_ROW_LABELS.carriedIn,
        column: APPLICANT_COLUMN_LABELS[column],
        at: now[column]?.at,
      },
      expected,
      actual,
    });
  }
  return findings;
}

/**
 * The history record after `assessment`. `seen` describes the snapshot fetched in this run (absent
 * when nothing was fetched now, e.g. a failed fetch reusing an earlier report).
 */
export function nextState(
  previous: AgencyYearState | undefined,
  assessment: Assessment,
  seen?: { sha256: string; firstSeen: string; lastSeen: string },
): AgencyYearState {
  const snapshots = (previous?.snapshots ?? []).map((s) => ({ ...s }));
  if (seen) {
    const known = snapshots.find((s) => s.sha256 === seen.sha256);
    if (known) {
      if (seen.lastSeen > known.lastSeen) known.lastSeen = seen.lastSeen;
      if (seen.firstSeen < known.firstSeen) known.firstSeen = seen.firstSeen;
    } else {
      snapshots.push({ ...seen });
    }
  }
  const previousCurrent = previous?.current;
  const changed =
    !previousCurrent ||
    previousCurrent.status !== assessment.status ||
    previousCurrent.sha256 !== assessment.sha256 ||
    (previousCurrent.flags ?? []).join() !== (assessment.flags ?? []).join();
  const history = [...(previous?.history ?? [])];
  if (changed) {
    const entry: AgencyYearState['history'][number] = { at: assessment.assessedAt, status: assessment.status };
    if (assessment.sha256) entry.sha256 = assessment.sha256;
    history.push(entry);
  }
  const firstSeen =
    previous?.firstSeen ?? (snapshots.length ? ([...snapshots].sort(byFirstSeen)[0]?.firstSeen ?? null) : null);
  const state: AgencyYearState = {
    agencyId: assessment.agencyId,
    year: assessment.year,
    current: assessment,
    firstSeen,
    lastChanged: changed ? assessment.assessedAt : (previous?.lastChanged ?? assessment.assessedAt),
    snapshots,
    history,
  };
  const removed = assessment.findings.some((f) => f.rule === COMPLIANCE_RULES.reportRemoved);
  if (removed) state.removedAt = previous?.removedAt ?? assessment.assessedAt;
  return state;
}

function byFirstSeen(a: { firstSeen: string }, b: { firstSeen: string }): number {
  return (parseBeijingInstant(a.firstSeen) ?? 0) - (parseBeijingInstant(b.firstSeen) ?? 0);
}

function dateOf(iso: string | null | undefined): string {
  if (!iso) return '此前';
  const ms = parseBeijingInstant(iso);
  return ms === undefined ? iso : beijingDate(ms);
}

export { loadManifests, type UpdateAssessmentsOptions, updateAssessments } from './update.ts';
