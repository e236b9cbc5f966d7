/**
 * Decompression bombs built at test time (small on disk, huge when inflated), for the document limits:
 * a DOCX whose document.xml inflates to N MiB of paragraphs or spaces, and a PDF whose page content
 * stream inflates to N MiB. Streams the deflate so building a 1 GiB bomb never holds 1 GiB.
 */
import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib';

const MiB = 1024 * 1024;

/**
 * Deflates head + chunk×times + tail as one raw deflate stream, fast: each part is compressed on its
 * own and ended with a full flush (byte-aligned, no shared history), so the chunk's compressed form
 * is simply repeated. CRC-32 and Adler-32 are computed over the real content.
 */
function deflateRepeated(
  chunk: Buffer,
  times: number,
  head = Buffer.alloc(0),
  tail = Buffer.alloc(0),
): { raw: Buffer; crc: number; adler: number; size: number } {
  const part = (bytes: Buffer) => deflateRawSync(bytes, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const body = part(chunk);
  const pieces = [part(head), ...Array.from({ length: times }, () => body), part(tail), Buffer.from([0x03, 0x00])];
  let crc = crc32(head);
  for (let i = 0; i < times; i++) crc = crc32(chunk, crc);
  crc = crc32(tail, crc);
  const chunkAdler = adler32(chunk, 1);
  let adler = adler32(head, 1);
  for (let i = 0; i < times; i++) adler = adler32Combine(adler, chunkAdler, chunk.length);
  adler = adler32(tail, adler);
  return { raw: Buffer.concat(pieces), crc, adler, size: head.length + chunk.length * times + tail.length };
}

/** zlib's adler32_combine: the checksum of A+B from those of A and B and B's length. */
function adler32Combine(adler1: number, adler2: number, length2: number): number {
  const BASE = 65521;
  const rem = length2 % BASE;
  let sum1 = adler1 & 0xffff;
  let sum2 = (rem * sum1) % BASE;
  sum1 += (adler2 & 0xffff) + BASE - 1;
  sum2 += ((adler1 >>> 16) & 0xffff) + ((adler2 >>> 16) & 0xffff) + BASE - rem;
  if (sum1 >= BASE) sum1 -= BASE;
  if (sum1 >= BASE) sum1 -= BASE;
  if (sum2 >= BASE * 2) sum2 -= BASE * 2;
  if (sum2 >= BASE) sum2 -= BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}

function adler32(bytes: Buffer, start: number): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

interface ZipEntry {
  name: string;
  data: Buffer;
  crc: number;
  size: number;
}

function entry(name: string, text: string): ZipEntry {
  const raw = Buffer.from(text, 'utf8');
  return { name, data: deflateRawSync(raw), crc: crc32(raw), size: raw.length };
}

/** A ZIP (deflate, no ZIP64) of the given entries. */
export function makeZip(entries: ZipEntry[], declaredSize?: (entry: ZipEntry) => number): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const size = declaredSize ? declaredSize(e) : e.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, e.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
const DOC_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
const DOC_TAIL = '</w:body></w:document>';

/** 'varied': paragraphs with random digits, compressing like real text (ratio ≈ 10, under the ratio cap). */
export type DocxBombKind = 'paragraphs' | 'varied' | 'spaces';

/**
 * A DOCX whose word/document.xml inflates to about `mib` MiB: many short paragraphs (the mammoth
 * tree explodes) or one run of spaces. `lieAboutSize` declares a small uncompressed size instead.
 */
export function makeDocxBomb(mib: number, kind: DocxBombKind, options: { lieAboutSize?: boolean } = {}): Buffer {
  const unit =
    kind === 'paragraphs'
      ? Buffer.from('<w:p><w:r><w:t>卢氏县政府信息公开</w:t></w:r></w:p>'.repeat(1024), 'utf8')
      : kind === 'varied'
        ? Buffer.from(
            Array.from(
              { length: 4096 },
              () => `<w:p><w:r><w:t>${Math.random().toString(36).slice(2)}</w:t></w:r></w:p>`,
            ).join(''),
            'utf8',
          )
        : Buffer.alloc(MiB, ' ');
  const times = Math.ceil((mib * MiB) / unit.length);
  const head = Buffer.from(kind === 'spaces' ? `${DOC_HEAD}<w:p><w:r><w:t xml:space="preserve">` : DOC_HEAD, 'utf8');
  const tail = Buffer.from(kind === 'spaces' ? `</w:t></w:r></w:p>${DOC_TAIL}` : DOC_TAIL, 'utf8');
  const deflated = deflateRepeated(unit, times, head, tail);
  const document: ZipEntry = { name: 'word/document.xml', data: deflated.raw, crc: deflated.crc, size: deflated.size };
  return makeZip(
    [entry('[Content_Types].xml', CONTENT_TYPES), entry('_rels/.rels', RELS), document],
    options.lieAboutSize ? (e) => (e === document ? 4096 : e.size) : undefined,
  );
}

/** A one-page PDF whose content stream inflates (FlateDecode) to about `mib` MiB of spaces. */
export function makePdfBomb(mib: number): Buffer {
  const deflated = deflateRepeated(Buffer.alloc(MiB, ' '), mib);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(deflated.adler, 0);
  const stream = Buffer.concat([Buffer.from([0x78, 0xda]), deflated.raw, trailer]);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>',
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0]?.length ?? 0;
  const push = (buffer: Buffer) => {
    parts.push(buffer);
    length += buffer.length;
  };
  objects.forEach((body, index) => {
    offsets.push(length);
    push(Buffer.from(`${index + 1} 0 obj\n${body}\nendobj\n`, 'latin1'));
  });
  offsets.push(length);
  push(Buffer.from(`4 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'));
  push(stream);
  push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  const xref = length;
  const rows = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  push(
    Buffer.from(
      `xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${rows}trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
      'latin1',
    ),
  );
  return Buffer.concat(parts);
}

/** Deflates `text` the way a PDF FlateDecode stream holds it (zlib header), for small fixtures. */
export function flate(text: string): Buffer {
  return deflateSync(Buffer.from(text, 'latin1'));
}
