/**
 * Certificate QR v1. Payload: a JSON array whose head is common to every kind —
 * [1, kind, id, name, birthDate, homeRegion, kid, issuedAt, expiresAt, ...kind fields]:
 *   "v" vaccination: product, dose, dosesInSeries, date (YYYY-MM-DD)
 *   "t" test:        testType ("pcr" | "antigen"), result ("neg" | "pos"), sampleTime (Unix s)
 *   "r" recovery:    firstPositiveDate (YYYY-MM-DD)
 * The holder's home region comes from the first digits of the NIK; the NIK itself is never encoded.
 */
import * as v from 'valibot';
import { type BundleKey, type BundlePayload, type BundlePolicy, verifyWithBundleKey } from './bundle';
import { err, ok, type Result } from './errors';
import { identifier, isoDate, keyId, parseWith, regionCode, text, time, type UnixSeconds } from './schema';
import { decodeSignedDigits, encodeSignedDigits, payloadBytes, type SignedBlob } from './signed-qr';

const dose = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(9));
const c = [identifier, text(80), isoDate, regionCode, keyId, time, time] as const;
const certificateTuples = {
  v: v.strictTuple([
    v.literal(1),
    v.literal('v'),
    c[0],
    c[1],
    c[2],
    c[3],
    c[4],
    c[5],
    c[6],
    text(40),
    dose,
    dose,
    isoDate,
  ]),
  t: v.strictTuple([
    ...[v.literal(1), v.literal('t'), c[0], c[1], c[2], c[3], c[4], c[5], c[6]],
    v.picklist(['pcr', 'antigen']),
    v.picklist(['neg', 'pos']),
    time,
  ] as const),
  r: v.strictTuple([v.literal(1), v.literal('r'), c[0], c[1], c[2], c[3], c[4], c[5], c[6], isoDate]),
};
type CertificateTuple = v.InferOutput<(typeof certificateTuples)[keyof typeof certificateTuples]>;

// One schema per kind, chosen by the kind code: a union would report every branch's complaint.
function parseCertificateTuple(json: unknown): Result<CertificateTuple> {
  const kind: unknown = Array.isArray(json) ? json[1] : undefined;
  if (kind !== 'v' && kind !== 't' && kind !== 'r') return err('PAYLOAD_INVALID', 'unknown certificate kind');
  return parseWith(certificateTuples[kind] as v.GenericSchema<unknown, CertificateTuple>, json);
}

export interface Holder {
  readonly name: string;
  readonly birthDate: string;
  readonly region: string;
}

interface CertificateBase {
  readonly id: string;
  readonly holder: Holder;
  readonly kid: string;
  readonly issuedAt: UnixSeconds;
  readonly expiresAt: UnixSeconds;
}
export interface Vaccination extends CertificateBase {
  readonly kind: 'vaccination';
  readonly product: string;
  readonly dose: number;
  readonly doses: number;
  readonly date: string;
}
export interface TestResult extends CertificateBase {
  readonly kind: 'test';
  readonly testType: 'pcr' | 'antigen';
  readonly result: 'neg' | 'pos';
  readonly sampleTime: UnixSeconds;
}
export interface Recovery extends CertificateBase {
  readonly kind: 'recovery';
  readonly firstPositiveDate: string;
}
export type Certificate = Vaccination | TestResult | Recovery;

export interface SignedCertificate {
  readonly certificate: Certificate;
  readonly blob: SignedBlob;
  readonly code: string;
}

const KIND_CODES = { vaccination: 'v', test: 't', recovery: 'r' } as const;

function toTuple(c: Certificate): readonly unknown[] {
  const common = [c.id, c.holder.name, c.holder.birthDate, c.holder.region, c.kid, c.issuedAt, c.expiresAt];
  const head = [1, KIND_CODES[c.kind], ...common];
  switch (c.kind) {
    case 'vaccination':
      return [...head, c.product, c.dose, c.doses, c.date];
    case 'test':
      return [...head, c.testType, c.result, c.sampleTime];
    case 'recovery':
      return [...head, c.firstPositiveDate];
  }
}

