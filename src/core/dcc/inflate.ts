/**
 * zlib (RFC 1950) inflate with a hard output cap. fflate's streaming inflater is fed small slices and
 * the running output is counted after each, so a zip bomb (deflate expands up to ~1032:1) is refused
 * after at most one slice's worth of output — never after allocating what the bomb asks for.
 */
import { Inflate } from 'fflate';
import { concatBytes } from '../bytes';

/** Real DCCs inflate to 300 B – 3 KB; 64 KiB leaves room for any honest payload. */
export const MAX_INFLATED = 64 * 1024;
// 256 input bytes can expand to at most ~264 KB: the most a single step may hold before the count stops it.
const SLICE = 256;

export type Inflated =
  | { readonly kind: 'inflated'; readonly bytes: Uint8Array }
  | { readonly kind: 'not-zlib' }
  | { readonly kind: 'failed'; readonly code: 'INFLATE_FAILED' | 'INFLATE_TOO_LARGE'; readonly detail: string };

/** A zlib stream starts with CMF/FLG: deflate (CM 8), window ≤ 32 KiB, FCHECK, no preset dictionary. */
export function isZlibHeader(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  const [cmf, flg] = bytes;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && (flg & 0x20) === 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 is the longest run before b can overflow 2^32 (zlib's NMAX).
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

export function inflateZlib(bytes: Uint8Array, cap = MAX_INFLATED): Inflated {
  if (!isZlibHeader(bytes)) return { kind: 'not-zlib' };
  if (bytes.length < 2 + 1 + 4) return { kind: 'failed', code: 'INFLATE_FAILED', detail: 'truncated' };
  const body = bytes.subarray(2, bytes.length - 4);
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
    for (let i = 0; i < body.length && !tooLarge; i += SLICE) {
      const end = Math.min(i + SLICE, body.length);
      inflater.push(body.subarray(i, end), end === body.length);
    }
  } catch (error) {
    return { kind: 'failed', code: 'INFLATE_FAILED', detail: error instanceof Error ? error.message : 'inflate' };
  }
  if (tooLarge) return { kind: 'failed', code: 'INFLATE_TOO_LARGE', detail: `more than ${cap} bytes` };
  if (!ended) return { kind: 'failed', code: 'INFLATE_FAILED', detail: 'stream not finished' };
  const out = concatBytes(...parts);
  const t = bytes.length - 4;
  const expected = ((bytes[t] << 24) | (bytes[t + 1] << 16) | (bytes[t + 2] << 8) | bytes[t + 3]) >>> 0;
  if (adler32(out) !== expected) return { kind: 'failed', code: 'INFLATE_FAILED', detail: 'Adler-32 mismatch' };
  return { kind: 'inflated', bytes: out };
}
