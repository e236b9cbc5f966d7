import type { Registry } from '../../shared/registry/agency.ts';
import { type RegistryStream, readRegistry, type StreamOptions, streamRegistry } from '../../shared/registry/stream.ts';
import { keys } from '../../shared/storage/keys.ts';
import { getText, type ObjectStore } from '../../shared/storage/port.ts';

/** Thrown when config/registry.yaml is missing from the bucket: nothing can be planned without it. */
export class RegistryMissingError extends Error {
  constructor(location: string) {
    super(`No agency registry at ${location}/${keys.registry}; upload it (see README "Deploy on AWS")`);
    this.name = 'RegistryMissingError';
  }
}

/**
 * Loads the registry from `config/registry.yaml` in the store, reusing the parsed copy for `maxAgeMs`
 * within one warm container (the parse function runs once per snapshot, the registry changes weekly at most).
 */
export function registryLoader(store: ObjectStore, maxAgeMs = 5 * 60_000): (now: Date) => Promise<Registry> {
  let cached: { registry: Registry; loadedAt: number } | undefined;
  return async (now) => {
    if (cached && now.getTime() - cached.loadedAt < maxAgeMs) return cached.registry;
    const text = await getText(store, keys.registry);
    if (text === undefined) throw new RegistryMissingError(store.location);
    // Sliced validation: a country's registry (~23 MB at 150,000 agencies) is over loadRegistry's 8 MB.
    cached = { registry: readRegistry(text, keys.registry), loadedAt: now.getTime() };
    return cached.registry;
  };
}

/**
 * Reads config/registry.yaml for one pass over its agencies (shared/registry/stream.ts): a large
 * registry is validated a slice at a time, so the planner and the rescan endpoint stay within their
 * memory at 150,000 agencies. Not cached: each call reads the current file.
 */
export async function openRegistry(
  store: ObjectStore,
  options: Pick<StreamOptions, 'mayContain'> = {},
): Promise<RegistryStream> {
  const text = await getText(store, keys.registry);
  if (text === undefined) throw new RegistryMissingError(store.location);
  return streamRegistry(text, keys.registry, options);
}

/**
 * A slice test for a request naming some agencies or a region: the slice must contain one of the ids,
 * or every part of the region path, as text (an agency's YAML always does). Nothing asked: every slice.
 */
export function sliceFilter(wanted: {
  agencyIds?: readonly string[];
  region?: readonly string[];
}): StreamOptions['mayContain'] {
  const ids = wanted.agencyIds ?? [];
  const region = wanted.region ?? [];
  if (ids.length === 0 && region.length === 0) return undefined;
  return (text) =>
    (ids.length === 0 || ids.some((id) => text.includes(id))) && region.every((part) => text.includes(part));
}
