/**
 * The exports with the office's triage and the statuses that say we could not check: the status
 * workbook (read back with exceljs) and the CSVs, from the digest and from the site, through the real
 * triage store API (recordTriage → loadTriage).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { run as exportCli } from '../../shared/cli/export.ts';
import type { Assessment } from '../../shared/compliance/status.ts';
import { agencyScore } from '../../shared/evaluate/model.ts';
import { SHEET_AGENCIES, SHEET_FINDINGS, SHEET_REGIONS } from '../../shared/export/workbook.ts';
import { buildDigest } from '../../shared/notify/digest.ts';
import { renderAgenciesCsv, renderFindingsCsv, renderStatusWorkbook } from '../../shared/notify/render.ts';
import type { Agency } from '../../shared/registry/agency.ts';
import type { Finding } from '../../shared/rules/finding.ts';
import { generateSite } from '../../shared/site/generate.ts';
import { regionListPath, regionWorkbookPath } from '../../shared/site/paths.ts';
import { openStore } from '../../shared/storage/open-store.ts';
import type { ObjectStore } from '../../shared/storage/port.ts';
import {
  findingCell,
  fingerprintFinding,
  loadTriage,
  parseTriageInput,
  recordTriage,
} from '../../shared/triage/triage.ts';
import { InMemoryStore, writeAgencyCase } from '../support/synthetic-store.ts';

const YEAR = 2024;
const NOW = '2025-03-03T10:00:00+08:00';
const DEADLINE = '2025-01-31T23:59:59.999+08:00';
const REGION = ['河南省', '三门峡市', '卢氏县'];

const ERROR: Finding = {
  rule: 'arith.row-total',
  severity: 'error',
  message: '表三“自然人”列各项之和为 12，填报总计为 21。',
  location: { section: '三', row: '三（七）总计', column: '自然人' },
  expected: 12,
  actual: 21,
};
const WARNING: Finding = { rule: 'struct.missing-section', severity: 'warning', message: '缺少第六部分。' };

function agency(id: string, name: string): Agency {
  return { id, name, level: 'county-department', region: REGION, listUrls: [`https://${id}.example.gov.cn/ndbg/`] };
}

const AGENCIES = [
  agency('a-inconsistent', '卢氏县甲局'),
  agency('b-blocked', '卢氏县乙局'),
  agency('c-broken', '卢氏县丙局'),
  agency('d-missing', '卢氏县丁局'),
];

function assessment(agencyId: string, extra: Partial<Assessment>): Assessment {
  return {
    agencyId,
    year: YEAR,
    status: 'on-time',
    deadline: DEADLINE,
    publishDate: null,
    findings: [],
    assessedAt: NOW,
    ...extra,
  };
}

const ASSESSMENTS: Assessment[] = [
  assessment('a-inconsistent', {
    status: 'inconsistent',
    flags: ['inconsistent'],
    publishDate: '2025-01-20T10:00:00+08:00',
    sha256: 'a'.repeat(64),
    findings: [ERROR, WARNING],
  }),
  assessment('b-blocked', {
    status: 'blocked',
    flags: ['blocked'],
    reason: '网站拦截自动访问（反爬虫验证），不代表该机关未公开。',
  }),
  assessment('c-broken', { status: 'address-broken', flags: ['address-broken'] }),
  assessment('d-missing', { status: 'missing', flags: ['missing'] }),
];

/** Dismisses the error of a-inconsistent (by rule and cell) and records 督办 on d-missing's status. */
async function triageStore<S extends ObjectStore = InMemoryStore>(store: S = new InMemoryStore() as never): Promise<S> {
  const now = new Date('2025-03-02T02:00:00Z');
  await recordTriage(
    store,
    parseTriageInput({
      action: 'dismiss',
      agencyId: 'a-inconsistent',
      year: YEAR,
      rule: ERROR.rule,
      cell: findingCell(ERROR),
      by: '张三',
      reason: '合计行含上年结转，报告无误',
    }),
    now,
  );
  await recordTriage(
    store,
    parseTriageInput({ action: 'notified', agencyId: 'd-missing', year: YEAR, by: '李四', noticeDate: '2025-03-01' }),
    now,
  );
  return store;
}

async function readWorkbook(bytes: Uint8Array | undefined): Promise<ExcelJS.Workbook> {
  expect(bytes).toBeDefined();
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes as Uint8Array) as unknown as ArrayBuffer);
  return workbook;
}

