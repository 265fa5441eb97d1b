/**
 * The page's one bridge to the decode worker: a typed request/response RPC. The worker is started by `warm()`
 * or the first decode (so opening the scanner pays for it, not the first load) and ended by `close()`.
 */
import type { DecodeRequest, DecodeResponse } from './worker-protocol';
import type { PixelFrame, Polarity } from './zxing-decode';

export interface WorkerBridge {
  /** Decode a frame in the worker. The frame's buffer is transferred: do not use `frame.data` afterwards. */
  decode(frame: PixelFrame, polarity: Polarity): Promise<string | null>;
  /** Start the worker now (its chunk downloads and compiles while the camera opens). */
  warm(): void;
  close(): void;
}

type Pending = { resolve: (text: string | null) => void; reject: (e: Error) => void };

export function openWorkerBridge(
  spawn: () => Worker = () => new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' }),
): WorkerBridge {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };

  const ensure = (): Worker => {
    if (worker) return worker;
    const w = spawn();
    w.onmessage = ({ data }: MessageEvent<DecodeResponse>) => {
      const p = pending.get(data.id);
      if (!p) return;
      pending.delete(data.id);
      if (data.ok) p.resolve(data.text);
      else p.reject(new Error(data.error));
    };
    // A worker that fails to load (e.g. its chunk missing) fails every call instead of hanging it.
    w.onerror = (e) => {
      e.preventDefault();
      failAll(new Error(`decode worker failed: ${e.message || 'load error'}`));
      w.terminate();
      if (worker === w) worker = undefined;
    };
    worker = w;
    return w;
  };

  return {
    decode(frame, polarity) {
      const w = ensure();
      const id = nextId++;
      // A view on part of a larger buffer would transfer (and detach) more than this frame.
      const whole = frame.data.byteOffset === 0 && frame.data.byteLength === frame.data.buffer.byteLength;
      const pixels = (whole ? frame.data.buffer : frame.data.slice().buffer) as ArrayBuffer;
      const req: DecodeRequest = { id, width: frame.width, height: frame.height, pixels, polarity };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage(req, [pixels]);
      });
    },
    warm() {
      ensure();
    },
    close() {
      failAll(new Error('decode worker closed'));
      worker?.terminate();
      worker = undefined;
    },
  };
}
