/**
 * The hard photo set: deterministic "photographs" of QR codes of the kinds a phone imports — a venue poster's
 * link, an EU DCC (`HC1:`), a SMART Health Card (`shc:/`) — under the damage that defeats decoders on real
 * photos: a wrinkled t-shirt, curled paper, a tiny code on a far billboard, a dim magazine page at an angle,
 * a steep perspective, blur, sensor noise, uneven light and JPEG compression; each photo also at 90°, 180° and
 * 270°, as a phone saves it without EXIF rotation. All from a seed, no image files in the repo.
 * Used by the hard-photos benchmark (scripts/bench/hard-photos.ts) and the photo-fallback e2e test.
 */
import { encode as encodeJpeg } from 'jpeg-js';
import QRCode from 'qrcode';
import { homography, type Point, type Rgba, rng } from './qr-images';

export type HardCategory = 'wrinkled' | 'curled' | 'tiny' | 'dim-rotated' | 'steep' | 'blur-jpeg';
export type Rotation = 0 | 90 | 180 | 270;

export interface HardPhoto {
  /** Stable name: category, index in it, rotation (e.g. `curled-3-r90`). */
  readonly id: string;
  readonly category: HardCategory;
  readonly rotation: Rotation;
  readonly text: string;
  /** The photo as a JPEG file, what a phone's gallery holds. */
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
}

const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** Realistic payloads: lengths and alphabets as the real codes have (the content is random, not signed). */
export function hardPayload(kind: 'venue' | 'dcc' | 'shc', r: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
  if (kind === 'venue') return `HTTPS://SINGGAH.TEST/V#${digits(180 + Math.floor(r() * 120))}`;
  // A vaccination DCC is ~550 base45 characters after `HC1:`; a one-chunk SHC ~1,100 digits after `shc:/`.
  if (kind === 'dcc')
    return `HC1:${Array.from({ length: 420 + Math.floor(r() * 160) }, () => BASE45[Math.floor(r() * 45)]).join('')}`;
  return `shc:/${digits(700 + Math.floor(r() * 300))}`;
}

interface Scene {
  readonly width: number;
  readonly height: number;
  /** Where the code's printed surface (quiet zone + margin) lands: TL, TR, BR, BL, photo pixels. */
  readonly corners: readonly [Point, Point, Point, Point];
  /** Share of the surface's side the code (with its 4-module quiet zone) takes; the rest is print margin. */
  readonly codeShare: number;
  /** Surface distortion in surface units (0–1) of a point (s, t) in 0–1. */
  readonly warp?: (s: number, t: number) => Point;
  /** Light multiplier at a photo pixel and at the surface point it shows (shading of folds). */
  readonly light: (x: number, y: number, s: number, t: number) => number;
  /** Dark and light print levels (0–255): low contrast is a grey code on grey paper. */
  readonly ink: number;
  readonly paper: number;
  readonly blur: number;
  readonly noise: number;
  readonly quality: number;
  readonly level: 'L' | 'M' | 'Q';
}

function render(text: string, scene: Scene, seed: number): Rgba {
  const qr = QRCode.create(text, { errorCorrectionLevel: scene.level });
  const n = qr.modules.size;
  const { width, height } = scene;
  // Photo pixel → surface point in 0–1.
  const h = homography(scene.corners, [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
  ]);
  const margin = (1 - scene.codeShare) / 2;
  const perModule = scene.codeShare / (n + 8);
  const random = rng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  const luma = new Float32Array(width * height);
  const sub: readonly Point[] = [
    [0.25, 0.25],
    [0.75, 0.25],
    [0.25, 0.75],
    [0.75, 0.75],
  ];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      let s0 = 0;
      let t0 = 0;
      for (const [dx, dy] of sub) {
        const px = x + dx;
        const py = y + dy;
        const w = h[6] * px + h[7] * py + h[8];
        let s = (h[0] * px + h[1] * py + h[2]) / w;
        let t = (h[3] * px + h[4] * py + h[5]) / w;
        if (scene.warp) [s, t] = scene.warp(s, t);
        s0 += s / 4;
        t0 += t / 4;
        if (s < 0 || t < 0 || s >= 1 || t >= 1) {
          // The scene around the surface: a mid-grey that darkens downwards, with coarse texture.
          acc += 95 + 50 * (py / height) + 18 * Math.sin(px * 0.05) * Math.sin(py * 0.07);
          continue;
        }
        const c = Math.floor((s - margin) / perModule) - 4;
        const r = Math.floor((t - margin) / perModule) - 4;
        acc += r >= 0 && c >= 0 && r < n && c < n && qr.modules.get(r, c) ? scene.ink : scene.paper;
      }
      luma[y * width + x] = (acc / 4) * scene.light(x, y, s0, t0);
    }
  }
  if (scene.blur > 0) boxBlur(luma, width, height, scene.blur);
  for (let i = 0, p = 0; i < luma.length; i++, p += 4) {
    // Sum of two uniforms: cheap, bounded, roughly bell-shaped sensor noise; a slight colour cast per channel.
    const v = luma[i] + (random() + random() - 1) * scene.noise * 2.45;
    data[p] = v * 1.02;
    data[p + 1] = v;
    data[p + 2] = v * 0.93;
    data[p + 3] = 255;
  }
  return { width, height, data };
}

