import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from '../async/map-limit.ts';
import { sha256Hex } from './hash.ts';
import { assertValidKey, assertValidPrefix, compareKeys, InvalidKeyError } from './key-safety.ts';
import type { ObjectStore, PutCondition, TaggedKey, Versioned } from './port.ts';

/** Suffix of in-flight temporary files; they are never listed and cannot be used as keys. */
const TEMP_SUFFIX = '.nianbao-tmp';
/** Suffix of a key's write lock (held only while a conditional write compares and renames). */
const LOCK_SUFFIX = '.nianbao-lock';
/** A lock or temp file older than this belongs to a writer that died (a conditional write takes ms). */
const STALE_AFTER_MS = 30_000;

/** A write that failed for lack of disk space or quota: a Chinese message naming the store and key. */
export class StoreFullError extends Error {
  readonly code: string;
  constructor(location: string, key: string, code: string) {
    super(
      `存储空间不足（${code}）：无法写入 ${key}（存储位置 ${location}）。已写入的数据完好，未完成的临时文件已删除；请清理磁盘空间后重新运行。`,
    );
    this.name = 'StoreFullError';
    this.code = code;
  }
}

/** A content hash as the version (like an S3 ETag): equal bytes, equal version. */
function versionOf(bytes: Uint8Array): string {
  return sha256Hex(bytes);
}

/**
 * ObjectStore over a local folder (the local default is `./.nianbao/`). Each key is a file path
 * under the root; writes go to a temporary file in the same folder and are renamed into place, so a
 * reader never sees half an object.
 *
 * Temporary files are removed on every failure path, and ones left by a killed process (its pid no
 * longer runs, or older than {@link STALE_AFTER_MS}) are swept before the first write. Conditional
 * writes (putIf) take a per-key lock file created with O_EXCL; a lock older than STALE_AFTER_MS is a
 * dead writer's and is broken.
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
    if (key.endsWith(TEMP_SUFFIX) || key.endsWith(LOCK_SUFFIX)) {
      throw new InvalidKeyError(key, `keys may not end with ${TEMP_SUFFIX} or ${LOCK_SUFFIX}`);
    }
    const full = path.resolve(this.#root, ...key.split('/'));
    // Belt and braces: the segment checks already rule this out.
    if (!full.startsWith(this.#root + path.sep)) throw new InvalidKeyError(key, 'resolves outside the store');
    return full;
  }

  #swept: Promise<void> | null = null;

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const target = this.#pathOf(key);
    await this.#sweepOnce();
    const temp = await this.#writeTemp(key, target, body);
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw this.#translate(key, error);
    }
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const body = await this.get(key);
    return body === undefined ? undefined : { body, version: versionOf(body) };
  }

  async putIf(key: string, body: Uint8Array | string, condition: PutCondition): Promise<boolean> {
    const target = this.#pathOf(key);
    await this.#sweepOnce();
    const temp = await this.#writeTemp(key, target, body);
    try {
      if ('ifNoneMatch' in condition) {
        // link() fails with EEXIST when the key exists: create-only, atomically, without a lock.
        try {
          await link(temp, target);
          return true;
        } catch (error) {
          if (isCode(error, 'EEXIST')) return false;
          throw this.#translate(key, error);
        }
      }
      const release = await this.#lock(key, target);
      if (!release) return false;
      try {
        const current = await this.get(key);
        if (current === undefined || versionOf(current) !== condition.ifMatch) return false;
        await rename(temp, target);
        return true;
      } finally {
        await release();
      }
    } catch (error) {
      throw this.#translate(key, error);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Writes `body` to a fresh temp file beside `target`; removes it again when the write fails. */
  async #writeTemp(key: string, target: string, body: Uint8Array | string): Promise<string> {
    const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    // A concurrent delete may prune the (then empty) folder between mkdir and write: retry once.
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(temp, body);
        return temp;
      } catch (error) {
        await rm(temp, { force: true }).catch(() => undefined);
        if (attempt === 0 && isCode(error, 'ENOENT')) continue;
        throw this.#translate(key, error);
      }
    }
  }

  /** Takes the key's lock (O_EXCL lock file), waiting for a live holder and breaking a stale one. */
  async #lock(key: string, target: string): Promise<(() => Promise<void>) | null> {
    const lockPath = `${target}${LOCK_SUFFIX}`;
    for (let attempt = 0; attempt < 400; attempt++) {
      try {
        const handle = await open(lockPath, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        return () => rm(lockPath, { force: true });
      } catch (error) {
        if (!isCode(error, 'EEXIST')) throw this.#translate(key, error);
      }
      const age = await stat(lockPath).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > STALE_AFTER_MS) await rm(lockPath, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
    }
    return null;
  }

  #translate(key: string, error: unknown): unknown {
    if (isCode(error, 'ENOSPC') || isCode(error, 'EDQUOT')) {
      return new StoreFullError(this.location, key, (error as { code: string }).code);
    }
    return error;
  }

  #sweepOnce(): Promise<void> {
    this.#swept ??= this.sweepTempFiles().then(
      () => undefined,
      () => undefined,
    );
    return this.#swept;
  }

  /**
   * Removes temporary and lock files left by writers that died: their process no longer runs on
   * this machine, or they are older than STALE_AFTER_MS. Returns how many were removed.
   */
  async sweepTempFiles(now = Date.now()): Promise<number> {
    const stray: string[] = [];
    await walkAll(this.#root, stray);
    let removed = 0;
    for (const file of stray) {
      const pid = file.endsWith(TEMP_SUFFIX)
        ? Number(/\.(\d+)\.[0-9a-f]{12}\.nianbao-tmp$/.exec(file)?.[1])
        : Number.NaN;
      const age = await stat(file).then(
        (info) => now - info.mtimeMs,
        () => -1,
      );
      if (age < 0) continue;
      // The store is a local folder: a pid that does not run here is a dead writer (kill -9, crash).
      const ownerGone = Number.isInteger(pid) && pid !== process.pid && !isRunning(pid);
      if (ownerGone || age > STALE_AFTER_MS) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
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

  async listTagged(prefix: string): Promise<TaggedKey[]> {
    const listed = await this.list(prefix);
    // Every write renames a new file into place, so size and modification time (ns) change with it.
    const tagged = await mapLimit(listed, 32, async (key) => {
      try {
        const info = await stat(this.#pathOf(key), { bigint: true });
        return { key, tag: `${info.size}-${info.mtimeNs}-${info.ino}` };
      } catch (error) {
        if (isCode(error, 'ENOENT')) return undefined;
        throw error;
      }
    });
    return tagged.filter((entry): entry is TaggedKey => entry !== undefined);
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
    else if (entry.isFile() && !entry.name.endsWith(TEMP_SUFFIX) && !entry.name.endsWith(LOCK_SUFFIX)) out.push(key);
  }
}

/** Every temp and lock file under `dir`. */
async function walkAll(dir: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walkAll(full, out);
    else if (entry.name.endsWith(TEMP_SUFFIX) || entry.name.endsWith(LOCK_SUFFIX)) out.push(full);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isCode(error, 'EPERM');
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
