/**
 * Draws the add-in icons (a blue rounded square with a white three-bar chart) and writes
 * them as PNG files to addin/assets/icon-{16,32,64,80,128}.png with a tiny PNG encoder
 * (zlib deflate + CRC-32, RGBA 8-bit, no dependencies).
 *
 *   npx tsx scripts/make-icons.ts
 *
 * The design lives on a 16-unit grid; every size is a multiple of 16, so the bars fall on
 * whole pixels and stay crisp, and only the rounded corners are antialiased (4×4
 * supersampling). A test checks the committed files decode to exactly these pixels.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';

export const ICON_SIZES = [16, 32, 64, 80, 128] as const;
export const ASSETS_DIR = fileURLToPath(new URL('../addin/assets/', import.meta.url));

const GRID = 16;
const SQUARE = { from: 1, to: 15, radius: 3 };
/** White bars [x0, y0, x1, y1] in grid units, y down; a rising chart on a common base line. */
const BARS: ReadonlyArray<readonly [number, number, number, number]> = [
  [4, 8, 6, 12],
  [7, 6, 9, 12],
  [10, 4, 12, 12],
];
const BLUE = [0x15, 0x65, 0xc0] as const; // #1565C0
const WHITE = [0xff, 0xff, 0xff] as const;
const SUBSAMPLES = 4;

function inRoundedSquare(x: number, y: number): boolean {
  const { from, to, radius } = SQUARE;
  if (x < from || x > to || y < from || y > to) return false;
  const cx = Math.min(Math.max(x, from + radius), to - radius);
  const cy = Math.min(Math.max(y, from + radius), to - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function inBar(x: number, y: number): boolean {
  return BARS.some(([x0, y0, x1, y1]) => x >= x0 && x < x1 && y >= y0 && y < y1);
}

/** RGBA pixels, row by row, straight (not premultiplied) alpha. */
export function renderIcon(size: number): Uint8Array {
  if (!Number.isInteger(size) || size < GRID || size % GRID !== 0) throw new Error(`Icon size must be a multiple of ${GRID}: ${size}`);
  const rgba = new Uint8Array(size * size * 4);
  const unit = size / GRID;
  const n = SUBSAMPLES * SUBSAMPLES;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let inside = 0;
      let white = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SUBSAMPLES) / unit;
          const y = (py + (sy + 0.5) / SUBSAMPLES) / unit;
          if (!inRoundedSquare(x, y)) continue;
          inside++;
          if (inBar(x, y)) white++;
        }
      }
      const o = (py * size + px) * 4;
      if (inside === 0) continue; // transparent black
      const w = white / inside;
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(BLUE[c]! * (1 - w) + WHITE[c]! * w);
      rgba[o + 3] = Math.round((255 * inside) / n);
    }
  }
  return rgba;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309 / PNG), as stored after each chunk. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG file: 8-bit RGBA (colour type 6), no interlace, filter type 0 on every row. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new Error(`Expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: truecolour with alpha
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: None
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

export function iconFileName(size: number): string {
  return `icon-${size}.png`;
}

function main(): void {
  mkdirSync(ASSETS_DIR, { recursive: true });
  for (const size of ICON_SIZES) {
    const file = path.join(ASSETS_DIR, iconFileName(size));
    const png = encodePng(size, size, renderIcon(size));
    writeFileSync(file, png);
    console.log(`wrote ${path.relative(process.cwd(), file)} (${size}×${size}, ${png.length} bytes)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
