/**
 * One modification time for every entry of a zip archive. exceljs's streaming writer hands its parts to
 * archiver without an entry date, and archiver then stamps each entry with the moment it was added
 * (archiver's `EntryData.date` defaults to now), so two workbooks of the same rows differed in those
 * bytes and the site rewrote them every run. The times live in two fixed fields per entry (the local file
 * header and the central directory record, MS-DOS date and time); nothing else in the archive (the CRCs
 * included) depends on them.
 */

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/** MS-DOS date and time fields of an instant (UTC, as archiver writes them), clamped to 1980..2107. */
export function dosDateTime(at: Date): { date: number; time: number } {
  const ms = Math.min(Math.max(at.getTime(), Date.UTC(1980, 0, 1)), Date.UTC(2107, 11, 31, 23, 59, 58));
  const d = new Date(ms);
  return {
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
  };
}

/**
 * A copy of `zip` with every entry's modification time set to `at`. An archive this cannot read (not a
 * zip, or ZIP64, which no workbook of the site reaches) is returned unchanged.
 */
export function setZipEntryTimes(zip: Uint8Array, at: Date): Uint8Array {
  const out = new Uint8Array(zip);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let eocd = -1;
  for (let i = out.byteLength - EOCD_SIZE; i >= Math.max(0, out.byteLength - EOCD_SIZE - MAX_COMMENT); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return zip;
  const entries = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || offset === 0xffffffff) return zip;
  const { date, time } = dosDateTime(at);
  for (let n = 0; n < entries; n++) {
    if (offset + 46 > out.byteLength || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) return zip;
    const local = view.getUint32(offset + 42, true);
    if (local + 30 > out.byteLength || view.getUint32(local, true) !== LOCAL_SIGNATURE) return zip;
    view.setUint16(offset + 12, time, true);
    view.setUint16(offset + 14, date, true);
    view.setUint16(local + 10, time, true);
    view.setUint16(local + 12, date, true);
    offset +=
      46 + view.getUint16(offset + 28, true) + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
  return out;
}
