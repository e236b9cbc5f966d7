/** Content hashing for the store: snapshot keys, page-cache records and file-store versions. */
import { createHash } from 'node:crypto';

/** SHA-256 of the bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
