/**
 * The frame pipeline (after nimiq/qr-scanner): one decode per new video frame at most, never two in flight.
 *
 * - `requestVideoFrameCallback` where present, so a frame is never decoded twice and nothing runs between
 *   frames; else requestAnimationFrame with a `currentTime` check.
 * - A centred square (2/3 of the short side, where people aim) drawn into a reused canvas of ≤ 400 px, so
 *   the decoder's work does not grow with the camera's resolution.
 * - Every `fullFrameEvery`-th attempt reads the whole frame (≤ 640 px on its long side) so a code outside
 *   the square is still found; every `invertEvery`-th attempt is also decoded inverted (light-on-dark codes)
 *   after as-is, so that turn never misses an ordinary code.
 *   The two periods are co-prime, so every combination comes round.
 * - At most `maxScansPerSecond` attempts per second (battery), and none while the tab is hidden.
 */
import type { Polarity } from './zxing-decode';

export interface FrameLoopOptions {
  /** Default 25, as qr-scanner. */
  readonly maxScansPerSecond?: number;
  /** Share of the frame's short side scanned in the centre. Default 2/3. */
  readonly regionFraction?: number;
  /** Longest side of the region canvas. Default 400. */
  readonly regionSize?: number;
  /** Longest side of a full-frame attempt. Default 640. */
  readonly fullFrameSize?: number;
  /** Default 4 (every 4th attempt scans the full frame). */
  readonly fullFrameEvery?: number;
  /** Default 3 (every 3rd attempt is inverted). */
  readonly invertEvery?: number;
}

export type Decode = (frame: ImageData, polarity: Polarity) => Promise<string | null>;

export interface Grabber {
  readonly canvas: HTMLCanvasElement;
  readonly ctx: CanvasRenderingContext2D;
  /** How a larger source is averaged down ('high' for photos, whose fine modules alias into noise). */
  readonly quality: ImageSmoothingQuality;
}

