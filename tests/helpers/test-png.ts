/**
 * Real PNG files for tests and benchmarks, made on the spot: a gradient of the given size,
 * zlib-compressed with the platform's CompressionStream (both runtimes have it), optionally
 * padded with a private ancillary chunk (`zpPd`, which decoders skip) to reach a byte size.
 */
import { crc32 } from '../../src/wallet/apple/zip.ts';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function deflate(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function testPng(
  width: number,
  height: number,
  totalBytes = 0,
): Promise<Uint8Array<ArrayBuffer>> {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method, no interlace
  const raw = new Uint8Array((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * (width * 3 + 1) + 1 + x * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = 128;
    }
  }
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', ihdr),
    chunk('IDAT', await deflate(raw)),
  ];
  const size = parts.reduce((n, p) => n + p.length, 0) + 12;
  if (totalBytes > size + 12) {
    const pad = new Uint8Array(totalBytes - size - 12);
    for (let i = 0; i < pad.length; i++) pad[i] = (i * 2654435761) >>> 24;
    parts.push(chunk('zpPd', pad));
  }
  parts.push(chunk('IEND', new Uint8Array()));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The storeCard image set a brand would upload, about `totalBytes` in all. */
export async function testImageSet(totalBytes: number): Promise<Record<string, Uint8Array<ArrayBuffer>>> {
  const sizes: [string, number, number, number][] = [
    ['icon', 29, 29, 0.02],
    ['icon@2x', 58, 58, 0.04],
    ['icon@3x', 87, 87, 0.06],
    ['logo', 160, 50, 0.06],
    ['logo@2x', 320, 100, 0.12],
    ['logo@3x', 480, 150, 0.18],
    ['strip', 375, 144, 0.1],
    ['strip@2x', 750, 288, 0.18],
    ['strip@3x', 1125, 432, 0.24],
  ];
  const set: Record<string, Uint8Array<ArrayBuffer>> = {};
  for (const [name, w, h, share] of sizes) set[name] = await testPng(w, h, Math.round(totalBytes * share));
  return set;
}
