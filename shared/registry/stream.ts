/**
 * A large registry (a province: 10,000–20,000 agencies; the country: ~150,000), validated a slice at a
 * time. `loadRegistry` builds one YAML document tree for the whole file, about 15 KB of heap per agency
 * (2.4–3.1 GB at 150,000); here the `agencies:` block is cut at its list items into slices of a few
 * thousand agencies, each validated by the same loader (same schema, same Chinese messages, line numbers
 * shifted back to the whole file), so peak memory is one slice's tree plus what the caller keeps.
 *
 * The cut needs the usual layout: a top-level `agencies:` key followed by a block list (`- id: …`
 * items, each at the same indentation). Any other layout (a flow list, anchors shared across items) is
 * loaded whole by `loadRegistry`, as are small files, where slicing would change nothing.
 */
import type { Agency, Registry } from './agency.ts';
import { decodeRegistryBytes, loadRegistry, RegistryError, type RegistryIssue } from './load.ts';

/** Agencies per validated slice: big enough that the per-slice overhead vanishes, small enough to bound memory. */
export const AGENCIES_PER_SLICE = 2000;
/** Files under this are loaded whole (identical behaviour, and no slicing cost worth saving). */
export const SLICE_ABOVE_CHARS = 1024 * 1024;
/** Largest registry accepted by the sliced loader: ~150,000 agencies fit in about 40 MB. */
export const MAX_SLICED_REGISTRY_CHARS = 256 * 1024 * 1024;

export interface StreamOptions {
  sliceAboveChars?: number;
  agenciesPerSlice?: number;
  /**
   * Validate only slices whose text passes this test (e.g. contains one of the ids asked for): a
   * rescan of a few agencies or one region need not validate 150,000. Checks across the whole file
   * (duplicate ids, recipients' regions) then cover only the slices read. Must never refuse a slice
   * holding a wanted agency: test for substrings the agency's YAML necessarily contains.
   */
  mayContain?: (sliceText: string) => boolean;
}

/** A registry whose agencies are produced slice by slice; everything else is loaded up front. */
export interface RegistryStream {
  settings: Omit<Registry, 'agencies'>;
  /**
   * Every agency, validated; iterate once. Throws a RegistryError with every problem found (with the
   * whole file's line numbers) at the end of the iteration, so nothing is planned from a bad registry
   * as long as the caller acts only after the loop.
   */
  agencies: Iterable<Agency>;
}

interface Layout {
  /** Lines outside the agencies block (the settings), with the block replaced by nothing. */
  head: string;
  /** Line index (0-based) of the first line of each item, and one past the block's end. */
  itemStarts: number[];
  end: number;
  lines: string[];
}

