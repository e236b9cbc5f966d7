import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertValidKey, assertValidPrefix, compareKeys, InvalidKeyError } from './key-safety.ts';
import type { ObjectStore } from './port.ts';

/** Suffix of in-flight temporary files; they are never listed and cannot be used as keys. */
const TEMP_SUFFIX = '.nianbao-tmp';

/**
 * ObjectStore over a local folder (the local default is `./.nianbao/`). Each key is a file path
 * under the root; writes go to a temporary file in the same folder and are renamed into place, so a
 * reader never sees half an object.
 *
 * Limitation (not shared with S3): a key cannot also be a "folder" of other keys (`a` and `a/b`);
 * the key layout in keys.ts never does this.
 */
export class FileSystemStore implements ObjectStore {
  readonly location: string;
  readonly #root: string;

  constructor(root = './.nianbao') {
    this.#root = path.resolve(root);
    this.location = this.#root;
  }

  #pathOf(key: string): string {
    assertValidKey(key);
    if (key.endsWith(TEMP_SUFFIX)) throw new InvalidKeyError(key, `keys may not end with ${TEMP_SUFFIX}`);
    const full = path.resolve(this.#root, ...key.split('/'));
    // Belt and braces: the segment checks already rule this out.
    if (!full.startsWith(this.#root + path.sep)) throw new InvalidKeyError(key, 'resolves outside the store');
    return full;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const target = this.#pathOf(key);
    const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    // A concurrent delete may prune the (then empty) folder between mkdir and write: retry once.
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(temp, body);
        break;
      } catch (error) {
        if (attempt === 0 && isCode(error, 'ENOENT')) continue;
        throw error;
      }
    }
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const buffer = await readFile(this.#pathOf(key));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'EISDIR') || isCode(error, 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.#pathOf(key))).isFile();
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    // Walk only the deepest folder the prefix fully names; filter the rest by string prefix.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = folder === '' ? this.#root : path.join(this.#root, ...folder.split('/'));
    const keys: string[] = [];
    await walk(start, folder, keys);
    return keys.filter((key) => key.startsWith(prefix)).sort(compareKeys);
  }

  async delete(key: string): Promise<void> {
    const target = this.#pathOf(key);
    await rm(target, { force: true });
    // Prune folders left empty, up to (not including) the root.
    let dir = path.dirname(target);
    while (dir.startsWith(this.#root + path.sep)) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty, or already gone
      }
      dir = path.dirname(dir);
    }
  }
}

async function walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return;
    throw error;
  }
  for (const entry of entries) {
    const key = keyPrefix === '' ? entry.name : `${keyPrefix}/${entry.name}`;
    if (entry.isDirectory()) await walk(path.join(dir, entry.name), key, out);
    else if (entry.isFile() && !entry.name.endsWith(TEMP_SUFFIX)) out.push(key);
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
