/**
 * Deterministic "photographs" of QR codes for the image-import test and the decode-set benchmark: a QR code
 * on a poster (header band, text lines, the code, a caption), seen by a camera at an angle (perspective,
 * rotation), with blur, glare, low light and sensor noise — all from a seed, no image files in the repo.
 * Pure TypeScript: RGBA pixels plus a minimal PNG encoder (node:zlib) for `setInputFiles`.
 */
import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

export interface Rgba {
  readonly width: number;
  readonly height: number;
  /** RGBA, row-major. */
  readonly data: Uint8ClampedArray;
}

export type Point = readonly [number, number];

export interface PhotoOptions {
  /** Photo size in pixels. Default 1280 × 960. */
  readonly width?: number;
  readonly height?: number;
  /** Where the poster's corners land in the photo (top-left, top-right, bottom-right, bottom-left). */
  readonly corners?: readonly [Point, Point, Point, Point];
  /** Share of the poster's width taken by the QR code (quiet zone included). Default 0.7. */
  readonly qrShare?: number;
  /** Box-blur radius in pixels, applied twice (≈ Gaussian). Default 0. */
  readonly blur?: number;
  /** Standard deviation of per-pixel noise (luma levels). Default 0. */
  readonly noise?: number;
  /** Brightness multiplier (low light < 1). Default 1. */
  readonly gain?: number;
  /** A bright reflection: centre (photo pixels), radius, strength 0–1. */
  readonly glare?: { readonly x: number; readonly y: number; readonly radius: number; readonly strength: number };
  /** Light modules on a dark poster. Default false. */
  readonly invert?: boolean;
  readonly errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
  readonly seed?: number;
}

/** mulberry32: a small, fast, seeded PRNG (same sequence on every machine). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The 3×3 homography (row-major, h[8] = 1) mapping `from[i]` to `to[i]` for four point pairs. */
export function homography(from: readonly Point[], to: readonly Point[]): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i];
    const [u, v] = to[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gauss-Jordan elimination with partial pivoting on the 8×9 augmented matrix.
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < 9; k++) a[r][k] -= f * a[c][k];
    }
  }
  return [...a.map((row, i) => row[8] / row[i]), 1];
}

interface Poster {
  readonly width: number;
  readonly height: number;
  /** Luma-ish colour at poster coordinates: RGB. */
  at(x: number, y: number): readonly [number, number, number];
}

const TEAL: readonly [number, number, number] = [15, 118, 110];

function poster(text: string, opts: PhotoOptions): Poster {
  const qr = QRCode.create(text, { errorCorrectionLevel: opts.errorCorrectionLevel ?? 'M' });
  const n = qr.modules.size;
  const width = 600;
  const height = 850;
  const box = width * (opts.qrShare ?? 0.7);
  const module = box / (n + 8);
  const qx = (width - box) / 2;
  const qy = 210;
  const light: readonly [number, number, number] = opts.invert ? [20, 20, 24] : [250, 250, 246];
  const dark: readonly [number, number, number] = opts.invert ? [250, 250, 246] : [20, 20, 24];
  return {
    width,
    height,
    at(x, y) {
      if (y < 120) return TEAL; // header band
      // Text lines: dark bars under the header and under the code, broken into "words".
      const line = (top: number) => y >= top && y < top + 18 && x > 60 && x < 540 && Math.floor(x / 37) % 4 !== 3;
      if (line(140) || line(170) || line(qy + box + 30) || line(qy + box + 60)) return dark;
      const c = Math.floor((x - qx) / module) - 4;
      const r = Math.floor((y - qy) / module) - 4;
      if (r >= 0 && c >= 0 && r < n && c < n && qr.modules.get(r, c)) return dark;
      return light;
    },
  };
}

