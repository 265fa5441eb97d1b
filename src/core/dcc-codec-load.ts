/**
 * Loads the EU DCC code (held-dcc.ts and dcc/) on demand: a chunk of its own in the app's build, fetched
 * only when a DCC is imported, read back from the store or verified. Apart from dcc-codec.ts so that the
 * light module and held-dcc.ts (which installs itself there) import each other one way only.
 */
import { type DccCodec, installedDccCodec } from './dcc-codec';
import { isDccText } from './held-certificate';

let loading: Promise<DccCodec> | undefined;

export function loadDccCodec(): Promise<DccCodec> {
  const ready = installedDccCodec();
  if (ready) return Promise.resolve(ready);
  loading ??= import('./held-dcc').then((m) => m.dccCodec);
  return loading;
}

/** Loads the codec when any of `codes` (texts, or records with a `code`) is an `HC1:` text; else nothing. */
export async function loadDccCodecFor(codes: readonly unknown[]): Promise<void> {
  const isDcc = (x: unknown) =>
    typeof x === 'string'
      ? isDccText(x)
      : typeof x === 'object' && x !== null && typeof (x as { code?: unknown }).code === 'string'
        ? isDccText((x as { code: string }).code)
        : false;
  if (codes.some(isDcc)) await loadDccCodec();
}
