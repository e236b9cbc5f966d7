import { describe, expect, it } from 'vitest';
import { consolidateRunParts, runPartKey } from '../../functions/common/run-parts.ts';
import { loadOutcomeIndex } from '../../shared/compliance/outcome-index.ts';
import { updateAssessments } from '../../shared/compliance/update.ts';
import { buildDigest } from '../../shared/notify/digest.ts';
import { composeDigestEmail, fullListsNote, runWeeklyDigest } from '../../shared/notify/weekly.ts';
import { generateSite } from '../../shared/site/generate.ts';
import { linksFromBase } from '../../shared/site/links.ts';
import { agencyPagePath, listingRegion, regionListPath, regionWorkbookPath } from '../../shared/site/paths.ts';
import { CountingStore } from '../../shared/storage/counting-store.ts';
import { keys } from '../../shared/storage/keys.ts';
import { putJson } from '../../shared/storage/port.ts';
import type { RunManifest } from '../../shared/storage/records.ts';
import { assessments as fixtureAssessments, registry as fixtureRegistry } from '../support/digest-fixtures.ts';
import { InMemoryStore, writeSyntheticPopulation } from '../support/synthetic-store.ts';

const YEAR = 2024;
const NOW = new Date('2025-05-12T02:00:00Z');
const WEEK = 7 * 86_400_000;

async function population(agencies = 30) {
  const store = new CountingStore(new InMemoryStore());
  const registry = { agencies: await writeSyntheticPopulation(store, { agencies, year: YEAR, now: NOW }) };
  return { store, registry };
}

describe('outcome index', () => {
  it('reads each run manifest once, and a new run only', async () => {
    const { store, registry } = await population();
    const full = { ...registry, deadlines: {}, recipients: [] } as never;
    await updateAssessments(store, full, YEAR, NOW.getTime());
    store.reset();
    await updateAssessments(store, full, YEAR, NOW.getTime() + 1000);
    expect(store.counts.getsByPrefix.runs ?? 0).toBe(0);
    const run: RunManifest = {
      runId: 'later',
      year: YEAR,
      startedAt: new Date(NOW.getTime() + WEEK).toISOString(),
      finishedAt: new Date(NOW.getTime() + WEEK).toISOString(),
      outcomes: [
        { agencyId: 'a00001', year: YEAR, status: 'unreachable', snapshots: [], findings: [], pagesFetched: 1 },
      ],
    };
    await putJson(store, keys.run(run.runId), run);
    store.reset();
    const assessments = await updateAssessments(store, full, YEAR, NOW.getTime() + WEEK);
    expect(store.counts.getsByPrefix.runs).toBe(1);
    expect(assessments.find((a) => a.agencyId === 'a00001')?.flags).toContain('unreachable');
    // The fetch log keeps every run in order, the new one last.
    const index = await loadOutcomeIndex(store, YEAR);
    expect(index.runs.at(-1)?.runId).toBe('later');
    expect(index.agencies.a00001?.fetches.at(-1)).toMatchObject({ status: 'unreachable' });
  });

  it('rebuilds when a run older than the newest folded one arrives', async () => {
    const { store } = await population(5);
    await loadOutcomeIndex(store, YEAR);
    const old: RunManifest = {
      runId: 'old',
      year: YEAR,
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:00:00.000Z',
      outcomes: [],
    };
    await putJson(store, keys.run(old.runId), old);
    const stats = { manifestsRead: 0, rebuilt: false };
    const index = await loadOutcomeIndex(store, YEAR, { stats });
    expect(stats.rebuilt).toBe(true);
    expect(index.runs[0]?.runId).toBe('old');
  });

  it('rebuilds after late run parts rewrote a folded manifest', async () => {
    const { store } = await population(5);
    const part = (agencyId: string): RunManifest => ({
      runId: 'late',
      year: YEAR,
      startedAt: new Date(NOW.getTime() + WEEK).toISOString(),
      finishedAt: new Date(NOW.getTime() + WEEK).toISOString(),
      outcomes: [{ agencyId, year: YEAR, status: 'not-found', snapshots: [], findings: [], pagesFetched: 1 }],
    });
    await putJson(store, runPartKey('late', 'job-1'), part('a00001'));
    await consolidateRunParts(store, () => NOW);
    expect((await loadOutcomeIndex(store, YEAR)).agencies.a00002?.latest?.status).not.toBe('not-found');
    await putJson(store, runPartKey('late', 'job-2'), part('a00002'));
    await consolidateRunParts(store, () => NOW);
    const stats = { manifestsRead: 0, rebuilt: false };
    const index = await loadOutcomeIndex(store, YEAR, { stats });
    expect(stats.rebuilt).toBe(true);
    expect(index.agencies.a00002?.latest?.status).toBe('not-found');
    expect(index.agencies.a00001?.latest?.status).toBe('not-found');
    expect(index.runs.filter((run) => run.runId === 'late')).toHaveLength(1);
  });

  it('does not rewrite a state when only the moment of assessment changed', async () => {
    const { store, registry } = await population();
    const full = { ...registry, deadlines: {}, recipients: [] } as never;
    await updateAssessments(store, full, YEAR, NOW.getTime());
    store.reset();
    await updateAssessments(store, full, YEAR, NOW.getTime() + 60_000);
    expect(store.counts.putsByPrefix.state ?? 0).toBe(0);
  });
});

