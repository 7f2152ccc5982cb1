/**
 * @module wallet/apple/zip
 * The .pkpass archive: a ZIP of stored (uncompressed) entries. A pass's images are already
 * compressed PNGs and are the same in every pass of a template, so `prepareArchive` encodes them
 * once, local headers and bytes in one buffer and their central-directory records in another, at
 * fixed offsets at the front of every archive. A pass then encodes only its own few files and the
 * directory's tail, and the archive is handed out as parts that share the template's buffers: a
 * general ZIP library hashes and copies every entry per archive, which at 450 KB of images cost
 * more than the pass's RSA signature.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (4.3.7, 4.3.12, 4.3.16)
 */
import { utf8 } from '../../crypto.ts';

export type ZipFile = { name: string; data: Uint8Array };

/** A template's files encoded once: the front of every archive made from it. */
export type PreparedArchive = {
  /** Local file headers and bytes, in order. */
  local: Uint8Array;
  /** Central-directory records of the same files. */
  central: Uint8Array;
  count: number;
};

/** An archive as consecutive parts; the first and third belong to the template and are shared. */
export type ZipParts = { parts: readonly Uint8Array[]; byteLength: number };

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
const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;

type Encoded = { name: Uint8Array; data: Uint8Array; crc: number };

const encode = (files: readonly ZipFile[]): Encoded[] =>
  files.map((f) => ({ name: utf8(f.name), data: f.data, crc: crc32(f.data) }));

const localSize = (files: readonly Encoded[]) =>
  files.reduce((n, f) => n + LOCAL_HEADER + f.name.length + f.data.length, 0);
const centralSize = (files: readonly Encoded[]) =>
  files.reduce((n, f) => n + CENTRAL_HEADER + f.name.length, 0);

/**
 * Writes the local headers and bytes of `files` from the start of `out`, which sits at `base` in
 * the archive; returns each entry's offset in the archive.
 */
function writeLocal(out: Uint8Array, base: number, files: readonly Encoded[]): number[] {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const starts: number[] = [];
  let at = 0;
  for (const f of files) {
    starts.push(base + at);
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, VERSION, true);
    view.setUint16(at + 8, STORED, true);
    view.setUint16(at + 12, DOS_DATE, true);
    view.setUint32(at + 14, f.crc, true);
    view.setUint32(at + 18, f.data.length, true);
    view.setUint32(at + 22, f.data.length, true);
    view.setUint16(at + 26, f.name.length, true);
    // Flags, time and extra-field length stay zero.
    out.set(f.name, at + LOCAL_HEADER);
    out.set(f.data, at + LOCAL_HEADER + f.name.length);
    at += LOCAL_HEADER + f.name.length + f.data.length;
  }
  return starts;
}

/** Writes the central-directory records of `files` at `at`, pointing at their local `offsets`. */
function writeCentral(
  out: Uint8Array,
  view: DataView,
  at: number,
  files: readonly Encoded[],
  offsets: number[],
) {
  for (const [i, f] of files.entries()) {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, VERSION, true);
    view.setUint16(at + 6, VERSION, true);
    view.setUint16(at + 10, STORED, true);
    view.setUint16(at + 14, DOS_DATE, true);
    view.setUint32(at + 16, f.crc, true);
    view.setUint32(at + 20, f.data.length, true);
    view.setUint32(at + 24, f.data.length, true);
    view.setUint16(at + 28, f.name.length, true);
    // Extra field, comment, disk number, internal and external attributes: all zero.
    view.setUint32(at + 42, offsets[i] ?? 0, true);
    out.set(f.name, at + CENTRAL_HEADER);
    at += CENTRAL_HEADER + f.name.length;
  }
}

export function prepareArchive(files: readonly ZipFile[]): PreparedArchive {
  const encoded = encode(files);
  const local = new Uint8Array(localSize(encoded));
  const offsets = writeLocal(local, 0, encoded);
  const central = new Uint8Array(centralSize(encoded));
  writeCentral(central, new DataView(central.buffer), 0, encoded, offsets);
  return { local, central, count: files.length };
}

/**
 * The whole archive: the template's entries, then `own` files, then the directory. Two small
 * buffers are written per archive; the template's bytes are referenced, never copied.
 */
export function finishArchive(prepared: PreparedArchive, own: readonly ZipFile[]): ZipParts {
  const encoded = encode(own);
  const ownLocal = new Uint8Array(localSize(encoded));
  const offsets = writeLocal(ownLocal, prepared.local.length, encoded);
  const tail = new Uint8Array(centralSize(encoded) + END_RECORD);
  const view = new DataView(tail.buffer);
  writeCentral(tail, view, 0, encoded, offsets);
  const end = tail.length - END_RECORD;
  const entries = prepared.count + own.length;
  const directoryStart = prepared.local.length + ownLocal.length;
  view.setUint32(end, 0x06054b50, true);
  view.setUint16(end + 8, entries, true);
  view.setUint16(end + 10, entries, true);
  view.setUint32(end + 12, prepared.central.length + tail.length - END_RECORD, true);
  view.setUint32(end + 16, directoryStart, true);
  const parts = [prepared.local, ownLocal, prepared.central, tail];
  return { parts, byteLength: directoryStart + prepared.central.length + tail.length };
}

/** One buffer of the archive, for callers that need it whole (tests, the bench's verification). */
export function joinParts({ parts, byteLength }: ZipParts): Uint8Array {
  const out = new Uint8Array(byteLength);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
