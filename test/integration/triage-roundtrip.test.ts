/**
 * Triage round trip on one store (s3rver, as on AWS): an official dismisses a finding with the CLI,
 * another confirms one through the IAM-signed HTTP endpoint (the rescan Function URL, POST /triage);
 * the next digest and the site honour both and the audit trail lists both.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signRescanRequest } from '../../scripts/rescan.ts';
import { run as triageCli } from '../../shared/cli/triage.ts';
import type { AgencyYearState, Assessment } from '../../shared/compliance/status.ts';
import { buildDigest, type DigestRecord } from '../../shared/notify/digest.ts';
import { renderDigestText, renderFindingsCsv } from '../../shared/notify/render.ts';
import { loadRegistry } from '../../shared/registry/load.ts';
import { generateSite } from '../../shared/site/generate.ts';
import { regionListPath, regionWorkbookPath } from '../../shared/site/paths.ts';
import { keys } from '../../shared/storage/keys.ts';
import { getText, putJson } from '../../shared/storage/port.ts';
import { fingerprintFinding, loadTriage } from '../../shared/triage/triage.ts';
import { BUCKET, type HandlerEnvironment, loadEvent, useHandlerEnvironment } from '../support/handler-harness.ts';

const YEAR = 2024;
const NOW = '2025-02-10T09:00:00+08:00';
const ROW_TOTAL = {
  rule: 'arith.row-total',
  severity: 'error' as const,
  message: '三（七）总计（自然人）应为 12，实为 21。',
  location: { section: '三' as const, row: '三（七）总计', column: '自然人' },
  expected: 12,
  actual: 21,
};
const MISSING_SECTION = {
  rule: 'struct.missing-section',
  severity: 'warning' as const,
  message: '缺少第六部分“存在的主要问题及改进情况”。',
  location: { section: '六' as const },
};

let env: HandlerEnvironment;
let rescan: typeof import('../../functions/rescan-http.ts');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out += `${a.join(' ')}\n`;
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    err += `${a.join(' ')}\n`;
  });
  try {
    return { code: await triageCli(args), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

async function signedTriage(body: object): Promise<APIGatewayProxyEventV2> {
  const url = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-east-1.on.aws/triage';
  const signed = await signRescanRequest({
    url,
    body: body as never,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    signingDate: new Date('2025-02-10T01:02:03Z'),
  });
  const event = loadEvent<APIGatewayProxyEventV2>('function-url-rescan-iam.json');
  event.rawPath = '/triage';
  event.requestContext.http.path = '/triage';
  event.headers = {
    ...event.headers,
    ...Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
  };
  event.body = signed.body;
  return event;
}

function assessment(): Assessment {
  return {
    agencyId: 'lushi-gov',
    year: YEAR,
    status: 'inconsistent',
    flags: ['inconsistent'],
    deadline: '2025-01-31T23:59:59.999+08:00',
    publishDate: '2025-01-20T10:00:00+08:00',
    findings: [ROW_TOTAL, MISSING_SECTION],
    assessedAt: NOW,
    sha256: 'a'.repeat(64),
    nextStep: '请该机关核对报告中标出的数据并更正。',
  };
}

beforeAll(async () => {
  env = await useHandlerEnvironment();
  rescan = await import('../../functions/rescan-http.ts');
  const state: AgencyYearState = {
    agencyId: 'lushi-gov',
    year: YEAR,
    current: assessment(),
    firstSeen: '2025-01-20T10:00:00+08:00',
    lastChanged: NOW,
    snapshots: [],
    history: [{ at: NOW, status: 'inconsistent' }],
  };
  await putJson(env.store, keys.state(YEAR, 'lushi-gov'), state);
});

afterAll(async () => {
  await env?.close();
});

describe('triage round trip', () => {
  it('dismisses via the CLI, confirms via the signed endpoint; digest, site and audit honour both', async () => {
    const store = `s3://${BUCKET}`;
    // The CLI shows each finding's fingerprint.
    const listed = await cli(['list', '--store', store, '--agency', 'lushi-gov', '--year', '2024', '--findings']);
    expect(listed.code).toBe(0);
    const fingerprint = fingerprintFinding('lushi-gov', YEAR, ROW_TOTAL);
    expect(listed.out).toContain(`${fingerprint}　arith.row-total　未核查`);

    // 误报 needs a reason; with one it is recorded.
    const noReason = await cli([
      'dismiss',
      '--store',
      store,
      '--agency',
      'lushi-gov',
      '--year',
      '2024',
      '--finding',
      fingerprint,
      '--by',
      '张三',
    ]);
    expect(noReason.code).toBe(2);
    expect(noReason.err).toContain('需要说明理由');
    const dismissed = await cli([
      'dismiss',
      '--store',
      store,
      '--agency',
      'lushi-gov',
      '--year',
      '2024',
      '--finding',
      fingerprint,
      '--by',
      '张三',
      '--reason',
      '合并单元格被误读，原表数据无误',
      '--now',
      '2025-02-10T02:00:00Z',
    ]);
    expect(dismissed.code).toBe(0);
    expect(dismissed.out).toContain('误报（张三');

    // The same through the IAM-signed endpoint: validated (400), then recorded (200) with the caller.
    const bad = await rescan.handler(
      await signedTriage({ action: 'dismiss', agencyId: 'lushi-gov', year: YEAR, by: '李四' }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('需要说明理由');
    const unknown = await rescan.handler(
      await signedTriage({ action: 'confirm', agencyId: 'nobody', year: YEAR, by: '李四' }),
    );
    expect(unknown.statusCode).toBe(400);
    const confirmed = await rescan.handler(
      await signedTriage({
        action: 'confirm',
        agencyId: 'lushi-gov',
        year: YEAR,
        rule: 'struct.missing-section',
        by: '李四',
      }),
    );
    expect(confirmed.statusCode).toBe(200);
    const entry = JSON.parse(confirmed.body as string).entry;
    expect(entry).toMatchObject({
      state: 'confirmed',
      by: '李四',
      via: 'http',
      caller: 'arn:aws:iam::123456789012:user/compliance-office',
    });

    // The audit trail lists both, with where each came from.
    const audit = await cli(['list', '--store', store, '--audit']);
    expect(audit.out).toMatch(/误报（张三.*命令行/);
    expect(audit.out).toMatch(/已核实（李四.*HTTP arn:aws:iam::123456789012:user\/compliance-office/);

    // The next digest: the dismissed finding is counted apart, not listed, and not called 已解决.
    const registry = loadRegistry((await getText(env.store, keys.registry)) as string);
    const triage = await loadTriage(env.store, YEAR);
    const previous: DigestRecord = {
      isoWeek: '2025-W06',
      year: YEAR,
      generatedAt: '2025-02-03T09:00:00+08:00',
      problems: {
        '2024/lushi-gov/inconsistent': {
          key: '2024/lushi-gov/inconsistent',
          agencyId: 'lushi-gov',
          year: YEAR,
          aspect: 'inconsistent',
          since: '2025-02-03T09:00:00+08:00',
          sinceWeek: '2025-W06',
        },
      },
      sends: [],
    };
    const digest = buildDigest({ registry, assessments: [assessment()], now: NOW, previous, triage });
    expect(digest.summary.dismissed.findings).toBe(1);
    expect(digest.changes.counts.resolved).toBe(0);
    const text = renderDigestText(digest);
    expect(text).not.toContain('应为 12，实为 21');
    expect(text).toContain('已标记为误报、不再提示：1 条问题');
    // Its only error dismissed, the report is no longer 数据不一致: nothing left to nag about.
    expect(digest.summary.byStatus['on-time']).toBe(1);
    expect(text).toContain('本周没有需要关注的机关');
    const csv = renderFindingsCsv(digest);
    expect(csv).toMatch(/arith\.row-total.*误报/);
    expect(csv).toMatch(/struct\.missing-section.*已核实/);
    // Without triage the same digest would still list it (the test can fail).
    expect(renderDigestText(buildDigest({ registry, assessments: [assessment()], now: NOW, previous }))).toContain(
      '应为 12，实为 21',
    );

    // The site: a badge per finding, a 核查 filter on the region's list, and the workbook's column.
    await generateSite(env.store, { registry, now: new Date(NOW) });
    const page = (await getText(env.store, keys.site('agency/lushi-gov.html'))) as string;
    expect(page).toMatch(/data-triage="dismissed".*triage-dismissed/);
    expect(page).toContain('triage-confirmed');
    const region = ['河南省', '三门峡市', '卢氏县'];
    const list = (await getText(env.store, keys.site(regionListPath(region)))) as string;
    expect(list).toContain('id="f-triage"');
    expect(list).toContain('["lushi-gov","卢氏县人民政府",');
    expect(list).toMatch(/\["lushi-gov",[^\]]*\],\[[^\]]*\],\["confirmed dismissed"\]\]/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await env.store.get(keys.site(regionWorkbookPath(region, YEAR)))) as never);
    const header = (workbook.getWorksheet('问题清单')?.getRow(1).values ?? []) as unknown[];
    expect(header).toContain('核查状态');
  }, 60_000);
});