describe('site regeneration', () => {
  /** The site/ keys written while `task` runs. */
  async function writtenDuring(store: CountingStore, task: () => Promise<unknown>): Promise<string[]> {
    const written: string[] = [];
    const put = store.put.bind(store);
    store.put = async (key, body, options) => {
      if (key.startsWith('site/')) written.push(key);
      return put(key, body, options);
    };
    try {
      await task();
    } finally {
      store.put = put;
    }
    return written.sort();
  }

  it('rewrites no file at all when the store has not changed, whenever it runs', async () => {
    const { store, registry } = await population();
    const first = await generateSite(store, { registry, now: NOW });
    expect(first.unchanged).toBe(0);
    store.reset();
    // The agencies' reads finish in another order than the first time (as on S3, where latency varies).
    const get = store.get.bind(store);
    store.get = async (key) => {
      const agency = /\/a(\d{5})\//.exec(key)?.[1];
      if (agency) await new Promise((resolve) => setTimeout(resolve, (Number(agency) * 7) % 5));
      return get(key);
    };
    const later = new Date(NOW.getTime() + 3 * WEEK + 3_600_000);
    const written = await writtenDuring(store, async () => {
      const again = await generateSite(store, { registry, now: later });
      expect(again.pages).toBe(first.pages);
      expect(again.files).toBe(first.files);
      expect(again.files - again.unchanged).toBe(0);
      expect(again.bytes).toBe(0);
    });
    // Not the overview or index.html (they once said "截至 now"), not a workbook (its zip entry times).
    expect(written).toEqual([]);
    // Nothing outside site/ either (the page-hash record once came out in another key order each run).
    expect(store.counts.puts).toBe(0);
  });

  it('after one agency changes, rewrites its own pages, its region listing and the summaries only', async () => {
    const { store, registry } = await population(120);
    await generateSite(store, { registry, now: NOW });
    const agency = registry.agencies[40] as (typeof registry.agencies)[number];
    const key = keys.state(YEAR, agency.id);
    const state = JSON.parse(new TextDecoder().decode(await store.get(key)));
    state.current.status = state.current.status === 'missing' ? 'late' : 'missing';
    state.current.assessedAt = new Date(NOW.getTime() + WEEK).toISOString();
    await putJson(store, key, state);
    const written = await writtenDuring(store, () =>
      generateSite(store, { registry, now: new Date(NOW.getTime() + WEEK) }),
    );
    const listing = listingRegion(agency.region);
    const own = [`site/${agencyPagePath(agency.id)}`];
    const listingFiles = [`site/${regionListPath(listing)}`, `site/${regionWorkbookPath(listing, YEAR)}`];
    const summaries = ['site/agencies.html', `site/year-${YEAR}.html`, `site/evaluation-${YEAR}.html`];
    expect(written).toEqual(expect.arrayContaining([...own, ...listingFiles, ...summaries]));
    for (const file of written) {
      expect(
        [...own, ...listingFiles, ...summaries, 'site/rules.html'].includes(file) ||
          file.startsWith(`site/report/${YEAR}/${agency.id}/`),
        file,
      ).toBe(true);
    }
    // Only the status moved: the agency's report pages (about the document) stay as they were.
    expect(written.filter((file) => file.startsWith('site/report/'))).toEqual([]);
    // The other agencies' listings are untouched: one region of many.
    const listings = (await store.list('site/region/')).filter((file) => file.endsWith('.html'));
    expect(listings.length).toBeGreaterThan(20);
    expect(written.filter((file) => file.startsWith('site/region/'))).toEqual(listingFiles.sort());
  });
});

