/**
 * Run parts: a fetch run's outcomes written in pieces to `run-parts/{runId}/{partId}.json` and folded
 * into the one `runs/{runId}.json` manifest the domain code reads. On AWS one part is one fetch job's
 * (functions/fetch-worker.ts) and the weekly notifier folds them; a local scan (shared/fetch/scan/run.ts)
 * streams its finished outcomes out of memory as parts of a few hundred and folds its own run at the
 * end, and the next scan folds what a killed scan left. The assessments and the site read the runs
 * through the outcome index (shared/compliance/outcome-index.ts), which folds each manifest once; a
 * rewritten manifest leaves a refold marker so the index is rebuilt.
 *
 * A `runs/` record with `counts` is a local scan's own record: it says the run's state (a failed or
 * interrupted local run stays so after folding, with its reason) and, while `running` with a fresh
 * heartbeat, its parts are left to it. (The records the notifier folds on AWS have no counts.)
 */
import { keys, RUN_PARTS_PREFIX } from '../storage/keys.ts';
import { getJson, type ObjectStore } from '../storage/port.ts';
import type { AgencyRunOutcome, FetchStatus } from '../storage/records.ts';
import { type RunRecord, STALE_RUN_MS } from './run-record.ts';

export interface ConsolidatedRun {
  runId: string;
  parts: number;
  agencies: number;
}

/**
 * Folds every run's parts into `runs/{runId}.json` (merging with a manifest already there, so parts
 * that arrive late are added next time) and deletes the parts it folded. When an agency appears twice
 * (a job retried after a partial failure), the outcome that finished last wins. A live local scan's
 * parts are left to it.
 */
export async function consolidateRunParts(
  store: ObjectStore,
  now: () => Date = () => new Date(),
  options: {
    /** Only local scans' runs (a scan tidying up before it starts leaves an AWS run to the notifier). */
    localOnly?: boolean;
  } = {},
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
    const folded = await foldRun(store, runId, runPartKeys, now, {
      leaveLive: true,
      localOnly: options.localOnly === true,
    });
    if (folded) consolidated.push({ runId, parts: runPartKeys.length, agencies: folded.outcomes.length });
  }
  return consolidated;
}

/**
 * Folds one run's parts into its manifest (a local scan's last step) and returns the manifest, or the
 * record already there when there were no parts; undefined when the run has neither.
 */
export async function consolidateRun(
  store: ObjectStore,
  runId: string,
  now: () => Date = () => new Date(),
): Promise<RunRecord | undefined> {
  const partKeys = (await store.list(keys.runPartsOf(runId))).filter((key) => key.endsWith('.json'));
  if (partKeys.length === 0) return getJson<RunRecord>(store, keys.run(runId));
  return foldRun(store, runId, partKeys, now, { leaveLive: false, localOnly: false });
}

/** Whether `record` is a local scan's own (it counts its outcomes while it runs). */
function isLocalRecord(record: RunRecord | undefined): record is RunRecord {
  return record?.counts !== undefined;
}

/** Whether `record` is a local scan's running record with a fresh heartbeat (its owner still writes it). */
function isLiveLocalRun(record: RunRecord | undefined, now: Date): boolean {
  if (!isLocalRecord(record) || record.state !== 'running') return false;
  return now.getTime() - Date.parse(record.updatedAt ?? record.startedAt) <= STALE_RUN_MS;
}

