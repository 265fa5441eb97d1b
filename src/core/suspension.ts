/**
 * Suspensions: the health office puts a person in isolation for a window, and every phone — theirs and a
 * guard's — shows them black without trusting anything on the person's phone but their signed certificates.
 * The signed bundle lists hashed certificate ids with an until-time (like DCC revocation lists: the first 16
 * bytes of SHA-256 of the domain-separated id, so the list does not publish who is ill); a person is suspended
 * while any of their valid certificates is listed and `now` is before its `until`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, utf8 } from './bytes';
import type { UnixSeconds } from './schema';

/**
 * Most entries a bundle may carry (the schema's cap): ≈ 56 bytes each in the signed envelope, so a full list
 * takes about half of the 1 MiB bundle cap. The CLI lists only suspensions still running.
 */
export const MAX_SUSPENSIONS = 10_000;
/** base64url of 16 bytes, no padding. */
export const SUSPENSION_ID = /^[A-Za-z0-9_-]{22}$/;

export interface Suspension {
  /** suspensionIdOf(certificate id). */
  readonly id: string;
  /** Suspended while now < until. */
  readonly until: UnixSeconds;
}

export const suspensionIdOf = (certificateId: string): string =>
  toBase64Url(sha256(utf8(`singgah/v1/suspension\n${certificateId}`)).subarray(0, 16));

// One lookup table per bundle's list (bundles are immutable once verified): a decision costs a hash per certificate.
const tables = new WeakMap<readonly Suspension[], Map<string, UnixSeconds>>();

function tableOf(list: readonly Suspension[]): Map<string, UnixSeconds> {
  let table = tables.get(list);
  if (!table) {
    table = new Map();
    // The same id listed twice: the later until wins (a suspension extended).
    for (const s of list) table.set(s.id, Math.max(s.until, table.get(s.id) ?? 0));
    tables.set(list, table);
  }
  return table;
}

/** The end of the person's suspension at `now` (the latest of their listed certificates), or undefined. */
export function suspendedUntil(
  // Structural, not SignedCertificate: the bundle schema imports this module, and certificate.ts imports the bundle.
  certs: readonly { readonly certificate: { readonly id: string } }[],
  list: readonly Suspension[] | undefined,
  now: UnixSeconds,
): UnixSeconds | undefined {
  if (!list || list.length === 0) return undefined;
  const table = tableOf(list);
  let until: UnixSeconds | undefined;
  for (const c of certs) {
    const u = table.get(suspensionIdOf(c.certificate.id));
    if (u !== undefined && now < u && (until === undefined || u > until)) until = u;
  }
  return until;
}
