/**
 * @module wallet/apple/zip
 * The .pkpass archive: a ZIP of stored (uncompressed) entries. A pass's images are already
 * compressed PNGs and are the same in every pass of a template, so each template's entries are
 * encoded once (`zipEntry`: local header, CRC-32 and bytes) and every pass only encodes its three
 * own files and the central directory around them. A general ZIP library hashes and copies every
 * entry on every archive, which at 450 KB of images cost more than the pass's RSA signature.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (4.3.7, 4.3.12, 4.3.16)
 */
import { utf8 } from '../../crypto.ts';

/** An entry encoded once: its local file header and data, ready to be copied into an archive. */
export type ZipEntry = {
  name: Uint8Array;
  crc: number;
  size: number;
  /** Local file header followed by the stored bytes. */
  local: Uint8Array;
};

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = (CRC_TABLE[(c ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// Every entry carries the same DOS date (1980-01-01 00:00): archives of the same pass are then
// byte for byte the same, and Wallet reads no time from them.
const DOS_DATE = 0x0021;
const STORED = 0;
const VERSION = 20;

export function zipEntry(name: string, data: Uint8Array): ZipEntry {
  const nameBytes = utf8(name);
  const local = new Uint8Array(30 + nameBytes.length + data.length);
  const view = new DataView(local.buffer);
  const crc = crc32(data);
  view.setUint32(0, 0x04034b50, true);
  view.setUint16(4, VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint16(8, STORED, true);
  view.setUint16(10, 0, true);
  view.setUint16(12, DOS_DATE, true);
  view.setUint32(14, crc, true);
  view.setUint32(18, data.length, true);
  view.setUint32(22, data.length, true);
  view.setUint16(26, nameBytes.length, true);
  view.setUint16(28, 0, true);
  local.set(nameBytes, 30);
  local.set(data, 30 + nameBytes.length);
  return { name: nameBytes, crc, size: data.length, local };
}

/** Writes the archive: the entries' local parts in order, then the central directory. */
export function zipArchive(entries: readonly ZipEntry[]): Uint8Array {
  let localSize = 0;
  let centralSize = 0;
  for (const e of entries) {
    localSize += e.local.length;
    centralSize += 46 + e.name.length;
  }
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let offset = 0;
  let central = localSize;
  for (const e of entries) {
    out.set(e.local, offset);
    view.setUint32(central, 0x02014b50, true);
    view.setUint16(central + 4, VERSION, true);
    view.setUint16(central + 6, VERSION, true);
    view.setUint16(central + 8, 0, true);
    view.setUint16(central + 10, STORED, true);
    view.setUint16(central + 12, 0, true);
    view.setUint16(central + 14, DOS_DATE, true);
    view.setUint32(central + 16, e.crc, true);
    view.setUint32(central + 20, e.size, true);
    view.setUint32(central + 24, e.size, true);
    view.setUint16(central + 28, e.name.length, true);
    // Extra field, comment, disk number, internal and external attributes: all zero.
    view.setUint32(central + 42, offset, true);
    out.set(e.name, central + 46);
    offset += e.local.length;
    central += 46 + e.name.length;
  }
  view.setUint32(central, 0x06054b50, true);
  view.setUint16(central + 8, entries.length, true);
  view.setUint16(central + 10, entries.length, true);
  view.setUint32(central + 12, centralSize, true);
  view.setUint32(central + 16, localSize, true);
  return out;
}
