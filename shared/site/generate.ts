/**
 * Generates the static results site into the store's site/ prefix (a local folder or S3, through the
 * port). Pages are plain HTML with relative links, so they work from file://, `nianbao serve` and
 * CloudFront alike; links to archived originals climb out of site/ to raw/ in the same store.
 */

import { createHash } from 'node:crypto';
import { mapLimit } from '../async/map-limit.ts';
import { buildEvaluation } from '../evaluate/model.ts';
import { renderEvaluationHtml } from '../evaluate/render.ts';
import { loadAssessments } from '../export/load.ts';
import type { AgencyExportInput } from '../export/rows.ts';
import { XLSX_CONTENT_TYPE } from '../export/workbook.ts';
import { FINDING_CATALOGUE } from '../findings/catalogue.ts';
import type { Agency } from '../registry/agency.ts';
import type { RuleInfo } from '../rules/rule-info.ts';
import { keys, parseRawKey } from '../storage/keys.ts';
import { getJson, type ObjectStore, putJson } from '../storage/port.ts';
import { loadTriage } from '../triage/triage.ts';
import {
  loadSiteAgencyCache,
  type SiteAgencyEntry,
  saveSiteAgencyCache,
  siteFingerprint,
  triageJsonByAgency,
} from './agency-cache.ts';
import { renderArchiveViewer } from './archive-view.ts';
import { collectSiteIndex, loadAgencyYear, type SiteAgency } from './collect.ts';
import { siteExportInput } from './export.ts';
import { beijingTime, SITE_CSS, STYLESHEET_PATH } from './layout.ts';
import { writeListings } from './listings.ts';
import {
  type AgencyYearView,
  dataAsOf,
  renderAgencyPage,
  renderOverview,
  renderRulesPage,
  renderSiteIndex,
} from './pages.ts';
import {
  agencyPagePath,
  archiveViewerPath,
  evaluationPath,
  isLiveHtmlExt,
  overviewPath,
  reportPagePath,
} from './paths.ts';
import { mergeFindings, renderReportPage } from './report-page.ts';

export interface GenerateSiteOptions {
  /** The registry (names, levels, regions). Agencies found only in the store are shown by id. */
  registry?: { agencies: Agency[] };
  /** Report years to show; default: every year with stored state or results. */
  years?: number[];
  /** The moment of generation (the footers; pages describe their data's newest assessment). */
  now: Date;
  /** Rule catalogue for rules.html. @default FINDING_CATALOGUE */
  catalogue?: readonly RuleInfo[];
  /** Agencies processed at once (store reads in flight). @default 8 */
  concurrency?: number;
  /** Delete pages under site/ that this run did not write (removed agencies, old reports). @default true */
  prune?: boolean;
  /**
   * Only the pages of the agencies in these shards of the assessment index (a fan-out worker's share):
   * no listings, exports or overview, nothing pruned. A full run afterwards finds those agencies cached.
   */
  shards?: number[];
}

export interface GenerateSiteResult {
  /** HTML pages written. */
  pages: number;
  /** Bytes written in total (pages, stylesheet, workbooks; unchanged files are not written). */
  bytes: number;
  /** Files written (pages included). */
  files: number;
  /** Stale files removed from site/. */
  pruned: number;
  /** Files whose content had not changed since the last run, so were not written again. */
  unchanged: number;
  /** Agencies whose pages were made again (their inputs changed); the others were not read. */
  agenciesRendered: number;
}

/** Content hash per site key, as last written (keys.sitePageHashes: the pages of no single agency). */
type SitePageHashes = Record<string, string>;

/** The page footer's generation time changes every run; it alone does not make a page worth rewriting. */
function contentHash(body: Uint8Array, footerTime: Uint8Array): string {
  const hash = createHash('sha256');
  const at = footerTime.byteLength > 0 ? indexOfBytes(body, footerTime) : -1;
  if (at < 0) hash.update(body);
  else hash.update(body.subarray(0, at)).update(body.subarray(at + footerTime.byteLength));
  return hash.digest('hex');
}

function indexOfBytes(body: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).lastIndexOf(needle);
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: XLSX_CONTENT_TYPE,
};