/** A photograph of a poster carrying `text` as a QR code. */
export function posterPhoto(text: string, opts: PhotoOptions = {}): Rgba {
  const width = opts.width ?? 1280;
  const height = opts.height ?? 960;
  const p = poster(text, opts);
  const corners = opts.corners ?? [
    [width * 0.3, height * 0.08],
    [width * 0.7, height * 0.1],
    [width * 0.71, height * 0.93],
    [width * 0.29, height * 0.9],
  ];
  // Photo pixel → poster point (inverse mapping: every photo pixel gets a value).
  const h = homography(corners, [
    [0, 0],
    [p.width, 0],
    [p.width, p.height],
    [0, p.height],
  ]);
  const random = rng(opts.seed ?? 1);
  const gain = opts.gain ?? 1;
  const data = new Uint8ClampedArray(width * height * 4);
  const sample = (x: number, y: number): readonly [number, number, number] => {
    const w = h[6] * x + h[7] * y + h[8];
    const u = (h[0] * x + h[1] * y + h[2]) / w;
    const v = (h[3] * x + h[4] * y + h[5]) / w;
    if (u < 0 || v < 0 || u >= p.width || v >= p.height) {
      // A wall: warm grey with a gentle gradient.
      const g = 120 + (40 * y) / height;
      return [g + 10, g, g - 15];
    }
    return p.at(u, v);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // 2×2 supersampling: edges are grey like a real lens's, not aliased staircases.
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0.25, 0.25],
        [0.75, 0.25],
        [0.25, 0.75],
        [0.75, 0.75],
      ]) {
        const s = sample(x + dx, y + dy);
        r += s[0];
        g += s[1];
        b += s[2];
      }
      const i = (y * width + x) * 4;
      data[i] = r / 4;
      data[i + 1] = g / 4;
      data[i + 2] = b / 4;
      data[i + 3] = 255;
    }
  }
  const img = { width, height, data };
  if (opts.blur) boxBlur(img, opts.blur, 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      let glare = 0;
      if (opts.glare) {
        const d2 = (x - opts.glare.x) ** 2 + (y - opts.glare.y) ** 2;
        glare = opts.glare.strength * Math.exp(-d2 / opts.glare.radius ** 2);
      }
      // Sum of two uniforms: a cheap, bounded, roughly bell-shaped noise.
      const n = opts.noise ? (random() + random() - 1) * opts.noise * 2.45 : 0;
      for (let c = 0; c < 3; c++) {
        const v = data[i + c] * gain;
        data[i + c] = v + (255 - v) * glare + n;
      }
    }
  }
  return img;
}

/** In-place separable box blur, `passes` times. */
function boxBlur(img: Rgba, radius: number, passes: number): void {
  const { width, height, data } = img;
  const r = Math.max(1, Math.round(radius));
  const line = new Float64Array(Math.max(width, height));
  const run = (len: number, get: (k: number, c: number) => number, set: (k: number, c: number, v: number) => void) => {
    for (let c = 0; c < 3; c++) {
      for (let k = 0; k < len; k++) line[k] = get(k, c);
      let acc = 0;
      for (let k = -r; k <= r; k++) acc += line[Math.min(len - 1, Math.max(0, k))];
      for (let k = 0; k < len; k++) {
        set(k, c, acc / (2 * r + 1));
        acc += line[Math.min(len - 1, k + r + 1)] - line[Math.max(0, k - r)];
      }
    }
  };
  for (let p = 0; p < passes; p++) {
    for (let y = 0; y < height; y++) {
      run(
        width,
        (x, c) => data[(y * width + x) * 4 + c],
        (x, c, v) => {
          data[(y * width + x) * 4 + c] = v;
        },
      );
    }
    for (let x = 0; x < width; x++) {
      run(
        height,
        (y, c) => data[(y * width + x) * 4 + c],
        (y, c, v) => {
          data[(y * width + x) * 4 + c] = v;
        },
      );
    }
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** Encode RGBA pixels as a PNG (8-bit RGBA, no filtering). */
export function encodePng(img: Rgba): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0);
  ihdr.writeUInt32BE(img.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const stride = img.width * 4;
  const raw = Buffer.alloc((stride + 1) * img.height);
  for (let y = 0; y < img.height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(img.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
