/**
 * Read the QR code in a PNG or JPEG file with the app's own decoder (src/scan/zxing-decode.ts: zxing's steps
 * with the project's corner choice; pure pixel code, no DOM), for `singgah qr decode`: an operator checks a
 * printed poster, a scanned certificate or a screenshot with the same reader the phones run.
 */
import { createRequire } from 'node:module';
import { decode as decodeJpeg } from 'jpeg-js';
import { decodeFrame, type PixelFrame } from '../src/scan/zxing-decode';
import { AuthorityError } from './errors';

const require = createRequire(import.meta.url);
// pngjs is CommonJS; only its synchronous reader is used.
const { PNG } = require('pngjs') as {
  PNG: { sync: { read(png: Buffer): { width: number; height: number; data: Buffer } } };
};

/** A scan of an A4 page at 600 dpi is 35 MP: anything larger is refused before it is decoded. */
const MAX_MEGAPIXELS = 40;

const isPng = (b: Buffer) => b.length > 24 && b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));
const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** RGBA pixels of a PNG or JPEG; throws INPUT_INVALID for anything else or an undecodable image. */
export function imagePixels(bytes: Buffer, name: string): PixelFrame {
  try {
    if (isPng(bytes)) {
      // The IHDR's size, checked before pngjs allocates the whole image.
      if ((bytes.readUInt32BE(16) * bytes.readUInt32BE(20)) / 1e6 > MAX_MEGAPIXELS) {
        throw new AuthorityError('INPUT_INVALID', `${name}: image larger than ${MAX_MEGAPIXELS} megapixels`);
      }
      const png = PNG.sync.read(bytes);
      return { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), ...size(png) };
    }
    if (isJpeg(bytes)) {
      const jpeg = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS });
      return { data: new Uint8ClampedArray(jpeg.data.buffer, jpeg.data.byteOffset, jpeg.data.length), ...size(jpeg) };
    }
  } catch (e) {
    if (e instanceof AuthorityError) throw e;
    throw new AuthorityError('INPUT_INVALID', `${name}: unreadable image (${(e as Error).message})`);
  }
  throw new AuthorityError('INPUT_INVALID', `${name}: not a PNG or JPEG image`);
}

const size = (i: { width: number; height: number }) => ({ width: i.width, height: i.height });

/** The frame shrunk by an integer factor, averaging each factor × factor block (no aliasing of modules). */
function shrink(frame: PixelFrame, factor: number): PixelFrame {
  const width = Math.floor(frame.width / factor);
  const height = Math.floor(frame.height / factor);
  const data = new Uint8ClampedArray(width * height * 4);
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = ((y * factor + dy) * frame.width + x * factor) * 4 + c;
          for (let dx = 0; dx < factor; dx++) sum += frame.data[row + dx * 4];
        }
        data[(y * width + x) * 4 + c] = sum / area;
      }
    }
  }
  return { data, width, height };
}

/**
 * The QR text, or null when none is found. Like the app's picture import, a large image is decoded at about
 * 1024 px first, then 1600 px, then whole (zxing's binariser does worse, and slowly, on huge noisy images);
 * each view dark-on-light, then inverted.
 */
export function readQrImage(bytes: Buffer, name: string): string | null {
  const frame = imagePixels(bytes, name);
  const longest = Math.max(frame.width, frame.height);
  const factors = [...new Set([1024, 1600].map((target) => Math.floor(longest / target)))].filter((f) => f >= 2);
  for (const view of [...factors.map((f) => shrink(frame, f)), frame]) {
    const text = decodeFrame(view, 'either');
    if (text !== null) return text;
  }
  return null;
}
