/**
 * The decoder chain's native path with a stub BarcodeDetector class (Chromium on Linux has none, so the
 * browser tests never reach it): native first, fallback when the detector throws, and the switch to the
 * fallback when the native detector keeps seeing nothing in frames the fallback reads.
 */
import { describe, expect, it } from 'vitest';
import {
  type BarcodeDetectorClass,
  createDecoderChain,
  type FrameDecoder,
  loadNativeDetector,
  type SwitchReason,
} from '../../src/scan/decoder-chain';
import type { PixelFrame, Polarity } from '../../src/scan/zxing-decode';

const frame = (): PixelFrame => ({ data: new Uint8ClampedArray(4), width: 1, height: 1 });

/** A stub of the platform class: `behaviour` decides what each detect() call does. */
function stubDetector(formats: string[], behaviour: (call: number) => string | null | Error) {
  const log = { constructed: [] as string[][], calls: 0 };
  class Stub {
    constructor(options: { formats: string[] }) {
      log.constructed.push(options.formats);
    }
    static async getSupportedFormats() {
      return formats;
    }
    async detect(_source: unknown) {
      const out = behaviour(log.calls++);
      if (out instanceof Error) throw out;
      return out === null ? [] : [{ rawValue: out, format: 'qr_code' }];
    }
  }
  return { ctor: Stub as unknown as BarcodeDetectorClass, log };
}

/** A fallback that records its calls and answers `text` (or null). */
function recordingFallback(text: string | null) {
  const calls: Polarity[] = [];
  const decode: FrameDecoder = async (_frame, polarity) => {
    calls.push(polarity);
    return text;
  };
  return { decode, calls };
}

describe('loadNativeDetector', () => {
  it('uses the platform class only when it reports qr_code, asking for qr_code alone', async () => {
    const qr = stubDetector(['ean_13', 'qr_code'], () => 'X');
    const native = await loadNativeDetector(qr.ctor);
    expect(native).toBeDefined();
    expect(qr.log.constructed).toEqual([['qr_code']]);
    expect(await native?.detect(frame())).toBe('X');

    expect(await loadNativeDetector(stubDetector(['ean_13'], () => 'X').ctor)).toBeUndefined();
    expect(await loadNativeDetector(undefined)).toBeUndefined();
  });

  it('treats a class whose getSupportedFormats rejects as absent', async () => {
    const broken = Object.assign(function Broken() {}, {
      getSupportedFormats: () => Promise.reject(new Error('not supported')),
    }) as unknown as BarcodeDetectorClass;
    expect(await loadNativeDetector(broken)).toBeUndefined();
  });
});

