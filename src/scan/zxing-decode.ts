/**
 * The fallback QR decoder: @zxing/library's core `QRCodeReader` on a luminance buffer. No DOM, so it runs in
 * the decode worker (decode-worker.ts), in Node (unit tests, the decode-set benchmark) and anywhere else.
 * `@zxing/browser` is not used: it needs a document (video elements, canvases) and cannot live in a worker.
 */
// Deep imports: the package's index pulls in every format's reader and writer (~450 KB); QR alone is a
// fraction of that, and this is what the worker downloads before the first decode.
import BinaryBitmap from '@zxing/library/esm/core/BinaryBitmap';
import ChecksumException from '@zxing/library/esm/core/ChecksumException';
import type BitMatrix from '@zxing/library/esm/core/common/BitMatrix';
import HybridBinarizer from '@zxing/library/esm/core/common/HybridBinarizer';
import DecodeHintType from '@zxing/library/esm/core/DecodeHintType';
import FormatException from '@zxing/library/esm/core/FormatException';
import IllegalArgumentException from '@zxing/library/esm/core/IllegalArgumentException';
import NotFoundException from '@zxing/library/esm/core/NotFoundException';
import Decoder from '@zxing/library/esm/core/qrcode/decoder/Decoder';
import Detector from '@zxing/library/esm/core/qrcode/detector/Detector';
import type FinderPattern from '@zxing/library/esm/core/qrcode/detector/FinderPattern';
import FinderPatternFinder from '@zxing/library/esm/core/qrcode/detector/FinderPatternFinder';
import FinderPatternInfo from '@zxing/library/esm/core/qrcode/detector/FinderPatternInfo';
import ResultPoint from '@zxing/library/esm/core/ResultPoint';
import RGBLuminanceSource from '@zxing/library/esm/core/RGBLuminanceSource';
import { rankFinderTriples, SQUARE_ENOUGH } from './finder-triangles';

export interface PixelFrame {
  /** RGBA, 4 bytes per pixel, row-major (what `getImageData` returns). */
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** Below this spread between the darkest and the lightest 1 % of pixels, the luminance is stretched. */
const STRETCH_BELOW = 160;

/**
 * RGBA → 8-bit luminance with integer weights (ITU-R BT.601, like zxing's own RGB source), optionally
 * inverted so light-on-dark codes decode. A low-contrast picture (a faded poster, a dim room) is stretched to
 * the full range between its 1st and 99th percentiles: zxing's binarizer gives up on blocks whose spread is
 * small, and a grey-on-grey code that fails as is decodes once stretched.
 */
export function rgbaToLuminance(frame: PixelFrame, invert: boolean): Uint8ClampedArray {
  const { data, width, height } = frame;
  const n = width * height;
  if (data.length < n * 4) throw new RangeError(`pixel buffer too short for ${width}x${height}`);
  const out = new Uint8ClampedArray(n);
  const histogram = new Uint32Array(256);
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    const y = (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;
    out[i] = y;
    histogram[y]++;
  }
  const cut = Math.floor(n / 100);
  let lo = 0;
  for (let seen = 0; lo < 255 && seen + histogram[lo] <= cut; lo++) seen += histogram[lo];
  let hi = 255;
  for (let seen = 0; hi > 0 && seen + histogram[hi] <= cut; hi--) seen += histogram[hi];
  const spread = hi - lo;
  // A flat picture (spread ≤ 8) has nothing to stretch: that would only amplify noise.
  const stretch = spread > 8 && spread < STRETCH_BELOW;
  if (!stretch && !invert) return out;
  const map = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v++) {
    const s = stretch ? ((v - lo) * 255) / spread : v;
    map[v] = invert ? 255 - s : s;
  }
  for (let i = 0; i < n; i++) out[i] = map[out[i]];
  return out;
}

// TRY_HARDER makes zxing's finder-pattern search look at every row instead of skipping, which is what
// finds small and rotated codes; at ≤ 400 px per side it costs a few milliseconds.
const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true]]);

/** Corner triples by shape one decode tries, best first: the second is needed when a false candidate ranks first. */
const TRIPLES_TRIED = 3;
/** A noisy frame can yield dozens of candidates; the most often confirmed are kept (triples grow as n³). */
const MAX_CANDIDATES = 24;
/** zxing's count of sightings that confirms a finder pattern candidate. */
const CENTER_QUORUM = 2;

/** zxing's finder-pattern search, choosing corners by shape (finder-triangles.ts) and keeping the runners-up. */
class CornerFinder extends FinderPatternFinder {
  triples: FinderPattern[][] = [];
  /** Whether the search ended at a square triple before the last row (see haveMultiplyConfirmedCenters). */
  stoppedEarly = false;

  constructor(
    image: BitMatrix,
    readonly mayStopEarly: boolean,
  ) {
    // zxing reports each candidate to this callback (for drawing them); nothing listens here.
    super(image, { foundPossibleResultPoint: () => {} });
  }

  /** The candidates seen at least `minCount` times, most often seen first (a copy: zxing's list stays). */
  mostSeen(minCount: number): FinderPattern[] {
    return this.getPossibleCenters()
      .filter((p) => p.getCount() >= minCount)
      .sort((p, q) => q.getCount() - p.getCount());
  }

