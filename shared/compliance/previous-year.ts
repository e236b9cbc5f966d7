/**
 * The one previous-year loader: which of last year's stored reports this year's report is compared
 * with (carry-over, year-on-year). The parser uses it when a snapshot is parsed, the assessment when
 * it re-runs the cross-year rules after last year's report arrived.
 */
import { keys } from '../storage/keys.ts';
import { getJson, type ObjectStore } from '../storage/port.ts';
import type { ReportResult, SnapshotMeta } from '../storage/records.ts';
import type { AgencyYearState } from './status.ts';

/**
 * The agency's report for `year`: the one its assessment chose (state's current result), else the
 * parsed result of the most recently published snapshot (publish date, else fetch time, else parse
 * time). Null when nothing for that year is stored.
 */
export async function loadPreviousYearResult(
  store: ObjectStore,
  agencyId: string,
  year: number,
): Promise<ReportResult | null> {
  const state = await getJson<AgencyYearState>(store, keys.state(year, agencyId));
  if (state?.current.resultKey) {
    const result = await getJson<ReportResult>(store, state.current.resultKey);
    if (result) return result;
  }
  let best: { result: ReportResult; order: string } | null = null;
  for (const key of await store.list(keys.resultAgencyPrefix(year, agencyId))) {
    const result = await getJson<ReportResult>(store, key);
    if (!result?.report) continue;
    const meta = await getJson<SnapshotMeta>(store, keys.rawMeta(year, agencyId, result.sha256));
    const order = meta?.publishDate ?? meta?.fetchedAt ?? result.parsedAt;
    if (!best || order > best.order) best = { result, order };
  }
  return best?.result ?? null;
}
