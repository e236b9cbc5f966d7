import { describe, expect, it } from 'vitest';
import { assessAgencyYear, carryoverFindings, nextState } from '../../shared/compliance/assess.ts';
import { FINDING_CATALOGUE } from '../../shared/findings/catalogue.ts';
import type { AnnualReport, ApplicationRow } from '../../shared/report/model.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import type { AgencyRunOutcome, ReportResult, SnapshotMeta } from '../../shared/storage/records.ts';

const agency = { id: 'lushi-fgw', level: 'county-department' as const }; // deadline 2025-01-31
const YEAR = 2024;
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function outcome(status: AgencyRunOutcome['status'], extra: Partial<AgencyRunOutcome> = {}): AgencyRunOutcome {
  return {
    agencyId: agency.id,
    year: YEAR,
    status,
    snapshots: status === 'found' ? [`raw/2024/${agency.id}/${SHA_A}.html`] : [],
    findings: [],
    pagesFetched: 2,
    ...extra,
  };
}

function snapshot(publishDate: string | null, sha256 = SHA_A): SnapshotMeta {
  return {
    agencyId: agency.id,
    year: YEAR,
    sha256,
    key: `raw/2024/${agency.id}/${sha256}.html`,
    url: 'http://example.gov.cn/art/1.html',
    pageUrl: 'http://example.gov.cn/art/1.html',
    title: '卢氏县发展和改革委员会2024年政府信息公开工作年度报告',
    fetchedAt: '2025-03-01T10:00:00+08:00',
    publishDate,
    publishDateSource: publishDate ? 'meta-pubdate' : null,
    otherDates: [],
    contentType: 'text/html',
    charset: 'utf-8',
    byteLength: 100,
    headers: {},
  };
}

function report(applications: AnnualReport['applications'] = null, notes: AnnualReport['notes'] = []): AnnualReport {
  return {
    agency: '卢氏县发展和改革委员会',
    year: YEAR,
    title: null,
    format: 'html',
    template: '2021',
    sections: {},
    activeDisclosure: null,
    applications,
    reviews: null,
    labelDeviations: [],
    notes,
    text: '',
  };
}

function result(findings: Finding[] = [], parsed: AnnualReport | null = report(), sha256 = SHA_A): ReportResult {
  return {
    agencyId: agency.id,
    year: YEAR,
    sha256,
    rawKey: `raw/2024/${agency.id}/${sha256}.html`,
    parserVersion: '1',
    parsedAt: '2025-03-01T10:00:00+08:00',
    report: parsed,
    findings,
  };
}

const arithError: Finding = {
  rule: 'arith.balance',
  severity: 'error',
  message: '表三“总计”列：一+二应等于三（七）+四，实为 10 ≠ 9。',
};

const NOW_AFTER = '2025-04-01T09:00:00+08:00';
const NOW_BEFORE = '2025-01-10T09:00:00+08:00';

