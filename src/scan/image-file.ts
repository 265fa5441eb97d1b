/**
 * "Pick a photo or screenshot": decode a QR code from an image file through the same decoder chain as the
 * camera (loaded lazily, like the camera's), and only when that chain finds nothing, through ZXing-C++ in
 * WebAssembly (wasm-fallback.ts, its own lazy chunk and .wasm: never part of the camera path).
 */
import type { ScanErrorCode } from './camera-scanner';

export type ImageScan =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly code: ScanErrorCode };

export async function scanImageFile(file: Blob): Promise<ImageScan> {
  let bitmap: ImageBitmap;
  try {
    // imageOrientation 'from-image' applies a phone photo's EXIF rotation (the default in current browsers).
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return { ok: false, code: 'IMAGE_UNREADABLE' };
  }
  const { acquireDecoder, decodeImage } = await import('./engine');
  const lease = await acquireDecoder();
  try {
    const text = (await decodeImage(bitmap, lease.chain.decode)) ?? (await decodeHarder(file));
    return text === null ? { ok: false, code: 'IMAGE_NO_QR' } : { ok: true, text };
  } catch {
    return { ok: false, code: 'SCAN_DECODER_FAILED' };
  } finally {
    bitmap.close();
    lease.release();
  }
}

/**
 * The fallback for a photo the chain cannot read. Offline before it was ever fetched (it is not precached), it
 * cannot load: the photo then gets the answer it had without it, no code found, never a decoder failure. Kept
 * this short because this module is in the Scan screen's chunk, on the camera's path too.
 */
const decodeHarder = (file: Blob): Promise<string | null> =>
  import('./wasm-fallback').then((m) => m.decodeWithZxingWasm(file)).catch(() => null);
