import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import type { Assessment } from '../../shared/compliance/status.ts';
import { toCsv } from '../../shared/export/csv.ts';
import { addToCounts, emptyCounts, formatRate, ratesOf } from '../../shared/export/rates.ts';
import {
  AGENCY_COLUMNS,
  type AgencyExportInput,
  agencyStatusRows,
  FINDING_COLUMNS,
  findingExportRows,
} from '../../shared/export/rows.ts';
import { SHEET_AGENCIES, SHEET_FINDINGS, SHEET_REGIONS, statusWorkbook } from '../../shared/export/workbook.ts';
import { dosDateTime, setZipEntryTimes } from '../../shared/export/zip-times.ts';

const base = { year: 2024, deadline: '2025-01-31T23:59:59.999+08:00', findings: [] };

function assessment(agencyId: string, extra: Partial<Assessment>): Assessment {
  return {
    ...base,
    agencyId,
    status: 'on-time',
    publishDate: null,
    assessedAt: '2025-03-02T10:00:00+08:00',
    ...extra,
  } as Assessment;
}

const INPUTS: AgencyExportInput[] = [
  {
    agency: { id: 'a-on-time', name: '甲县人民政府', level: 'county-government', region: ['河南省', '甲县'] },
    year: 2024,
    assessment: assessment('a-on-time', {
      status: 'on-time',
      flags: ['on-time'],
      publishDate: '2025-01-20T09:30:00+08:00',
      pageUrl: 'https://a.example.gov.cn/nb/2024.html',
      rawKey: 'raw/2024/a-on-time/abc.pdf',
    }),
    links: { source: 'https://a.example.gov.cn/nb/2024.html', results: 'report/2024/a-on-time/abc.html' },
  },
  {
    agency: { id: 'b-late', name: '乙县发展和改革委员会', level: 'county-department', region: ['河南省', '乙县'] },
    year: 2024,
    assessment: assessment('b-late', {
      status: 'late',
      flags: ['late', 'inconsistent'],
      publishDate: '2025-02-10T08:00:00+08:00',
      daysLate: 10,
      findings: [
        {
          rule: 'arith.row-total',
          severity: 'error',
          message: '=HYPERLINK("http://evil","点我")',
          location: { section: '三', row: '三（七）总计', column: '总计' },
          expected: -3,
          actual: '－1',
        },
        { rule: 'struct.blank-cell', severity: 'warning', message: '表三有空白单元格' },
      ],
    }),
    links: { source: 'javascript:alert(1)', results: 'agency/b-late.html' },
  },
  {
    agency: { id: 'c-missing', name: '丙镇人民政府', level: 'township', region: ['河南省', '乙县'] },
    year: 2024,
    assessment: assessment('c-missing', { status: 'missing', flags: ['missing'], reason: '未找到年度报告。' }),
    links: {},
  },
  {
    agency: { id: 'd-unreachable', name: '丁局', level: 'county-department', region: ['河南省', '甲县'] },
    year: 2024,
    assessment: assessment('d-unreachable', { status: 'unreachable', flags: ['unreachable'] }),
    links: {},
  },
  {
    agency: { id: 'e-new', name: '戊街道办事处', level: 'township', region: ['河南省', '甲县'] },
    year: 2024,
    assessment: null,
    links: {},
  },
];

describe('one CSV writer', () => {
  it('starts with a BOM, ends lines with CRLF, neutralises formulas in text but keeps numbers', () => {
    const csv = toCsv(FINDING_COLUMNS, findingExportRows(INPUTS));
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFF地区,机关,机关编号,级别,年度,状态,严重程度,规则,问题说明,章节,行,列,应为,实为,核查状态,问题指纹,原网页,存档,核查页,SHA-256',
    );
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""点我"")"`);
    // -3 is a number: it stays a number; the full-width minus in text is neutralised.
    expect(lines[1]).toContain(',-3,');
    expect(lines[1]).toContain(",'－1,");
    expect(lines).toHaveLength(4); // header, two findings, the final empty string
  });

  it('lists every agency, late and missing ones with days late, not-assessed ones marked', () => {
    const rows = agencyStatusRows(INPUTS);
    expect(rows.map((row) => [row.agencyId, row.statusLabel, row.daysLate])).toEqual([
      ['a-on-time', '按时公开', null],
      ['b-late', '逾期公开', 10],
      ['c-missing', '未公开', 30], // 31 January → 2 March
      ['d-unreachable', '无法访问', null],
      ['e-new', '未评估', null],
    ]);
    expect(rows[1]?.flagsLabel).toBe('逾期公开、数据不一致');
    const csv = toCsv(AGENCY_COLUMNS, rows);
    expect(csv.split('\r\n')).toHaveLength(INPUTS.length + 2);
  });

  it('fills 核查状态 from the triage lookup when given one', () => {
    const triage = (agencyId: string, _year: number, finding?: { rule: string }) =>
      agencyId === 'b-late' ? (finding ? `已核实 ${finding.rule}` : '核查中') : undefined;
    expect(agencyStatusRows(INPUTS, triage).map((row) => row.triage)).toEqual(['', '核查中', '', '', '']);
    expect(findingExportRows(INPUTS, triage)[0]?.triage).toBe('已核实 arith.row-total');
  });
});

