/**
 * The camera QR scanner. The decoder (@zxing/browser, ~400 KB) is imported only when a scanner starts, so
 * it is a separate chunk that never weighs on the first load (it is still precached for offline use).
 *
 * Battery and privacy: the camera runs only while the scan screen is mounted AND the tab is visible;
 * stopping stops the decode loop and every track of the stream (the camera light goes off).
 */

export type CameraErrorCode = 'CAMERA_DENIED' | 'CAMERA_UNAVAILABLE';

export interface ScannerHandlers {
  /** Decoded text (already debounced: the same text is not reported again within `debounceMs`). */
  readonly onText: (text: string) => void;
  readonly onError: (code: CameraErrorCode, detail?: string) => void;
  /** The camera is live (true) or released (false). */
  readonly onRunning?: (running: boolean) => void;
}

export interface ScannerOptions {
  readonly debounceMs?: number;
  /** Pause between decode attempts (zxing decodes on the main thread: ≤ 10 per second). */
  readonly attemptIntervalMs?: number;
}

interface Controls {
  stop(): void | Promise<void>;
}

export const DEBOUNCE_MS = 2_500;

/** Map getUserMedia failures to what the user can act on. */
export function cameraErrorCode(e: unknown): CameraErrorCode {
  const name = e && typeof e === 'object' && 'name' in e ? String(e.name) : '';
  return name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError'
    ? 'CAMERA_DENIED'
    : 'CAMERA_UNAVAILABLE';
}

/** Drops a repeat of the same text within `ms` (NZ COVID Tracer: 2.5 s). */
export function debouncer(ms: number, now: () => number = () => Date.now()) {
  let lastText: string | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  return (text: string): boolean => {
    const t = now();
    const repeat = text === lastText && t - lastAt < ms;
    lastText = text;
    lastAt = t;
    return !repeat;
  };
}

function stopTracks(video: HTMLVideoElement) {
  const stream = video.srcObject;
  if (stream && typeof (stream as MediaStream).getTracks === 'function') {
    for (const track of (stream as MediaStream).getTracks()) track.stop();
  }
  video.srcObject = null;
}

/**
 * Attach a scanner to a <video>. It starts now (if the tab is visible), pauses while the tab is hidden and
 * resumes when it is visible again. The returned function releases everything; call it on unmount.
 */
export function attachScanner(
  video: HTMLVideoElement,
  handlers: ScannerHandlers,
  options: ScannerOptions = {},
): () => void {
  const accept = debouncer(options.debounceMs ?? DEBOUNCE_MS);
  let controls: Controls | undefined;
  // Bumped by every stop: a start that resolves after a stop releases what it opened at once.
  let generation = 0;
  let detached = false;

  const stop = () => {
    generation++;
    const c = controls;
    controls = undefined;
    try {
      void c?.stop();
    } catch {
      // the loop may already be over
    }
    stopTracks(video);
    handlers.onRunning?.(false);
  };

  const start = async () => {
    if (controls || detached) return;
    const mine = ++generation;
    if (!navigator.mediaDevices?.getUserMedia) {
      handlers.onError('CAMERA_UNAVAILABLE', 'no mediaDevices (needs https or localhost)');
      return;
    }
    try {
      const { BrowserQRCodeReader } = await import('./zxing');
      if (mine !== generation) return;
      const interval = options.attemptIntervalMs ?? 120;
      const reader = new BrowserQRCodeReader(undefined, {
        delayBetweenScanAttempts: interval,
        delayBetweenScanSuccess: interval,
      });
      const c = await reader.decodeFromConstraints(
        { audio: false, video: { facingMode: { ideal: 'environment' } } },
        video,
        (result) => {
          if (!result || mine !== generation) return;
          const text = result.getText();
          if (accept(text)) handlers.onText(text);
        },
      );
      if (mine !== generation) {
        void c.stop();
        stopTracks(video);
        return;
      }
      controls = c;
      handlers.onRunning?.(true);
    } catch (e) {
      if (mine !== generation) return;
      stopTracks(video);
      handlers.onError(cameraErrorCode(e), e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
  };

  const onVisibility = () => {
    if (document.visibilityState === 'hidden') stop();
    else void start();
  };
  document.addEventListener('visibilitychange', onVisibility);
  if (document.visibilityState !== 'hidden') void start();

  return () => {
    detached = true;
    document.removeEventListener('visibilitychange', onVisibility);
    stop();
  };
}
