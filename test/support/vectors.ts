/** The v1 interoperability vectors (see scripts/make-vectors.ts). Deterministic: Ed25519 is. */
import { fromQrDigits, toBase64Url, toHex, toQrDigits } from '../../src/core/bytes';
import { certificateLink, qrText, venueLink } from '../../src/core/qr-link';
import { encodeSignedDigits, payloadBytes } from '../../src/core/signed-qr';
import { venueToTuple } from '../../src/core/venue';
import {
  anchor,
  certKey,
  kaltimOffice,
  makeBundle,
  NOW,
  pcr,
  root,
  signCertificate,
  signVenue,
  vaccination,
  venueKey,
} from './authority';

const ORIGIN = 'https://singgah.example';

function flipLastByte(digits: string): string {
  const b = fromQrDigits(digits) as Uint8Array;
  b[b.length - 1] ^= 1;
  return toQrDigits(b);
}

export function buildVectors() {
  const venue = signVenue(kaltimOffice);
  const vac = signCertificate({ ...vaccination(2, 2, '2026-06-01'), id: 'VEC-VAC-1' });
  const test = signCertificate({ ...pcr('neg', NOW - 3 * 3600, '3374'), id: 'VEC-PCR-1' });
  const venueBytesAsCertificate = encodeSignedDigits(
    'venue',
    payloadBytes([...venueToTuple(kaltimOffice)]),
    certKey.secretKey,
  );
  return {
    format: 'singgah/v1',
    notes: [
      'Signed message = UTF-8 "singgah/v1/<type>\\n" followed by the exact payload bytes; Ed25519 (RFC 8032).',
      'QR fragment = QR-numeric digits of payload ‖ signature: each 7 bytes → 17 digits, a last group of r bytes → [0,3,5,8,10,13,15][r] digits.',
      'Key id = hex of the first 2 bytes of SHA-512(public key).',
      'Keys below are TEST keys derived from fixed seeds; never trust them in production.',
    ],
    now: NOW,
    keys: {
      root: { seedHex: toHex(new Uint8Array(32).fill(1)), publicKey: toBase64Url(root.publicKey) },
      certificate: { seedHex: toHex(new Uint8Array(32).fill(3)), publicKey: toBase64Url(certKey.publicKey) },
      venue: { seedHex: toHex(new Uint8Array(32).fill(4)), publicKey: toBase64Url(venueKey.publicKey) },
    },
    trustAnchor: {
      threshold: anchor.threshold,
      keys: anchor.keys.map((k) => ({ kid: k.kid, publicKey: toBase64Url(k.publicKey) })),
    },
    bundle: makeBundle(),
    valid: [
      { type: 'venue', link: venueLink(ORIGIN, venue), qrText: qrText(venueLink(ORIGIN, venue)), expect: kaltimOffice },
      { type: 'certificate', link: certificateLink(ORIGIN, vac) },
      { type: 'certificate', link: certificateLink(ORIGIN, test) },
    ],
    invalid: [
      {
        why: 'last signature byte flipped',
        link: venueLink(ORIGIN, flipLastByte(venue)),
        expectError: 'VENUE_SIGNATURE_INVALID',
      },
      {
        why: 'venue payload signed by the certificate key as a venue',
        link: venueLink(ORIGIN, venueBytesAsCertificate),
        expectError: 'VENUE_SIGNATURE_INVALID',
      },
      {
        why: 'venue code presented as a certificate',
        link: certificateLink(ORIGIN, venue),
        expectError: 'PAYLOAD_INVALID',
      },
      { why: 'not a Singgah link', link: 'https://example.com/menu', expectError: 'NOT_SINGGAH_CODE' },
    ],
  };
}
