/**
 * The certificates a phone holds: Singgah's own, EU DCCs (`HC1:`) and SMART Health Cards (`shc:/`), each kept
 * as its original QR text(s).
 * This module is light (no DCC decoding, so the UI may import it anywhere): the shared type, names, how a
 * DCC's holder joins a Singgah holder (docs/FORMATS.md "EU DCC in the wallet"). Decoding and verifying a
 * DCC live in held-dcc.ts, which pulls in core/dcc and loads with the model, never with the first screen.
 */
import type { Holder, SignedCertificate } from './certificate';
import { holderKey } from './certificate';
import type { DccHolder, DccPayload } from './dcc';
import type { UnixSeconds } from './schema';
import type { ShcHolder, ShcImmunization, ShcLabResult } from './shc/facts';

export type CertificateKind = SignedCertificate['certificate']['kind'];

/** A DCC as decoded from its text, not yet trusted: for display and storage; decisions verify it first. */
export interface HeldDcc {
  readonly format: 'eu-dcc';
  /** The `HC1:` text exactly as scanned: the source of truth, and the QR the pass shows. */
  readonly code: string;
  readonly contentId: string;
  readonly kind: CertificateKind;
  readonly holder: DccHolder;
  readonly holderKey: string;
  readonly payload: DccPayload;
  readonly issuedAt: UnixSeconds;
  readonly expiresAt: UnixSeconds;
}

/**
 * A SMART Health Card as decoded from its text(s), not yet trusted (held-shc.ts `decodeShc`): for display and
 * storage; decisions verify it first against the bundle's `shcIssuers`.
 */
export interface HeldShc {
  readonly format: 'shc';
  /** The `shc:/` QR text, or every chunk in part order, one per line: the source of truth and the pass's QRs. */
  readonly code: string;
  /** `shc-` + SHA-256 of the JWS: the same card however its chunks were scanned. */
  readonly contentId: string;
  /** `vaccination` when it records an immunization, else `test`. */
  readonly kind: CertificateKind;
  readonly holder: ShcHolder;
  readonly holderKey: string;
  /** The card's `iss` as written (the issuer's name comes from the bundle once verified). */
  readonly iss: string;
  readonly issuedAt: UnixSeconds;
  readonly expiresAt?: UnixSeconds;
  readonly immunizations: readonly ShcImmunization[];
  readonly labResults: readonly ShcLabResult[];
}

/** A certificate another authority issued in a global format: it is verified by its own lazily loaded codec. */
export type ForeignCertificate = HeldDcc | HeldShc;
export type HeldCertificate = SignedCertificate | ForeignCertificate;

export const isDcc = (c: HeldCertificate): c is HeldDcc => 'format' in c && c.format === 'eu-dcc';
export const isShc = (c: HeldCertificate): c is HeldShc => 'format' in c && c.format === 'shc';
export const isForeign = (c: HeldCertificate): c is ForeignCertificate => 'format' in c;
/** core/dcc's HC1_PREFIX, spelled here so that telling the formats apart costs no DCC code. */
export const isDccText = (text: string): boolean => text.startsWith('HC1:');
/** core/shc's SHC_PREFIX, likewise. */
export const isShcText = (text: string): boolean => text.startsWith('shc:/');

/**
 * ICAO 9303-style comparison key of a name: letters and digits only, marks stripped (é → E), upper case,
 * tokens sorted — so `SANTOSO<BUDI` (fnt/gnt) matches "Budi Santoso" whichever part is the family name.
 */
export function nameTokens(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((t) => t !== '')
    .sort();
}

const transliterated = (h: DccHolder) => nameTokens(`${h.gnt ?? ''} ${h.fnt ?? ''}`).join(' ');
const shcTokens = (h: ShcHolder) => nameTokens(`${h.given.join(' ')} ${h.family ?? ''}`).join(' ');

/**
 * Foreign certificates of one holder (same name tokens and birth date as written) group under this key, so a
 * visitor's DCC and SMART Health Card are one person. The `eu-dcc|` form is what stored DCC records carry.
 */
