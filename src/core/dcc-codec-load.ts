/**
 * Loads the EU DCC code (held-dcc.ts and dcc/) and the SMART Health Card code (held-shc.ts and shc/) on demand: a chunk of its own in the app's build, fetched
 * only when a DCC is imported, read back from the store or verified. Apart from dcc-codec.ts so that the
 * light module and held-dcc.ts (which installs itself there) import each other one way only.
 */
import { type DccCodec, installedDccCodec, installedShcCodec, type ShcCodec } from './dcc-codec';
import { isDccText, isShcText } from './held-certificate';

let loading: Promise<DccCodec> | undefined;
let loadingShc: Promise<ShcCodec> | undefined;

export function loadDccCodec(): Promise<DccCodec> {
  const ready = installedDccCodec();
  if (ready) return Promise.resolve(ready);
  loading ??= import('./held-dcc').then((m) => m.dccCodec);
  return loading;
}

/** The SMART Health Card codec (held-shc.ts and shc/), a chunk of its own like the DCC's. */
export function loadShcCodec(): Promise<ShcCodec> {
  const ready = installedShcCodec();
  if (ready) return Promise.resolve(ready);
  loadingShc ??= import('./held-shc').then((m) => m.shcCodec);
  return loadingShc;
}

/**
 * Loads the codec of each foreign format among `codes` (texts, or records with a `code`): `HC1:` the DCC's,
 * `shc:/` the card's; nothing for Singgah certificates.
 */
export async function loadCodecsFor(codes: readonly unknown[]): Promise<void> {
  const texts = codes.flatMap((x) =>
    typeof x === 'string'
      ? [x]
      : typeof x === 'object' && x !== null && typeof (x as { code?: unknown }).code === 'string'
        ? [(x as { code: string }).code]
        : [],
  );
  await Promise.all([
    texts.some(isDccText) ? loadDccCodec() : undefined,
    texts.some(isShcText) ? loadShcCodec() : undefined,
  ]);
}