describe('assessAgencyYear statuses', () => {
  it('is on-time when published on the deadline day', () => {
    const a = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('found'),
      snapshot: snapshot('2025-01-31T23:59:00+08:00'),
      result: result(),
    });
    expect(a.status).toBe('on-time');
    expect(a.flags).toEqual(['on-time']);
    expect(a.deadline).toBe('2025-01-31T23:59:59.999+08:00');
  });

  it('is on-time when found before a deadline that has not passed yet', () => {
    const a = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_BEFORE,
      outcome: outcome('found'),
      snapshot: snapshot('2025-01-05'),
      result: result(),
    });
    expect(a.status).toBe('on-time');
  });

  it('is late by whole Beijing days', () => {
    const a = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('found'),
      snapshot: snapshot('2025-02-01T00:00:00+08:00'),
      result: result(),
    });
    expect(a).toMatchObject({ status: 'late', daysLate: 1 });
  });

  it('is missing after the deadline when the site answered without a report, pending before it', () => {
    expect(assessAgencyYear({ agency, year: YEAR, now: NOW_AFTER, outcome: outcome('not-found') }).status).toBe(
      'missing',
    );
    expect(assessAgencyYear({ agency, year: YEAR, now: NOW_BEFORE, outcome: outcome('not-found') }).status).toBe(
      'pending',
    );
  });

  it('never calls an unreachable or blocked site missing, and says why', () => {
    const down = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('unreachable', { error: 'ETIMEDOUT' }),
    });
    expect(down.status).toBe('unreachable');
    // Plain words first, the technical error under them, and a next step.
    expect(down.reason).not.toContain('ETIMEDOUT');
    expect(down.detail).toBe('ETIMEDOUT');
    expect(down.reason).toContain('不代表该机关未公开');
    expect(down.nextStep).toContain('自动重试');
    const blocked = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('blocked', { error: 'robots.txt' }),
    });
    expect(blocked.status).toBe('blocked');
    expect(blocked.reason).toContain('robots.txt 禁止抓取');
    expect(blocked.nextStep).toBe('网站拦截自动访问，请联系该机关或手工核查。');
    const broken = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('address-broken', {
        error: '名录中的公开目录地址返回 HTTP 404（网站首页可以访问）：https://x/',
      }),
    });
    expect(broken.status).toBe('address-broken');
    expect(broken.flags).toEqual(['address-broken']);
    expect(broken.nextStep).toBe('名录地址失效，请更新名录。');
    expect(broken.detail).toContain('HTTP 404');
  });

  it('assesses an earlier report when today\u2019s fetch failed, flagging unreachable beside it', () => {
    const a = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('unreachable', { error: 'HTTP 503' }),
      snapshot: snapshot('2025-01-20'),
      result: result(),
    });
    expect(a.status).toBe('unreachable');
    expect(a.flags).toEqual(['unreachable']);
    const late = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('unreachable'),
      snapshot: snapshot('2025-02-20'),
      result: result(),
    });
    expect(late.flags).toEqual(['late', 'unreachable']);
  });

  it('is inconsistent on error findings, and late wins the status while both are flagged', () => {
    const inconsistent = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('found'),
      snapshot: snapshot('2025-01-20'),
      result: result([arithError]),
    });
    expect(inconsistent.status).toBe('inconsistent');
    expect(inconsistent.findings[0]?.rule).toBe('arith.balance');
    const both = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('found'),
      snapshot: snapshot('2025-02-10'),
      result: result([arithError]),
    });
    expect(both.status).toBe('late');
    expect(both.flags).toEqual(['late', 'inconsistent']);
    expect(both.findings.map((f) => f.rule)).toContain('arith.balance');
  });

  it('warnings alone do not make a report inconsistent', () => {
    const a = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('found'),
      snapshot: snapshot('2025-01-20'),
      result: result([{ rule: 'plausibility.fee-unit', severity: 'warning', message: '收费金额疑似以元为单位。' }]),
    });
    expect(a.status).toBe('on-time');
    expect(a.findings).toHaveLength(1);
  });

  it('is unparseable for a scanned PDF and does not invent arithmetic errors', () => {
    const scanned = report(null, [{ kind: 'no-text', detail: 'PDF 没有文字层' }]);
    const a = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('found'),
      snapshot: snapshot('2025-01-20'),
      result: result([arithError], scanned),
    });
    expect(a.status).toBe('unparseable');
    expect(a.reason).toContain('扫描件');
    expect(a.findings.some((f) => f.severity === 'error')).toBe(false);
    const nothing = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('found'),
      snapshot: snapshot('2025-01-20'),
      result: result([], null),
    });
    expect(nothing.status).toBe('unparseable');
  });

  it('falls back to the first-seen time when the page has no publish date, and says so', () => {
    const a = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('found'),
      snapshot: snapshot(null),
      result: result(),
    });
    expect(a.status).toBe('late');
    expect(a.publishDateSource).toBe('first-seen');
    expect(a.reason).toContain('首次抓取');
  });
});

describe('history', () => {
  it('reports an edit after publication and keeps both hashes', () => {
    const first = assessAgencyYear({
      agency,
      year: YEAR,
      now: '2025-01-25T09:00:00+08:00',
      outcome: outcome('found'),
      snapshot: { ...snapshot('2025-01-20'), firstSeenAt: '2025-01-25T09:00:00+08:00' },
      result: result(),
    });
    const state1 = nextState(undefined, first, {
      sha256: SHA_A,
      firstSeen: '2025-01-25T09:00:00+08:00',
      lastSeen: '2025-01-25T09:00:00+08:00',
    });
    expect(state1.firstSeen).toBe('2025-01-25T09:00:00+08:00');
    expect(state1.history).toHaveLength(1);

    const edited = assessAgencyYear({
      agency,
      year: YEAR,
      now: '2025-02-10T09:00:00+08:00',
      outcome: outcome('found'),
      snapshot: { ...snapshot('2025-01-20', SHA_B), firstSeenAt: '2025-02-10T09:00:00+08:00' },
      result: result([], report(), SHA_B),
      previous: state1,
    });
    expect(edited.status).toBe('on-time');
    const finding = edited.findings.find((f) => f.rule === 'compliance.report-edited');
    expect(finding?.message).toContain('2025-01-25');
    const state2 = nextState(state1, edited, {
      sha256: SHA_B,
      firstSeen: '2025-02-10T09:00:00+08:00',
      lastSeen: '2025-02-10T09:00:00+08:00',
    });
    expect(state2.snapshots.map((s) => s.sha256)).toEqual([SHA_A, SHA_B]);
    expect(state2.lastChanged).toBe(edited.assessedAt);
    expect(state2.history).toHaveLength(2);
  });

  it('reports a removal when a found report disappears from a reachable site', () => {
    const found = assessAgencyYear({
      agency,
      year: YEAR,
      now: '2025-01-25T09:00:00+08:00',
      outcome: outcome('found'),
      snapshot: snapshot('2025-01-20'),
      result: result(),
    });
    const state = nextState(undefined, found, { sha256: SHA_A, firstSeen: '2025-01-25T09:00:00+08:00', lastSeen: '' });
    const removed = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('not-found', {
        recheck: { url: 'https://x/art/1.html', status: 404, at: '2025-05-06T01:00:00Z' },
      }),
      previous: state,
    });
    expect(removed.status).toBe('missing');
    expect(removed.nextStep).toContain('撤下原因');
    expect(removed.detail).toContain('HTTP 404');
    expect(removed.findings[0]?.rule).toBe('compliance.report-removed');
    expect(removed.rawKey).toBe(found.rawKey);
    expect(nextState(state, removed).removedAt).toBe(removed.assessedAt);
    // A failed fetch is not a removal.
    const down = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('unreachable'),
      previous: state,
    });
    expect(down.findings.some((f) => f.rule === 'compliance.report-removed')).toBe(false);
    // Not listed, but no re-check proving the article is gone: no removal either.
    const unproven = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('not-found'),
      previous: state,
    });
    expect(unproven.findings.some((f) => f.rule === 'compliance.report-removed')).toBe(false);
  });

  it('does not add history entries when nothing changed', () => {
    const a = assessAgencyYear({ agency, year: YEAR, now: NOW_AFTER, outcome: outcome('not-found') });
    const s1 = nextState(undefined, a);
    const b = assessAgencyYear({ agency, year: YEAR, now: '2025-04-08T09:00:00+08:00', outcome: outcome('not-found') });
    const s2 = nextState(s1, b);
    expect(s2.history).toHaveLength(1);
    expect(s2.lastChanged).toBe(s1.lastChanged);
  });
});

