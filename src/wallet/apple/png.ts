/**
 * @module wallet/apple/png
 * Checks an uploaded pass image before it is stored: a PNG (signature, an IHDR chunk first whose
 * CRC holds, an IEND chunk last), within the byte limit, and no larger than Apple's size for its
 * slot at its scale. Wallet drops a pass with a broken image without saying why, so a bad image
 * is refused at upload rather than found on a shopper's phone.
 * @see https://developer.apple.com/design/human-interface-guidelines/wallet#Pass-design (image sizes)
 * @see https://www.w3.org/TR/png-3/#5PNG-file-signature
 */
import type { ApplePassImageName } from '../../db/schema/wallet.ts';
import { crc32 } from './zip.ts';

export const MAX_IMAGE_BYTES = 512 * 1024;

/** Largest size, in points, of each slot on a storeCard; pixels are points × scale. */
const SLOT_POINTS: Record<string, { width: number; height: number }> = {
  icon: { width: 29, height: 29 },
  logo: { width: 160, height: 50 },
  strip: { width: 375, height: 144 },
};

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export type PngCheck = { ok: true; width: number; height: number } | { ok: false; reason: string };

export function checkPassImage(name: ApplePassImageName, png: Uint8Array): PngCheck {
  if (png.length > MAX_IMAGE_BYTES)
    return { ok: false, reason: `images are limited to ${MAX_IMAGE_BYTES / 1024} KiB` };
  if (png.length < 57 || SIGNATURE.some((b, i) => png[i] !== b))
    return { ok: false, reason: 'not a PNG file' };
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const ihdrType = String.fromCharCode(...png.subarray(12, 16));
  if (view.getUint32(8) !== 13 || ihdrType !== 'IHDR')
    return { ok: false, reason: 'the PNG does not start with IHDR' };
  if (crc32(png.subarray(12, 29)) !== view.getUint32(29))
    return { ok: false, reason: 'the PNG header is corrupt' };
  if (String.fromCharCode(...png.subarray(png.length - 8, png.length - 4)) !== 'IEND') {
    return { ok: false, reason: 'the PNG is truncated (no IEND chunk at the end)' };
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [slot = '', scaleText] = name.split('@');
  const scale = scaleText ? Number(scaleText[0]) : 1;
  const max = SLOT_POINTS[slot];
  if (!max || width < 1 || height < 1) return { ok: false, reason: 'the PNG has no size' };
  if (width > max.width * scale || height > max.height * scale) {
    return {
      ok: false,
      reason: `${name}.png must be at most ${max.width * scale}×${max.height * scale} pixels (${width}×${height} given)`,
    };
  }
  return { ok: true, width, height };
}
