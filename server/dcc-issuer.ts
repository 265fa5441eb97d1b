/**
 * The authority as an EU DCC issuer (the issuing side of PeduliLindungi's international certificate): its own
 * Document Signer key and self-signed certificate (ES256, country ID by default, the DCC key usages), and
 * `HC1:` certificates signed with it — CWT claims → COSE_Sign1 (kid in the protected header) → zlib → base45.
 * Every certificate is checked with core `inspectDcc` against the issuer's signer record before it is printed.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import * as v from 'valibot';
import { inspectDcc, toBase45 } from '../src/core/dcc';
import { sigStructure } from '../src/core/dcc/cose';
import { isoDate, type UnixSeconds } from '../src/core/schema';
import { isoTime } from './authority';
import { encodeCbor } from './cbor-encode';
import { addTrustedSigners, signerFromDer, type TrustedSigner } from './dcc-trust';
import { AuthorityError } from './errors';
import { checkNewPassphrase } from './key-encryption';
import { currentPassphrase, writeFileAtomic } from './keys';
import { selfSignedCertificate } from './x509-build';

const DAY = 86_400;
/** Two years, as member states' DSCs: every DCC it signs must expire within its validity. */
const SIGNER_VALIDITY_SECONDS = 730 * DAY;
const EKU_TVR = ['1.3.6.1.4.1.1847.2021.1.1', '1.3.6.1.4.1.1847.2021.1.2', '1.3.6.1.4.1.1847.2021.1.3'];
const COVID_19 = '840539006';

export const dccIssuerPath = (dataDir: string) => join(dataDir, 'keys', 'dcc-issuer.json');

interface IssuerFile {
  readonly version: 1;
  readonly country: string;
  /** base64 DER. */
  readonly certificate: string;
  /**
   * PKCS#8 PEM; when a passphrase is set, encrypted PKCS#8 (PBES2: OpenSSL's PBKDF2 and AES-256-CBC — weaker
   * against guessing than the scrypt of the Ed25519 key files, so the passphrase must be long).
   */
  readonly privateKey: string;
}

export interface DccIssuer {
  readonly country: string;
  readonly trusted: TrustedSigner;
  readonly privateKey: KeyObject;
}

/**
 * Create the issuer key and its certificate, and trust it (so the next bundle carries it). Refuses when one
 * exists unless `force` (the old one stays trusted: DCCs it signed keep verifying until `trust remove`).
 */
export function createDccIssuer(
  dataDir: string,
  now: UnixSeconds,
  country: string,
  force = false,
  path = dccIssuerPath(dataDir),
): DccIssuer {
  if (!/^[A-Z]{2}$/.test(country))
    throw new AuthorityError('INPUT_INVALID', `--country must be 2 letters (ID), got "${country}"`);
  if (existsSync(path) && !force) {
    throw new AuthorityError('KEYS_EXIST', `${path} exists: use --force to make a new DCC issuer key`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certificate = selfSignedCertificate({
    keyType: 'es256',
    privateKey,
    publicKey,
    country,
    commonName: `Singgah DCC issuer ${country}`,
    notBefore: now - 60,
    notAfter: now + SIGNER_VALIDITY_SECONDS,
    eku: EKU_TVR,
    serial: randomBytes(8),
  });
  const passphrase = currentPassphrase();
  if (passphrase) checkNewPassphrase(passphrase);
  const file: IssuerFile = {
    version: 1,
    country,
    certificate: certificate.der.toString('base64'),
    privateKey: String(
      privateKey.export({
        format: 'pem',
        type: 'pkcs8',
        ...(passphrase ? { cipher: 'aes-256-cbc', passphrase } : {}),
      }),
    ),
  };
  const trusted = signerFromDer(certificate.der, 'the DCC issuer certificate');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
  addTrustedSigners(dataDir, [trusted]);
  return { country, trusted, privateKey };
}

/** `path`: another issuer file than the authority's own (the demo's "foreign" signer, server/demo.ts). */
export function loadDccIssuer(dataDir: string, path = dccIssuerPath(dataDir)): DccIssuer {
  if (!existsSync(path)) {
    throw new AuthorityError('KEYS_MISSING', 'no DCC issuer key: run `singgah keys create-dcc-issuer` first');
  }
  let file: IssuerFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as IssuerFile;
  } catch {
    throw new AuthorityError('KEY_FILE_INVALID', `${path} is not valid JSON`);
  }
  let privateKey: KeyObject;
  try {
    const passphrase = currentPassphrase();
    privateKey = createPrivateKey({ key: file.privateKey, format: 'pem', ...(passphrase ? { passphrase } : {}) });
  } catch {
    throw new AuthorityError(
      'KEY_LOCKED',
      `${path}: cannot open the key (give the passphrase, or the file was altered)`,
    );
  }
  return { country: file.country, trusted: signerFromDer(Buffer.from(file.certificate, 'base64'), path), privateKey };
}

// ---------------------------------------------------------------- the certificate

/** ICAO 9303 transliteration as the DCC wants it (`fnt`/`gnt`): A–Z and `<`, diacritics dropped. */
export function transliterate(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]+/g, '<')
    .replace(/^<+|<+$/g, '')
    .slice(0, 80);
}

export type DccIssueInput = {
  /** `fn`: the surname, or the whole name of a person with one name (common in Indonesia). */
  readonly familyName: string;
  readonly givenName?: string;
  readonly birthDate: string;
  /** `is`: the issuing authority's name. */
  readonly issuer: string;
  readonly expiresAt?: UnixSeconds;
} & (
  | {
      readonly kind: 'vaccination';
      /** `mp`, `ma`, `vp`: EU value-set codes (EU/1/20/1528, ORG-100030215, 1119349007). */
      readonly product: string;
      readonly manufacturer: string;
      readonly prophylaxis: string;
      readonly dose: number;
      readonly doses: number;
      readonly date: string;
    }
  | {
      readonly kind: 'test';
      readonly testType: 'pcr' | 'antigen';
      readonly result: 'neg' | 'pos';
      readonly sampleTime: UnixSeconds;
      readonly testCentre?: string;
      readonly device?: string;
    }
  | { readonly kind: 'recovery'; readonly firstPositiveDate: string }
);

