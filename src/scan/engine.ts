/**
 * Everything the scanner needs once it opens, behind one dynamic import (camera-scanner.ts, image-file
 * import) so none of it is in the first bundle. zxing itself is not even here: it lives in the worker's
 * chunk, fetched when the first frame is decoded.
 *
 * One decoder chain (and so one worker) per page, shared by the camera and the image import and ended
 * when its last user lets go.
 */
import { createDecoderChain, type DecoderChain, loadNativeDetector } from './decoder-chain';
import { openWorkerBridge } from './worker-bridge';

export { startFrameLoop } from './frame-loop';
export { decodeImage } from './image-decode';

export interface DecoderLease {
  readonly chain: DecoderChain;
  release(): void;
}

let shared: { chain: Promise<DecoderChain>; close(): void; users: number } | undefined;

export async function acquireDecoder(): Promise<DecoderLease> {
  if (!shared) {
    const bridge = openWorkerBridge();
    // Where the native detector is used the worker is still wanted as its guard and for inverted tries.
    bridge.warm();
    shared = {
      chain: loadNativeDetector().then((native) =>
        createDecoderChain({
          native,
          fallback: (frame, polarity) => bridge.decode(frame, polarity),
          onSwitch: (reason, detail) => console.warn(`scanner: native detector dropped (${reason})`, detail ?? ''),
        }),
      ),
      close: () => bridge.close(),
      users: 0,
    };
  }
  const mine = shared;
  mine.users++;
  const chain = await mine.chain;
  let released = false;
  return {
    chain,
    release() {
      if (released) return;
      released = true;
      if (--mine.users === 0 && shared === mine) {
        shared = undefined;
        mine.close();
      }
    },
  };
}
