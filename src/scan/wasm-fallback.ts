/**
 * The photo import's last resort: ZXing-C++ compiled to WebAssembly (the zxing-wasm package), asked only after
 * Singgah's own chain (image-decode.ts) has found no code in a photo. It reads what zxing-js cannot — steep
 * perspective, curled paper, wrinkled fabric, a tiny far code (measured: docs/BENCHMARKS.md, "Hard photos") —
 * but costs ~410 KB gzip, so it is never part of the camera path, and never fetched until a photo needs it.
 *
 * Self-hosted: the .wasm is a hashed asset of the build (Vite's `?url`), never the package's default CDN; the
 * CSP allows compiling it with `'wasm-unsafe-eval'` (server/app.ts). Not precached by the service worker (the
 * reasons: src/scan/README.md); the service worker keeps a copy once it has been fetched.
 */
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

prepareZXingModule({
  overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
});

/**
 * The text of the first QR code ZXing-C++ reads in an image file, or null. It decodes the file itself (JPEG, PNG…)
 * at full resolution and tries its own scales, rotations and inversion; this module shares no code with the
 * camera's chunks, so it changes none of them. Rejects when the .wasm cannot be loaded.
 */
export async function decodeWithZxingWasm(file: Blob): Promise<string | null> {
  const [first] = await readBarcodes(file, { formats: ['QRCode'], maxNumberOfSymbols: 1, tryHarder: true });
  return first?.isValid ? first.text : null;
}
