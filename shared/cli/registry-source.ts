/** Where the commands that read results find the registry: --registry FILE, else config/registry.yaml in the store. */
import type { Registry } from '../registry/agency.ts';
import { readRegistry, readRegistryFile } from '../registry/stream.ts';
import { keys } from '../storage/keys.ts';
import { getText, type ObjectStore } from '../storage/port.ts';

/**
 * The registry from `file` (UTF-8 or GBK, as `nianbao registry` and Notepad write it), else the one the
 * scans stored at config/registry.yaml, else undefined. Both are read as the notifier reads them
 * (readRegistry: a country's registry validated a slice at a time), so no command refuses a registry
 * another accepts.
 */
export async function findRegistry(store: ObjectStore, file: string | undefined): Promise<Registry | undefined> {
  if (file) return readRegistryFile(file);
  const stored = await getText(store, keys.registry);
  return stored === undefined ? undefined : readRegistry(stored, keys.registry);
}

/** findRegistry, with a Chinese message when there is neither a file nor a stored registry. */
export async function readRegistryFrom(store: ObjectStore, file: string | undefined): Promise<Registry> {
  const registry = await findRegistry(store, file);
  if (registry) return registry;
  throw new Error(`未指定 --registry，存储中也没有 ${keys.registry}（请先运行 scan 或用 --registry 指定名录）`);
}

/**
 * `--year` (else `defaultYear`) and the registry (`--registry`, else the stored one) of a command that
 * reads results; prints the Chinese reason and gives undefined when either cannot be had (exit 2).
 */
export async function yearAndRegistry(
  store: ObjectStore,
  values: { year?: string; registry?: string },
  defaultYear: number,
): Promise<{ year: number; registry: Registry } | undefined> {
  try {
    return { year: parseYear(values.year, defaultYear), registry: await readRegistryFrom(store, values.registry) };
  } catch (error) {
    console.error((error as Error).message);
    return undefined;
  }
}

/** Parses a --year value (four digits), or the default. */
export function parseYear(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const year = Number(value);
  if (!/^\d{4}$/.test(value) || year < 2008 || year > 2100) throw new Error(`--year 应为四位年份：${value}`);
  return year;
}
