/** Reads what the exports and the evaluation need from the store: each registry agency's assessment. */

import { mapLimit } from '../async/map-limit.ts';
import { loadIndexedStates } from '../compliance/assessment-index.ts';
import type { AgencyYearState, Assessment } from '../compliance/status.ts';
import type { Agency } from '../registry/agency.ts';
import { keys } from '../storage/keys.ts';
import { getJson, type ObjectStore } from '../storage/port.ts';

/**
 * The current assessment of every registry agency for `year` (agencies never assessed are absent): from
 * the assessment index when the year has one (a few reads), else one listing of state/{year}/ first, so
 * a year nobody was assessed for costs one request, not one per agency.
 */
export async function loadAssessments(
  store: ObjectStore,
  agencies: readonly Pick<Agency, 'id'>[],
  year: number,
): Promise<Map<string, Assessment>> {
  const indexed = await loadIndexedStates(store, year);
  if (indexed) {
    const byAgency = new Map<string, Assessment>();
    for (const agency of agencies) {
      const state = indexed.get(agency.id);
      if (state?.current) byAgency.set(agency.id, state.current);
    }
    return byAgency;
  }
  const stored = new Set(await store.list(keys.statePrefix(year)));
  const present = agencies.filter((agency) => stored.has(keys.state(year, agency.id)));
  const states = await mapLimit(present, 16, (agency) =>
    getJson<AgencyYearState>(store, keys.state(year, agency.id)).catch(() => undefined),
  );
  const byAgency = new Map<string, Assessment>();
  for (const state of states) if (state?.current?.agencyId) byAgency.set(state.current.agencyId, state.current);
  return byAgency;
}
