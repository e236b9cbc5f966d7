/**
 * Key validation shared by every adapter, so a key that one adapter accepts is accepted by all of
 * them and none can escape its root folder or prefix.
 */

/** Thrown when a key could name something outside the store or is not portable between adapters. */
export class InvalidKeyError extends Error {
  readonly key: string;
  constructor(key: string, reason: string) {
    super(`Invalid store key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidKeyError';
    this.key = key;
  }
}

/**
 * Checks that `key` is a relative '/'-separated path with no empty, '.' or '..' segments, no
 * backslashes and no control characters. Throws InvalidKeyError otherwise.
 */
export function assertValidKey(key: string): void {
  if (key.length === 0) throw new InvalidKeyError(key, 'empty');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'absolute paths are not allowed');
  if (/^[A-Za-z]:/.test(key)) throw new InvalidKeyError(key, 'drive-letter paths are not allowed');
  if (key.includes('\\')) throw new InvalidKeyError(key, 'backslashes are not allowed');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new InvalidKeyError(key, 'control characters are not allowed');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidKeyError(key, 'empty path segment');
    if (segment === '.' || segment === '..') throw new InvalidKeyError(key, `'${segment}' segments are not allowed`);
  }
  if (Buffer.byteLength(key, 'utf8') > 1024) throw new InvalidKeyError(key, 'longer than 1024 bytes');
}

/** Checks a list prefix: like a key, but it may be empty and may end with '/'. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

/** Orders keys the way S3 does (by UTF-8 bytes), so every adapter lists in the same order. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
