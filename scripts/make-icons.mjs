#!/usr/bin/env node
// Draws the app icons into public/ (committed output; rerun after changing the design):
//   icon.svg               scalable icon (favicon, manifest "any")
//   icon-192.png / -512    teal rounded square with a white check mark, transparent corners
//   icon-maskable-512.png  full-bleed teal, the mark inside the maskable safe zone (centre circle, r = 40 %)
// No image libraries: shapes are distance tests sampled 4×4 per pixel, PNG written with node:zlib.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
const TEAL = [0x0f, 0x76, 0x6e];
const WHITE = [0xff, 0xff, 0xff];
// The mark, in a unit square: a check drawn as a thick polyline with round caps and joins.
const CHECK = [
  [0.28, 0.53],
  [0.44, 0.69],
  [0.73, 0.37],
];
const STROKE = 0.095;
const RADIUS = 0.22;

function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inRoundedSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return Math.hypot(x - cx, y - cy) <= r;
}

function inCheck(x, y, scale) {
  // Scale the mark about the centre (maskable icons keep it inside the safe zone).
  const u = (x - 0.5) / scale + 0.5;
  const v = (y - 0.5) / scale + 0.5;
  for (let i = 0; i + 1 < CHECK.length; i++) if (distToSegment(u, v, CHECK[i], CHECK[i + 1]) <= STROKE / 2) return true;
  return false;
}

function draw(size, { maskable }) {
  const rgba = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let mark = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          if (!maskable && !inRoundedSquare(x, y, RADIUS)) continue;
          bg++;
          if (inCheck(x, y, maskable ? 0.8 : 1)) mark++;
        }
      }
      const alpha = bg / (n * n);
      const m = bg === 0 ? 0 : mark / bg;
      const o = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(TEAL[c] * (1 - m) + WHITE[c] * m);
      rgba[o + 3] = Math.round(alpha * 255);
    }
  }
  return png(size, size, rgba);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function svg() {
  const s = 512;
  const pts = CHECK.map(([x, y]) => `${Math.round(x * s)},${Math.round(y * s)}`).join(' ');
  const hex = `#${TEAL.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${s} ${s}" width="${s}" height="${s}" role="img" aria-label="Singgah">
<title>Singgah</title>
<rect width="${s}" height="${s}" rx="${Math.round(RADIUS * s)}" fill="${hex}"/>
<polyline points="${pts}" fill="none" stroke="#fff" stroke-width="${Math.round(STROKE * s)}" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;
}

mkdirSync(OUT, { recursive: true });
const files = {
  'icon.svg': svg(),
  'icon-192.png': draw(192, { maskable: false }),
  'icon-512.png': draw(512, { maskable: false }),
  'icon-maskable-512.png': draw(512, { maskable: true }),
};
for (const [name, data] of Object.entries(files)) {
  writeFileSync(join(OUT, name), data);
  console.log(`public/${name}  ${data.length} bytes`);
}
