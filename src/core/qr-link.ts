/**
 * What did the camera see? Classifies any scanned or opened text. Our links are
 * `https://<origin>/v#<digits>` (venue), `https://<origin>/c#<digits>` (certificate) and `/p#<digits>` (a
 * person's pass, pass-code.ts); the origin is
 * not trusted for anything — the signature is — so a poster printed for another deployment still works.
 */
import { decodeCertificate, type SignedCertificate } from './certificate';
import { err, ok, type Result } from './errors';
import { isDccText, isShcText } from './held-certificate';
import { decodePass, type PassPart } from './pass-code';
import { UNSAFE_CHARS } from './schema';
import { MAX_QR_TEXT } from './signed-qr';
import { decodeVenue, type SignedVenue } from './venue';

export type Scanned =
  | { readonly kind: 'venue'; readonly signed: SignedVenue }
  | { readonly kind: 'certificate'; readonly signed: SignedCertificate }
  | { readonly kind: 'pass'; readonly part: PassPart }
  /** An EU DCC (`HC1:`): classified only, so no DCC code loads here; the import screen decodes it. */
  | { readonly kind: 'dcc'; readonly text: string }
  /** A SMART Health Card's QR (`shc:/`, one or a chunk of several): classified only, like a DCC. */
  | { readonly kind: 'shc'; readonly text: string };

/** For "this is not a Singgah code": say what it was, without echoing a huge or hostile string. */
export type Foreign = { readonly kind: 'url' | 'text'; readonly preview: string };

const LINK = /^https?:\/\/[^/?#\s]+\/([vcp])\/?#([0-9]+)$/i;

export function describeForeign(text: string): Foreign {
  const preview = text.replace(UNSAFE_CHARS, ' ').slice(0, 80);
  return { kind: /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? 'url' : 'text', preview };
}

export function parseScanned(text: string): Result<Scanned> {
  if (isDccText(text)) return text.length > MAX_HC1_TEXT ? err('INPUT_TOO_LARGE') : ok({ kind: 'dcc', text });
  if (isShcText(text)) return text.length > MAX_SHC_QR_TEXT ? err('INPUT_TOO_LARGE') : ok({ kind: 'shc', text });
  if (text.length > MAX_QR_TEXT) return err('INPUT_TOO_LARGE');
  const m = LINK.exec(text.trim());
  if (!m) return err('NOT_SINGGAH_CODE', JSON.stringify(describeForeign(text)));
  const digits = m[2];
  if (m[1].toLowerCase() === 'v') {
    const venue = decodeVenue(digits);
    return venue.ok ? ok({ kind: 'venue', signed: venue.value }) : venue;
  }
  if (m[1].toLowerCase() === 'p') {
    const part = decodePass(digits);
    return part.ok ? ok({ kind: 'pass', part: part.value }) : part;
  }
  const cert = decodeCertificate(digits);
  return cert.ok ? ok({ kind: 'certificate', signed: cert.value }) : cert;
}

/** core/dcc's MAX_HC1_TEXT: a version-40 QR's alphanumeric capacity. */
const MAX_HC1_TEXT = 4296;

/** A version-40 QR's numeric capacity, with room for a chunk header: no `shc:/` QR is longer. */
const MAX_SHC_QR_TEXT = 7089 + 16;

/**
 * An `HC1:` text, or a card's `shc:/` text(s) one per line, in the import route's fragment: percent-encoded
 * (base45 has spaces, `%`, `+`, `/`, `:`; a card's chunks are separated by line breaks).
 */
export const foreignImportPath = (text: string) => `/c#${encodeURIComponent(text)}`;

/**
 * A pasted SMART Health Card: its `shc:/` text(s) separated by white space (a chunked card's parts as one paste),
 * one per line as the import route takes them; undefined when the paste is not only card texts.
 */
export function shcPasteOf(text: string): string | undefined {
  const parts = text.trim().split(/\s+/);
  return parts.length <= MAX_SHC_PASTE_PARTS && parts.every(isShcText) ? parts.join('\n') : undefined;
}
/** core/shc MAX_CHUNKS. */
const MAX_SHC_PASTE_PARTS = 10;

export const venueLink = (origin: string, code: string) => `${origin}/v#${code}`;
export const certificateLink = (origin: string, code: string) => `${origin}/c#${code}`;
export const passLink = (origin: string, digits: string) => `${origin}/p#${digits}`;

/**
 * The text to put in a QR: the link with origin and path upper-cased, so the encoder packs them in
 * alphanumeric mode and only `#` costs a byte segment. Browsers lower-case scheme and host; the server
 * and the app route `/V` and `/C` like `/v` and `/c`. This is what keeps a venue within version 10-M.
 */
export const qrText = (link: string): string => {
  const hash = link.indexOf('#');
  return hash < 0 ? link : link.slice(0, hash).toUpperCase() + link.slice(hash);
};
