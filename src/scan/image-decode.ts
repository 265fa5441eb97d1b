/**
 * Decoding a picture (a photo of a poster, a screenshot): the same decoder chain as the camera, over a few
 * views of the image, first hit wins. A phone photo is 12 MP: it is never decoded at full size (slow, and
 * zxing's binarizer does worse on huge, noisy images), but at ≤ 1024 px, then its centre, then smaller and
 * larger versions, then inverted, then the centre enlarged up to 2× (a small code far from the camera; what that
 * view gains, measured: docs/DECISIONS.md).
 */
import { createGrabber, type Decode, grab } from './frame-loop';

interface View {
  /** Part of the image: 1 = all of it, else a centred square of this share of the short side. */
  readonly crop: number;
  /** Longest side of the decoded pixels. */
  readonly max: number;
  readonly invert: boolean;
  /** Enlarge up to this factor to reach `max` (a small code gets more pixels per module). Default 1. */
  readonly upTo?: number;
}

const VIEWS: readonly View[] = [
  { crop: 1, max: 1024, invert: false },
  { crop: 2 / 3, max: 1024, invert: false },
  { crop: 1, max: 640, invert: false },
  { crop: 1, max: 1600, invert: false },
  { crop: 1, max: 1024, invert: true },
  { crop: 1 / 2, max: 800, invert: false, upTo: 2 },
];

export async function decodeImage(
  image: CanvasImageSource & { readonly width: number; readonly height: number },
  decode: Decode,
): Promise<string | null> {
  const g = createGrabber('high');
  const { width, height } = image;
  const tried = new Set<string>();
  for (const view of VIEWS) {
    const size = view.crop === 1 ? 0 : Math.round(Math.min(width, height) * view.crop);
    const [sx, sy, sw, sh] =
      view.crop === 1 ? [0, 0, width, height] : [(width - size) / 2, (height - size) / 2, size, size];
    const scale = Math.min(view.upTo ?? 1, view.max / Math.max(sw, sh));
    // A small image is the same at every `max`: decode each distinct view once.
    const key = `${sx},${sy},${sw},${sh},${Math.round(sw * scale)},${view.invert}`;
    if (tried.has(key)) continue;
    tried.add(key);
    const frame = grab(g, image, sx, sy, sw, sh, view.max, view.upTo);
    const text = await decode(frame, view.invert ? 'inverted' : 'normal');
    if (text !== null) return text;
  }
  return null;
}
