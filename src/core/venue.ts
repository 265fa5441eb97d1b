/**
 * Venue QR v1. Payload: a JSON array (positional, to fit a version-10-M QR with the signature):
 * [1, id, name, address, category, region, capacity, stayMinutes, kid, issuedAt].
 */
import * as v from 'valibot';
import { type BundlePayload, verifyWithBundleKey } from './bundle';
import { err, ok, type Result } from './errors';
import { categoryCode, identifier, keyId, parseWith, regionCode, text, time, type UnixSeconds } from './schema';
import { decodeSignedDigits, encodeSignedDigits, payloadBytes, type SignedBlob } from './signed-qr';

const venueTuple = v.strictTuple([
  v.literal(1),
  identifier,
  text(100),
  text(100),
  categoryCode,
  regionCode,
  v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000)),
  v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1440)),
  keyId,
  time,
]);

export interface Venue {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly category: string;
  readonly region: string;
  readonly capacity: number;
  readonly stayMinutes: number;
  readonly kid: string;
  readonly issuedAt: UnixSeconds;
}

export interface SignedVenue {
  readonly venue: Venue;
  readonly blob: SignedBlob;
  /** The QR fragment, kept verbatim so the check-in can be re-verified later. */
  readonly code: string;
}

export const venueToTuple = (x: Venue) =>
  [1, x.id, x.name, x.address, x.category, x.region, x.capacity, x.stayMinutes, x.kid, x.issuedAt] as const;

/** Decode and validate the payload. The signature is NOT checked here: see verifyVenue. */
export function decodeVenue(code: string): Result<SignedVenue> {
  const blob = decodeSignedDigits('venue', code);
  if (!blob.ok) return blob;
  if (Array.isArray(blob.value.json) && blob.value.json[0] !== 1) return err('FORMAT_VERSION_UNSUPPORTED');
  const t = parseWith(venueTuple, blob.value.json);
  if (!t.ok) return t;
  const [, id, name, address, category, region, capacity, stayMinutes, kid, issuedAt] = t.value;
  return ok({
    venue: { id, name, address, category, region, capacity, stayMinutes, kid, issuedAt },
    blob: blob.value,
    code,
  });
}

/** Check the venue's signature with a bundle key of role "venue" valid when the venue was issued. */
export function verifyVenue(signed: SignedVenue, bundle: BundlePayload): Result<SignedVenue> {
  const { payload, signature, contentId } = signed.blob;
  const key = verifyWithBundleKey(bundle, {
    type: 'venue',
    role: 'venue',
    kid: signed.venue.kid,
    signedAt: signed.venue.issuedAt,
    payload,
    signature,
    contentId,
    invalidSignature: 'VENUE_SIGNATURE_INVALID',
  });
  return key.ok ? ok(signed) : key;
}

export function encodeVenue(venue: Venue, secretKey: Uint8Array): string {
  return encodeSignedDigits('venue', payloadBytes(venueToTuple(venue)), secretKey);
}