const TEST_TYPES = { pcr: 'LP6464-4', antigen: 'LP217198-3' } as const;
const TEST_RESULTS = { neg: '260415000', pos: '260373001' } as const;

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY * 1000).toISOString().slice(0, 10);

function checkDate(value: string, what: string): string {
  if (!v.safeParse(isoDate, value).success)
    throw new AuthorityError('INPUT_INVALID', `${what} must be YYYY-MM-DD, got "${value}"`);
  return value;
}

/** A UVCI of the EU's option 1 form: URN:UVCI:01:<country>:<26 random characters>. */
const uvci = (country: string) => {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const random = [...randomBytes(26)].map((b) => alphabet[b % 36]).join('');
  return `URN:UVCI:01:${country}:${random}`;
};

/** The DCC payload (hcert −260 → 1) and its default validity. */
function payloadOf(input: DccIssueInput, country: string, now: UnixSeconds): { dcc: object; expiresAt: UnixSeconds } {
  const nam = {
    fn: input.familyName,
    fnt: transliterate(input.familyName),
    ...(input.givenName ? { gn: input.givenName, gnt: transliterate(input.givenName) } : {}),
  };
  if (nam.fnt === '') throw new AuthorityError('INPUT_INVALID', '--name has no letters to transliterate (A–Z)');
  const common = { co: country, is: input.issuer, ci: uvci(country) };
  const base = { ver: '1.3.0', nam, dob: checkDate(input.birthDate, '--birth-date') };
  if (input.kind === 'vaccination') {
    if (input.dose < 1 || input.doses < 1)
      throw new AuthorityError('INPUT_INVALID', '--dose and --doses must be at least 1');
    const entry = {
      tg: COVID_19,
      vp: input.prophylaxis,
      mp: input.product,
      ma: input.manufacturer,
      dn: input.dose,
      sd: input.doses,
      dt: checkDate(input.date, '--date'),
      ...common,
    };
    return { dcc: { ...base, v: [entry] }, expiresAt: input.expiresAt ?? now + 365 * DAY };
  }
  if (input.kind === 'test') {
    const entry = {
      tg: COVID_19,
      tt: TEST_TYPES[input.testType],
      ...(input.device ? { ma: input.device } : {}),
      sc: isoTime(input.sampleTime),
      tr: TEST_RESULTS[input.result],
      ...(input.testCentre ? { tc: input.testCentre } : {}),
      ...common,
    };
    return { dcc: { ...base, t: [entry] }, expiresAt: input.expiresAt ?? input.sampleTime + 72 * 3600 };
  }
  const fr = checkDate(input.firstPositiveDate, '--first-positive-date');
  // EU practice: valid from day 11 after the first positive test, for 180 days from it.
  const entry = { tg: COVID_19, fr, df: addDays(fr, 11), du: addDays(fr, 180), ...common };
  return { dcc: { ...base, r: [entry] }, expiresAt: input.expiresAt ?? Date.parse(`${entry.du}T00:00:00Z`) / 1000 };
}

export interface IssuedDcc {
  readonly text: string;
  readonly payload: object;
  readonly issuedAt: UnixSeconds;
  readonly expiresAt: UnixSeconds;
  readonly kid: string;
}

/** Sign a DCC with the authority's issuer key and verify it as a phone would before returning it. */
export function issueDcc(
  dataDir: string,
  input: DccIssueInput,
  now: UnixSeconds,
  path = dccIssuerPath(dataDir),
): IssuedDcc {
  const issuer = loadDccIssuer(dataDir, path);
  const signer = issuer.trusted.signer;
  const { dcc, expiresAt } = payloadOf(input, issuer.country, now);
  if (expiresAt <= now) throw new AuthorityError('INPUT_INVALID', 'the certificate would already be expired');
  if (expiresAt > signer.notAfter) {
    throw new AuthorityError(
      'INPUT_INVALID',
      `the certificate would outlive the DCC issuer key (${isoTime(signer.notAfter)}): make a new one`,
    );
  }
  const kid = Buffer.from(signer.kid, 'base64');
  const protectedBytes = encodeCbor(
    new Map<number, unknown>([
      [1, -7],
      [4, kid],
    ]),
  );
  const payload = encodeCbor(
    new Map<number, unknown>([
      [1, issuer.country],
      [4, expiresAt],
      [6, now],
      [-260, new Map([[1, dcc]])],
    ]),
  );
  const toBeSigned = sigStructure({ protectedBytes, payload, alg: 'ES256', kid, signature: new Uint8Array() });
  const signature = sign('sha256', toBeSigned, { key: issuer.privateKey, dsaEncoding: 'ieee-p1363' });
  // COSE_Sign1, tag 18 (0xd2): [protected, {}, payload, signature].
  const cose = Buffer.concat([Uint8Array.of(0xd2), encodeCbor([protectedBytes, new Map(), payload, signature])]);
  const text = `HC1:${toBase45(deflateSync(cose, { level: 9 }))}`;
  const check = inspectDcc(text, { at: now, signers: [signer] });
  if (!check.valid) {
    throw new AuthorityError('INPUT_INVALID', `the signed DCC does not verify: ${check.errors.join(', ')}`);
  }
  return { text, payload: dcc, issuedAt: now, expiresAt, kid: signer.kid };
}
