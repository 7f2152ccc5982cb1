/**
 * @module node/demo-pass-images
 * The demo brand's pass images, drawn here rather than shipped as binaries: a ring on the
 * brand colour for the icon (29×29 and 58×58) and a bar-and-ring mark for the logo (160×50).
 * Encoded as 8-bit RGB PNGs (filter 0 on every row, zlib from node:zlib), which Wallet reads.
 * @see https://www.w3.org/TR/png-3/
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '../wallet/apple/zip.ts';

type Rgb = readonly [number, number, number];

const BRAND: Rgb = [0x1f, 0x29, 0x37];
const ACCENT: Rgb = [0xf5, 0x9e, 0x0b];
const WHITE: Rgb = [0xff, 0xff, 0xff];

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A PNG of `width`×`height` whose pixel colours `paint(x, y)` gives. */
export function encodePng(width: number, height: number, paint: (x: number, y: number) => Rgb) {
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    raw[row] = 0;
    for (let x = 0; x < width; x++) raw.set(paint(x, y), row + 1 + x * 3);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolour, deflate, filter 0, no interlace
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    png.set(part, at);
    at += part.length;
  }
  return png;
}

function ring(cx: number, cy: number, outer: number, inner: number) {
  return (x: number, y: number) => {
    const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
    return d <= outer && d >= inner;
  };
}

function icon(size: number) {
  const inRing = ring(size / 2, size / 2, size * 0.38, size * 0.24);
  return encodePng(size, size, (x, y) => (inRing(x, y) ? ACCENT : BRAND));
}

function logo() {
  // A ring, then a bar: transparent-free, on the pass's background colour.
  const inRing = ring(25, 25, 17, 10);
  return encodePng(160, 50, (x, y) => {
    if (inRing(x, y)) return ACCENT;
    if (x >= 52 && x < 150 && y >= 20 && y < 30) return WHITE;
    return BRAND;
  });
}

/** The images the demo template uploads, by slot. */
export function demoPassImages(): { name: 'icon' | 'icon@2x' | 'logo'; png: Uint8Array<ArrayBuffer> }[] {
  return [
    { name: 'icon', png: icon(29) },
    { name: 'icon@2x', png: icon(58) },
    { name: 'logo', png: logo() },
  ] as { name: 'icon' | 'icon@2x' | 'logo'; png: Uint8Array<ArrayBuffer> }[];
}

export const DEMO_BACKGROUND = `rgb(${BRAND.join(', ')})`;
