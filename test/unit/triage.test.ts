import { describe, expect, it } from 'vitest';
import type { Assessment } from '../../shared/compliance/status.ts';
import {
  applyTriage,
  fingerprintFinding,
  parseTriageInput,
  recordTriage,
  TriageInputError,
  type TriageRecord,
  triageLookup,
} from '../../shared/triage/triage.ts';
import { InMemoryStore as MemoryStore } from '../support/synthetic-store.ts';

const CELL = { section: '三' as const, row: '三（七）总计', column: '自然人' };
const ERROR = {
  rule: 'arith.row-total',
  severity: 'error' as const,
  message: '各项之和为 12，填报为 21。',
  location: CELL,
};
const WARNING = { rule: 'struct.missing-section', severity: 'warning' as const, message: '缺少第六部分。' };

function assessment(findings = [ERROR, WARNING]): Assessment {
  return {
    agencyId: 'a',
    year: 2024,
    status: 'inconsistent',
    flags: ['inconsistent'],
    deadline: '2025-01-31T23:59:59.999+08:00',
    publishDate: '2025-01-20T10:00:00+08:00',
    findings,
    assessedAt: '2025-02-10T09:00:00+08:00',
    sha256: 'f'.repeat(64),
  };
}

describe('fingerprintFinding', () => {
  it('depends on agency, year, rule and cell only, so it survives re-parses', () => {
    const fp = fingerprintFinding('a', 2024, ERROR);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    // New wording, new numbers, same cell: same finding.
    expect(fingerprintFinding('a', 2024, { ...ERROR, message: '总计不符：应为 13。', expected: 13 } as never)).toBe(fp);
    expect(fingerprintFinding('a', 2025, ERROR)).not.toBe(fp);
    expect(fingerprintFinding('b', 2024, ERROR)).not.toBe(fp);
    expect(fingerprintFinding('a', 2024, { ...ERROR, location: { ...CELL, column: '法人' } })).not.toBe(fp);
    expect(fingerprintFinding('a', 2024, { ...ERROR, rule: 'arith.column-balance' })).not.toBe(fp);
  });
});

describe('recordTriage and applyTriage', () => {
  it('keeps the latest verdict per fingerprint and every verdict in the audit trail', async () => {
    const store = new MemoryStore();
    const fp = fingerprintFinding('a', 2024, ERROR);
    const now = new Date('2025-02-10T02:00:00Z');
    await store.put('state/2024/a.json', JSON.stringify({ current: assessment() }));
    await recordTriage(
      store,
      parseTriageInput({ action: 'confirm', agencyId: 'a', year: 2024, finding: fp, by: '甲' }),
      now,
    );
    const entry = await recordTriage(
      store,
      parseTriageInput({ action: 'dismiss', agencyId: 'a', year: 2024, finding: fp, by: '乙', reason: '误读' }),
      now,
    );
    expect(entry).toMatchObject({ rule: 'arith.row-total', cell: '三|三（七）总计|自然人', state: 'dismissed' });
    const record = JSON.parse(new TextDecoder().decode(await store.get('triage/2024/a.json'))) as TriageRecord;
    expect(Object.keys(record.current)).toEqual([fp]);
    expect(record.audit.map((e) => `${e.by}:${e.state}`)).toEqual(['甲:confirmed', '乙:dismissed']);
    // A fingerprint that names no finding of the agency-year is refused.
    await expect(
      recordTriage(
        store,
        parseTriageInput({ action: 'confirm', agencyId: 'a', year: 2024, finding: '0123456789abcdef', by: '甲' }),
        now,
      ),
    ).rejects.toThrow(TriageInputError);
  });

  it('drops dismissed findings, and inconsistent with them when no error is left', () => {
    const fp = fingerprintFinding('a', 2024, ERROR);
    const dismiss = {
      fingerprint: fp,
      agencyId: 'a',
      year: 2024,
      rule: ERROR.rule,
      cell: '',
      state: 'dismissed' as const,
      by: 'x',
      at: '',
      via: 'cli' as const,
    };
    const lookup = triageLookup([{ agencyId: 'a', year: 2024, current: { [fp]: dismiss }, audit: [dismiss] }]);
    const triaged = applyTriage(assessment(), lookup);
    expect(triaged.dismissed).toEqual([ERROR]);
    expect(triaged.assessment.findings).toEqual([WARNING]);
    expect(triaged.assessment.status).toBe('on-time');
    // Another error left: still inconsistent.
    const other = { ...ERROR, location: { ...CELL, column: '法人' } };
    expect(applyTriage(assessment([ERROR, other]), lookup).assessment.status).toBe('inconsistent');
    // No verdicts: unchanged.
    expect(applyTriage(assessment(), triageLookup([])).assessment).toEqual(assessment());
  });

  it('validates input in Chinese', () => {
    expect(() => parseTriageInput({ action: 'dismiss', agencyId: 'a', year: 2024, by: '甲' })).toThrow(/需要说明理由/);
    expect(() => parseTriageInput({ action: 'confirm', agencyId: 'a', year: 2024, by: ' ' })).toThrow(/操作人/);
    expect(() =>
      parseTriageInput({ action: 'notified', agencyId: 'a', year: 2024, by: '甲', noticeDate: '2/10' }),
    ).toThrow(/YYYY-MM-DD/);
    expect(() => parseTriageInput({ action: 'shred', agencyId: 'a', year: 2024, by: '甲' })).toThrow(TriageInputError);
  });
});
