/**
 * Certificate issuing: holder and kind-specific fields checked, expiry defaulted per kind and kept within the
 * certificate key's window and the policy's lifetime for the kind, signed with the certificate key, verified
 * exactly as a phone would against the published bundle, stored.
 */
import * as v from 'valibot';
import type { BundleKey, BundlePolicy } from '../../src/core/bundle';
import {
  type Certificate,
  decodeCertificate,
  encodeCertificate,
  maxCertificateSeconds,
  verifyCertificate,
} from '../../src/core/certificate';
import { certificateLink } from '../../src/core/qr-link';
import { isoDate, MAX_TIME, MIN_TIME, text, type UnixSeconds } from '../../src/core/schema';
import type { Queryable } from '../db';
import { AuthorityError } from '../errors';
import { randomId } from './ids';
import { check, checkRegion, DEFAULT_ORIGIN, describeError, int, isoTime, type RegisterOptions } from './input';
import { requirePublishedBundle } from './published-bundle';
import { listedKeyOf, signingKey } from './signing-keys';

const DAY = 86_400;
const HOUR = 3_600;

export interface HolderInput {
  readonly name: string;
  readonly birthDate: string;
  readonly region: string;
}

export type CertificateInput = {
  readonly holder: HolderInput;
  /** Defaults: vaccination 365 days after issue, test 72 h after sampling, recovery 180 days after the first positive. */
  readonly expiresAt?: UnixSeconds;
} & (
  | {
      readonly kind: 'vaccination';
      readonly product: string;
      readonly dose: number;
      readonly doses: number;
      readonly date: string;
    }
  | {
      readonly kind: 'test';
      readonly testType: 'pcr' | 'antigen';
      readonly result: 'neg' | 'pos';
      readonly sampleTime: UnixSeconds;
    }
  | { readonly kind: 'recovery'; readonly firstPositiveDate: string }
);

export interface IssuedCertificate {
  readonly certificate: Certificate;
  readonly code: string;
  readonly url: string;
}

const dateOf = (t: UnixSeconds) => new Date(t * 1000).toISOString().slice(0, 10);
const timeOfDate = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

function buildCertificate(input: CertificateInput, id: string, kid: string, now: UnixSeconds): Certificate {
  const holder = {
    name: check(text(80), input.holder?.name?.trim(), 'name (1–80 characters)'),
    birthDate: check(isoDate, input.holder?.birthDate, 'birth date (YYYY-MM-DD)'),
    region: checkRegion(input.holder?.region),
  };
  if (holder.birthDate > dateOf(now)) throw new AuthorityError('INPUT_INVALID', 'birth date is in the future');
  const base = { id, holder, kid, issuedAt: now };
  let certificate: Certificate;
  switch (input.kind) {
    case 'vaccination': {
      const product = check(text(40), input.product?.trim(), 'product (1–40 characters)');
      const dose = check(int(1, 9), input.dose, 'dose (1–9)');
      const doses = check(int(1, 9), input.doses, 'doses in series (1–9)');
      if (dose > doses) throw new AuthorityError('INPUT_INVALID', `dose ${dose} exceeds the series of ${doses}`);
      const date = check(isoDate, input.date, 'vaccination date (YYYY-MM-DD)');
      if (date > dateOf(now)) throw new AuthorityError('INPUT_INVALID', 'vaccination date is in the future');
      certificate = { ...base, kind: 'vaccination', product, dose, doses, date, expiresAt: now + 365 * DAY };
      break;
    }
    case 'test': {
      const testType = check(v.picklist(['pcr', 'antigen'], 'must be pcr or antigen'), input.testType, 'test type');
      const result = check(v.picklist(['neg', 'pos'], 'must be neg or pos'), input.result, 'result');
      const sampleTime = check(int(MIN_TIME, MAX_TIME), input.sampleTime, 'sample time');
      if (sampleTime > now) throw new AuthorityError('INPUT_INVALID', 'sample time is in the future');
      certificate = { ...base, kind: 'test', testType, result, sampleTime, expiresAt: sampleTime + 72 * HOUR };
      break;
    }
    case 'recovery': {
      const firstPositiveDate = check(isoDate, input.firstPositiveDate, 'first positive date (YYYY-MM-DD)');
      if (firstPositiveDate > dateOf(now))
        throw new AuthorityError('INPUT_INVALID', 'first positive date is in the future');
      certificate = {
        ...base,
        kind: 'recovery',
        firstPositiveDate,
        expiresAt: timeOfDate(firstPositiveDate) + 180 * DAY,
      };
      break;
    }
    default:
      throw new AuthorityError('INPUT_INVALID', 'kind must be vaccination, test or recovery');
  }
  if (input.expiresAt !== undefined) {
    certificate = { ...certificate, expiresAt: check(int(MIN_TIME, MAX_TIME), input.expiresAt, 'expiry') };
  }
  if (certificate.expiresAt <= now)
    throw new AuthorityError('INPUT_INVALID', 'the certificate would already be expired');
  return certificate;
}

