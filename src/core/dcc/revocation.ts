/**
 * The EU revocation scheme's three hashes (DCC revocation specification): SHA-256 of the UCI, of the
 * issuing country (CWT `iss`) followed by the UCI, or of the signature — for ECDSA of `r` only, because
 * `s` can be flipped to n − s without the key and would give a second, unlisted hash. Each truncated to
 * its first 16 bytes and written in standard base64, as the lists carry them.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, utf8 } from '../bytes';
import type { DccRevocations, RevocationHashes } from './types';

/** Standard base64 with padding (RFC 4648 §4), the EU lists' and kids' spelling. */
export function toBase64(bytes: Uint8Array): string {
  const url = toBase64Url(bytes).replaceAll('-', '+').replaceAll('_', '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}

const hash16 = (bytes: Uint8Array) => toBase64(sha256(bytes).subarray(0, 16));

/** The `uci` list's entry for a UCI (`ci`, as written in the DCC). */
export const uciHash = (uci: string) => hash16(utf8(uci));
/** The `countryUci` list's entry: the issuing country (CWT `iss`) followed by the UCI. */
export const countryUciHash = (country: string, uci: string) => hash16(utf8(country + uci));

export interface RevocationSubject {
  readonly uci: string | undefined;
  readonly iss: string | undefined;
  /** ECDSA signatures are hashed over `r` (the first half) only. */
  readonly ecdsa: boolean;
  readonly signature: Uint8Array;
}

/** The DCC's entries in each EU list's spelling: what an operator revokes it by, and what phones look up. */
export function revocationHashes(subject: RevocationSubject): RevocationHashes {
  const { uci, iss, ecdsa, signature } = subject;
  const signed = ecdsa ? signature.subarray(0, signature.length >> 1) : signature;
  return {
    ...(uci === undefined ? {} : { uci: uciHash(uci) }),
    ...(uci === undefined || iss === undefined ? {} : { countryUci: countryUciHash(iss, uci) }),
    signature: hash16(signed),
  };
}

/** Which list names this DCC, or undefined when none does. */
export function revokedBy(hashes: RevocationHashes, lists: DccRevocations): keyof DccRevocations | undefined {
  return (['uci', 'countryUci', 'signature'] as const).find((list) => {
    const hash = hashes[list];
    return hash !== undefined && lists[list]?.includes(hash) === true;
  });
}
