/**
 * Browser side of the scanner benchmarks (`npm run bench -- --only scanner,decode-set`): Singgah's scanner
 * (the app's own src/scan modules) and nimiq's `qr-scanner` (npm, dev dependency, bench only) in one page,
 * built by Vite (ES modules, so both scanners' workers are real worker chunks) and driven by
 * scripts/bench/scanner.ts through Playwright.
 *
 * Camera runs: the page's fake camera plays a Y4M file written by the Node side. A watcher on the same video
 * (one tiny thumbnail per presented frame, identical for both scanners) notes when the QR first shows, so
 * "QR visible → text" is measured from the frame, not guessed from the file.
 */
import QrScanner from 'qr-scanner';
import { attachScanner } from '../../src/scan/camera-scanner';

export type ScannerName = 'singgah' | 'qr-scanner';

export interface CameraRun {
  /** From creating the scanner (camera closed, decoder not loaded) to the decoded text. */
  readonly openToTextMs: number | null;
  /** From the first presented frame showing the QR to the decoded text. */
  readonly visibleToTextMs: number | null;
  readonly text: string | null;
}

export interface ImageRun {
  readonly text: string | null;
  readonly ms: number;
}

export interface ScannerBenchPage {
  camera(name: ScannerName, leadIn: boolean, timeoutMs: number): Promise<CameraRun>;
  /** Decode each image URL (PNG) with one scanner; the decoder is warmed on the first, untimed. */
  images(name: ScannerName, urls: string[]): Promise<ImageRun[]>;
}

type VfcVideo = HTMLVideoElement & { requestVideoFrameCallback(cb: (now: number) => void): number };

/** Notes the time of the first frame that differs from the first one (or the first frame when `leadIn` is false). */
function watchFirstQrFrame(video: VfcVideo, leadIn: boolean): { at(): number | undefined; stop(): void } {
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 24;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas');
  let reference: Uint8ClampedArray | undefined;
  let seen: number | undefined;
  let stopped = false;
  const onFrame = (now: number) => {
    if (stopped || seen !== undefined) return;
    ctx.drawImage(video, 0, 0, 32, 24);
    const thumb = ctx.getImageData(0, 0, 32, 24).data;
    if (!leadIn) seen = now;
    else if (!reference) reference = thumb;
    else {
      let diff = 0;
      for (let i = 0; i < thumb.length; i += 4) diff += Math.abs(thumb[i] - reference[i]);
      if (diff / (thumb.length / 4) > 4) seen = now;
    }
    if (seen === undefined) video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  return {
    at: () => seen,
    stop: () => {
      stopped = true;
    },
  };
}

function newVideo(): VfcVideo {
  const video = document.createElement('video') as VfcVideo;
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  video.width = 320;
  video.height = 240;
  document.body.append(video);
  return video;
}

/** Resolves when every track the video had is ended, so the next run reopens the camera (and re-reads the file). */
async function released(tracks: MediaStreamTrack[]): Promise<void> {
  while (tracks.some((t) => t.readyState !== 'ended')) await new Promise((r) => setTimeout(r, 20));
}

async function cameraRun(name: ScannerName, leadIn: boolean, timeoutMs: number): Promise<CameraRun> {
  const video = newVideo();
  const t0 = performance.now();
  let tracks: MediaStreamTrack[] = [];
  let watcher: ReturnType<typeof watchFirstQrFrame> | undefined;
  // The watcher starts with the first frame of the stream, whichever scanner opened it.
  video.addEventListener(
    'loadedmetadata',
    () => {
      tracks = (video.srcObject as MediaStream | null)?.getTracks() ?? [];
      watcher = watchFirstQrFrame(video, leadIn);
    },
    { once: true },
  );
  let stop: () => void = () => {};
  const text = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    const done = (t: string) => {
      clearTimeout(timer);
      resolve(t);
    };
    if (name === 'singgah') {
      const controls = attachScanner(video, { onText: done, onError: (code) => console.warn(code) });
      stop = () => controls.detach();
    } else {
      const scanner = new QrScanner(video, (r) => done(r.data), { returnDetailedScanResult: true });
      stop = () => scanner.destroy();
      scanner.start().catch((e: unknown) => console.warn(String(e)));
    }
  });
  const textAt = performance.now();
  const visibleAt = watcher?.at();
  watcher?.stop();
  stop();
  await released(tracks);
  video.remove();
  return {
    text,
    openToTextMs: text === null ? null : textAt - t0,
    visibleToTextMs: text === null || visibleAt === undefined ? null : Math.max(0, textAt - visibleAt),
  };
}

async function imageRuns(name: ScannerName, urls: string[]): Promise<ImageRun[]> {
  const bitmaps = await Promise.all(urls.map(async (u) => createImageBitmap(await (await fetch(u)).blob())));
  const out: ImageRun[] = [];
  if (name === 'singgah') {
    // Imported as the app does (lazily), so the engine stays a chunk of its own as in the app's build.
    const { acquireDecoder, decodeImage } = await import('../../src/scan/engine');
    const lease = await acquireDecoder();
    try {
      await decodeImage(bitmaps[0], lease.chain.decode); // warm-up: worker start and JIT, untimed
      for (const b of bitmaps) {
        const t = performance.now();
        const text = await decodeImage(b, lease.chain.decode);
        out.push({ text, ms: performance.now() - t });
      }
    } finally {
      lease.release();
    }
  } else {
    const engine = await QrScanner.createQrEngine();
    const scan = (b: ImageBitmap) =>
      QrScanner.scanImage(b, { qrEngine: engine, returnDetailedScanResult: true }).then(
        (r) => r.data,
        () => null,
      );
    await scan(bitmaps[0]);
    for (const b of bitmaps) {
      const t = performance.now();
      const text = await scan(b);
      out.push({ text, ms: performance.now() - t });
    }
    if (engine instanceof Worker) engine.terminate();
  }
  for (const b of bitmaps) b.close();
  return out;
}

const page: ScannerBenchPage = { camera: cameraRun, images: imageRuns };
(globalThis as unknown as { scannerBench: ScannerBenchPage }).scannerBench = page;