/** The rows of a sheet as header → value records. */
function sheetRows(workbook: ExcelJS.Workbook, name: string): Record<string, unknown>[] {
  const sheet = workbook.getWorksheet(name) as ExcelJS.Worksheet;
  const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
  return Array.from({ length: sheet.rowCount - 1 }, (_, i) => {
    const row = sheet.getRow(i + 2);
    return Object.fromEntries(header.map((h, c) => [h, row.getCell(c + 1).value]));
  });
}

describe('the digest workbook with triage', () => {
  it('lists a dismissed finding with 核查状态 误报 and its fingerprint, and a status verdict on the agency row', async () => {
    const triage = await loadTriage(await triageStore(), YEAR);
    const digest = buildDigest({ registry: { agencies: AGENCIES }, assessments: ASSESSMENTS, now: NOW, triage });
    // The email no longer lists the dismissed error ...
    expect(digest.summary.dismissed.findings).toBe(1);
    const workbook = await readWorkbook(await renderStatusWorkbook(digest));

    // ... but the workbook still has it, marked, with the fingerprint `nianbao triage --finding` takes.
    const findings = sheetRows(workbook, SHEET_FINDINGS);
    expect(findings.map((row) => [row.规则, row.核查状态])).toEqual([
      [ERROR.rule, '误报'],
      [WARNING.rule, null],
    ]);
    expect(findings[0]?.问题指纹).toBe(fingerprintFinding('a-inconsistent', YEAR, ERROR));

    const agencies = sheetRows(workbook, SHEET_AGENCIES);
    expect(agencies.map((row) => [row.机关编号, row.状态, row.核查状态])).toEqual([
      // As assessed, like the site's workbook: the verdict is in the finding's 核查状态.
      ['a-inconsistent', '数据不一致', null],
      ['b-blocked', '网站拦截', null],
      ['c-broken', '名录地址失效', null],
      ['d-missing', '未公开', '已督办'],
    ]);
    expect(agencies[1]?.原因).toContain('不代表该机关未公开');

    // Blocked and address-broken are our failure to check: outside the denominators, as 无法核查.
    const total = sheetRows(workbook, SHEET_REGIONS).at(-1) as Record<string, unknown>;
    expect(total).toMatchObject({ 地区: '合计', 机关数: 4, 应公开: 2, 已公开: 1, 未公开: 1, 无法核查: 2 });
    expect(total.问题率).toBe(1);
    expect(total.按时公开率).toBeCloseTo(0.5);

    // The CSV attachments carry the same 核查状态.
    expect(renderFindingsCsv(digest)).toMatch(/arith\.row-total,.*,误报,[0-9a-f]{16},/);
    expect(
      renderAgenciesCsv(digest)
        .split('\r\n')
        .find((line) => line.includes('d-missing')),
    ).toContain('已督办');
  });

  it('leaves 核查状态 empty without verdicts (the test above can fail)', async () => {
    const digest = buildDigest({ registry: { agencies: AGENCIES }, assessments: ASSESSMENTS, now: NOW });
    const workbook = await readWorkbook(await renderStatusWorkbook(digest));
    expect(sheetRows(workbook, SHEET_FINDINGS).map((row) => row.核查状态)).toEqual([null, null]);
    expect(sheetRows(workbook, SHEET_AGENCIES).map((row) => row.核查状态)).toEqual([null, null, null, null]);
  });
});