/** Separable box blur of a float luminance image, twice (≈ Gaussian). */
function boxBlur(img: Float32Array, width: number, height: number, radius: number): void {
  const r = Math.max(1, Math.round(radius));
  const line = new Float32Array(Math.max(width, height));
  const pass = (len: number, count: number, index: (k: number, j: number) => number) => {
    for (let j = 0; j < count; j++) {
      for (let k = 0; k < len; k++) line[k] = img[index(k, j)];
      let acc = 0;
      for (let k = -r; k <= r; k++) acc += line[Math.min(len - 1, Math.max(0, k))];
      for (let k = 0; k < len; k++) {
        img[index(k, j)] = acc / (2 * r + 1);
        acc += line[Math.min(len - 1, k + r + 1)] - line[Math.max(0, k - r)];
      }
    }
  };
  for (let p = 0; p < 2; p++) {
    pass(width, height, (k, j) => j * width + k);
    pass(height, width, (k, j) => k * width + j);
  }
}

/** The image turned clockwise by a multiple of 90° (lossless). */
export function rotateRgba(img: Rgba, rotation: Rotation): Rgba {
  if (rotation === 0) return img;
  const { width: w, height: h, data } = img;
  const turned = rotation !== 180;
  const W = turned ? h : w;
  const H = turned ? w : h;
  const out = new Uint8ClampedArray(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [X, Y] = rotation === 90 ? [h - 1 - y, x] : rotation === 180 ? [w - 1 - x, h - 1 - y] : [y, w - 1 - x];
      const from = (y * w + x) * 4;
      out.set(data.subarray(from, from + 4), (Y * W + X) * 4);
    }
  }
  return { width: W, height: H, data: out };
}

/** Corners of a square of side `size` centred at (cx, cy), turned by `angle` degrees, with per-corner jitter. */
function square(
  cx: number,
  cy: number,
  size: number,
  angle: number,
  jitter: () => number,
): [Point, Point, Point, Point] {
  const a = (angle * Math.PI) / 180;
  const half = size / 2;
  const corner = (dx: number, dy: number): Point => [
    cx + dx * Math.cos(a) - dy * Math.sin(a) + jitter(),
    cy + dx * Math.sin(a) + dy * Math.cos(a) + jitter(),
  ];
  return [corner(-half, -half), corner(half, -half), corner(half, half), corner(-half, half)];
}

const between = (r: () => number, lo: number, hi: number) => lo + r() * (hi - lo);

