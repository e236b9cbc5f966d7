/**
 * Bounded check of a ZIP container (DOCX) before any library extracts it: the central directory is
 * read with every count and size capped, then each entry the DOCX reader will read is inflated with an
 * output cap (node:zlib maxOutputLength), so a size the archive lies about is caught too. Nothing here
 * allocates more than the caps allow, whatever the file declares.
 */
import { inflateRawSync } from 'node:zlib';
import { DocumentLimitError } from '../limits.ts';

export interface ZipLimits {
  /** Entries in the archive at most. @default 2,000 */
  maxEntries?: number;
  /** Uncompressed bytes of one XML/.rels entry (what mammoth reads) at most. @default 16 MiB */
  maxEntryBytes?: number;
  /** Uncompressed bytes of all XML/.rels entries together at most. @default 40 MiB */
  maxTotalBytes?: number;
  /** Uncompressed / compressed size at most, for entries over 1 MiB. @default 100 */
  maxRatio?: number;
}

const MiB = 1024 * 1024;

export const ZIP_LIMIT_DEFAULTS: Required<ZipLimits> = {
  maxEntries: 2_000,
  maxEntryBytes: 16 * MiB,
  maxTotalBytes: 40 * MiB,
  maxRatio: 100,
};

/** Why an archive was refused; the message is Chinese and names the entry. */
export class ZipLimitError extends DocumentLimitError {
  constructor(message: string) {
    super(message);
    this.name = 'ZipLimitError';
  }
}

/** The archive is not a readable ZIP (a damaged download, not a hostile one). */
export class ZipDamagedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipDamagedError';
  }
}

export interface ZipEntryInfo {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localHeaderOffset: number;
}

/** Entries whose content the DOCX reader parses; media and other parts are never inflated. */
function isReadPart(name: string): boolean {
  return /\.(xml|rels)$/i.test(name);
}

/**
 * Checks the archive against the limits; returns its entries. Throws ZipDamagedError when the archive is
 * damaged, ZipLimitError (Chinese) when it uses ZIP64 or an unknown compression method, or any limit is exceeded —
 * declared or actual.
 */
export function checkZip(bytes: Uint8Array, limits: ZipLimits = {}): ZipEntryInfo[] {
  const opts = { ...ZIP_LIMIT_DEFAULTS, ...limits };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(buffer);
  if (eocd < 0) throw new ZipDamagedError('DOCX 文件损坏：找不到 ZIP 目录');
  const count = buffer.readUInt16LE(eocd + 10);
  const cdSize = buffer.readUInt32LE(eocd + 12);
  const cdOffset = buffer.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff)
    throw new ZipLimitError('DOCX 使用 ZIP64 格式，超出年度报告的合理大小，未解析');
  if (count > opts.maxEntries)
    throw new ZipLimitError(`DOCX 内含 ${count} 个文件，超过上限 ${opts.maxEntries}，未解析`);
  if (cdOffset + cdSize > eocd) throw new ZipDamagedError('DOCX 文件损坏：ZIP 目录越界');

  const entries: ZipEntryInfo[] = [];
  let at = cdOffset;
  let declaredTotal = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || buffer.readUInt32LE(at) !== 0x02014b50)
      throw new ZipDamagedError('DOCX 文件损坏：ZIP 目录项无效');
    const nameLength = buffer.readUInt16LE(at + 28);
    const entry: ZipEntryInfo = {
      method: buffer.readUInt16LE(at + 10),
      compressedSize: buffer.readUInt32LE(at + 20),
      declaredSize: buffer.readUInt32LE(at + 24),
      localHeaderOffset: buffer.readUInt32LE(at + 42),
      name: buffer.toString('utf8', at + 46, Math.min(at + 46 + nameLength, eocd)),
    };
    at += 46 + nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    entries.push(entry);
    if (!isReadPart(entry.name)) continue;
    if (entry.method !== 0 && entry.method !== 8) {
      throw new ZipLimitError(`DOCX 中的 ${entry.name} 使用不支持的压缩方式（${entry.method}），未解析`);
    }
    checkSize(entry.name, entry.declaredSize, entry.compressedSize, opts);
    declaredTotal += entry.declaredSize;
    if (declaredTotal > opts.maxTotalBytes) throw totalError(declaredTotal, opts);
  }

  // The declared sizes are the archive's word; inflate with a cap to check what it really holds.
  let actualTotal = 0;
  for (const entry of entries) {
    if (!isReadPart(entry.name)) continue;
    const data = entryData(buffer, entry);
    const cap = Math.min(opts.maxEntryBytes, opts.maxTotalBytes - actualTotal);
    let size: number;
    if (entry.method === 0) size = data.length;
    else {
      try {
        size = inflateRawSync(data, { maxOutputLength: cap + 1 }).length;
      } catch (error) {
        if (isTooLarge(error)) {
          throw new ZipLimitError(`DOCX 中的 ${entry.name} 解压后超过 ${mib(cap)} MB（文件声明的大小不实），未解析`);
        }
        throw new ZipDamagedError(`DOCX 文件损坏：${entry.name} 无法解压`);
      }
    }
    checkSize(entry.name, size, entry.compressedSize, opts);
    actualTotal += size;
    if (actualTotal > opts.maxTotalBytes) throw totalError(actualTotal, opts);
  }
  return entries;
}

function checkSize(name: string, size: number, compressed: number, opts: Required<ZipLimits>): void {
  if (size > opts.maxEntryBytes) {
    throw new ZipLimitError(
      `DOCX 中的 ${name} 解压后 ${mib(size)} MB，超过单个部件上限 ${mib(opts.maxEntryBytes)} MB，未解析`,
    );
  }
  if (size > MiB && size > opts.maxRatio * Math.max(1, compressed)) {
    throw new ZipLimitError(
      `DOCX 中的 ${name} 压缩比异常（${Math.round(size / Math.max(1, compressed))} 倍，上限 ${opts.maxRatio} 倍），疑似压缩炸弹，未解析`,
    );
  }
}

function totalError(total: number, opts: Required<ZipLimits>): ZipLimitError {
  return new ZipLimitError(`DOCX 解压后内容超过 ${mib(opts.maxTotalBytes)} MB（至少 ${mib(total)} MB），未解析`);
}

function entryData(buffer: Buffer, entry: ZipEntryInfo): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > buffer.length || buffer.readUInt32LE(at) !== 0x04034b50) {
    throw new ZipDamagedError(`DOCX 文件损坏：${entry.name} 的数据位置无效`);
  }
  const start = at + 30 + buffer.readUInt16LE(at + 26) + buffer.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > buffer.length) throw new ZipDamagedError(`DOCX 文件损坏：${entry.name} 的数据被截断`);
  return buffer.subarray(start, end);
}

/** The end-of-central-directory record is in the last 64 KiB + 22 bytes (after an optional comment). */
function findEndOfCentralDirectory(buffer: Buffer): number {
  const stop = Math.max(0, buffer.length - 22 - 0xffff);
  for (let i = buffer.length - 22; i >= stop; i--) if (buffer.readUInt32LE(i) === 0x06054b50) return i;
  return -1;
}

function isTooLarge(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
}

function mib(bytes: number): string {
  return (bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0);
}
