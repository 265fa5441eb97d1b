/**
 * Raw DEFLATE (RFC 1951, no zlib or gzip wrapper, as the spec requires) with a hard output cap, fed in slices
 * like the DCC's zlib inflate so a bomb stops after one slice's worth of output. A stream must end exactly at
 * the last byte: bytes after its final block are refused (SHC_TRAILING_DATA) — they would be signed bytes the
 * payload does not account for.
 */
import { Inflate } from 'fflate';
import { concatBytes } from '../bytes';

/** SHC payloads are 1–4 KB minified; the spec's largest QR set holds under 12 KB compressed. 64 KiB is ample. */
export const MAX_SHC_INFLATED = 64 * 1024;
const SLICE = 256;

export type RawInflated =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | {
      readonly ok: false;
      readonly code: 'INFLATE_FAILED' | 'INFLATE_TOO_LARGE' | 'SHC_TRAILING_DATA';
      readonly detail: string;
    };

type Run =
  | { kind: 'ended'; bytes: Uint8Array }
  | { kind: 'open' }
  | { kind: 'large' }
  | { kind: 'error'; detail: string };

function run(bytes: Uint8Array, cap: number): Run {
  const parts: Uint8Array[] = [];
  let total = 0;
  let tooLarge = false;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > cap) tooLarge = true;
    else parts.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let i = 0; i < bytes.length && !tooLarge; i += SLICE) {
      const end = Math.min(i + SLICE, bytes.length);
      inflater.push(bytes.subarray(i, end), end === bytes.length);
    }
  } catch (error) {
    return { kind: 'error', detail: error instanceof Error ? error.message : 'inflate' };
  }
  if (tooLarge) return { kind: 'large' };
  return ended ? { kind: 'ended', bytes: concatBytes(...parts) } : { kind: 'open' };
}

export function inflateRawCapped(bytes: Uint8Array, cap = MAX_SHC_INFLATED): RawInflated {
  if (bytes.length === 0) return { ok: false, code: 'INFLATE_FAILED', detail: 'empty' };
  const whole = run(bytes, cap);
  if (whole.kind === 'large') return { ok: false, code: 'INFLATE_TOO_LARGE', detail: `more than ${cap} bytes` };
  if (whole.kind !== 'ended')
    return { ok: false, code: 'INFLATE_FAILED', detail: whole.kind === 'error' ? whole.detail : 'stream not finished' };
  // The final block's end-of-block code always reaches into the last byte of a stream without trailing data
  // (padding only fills the rest of that byte), so the stream without its last byte can end only when
  // something followed it.
  const shorter = run(bytes.subarray(0, bytes.length - 1), cap);
  if (shorter.kind === 'ended') return { ok: false, code: 'SHC_TRAILING_DATA', detail: 'bytes after the final block' };
  return { ok: true, bytes: whole.bytes };
}
