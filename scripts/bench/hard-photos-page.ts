/**
 * Browser side of the hard-photos benchmark (scripts/bench/hard-photos.ts): each photo (a JPEG URL) decoded by
 * - `chain`: Singgah's own chain alone (decodeImage over the decode worker, as the photo import runs it first);
 * - `zxing-wasm`: ZXing-C++ compiled to WebAssembly alone, through the app's own module (src/scan/wasm-fallback.ts);
 * - `app`: what the photo import does (src/scan/image-file.ts): the chain, then zxing-wasm if the chain missed.
 * Each timed from the file's bytes (bitmap decoding included) to the text. The first photo is a warm-up, untimed.
 */
import { acquireDecoder, decodeImage } from '../../src/scan/engine';
import { scanImageFile } from '../../src/scan/image-file';
import { decodeWithZxingWasm } from '../../src/scan/wasm-fallback';

export type HardEngine = 'chain' | 'zxing-wasm' | 'app';

export interface HardRun {
  readonly text: string | null;
  readonly ms: number;
}

export interface HardPhotosBenchPage {
  run(engine: HardEngine, urls: string[]): Promise<HardRun[]>;
}

const bitmapOf = (blob: Blob) => createImageBitmap(blob, { imageOrientation: 'from-image' });

async function run(engine: HardEngine, urls: string[]): Promise<HardRun[]> {
  const blobs = await Promise.all(urls.map(async (u) => (await fetch(u)).blob()));
  const lease = await acquireDecoder();
  const decodeOne = async (blob: Blob): Promise<string | null> => {
    if (engine === 'app') {
      const r = await scanImageFile(blob);
      return r.ok ? r.text : null;
    }
    if (engine === 'zxing-wasm') return decodeWithZxingWasm(blob);
    const bitmap = await bitmapOf(blob);
    try {
      return await decodeImage(bitmap, lease.chain.decode);
    } finally {
      bitmap.close();
    }
  };
  try {
    await decodeOne(blobs[0]);
    const out: HardRun[] = [];
    for (const blob of blobs) {
      const t = performance.now();
      const text = await decodeOne(blob);
      out.push({ text, ms: performance.now() - t });
    }
    return out;
  } finally {
    lease.release();
  }
}

(globalThis as unknown as { hardPhotosBench: HardPhotosBenchPage }).hardPhotosBench = { run };