async function foldRun(
  store: ObjectStore,
  runId: string,
  runPartKeys: string[],
  now: () => Date,
  options: { leaveLive: boolean; localOnly: boolean },
): Promise<RunRecord | undefined> {
  const existing = await getJson<RunRecord>(store, keys.run(runId));
  if (options.leaveLive && isLiveLocalRun(existing, now())) return undefined;
  if (options.localOnly && !isLocalRecord(existing)) return undefined;
  const parts: RunRecord[] = [];
  for (const key of runPartKeys) {
    const part = await getJson<RunRecord>(store, key);
    if (part && Array.isArray(part.outcomes)) parts.push(part);
  }
  const manifests = [...(existing ? [existing] : []), ...parts];
  if (manifests.length === 0) return undefined;
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
  // A local scan's own record says how its run ended (a running one reached here is stale: interrupted).
  const local = isLocalRecord(existing);
  const ownState: RunRecord['state'] | undefined = local
    ? existing.state === 'running'
      ? 'interrupted'
      : existing.state
    : undefined;
  const state: RunRecord['state'] =
    (['running', 'interrupted', 'failed'] as const).find((s) => states.includes(s)) ??
    ownState ??
    (existing?.state && existing.state !== 'finished' && parts.length === 0 ? existing.state : 'finished');
  const notDone = [
    ...new Set([...(existing?.notDone?.agencyIds ?? []), ...parts.flatMap((p) => p.notDone?.agencyIds ?? [])]),
  ].filter((id) => !latest.has(id));
  const ownReason = local && existing.state === state ? existing.notDone?.reason : undefined;
  const merged: RunRecord = {
    runId,
    state,
    updatedAt: now().toISOString(),
    ...(existing?.owner ? { owner: existing.owner } : {}),
    agenciesTotal: latest.size + notDone.length,
    ...(notDone.length > 0
      ? {
          notDone: {
            agencyIds: notDone,
            reason:
              ownReason ??
              (state === 'running'
                ? '运行中，尚未处理'
                : `抓取任务未正常结束（${state === 'failed' ? '失败' : '中断'}），这些机关本次未处理`),
          },
        }
      : {}),
    ...(local && existing.error ? { error: existing.error } : {}),
    ...(local && existing.errorDetail ? { errorDetail: existing.errorDetail } : {}),
    year: manifests[0]?.year ?? 0,
    startedAt: manifests.map((m) => m.startedAt).sort()[0] ?? '',
    finishedAt:
      manifests
        .map((m) => m.finishedAt)
        .sort()
        .at(-1) ?? '',
    outcomes: [...latest.values()].map(({ outcome }) => outcome),
  };
  // Still a local scan's record after folding (its counts now those of its outcomes).
  if (local) merged.counts = countsOf(merged.outcomes);
  await store.put(keys.run(runId), manifestBytes(merged), { contentType: 'application/json; charset=utf-8' });
  // The outcome index may already have folded the earlier version of this manifest: rebuild it.
  if (existing) await store.put(keys.outcomeIndexRefold(merged.year, runId), '');
  // Deleted only after the merged manifest is written: a failure in between folds them again next time.
  for (const key of runPartKeys) await store.delete(key);
  return merged;
}

function countsOf(outcomes: AgencyRunOutcome[]): Partial<Record<FetchStatus, number>> {
  const counts: Partial<Record<FetchStatus, number>> = {};
  for (const outcome of outcomes) counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
  return counts;
}

/**
 * A manifest as JSON bytes, one outcome a line, encoded a few hundred outcomes at a time: the text of
 * all outcomes never exists as one string (at 30,000 agencies that string alone was about as large as
 * a local scan's whole heap while scanning), and the bytes live outside the JS heap.
 */
function manifestBytes(record: RunRecord): Uint8Array {
  const { outcomes, ...head } = record;
  const encoder = new TextEncoder();
  const headJson = JSON.stringify(head);
  const chunks: Uint8Array[] = [encoder.encode(`${headJson.slice(0, -1)}${headJson === '{}' ? '' : ','}"outcomes":[`)];
  for (let start = 0; start < outcomes.length; start += 256) {
    const lines = outcomes
      .slice(start, start + 256)
      .map((outcome, i) => `${start + i > 0 ? ',' : ''}\n${JSON.stringify(outcome)}`);
    chunks.push(encoder.encode(lines.join('')));
  }
  chunks.push(encoder.encode('\n]}\n'));
  return Buffer.concat(chunks);
}