export function createGrabber(quality: ImageSmoothingQuality = 'low'): Grabber {
  const canvas = document.createElement('canvas');
  // alpha:false skips premultiplication; willReadFrequently keeps the bitmap in memory for getImageData.
  const ctx = canvas.getContext('2d', { alpha: false, willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas');
  return { canvas, ctx, quality };
}

/**
 * Draw the source rectangle (sx, sy, sw, sh) scaled to fit `max` into the grabber and read its pixels. It is
 * only ever shrunk, unless `upTo` > 1 allows enlarging it that much (a tiny code in a photo).
 */
export function grab(
  g: Grabber,
  source: CanvasImageSource,
  sx: number,
  sy: number,
  sw: number,
  sh: number,
  max: number,
  upTo = 1,
): ImageData {
  const scale = Math.min(upTo, max / Math.max(sw, sh));
  const w = Math.max(1, Math.round(sw * scale));
  const h = Math.max(1, Math.round(sh * scale));
  // Setting a canvas size reallocates it even when unchanged.
  if (g.canvas.width !== w) g.canvas.width = w;
  if (g.canvas.height !== h) g.canvas.height = h;
  // Resizing resets the context's state.
  g.ctx.imageSmoothingQuality = g.quality;
  g.ctx.drawImage(source, sx, sy, sw, sh, 0, 0, w, h);
  return g.ctx.getImageData(0, 0, w, h);
}

/**
 * What the n-th attempt looks at. The first attempt reads the full frame (it contains the centre too, so a
 * code anywhere is found on the first frame) and the second is inverted: a code of either kind is tried
 * within the first two frames, then every few. Pure, so the schedule is unit-testable.
 */
export function attemptPlan(
  n: number,
  fullFrameEvery: number,
  invertEvery: number,
): { readonly full: boolean; readonly invert: boolean } {
  return { full: n % fullFrameEvery === 0, invert: n % invertEvery === 1 };
}

/** Centred square of `fraction` × the short side. */
export function centredRegion(width: number, height: number, fraction: number) {
  const size = Math.round(Math.min(width, height) * fraction);
  return { x: Math.round((width - size) / 2), y: Math.round((height - size) / 2), size };
}

/** A decode slower than this is given up (zxing takes 15–40 ms a frame; a worker start, a few hundred). */
const BUSY_LIMIT_MS = 3_000;
/** Frame callbacks quiet for this long: attempt from a timer, every KICK_EVERY_MS (still paced by the cap). */
const KICK_AFTER_MS = 400;
const KICK_EVERY_MS = 100;

type FrameVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * When the next attempt may start, one starting at `now`. Paced on a schedule, not by the gap since the last
 * attempt: frames of a 30 fps camera come every 33 ms, and a "≥ 40 ms since the last" gate takes every second
 * frame — 15 attempts a second, not 25, and a code seen up to 67 ms late. Falling behind (a slow decode, a
 * hidden tab) earns at most one gap of catch-up, never a burst.
 */
export function nextAttemptDue(due: number, now: number, minGap: number): number {
  return Math.max(due, now - minGap) + minGap;
}

/** Start decoding frames of a playing video. Returns `stop`. `onText` gets every decoded text. */
export function startFrameLoop(
  video: HTMLVideoElement,
  decode: Decode,
  onText: (text: string) => void,
  onFailure: (e: unknown) => void,
  options: FrameLoopOptions = {},
): () => void {
  const v = video as FrameVideo;
  const minGap = 1000 / (options.maxScansPerSecond ?? 25);
  const fraction = options.regionFraction ?? 2 / 3;
  const regionSize = options.regionSize ?? 400;
  const fullSize = options.fullFrameSize ?? 640;
  const fullEvery = options.fullFrameEvery ?? 4;
  const invertEvery = options.invertEvery ?? 3;
  // Two canvases, each keeping its size: alternating one canvas between sizes would reallocate it.
  const region = createGrabber();
  const full = createGrabber();
  let stopped = false;
  let busy = false;
  // Which attempt is in flight: a decode that never answers (a lost worker message) must not stall the loop
  // for good, so after BUSY_LIMIT_MS it is abandoned and its late answer ignored.
  let busyToken = 0;
  let busySince = 0;
  let attempts = 0;
  let due = Number.NEGATIVE_INFINITY;
  let lastTime = -1;
  let handle = 0;

  const attempt = () => {
    const now = performance.now();
    if (busy && now - busySince > BUSY_LIMIT_MS) busy = false;
    if (busy || now < due || document.visibilityState === 'hidden') return;
    const { videoWidth: w, videoHeight: h } = video;
    if (video.readyState < video.HAVE_CURRENT_DATA || w === 0 || h === 0) return;
    const plan = attemptPlan(attempts++, fullEvery, invertEvery);
    let frame: ImageData;
    if (plan.full) frame = grab(full, video, 0, 0, w, h, fullSize);
    else {
      const r = centredRegion(w, h, fraction);
      frame = grab(region, video, r.x, r.y, r.size, r.size, regionSize);
    }
    busy = true;
    busySince = now;
    due = nextAttemptDue(due, now, minGap);
    const token = ++busyToken;
    decode(frame, plan.invert ? 'either' : 'normal').then(
      (text) => {
        if (token !== busyToken) return;
        busy = false;
        if (!stopped && text !== null) onText(text);
      },
      (e: unknown) => {
        if (token !== busyToken) return;
        busy = false;
        if (!stopped) onFailure(e);
      },
    );
  };

  let lastCallbackAt = performance.now();
  const onVideoFrame = () => {
    if (stopped) return;
    lastCallbackAt = performance.now();
    attempt();
    handle = v.requestVideoFrameCallback?.(onVideoFrame) ?? 0;
  };
  // requestVideoFrameCallback only fires for frames that get composited: not while the preview is hidden (the
  // guard's result covers it, and the next pass is already being held up) and, seen under load in headless
  // Chromium, not always while it plays. A timer then keeps attempts coming, at up to 10 a second.
  const kick = setInterval(() => {
    if (!stopped && performance.now() - lastCallbackAt > KICK_AFTER_MS && !video.paused) attempt();
  }, KICK_EVERY_MS);
  const onAnimationFrame = () => {
    if (stopped) return;
    lastCallbackAt = performance.now();
    // Without video-frame callbacks, a frame is new only if the playback position moved.
    if (video.currentTime !== lastTime) {
      lastTime = video.currentTime;
      attempt();
    }
    handle = requestAnimationFrame(onAnimationFrame);
  };
  const useVfc = typeof v.requestVideoFrameCallback === 'function';
  if (useVfc) onVideoFrame();
  else onAnimationFrame();

  return () => {
    stopped = true;
    clearInterval(kick);
    if (useVfc) v.cancelVideoFrameCallback?.(handle);
    else cancelAnimationFrame(handle);
  };
}
