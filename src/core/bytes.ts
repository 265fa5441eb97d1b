/** Byte helpers shared by every format. Strict decoders: anything non-canonical is rejected. */
const encoder = new TextEncoder();
// fatal: a payload with invalid UTF-8 must fail, not decode to U+FFFD and verify "as something else".
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

export function fromUtf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) out += B64[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

/** Strict: rejects padding, foreign characters and non-zero trailing bits (one byte string, one text). */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (const c of text) {
    const v = B64_INDEX.get(c);
    if (v === undefined) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * QR numeric-mode text for bytes. Numeric mode packs 3 digits in 10 bits, so bytes cost ~8.1 bits
 * each instead of ~10.7 as base64 in byte mode: this is what lets a signed venue fit a version-10-M QR.
 * Every 7 bytes become 17 digits (10^17 > 2^56); a last group of r bytes takes DIGITS_FOR[r] digits,
 * and those lengths are distinct modulo 17, so the decoder knows r from the length alone.
 */
const DIGITS_FOR = [0, 3, 5, 8, 10, 13, 15, 17] as const;

export function toQrDigits(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 7) {
    const group = bytes.subarray(i, i + 7);
    let n = 0n;
    for (const b of group) n = (n << 8n) | BigInt(b);
    out += n.toString().padStart(DIGITS_FOR[group.length], '0');
  }
  return out;
}

export function fromQrDigits(text: string): Uint8Array | undefined {
  if (!/^[0-9]*$/.test(text)) return undefined;
  const tail = text.length % 17;
  const lastBytes = DIGITS_FOR.indexOf(tail as (typeof DIGITS_FOR)[number]);
  if (lastBytes < 0) return undefined;
  const full = (text.length - tail) / 17;
  const out = new Uint8Array(full * 7 + lastBytes);
  let at = 0;
  for (let i = 0; i < text.length; ) {
    const size = i + 17 <= text.length ? 7 : lastBytes;
    const digits = text.slice(i, i + DIGITS_FOR[size]);
    i += digits.length;
    let n = BigInt(digits);
    // Reject a group whose value does not fit its byte count: each byte string has exactly one text.
    if (n >> BigInt(size * 8) !== 0n) return undefined;
    for (let j = size - 1; j >= 0; j--) {
      out[at + j] = Number(n & 0xffn);
      n >>= 8n;
    }
    at += size;
  }
  return out;
}
