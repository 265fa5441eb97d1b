/**
 * Reads the QR code on the pass screen (test id `pass-qr`) from a screenshot, the way a guard's camera sees
 * it: PNG → RGBA → luminance → zxing's QR reader. The package index is used (Playwright's Node loader cannot
 * resolve the extension-less deep imports src/scan/zxing-decode.ts uses for the worker bundle).
 */
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';

const require = createRequire(import.meta.url);
// CommonJS packages loaded with require: Node's ESM loader sees no named exports in @zxing/library's index.
const { BinaryBitmap, DecodeHintType, HybridBinarizer, QRCodeReader, RGBLuminanceSource } =
  require('@zxing/library') as typeof import('@zxing/library');
// pngjs comes with qrcode and ships no types: only its synchronous reader is used.
const { PNG } = require('pngjs') as {
  PNG: { sync: { read(png: Buffer): { width: number; height: number; data: Buffer } } };
};

function decodeLuma(luma: Uint8ClampedArray, width: number, height: number): string | undefined {
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luma, width, height)));
  try {
    return new QRCodeReader().decode(bitmap, new Map([[DecodeHintType.TRY_HARDER, true]])).getText();
  } catch {
    return undefined;
  }
}

/** Full size first, then averaged down by 2 and 3: uneven module widths (fractional CSS pixels) even out. */
function decodePng(png: Buffer): string | undefined {
  const { width, height, data } = PNG.sync.read(png);
  for (const k of [1, 2, 3]) {
    const w = Math.floor(width / k);
    const h = Math.floor(height / k);
    const luma = new Uint8ClampedArray(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let dy = 0; dy < k; dy++)
          for (let dx = 0; dx < k; dx++) {
            const i = 4 * ((y * k + dy) * width + x * k + dx);
            sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
          }
        luma[y * w + x] = sum / (k * k);
      }
    const text = decodeLuma(luma, w, h);
    if (text) return text;
  }
  return undefined;
}

/**
 * A camera gets many frames: so does this, a few screenshots apart, since a screenshot taken while the page
 * still settles (a late re-layout under a loaded machine) may not decode. The first text read wins.
 */
export async function readPassQr(page: Page, attempts = 5): Promise<string> {
  for (let i = 0; i < attempts; i++) {
    const text = decodePng(await page.getByTestId('pass-qr').screenshot());
    if (text) return text;
    await page.waitForTimeout(200);
  }
  throw new Error(`the pass QR did not decode in ${attempts} screenshots`);
}