describe('digest size cap', () => {
  it('leaves out attachments beyond the cap, largest first, and links the full lists on the site', async () => {
    const { store, registry } = await population(200);
    const full = { ...registry, deadlines: {}, recipients: [] } as never;
    const sent: { raw: Uint8Array; html?: string }[] = [];
    const mailer = {
      kind: 'outbox',
      async send(message: { raw: Uint8Array; html?: string }) {
        sent.push(message);
        return { messageId: 'm', location: 'test' };
      },
    };
    const run = (maxEmailBytes?: number) =>
      runWeeklyDigest({
        store,
        registry: full,
        year: YEAR,
        now: NOW.getTime(),
        mailer: mailer as never,
        from: 'digest@example.org',
        recipients: [{ region: [], to: ['office@example.org'] }],
        links: linksFromBase('https://nianbao.example.org'),
        force: true,
        ...(maxEmailBytes ? { maxEmailBytes } : {}),
      });
    await run();
    const uncapped = sent[0]?.raw.byteLength ?? 0;
    expect(sent[0]?.html).not.toContain('附件过大');
    await run(uncapped - 1);
    const capped = sent[1];
    expect(capped?.raw.byteLength).toBeLessThan(uncapped);
    expect(capped?.html).toContain('附件过大，未随邮件发送');
    // The slice is the whole registry: the agency index, where every region's workbook is.
    expect(capped?.html).toContain('https://nianbao.example.org/site/agencies.html#year=2024');
  });

  it('does not build a workbook that could not fit the message, and says it is left out', async () => {
    const digest = buildDigest({ registry: fixtureRegistry, assessments: fixtureAssessments(), now: NOW.getTime() });
    const envelope = { from: 'digest@example.org', to: ['office@example.org'], date: NOW };
    const roomy = await composeDigestEmail(digest, envelope);
    expect(roomy.workbook?.byteLength).toBeGreaterThan(0);
    const csvBytes = Buffer.byteLength(roomy.csv) + Buffer.byteLength(roomy.agenciesCsv);
    // A limit under a fifth of the CSVs (base64): no workbook of these rows could be that small.
    const tight = await composeDigestEmail(digest, envelope, { maxBytes: Math.floor(csvBytes * 0.2) });
    expect(tight.workbook).toBeUndefined();
    expect(tight.html).toContain(`附件过大，未随邮件发送：${tight.workbookFilename}`);
    expect(tight.raw.byteLength).toBeLessThan(roomy.raw.byteLength);
  });

  it("links a county's slice to that county's listing, percent-encoded for mail clients", () => {
    const note = fullListsNote(
      { year: 2024, regionFilter: ['河南省', '三门峡市', '卢氏县', '官道口镇'] },
      ['年报监测-2025-W20.xlsx'],
      'https://nianbao.example.org/site',
    );
    const slug = encodeURIComponent('河南省-三门峡市-卢氏县');
    expect(note).toContain(`https://nianbao.example.org/site/region/${slug}.html#year=2024`);
    expect(fullListsNote({ year: 2024, regionFilter: ['河南省', '三门峡市'] }, ['a.csv'], undefined)).toContain(
      `结果网站的 agencies.html#region=${encodeURIComponent('河南省')}/${encodeURIComponent('三门峡市')}&year=2024`,
    );
  });
});
