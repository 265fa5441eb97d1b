/**
 * The decoder chain: the platform's `BarcodeDetector` where it exists and reports `qr_code` (fast, native,
 * no download), with zxing in a worker as the fallback. Native detectors have shipped broken (qr-scanner
 * disables it on some platforms; Chrome on macOS returned nothing for years), so the chain guards it: a
 * detector that throws is dropped at once, and while it keeps finding nothing, every `crossCheckEvery`-th
 * empty frame is also given to the fallback — if the fallback reads a code the native one missed
 * `missesBeforeSwitch` times, the chain switches to the fallback for good. No DOM here (testable in Node).
 */
import type { PixelFrame, Polarity } from './zxing-decode';

/** Decodes one frame; `null` = no QR code in it. */
export type FrameDecoder = (frame: PixelFrame, polarity: Polarity) => Promise<string | null>;

export interface NativeDetector {
  /** Never inverts: the inverted tries always go to the fallback. */
  detect(frame: PixelFrame): Promise<string | null>;
}

export type Engine = 'native' | 'fallback';
export type SwitchReason = 'threw' | 'blind';

export interface DecoderChainOptions {
  readonly native?: NativeDetector;
  readonly fallback: FrameDecoder;
  /** Every n-th consecutive empty native result, the fallback also tries the frame. Default 5. */
  readonly crossCheckEvery?: number;
  /** Fallback successes on frames the native detector called empty before it is dropped. Default 2. */
  readonly missesBeforeSwitch?: number;
  /** Told once when the chain drops the native detector (diagnostics, tests). */
  readonly onSwitch?: (reason: SwitchReason, detail?: string) => void;
}

export interface DecoderChain {
  /** The frame's buffer may be transferred to a worker: do not reuse `frame.data` afterwards. */
  decode(frame: PixelFrame, polarity: Polarity): Promise<string | null>;
  engine(): Engine;
}

export function createDecoderChain(options: DecoderChainOptions): DecoderChain {
  const { fallback } = options;
  const crossCheckEvery = options.crossCheckEvery ?? 5;
  const missesBeforeSwitch = options.missesBeforeSwitch ?? 2;
  let native = options.native;
  let empties = 0;
  let misses = 0;

  const drop = (reason: SwitchReason, detail?: string) => {
    if (!native) return;
    native = undefined;
    options.onSwitch?.(reason, detail);
  };

  return {
    engine: () => (native ? 'native' : 'fallback'),
    async decode(frame, polarity) {
      const detector = native;
      if (!detector || polarity === 'inverted') return fallback(frame, polarity);
      let text: string | null;
      try {
        text = await detector.detect(frame);
      } catch (e) {
        drop('threw', e instanceof Error ? e.message : String(e));
        return fallback(frame, polarity);
      }
      if (text !== null) {
        empties = 0;
        return text;
      }
      // As-is was the detector's; the inverted half of `either` is the fallback's.
      if (polarity === 'either') return fallback(frame, 'inverted');
      empties++;
      if (empties % crossCheckEvery !== 0) return null;
      const second = await fallback(frame, 'normal');
      if (second !== null && ++misses >= missesBeforeSwitch) drop('blind');
      return second;
    },
  };
}

/** The structural type of the platform's BarcodeDetector class (absent from TypeScript's DOM library). */
export interface BarcodeDetectorClass {
  new (options: { formats: string[] }): { detect(source: never): Promise<readonly { rawValue: string }[]> };
  getSupportedFormats(): Promise<string[]>;
}

/**
 * The native detector if the platform has one that reports `qr_code`, else undefined. `ctor` is the
 * BarcodeDetector class (the global one by default; tests pass a stub).
 */
export async function loadNativeDetector(
  ctor: BarcodeDetectorClass | undefined = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector,
): Promise<NativeDetector | undefined> {
  if (typeof ctor !== 'function') return undefined;
  try {
    const formats = await ctor.getSupportedFormats();
    if (!formats.includes('qr_code')) return undefined;
    const detector = new ctor({ formats: ['qr_code'] });
    return {
      async detect(frame) {
        // In the page a frame is an ImageData, which detect() accepts as an ImageBitmapSource.
        const found = await detector.detect(frame as never);
        return found.length > 0 ? found[0].rawValue : null;
      },
    };
  } catch {
    return undefined;
  }
}
