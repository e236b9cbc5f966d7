/**
 * `nianbao triage confirm|dismiss|rectified|notified --store DIR --agency ID --year Y [--rule RULE]
 *  [--finding FP] --by NAME [--reason TEXT] [--date YYYY-MM-DD] [--now ISO]` records an official's
 * verdict (shared/triage/triage.ts); without --rule/--finding it judges the agency-year's status.
 * `nianbao triage list [--store DIR] [--year Y] [--agency ID] [--findings] [--audit]` prints the
 * verdicts (with --findings: the current findings with their fingerprints; --audit: every verdict).
 */
import { parseArgs } from 'node:util';
import type { AgencyYearState } from '../compliance/status.ts';
import { keys } from '../storage/keys.ts';
import { DEFAULT_STORE_LOCATION, openStore } from '../storage/open-store.ts';
import { getJson, getText } from '../storage/port.ts';
import {
  describeVerdict,
  fingerprintFinding,
  loadTriage,
  parseTriageInput,
  recordTriage,
  TRIAGE_ACTIONS,
  TriageInputError,
} from '../triage/triage.ts';

const USAGE = `用法：nianbao triage confirm|dismiss|rectified|notified --agency 机关ID --year 年度 --by 姓名
                      [--rule 规则 | --finding 指纹] [--reason 理由] [--date 督办日期] [--store 位置]
       nianbao triage list [--store 位置] [--year 年度] [--agency 机关ID] [--findings] [--audit]

  confirm     已核实：问题属实
  dismiss     误报：需 --reason 说明理由；摘要与网站不再提示该问题
  rectified   已整改：机关已更正
  notified    已督办：已发出督办通知（--date，默认今天）
  不带 --rule / --finding 时，针对该机关该年度的状态（如“未公开”）。
  --finding FP  问题指纹（nianbao triage list --agency ID --findings 或结果网站上可见）
  --store LOC   存储位置，默认 ./.nianbao`;

export async function run(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  if (!verb || verb === '--help' || verb === '-h') {
    console.log(USAGE);
    return verb ? 0 : 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      strict: true,
      options: {
        store: { type: 'string' },
        agency: { type: 'string' },
        year: { type: 'string' },
        rule: { type: 'string' },
        finding: { type: 'string' },
        by: { type: 'string' },
        reason: { type: 'string' },
        date: { type: 'string' },
        now: { type: 'string' },
        findings: { type: 'boolean' },
        audit: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const store = openStore((values.store as string | undefined) ?? DEFAULT_STORE_LOCATION);
  const year = values.year === undefined ? undefined : Number(values.year);
  if (year !== undefined && !Number.isInteger(year)) {
    console.error(`--year 应为四位年份：${values.year}`);
    return 2;
  }
  if (verb === 'list') return list(store, year, values);
  if (!(TRIAGE_ACTIONS as readonly string[]).includes(verb)) {
    console.error(`未知的操作：${verb}（可用：${TRIAGE_ACTIONS.join('、')}、list）\n\n${USAGE}`);
    return 2;
  }
  const now = values.now ? new Date(values.now as string) : new Date();
  try {
    const input = parseTriageInput({
      action: verb,
      agencyId: values.agency,
      year,
      ...(values.rule ? { rule: values.rule } : {}),
      ...(values.finding ? { finding: values.finding } : {}),
      by: values.by ?? '',
      ...(values.reason ? { reason: values.reason } : {}),
      ...(values.date ? { noticeDate: values.date } : {}),
    });
    // The registry the scans recorded (config/registry.yaml) knows every agency id: refuse a typo.
    const registryText = await getText(store, keys.registry);
    if (registryText !== undefined) {
      const { readRegistry } = await import('../registry/stream.ts');
      const ids = readRegistry(registryText, keys.registry).agencies.map((a) => a.id);
      if (!ids.includes(input.agencyId)) {
        console.error(`名录中没有机关编号 ${input.agencyId}${closestId(input.agencyId, ids)}`);
        return 2;
      }
    }
    const entry = await recordTriage(store, input, now, { via: 'cli' });
    const target =
      entry.rule === 'status' ? '状态' : `${entry.rule}${entry.cell && entry.cell !== '*' ? ` ${entry.cell}` : ''}`;
    console.log(
      `已记录：${entry.agencyId} ${entry.year} 年度 ${target} → ${describeVerdict(entry)}　指纹 ${entry.fingerprint}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof TriageInputError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

async function list(
  store: ReturnType<typeof openStore>,
  year: number | undefined,
  values: Record<string, string | boolean | undefined>,
): Promise<number> {
  const agency = values.agency as string | undefined;
  const lookup = await loadTriage(store, year);
  const lines: string[] = [];
  if (values.findings) {
    if (!agency || year === undefined) {
      console.error('--findings 需要 --agency 与 --year');
      return 2;
    }
    const state = await getJson<AgencyYearState>(store, keys.state(year, agency));
    lines.push(`${agency} ${year} 年度的问题（指纹　规则　核查状态　说明）：`);
    for (const finding of state?.current.findings ?? []) {
      const verdict = lookup.forFinding(agency, year, finding);
      lines.push(
        `  ${fingerprintFinding(agency, year, finding)}　${finding.rule}　${verdict ? describeVerdict(verdict) : '未核查'}　${finding.message}`,
      );
    }
    if (!state) lines.push('  （尚无评估记录）');
  }
  const entries = (values.audit ? lookup.audit() : lookup.entries())
    .filter((e) => !agency || e.agencyId === agency)
    .sort((a, b) => a.at.localeCompare(b.at));
  lines.push(values.audit ? '核查记录（全部，按时间）：' : '当前核查状态：');
  for (const e of entries) {
    const target = e.rule === 'status' ? '状态' : `${e.rule}${e.cell && e.cell !== '*' ? ` ${e.cell}` : ''}`;
    lines.push(
      `  ${e.at.slice(0, 19).replace('T', ' ')}Z　${e.agencyId}　${e.year}　${target}　${describeVerdict(e)}　${e.via === 'http' ? `HTTP ${e.caller ?? ''}`.trim() : '命令行'}　${e.fingerprint}`,
    );
  }
  if (!entries.length) lines.push('  （无）');
  console.log(lines.join('\n'));
  return 0;
}

/** '，是否应为 lushi-jyj？' for the nearest id sharing a prefix, else ''. */
function closestId(id: string, ids: string[]): string {
  const near = ids.find((known) => known.startsWith(id.slice(0, Math.max(3, id.length - 2))));
  return near ? `，是否应为 ${near}？` : '';
}