/**
 * Refuse, in the operator's words, what every phone would refuse (core checkCertificateKey): a certificate
 * valid past its key's window, or longer than the policy allows for its kind.
 */
function checkLifetime(certificate: Certificate, key: BundleKey, policy: BundlePolicy): void {
  const { kind, issuedAt, expiresAt } = certificate;
  if (expiresAt > key.validTo) {
    throw new AuthorityError(
      'SIGNING_KEY_MISSING',
      `the certificate would be valid until ${isoTime(expiresAt)}, after the certificate key ${key.kid} expires (${isoTime(key.validTo)}), and phones would refuse it: run \`singgah keys rotate certificate\` and issue it again, or give an earlier expiry`,
    );
  }
  const cap = maxCertificateSeconds(policy, kind);
  if (expiresAt - issuedAt > cap) {
    throw new AuthorityError(
      'INPUT_INVALID',
      `a ${kind} certificate may be valid for at most ${cap / DAY} days (policy.maxCertificateDays); this one would be valid until ${isoTime(expiresAt)}: give an earlier expiry`,
    );
  }
}

/** Validate, sign and self-verify a certificate against the published bundle; no database needed. */
export function prepareCertificate(
  dataDir: string,
  input: CertificateInput,
  now: UnixSeconds,
): { certificate: Certificate; code: string } {
  const bundle = requirePublishedBundle(dataDir).payload;
  const key = signingKey(dataDir, bundle, 'certificate', now);
  const certificate = buildCertificate(input, `C${randomId(15)}`, key.kid, now);
  checkLifetime(certificate, listedKeyOf(bundle, key, now), bundle.policy);
  const code = encodeCertificate(certificate, key.secretKey);
  const decoded = decodeCertificate(code);
  const verified = decoded.ok ? verifyCertificate(decoded.value, bundle, now) : decoded;
  if (!verified.ok)
    throw new AuthorityError('INPUT_INVALID', `certificate does not verify: ${describeError(verified.error)}`);
  return { certificate, code };
}

/** Validate, sign with the certificate key, self-verify against the published bundle, insert. */
export async function issueCertificate(
  db: Queryable,
  dataDir: string,
  input: CertificateInput,
  now: UnixSeconds,
  options: RegisterOptions = {},
): Promise<IssuedCertificate> {
  const { certificate, code } = prepareCertificate(dataDir, input, now);
  await db.query(
    `insert into issued_certificates (id, kind, holder_name, holder_birth_date, code, demo, created_at)
     values ($1, $2, $3, $4, $5, $6, to_timestamp($7))`,
    [
      certificate.id,
      certificate.kind,
      certificate.holder.name,
      certificate.holder.birthDate,
      code,
      options.demo ?? false,
      now,
    ],
  );
  return { certificate, code, url: certificateLink(options.origin ?? DEFAULT_ORIGIN, code) };
}
