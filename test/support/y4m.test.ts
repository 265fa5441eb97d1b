/**
 * The Y4M writer used for Chromium's fake camera: files are well formed, and what they show decodes with
 * @zxing/library (the same decoder the app uses) for each option the e2e tests rely on.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  InvertedLuminanceSource,
  type LuminanceSource,
  PlanarYUVLuminanceSource,
  QRCodeReader,
} from '@zxing/library';
import { afterAll, describe, expect, it } from 'vitest';
import { type QrY4mOptions, readY4m, writeBlankY4m, writeQrY4m } from './y4m';

const TEXT = 'https://example.test/v#0123456789';
const dir = mkdtempSync(join(tmpdir(), 'singgah-y4m-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const file = () => join(dir, `${n++}.y4m`);

function decode(y: Uint8Array, width: number, height: number, inverted = false): string | null {
  let source: LuminanceSource = new PlanarYUVLuminanceSource(
    new Uint8ClampedArray(y),
    width,
    height,
    0,
    0,
    width,
    height,
    false,
  );
  if (inverted) source = new InvertedLuminanceSource(source);
  try {
    const hints = new Map([[DecodeHintType.TRY_HARDER, true]]);
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints).getText();
  } catch {
    return null;
  }
}

function roundTrip(opts: QrY4mOptions, inverted = false): string | null {
  const path = file();
  writeQrY4m(path, TEXT, opts);
  const y4m = readY4m(path);
  return decode(y4m.frames[y4m.frames.length - 1], y4m.width, y4m.height, inverted);
}

describe('writeQrY4m', () => {
  it('writes the header Chromium expects and one 640x480 4:2:0 frame by default', () => {
    const path = file();
    const info = writeQrY4m(path, TEXT);
    const header = 'YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\n';
    expect(statSync(path).size).toBe(header.length + 'FRAME\n'.length + 640 * 480 * 1.5);
    const y4m = readY4m(path);
    expect(y4m).toMatchObject({ width: 640, height: 480, fps: 30 });
    expect(y4m.frames).toHaveLength(1);
    expect(info.box.x).toBe(Math.round((640 - info.box.size) / 2));
    expect(info.modulePx).toBeGreaterThanOrEqual(4);
  });

  it('decodes when centred (default)', () => {
    expect(roundTrip({})).toBe(TEXT);
  });

  it.each<[string, QrY4mOptions]>([
    ['small modules', { modulePx: 3 }],
    ['an offset', { offset: { x: 10, y: 20 }, fraction: 0.4 }],
    // @zxing/library's HybridBinarizer loses the symbol on the raw Y plane at 110 on 150 (Chromium's video-range
    // expansion makes that one decode in the browser; see test/README.md).
    ['low contrast', { foreground: 100, background: 160 }],
    ['a dark surround', { surround: 0 }],
    ['rotation by 30°', { rotation: 30, fraction: 0.5 }],
    ['rotation by 90°', { rotation: 90 }],
    ['another frame size', { width: 1280, height: 720 }],
  ])('decodes with %s', (_name, opts) => {
    expect(roundTrip(opts)).toBe(TEXT);
  });

  it('inverts: light modules on dark', () => {
    const path = file();
    writeQrY4m(path, TEXT, { invert: true });
    const { frames, width, height } = readY4m(path);
    expect(frames[0][0]).toBe(0);
    expect(decode(frames[0], width, height, true)).toBe(TEXT);
  });

  it('writes leading blank frames before the QR frames', () => {
    const path = file();
    const info = writeQrY4m(path, TEXT, { leadingBlankFrames: 15, frames: 3 });
    const { frames, width, height } = readY4m(path);
    expect(info.totalFrames).toBe(18);
    expect(frames).toHaveLength(18);
    expect(frames[0].every((v) => v === 255)).toBe(true);
    expect(decode(frames[0], width, height)).toBeNull();
    expect(decode(frames[15], width, height)).toBe(TEXT);
  });

  it('rejects odd frame sizes and empty videos', () => {
    expect(() => writeQrY4m(file(), TEXT, { width: 641 })).toThrow(RangeError);
    expect(() => writeQrY4m(file(), TEXT, { frames: 0 })).toThrow(RangeError);
  });
});

describe('writeBlankY4m', () => {
  it('writes a flat frame with nothing to decode', () => {
    const path = file();
    writeBlankY4m(path, { level: 200 });
    const { frames, width, height } = readY4m(path);
    expect(frames).toHaveLength(1);
    expect(frames[0].every((v) => v === 200)).toBe(true);
    expect(decode(frames[0], width, height)).toBeNull();
  });
});
