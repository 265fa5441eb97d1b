/**
 * RFC 7638 JWK thumbprint of an EC P-256 public key: SHA-256 of `{"crv":"P-256","kty":"EC","x":…,"y":…}` (the
 * required members in lexicographic order, no whitespace), base64url. The spec makes it the key's `kid`, so a
 * kid cannot name a key it is not the hash of.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, utf8 } from '../bytes';

export const jwkThumbprint = (x: string, y: string): string =>
  toBase64Url(sha256(utf8(`{"crv":"P-256","kty":"EC","x":${JSON.stringify(x)},"y":${JSON.stringify(y)}}`)));
