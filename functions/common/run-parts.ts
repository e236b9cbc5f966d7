/**
 * On AWS one fetch run is spread over hundreds of worker invocations. Each writes the outcomes of its
 * job to `run-parts/{runId}/{jobId}.json`; the weekly notifier folds a run's parts into the one
 * `runs/{runId}.json` manifest the domain code reads (the same layout as a local `nianbao scan`), then
 * deletes them. The assessments and the site read the runs through the outcome index
 * (shared/compliance/outcome-index.ts), which folds each manifest once; a rewritten manifest leaves a
 * refold marker so the index is rebuilt.
 */

import { refoldMarkerKey } from '../../shared/compliance/outcome-index.ts';
import { type RunRecord, STALE_RUN_MS } from '../../shared/fetch/run-record.ts';
import { keys, RUN_PARTS_PREFIX } from '../../shared/storage/keys.ts';
import { getJson, type ObjectStore, putJson } from '../../shared/storage/port.ts';
import type { AgencyRunOutcome } from '../../shared/storage/records.ts';

/** Where one fetch job's outcomes go. */
export function runPartKey(runId: string, jobId: string): string {
  return keys.runPart(runId, jobId);
}

export interface ConsolidatedRun {
  runId: string;
  parts: number;
  agencies: number;
}

/**
 * Folds every run's parts into `runs/{runId}.json` (merging with a manifest already there, so parts
 * that arrive late are added next time) and deletes the parts it folded. When an agency appears twice
 * (a job retried after a partial failure), the outcome that finished last wins.
 */
export async function consolidateRunParts(
  store: ObjectStore,
  now: () => Date = () => new Date(),
): Promise<ConsolidatedRun[]> {
  const partKeys = (await store.list(RUN_PARTS_PREFIX)).filter((key) => key.endsWith('.json'));
  const byRun = new Map<string, string[]>();
  for (const key of partKeys) {
    const runId = key.slice(RUN_PARTS_PREFIX.length).split('/')[0];
    if (!runId) continue;
    byRun.set(runId, [...(byRun.get(runId) ?? []), key]);
  }
  const consolidated: ConsolidatedRun[] = [];
  for (const [runId, runPartKeys] of byRun) {
    const existing = await getJson<RunRecord>(store, keys.run(runId));
    const parts: RunRecord[] = [];
    for (const key of runPartKeys) {
      const part = await getJson<RunRecord>(store, key);
      if (part && Array.isArray(part.outcomes)) parts.push(part);
    }
    const manifests = [...(existing ? [existing] : []), ...parts];
    if (manifests.length === 0) continue;
    const latest = new Map<string, { outcome: AgencyRunOutcome; finishedAt: string }>();
    for (const manifest of manifests) {
      for (const outcome of manifest.outcomes) {
        const seen = latest.get(outcome.agencyId);
        if (!seen || manifest.finishedAt >= seen.finishedAt) {
          latest.set(outcome.agencyId, { outcome, finishedAt: manifest.finishedAt });
        }
      }
    }
    // A job still `running` was killed (timeout, out of memory) unless its heartbeat is fresh; the run
    // record says which agencies no job reported, and why.
    const states = parts.map((part) => {
      if (part.state !== 'running') return part.state ?? 'finished';
      const age = now().getTime() - Date.parse(part.updatedAt ?? part.startedAt);
      return age > STALE_RUN_MS ? 'interrupted' : 'running';
    });
    const state: RunRecord['state'] =
      (['running', 'interrupted', 'failed'] as const).find((s) => states.includes(s)) ??
      (existing?.state && existing.state !== 'finished' && parts.length === 0 ? existing.state : 'finished');
    const notDone = [
      ...new Set([...(existing?.notDone?.agencyIds ?? []), ...parts.flatMap((p) => p.notDone?.agencyIds ?? [])]),
    ].filter((id) => !latest.has(id));
    const merged: RunRecord = {
      runId,
      state,
      updatedAt: now().toISOString(),
      agenciesTotal: latest.size + notDone.length,
      ...(notDone.length > 0
        ? {
            notDone: {
              agencyIds: notDone,
              reason:
                state === 'running'
                  ? '运行中，尚未处理'
                  : `抓取任务未正常结束（${state === 'failed' ? '失败' : '中断'}），这些机关本次未处理`,
            },
          }
        : {}),
      year: manifests[0]?.year ?? 0,
      startedAt: manifests.map((m) => m.startedAt).sort()[0] ?? '',
      finishedAt:
        manifests
          .map((m) => m.finishedAt)
          .sort()
          .at(-1) ?? '',
      outcomes: [...latest.values()].map(({ outcome }) => outcome),
    };
    await putJson(store, keys.run(runId), merged);
    // The outcome index may already have folded the earlier version of this manifest: rebuild it.
    if (existing) await store.put(refoldMarkerKey(merged.year, runId), '');
    // Deleted only after the merged manifest is written: a failure in between folds them again next time.
    for (const key of runPartKeys) await store.delete(key);
    consolidated.push({ runId, parts: runPartKeys.length, agencies: merged.outcomes.length });
  }
  return consolidated;
}
