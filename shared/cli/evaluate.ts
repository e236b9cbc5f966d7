/**
 * `nianbao evaluate --year Y [--out FILE.html] [--pdf FILE.pdf] [--store LOC] [--registry FILE]
 * [--publisher TEXT] [--now ISO]`: the year's evaluation as printable HTML (A4 print stylesheet) and,
 * where Chromium is installed, as PDF.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromiumInstalled, htmlToPdf } from '../browser/chromium.ts';
import { defaultReportYear } from '../compliance/deadline.ts';
import { evaluateFromStore } from '../evaluate/load.ts';
import { renderEvaluationHtml } from '../evaluate/render.ts';
import { formatRate } from '../export/rates.ts';
import { DEFAULT_STORE_LOCATION, openStore } from '../storage/open-store.ts';
import { nowOption, parseOptionsOrExit } from './options.ts';
import { yearAndRegistry } from './registry-source.ts';

const USAGE = `用法：nianbao evaluate [--year 年度] [--out 评估报告.html] [--pdf 评估报告.pdf] [--no-pdf]
                       [--store 目录|s3://桶/前缀] [--registry 名录.yaml] [--publisher 发布单位]

  生成年度评估报告：各地区、各级别的按时公开率、公开率、问题率，区县与部门排名，常见问题及示例，
  与上年比较，附图。默认写出 evaluation-{年度}.html，并在装有 Chromium 时写出同名 PDF（A4）。`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseOptionsOrExit(
    args,
    {
      year: { type: 'string' },
      out: { type: 'string' },
      pdf: { type: 'string' },
      'no-pdf': { type: 'boolean' },
      store: { type: 'string' },
      registry: { type: 'string' },
      publisher: { type: 'string' },
      now: { type: 'string' },
    },
    USAGE,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const now = nowOption(values.now);
  if (!now) return 2;
  const store = openStore(values.store ?? DEFAULT_STORE_LOCATION);
  const chosen = await yearAndRegistry(store, values, defaultReportYear(now));
  if (!chosen) return 2;
  const { year, registry } = chosen;
  const evaluation = await evaluateFromStore(store, registry.agencies, year, now);
  const html = renderEvaluationHtml(evaluation, values.publisher ? { publisher: values.publisher } : {});
  const out = values.out ?? `evaluation-${year}.html`;
  await writeFile(out, html);
  console.log(
    `${year} 年度评估：${evaluation.total.agencies} 个机关，应公开 ${evaluation.total.due} 个，按时公开率 ${formatRate(evaluation.total.onTimeRate)}，公开率 ${formatRate(evaluation.total.publishRate)}，问题率 ${formatRate(evaluation.total.problemRate)}。`,
  );
  console.log(`已写出 HTML：${path.resolve(out)}（浏览器打开后可直接打印为 A4）`);
  if (!values['no-pdf']) {
    const pdfPath = values.pdf ?? `${out.replace(/\.html?$/i, '')}.pdf`;
    if (!chromiumInstalled()) {
      console.log('未找到 Chromium（/usr/bin/chromium），未生成 PDF；可在浏览器中打开 HTML 后打印为 PDF。');
    } else {
      const pdf = await htmlToPdf(html, { footer: `${year} 年度政府信息公开工作年度报告评估报告` });
      if (pdf) {
        await writeFile(pdfPath, pdf);
        console.log(`已写出 PDF：${path.resolve(pdfPath)}`);
      } else {
        console.log('Chromium 无法启动，未生成 PDF；可在浏览器中打开 HTML 后打印为 PDF。');
      }
    }
  }
  return 0;
}
