/**
 * The fallback QR decoder: @zxing/library's core `QRCodeReader` on a luminance buffer. No DOM, so it runs in
 * the decode worker (decode-worker.ts), in Node (unit tests, the decode-set benchmark) and anywhere else.
 * `@zxing/browser` is not used: it needs a document (video elements, canvases) and cannot live in a worker.
 */
// Deep imports: the package's index pulls in every format's reader and writer (~450 KB); QR alone is a
// fraction of that, and this is what the worker downloads before the first decode.
import BinaryBitmap from '@zxing/library/esm/core/BinaryBitmap';
import ChecksumException from '@zxing/library/esm/core/ChecksumException';
import HybridBinarizer from '@zxing/library/esm/core/common/HybridBinarizer';
import DecodeHintType from '@zxing/library/esm/core/DecodeHintType';
import FormatException from '@zxing/library/esm/core/FormatException';
import NotFoundException from '@zxing/library/esm/core/NotFoundException';
import QRCodeReader from '@zxing/library/esm/core/qrcode/QRCodeReader';
import RGBLuminanceSource from '@zxing/library/esm/core/RGBLuminanceSource';

export interface PixelFrame {
  /** RGBA, 4 bytes per pixel, row-major (what `getImageData` returns). */
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** Below this spread between the darkest and the lightest 1 % of pixels, the luminance is stretched. */
const STRETCH_BELOW = 160;

/**
 * RGBA → 8-bit luminance with integer weights (ITU-R BT.601, like zxing's own RGB source), optionally
 * inverted so light-on-dark codes decode. A low-contrast picture (a faded poster, a dim room) is stretched to
 * the full range between its 1st and 99th percentiles: zxing's binarizer gives up on blocks whose spread is
 * small, and a grey-on-grey code that fails as is decodes once stretched.
 */
export function rgbaToLuminance(frame: PixelFrame, invert: boolean): Uint8ClampedArray {
  const { data, width, height } = frame;
  const n = width * height;
  if (data.length < n * 4) throw new RangeError(`pixel buffer too short for ${width}x${height}`);
  const out = new Uint8ClampedArray(n);
  const histogram = new Uint32Array(256);
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    const y = (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;
    out[i] = y;
    histogram[y]++;
  }
  const cut = Math.floor(n / 100);
  let lo = 0;
  for (let seen = 0; lo < 255 && seen + histogram[lo] <= cut; lo++) seen += histogram[lo];
  let hi = 255;
  for (let seen = 0; hi > 0 && seen + histogram[hi] <= cut; hi--) seen += histogram[hi];
  const spread = hi - lo;
  // A flat picture (spread ≤ 8) has nothing to stretch: that would only amplify noise.
  const stretch = spread > 8 && spread < STRETCH_BELOW;
  if (!stretch && !invert) return out;
  const map = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v++) {
    const s = stretch ? ((v - lo) * 255) / spread : v;
    map[v] = invert ? 255 - s : s;
  }
  for (let i = 0; i < n; i++) out[i] = map[out[i]];
  return out;
}

const reader = new QRCodeReader();
// TRY_HARDER makes zxing's finder-pattern search look at every row instead of skipping, which is what
// finds small and rotated codes; at ≤ 400 px per side it costs a few milliseconds.
const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true]]);

/** zxing's "nothing here" exceptions; anything else is a bug and is rethrown. */
const isMiss = (e: unknown) =>
  e instanceof NotFoundException || e instanceof ChecksumException || e instanceof FormatException;

/** Decode one QR code from a luminance buffer (width × height bytes). `null` when none is found. */
export function decodeLuminance(luminance: Uint8ClampedArray, width: number, height: number): string | null {
  // RGBLuminanceSource treats a buffer of exactly width*height bytes as luminance already.
  const source = new RGBLuminanceSource(luminance, width, height);
  try {
    return reader.decode(new BinaryBitmap(new HybridBinarizer(source)), hints).getText();
  } catch (e) {
    if (isMiss(e)) return null;
    throw e;
  } finally {
    reader.reset();
  }
}

/**
 * Which codes an attempt reads: dark-on-light, light-on-dark, or `either` — as-is first, then inverted — so an
 * attempt scheduled for light-on-dark codes still reads an ordinary one (the camera loop's inverted turns).
 */
export type Polarity = 'normal' | 'inverted' | 'either';

/** Decode an RGBA frame in the given polarity. */
export function decodeFrame(frame: PixelFrame, polarity: Polarity = 'normal'): string | null {
  if (polarity === 'either') return decodeFrame(frame, 'normal') ?? decodeFrame(frame, 'inverted');
  return decodeLuminance(rgbaToLuminance(frame, polarity === 'inverted'), frame.width, frame.height);
}
