// The demo agency site serves seed 002 (卢氏县人民政府) as an HTML article: fetched over loopback and
// analysed as the parse handler does, it must give no arith.* error (issue 2: none on any seed, in
// whatever format it is published) and report the lost 其他 column with reconciling inferred values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgencySite, startAgencySite } from '../../demo/agency-site.ts';
import { analyseReport } from '../../shared/rules/validate.ts';

describe('seed 002 fetched from the demo agency site', () => {
  let site: AgencySite;
  beforeAll(async () => {
    site = await startAgencySite({ year: 2024, agencyIds: ['lushi-gov'], flakyFailures: 0 });
  });
  afterAll(async () => {
    await site.close();
  });

  it('parses to the seed numbers with no arith.* error', async () => {
    const list = await (await fetch(`${site.baseUrl}/lushi/gov/ndbg/index.html`)).text();
    const href = /<a href="([^"]+)"[^>]*title="卢氏县人民政府2024年[^"]*"/.exec(list)?.[1];
    expect(href).toBeDefined();
    const response = await fetch(new URL(href as string, `${site.baseUrl}/lushi/gov/ndbg/index.html`));
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const { report, findings } = await analyseReport({
      bytes,
      contentType: response.headers.get('content-type') ?? undefined,
      fileName: response.url,
    });
    expect(report.format).toBe('html');
    expect(report.agency).toBe('卢氏县人民政府');
    expect(report.year).toBe(2024);
    expect(findings.filter((f) => f.rule.startsWith('arith.'))).toEqual([]);
    expect(findings.some((f) => f.rule === 'struct.column-missing' && f.location?.column === '其他')).toBe(true);
    const table = report.applications;
    expect(table?.outcomeTotal?.other).toMatchObject({ value: 9, inferred: true });
    expect((table?.received?.total?.value ?? 0) + (table?.carriedIn?.total?.value ?? 0)).toBe(
      (table?.outcomeTotal?.total?.value ?? 0) + (table?.carriedOver?.total?.value ?? 0),
    );
  });
});
