/**
 * What a phone's check-in upload must carry for the server to count it (docs/FORMATS.md `POST /v1/checkins`):
 * at most MAX_CHECKIN_PEOPLE people, and a proof that the phone holds the venue's signed QR.
 *
 * The proof is SHA-256 over a domain-separated message binding the check-in's random id to the venue QR digits
 * the phone scanned (a canonical text of payload ‖ signature, so phone and server hash the same bytes). The
 * server recomputes it from every code it has signed for that venue. Bound to the id, a proof seen in one upload
 * vouches for nothing else; it cannot be computed from a venue id alone.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, utf8 } from './bytes';

/**
 * People one check-in may count: a household checking in together on one phone. A bigger group uses more than
 * one phone. The cap bounds what one forged item can add to a venue's count.
 */
export const MAX_CHECKIN_PEOPLE = 10;

export const CHECKIN_PROOF_DOMAIN = 'singgah/v1/checkin-proof\n';

/** base64url, 43 characters: the 32-byte digest. */
export const CHECKIN_PROOF_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The proof for check-in `id` made at the venue whose signed QR digits are `venueCode`. */
export function checkInProofOf(id: string, venueCode: string): string {
  return toBase64Url(sha256(utf8(`${CHECKIN_PROOF_DOMAIN}${id}\n${venueCode}`)));
}

/**
 * Outboxes up to this many entries go one visit per request (a check-in with its check-out): one POST then
 * carries one visit, not a phone's trail. Larger outboxes (a phone long offline) go in full batches, because
 * hundreds of requests would cost more than the linking they avoid.
 */
export const PER_VISIT_UPLOAD_MAX = 10;

/** The longest random pause before each upload request after the first: a phone's requests do not leave back to back. */
export const UPLOAD_SPREAD_MS = 2000;

/**
 * The requests for entries read from the outbox (oldest first): each visit's entries together, visits in order
 * of their first entry, when there are at most PER_VISIT_UPLOAD_MAX; else one request for all.
 */
export function planUploadRequests<T>(entries: readonly T[], visitOf: (entry: T) => string): T[][] {
  if (entries.length > PER_VISIT_UPLOAD_MAX) return [[...entries]];
  const visits = new Map<string, T[]>();
  for (const e of entries) visits.set(visitOf(e), [...(visits.get(visitOf(e)) ?? []), e]);
  return [...visits.values()];
}

/** The pause before one upload request, from a uniform draw in [0, 1): whole milliseconds in [0, maxMs). */
export const uploadPauseMs = (random01: number, maxMs: number = UPLOAD_SPREAD_MS): number =>
  Math.max(0, Math.min(maxMs - 1, Math.floor(random01 * maxMs)));
