/**
 * GBK encoding for test fixtures (Node has GBK decoders but no encoder): the demo site's encoder, in the
 * strict mode, so a fixture with a character GBK cannot hold fails loudly instead of becoming '?'.
 */
import { encodeGbk as encodeGbkOrReplace } from '../../demo/seed-html.ts';

/** Encodes text as GBK; throws on characters GBK cannot hold. */
export function encodeGbk(text: string): Uint8Array {
  return encodeGbkOrReplace(text, { unencodable: 'throw' });
}
