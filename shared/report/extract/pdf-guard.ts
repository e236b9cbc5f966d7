/**
 * Bounded check of a PDF before pdfjs opens it: every Flate-compressed stream (content streams, fonts,
 * object streams, images) is inflated with an output cap, so a decompression bomb is refused with a Chinese reason
 * instead of growing pdfjs's decode buffers to gigabytes. Objects are counted too.
 */
import { inflateSync } from 'node:zlib';
import { DocumentLimitError } from '../limits.ts';

export interface PdfGuardLimits {
  /** Decoded bytes of one stream at most. @default 64 MiB */
  maxStreamBytes?: number;
  /** Decoded bytes of all checked streams together at most. @default 256 MiB */
  maxTotalBytes?: number;
  /** Streams (`stream … endstream`) in the file at most. @default 100,000 */
  maxStreams?: number;
  /** Indirect objects (`n g obj`) in the file at most. @default 500,000 */
  maxObjects?: number;
}

const MiB = 1024 * 1024;

export const PDF_GUARD_DEFAULTS: Required<PdfGuardLimits> = {
  maxStreamBytes: 64 * MiB,
  maxTotalBytes: 256 * MiB,
  maxStreams: 100_000,
  maxObjects: 500_000,
};

/** How far back from `stream` the stream's dictionary is looked for. */
const DICT_WINDOW = 2048;

/**
 * Throws DocumentLimitError (Chinese) when the PDF exceeds a limit. Damaged streams are left to pdfjs
 * (it reports them itself); only sizes are judged here. Linear in the file size plus the capped output.
 */
export function checkPdf(bytes: Uint8Array, limits: PdfGuardLimits = {}): void {
  const opts = { ...PDF_GUARD_DEFAULTS, ...limits };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const objects = countObjects(buffer, opts.maxObjects + 1);
  if (objects > opts.maxObjects) {
    throw new DocumentLimitError(`PDF 对象数超过上限 ${opts.maxObjects}，超出年度报告的合理范围，未解析`);
  }
  let streams = 0;
  let total = 0;
  let from = 0;
  for (;;) {
    const keyword = buffer.indexOf('stream', from, 'latin1');
    if (keyword < 0) break;
    from = keyword + 6;
    // `endstream` contains `stream`; a real stream keyword is followed by CR LF or LF.
    if (keyword >= 3 && buffer.toString('latin1', keyword - 3, keyword) === 'end') continue;
    let start = keyword + 6;
    if (buffer[start] === 0x0d) start++;
    if (buffer[start] !== 0x0a) continue;
    start++;
    streams++;
    if (streams > opts.maxStreams) throw new DocumentLimitError(`PDF 数据流超过上限 ${opts.maxStreams} 个，未解析`);
    const dict = buffer.toString('latin1', Math.max(0, keyword - DICT_WINDOW), keyword);
    const dictStart = dict.lastIndexOf(' obj');
    const own = dictStart >= 0 ? dict.slice(dictStart) : dict;
    const end = streamEnd(buffer, start, own);
    from = Math.max(from, end);
    const flateLayers = (own.match(/\/FlateDecode|\/Fl\b/g) ?? []).length;
    if (flateLayers === 0) continue;
    // Text extraction never decodes images, so they do not count towards the total; they still get
    // the per-stream cap, since a dictionary's word that a stream is an image proves nothing.
    const image = /\/Subtype\s*\/Image/.test(own);
    let data: Buffer = buffer.subarray(start, end);
    let decoded = false;
    for (let layer = 0; layer < flateLayers; layer++) {
      const cap = image ? opts.maxStreamBytes : Math.min(opts.maxStreamBytes, opts.maxTotalBytes - total);
      const inflated = inflateCapped(data, cap);
      if (inflated === 'too-large') {
        throw new DocumentLimitError(
          cap < opts.maxStreamBytes
            ? `PDF 解压后的内容超过 ${opts.maxTotalBytes / MiB} MB，疑似压缩炸弹，未解析`
            : `PDF 中有数据流解压后超过 ${opts.maxStreamBytes / MiB} MB，疑似压缩炸弹，未解析`,
        );
      }
      if (inflated === 'damaged') break;
      data = inflated;
      decoded = true;
    }
    if (decoded && !image) total += data.length;
  }
}

/** The stream's end: `/Length n` when it is a direct number that lands on `endstream`, else a search. */
function streamEnd(buffer: Buffer, start: number, dict: string): number {
  const length = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
  if (length) {
    const end = start + Number(length[1]);
    if (end <= buffer.length && buffer.indexOf('endstream', end, 'latin1') - end <= 4) return end;
  }
  const found = buffer.indexOf('endstream', start, 'latin1');
  return found < 0 ? buffer.length : found;
}

function inflateCapped(data: Buffer, cap: number): Buffer | 'too-large' | 'damaged' {
  try {
    return inflateSync(data, { maxOutputLength: Math.max(1, cap + 1), finishFlush: 2 /* Z_SYNC_FLUSH */ });
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) return 'too-large';
    return 'damaged';
  }
}

function countObjects(buffer: Buffer, stop: number): number {
  let count = 0;
  let from = 0;
  while (count < stop) {
    const at = buffer.indexOf(' obj', from, 'latin1');
    if (at < 0) break;
    count++;
    from = at + 4;
  }
  return count;
}
