/**
 * The certificates a phone holds: Singgah's own and EU DCCs (`HC1:`), both kept as their original QR text.
 * This module is light (no DCC decoding, so the UI may import it anywhere): the shared type, names, how a
 * DCC's holder joins a Singgah holder (docs/FORMATS.md "EU DCC in the wallet"). Decoding and verifying a
 * DCC live in held-dcc.ts, which pulls in core/dcc and loads with the model, never with the first screen.
 */
import type { Holder, SignedCertificate } from './certificate';
import { holderKey } from './certificate';
import type { DccHolder, DccPayload } from './dcc';
import type { UnixSeconds } from './schema';

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

export type HeldCertificate = SignedCertificate | HeldDcc;

export const isDcc = (c: HeldCertificate): c is HeldDcc => 'format' in c && c.format === 'eu-dcc';
/** core/dcc's HC1_PREFIX, spelled here so that telling the formats apart costs no DCC code. */
export const isDccText = (text: string): boolean => text.startsWith('HC1:');

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

/** DCCs of one holder (same transliterated name and birth date as written) group under this key. */
export const dccHolderKey = (h: DccHolder): string => `eu-dcc|${transliterated(h)}|${h.dob}`;

/** The name as the issuer wrote it (given name first), else as transliterated. */
export const dccHolderName = (h: DccHolder): string =>
  [h.gn, h.fn].filter((s) => s !== undefined && s.trim() !== '').join(' ') ||
  [h.gnt, h.fnt].filter((s) => s !== undefined && s !== '').join(' ');

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Same transliterated name tokens and the same full birth date; a partial DCC birth date never matches. */
export function holderMatches(dcc: DccHolder, holder: Holder): boolean {
  if (!FULL_DATE.test(dcc.dob) || dcc.dob !== holder.birthDate) return false;
  const tokens = transliterated(dcc);
  return tokens !== '' && tokens === nameTokens(holder.name).join(' ');
}

/**
 * The person a DCC belongs to among the Singgah holders on the phone (key → holder): the one that matches;
 * when several match, the one the user chose (`chosen`) if it is among them; else the DCC's own holder key
 * (it stands as a person of its own, never guessed into someone else's).
 */
export function personOfDcc(
  dcc: HeldDcc,
  holders: ReadonlyMap<string, Holder>,
  chosen?: string,
): { readonly key: string; readonly candidates: readonly string[] } {
  const candidates = [...holders].filter(([, h]) => holderMatches(dcc.holder, h)).map(([k]) => k);
  const key =
    candidates.length === 1
      ? candidates[0]
      : chosen !== undefined && candidates.includes(chosen)
        ? chosen
        : dcc.holderKey;
  return { key, candidates };
}

/** What the store keeps beside the code, derived from it (and checked again on read). */
export function identityOf(c: HeldCertificate): {
  readonly contentId: string;
  readonly kind: CertificateKind;
  readonly holderKey: string;
} {
  return isDcc(c)
    ? { contentId: c.contentId, kind: c.kind, holderKey: c.holderKey }
    : { contentId: c.blob.contentId, kind: c.certificate.kind, holderKey: holderKey(c.certificate.holder) };
}

/** When it was issued (CWT `iat` for a DCC): the wallet's order. */
export const issuedAtOf = (c: HeldCertificate): UnixSeconds => (isDcc(c) ? c.issuedAt : c.certificate.issuedAt);

/** The holder's name as the wallet shows it. */
export const holderNameOf = (c: HeldCertificate): string =>
  isDcc(c) ? dccHolderName(c.holder) : c.certificate.holder.name;

/** SNOMED CT 260373001 "Detected" (core/dcc/facts.ts TEST_RESULTS). */
const DETECTED = '260373001';

/** A positive test, in either format: deleting one does not stop it counting (ui/people.ts "held"). */
export const isPositiveTest = (c: HeldCertificate): boolean =>
  isDcc(c) ? c.payload.t?.[0]?.tr === DETECTED : c.certificate.kind === 'test' && c.certificate.result === 'pos';
