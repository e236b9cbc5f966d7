/**
 * The parse function only needs each agency's level (plausibility checks depend on it), so it reads
 * that one field from config/registry.yaml with the YAML parser alone. Loading the full, validated
 * registry (shared/registry/load.ts) would add zod, 450 KB, to the largest bundle; the registry is
 * validated where it drives work (the planner and the rescan endpoint).
 */
import { parse } from 'yaml';
import { AGENCY_LEVELS, type AgencyLevel } from '../../shared/registry/agency.ts';
import { keys } from '../../shared/storage/keys.ts';
import { getText, type ObjectStore } from '../../shared/storage/port.ts';

const LEVELS = new Set<string>(AGENCY_LEVELS);

/** Agency id → level, for the entries whose level is a known one; other entries are ignored. */
export function agencyLevelsFromYaml(yamlText: string): Map<string, AgencyLevel> {
  const levels = new Map<string, AgencyLevel>();
  const document: unknown = parse(yamlText);
  const agencies = (document as { agencies?: unknown } | null)?.agencies;
  if (!Array.isArray(agencies)) return levels;
  for (const agency of agencies as { id?: unknown; level?: unknown }[]) {
    if (typeof agency?.id === 'string' && typeof agency.level === 'string' && LEVELS.has(agency.level)) {
      levels.set(agency.id.trim(), agency.level as AgencyLevel);
    }
  }
  return levels;
}

/** Reads the levels from the store, reusing them for `maxAgeMs` in a warm container. */
export function agencyLevelLoader(
  store: ObjectStore,
  maxAgeMs = 5 * 60_000,
): (now: Date) => Promise<Map<string, AgencyLevel>> {
  let cached: { levels: Map<string, AgencyLevel>; loadedAt: number } | undefined;
  return async (now) => {
    if (cached && now.getTime() - cached.loadedAt < maxAgeMs) return cached.levels;
    const text = await getText(store, keys.registry);
    cached = { levels: text === undefined ? new Map() : agencyLevelsFromYaml(text), loadedAt: now.getTime() };
    return cached.levels;
  };
}