/** Builds every page of the site from the store's state/, results/, raw/ metadata and runs/. */
export async function generateSite(store: ObjectStore, options: GenerateSiteOptions): Promise<GenerateSiteResult> {
  const generatedAt = options.now.toISOString();
  // A fan-out worker (shards given) keeps only its share's agencies: states, listings, cache.
  const index = await collectSiteIndex(store, options.registry?.agencies ?? [], options.years, options.shards);
  index.triage = await loadTriage(store);
  const written = new Set<string>();
  const encoder = new TextEncoder();
  // Pages are written only when their content changed (the footer's time aside): a quiet week rewrites
  // the pages of the agencies that changed, not the whole site. A page missing from site/ is written.
  // An agency's own pages keep their hashes in its cache entry, so a change rewrites its shard, not one
  // record of every page on the site.
  const cache = await loadSiteAgencyCache(store, options.shards);
  const sharedHashes: SitePageHashes = options.shards
    ? {}
    : ((await getJson<SitePageHashes>(store, keys.sitePageHashes).catch(() => undefined)) ?? {});
  // A worker asks only whether its own agencies' pages exist; it does not keep the whole site's keys.
  const ownPages = options.shards && new Set([...cache.values()].flatMap((entry) => Object.keys(entry.pages)));
  const existingKeys = new Set((await store.list(keys.site(''))).filter((key) => !ownPages || ownPages.has(key)));
  const previousHashes: SitePageHashes = { ...sharedHashes };
  for (const entry of cache.values()) Object.assign(previousHashes, entry.pages);
  const hashes: SitePageHashes = {};
  const footerTime = encoder.encode(`生成时间：${beijingTime(generatedAt)}（北京时间）`);
  let bytes = 0;
  let pages = 0;
  let unchanged = 0;
  const write = async (path: string, content: string | Uint8Array): Promise<string> => {
    const key = keys.site(path);
    const body = typeof content === 'string' ? encoder.encode(content) : content;
    const extension = path.slice(path.lastIndexOf('.') + 1);
    const hash = contentHash(body, footerTime);
    hashes[key] = hash;
    written.add(key);
    if (extension === 'html') pages++;
    if (previousHashes[key] === hash && existingKeys.has(key)) {
      unchanged++;
      return key;
    }
    await store.put(key, body, { contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream' });
    bytes += body.byteLength;
    return key;
  };
  /** A page left as it is (its agency's inputs did not change). */
  const keep = (key: string): void => {
    hashes[key] = previousHashes[key] as string;
    written.add(key);
    if (key.endsWith('.html')) pages++;
    unchanged++;
  };

  // Export inputs by year, in registry order (the mapLimit lanes finish out of order).
  const exportInputs = new Map<number, (AgencyExportInput | undefined)[]>(index.years.map((year) => [year, []]));
  const agencyOrder = new Map(index.agencies.map((agency, position) => [agency.id, position]));
  const ruleCounts = new Map<string, number>();
  const exportRow = (agency: SiteAgency, year: number, input: AgencyExportInput) => {
    for (const finding of input.findings ?? []) ruleCounts.set(finding.rule, (ruleCounts.get(finding.rule) ?? 0) + 1);
    (exportInputs.get(year) as (AgencyExportInput | undefined)[])[agencyOrder.get(agency.id) ?? 0] = input;
  };
  // An agency whose inputs did not change since its pages were made is not read or rendered again: its
  // pages stay (hashes carried over) and its export rows come from its state and the cache.
  const nextCache = new Map<string, SiteAgencyEntry>();
  const triageByAgency = triageJsonByAgency(index.triage);
  let agenciesRendered = 0;
  await mapLimit(index.agencies, options.concurrency ?? 8, async (agency) => {
    const fingerprint = siteFingerprint(agency, index, triageByAgency.get(agency.id) ?? '');
    const cached = cache.get(agency.id);
    if (cached?.fingerprint === fingerprint && Object.keys(cached.pages).every((key) => existingKeys.has(key))) {
      for (const key of Object.keys(cached.pages)) keep(key);
      for (const year of index.years.slice().reverse()) {
        const state = index.states.get(year)?.get(agency.id);
        const row = cached.years[year];
        const findings = row?.findings ?? state?.current.findings ?? [];
        exportRow(agency, year, siteExportInput(agency, year, state?.current ?? null, findings, row?.currentSha));
      }
      nextCache.set(agency.id, cached);
      return;
    }
    agenciesRendered++;
    const entry: SiteAgencyEntry = { fingerprint, pages: {}, years: {} };
    const writeAgencyPage = async (path: string, content: string) => {
      const key = await write(path, content);
      entry.pages[key] = hashes[key] as string;
    };
    const views: AgencyYearView[] = [];
    for (const year of index.years.slice().reverse()) {
      const state = index.states.get(year)?.get(agency.id);
      const { results, metas } = await loadAgencyYear(store, index, agency.id, year);
      const fetches = index.fetches.get(year)?.get(agency.id) ?? [];
      if (!state && results.length === 0 && fetches.length === 0) {
        views.push({ year, state, results, fetches, sourceUrls: new Map() });
        entry.years[year] = { findings: [] };
        exportRow(agency, year, siteExportInput(agency, year, null, [], undefined));
        continue;
      }
      const currentSha =
        state?.current.resultKey?.match(/([0-9a-f]{64})\.json$/)?.[1] ?? results[results.length - 1]?.sha256;
      for (const result of results) {
        const isCurrent = result.sha256 === currentSha;
        await writeAgencyPage(
          reportPagePath(year, agency.id, result.sha256),
          renderReportPage({ agency, result, meta: metas.get(result.sha256), state, isCurrent, generatedAt }),
        );
        const raw = parseRawKey(result.rawKey ?? '');
        const bytes = raw && isLiveHtmlExt(raw.ext) ? await store.get(result.rawKey) : undefined;
        if (bytes) {
          const meta = metas.get(result.sha256);
          await writeAgencyPage(
            archiveViewerPath(year, agency.id, result.sha256),
            renderArchiveViewer({ agency, rawKey: result.rawKey, bytes, ...(meta ? { meta } : {}), generatedAt }),
          );
        }
      }
      const current = results.find((result) => result.sha256 === currentSha);
      const findings = state
        ? mergeFindings(current?.findings ?? [], state.current.findings)
        : (current?.findings ?? []);
      // The cache keeps the findings only where they are not simply the state's (most agencies).
      entry.years[year] = {
        ...(current?.sha256 ? { currentSha: current.sha256 } : {}),
        ...(state && JSON.stringify(findings) === JSON.stringify(state.current.findings) ? {} : { findings }),
      };
      exportRow(agency, year, siteExportInput(agency, year, state?.current ?? null, findings, current?.sha256));
      const sourceUrls = new Map<string, string>();
      for (const [sha, meta] of metas) sourceUrls.set(sha, meta.url);
      views.push({ year, state, results, fetches, sourceUrls, report: current?.report ?? null });
    }
    await writeAgencyPage(agencyPagePath(agency.id), renderAgencyPage(agency, views, generatedAt, index.triage));
    nextCache.set(agency.id, entry);
  });
  await saveSiteAgencyCache(store, cache, nextCache);
  if (options.shards) return { pages, bytes, files: written.size, pruned: 0, unchanged, agenciesRendered };

  // The listings (agencies.html and a page and workbook per county-level region), newest year first and
  // registry order within a year. With a registry, the workbooks list its agencies (one row each) and the
  // pages also show agencies only the store knows; without one, whatever the store holds.
  const exported = new Set(
    index.agencies.filter((agency) => agency.inRegistry || !options.registry).map((agency) => agency.id),
  );
  const byYear = index.years
    .slice()
    .reverse()
    .map((year) => ({
      year,
      inputs: (exportInputs.get(year) ?? []).filter((input): input is AgencyExportInput => input !== undefined),
    }));
  await writeListings(
    async (path, content) => {
      await write(path, content);
    },
    { byYear, exported, ...(index.triage ? { triage: index.triage } : {}), generatedAt },
  );
  await write(STYLESHEET_PATH, SITE_CSS);
  // Each year's pages describe it as of its newest assessment, not the moment they are generated, so an
  // unchanged store regenerates to the same bytes.
  const asOf = (year: number) => dataAsOf(index.states.get(year)?.values() ?? []) ?? options.now;
  // The year's evaluation of the registry's agencies (levels known), beside each overview.
  const evaluated = index.agencies.filter(
    (agency): agency is typeof agency & { level: NonNullable<typeof agency.level> } =>
      agency.level !== null && exported.has(agency.id),
  );
  for (const year of index.years) {
    const current = new Map([...(index.states.get(year)?.values() ?? [])].map((s) => [s.agencyId, s.current]));
    const before = index.states.has(year - 1)
      ? new Map([...(index.states.get(year - 1)?.values() ?? [])].map((s) => [s.agencyId, s.current]))
      : await loadAssessments(store, evaluated, year - 1);
    const evaluation = buildEvaluation({
      year,
      agencies: evaluated,
      assessments: current,
      previous: before,
      now: asOf(year),
    });
    await write(
      evaluationPath(year),
      renderEvaluationHtml(evaluation, { backHref: overviewPath(year), dateLabel: '数据截至' }),
    );
  }
  for (const year of index.years) await write(overviewPath(year), renderOverview(index, year, asOf(year), generatedAt));
  if (index.years.length) await write('index.html', renderSiteIndex(index.years, generatedAt));
  else {
    const year = options.now.getUTCFullYear() - 1;
    await write('index.html', renderOverview({ ...index, years: [year] }, year, options.now, generatedAt));
  }
  await write('rules.html', renderRulesPage(options.catalogue ?? FINDING_CATALOGUE, ruleCounts, generatedAt));

  let pruned = 0;
  if (options.prune ?? true) {
    const stale = [...existingKeys].filter((key) => !written.has(key));
    await mapLimit(stale, 16, (key) => store.delete(key));
    pruned = stale.length;
  }
  // Pages kept (not pruned) keep their hash; the record changes only when some page did. Compared key by
  // key and written in key order: the agencies' lanes finish in a different order every run, so the
  // serialised record could differ when not one hash had.
  const agencyPages = new Set([...nextCache.values()].flatMap((entry) => Object.keys(entry.pages)));
  const kept = options.prune === false ? { ...sharedHashes, ...hashes } : hashes;
  const sharedKeys = Object.keys(kept)
    .filter((key) => !agencyPages.has(key))
    .sort();
  const same =
    sharedKeys.length === Object.keys(sharedHashes).length &&
    sharedKeys.every((key) => sharedHashes[key] === kept[key]);
  if (!same) await putJson(store, keys.sitePageHashes, Object.fromEntries(sharedKeys.map((key) => [key, kept[key]])));
  return { pages, bytes, files: written.size, pruned, unchanged, agenciesRendered };
}
