/**
 * Base45 (RFC 9285), strict: only the 45 characters of the QR alphanumeric set; a 3-character group must
 * be ≤ 65535 and a trailing 2-character group ≤ 255; a single trailing character is malformed. Each byte
 * string therefore has exactly one text.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

export function fromBase45(text: string): Uint8Array | undefined {
  if (text.length % 3 === 1) return undefined;
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let at = 0;
  for (let i = 0; i < text.length; i += 3) {
    const group = text.slice(i, i + 3);
    let n = 0;
    for (let j = group.length - 1; j >= 0; j--) {
      const v = INDEX.get(group[j]);
      if (v === undefined) return undefined;
      n = n * 45 + v;
    }
    if (group.length === 3) {
      if (n > 0xffff) return undefined;
      out[at++] = n >> 8;
      out[at++] = n & 0xff;
    } else {
      if (n > 0xff) return undefined;
      out[at++] = n;
    }
  }
  return out;
}

export function toBase45(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      let n = bytes[i] * 256 + bytes[i + 1];
      for (let j = 0; j < 3; j++) {
        out += ALPHABET[n % 45];
        n = Math.floor(n / 45);
      }
    } else {
      const n = bytes[i];
      out += ALPHABET[n % 45] + ALPHABET[Math.floor(n / 45)];
    }
  }
  return out;
}
