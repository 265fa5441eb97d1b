/**
 * What did the camera see? Classifies any scanned or opened text. Our links are
 * `https://<origin>/v#<digits>` (venue) and `https://<origin>/c#<digits>` (certificate); the origin is
 * not trusted for anything — the signature is — so a poster printed for another deployment still works.
 */
import { type SignedCertificate, decodeCertificate } from './certificate';
import { type Result, err, ok } from './errors';
import { MAX_QR_TEXT } from './signed-qr';
import { type SignedVenue, decodeVenue } from './venue';

export type Scanned =
  | { readonly kind: 'venue'; readonly signed: SignedVenue }
  | { readonly kind: 'certificate'; readonly signed: SignedCertificate };

/** For "this is not a Singgah code": say what it was, without echoing a huge or hostile string. */
export type Foreign = { readonly kind: 'url' | 'text'; readonly preview: string };

const LINK = /^https?:\/\/[^/?#\s]+\/([vVcC])\/?#([0-9]+)$/;

export function describeForeign(text: string): Foreign {
  const preview = text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, ' ').slice(0, 80);
  return { kind: /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? 'url' : 'text', preview };
}

export function parseScanned(text: string): Result<Scanned> {
  if (text.length > MAX_QR_TEXT) return err('INPUT_TOO_LARGE');
  const m = LINK.exec(text.trim());
  if (!m) return err('NOT_SINGGAH_CODE', JSON.stringify(describeForeign(text)));
  const digits = m[2];
  if (m[1].toLowerCase() === 'v') {
    const venue = decodeVenue(digits);
    return venue.ok ? ok({ kind: 'venue', signed: venue.value }) : venue;
  }
  const cert = decodeCertificate(digits);
  return cert.ok ? ok({ kind: 'certificate', signed: cert.value }) : cert;
}

export const venueLink = (origin: string, code: string) => `${origin}/v#${code}`;
export const certificateLink = (origin: string, code: string) => `${origin}/c#${code}`;
