/**
 * Pass QR v1: every certificate code a guard needs for one person in one QR, so one scan carries the whole
 * decision (a pass that showed its certificates one by one made the guard see "refused" until the second came
 * round). When they do not fit in one readable QR, the pass is split in parts that say "part i of n", and the
 * guard is told to scan the next part instead of being shown a decision.
 *
 * Digits (QR numeric mode, like every Singgah code): `1` (format version) ‖ i ‖ n (one digit each, 1 ≤ i ≤ n ≤ 9)
 * ‖ for each certificate: the length of its code in 4 digits ‖ the code (certificate.ts digits, unchanged).
 * The pass adds no signature of its own: each inner certificate is verified exactly as a scanned certificate is.
 */
import { decodeCertificate, holderKey, type SignedCertificate } from './certificate';
import { err, ok, type Result } from './errors';
import { MAX_QR_TEXT } from './signed-qr';

export const PASS_FORMAT_VERSION = 1;
export const MAX_PASS_PARTS = 9;
export const MAX_PASS_CERTIFICATES = 8;
/**
 * Digits one part holds at most: two typical certificates (≈ 430 digits each) fit, and the QR stays at version
 * ≤ 18-M, ≥ 2 CSS px per module on a 360 px screen. A certificate longer than this alone gets a part of its own.
 */
export const MAX_PASS_DIGITS = 1_200;
const LENGTH_DIGITS = 4;
const HEAD_DIGITS = 3;

export interface PassPart {
  /** 1-based. */
  readonly index: number;
  readonly total: number;
  readonly certificates: readonly SignedCertificate[];
}

/** The parts of a pass for these certificate codes (same person, deciding one first), in order. */
export function encodePass(codes: readonly string[], maxDigits = MAX_PASS_DIGITS): Result<string[]> {
  if (codes.length === 0) return err('PAYLOAD_INVALID', 'a pass needs a certificate');
  const groups: string[][] = [];
  let size = HEAD_DIGITS;
  for (const code of codes) {
    if (!/^[0-9]+$/.test(code) || code.length >= 10 ** LENGTH_DIGITS) return err('ENCODING_INVALID');
    const cost = LENGTH_DIGITS + code.length;
    const last = groups.at(-1);
    if (last && last.length < MAX_PASS_CERTIFICATES && size + cost <= maxDigits) {
      last.push(code);
      size += cost;
    } else {
      groups.push([code]);
      size = HEAD_DIGITS + cost;
    }
  }
  if (groups.length > MAX_PASS_PARTS) return err('INPUT_TOO_LARGE', 'too many pass parts');
  return ok(
    groups.map(
      (g, i) =>
        `${PASS_FORMAT_VERSION}${i + 1}${groups.length}` +
        g.map((c) => String(c.length).padStart(LENGTH_DIGITS, '0') + c).join(''),
    ),
  );
}

/** One scanned part: strict (exact lengths, one holder, caps), each certificate decoded but not yet verified. */
export function decodePass(digits: string): Result<PassPart> {
  if (digits.length > MAX_QR_TEXT) return err('INPUT_TOO_LARGE');
  if (!/^[0-9]+$/.test(digits) || digits.length < HEAD_DIGITS) return err('ENCODING_INVALID');
  if (digits[0] !== String(PASS_FORMAT_VERSION)) return err('FORMAT_VERSION_UNSUPPORTED');
  const index = Number(digits[1]);
  const total = Number(digits[2]);
  if (index < 1 || total < index) return err('PAYLOAD_OUT_OF_RANGE', 'pass part');
  const certificates: SignedCertificate[] = [];
  let at = HEAD_DIGITS;
  while (at < digits.length) {
    if (certificates.length === MAX_PASS_CERTIFICATES) return err('INPUT_TOO_LARGE', 'too many certificates');
    const length = Number(digits.slice(at, at + LENGTH_DIGITS));
    const start = at + LENGTH_DIGITS;
    if (!(length > 0) || start + length > digits.length) return err('ENCODING_INVALID', 'pass length');
    const cert = decodeCertificate(digits.slice(start, start + length));
    if (!cert.ok) return cert;
    certificates.push(cert.value);
    at = start + length;
  }
  if (certificates.length === 0) return err('ENCODING_INVALID', 'empty pass');
  const holder = holderKey(certificates[0].certificate.holder);
  if (certificates.some((c) => holderKey(c.certificate.holder) !== holder)) return err('PASS_MIXED_HOLDERS');
  return ok({ index, total, certificates });
}

/** What a guard has read of one person so far: the certificates, and which parts of their pass are in. */
export interface PassCollection {
  readonly holder: string;
  readonly certificates: readonly SignedCertificate[];
  /** Parts of a pass still to scan (0 when complete or when a bare certificate was scanned). */
  readonly missing: number;
  /** The parts read, 1-based, and how many there are (undefined for bare certificates). */
  readonly parts: readonly number[];
  readonly total?: number;
  /** Set when a certificate was scanned on its own, not as a pass: more of the person's codes may exist. */
  readonly bare: boolean;
}

/**
 * Adds a scan to what the guard holds: another part or certificate of the same person joins it (same id
 * replaced), anyone else starts afresh. A pass part that says a different total starts afresh too.
 */
export function collectPass(
  prev: PassCollection | undefined,
  scan: { readonly part: PassPart } | { readonly certificate: SignedCertificate },
): PassCollection {
  const incoming = 'part' in scan ? scan.part.certificates : [scan.certificate];
  const holder = holderKey(incoming[0].certificate.holder);
  const total = 'part' in scan ? scan.part.total : undefined;
  const same =
    prev && prev.holder === holder && (total === undefined || prev.total === undefined || prev.total === total);
  const base = same ? prev : undefined;
  const ids = new Set(incoming.map((c) => c.certificate.id));
  const certificates = [...(base?.certificates ?? []).filter((c) => !ids.has(c.certificate.id)), ...incoming];
  const parts = 'part' in scan ? [...new Set([...(base?.parts ?? []), scan.part.index])].sort() : (base?.parts ?? []);
  const knownTotal = total ?? base?.total;
  return {
    holder,
    certificates,
    parts,
    total: knownTotal,
    missing: knownTotal === undefined ? 0 : knownTotal - parts.length,
    bare: 'certificate' in scan || (base?.bare ?? false),
  };
}

/**
 * May the guard be shown the decision yet? Not while parts of the pass are missing ("scan the next code"), and
 * not a refusal built on bare certificates, which more codes of the same person could overturn ("scan their
 * pass") — unless the person is black: the black rules read positive tests, exposures and suspensions only,
 * which no other certificate lifts. An admission or "cannot verify" is shown as it is.
 */
export function passVerdict(
  pass: PassCollection,
  decision: { readonly outcome: 'ALLOWED' | 'DENIED' | 'CANNOT_VERIFY'; readonly status?: string },
): 'final' | 'scan-next' | 'scan-pass' {
  if (pass.missing > 0) return 'scan-next';
  return pass.bare && decision.outcome === 'DENIED' && decision.status !== 'black' ? 'scan-pass' : 'final';
}