/** The scene of the i-th photo of a category. */
function scene(category: HardCategory, r: () => number): Scene {
  const plain = { ink: 28, paper: 235, light: () => 1, codeShare: 0.8, level: 'M' as const };
  const j = (amount: number) => () => (r() - 0.5) * amount;
  switch (category) {
    case 'wrinkled': {
      // A code printed on a t-shirt: folds bend the modules' rows and columns and shade the fabric.
      const waves = Array.from({ length: 3 }, () => ({
        fs: between(r, 1.5, 4),
        ft: between(r, 1.5, 4),
        phase: r() * 2 * Math.PI,
        amp: between(r, 0.001, 0.004),
      }));
      const fold = (s: number, t: number) =>
        waves.reduce((acc, w) => acc + w.amp * Math.sin(2 * Math.PI * (w.fs * s + w.ft * t) + w.phase), 0);
      return {
        ...plain,
        width: 1024,
        height: 768,
        corners: square(512 + between(r, -80, 80), 384, between(r, 480, 620), between(r, -12, 12), j(50)),
        codeShare: 0.7,
        warp: (s, t) => [s + fold(s, t), t + fold(t + 0.3, s)],
        light: (_x, _y, s, t) => 0.85 + 15 * fold(s + 0.05, t + 0.05),
        ink: 40,
        paper: 210,
        blur: 1,
        noise: between(r, 5, 9),
        quality: Math.round(between(r, 55, 80)),
      };
    }
    case 'curled': {
      // Paper curling round a cylinder: modules crowd towards the edges, the rows bow, one side is darker.
      const theta = between(r, 0.4, 0.9);
      const bow = between(r, 0.03, 0.07);
      const side = r() < 0.5 ? 1 : -1;
      return {
        ...plain,
        width: 1024,
        height: 768,
        corners: square(512, 384, between(r, 500, 620), between(r, -10, 10), j(60)),
        warp: (s, t) => {
          const u = (s - 0.5) * 2 * Math.sin(theta);
          const arc = Math.abs(u) < 1 ? Math.asin(u) / theta : Math.sign(u) * 9;
          return [0.5 + arc / 2, t + bow * (1 - 4 * (s - 0.5) ** 2) * (t - 0.5) * 2];
        },
        light: (_x, _y, s) => 1 - 0.45 * Math.min(1, Math.max(0, side * (s - 0.5) * 2)),
        blur: 1,
        noise: between(r, 4, 8),
        quality: Math.round(between(r, 50, 80)),
      };
    }
    case 'tiny': {
      // A code on a far billboard: a few pixels per module in a large, busy photo.
      const size = between(r, 140, 220);
      return {
        ...plain,
        width: 1600,
        height: 1200,
        corners: square(between(r, 250, 1350), between(r, 200, 1000), size, between(r, -20, 20), j(size * 0.08)),
        codeShare: 0.85,
        level: 'L',
        blur: r() < 0.5 ? 1 : 0,
        noise: between(r, 3, 7),
        quality: Math.round(between(r, 60, 85)),
      };
    }
    case 'dim-rotated': {
      // A magazine page in a dim room, turned in the frame: grey on grey, light falling off to one corner.
      const gx = r() * 1024;
      const gy = r() * 768;
      const gain = between(r, 0.25, 0.45);
      return {
        ...plain,
        width: 1024,
        height: 768,
        corners: square(512, 384, between(r, 380, 520), between(r, 20, 70), j(40)),
        light: (x, y) => gain * (1 - 0.5 * Math.min(1, Math.hypot(x - gx, y - gy) / 1100)),
        ink: 70,
        paper: 190,
        blur: 1,
        noise: between(r, 4, 8),
        quality: Math.round(between(r, 45, 75)),
      };
    }
    case 'steep': {
      // Photographed from the side: one edge of the code much nearer than the other.
      const near = between(r, 520, 640);
      const far = near * between(r, 0.45, 0.6);
      const x0 = between(r, 180, 300);
      const x1 = x0 + between(r, 450, 560);
      return {
        ...plain,
        width: 1024,
        height: 768,
        corners: [
          [x0, 384 - near / 2],
          [x1, 384 - far / 2],
          [x1, 384 + far / 2],
          [x0, 384 + near / 2],
        ],
        blur: r() < 0.5 ? 1 : 0,
        noise: between(r, 4, 8),
        quality: Math.round(between(r, 55, 85)),
      };
    }
    case 'blur-jpeg': {
      // Out of focus and saved small: soft edges, block artefacts.
      return {
        ...plain,
        width: 800,
        height: 600,
        corners: square(400, 300, between(r, 300, 420), between(r, -15, 15), j(30)),
        blur: between(r, 1, 2),
        noise: between(r, 3, 6),
        quality: Math.round(between(r, 30, 50)),
      };
    }
  }
}

export const HARD_CATEGORIES: readonly { readonly id: HardCategory; readonly count: number }[] = [
  { id: 'wrinkled', count: 8 },
  { id: 'curled', count: 8 },
  { id: 'tiny', count: 8 },
  { id: 'dim-rotated', count: 8 },
  { id: 'steep', count: 8 },
  { id: 'blur-jpeg', count: 8 },
];

export const ROTATIONS: readonly Rotation[] = [0, 90, 180, 270];

/** The base photo (rotation 0) `index` of `category`, pixels and text, from the set's seed. */
export function hardBase(
  category: HardCategory,
  index: number,
  seed: number,
  payload?: string,
): { text: string; image: Rgba; quality: number } {
  // One stream per photo, so any photo can be made alone (the e2e test makes one).
  const r = rng(seed ^ (HARD_CATEGORIES.findIndex((c) => c.id === category) * 7919 + index * 104_729));
  const kinds = ['venue', 'dcc', 'shc'] as const;
  // Drawn even when a payload is given, so the scene after it is the same photo.
  const generated = hardPayload(kinds[index % 3], r);
  const text = payload ?? generated;
  const s = scene(category, r);
  return { text, image: render(text, s, Math.floor(r() * 1e9)), quality: s.quality };
}

export const HARD_SET_SEED = 20_261_205;

/** A base photo as a phone keeps it: turned, JPEG-encoded. */
function keep(category: HardCategory, index: number, base: ReturnType<typeof hardBase>, rotation: Rotation): HardPhoto {
  const img = rotateRgba(base.image, rotation);
  const raw = { data: Buffer.from(img.data.buffer), width: img.width, height: img.height };
  return {
    id: `${category}-${index}-r${rotation}`,
    category,
    rotation,
    text: base.text,
    jpeg: encodeJpeg(raw, base.quality).data,
    width: img.width,
    height: img.height,
  };
}

/** One photo of the set; with `payload`, the same scene carrying that text instead (a signed venue code). */
export function hardPhoto(
  category: HardCategory,
  index: number,
  rotation: Rotation,
  payload?: string,
  seed = HARD_SET_SEED,
): HardPhoto {
  return keep(category, index, hardBase(category, index, seed, payload), rotation);
}

/** The whole set: every category's photos at every rotation (each base image rendered once). */
export function makeHardSet(seed = HARD_SET_SEED): HardPhoto[] {
  return HARD_CATEGORIES.flatMap(({ id, count }) =>
    Array.from({ length: count }, (_, i) => {
      const base = hardBase(id, i, seed);
      return ROTATIONS.map((rotation) => keep(id, i, base, rotation));
    }).flat(),
  );
}