export function decodeCertificate(code: string): Result<SignedCertificate> {
  const blob = decodeSignedDigits('certificate', code);
  if (!blob.ok) return blob;
  if (Array.isArray(blob.value.json) && blob.value.json[0] !== 1) return err('FORMAT_VERSION_UNSUPPORTED');
  const t = parseCertificateTuple(blob.value.json);
  if (!t.ok) return t;
  const [, kindCode, id, name, birthDate, region, kid, issuedAt, expiresAt, ...rest] = t.value;
  if (expiresAt <= issuedAt) return err('PAYLOAD_INVALID', 'expiresAt must follow issuedAt');
  const base = { id, holder: { name, birthDate, region }, kid, issuedAt, expiresAt };
  let certificate: Certificate;
  if (kindCode === 'v') {
    const [product, dose_, doses, date] = rest as [string, number, number, string];
    if (dose_ > doses) return err('PAYLOAD_INVALID', 'dose exceeds series');
    certificate = { ...base, kind: 'vaccination', product, dose: dose_, doses, date };
  } else if (kindCode === 't') {
    const [testType, result, sampleTime] = rest as ['pcr' | 'antigen', 'neg' | 'pos', number];
    certificate = { ...base, kind: 'test', testType, result, sampleTime };
  } else {
    certificate = { ...base, kind: 'recovery', firstPositiveDate: rest[0] as string };
  }
  return ok({ certificate, blob: blob.value, code });
}

/**
 * Longest validity of each kind, in days, when the signed policy names none (`policy.maxCertificateDays`).
 * Vaccination and recovery: the authority's issuing defaults. Test: rules judge a test by its sample time (a
 * negative PCR counts 48 h), so its validity only says how long a positive one can keep its holder black; 14 days
 * covers an isolation window of 10.
 */
export const DEFAULT_MAX_CERTIFICATE_DAYS: Readonly<Record<Certificate['kind'], number>> = {
  vaccination: 365,
  test: 14,
  recovery: 180,
};

/** The longest a certificate of `kind` may be valid (expiresAt − issuedAt) under `policy`, in seconds. */
export const maxCertificateSeconds = (policy: BundlePolicy, kind: Certificate['kind']): number =>
  (policy.maxCertificateDays ?? DEFAULT_MAX_CERTIFICATE_DAYS)[kind] * 86_400;

/**
 * What the bundle says of a certificate whatever the time: its signature, by a certificate key that is not
 * revoked and whose window covers the certificate's whole life (issuedAt … expiresAt), and a lifetime within
 * the policy's cap for its kind. So a key past its window, retired but not revoked, cannot mint anything
 * valid by writing an old `issuedAt`: whatever it signs expires within its window.
 */
export function checkCertificateKey(signed: SignedCertificate, bundle: BundlePayload): Result<BundleKey> {
  const c = signed.certificate;
  const { payload, signature, contentId } = signed.blob;
  const key = verifyWithBundleKey(bundle, {
    type: 'certificate',
    role: 'certificate',
    kid: c.kid,
    signedAt: c.issuedAt,
    validUntil: c.expiresAt,
    payload,
    signature,
    contentId,
    invalidSignature: 'CERTIFICATE_SIGNATURE_INVALID',
  });
  if (!key.ok) return key;
  const cap = maxCertificateSeconds(bundle.policy, c.kind);
  if (c.expiresAt - c.issuedAt > cap) return err('CERTIFICATE_LIFETIME_TOO_LONG', `${c.kind} over ${cap} s`);
  return key;
}

/** Signature, key role/window/revocation, lifetime, certificate revocation and validity at `now`. */
export function verifyCertificate(
  signed: SignedCertificate,
  bundle: BundlePayload,
  now: UnixSeconds,
): Result<SignedCertificate> {
  const c = signed.certificate;
  const key = checkCertificateKey(signed, bundle);
  if (!key.ok) return key;
  if (bundle.revocations.certificates.includes(c.id)) return err('CERTIFICATE_REVOKED', c.id);
  if (now < c.issuedAt) return err('CERTIFICATE_NOT_YET_VALID');
  if (now >= c.expiresAt) return err('CERTIFICATE_EXPIRED');
  return ok(signed);
}

export function encodeCertificate(certificate: Certificate, secretKey: Uint8Array): string {
  return encodeSignedDigits('certificate', payloadBytes(toTuple(certificate)), secretKey);
}

/** Certificates of one person share name and birth date (family members on one phone). */
export const holderKey = (h: Holder): string => `${h.name.trim().toLocaleLowerCase('id')}|${h.birthDate}`;
