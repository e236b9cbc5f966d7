/**
 * GBK encoding for test fixtures. Node has GBK decoders (ICU) but no encoder, so the table is built
 * by decoding every double-byte sequence once. Verified against known code points in the tests.
 */
let table: Map<string, [number, number]> | undefined;

function gbkTable(): Map<string, [number, number]> {
  if (table) return table;
  table = new Map();
  const decoder = new TextDecoder('gbk');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(Uint8Array.of(lead, trail));
      if (char.length === 1 && char !== '\uFFFD' && !table.has(char)) table.set(char, [lead, trail]);
    }
  }
  return table;
}

/** Encodes text as GBK; throws on characters GBK cannot hold. */
export function encodeGbk(text: string): Uint8Array {
  const map = gbkTable();
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const bytes = map.get(char);
    if (!bytes) throw new Error(`not encodable in GBK: ${char}`);
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}
