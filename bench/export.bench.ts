/**
 * Excel in and out: importing the office's 300-agency list (.xlsx and GBK CSV), and writing the status
 * workbook, the CSVs and the evaluation for a registry of 10,000 agencies. Prints wall times and sizes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Assessment, ComplianceStatus } from '../shared/compliance/status.ts';
import { buildEvaluation } from '../shared/evaluate/model.ts';
import { renderEvaluationHtml } from '../shared/evaluate/render.ts';
import { toCsv } from '../shared/export/csv.ts';
import {
  AGENCY_COLUMNS,
  type AgencyExportInput,
  agencyStatusRows,
  FINDING_COLUMNS,
  findingExportRows,
} from '../shared/export/rows.ts';
import { statusWorkbook } from '../shared/export/workbook.ts';
import type { Agency, AgencyLevel } from '../shared/registry/agency.ts';
import { importAgencies } from '../shared/registry/import.ts';
import { readTable } from '../shared/registry/table.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'registry');

async function timed<T>(label: string, work: () => Promise<T> | T, runs = 3): Promise<T> {
  let best = Number.POSITIVE_INFINITY;
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = await work();
    best = Math.min(best, performance.now() - started);
  }
  console.log(`${label.padEnd(52)} ${best.toFixed(0).padStart(6)} ms (best of ${runs})`);
  return result as T;
}

const STATUSES: ComplianceStatus[] = [
  'on-time',
  'on-time',
  'on-time',
  'late',
  'missing',
  'inconsistent',
  'unreachable',
];
const LEVELS: AgencyLevel[] = [
  'county-department',
  'county-department',
  'county-government',
  'township',
  'city-department',
];

function syntheticRegistry(count: number): { agencies: Agency[]; assessments: Map<string, Assessment> } {
  const agencies: Agency[] = [];
  const assessments = new Map<string, Assessment>();
  for (let i = 0; i < count; i++) {
    const id = `agency-${i}`;
    const region = ['河南省', `第${i % 17}市`, `第${i % 157}县`];
    agencies.push({
      id,
      name: `${region[2]}第${i}局`,
      level: LEVELS[i % LEVELS.length] as AgencyLevel,
      region,
      listUrls: [`https://a${i}.example.gov.cn/`],
    });
    const status = STATUSES[i % STATUSES.length] as ComplianceStatus;
    assessments.set(id, {
      agencyId: id,
      year: 2024,
      status,
      flags: [status],
      deadline: '2025-01-31T23:59:59.999+08:00',
      publishDate: status === 'missing' || status === 'unreachable' ? null : '2025-01-20T09:00:00+08:00',
      ...(status === 'late' ? { daysLate: 12 } : {}),
      findings:
        status === 'inconsistent'
          ? [
              {
                rule: 'arith.row-total',
                severity: 'error',
                message: '表三某行各列之和与总计不符',
                expected: 10,
                actual: 12,
              },
            ]
          : [],
      assessedAt: '2025-04-07T10:00:00+08:00',
    });
  }
  return { agencies, assessments };
}

export async function run(): Promise<void> {
  const xlsx = readFileSync(path.join(FIXTURES, 'agencies-300.xlsx'));
  const csv = readFileSync(path.join(FIXTURES, 'agencies-300-gbk.csv'));
  await timed('registry import, 300 agencies (.xlsx)', async () =>
    importAgencies((await readTable(xlsx, 'a.xlsx')).rows),
  );
  await timed('registry import, 300 agencies (GBK CSV)', async () =>
    importAgencies((await readTable(csv, 'a.csv')).rows),
  );

  const { agencies, assessments } = syntheticRegistry(10_000);
  const inputs: AgencyExportInput[] = agencies.map((agency) => ({
    agency,
    year: 2024,
    assessment: assessments.get(agency.id) ?? null,
    links: { results: `agency/${agency.id}.html` },
  }));
  const rows = agencyStatusRows(inputs);
  const findings = findingExportRows(inputs);
  const bytes = await timed('status workbook, 10,000 agencies', () =>
    statusWorkbook(rows, findings, { year: 2024, generatedAt: new Date(0) }),
  );
  console.log(`${''.padEnd(52)} ${(bytes.byteLength / 1024).toFixed(0).padStart(6)} KB`);
  await timed(
    'agencies.csv + findings.csv, 10,000 agencies',
    () => toCsv(AGENCY_COLUMNS, rows).length + toCsv(FINDING_COLUMNS, findings).length,
  );
  const html = await timed('evaluation model + HTML, 10,000 agencies', () =>
    renderEvaluationHtml(buildEvaluation({ year: 2024, agencies, assessments, now: new Date(0) })),
  );
  console.log(`${''.padEnd(52)} ${(html.length / 1024).toFixed(0).padStart(6)} KB of HTML`);
}
