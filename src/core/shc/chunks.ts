/**
 * Reassembling a chunked card from several scans, in any order (the spec asks consumers to allow that). Pure:
 * each scan gives a new state; the caller keeps it between scans. A chunk of another card size, a second
 * different chunk for the same index or an invalid chunk is refused and the state is left as it was.
 */
import { err, ok, type Result } from '../errors';
import { parseShcChunk, SHC_PREFIX, toShcDigits } from './numeric';

export interface ShcChunkSet {
  readonly total: number;
  /** JWS pieces by index − 1; undefined = not scanned yet. */
  readonly parts: readonly (string | undefined)[];
}

export type ShcAssembly =
  /** `texts`: the card's QR texts in part order (each chunk as its issuer wrote it: digits are one-to-one). */
  | { readonly kind: 'complete'; readonly jws: string; readonly texts: readonly string[] }
  | { readonly kind: 'partial'; readonly set: ShcChunkSet; readonly missing: readonly number[] };

const missingOf = (set: ShcChunkSet) => set.parts.flatMap((p, i) => (p === undefined ? [i + 1] : []));

/**
 * Add one scanned `shc:/` text to `set` (undefined = nothing scanned yet). A single-QR card completes at once;
 * a chunk gives "partial" with the indexes still missing (for "scan part 2 of 3") until the last one arrives.
 * Scanning the same chunk again is harmless (a camera sees it many times).
 */
export function addShcChunk(set: ShcChunkSet | undefined, text: string): Result<ShcAssembly> {
  const chunk = parseShcChunk(text);
  if (!chunk.ok) return chunk;
  const { index, total, jws } = chunk.value;
  if (total === 1) return ok({ kind: 'complete', jws, texts: [text] });
  if (set && set.total !== total) return err('SHC_CHUNK_INVALID', `part of a ${total}-part card, not ${set.total}`);
  const parts = set ? [...set.parts] : new Array<string | undefined>(total).fill(undefined);
  const seen = parts[index - 1];
  if (seen !== undefined && seen !== jws) return err('SHC_CHUNK_INVALID', `two different parts ${index}`);
  parts[index - 1] = jws;
  const next: ShcChunkSet = { total, parts };
  const missing = missingOf(next);
  if (missing.length > 0) return ok({ kind: 'partial', set: next, missing });
  const texts = parts.map((p, i) => `${SHC_PREFIX}${i + 1}/${total}/${toShcDigits(p as string)}`);
  return ok({ kind: 'complete', jws: parts.join(''), texts });
}

/** Every chunk of one card at once (a pasted or stored card): the JWS, or why not. */
export function assembleShcTexts(texts: readonly string[]): Result<string> {
  let set: ShcChunkSet | undefined;
  for (const text of texts) {
    const r = addShcChunk(set, text);
    if (!r.ok) return r;
    if (r.value.kind === 'complete') {
      if (texts.length !== (set?.total ?? 1)) return err('SHC_CHUNK_INVALID', 'more texts than the card has parts');
      return ok(r.value.jws);
    }
    set = r.value.set;
  }
  return err('SHC_CHUNK_MISSING', set ? `missing part(s) ${missingOf(set).join(', ')} of ${set.total}` : 'no text');
}
