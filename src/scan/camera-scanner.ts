/**
 * The camera QR scanner: camera (camera.ts) + frame pipeline (frame-loop.ts) + decoder chain
 * (decoder-chain.ts: native BarcodeDetector, else zxing in a worker). The decoding code is imported only
 * when a scanner starts (engine.ts), so it never weighs on the first load; it is precached for offline use.
 *
 * Battery and privacy: the camera runs only while the scan screen is mounted AND the page is visible;
 * stopping stops the frame loop and every track of the stream (the camera light goes off). It restarts
 * when the page is shown again.
 */
import {
  type CameraErrorCode,
  cameraErrorCode,
  deviceOf,
  hasTorch,
  listCameras,
  openCamera,
  releaseCamera,
  setTorch,
} from './camera';
import type { Engine } from './decoder-chain';
import type { FrameLoopOptions } from './frame-loop';

export type { CameraErrorCode };
export { cameraErrorCode };

/** Every code the scanner reports; each has a message in src/ui/i18n. */
export type ScanErrorCode = CameraErrorCode | 'SCAN_DECODER_FAILED' | 'IMAGE_NO_QR' | 'IMAGE_UNREADABLE';

export interface ScannerState {
  readonly running: boolean;
  /** Video inputs seen: a "switch camera" button makes sense from 2. */
  readonly cameras: number;
  readonly torch: boolean;
  readonly torchOn: boolean;
  readonly engine?: Engine;
}

export interface ScannerHandlers {
  /** Decoded text (already debounced: the same text is not reported again within `debounceMs`). */
  readonly onText: (text: string) => void;
  readonly onError: (code: ScanErrorCode, detail?: string) => void;
  readonly onState?: (state: ScannerState) => void;
}

export interface ScannerOptions {
  readonly debounceMs?: number;
  readonly loop?: FrameLoopOptions;
}

export interface ScannerControls {
  /** Release everything (camera, frame loop, decoder). Call on unmount. */
  detach(): void;
  /** Next camera in the list (front ↔ rear on a phone). */
  switchCamera(): Promise<void>;
  toggleTorch(): Promise<void>;
}

export const DEBOUNCE_MS = 2_500;

/** Drops a repeat of the same text within `ms` (NZ COVID Tracer: 2.5 s). */
export function debouncer(ms: number, now: () => number = () => Date.now()) {
  let lastText: string | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  return (text: string): boolean => {
    const t = now();
    if (text === lastText && t - lastAt < ms) return false;
    // Only an accepted text restarts the window: a code held in front of the camera is reported again every
    // `ms`, so a report that got lost (a failed navigation) is retried instead of never coming back.
    lastText = text;
    lastAt = t;
    return true;
  };
}

/**
 * Attach a scanner to a <video>. It starts now (if the page is visible), stops while the page is hidden
 * (tab switch, phone locked, page frozen into the back/forward cache) and starts again when it is visible.
 */
export function attachScanner(
  video: HTMLVideoElement,
  handlers: ScannerHandlers,
  options: ScannerOptions = {},
): ScannerControls {
  const accept = debouncer(options.debounceMs ?? DEBOUNCE_MS);
  type EngineModule = typeof import('./engine');
  let engine: Promise<{ mod: EngineModule; lease: Awaited<ReturnType<EngineModule['acquireDecoder']>> }> | undefined;
  let stream: MediaStream | undefined;
  let stopLoop: (() => void) | undefined;
  let deviceId: string | undefined;
  let cameras = 0;
  let torchOn = false;
  // Bumped by every stop: a start that resolves after a stop releases what it opened at once.
  let generation = 0;
  let detached = false;
  let failed = false;

  let engineInUse: Engine | undefined;

  const report = () =>
    handlers.onState?.({
      running: stream !== undefined,
      cameras,
      torch: stream !== undefined && hasTorch(stream),
      torchOn,
      engine: engineInUse,
    });

  const stop = () => {
    generation++;
    stopLoop?.();
    stopLoop = undefined;
    releaseCamera(stream, video);
    stream = undefined;
    torchOn = false;
    report();
  };

  const loadEngine = () => {
    engine ??= import('./engine').then(async (mod) => ({ mod, lease: await mod.acquireDecoder() }));
    return engine;
  };

  const onDecoded = (text: string) => {
    if (accept(text)) handlers.onText(text);
  };
  const onFailure = (e: unknown) => {
    // A decoder that fails (worker chunk missing, out of memory) fails every frame: report it once.
    if (failed) return;
    failed = true;
    stop();
    handlers.onError('SCAN_DECODER_FAILED', e instanceof Error ? e.message : String(e));
  };

  const start = async () => {
    if (stream || detached || failed || document.visibilityState === 'hidden') return;
    const mine = ++generation;
    if (!navigator.mediaDevices?.getUserMedia) {
      handlers.onError('CAMERA_UNAVAILABLE', 'no mediaDevices (needs https or localhost)');
      return;
    }
    try {
      // The decoder loads while the camera opens: neither waits for the other.
      const [opened, { mod, lease }] = await Promise.all([openCamera(deviceId), loadEngine()]);
      if (mine !== generation) {
        releaseCamera(opened);
        return;
      }
      stream = opened;
      deviceId = deviceOf(opened) ?? deviceId;
      video.srcObject = opened;
      await video.play().catch(() => {
        // autoplay of a muted inline video is allowed; an interrupted play() is retried by the autoplay attribute
      });
      if (mine !== generation) return;
      stopLoop = mod.startFrameLoop(video, lease.chain.decode, onDecoded, onFailure, options.loop);
      engineInUse = lease.chain.engine();
      // "Running" as soon as frames are being decoded; the camera count (for the switch button) follows.
      report();
      cameras = (await listCameras()).length;
      if (mine === generation) report();
    } catch (e) {
      if (mine !== generation) return;
      stop();
      handlers.onError(cameraErrorCode(e), e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') stop();
    else void start();
  };
  const onPageHide = () => stop();
  const onPageShow = () => void start();
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);
  void start();

  return {
    detach() {
      detached = true;
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
      stop();
      void engine?.then(({ lease }) => lease.release());
    },
    async switchCamera() {
      const list = await listCameras();
      if (list.length < 2) return;
      const at = list.findIndex((d) => d.deviceId === deviceId);
      deviceId = list[(at + 1) % list.length].deviceId;
      stop();
      await start();
    },
    async toggleTorch() {
      if (!stream || !hasTorch(stream)) return;
      await setTorch(stream, !torchOn);
      torchOn = !torchOn;
      report();
    },
  };
}