/** Finds the block list under a top-level `agencies:` key, or null when the file is laid out otherwise. */
function blockLayout(text: string): Layout | null {
  const lines = text.split('\n');
  const keyLine = lines.findIndex((line) => /^agencies:[ \t]*(#.*)?\r?$/.test(line));
  if (keyLine < 0) return null;
  let indent: string | null = null;
  const itemStarts: number[] = [];
  let end = lines.length;
  for (let i = keyLine + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^[ \t]*(#.*)?\r?$/.test(line)) continue; // blank or comment
    const item = /^( *)-( |\r?$)/.exec(line);
    if (indent === null) {
      if (!item) return null;
      indent = item[1] as string;
    }
    if (item && item[1] === indent) {
      itemStarts.push(i);
      continue;
    }
    const lineIndent = /^ */.exec(line)?.[0].length ?? 0;
    if (lineIndent <= indent.length && !(indent.length === 0 && lineIndent > 0)) {
      if (lineIndent === 0) {
        end = i;
        break;
      }
      return null;
    }
  }
  if (itemStarts.length === 0) return null;
  // Anchors or aliases might tie items together: leave those files to the whole-document loader.
  for (let i = keyLine + 1; i < end; i++) if (/(^|[\s,[{])[&*][^\s,\]}]/.test(lines[i] as string)) return null;
  const head = [...lines.slice(0, keyLine), ...lines.slice(end)].join('\n');
  return { head, itemStarts, end, lines };
}

/**
 * Opens a registry for one pass over its agencies. Small files and unusual layouts are loaded whole
 * (`loadRegistry`); large block-list files are validated slice by slice.
 */
export function streamRegistry(text: string, fileName = 'registry.yaml', options: StreamOptions = {}): RegistryStream {
  const layout = text.length > (options.sliceAboveChars ?? SLICE_ABOVE_CHARS) ? blockLayout(text) : null;
  if (!layout) {
    const registry = loadRegistry(text, fileName);
    const { agencies, ...settings } = registry;
    return { settings, agencies };
  }
  if (text.length > MAX_SLICED_REGISTRY_CHARS) {
    const mb = (text.length / 1024 / 1024).toFixed(1);
    throw new RegistryError(fileName, [
      {
        line: null,
        column: null,
        path: '',
        message: `文件过大（约 ${mb} MB，上限 ${MAX_SLICED_REGISTRY_CHARS / 1024 / 1024} MB）`,
      },
    ]);
  }
  // The settings, validated with one placeholder agency (the schema asks for at least one); recipients'
  // regions are checked below against every agency instead.
  const placeholder =
    '  - { id: placeholder, name: x, level: township, region: x, listUrls: "http://placeholder.invalid/" }';
  const { agencies: _placeholder, ...settings } = loadRegistry(
    `${layout.head}\nagencies:\n${placeholder}\n`,
    fileName,
    {
      skipRecipientRegions: true,
    },
  );
  return {
    settings,
    agencies: slices(layout, settings, fileName, options.agenciesPerSlice ?? AGENCIES_PER_SLICE, options.mayContain),
  };
}

/**
 * The whole registry in memory, validated as streamRegistry validates it (a large file a slice at a
 * time, up to MAX_SLICED_REGISTRY_CHARS): for the notifier and the CLI, which need every agency at once
 * and must read a country's registry (~23 MB at 150,000 agencies), not only loadRegistry's 8 MB.
 */
export function readRegistry(text: string, fileName = 'registry.yaml'): Registry {
  const { settings, agencies } = streamRegistry(text, fileName);
  return { ...settings, agencies: [...agencies] };
}

/**
 * Reads and validates a registry file (UTF-8 or GBK/GB18030, see decodeRegistryBytes) as readRegistry
 * does, so the CLI's `--registry FILE` takes a country's registry as the store's copy is taken. The
 * file's size is checked before it is read: no text can pass MAX_SLICED_REGISTRY_CHARS in fewer bytes.
 */
export async function readRegistryFile(file: string): Promise<Registry> {
  return readRegistry(await readRegistryFileText(file), file);
}

/** A registry file's text (decoded, not yet validated), for callers that also keep the text. */
export async function readRegistryFileText(file: string): Promise<string> {
  const { readFile, stat } = await import('node:fs/promises');
  const fail = (message: string) => new RegistryError(file, [{ line: null, column: null, path: '', message }]);
  let bytes: Uint8Array;
  try {
    const { size } = await stat(file);
    if (size > MAX_SLICED_REGISTRY_CHARS) {
      throw fail(
        `文件过大（约 ${(size / 1024 / 1024).toFixed(1)} MB，上限 ${MAX_SLICED_REGISTRY_CHARS / 1024 / 1024} MB）；名录每个机关只需几行，请检查是否误用了其他文件`,
      );
    }
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR') throw error;
    throw fail(
      code === 'ENOENT'
        ? '找不到名录文件，请检查路径和文件名（相对路径按当前目录计算）；可先用 nianbao registry 从 Excel 导入'
        : '这是一个目录，不是名录文件；请指定其中的 .yaml 文件',
    );
  }
  return decodeRegistryBytes(bytes, file);
}

function* slices(
  layout: Layout,
  settings: Omit<Registry, 'agencies'>,
  fileName: string,
  perSlice: number,
  mayContain?: (sliceText: string) => boolean,
): Generator<Agency> {
  const issues: RegistryIssue[] = [];
  const firstLineOf = new Map<string, number>();
  const regionPrefixes = new Set<string>();
  const { itemStarts, lines } = layout;
  for (let first = 0; first < itemStarts.length; first += perSlice) {
    const from = itemStarts[first] as number;
    const to = itemStarts[first + perSlice] ?? layout.end;
    // Two lines precede the slice in its own document: respectRobots and the agencies key.
    const lineShift = from - 2;
    const body = lines.slice(from, to).join('\n');
    if (mayContain && !mayContain(body)) continue;
    const sliceText = `respectRobots: ${settings.respectRobots}\nagencies:\n${body}\n`;
    let agencies: Agency[];
    try {
      agencies = loadRegistry(sliceText, fileName).agencies;
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      for (const issue of error.issues) issues.push(shifted(issue, lineShift, first));
      continue;
    }
    for (const [index, agency] of agencies.entries()) {
      const line = (itemStarts[first + index] as number) + 1;
      const previous = firstLineOf.get(agency.id);
      if (previous !== undefined) {
        issues.push({
          line,
          column: null,
          path: `agencies[${first + index}]（${agency.id}）.id`,
          message: `重复的机关 id "${agency.id}"（第 ${previous} 行已使用）`,
        });
        continue;
      }
      firstLineOf.set(agency.id, line);
      for (let depth = 1; depth <= agency.region.length; depth++)
        regionPrefixes.add(agency.region.slice(0, depth).join('/'));
      if (issues.length === 0) yield agency;
    }
  }
  settings.recipients.forEach((recipient, index) => {
    if (mayContain) return; // only some slices were read
    const wanted = recipient.region.join('/');
    if (recipient.region.length > 0 && !regionPrefixes.has(wanted)) {
      issues.push({
        line: null,
        column: null,
        path: `recipients[${index}].region`,
        message: `地区 “${wanted}” 在名录的机关中不存在（该收件人将收不到任何机关的情况）`,
      });
    }
  });
  if (issues.length > 0) throw new RegistryError(fileName, issues);
}

/** An issue of a slice, placed in the whole file: line shifted, agency index made absolute. */
function shifted(issue: RegistryIssue, lineShift: number, firstIndex: number): RegistryIssue {
  return {
    ...issue,
    line: issue.line === null ? null : issue.line + lineShift,
    path: issue.path.replace(
      /^agencies\[(\d+)\]/,
      (_whole, index: string) => `agencies[${Number(index) + firstIndex}]`,
    ),
    message: issue.message.replace(
      /第 (\d+) 行已使用/,
      (_whole, line: string) => `第 ${Number(line) + lineShift} 行已使用`,
    ),
  };
}