describe('the site workbook with triage', () => {
  it("marks the dismissed finding in the region's workbook and the 核查 filter of its listing", async () => {
    const store = new InMemoryStore();
    const [a, b, , d] = AGENCIES as [Agency, Agency, Agency, Agency];
    await writeAgencyCase(store, {
      agency: a,
      year: YEAR,
      status: 'inconsistent',
      findings: [ERROR, WARNING],
      deadline: DEADLINE,
      publishDate: '2025-01-20T10:00:00+08:00',
      history: [{ at: '2025-01-21T02:00:00Z', status: 'inconsistent' }],
    });
    await writeAgencyCase(store, {
      agency: b,
      year: YEAR,
      status: 'blocked',
      deadline: DEADLINE,
      history: [{ at: '2025-02-03T02:00:00Z', status: 'blocked' }],
    });
    await writeAgencyCase(store, {
      agency: d,
      year: YEAR,
      status: 'missing',
      deadline: DEADLINE,
      history: [{ at: '2025-02-03T02:00:00Z', status: 'missing' }],
    });
    await triageStore(store);
    await generateSite(store, { registry: { agencies: AGENCIES }, now: new Date('2025-03-03T02:00:00Z') });

    const region = (AGENCIES[0] as Agency).region;
    const workbook = await readWorkbook(await store.get(`site/${regionWorkbookPath(region, YEAR)}`));
    const findings = sheetRows(workbook, SHEET_FINDINGS);
    const dismissed = findings.find((row) => row.规则 === ERROR.rule);
    expect(dismissed?.核查状态).toBe('误报');
    expect(dismissed?.问题指纹).toBe(fingerprintFinding('a-inconsistent', YEAR, ERROR));
    expect(findings.find((row) => row.规则 === WARNING.rule)?.核查状态).toBeNull();
    const agencies = sheetRows(workbook, SHEET_AGENCIES);
    expect(agencies.map((row) => [row.机关编号, row.状态, row.核查状态])).toEqual([
      ['a-inconsistent', '数据不一致', null],
      ['b-blocked', '网站拦截', null],
      ['c-broken', '未评估', null],
      ['d-missing', '未公开', '已督办'],
    ]);
    const total = sheetRows(workbook, SHEET_REGIONS).at(-1) as Record<string, unknown>;
    expect(total).toMatchObject({ 应公开: 2, 无法核查: 1, 未评估: 1 });

    const text = (key: string) => store.get(key).then((bytes) => new TextDecoder().decode(bytes));
    // The listing's rows carry each agency-year's verdicts (the 核查 filter): [id, …, verdicts per year].
    const listing = await text(`site/${regionListPath(region)}`);
    const data = JSON.parse(
      /<script type="application\/json" id="agency-data">(.*?)<\/script>/s.exec(listing)?.[1] ?? '',
    );
    const verdicts = new Map((data.agencies as unknown[][]).map((row) => [row[0], (row[6] as string[])[0]]));
    expect(verdicts.get('a-inconsistent')).toBe('dismissed');
    expect(verdicts.get('d-missing')).toBe('notified');
    expect(verdicts.get('b-blocked')).toBe('');
    // The evaluation scores nobody we could not check.
    expect(agencyScore(ASSESSMENTS[1] as Assessment)).toBeNull();
    expect(agencyScore(ASSESSMENTS[2] as Assessment)).toBeNull();
    expect(await text(`site/evaluation-${YEAR}.html`)).toContain('无法核查');
  });
});

describe('nianbao export with triage', () => {
  it('writes the verdicts of the store into the workbook and both CSVs', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nianbao-export-triage-'));
    try {
      const store = openStore(path.join(dir, 'store'));
      await writeAgencyCase(store, {
        agency: AGENCIES[0] as Agency,
        year: YEAR,
        status: 'inconsistent',
        findings: [ERROR, WARNING],
        deadline: DEADLINE,
        publishDate: '2025-01-20T10:00:00+08:00',
        history: [{ at: '2025-01-21T02:00:00Z', status: 'inconsistent' }],
      });
      await triageStore(store);
      const registry = path.join(dir, 'registry.yaml');
      await writeFile(
        registry,
        `agencies:\n${AGENCIES.map((a) => `  - { id: ${a.id}, name: ${a.name}, level: ${a.level}, region: ${REGION.join('/')}, listUrls: ${a.listUrls[0]} }`).join('\n')}\n`,
      );
      const out = (name: string) => path.join(dir, name);
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const code = await exportCli([
        ...['--store', path.join(dir, 'store'), '--registry', registry, '--year', String(YEAR), '--now', NOW],
        ...['--xlsx', out('s.xlsx'), '--csv', out('a.csv'), '--findings-csv', out('f.csv')],
      ]);
      log.mockRestore();
      expect(code).toBe(0);
      const workbook = await readWorkbook(new Uint8Array(await readFile(out('s.xlsx'))));
      expect(sheetRows(workbook, SHEET_FINDINGS).find((row) => row.规则 === ERROR.rule)?.核查状态).toBe('误报');
      expect(sheetRows(workbook, SHEET_AGENCIES).find((row) => row.机关编号 === 'd-missing')?.核查状态).toBe('已督办');
      expect(await readFile(out('f.csv'), 'utf8')).toMatch(/arith\.row-total,.*,误报,[0-9a-f]{16},/);
      expect(await readFile(out('a.csv'), 'utf8')).toMatch(/d-missing.*已督办/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
