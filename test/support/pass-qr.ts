/**
 * Reads the QR code on the pass screen (test id `pass-qr`) from a screenshot, the way a guard's phone sees
 * it: with the project's own decoder (src/scan/zxing-decode.ts), the one Singgah's verify screen runs.
 * zxing-js's stock `QRCodeReader` is not used: its corner choice misreads pass codes at the screenshot's
 * scale (the bug zxing-decode.ts mends; see docs/DECISIONS.md).
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
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

/** The text of the QR in a PNG, read by the project's own decoder (null when none reads). */
export function decodePng(png: Buffer): string | null {
  const { width, height, data } = PNG.sync.read(png);
  return loadDecoder().decodeFrame({
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    width,
    height,
  });
}

/**
 * A camera gets many frames: so does this, a few screenshots apart, since a screenshot taken while the page
 * still settles (a late re-layout under a loaded machine) may not decode. The first text read wins. `testId`:
 * another QR of the pass (an EU DCC's, `pass-dcc-qr`), or the QR itself (one part of a card's, `pass-shc-qr`).
 */
export async function readPassQr(page: Page, attempts = 5, testId: string | Locator = 'pass-qr'): Promise<string> {
  const qr = typeof testId === 'string' ? page.getByTestId(testId) : testId;
  for (let i = 0; i < attempts; i++) {
    const text = decodePng(await qr.screenshot());
    if (text) return text;
    await page.waitForTimeout(200);
  }
  throw new Error(`the pass QR did not decode in ${attempts} screenshots`);
}
