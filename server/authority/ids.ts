/** Random ids for venues and certificates, in the alphabet of the short codes phones type (core short-code). */
import { randomBytes } from 'node:crypto';
import { SHORT_CODE_ALPHABET } from '../../src/core/short-code';

/** Random Crockford base32 (uppercase) id, 5 random bits per character. */
export function randomId(chars: number): string {
  const bytes = randomBytes(Math.ceil((chars * 5) / 8));
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      bits -= 5;
      out += SHORT_CODE_ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}