  rank(minCount: number, limit: number) {
    const candidates = this.mostSeen(minCount)
      .slice(0, MAX_CANDIDATES)
      .map((pattern) => ({
        x: pattern.getX(),
        y: pattern.getY(),
        moduleSize: pattern.getEstimatedModuleSize(),
        pattern,
      }));
    return rankFinderTriples(candidates, limit);
  }
}
// zxing-js declares these two private, so TypeScript allows no override in the class body; `find` calls them
// through `this`, so methods on the subclass's prototype take their place.
Object.defineProperties(CornerFinder.prototype, {
  // zxing stops scanning once three candidates are confirmed twice: on a sharp render a false one is often
  // among the first three, and the scan stops before it reaches the bottom-left corner. Stop only at a square triple.
  haveMultiplyConfirmedCenters: {
    value(this: CornerFinder): boolean {
      if (!this.mayStopEarly) return false;
      const [best] = this.rank(CENTER_QUORUM, 1);
      this.stoppedEarly = best !== undefined && best.distortion <= SQUARE_ENOUGH;
      return this.stoppedEarly;
    },
  },
  selectBestPatterns: {
    value(this: CornerFinder): FinderPattern[] {
      this.triples = this.rank(1, TRIPLES_TRIED).map(({ triple }) => triple.map((c) => c.pattern));
      // A steeply tilted code is no right triangle at all; its corners are the most often seen candidates
      // (they are large), zxing's own measure, tried last.
      const seen = this.mostSeen(1).slice(0, 3);
      if (seen.length === 3 && !this.triples.some((t) => seen.every((p) => t.includes(p)))) this.triples.push(seen);
      if (this.triples.length === 0) throw new NotFoundException();
      return this.triples[0];
    },
  },
});

/** zxing's detector from given corners (its `processFinderPatternInfo` is protected). */
class CornerDetector extends Detector {
  detectFrom(triple: FinderPattern[]) {
    ResultPoint.orderBestPatterns(triple);
    return this.processFinderPatternInfo(new FinderPatternInfo(triple));
  }
}

const decoder = new Decoder();

/**
 * zxing's "nothing here" exceptions; anything else is a bug and is rethrown. IllegalArgumentException is one
 * too: corners that are not a code's can ask the grid sampler for an impossible transform.
 */
const isMiss = (e: unknown) =>
  e instanceof NotFoundException ||
  e instanceof ChecksumException ||
  e instanceof FormatException ||
  e instanceof IllegalArgumentException;

/**
 * Decode one QR code from a luminance buffer (width × height bytes). `null` when none is found. What zxing's
 * `QRCodeReader` does (binarise, find corners, sample the grid, decode), except that the corners are chosen by
 * shape and up to TRIPLES_TRIED sets, then zxing's own choice, are tried — and when none decodes after the
 * search stopped early, a search of every row.
 */
export function decodeLuminance(luminance: Uint8ClampedArray, width: number, height: number): string | null {
  // RGBLuminanceSource treats a buffer of exactly width*height bytes as luminance already.
  const source = new RGBLuminanceSource(luminance, width, height);
  let matrix: BitMatrix;
  try {
    matrix = new BinaryBitmap(new HybridBinarizer(source)).getBlackMatrix();
  } catch (e) {
    if (isMiss(e)) return null;
    throw e;
  }
  const first = decodeMatrix(matrix, true);
  // Two corners and a false candidate in the middle of a code can be square enough to stop the search, and the
  // third corner then lies below where it stopped (a pass code, version 15, 1 in 70): search every row once more.
  return first.text ?? (first.stoppedEarly ? decodeMatrix(matrix, false).text : null);
}

/** One search for corners over the whole matrix (or until a square triple) and a decode of its best triples. */
function decodeMatrix(matrix: BitMatrix, mayStopEarly: boolean): { text: string | null; stoppedEarly: boolean } {
  const finder = new CornerFinder(matrix, mayStopEarly);
  try {
    finder.find(hints);
    const detector = new CornerDetector(matrix);
    for (const triple of finder.triples) {
      try {
        return {
          text: decoder.decodeBitMatrix(detector.detectFrom(triple).getBits(), hints).getText(),
          stoppedEarly: false,
        };
      } catch (e) {
        if (!isMiss(e)) throw e;
      }
    }
  } catch (e) {
    if (!isMiss(e)) throw e;
  }
  return { text: null, stoppedEarly: finder.stoppedEarly };
}

/**
 * Which codes an attempt reads: dark-on-light, light-on-dark, or `either` — as-is first, then inverted — so an
 * attempt scheduled for light-on-dark codes still reads an ordinary one (the camera loop's inverted turns).
 */
export type Polarity = 'normal' | 'inverted' | 'either';

/** Decode an RGBA frame in the given polarity. */
export function decodeFrame(frame: PixelFrame, polarity: Polarity = 'normal'): string | null {
  if (polarity === 'either') return decodeFrame(frame, 'normal') ?? decodeFrame(frame, 'inverted');
  return decodeLuminance(rgbaToLuminance(frame, polarity === 'inverted'), frame.width, frame.height);
}
