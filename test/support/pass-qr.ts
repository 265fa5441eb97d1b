/**
 * Reads the QR code on the pass screen (test id `pass-qr`) from a screenshot, the way a guard's phone sees
 * it: with the project's own decoder (src/scan/zxing-decode.ts), the one Singgah's verify screen runs.
 * zxing-js's stock `QRCodeReader` is not used: it misreads about 1 crisp whole-pixel code in 6 (the bug
 * zxing-decode.ts mends), and the pass is exactly such a code — e2e 31 failed on it in CI.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { buildSync } from 'esbuild';

type ZxingDecode = typeof import('../../src/scan/zxing-decode');

const require = createRequire(import.meta.url);
// pngjs comes with qrcode and ships no types: only its synchronous reader is used.
const { PNG } = require('pngjs') as {
  PNG: { sync: { read(png: Buffer): { width: number; height: number; data: Buffer } } };
};

let decoder: ZxingDecode | undefined;

/**
 * zxing-decode.ts imports zxing-js's ESM files by extension-less deep paths (for the worker bundle's size),
 * which Node's ESM loader, and so Playwright's, cannot resolve: esbuild bundles it into one module first.
 */
function loadDecoder(): ZxingDecode {
  if (decoder) return decoder;
  const entry = resolve(import.meta.dirname, '../../src/scan/zxing-decode.ts');
  const [out] = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
  }).outputFiles;
  const module = { exports: {} as ZxingDecode };
  new Function('module', 'exports', 'require', out.text)(module, module.exports, require);
  decoder = module.exports;
  return decoder;
}

/** Full size first, then averaged down by 2 and 3, as a camera sees the screen from further away. */
function decodePng(png: Buffer): string | null {
  const { decodeLuminance } = loadDecoder();
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
    const text = decodeLuminance(luma, w, h);
    if (text) return text;
  }
  return null;
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
