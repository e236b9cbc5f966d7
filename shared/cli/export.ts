/**
 * `nianbao export --xlsx FILE [--csv FILE] [--findings-csv FILE] [--year Y] [--store LOC] [--registry FILE]
 * [--link-base URL]`: the status workbook (机关状态, 问题清单, 按地区统计) and the per-agency CSV for one
 * report year, one row per registry agency (missing, late and unreachable ones included).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultReportYear } from '../compliance/deadline.ts';
import { toCsv } from '../export/csv.ts';
import { loadAssessments } from '../export/load.ts';
import { AGENCY_COLUMNS, agencyStatusRows, FINDING_COLUMNS, findingExportRows } from '../export/rows.ts';
import { statusWorkbook } from '../export/workbook.ts';
import { exportInputsOf } from '../site/export.ts';
import { linksFromBase } from '../site/links.ts';
import { DEFAULT_STORE_LOCATION, openStore } from '../storage/open-store.ts';
import { loadTriage, triageLabels } from '../triage/triage.ts';
import { nowOption, parseOptionsOrExit } from './options.ts';
import { yearAndRegistry } from './registry-source.ts';

const USAGE = `用法：nianbao export --xlsx 文件.xlsx [--csv 机关状态.csv] [--findings-csv 问题清单.csv] [--year 年度]
                     [--store 目录|s3://桶/前缀] [--registry 名录.yaml] [--link-base URL]

  --xlsx FILE          写出工作簿：机关状态（每个机关一行）、问题清单、按地区统计
  --csv FILE           另写出机关状态 CSV（UTF-8 带 BOM，可用 Excel 直接打开）
  --findings-csv FILE  另写出问题清单 CSV
  --year Y             报告年度，默认为当前（北京时间）的上一年
  --link-base URL      链接的根地址（存储所在位置）；本地默认为存储目录的 file:// 地址`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseOptionsOrExit(
    args,
    {
      xlsx: { type: 'string' },
      csv: { type: 'string' },
      'findings-csv': { type: 'string' },
      year: { type: 'string' },
      store: { type: 'string' },
      registry: { type: 'string' },
      'link-base': { type: 'string' },
      now: { type: 'string' },
    },
    USAGE,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  if (!values.xlsx && !values.csv && !values['findings-csv']) {
    console.error(`请用 --xlsx（或 --csv）指定输出文件。\n${USAGE}`);
    return 2;
  }
  const now = nowOption(values.now);
  if (!now) return 2;
  const location = values.store ?? DEFAULT_STORE_LOCATION;
  const store = openStore(location);
  const chosen = await yearAndRegistry(store, values, defaultReportYear(now));
  if (!chosen) return 2;
  const { year, registry } = chosen;
  const isLocal = !/^s3:\/\//i.test(location);
  const linkBase = values['link-base'] ?? (isLocal ? pathToFileURL(path.resolve(location)).href : undefined);
  const assessments = await loadAssessments(store, registry.agencies, year);
  const inputs = exportInputsOf(registry.agencies, year, assessments, linkBase ? linksFromBase(linkBase) : undefined);
  // 核查状态 from the officials' verdicts in the store (nianbao triage), as on the site.
  const triageLabel = triageLabels(await loadTriage(store, year));
  const agencies = agencyStatusRows(inputs, triageLabel);
  const findings = findingExportRows(inputs, triageLabel);
  if (values.xlsx) {
    await writeFile(values.xlsx, await statusWorkbook(agencies, findings, { year, generatedAt: now }));
    console.log(`已写出工作簿：${path.resolve(values.xlsx)}`);
  }
  if (values.csv) {
    await writeFile(values.csv, toCsv(AGENCY_COLUMNS, agencies));
    console.log(`已写出机关状态 CSV：${path.resolve(values.csv)}`);
  }
  if (values['findings-csv']) {
    await writeFile(values['findings-csv'], toCsv(FINDING_COLUMNS, findings));
    console.log(`已写出问题清单 CSV：${path.resolve(values['findings-csv'])}`);
  }
  const missing = agencies.filter((row) => row.status === null).length;
  console.log(`${year} 年度：${agencies.length} 个机关（其中 ${missing} 个尚未评估），${findings.length} 条问题。`);
  return 0;
}