describe('rates', () => {
  it('keep unknown, not-due and not-assessed out of the denominators', () => {
    const counts = emptyCounts();
    for (const input of INPUTS) addToCounts(counts, input.assessment);
    const rates = ratesOf(counts);
    expect(rates).toMatchObject({ agencies: 5, due: 3, published: 2, onTime: 1, late: 1, missing: 1, unknown: 1 });
    expect(rates.onTimeRate).toBeCloseTo(1 / 3);
    expect(rates.publishRate).toBeCloseTo(2 / 3);
    expect(rates.problemRate).toBeCloseTo(1 / 2);
    expect(formatRate(rates.onTimeRate)).toBe('33.3%');
    expect(formatRate(ratesOf(emptyCounts()).onTimeRate)).toBe('—');
  });
});

describe('status workbook', () => {
  it('reads back with one row per agency, date cells, frozen headers, filters and safe links', async () => {
    const bytes = await statusWorkbook(agencyStatusRows(INPUTS), findingExportRows(INPUTS), {
      year: 2024,
      generatedAt: new Date('2025-03-02T02:00:00Z'),
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([SHEET_AGENCIES, SHEET_FINDINGS, SHEET_REGIONS]);

    const sheet = workbook.getWorksheet(SHEET_AGENCIES) as ExcelJS.Worksheet;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 8)).toEqual([
      '地区',
      '机关',
      '级别',
      '状态',
      '全部情形',
      '截止日期',
      '发布日期',
      '逾期天数',
    ]);
    expect(sheet.rowCount).toBe(INPUTS.length + 1);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    const col = (name: string) => header.indexOf(name) + 1;
    const late = sheet.getRow(3);
    expect(late.getCell(col('机关')).value).toBe('乙县发展和改革委员会');
    expect(late.getCell(col('截止日期')).value).toEqual(new Date(Date.UTC(2025, 0, 31)));
    expect(late.getCell(col('发布日期')).value).toEqual(new Date(Date.UTC(2025, 1, 10, 8, 0)));
    expect(late.getCell(col('截止日期')).numFmt).toBe('yyyy-mm-dd');
    expect(late.getCell(col('逾期天数')).value).toBe(10);
    expect(sheet.getRow(4).getCell(col('逾期天数')).value).toBe(30);
    // A javascript: URL from a report never becomes a hyperlink.
    expect(late.getCell(col('原网页')).value).toBeNull();
    expect(sheet.getRow(2).getCell(col('原网页')).value).toMatchObject({
      hyperlink: 'https://a.example.gov.cn/nb/2024.html',
    });

    const findings = workbook.getWorksheet(SHEET_FINDINGS) as ExcelJS.Worksheet;
    expect(findings.rowCount).toBe(3);
    const message = findings.getRow(2).getCell(6);
    expect(message.value).toBe('=HYPERLINK("http://evil","点我")'); // text, not a formula
    expect(message.type).toBe(ExcelJS.ValueType.String);

    const regions = workbook.getWorksheet(SHEET_REGIONS) as ExcelJS.Worksheet;
    const last = regions.getRow(regions.rowCount);
    expect(last.getCell(1).value).toBe('合计');
    expect(last.getCell(11).value).toBeCloseTo(1 / 3);
    expect(last.getCell(11).numFmt).toBe('0.0%');
  });

  it('is byte-identical for the same rows and generatedAt, whenever it is written', async () => {
    const build = () =>
      statusWorkbook(agencyStatusRows(INPUTS), findingExportRows(INPUTS), {
        year: 2024,
        generatedAt: new Date('2025-03-02T02:00:00Z'),
      });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2025-05-01T08:00:00Z'));
      const first = await build();
      vi.setSystemTime(new Date('2026-01-09T17:31:07Z'));
      const second = await build();
      expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
      // The entries carry generatedAt, not the clock: every local header's time and date fields.
      const { date, time } = dosDateTime(new Date('2025-03-02T02:00:00Z'));
      const view = Buffer.from(first);
      let headers = 0;
      for (
        let at = view.indexOf('PK\x03\x04', 0, 'latin1');
        at >= 0;
        at = view.indexOf('PK\x03\x04', at + 4, 'latin1')
      ) {
        expect([view.readUInt16LE(at + 10), view.readUInt16LE(at + 12)]).toEqual([time, date]);
        headers++;
      }
      expect(headers).toBeGreaterThan(5);
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves bytes that are not a zip archive alone', () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    expect(setZipEntryTimes(bytes, new Date())).toBe(bytes);
  });
});