describe('createDecoderChain', () => {
  it('decodes with the native detector and leaves the fallback alone while it reads codes', async () => {
    const native = await loadNativeDetector(stubDetector(['qr_code'], (n) => `code ${n}`).ctor);
    const fb = recordingFallback('from fallback');
    const chain = createDecoderChain({ native, fallback: fb.decode });
    expect(chain.engine()).toBe('native');
    for (let i = 0; i < 12; i++) expect(await chain.decode(frame(), 'normal')).toBe(`code ${i}`);
    expect(fb.calls).toEqual([]);
    expect(chain.engine()).toBe('native');
  });

  it('sends inverted attempts to the fallback (BarcodeDetector has no inversion option)', async () => {
    const stub = stubDetector(['qr_code'], () => 'native');
    const fb = recordingFallback('inverted');
    const chain = createDecoderChain({ native: await loadNativeDetector(stub.ctor), fallback: fb.decode });
    expect(await chain.decode(frame(), 'inverted')).toBe('inverted');
    expect(fb.calls).toEqual(['inverted']);
    expect(stub.log.calls).toBe(0);
    expect(chain.engine()).toBe('native');
  });

  it('`either`: the native detector reads as-is; only when it finds nothing does the fallback try inverted', async () => {
    let answer: string | null = 'native';
    const stub = stubDetector(['qr_code'], () => answer);
    const fb = recordingFallback('light on dark');
    const chain = createDecoderChain({ native: await loadNativeDetector(stub.ctor), fallback: fb.decode });
    expect(await chain.decode(frame(), 'either')).toBe('native');
    expect(fb.calls).toEqual([]);
    answer = null;
    expect(await chain.decode(frame(), 'either')).toBe('light on dark');
    expect(fb.calls).toEqual(['inverted']);
    expect(stub.log.calls).toBe(2);
    expect(chain.engine()).toBe('native');
  });

  it('falls back at once, and for good, when the native detector throws', async () => {
    const stub = stubDetector(['qr_code'], () => new DOMException('detector broke', 'NotSupportedError'));
    const fb = recordingFallback('from fallback');
    const switches: [SwitchReason, string | undefined][] = [];
    const chain = createDecoderChain({
      native: await loadNativeDetector(stub.ctor),
      fallback: fb.decode,
      onSwitch: (reason, detail) => switches.push([reason, detail]),
    });
    expect(await chain.decode(frame(), 'normal')).toBe('from fallback');
    expect(chain.engine()).toBe('fallback');
    expect(switches).toEqual([['threw', 'detector broke']]);
    expect(await chain.decode(frame(), 'normal')).toBe('from fallback');
    expect(await chain.decode(frame(), 'normal')).toBe('from fallback');
    // The broken detector was asked once, never again.
    expect(stub.log.calls).toBe(1);
    expect(fb.calls).toEqual(['normal', 'normal', 'normal']);
  });

  it('cross-checks every n-th empty native frame and switches after the fallback reads codes it missed', async () => {
    const stub = stubDetector(['qr_code'], () => null);
    const fb = recordingFallback('the venue');
    const switches: SwitchReason[] = [];
    const chain = createDecoderChain({
      native: await loadNativeDetector(stub.ctor),
      fallback: fb.decode,
      crossCheckEvery: 3,
      missesBeforeSwitch: 2,
      onSwitch: (reason) => switches.push(reason),
    });
    const results: (string | null)[] = [];
    for (let i = 0; i < 6; i++) results.push(await chain.decode(frame(), 'normal'));
    // Frames 3 and 6 were also given to the fallback, which read the code the native detector missed.
    expect(results).toEqual([null, null, 'the venue', null, null, 'the venue']);
    expect(switches).toEqual(['blind']);
    expect(chain.engine()).toBe('fallback');
    // From now on every frame goes to the fallback only.
    expect(await chain.decode(frame(), 'normal')).toBe('the venue');
    expect(stub.log.calls).toBe(6);
    expect(fb.calls.length).toBe(3);
  });

  it('keeps the native detector when it is empty because there is nothing to read', async () => {
    const stub = stubDetector(['qr_code'], () => null);
    const fb = recordingFallback(null);
    const chain = createDecoderChain({ native: await loadNativeDetector(stub.ctor), fallback: fb.decode });
    for (let i = 0; i < 50; i++) expect(await chain.decode(frame(), 'normal')).toBeNull();
    expect(chain.engine()).toBe('native');
    expect(fb.calls.length).toBe(10); // every 5th empty frame (the default)
  });

  it('forgives an occasional miss: the empty-frame count restarts when the native detector reads a code', async () => {
    // Native misses frames 0-3 and reads from frame 4 on: the cross-check at the 5th empty frame never comes.
    const stub = stubDetector(['qr_code'], (n) => (n % 5 === 4 ? 'native' : null));
    const fb = recordingFallback('fallback');
    const chain = createDecoderChain({ native: await loadNativeDetector(stub.ctor), fallback: fb.decode });
    for (let i = 0; i < 40; i++) await chain.decode(frame(), 'normal');
    expect(fb.calls).toEqual([]);
    expect(chain.engine()).toBe('native');
  });
});