const foreignHolderKey = (tokens: string, birthDate: string) => `eu-dcc|${tokens}|${birthDate}`;
export const dccHolderKey = (h: DccHolder): string => foreignHolderKey(transliterated(h), h.dob);
/** A card whose name has no Latin letters or digits keeps its own key: it never groups by birth date alone. */
export const shcHolderKey = (h: ShcHolder): string => {
  const tokens = shcTokens(h);
  return tokens === '' ? `shc|${shcHolderName(h)}|${h.birthDate}` : foreignHolderKey(tokens, h.birthDate);
};

/** The name as the issuer wrote it (given name first), else as transliterated. */
export const dccHolderName = (h: DccHolder): string =>
  [h.gn, h.fn].filter((s) => s !== undefined && s.trim() !== '').join(' ') ||
  [h.gnt, h.fnt].filter((s) => s !== undefined && s !== '').join(' ');

/** A card's name as written: given names, then the family name. */
export const shcHolderName = (h: ShcHolder): string =>
  [...h.given, h.family ?? ''].filter((s) => s.trim() !== '').join(' ');

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function matches(tokens: string, birth: string, holder: Holder): boolean {
  if (!FULL_DATE.test(birth) || birth !== holder.birthDate) return false;
  return tokens !== '' && tokens === nameTokens(holder.name).join(' ');
}

/** Same transliterated name tokens and the same full birth date; a partial DCC birth date never matches. */
export const holderMatches = (dcc: DccHolder, holder: Holder): boolean => matches(transliterated(dcc), dcc.dob, holder);

/** A card's given + family name tokens and its full birth date, as for a DCC. */
export const shcHolderMatches = (h: ShcHolder, holder: Holder): boolean => matches(shcTokens(h), h.birthDate, holder);

const foreignMatches = (c: ForeignCertificate, holder: Holder): boolean =>
  isDcc(c) ? holderMatches(c.holder, holder) : shcHolderMatches(c.holder, holder);

/**
 * The person a foreign certificate belongs to among the Singgah holders on the phone (key → holder): the one
 * that matches; when several match, the one the user chose (`chosen`) if it is among them; else its own holder
 * key (it stands as a person of its own, never guessed into someone else's).
 */
export function personOfForeign(
  c: ForeignCertificate,
  holders: ReadonlyMap<string, Holder>,
  chosen?: string,
): { readonly key: string; readonly candidates: readonly string[] } {
  const candidates = [...holders].filter(([, h]) => foreignMatches(c, h)).map(([k]) => k);
  const key =
    candidates.length === 1
      ? candidates[0]
      : chosen !== undefined && candidates.includes(chosen)
        ? chosen
        : c.holderKey;
  return { key, candidates };
}

/** The foreign holder's name and birth date as the certificate writes them. */
export const foreignHolderOf = (c: ForeignCertificate): { readonly name: string; readonly birthDate: string } =>
  isDcc(c)
    ? { name: dccHolderName(c.holder), birthDate: c.holder.dob }
    : { name: shcHolderName(c.holder), birthDate: c.holder.birthDate };

/** What the store keeps beside the code, derived from it (and checked again on read). */
export function identityOf(c: HeldCertificate): {
  readonly contentId: string;
  readonly kind: CertificateKind;
  readonly holderKey: string;
} {
  return isForeign(c)
    ? { contentId: c.contentId, kind: c.kind, holderKey: c.holderKey }
    : { contentId: c.blob.contentId, kind: c.certificate.kind, holderKey: holderKey(c.certificate.holder) };
}

/** When it was issued (CWT `iat` for a DCC, `nbf` for a card): the wallet's order. */
export const issuedAtOf = (c: HeldCertificate): UnixSeconds => (isForeign(c) ? c.issuedAt : c.certificate.issuedAt);

/** The holder's name as the wallet shows it. */
export const holderNameOf = (c: HeldCertificate): string =>
  isForeign(c) ? foreignHolderOf(c).name : c.certificate.holder.name;

/** SNOMED CT 260373001 "Detected" (core/dcc/facts.ts TEST_RESULTS). */
const DETECTED = '260373001';

/** A positive test, in either format: deleting one does not stop it counting (ui/people.ts "held"). */
export const isPositiveTest = (c: HeldCertificate): boolean =>
  isDcc(c)
    ? c.payload.t?.[0]?.tr === DETECTED
    : isShc(c)
      ? c.labResults.some((t) => t.result === 'pos')
      : c.certificate.kind === 'test' && c.certificate.result === 'pos';