describe('carry-over', () => {
  const cell = (value: number | null) => ({ value, at: { raw: String(value) } });
  const row = (total: number, natural: number): ApplicationRow => ({ total: cell(total), natural: cell(natural) });

  it('flags last year\u2019s 结转下年度 differing from this year\u2019s 上年结转, column by column', () => {
    const last = result([], { ...report({ carriedOver: row(5, 5) }), year: YEAR - 1 });
    const now = result([], report({ carriedIn: row(4, 5) }));
    const findings = carryoverFindings(last, now);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'carryover.mismatch', expected: 5, actual: 4 });
    expect(findings[0]?.message).toContain('2023年度报告');
    expect(carryoverFindings(last, result([], report({ carriedIn: row(5, 5) })))).toEqual([]);
    expect(carryoverFindings(null, now)).toEqual([]);
    // Only the year before counts: a stored report of another year is not compared.
    expect(carryoverFindings({ ...last, report: { ...(last.report as AnnualReport), year: YEAR - 2 } }, now)).toEqual(
      [],
    );
  });

  it('makes the assessment inconsistent, unless the validator already reported it', () => {
    const last = result([], { ...report({ carriedOver: row(5, 5) }), year: YEAR - 1 });
    const input = {
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('found'),
      snapshot: snapshot('2025-01-20'),
      previousYearResult: last,
    };
    const a = assessAgencyYear({ ...input, result: result([], report({ carriedIn: row(4, 4) })) });
    expect(a.status).toBe('inconsistent');
    expect(a.findings.filter((f) => f.rule === 'carryover.mismatch')).toHaveLength(2);
    const validatorSaid: Finding = { rule: 'carryover.mismatch', severity: 'error', message: '已由校验器报告。' };
    const b = assessAgencyYear({ ...input, result: result([validatorSaid], report({ carriedIn: row(4, 4) })) });
    expect(b.findings.filter((f) => f.rule === 'carryover.mismatch')).toHaveLength(1);
  });
});

describe('fetch limits are not the agency\u2019s fault', () => {
  it('does not call a found report missing when its archive record is unreadable', () => {
    const a = assessAgencyYear({ agency, year: YEAR, now: NOW_AFTER, outcome: outcome('found') });
    expect(a.status).toBe('unparseable');
    expect(a.reason).toContain('存档记录');
  });

  it('treats a list rendered by JavaScript as unreachable, not missing', () => {
    const a = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('not-found', {
        findings: [{ rule: 'fetch.js-rendered-list', severity: 'warning', message: '列表由 JavaScript 生成。' }],
      }),
    });
    expect(a.status).toBe('unreachable');
    expect(a.reason).toContain('JavaScript');
  });

  it('treats a result with no tables and an extraction error as unparseable', () => {
    const failed = result([{ rule: 'extract.parse-failed', severity: 'error', message: '无法解析该文件。' }]);
    const a = assessAgencyYear({
      agency,
      year: YEAR,
      now: NOW_AFTER,
      outcome: outcome('found'),
      snapshot: snapshot('2025-01-20'),
      result: failed,
    });
    expect(a.status).toBe('unparseable');
    expect(a.findings.some((f) => f.severity === 'error')).toBe(false);
  });
});

describe('the rule ids of these fixtures', () => {
  it('are ids that real rules emit', () => {
    const ids = [
      arithError.rule,
      'plausibility.fee-unit',
      'carryover.mismatch',
      'fetch.js-rendered-list',
      'extract.parse-failed',
    ];
    const catalogued = new Set(FINDING_CATALOGUE.map((info) => info.id));
    expect(ids.filter((id) => !catalogued.has(id))).toEqual([]);
  });
});
