/**
 * @module demo/qr-svg
 * A QR code as SVG, drawn on the server with uqr (MIT, no dependencies, runs in both runtimes) so
 * the demo page loads no encoder script. ECC level M, a 4-module quiet zone as ISO/IEC 18004
 * asks, one path of row runs, and an intrinsic size so the image has one without CSS.
 */
import { encode } from 'uqr';

const MODULE_PX = 8;

export function qrSvg(text: string): string {
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  let path = '';
  data.forEach((row, y) => {
    let x = 0;
    while (x < size) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && row[x]) x++;
      path += `M${start},${y}h${x - start}v1h${start - x}z`;
    }
  });
  const px = size * MODULE_PX;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`;
}
