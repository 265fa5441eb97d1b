/**
 * The decode worker: zxing off the main thread, so a 15–40 ms decode never makes the camera preview or the
 * UI stutter. A same-origin module worker built by Vite (`new URL('./decode-worker.ts', import.meta.url)`),
 * precached by the service worker like every other chunk, and allowed by the CSP's `worker-src 'self'`
 * (qr-scanner's blob: worker would need `worker-src blob:`).
 */
import type { DecodeRequest, DecodeResponse } from './worker-protocol';
import { decodeFrame } from './zxing-decode';

/** The part of DedicatedWorkerGlobalScope used here (this file is type-checked with the DOM library). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<DecodeRequest>) => void) | null;
  postMessage(message: DecodeResponse): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = ({ data: req }) => {
  let res: DecodeResponse;
  try {
    const frame = { data: new Uint8ClampedArray(req.pixels), width: req.width, height: req.height };
    res = { id: req.id, ok: true, text: decodeFrame(frame, req.polarity) };
  } catch (e) {
    res = { id: req.id, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  scope.postMessage(res);
};
