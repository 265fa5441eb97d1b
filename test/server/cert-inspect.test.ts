/**
 * `cert inspect`'s verdicts in process (server/cert-inspect.ts), without the CLI around them: Singgah links
 * against a bundle, EU DCCs against Document Signer Certificates, SMART Health Cards against issuers and bare
 * JWKS, the JSON-lines input (malformed lines, its own `at` and `trust`), the record's exact shape and the
 * readable report. test/server/cli/dcc-inspect.test.ts drives the same code through `bin/singgah.mjs`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleRevocations,
  bundleSigners,
  CHECKS,
  contextOf,
  describeInspected,
  failedRecord,
  type InspectContext,
  type Inspected,
  inspectLine,
  inspectText,
  parseAt,
  recordOf,
  shcTrustOfText,
  type TrustSet,
  trustOfTexts,
} from '../../server/cert-inspect';
import { signerFromDer } from '../../server/dcc-trust';
import { AuthorityError } from '../../server/errors';
import type { BundlePayload } from '../../src/core/bundle';
import type { Certificate } from '../../src/core/certificate';
import { type DccSigner, uciHash } from '../../src/core/dcc';
import { SHC_CHECKS, type ShcIssuer } from '../../src/core/shc';
import {
  bundleKey,
  certKey,
  DAY,
  defaultKeys,
  makeBundlePayload,
  NOW,
  pcr,
  recovery,
  seededKey,
  signCertificate,
  vaccination,
} from '../support/authority';
import { ISSUED, PAYLOADS, signDcc, type TestSigner, YEAR } from '../support/dcc-sign';
import {
  bigPayload,
  cardPayload,
  immunization,
  labResult,
  makeShcIssuer,
  NOW as SHC_NOW,
  type ShcTestIssuer,
  shcQr,
  signShc,
  TEST_ISS,
  VACCINATED,
} from '../support/shc-sign';
import { DCC_EKU, type Dsc, makeDsc } from '../support/x509';

const SAMPLES = resolve(import.meta.dirname, '../vectors/eu-dcc');
const SHC_VECTORS = resolve(import.meta.dirname, '../vectors/shc');

const testSigner = (dsc: Dsc): TestSigner => ({
  signer: signerFromDer(dsc.der, 'dsc', undefined, { lenient: true }).signer,
  privateKey: dsc.privateKey,
  kid: new Uint8Array(Buffer.from(dsc.kid, 'base64')),
});

const at = makeDsc({ country: 'AT', eku: [DCC_EKU.v] });
const atSigner = testSigner(at);
/** `at` with its key algorithm (id-ecPublicKey) turned into one no one knows, same length: it parses, its key does not. */
const unknownKeyDer = Buffer.from(
  at.der.toString('latin1').replace('\x2a\x86\x48\xce\x3d\x02\x01', '\x2a\x86\x48\xce\x3d\x02\x7f'),
  'latin1',
);
const shcIssuer = makeShcIssuer();
const otherShcIssuer = makeShcIssuer();
const issuersOf = (...list: ShcTestIssuer[]): ShcIssuer[] =>
  list.map((i) => ({ iss: i.iss, name: 'Test Issuer', keys: [i.key] }));

const NO_BUNDLE = { error: 'BUNDLE_NOT_PUBLISHED' } as const;
const ctxOf = (o: Partial<InspectContext> & Pick<InspectContext, 'at'>): InspectContext => ({
  signers: [],
  bundle: NO_BUNDLE,
  ...o,
});
const NINE_NULL = Object.fromEntries(CHECKS.map((c) => [c, null]));

/** A Singgah certificate link as `cert issue` prints it. */
const linkOf = (c: Certificate, key = certKey, origin = 'https://singgah.example') =>
  `${origin}/c#${signCertificate(c, key)}`;

describe('Singgah certificate links', () => {
  const bundle = makeBundlePayload();
  const cert = vaccination(2, 2, '2026-01-10');
  const inspect = (text: string, b: InspectContext['bundle'] = bundle, when = NOW) =>
    inspectText(text, ctxOf({ at: when, bundle: b }));

  it('a valid certificate: the steps it has are ok, the DCC-only ones stay null', async () => {
    const r = await inspect(linkOf(cert));
    expect(r).toEqual({
      format: 'singgah',
      valid: true,
      checks: { ...NINE_NULL, prefix: true, schema: true, signature: true, keyUsage: true, time: true },
      errors: [],
      payload: cert,
      certificate: cert,
    });
    // The path letter and the scheme are case-insensitive (QR texts are upper-cased), white space before is fine.
    expect((await inspect(linkOf(cert).replace('/c#', '/C#'))).valid).toBe(true);
    expect((await inspect(` \n${linkOf(cert, certKey, 'HTTP://SINGGAH.EXAMPLE')}`)).valid).toBe(true);
  });

  it('a venue link or undecodable digits are no certificate', async () => {
    const venue = await inspect('https://singgah.example/v#12345678');
    expect(venue).toEqual({ ...failedRecord('NOT_A_CERTIFICATE'), format: 'singgah' });
    expect((await inspect('https://singgah.example/V#12345678')).errors).toEqual(['NOT_A_CERTIFICATE']);
    const garbled = await inspect('https://singgah.example/c#12345678');
    expect(garbled).toMatchObject({ format: 'singgah', valid: false, payload: null });
    expect(garbled.checks).toEqual({ ...NINE_NULL, prefix: true, schema: false });
    expect(garbled.errors).toHaveLength(1);
    expect(garbled.errors[0]).not.toBe('NOT_A_CERTIFICATE');
    expect(garbled.certificate).toBeUndefined();
  });

  it('without a verified bundle: the bundle error, signature and key usage not checked, the time still is', async () => {
    const r = await inspect(linkOf(cert), { error: 'BUNDLE_INVALID' });
    expect(r).toMatchObject({ format: 'singgah', valid: false, errors: ['BUNDLE_INVALID'], payload: cert });
    expect(r.checks).toEqual({ ...NINE_NULL, prefix: true, schema: true, time: true });
  });

  it('a key failure fails the signature (unknown key, forged, revoked key) or else the key usage', async () => {
    const forged = linkOf(cert, seededKey(9));
    const cases: [string, InspectContext['bundle'], string, boolean, boolean | null][] = [
      [linkOf(cert), makeBundlePayload({ keys: defaultKeys.slice(1) }), 'KEY_UNKNOWN', false, null],
      [forged, bundle, 'CERTIFICATE_SIGNATURE_INVALID', false, null],
      [
        linkOf(cert),
        makeBundlePayload({ revocations: { keys: [defaultKeys[0].kid], certificates: [] } }),
        'KEY_REVOKED',
        false,
        null,
      ],
      [
        linkOf(cert),
        makeBundlePayload({ keys: [bundleKey(certKey, 'venue'), ...defaultKeys.slice(1)] }),
        'KEY_WRONG_ROLE',
        true,
        false,
      ],
      [
        linkOf(cert),
        makeBundlePayload({ keys: [bundleKey(certKey, 'certificate', NOW), ...defaultKeys.slice(1)] }),
        'KEY_NOT_VALID_NOW',
        true,
        false,
      ],
    ];
    for (const [text, b, code, signature, keyUsage] of cases) {
      const r = await inspect(text, b);
      expect({ code, errors: r.errors, valid: r.valid }).toEqual({ code, errors: [code], valid: false });
      expect({ code, checks: r.checks }).toEqual({
        code,
        checks: { ...NINE_NULL, prefix: true, schema: true, signature, keyUsage, time: true },
      });
    }
    // A lifetime over the policy's cap for its kind (a test: 14 days) is a key-usage failure.
    const long = { ...pcr('neg', NOW - DAY), expiresAt: NOW + 20 * DAY };
    const r = await inspect(linkOf(long));
    expect(r.errors).toEqual(['CERTIFICATE_LIFETIME_TOO_LONG']);
    expect(r.checks).toMatchObject({ signature: true, keyUsage: false, time: true });
  });

  it('a revoked certificate: signature and key fine, still not valid', async () => {
    const revoked = makeBundlePayload({ revocations: { keys: [], certificates: [cert.id] } });
    const r = await inspect(linkOf(cert), revoked);
    expect(r).toMatchObject({ valid: false, errors: ['CERTIFICATE_REVOKED'] });
    expect(r.checks).toMatchObject({ signature: true, keyUsage: true, time: true });
  });

  it('valid from issuedAt up to, not including, expiresAt', async () => {
    const when = async (t: number) => {
      const r = await inspect(linkOf(cert), bundle, t);
      return [r.valid, r.checks.time, ...r.errors];
    };
    expect(await when(cert.issuedAt - 1)).toEqual([false, false, 'CERTIFICATE_NOT_YET_VALID']);
    expect(await when(cert.issuedAt)).toEqual([true, true]);
    expect(await when(cert.expiresAt - 1)).toEqual([true, true]);
    expect(await when(cert.expiresAt)).toEqual([false, false, 'CERTIFICATE_EXPIRED']);
    // A revoked certificate past its time: every reason is listed.
    const revoked = makeBundlePayload({ revocations: { keys: [], certificates: [cert.id] } });
    expect((await inspect(linkOf(cert), revoked, cert.expiresAt)).errors).toEqual([
      'CERTIFICATE_REVOKED',
      'CERTIFICATE_EXPIRED',
    ]);
  });
});

describe('EU DCCs', () => {
  const inspect = (text: string, o: Partial<InspectContext> = {}) =>
    inspectText(text, ctxOf({ at: ISSUED + 60, signers: [atSigner.signer], ...o }));

  it('valid: every check ok, the payload, the kid and the signer that verified it', async () => {
    const r = await inspect(signDcc({ by: atSigner }));
    expect(r).toEqual({
      format: 'eu-dcc',
      valid: true,
      checks: Object.fromEntries(CHECKS.map((c) => [c, true])),
      errors: [],
      payload: PAYLOADS.v,
      kid: at.kid,
      signer: atSigner.signer,
    });
  });

  it('each failure on its own check: unknown signer, key usage, expiry, tampering, revocation', async () => {
    const v = signDcc({ by: atSigner });
    const unknown = await inspect(v, { signers: [] });
    expect(unknown).toMatchObject({ valid: false, errors: ['SIGNER_UNKNOWN'], kid: at.kid });
    expect(unknown.checks.signature).toBe(false);
    expect(unknown.signer).toBeUndefined();

    const t = await inspect(signDcc({ by: atSigner, payload: PAYLOADS.t }));
    expect(t).toMatchObject({ valid: false, errors: ['KEY_USAGE_MISMATCH'] });
    expect(t.checks).toMatchObject({ signature: true, keyUsage: false });

    const expired = await inspect(v, { at: ISSUED + YEAR + 1 });
    expect(expired).toMatchObject({ valid: false });
    expect(expired.checks).toMatchObject({ signature: true, time: false });

    const tampered = await inspect(signDcc({ by: atSigner, tamper: (p) => Uint8Array.from([...p.slice(0, -1), 0]) }));
    expect(tampered.valid).toBe(false);
    expect(tampered.checks.signature).toBe(false);

    // Revocations reach core only when given: a listed UCI is refused, the same DCC without the list is valid.
    const revocations = { uci: [uciHash(PAYLOADS.v.v[0].ci)] };
    const revoked = await inspect(v, { revocations });
    expect(revoked).toMatchObject({ valid: false, errors: ['CERTIFICATE_REVOKED'] });
    expect((await inspect(v, { revocations: undefined })).valid).toBe(true);
  });

  it('without a kid, or not a DCC at all: no kid, no signer, nothing after the failed step', async () => {
    const noKid = await inspect(signDcc({ by: atSigner, kid: 'none' }));
    expect(noKid.valid).toBe(false);
    expect(Object.keys(noKid)).toEqual(['format', 'valid', 'checks', 'errors', 'payload']);
    const hello = await inspect('hello');
    expect(hello).toMatchObject({ format: 'eu-dcc', valid: false, payload: null });
    expect(hello.checks).toEqual({ ...NINE_NULL, prefix: false });
    expect(Object.keys(hello)).toEqual(['format', 'valid', 'checks', 'errors', 'payload']);
  });

  interface Sample {
    readonly name: string;
    readonly PREFIX: string;
    readonly TESTCTX: { readonly CERTIFICATE?: string; readonly VALIDATIONCLOCK?: string };
    readonly EXPECTEDRESULTS: Record<string, boolean>;
  }
  const FLAG_CHECKS: Record<string, string> = {
    EXPECTEDUNPREFIX: 'prefix',
    EXPECTEDB45DECODE: 'base45',
    EXPECTEDCOMPRESSION: 'decompress',
    EXPECTEDDECODE: 'cbor',
    EXPECTEDSCHEMAVALIDATION: 'schema',
    EXPECTEDVERIFY: 'signature',
    EXPECTEDKEYUSAGE: 'keyUsage',
    EXPECTEDEXPIRATIONCHECK: 'time',
  };

  it('the EU samples as JSON lines, each with its certificate and clock: every expected flag met', async () => {
    const samples: Sample[] = [];
    for (const country of readdirSync(SAMPLES)) {
      const dir = join(SAMPLES, country);
      if (!statSync(dir).isDirectory()) continue;
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
        samples.push({ name: `${country}/${f}`, ...JSON.parse(readFileSync(join(dir, f), 'utf8')) });
      }
    }
    expect(samples.length).toBe(22);
    let valid = 0;
    for (const s of samples) {
      const line = JSON.stringify({
        text: s.PREFIX,
        ...(s.TESTCTX.VALIDATIONCLOCK ? { at: s.TESTCTX.VALIDATIONCLOCK } : {}),
        trust: s.TESTCTX.CERTIFICATE ? [s.TESTCTX.CERTIFICATE] : [],
      });
      const r = await inspectLine(line, { now: ISSUED, bundle: () => NO_BUNDLE });
      for (const [flag, check] of Object.entries(FLAG_CHECKS)) {
        const want = s.EXPECTEDRESULTS[flag];
        if (want === undefined) continue;
        expect({ sample: s.name, flag, ok: r.checks[check as 'prefix'] === true }).toEqual({
          sample: s.name,
          flag,
          ok: want,
        });
      }
      if (r.valid) valid++;
    }
    expect(valid).toBeGreaterThan(5);
  });
});

describe('SMART Health Cards', () => {
  const ALL_TRUE = Object.fromEntries(SHC_CHECKS.map((c) => [c, true]));
  const inspect = (text: string, o: Partial<InspectContext> = {}) =>
    inspectText(text, ctxOf({ at: SHC_NOW, shcIssuers: issuersOf(shcIssuer), ...o }));

  it('a QR text: the SHC checks, the payload, the key and the issuer that verified it', async () => {
    const [qr] = shcQr(shcIssuer, VACCINATED());
    const r = await inspect(qr);
    expect(r).toEqual({
      format: 'shc',
      valid: true,
      checks: ALL_TRUE,
      errors: [],
      payload: VACCINATED(),
      kid: shcIssuer.key.kid,
      shcIssuer: issuersOf(shcIssuer)[0],
    });
    // The chunks of a multi-QR card, one per line (either line break).
    const parts = shcQr(shcIssuer, bigPayload(1000));
    expect(parts.length).toBeGreaterThan(1);
    expect(await inspect(parts.join('\r\n'))).toMatchObject({ format: 'shc', valid: true });
    expect(await inspect(parts.join('\n'))).toMatchObject({ format: 'shc', valid: true });
    expect(await inspect(parts[1])).toMatchObject({ format: 'shc', valid: false, errors: ['SHC_CHUNK_MISSING'] });
  });

  it('a bare JWS has no prefix or numeric step; a final line break is not part of it, other space fails it', async () => {
    const jws = signShc(shcIssuer, VACCINATED());
    const r = await inspect(jws);
    expect(r).toMatchObject({ format: 'shc', valid: true });
    expect(r.checks).toEqual({ ...ALL_TRUE, prefix: null, numeric: null });
    expect((await inspect(`${jws}\n\r\n`)).valid).toBe(true);
    expect(await inspect(`${jws} `)).toMatchObject({ format: 'shc', valid: false });
    expect(await inspect(`\uFEFF${jws}`)).toMatchObject({ format: 'shc', valid: false });
    const [qr] = shcQr(shcIssuer, VACCINATED());
    expect(await inspect(` \t\n ${qr}`)).toMatchObject({ format: 'shc', valid: false });
    expect(await inspect(`${qr}\n`)).toMatchObject({ format: 'shc', valid: true });
    // Undecodable: no key, no issuer, only the record's fields.
    const broken = await inspect('shc:/5676');
    expect(broken).toMatchObject({ format: 'shc', valid: false, payload: null });
    expect(Object.keys(broken)).toEqual(['format', 'valid', 'checks', 'errors', 'payload']);
    // Not a JWS shape (a space inside it, a fourth part, no `eyJ` header): read as a DCC, which it is not.
    expect((await inspect(`${jws.slice(0, 30)} ${jws.slice(30)}`)).format).toBe('eu-dcc');
    expect((await inspect(`${jws}.x`)).format).toBe('eu-dcc');
    expect((await inspect(`xeyJ${jws.slice(3)}`)).format).toBe('eu-dcc');
  });

  it('a JWKS naming no issuer vouches for the card’s own iss, only when the card is not otherwise trusted', async () => {
    const jws = signShc(shcIssuer, VACCINATED());
    const byKey = await inspect(jws, { shcIssuers: [], shcKeys: [shcIssuer.key] });
    expect(byKey).toMatchObject({ valid: true, shcIssuer: { iss: TEST_ISS, name: '--trust', keys: [shcIssuer.key] } });
    // Trusted by its named issuer: that issuer is reported, not the JWKS.
    const both = await inspect(jws, { shcKeys: [shcIssuer.key] });
    expect(both.shcIssuer?.name).toBe('Test Issuer');
    // The card's iss is a known issuer with other keys: a loose JWKS does not add keys to it.
    const known = await inspect(jws, {
      shcIssuers: issuersOf({ ...otherShcIssuer, iss: TEST_ISS }),
      shcKeys: [shcIssuer.key],
    });
    expect(known.valid).toBe(false);
    expect(known.shcIssuer).toBeUndefined();
    // Other issuers known, the card's not: the JWKS still vouches for it.
    const elsewhere = { ...otherShcIssuer, iss: 'https://other.example' };
    const other = await inspect(jws, { shcIssuers: issuersOf(elsewhere), shcKeys: [shcIssuer.key] });
    expect(other).toMatchObject({ valid: true, shcIssuer: { iss: TEST_ISS, name: '--trust' } });
    // No keys given: the issuer is simply unknown.
    const none = await inspect(jws, { shcIssuers: [], shcKeys: [] });
    expect(none).toMatchObject({ valid: false, errors: ['SHC_ISSUER_UNKNOWN'] });
    const wrongKey = await inspect(jws, { shcIssuers: [], shcKeys: [otherShcIssuer.key] });
    expect(wrongKey.valid).toBe(false);
  });

  it('a .smart-health-card file: valid only when every card is; a check false if false for any, null if null for any', async () => {
    const good = signShc(shcIssuer, VACCINATED());
    const file = (list: unknown) => JSON.stringify({ verifiableCredential: list });
    const two = await inspect(file([good, good]));
    expect(two).toEqual({
      format: 'shc',
      valid: true,
      checks: { ...ALL_TRUE, prefix: null, numeric: null },
      errors: [],
      payload: [VACCINATED(), VACCINATED()],
    });
    // One card: reported as that card, with its key and issuer.
    const one = await inspect(file([good]));
    expect(one).toMatchObject({ valid: true, payload: VACCINATED(), kid: shcIssuer.key.kid });
    expect(one.shcIssuer?.iss).toBe(TEST_ISS);

    const expired = signShc(shcIssuer, { ...VACCINATED(), exp: SHC_NOW - 1 });
    const mixed = await inspect(file([good, expired, expired]));
    expect(mixed).toMatchObject({ valid: false, errors: ['CERTIFICATE_EXPIRED'] });
    expect(mixed.checks).toEqual({ ...ALL_TRUE, prefix: null, numeric: null, time: false });
    const untrusted = signShc(otherShcIssuer, { ...VACCINATED(), iss: 'https://other.example' });
    expect((await inspect(file([untrusted, expired]))).errors).toEqual(['SHC_ISSUER_UNKNOWN', 'CERTIFICATE_EXPIRED']);

    const empty = await inspect(file([]));
    expect(empty).toEqual({
      format: 'shc',
      valid: false,
      checks: Object.fromEntries(SHC_CHECKS.map((c) => [c, false])),
      errors: ['SHC_JWS_INVALID'],
      payload: [],
    });
    const notText = await inspect(file([good, 42]));
    expect(notText).toMatchObject({ format: 'shc', valid: false, errors: ['SHC_JWS_INVALID'] });
    // Not a card file (no list, a list elsewhere, not JSON): read as a DCC.
    for (const text of ['{"verifiableCredential": "x"}', '{"keys": []}', '{not json', 'null']) {
      expect((await inspect(text)).format).toBe('eu-dcc');
    }
    expect(await inspect(` \n${file([good])}\n`)).toMatchObject({ format: 'shc', valid: true });
  });

  it('the specification’s example JWS against its published JWKS', async () => {
    const spec = readFileSync(join(SHC_VECTORS, 'example-00-d-jws.txt'), 'utf8');
    const trust = shcTrustOfText(readFileSync(join(SHC_VECTORS, 'issuer-jwks.json'), 'utf8'), 'jwks');
    const r = await inspectText(spec, ctxOf({ at: parseAt('2026-01-01') as number, shcKeys: trust?.keys ?? [] }));
    expect(r).toMatchObject({ format: 'shc', valid: true, shcIssuer: { name: '--trust' } });
  });
});

describe('recordOf: the JSON-lines fields only, in order, the checks of the format', () => {
  it('DCC names for DCCs, Singgah links and unreadable lines; SHC names for cards; missing ones null', () => {
    const r: Inspected = {
      payload: 1,
      errors: ['X'],
      checks: { signature: true, numeric: false },
      valid: false,
      format: 'eu-dcc',
      kid: 'k',
    };
    const dcc = recordOf(r);
    expect(Object.keys(dcc)).toEqual(['format', 'valid', 'checks', 'errors', 'payload']);
    expect(Object.entries(dcc.checks)).toEqual(CHECKS.map((c) => [c, c === 'signature' ? true : null]));
    expect(dcc).toMatchObject({ format: 'eu-dcc', valid: false, errors: ['X'], payload: 1 });
    expect(Object.keys(recordOf({ ...r, format: 'singgah' }).checks)).toEqual(CHECKS);
    expect(Object.keys(recordOf({ ...r, format: null }).checks)).toEqual(CHECKS);
    const shc = recordOf({ ...r, format: 'shc', valid: true });
    expect(Object.entries(shc.checks)).toEqual(
      SHC_CHECKS.map((c) => [c, c === 'numeric' ? false : c === 'signature' ? true : null]),
    );
    expect(shc.valid).toBe(true);
  });
});

describe('parseAt', () => {
  let tz: string | undefined;
  // A time without a zone must be read as UTC whatever the machine's zone: run these in Jakarta's (UTC+7).
  // (A worker thread cannot change its zone: there the machine's applies.)
  beforeAll(() => {
    tz = process.env.TZ;
    process.env.TZ = 'Asia/Jakarta';
  });
  afterAll(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('ISO 8601 (no zone = UTC, a date = midnight UTC), Unix seconds as text or number', () => {
    for (const text of [
      '2021-08-02',
      '2021-08-02T00:00',
      '2021-08-02T00:00:00',
      '2021-08-02T00:00:00.999',
      '2021-08-02T00:00:00Z',
      '2021-08-02t00:00:00z',
      '2021-08-02T07:00+07:00',
      '2021-08-02T07:00:00+0700',
      '2021-08-01T20:00:00.5-04:00',
      ' 2021-08-02 ',
      String(ISSUED),
      ` ${ISSUED}\n`,
    ]) {
      expect({ text, at: parseAt(text) }).toEqual({ text, at: ISSUED });
    }
    expect(parseAt(ISSUED)).toBe(ISSUED);
    expect(parseAt(ISSUED + 0.9)).toBe(ISSUED);
    expect(parseAt(-1.5)).toBe(-2);
    expect(parseAt('0')).toBe(0);
    expect(parseAt('999999999999')).toBe(999_999_999_999);
  });

  it('anything else is undefined', () => {
    for (const raw of [
      'soon',
      '',
      '1234567890123',
      '-5',
      '12.5',
      '2021-13-45',
      '2021-08-02T25:00',
      '2021-08-02 00:00',
      '2021-08-02T00',
      '2021-08-02T00:00+7',
      'x2021-08-02',
      'Mon 2021-08-02',
      '2021-08-02x',
      'x1',
      '1x',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      null,
      undefined,
      true,
      {},
      [ISSUED],
    ]) {
      expect({ raw, at: parseAt(raw) }).toEqual({ raw, at: undefined });
    }
  });
});

describe('trust texts', () => {
  const second = makeShcIssuer();

  it('shcTrustOfText: a JWKS gives keys (unusable ones dropped), a VCI snapshot issuers, anything else undefined', () => {
    expect(shcTrustOfText(JSON.stringify({ keys: [shcIssuer.jwk] }), 'f')).toEqual({
      issuers: [],
      keys: [shcIssuer.key],
    });
    const mixed = { keys: [{ ...second.jwk, d: 'secret' }, 'x', shcIssuer.jwk, second.jwk] };
    expect(shcTrustOfText(JSON.stringify(mixed), 'f')?.keys).toEqual([shcIssuer.key, second.key]);
    const snapshot = {
      issuerInfo: [{ issuer: { iss: 'https://two.example.org', name: 'Issuer Two' }, keys: [second.jwk] }],
    };
    expect(shcTrustOfText(JSON.stringify(snapshot), 'f')).toEqual({
      issuers: [{ iss: 'https://two.example.org', name: 'Issuer Two', keys: [second.key] }],
      keys: [],
    });
    for (const text of ['not json', 'null', '42', '"keys"', '[]', '{}', '{"keys": {}}', '{"issuerInfo": {}}']) {
      expect({ text, trust: shcTrustOfText(text, 'f') }).toEqual({ text, trust: undefined });
    }
  });

  it('shcTrustOfText: a JWKS with no usable key is an error naming the file', () => {
    for (const keys of [[], [{ ...shcIssuer.jwk, d: 'secret' }]]) {
      let error: unknown;
      try {
        shcTrustOfText(JSON.stringify({ keys }), 'my.jwks');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AuthorityError);
      expect(error).toMatchObject({ code: 'SHC_ISSUER_INVALID', message: 'my.jwks: no usable SMART Health Card key' });
    }
  });

  it('trustOfTexts: DSCs (PEM or base64 DER, leniently) as signers, JWKS as keys, snapshots as issuers', () => {
    const ca = makeDsc({ ca: true, country: null });
    const snapshot = {
      issuerInfo: [{ issuer: { iss: 'https://two.example.org', name: 'Issuer Two' }, keys: [second.jwk] }],
    };
    const set = trustOfTexts([
      at.pem,
      ca.der.toString('base64'),
      JSON.stringify({ keys: [shcIssuer.jwk] }),
      JSON.stringify(snapshot),
    ]);
    expect(set.signers.map((s) => [s.kid, s.country])).toEqual([
      [at.kid, 'AT'],
      [ca.kid, 'XX'],
    ]);
    expect(set.shcKeys).toEqual([shcIssuer.key]);
    expect(set.shcIssuers.map((i) => i.iss)).toEqual(['https://two.example.org']);
    expect(set.errors).toEqual([]);
    expect(trustOfTexts([])).toEqual({ signers: [], shcIssuers: [], shcKeys: [], errors: [] });
  });

  it('trustOfTexts: an unusable entry is an error code (each once), the usable ones still count', () => {
    const set = trustOfTexts(['hello', JSON.stringify({ keys: [] }), at.pem, 'junk', makeDsc({ keyType: 'p384' }).pem]);
    expect(set.errors).toEqual(['DCC_SIGNER_INVALID', 'SHC_ISSUER_INVALID']);
    expect(set.signers.map((s) => s.kid)).toEqual([at.kid]);
  });

  it('a JWKS key whose x5c certificate holds a key that does not decode: unusable, an error code, no crash', () => {
    const jwks = JSON.stringify({ keys: [{ ...shcIssuer.jwk, x5c: [unknownKeyDer.toString('base64')] }] });
    let error: unknown;
    try {
      shcTrustOfText(jwks, 'f');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'SHC_ISSUER_INVALID', message: 'f: no usable SMART Health Card key' });
    const set = trustOfTexts([jwks, at.pem]);
    expect(set.errors).toEqual(['SHC_ISSUER_INVALID']);
    expect(set.signers.map((s) => s.kid)).toEqual([at.kid]);
  });
});

describe('contextOf: the given trust only, or the bundle’s signers, issuers and revocations', () => {
  const signer: DccSigner = atSigner.signer;
  const issuers = issuersOf(shcIssuer);
  const dccRevocations = { uci: [uciHash('URN:UVCI:01:ID:X')] };
  const bundle: BundlePayload = makeBundlePayload({ dccSigners: [signer], shcIssuers: issuers, dccRevocations });

  it('trust given: exactly its signers, issuers and keys; no revocations (they are the bundle’s)', () => {
    const trust: TrustSet = { signers: [], shcIssuers: [], shcKeys: [shcIssuer.key] };
    expect(contextOf(trust, bundle)).toEqual({ bundle, signers: [], shcIssuers: [], shcKeys: [shcIssuer.key] });
  });

  it('no trust: the bundle’s; with no bundle or none of them, empty', () => {
    expect(contextOf(undefined, bundle)).toEqual({
      bundle,
      signers: [signer],
      shcIssuers: issuers,
      revocations: dccRevocations,
    });
    const plain = makeBundlePayload();
    expect(contextOf(undefined, plain)).toEqual({ bundle: plain, signers: [], shcIssuers: [] });
    expect(contextOf(undefined, NO_BUNDLE)).toEqual({ bundle: NO_BUNDLE, signers: [], shcIssuers: [] });
    expect(bundleSigners(NO_BUNDLE)).toEqual([]);
    expect(bundleSigners(bundle)).toEqual([signer]);
    expect(bundleRevocations(NO_BUNDLE)).toBeUndefined();
    expect(bundleRevocations(bundle)).toEqual(dccRevocations);
  });
});

describe('inspectLine: one JSON-lines input → its record', () => {
  const v = signDcc({ by: atSigner });
  const defaults = { now: ISSUED + 60, trust: { signers: [atSigner.signer], shcIssuers: [], shcKeys: [] } };
  const line = (input: unknown, d: Partial<Parameters<typeof inspectLine>[1]> = {}) =>
    inspectLine(typeof input === 'string' ? input : JSON.stringify(input), {
      ...defaults,
      bundle: () => NO_BUNDLE,
      ...d,
    });

  it('a malformed line: format null, nothing checked, its code', async () => {
    const cases: [unknown, string][] = [
      ['{not json', 'LINE_NOT_JSON'],
      ['null', 'LINE_NOT_JSON'],
      ['"HC1:x"', 'LINE_NOT_JSON'],
      ['[{"text": "x"}]', 'LINE_NOT_JSON'],
      [{}, 'TEXT_MISSING'],
      [{ text: 42 }, 'TEXT_MISSING'],
      [{ text: v, at: 'soon' }, 'AT_INVALID'],
      [{ text: v, at: false }, 'AT_INVALID'],
      [{ text: v, trust: 'x.pem' }, 'TRUST_INVALID'],
      [{ text: v, trust: [at.pem, 1] }, 'TRUST_INVALID'],
    ];
    for (const [input, code] of cases) {
      const r = await line(input);
      expect({ input, r }).toEqual({
        input,
        r: { format: null, valid: false, checks: NINE_NULL, errors: [code], payload: null },
      });
    }
  });

  it('the defaults: --at (or now) for a line without at, --trust for one without trust, the record shape', async () => {
    const r = await line({ text: v });
    expect(r).toEqual({
      format: 'eu-dcc',
      valid: true,
      checks: Object.fromEntries(CHECKS.map((c) => [c, true])),
      errors: [],
      payload: PAYLOADS.v,
    });
    expect((await line({ text: v, at: null })).valid).toBe(true);
    expect((await line({ text: v }, { now: ISSUED - 60 })).checks.time).toBe(false);
    expect((await line({ text: v, at: ISSUED - 60 })).checks.time).toBe(false);
    expect((await line({ text: v, at: new Date((ISSUED + 60) * 1000).toISOString() }, { now: 0 })).valid).toBe(true);
    // No --trust: the bundle's signers.
    const bundle = makeBundlePayload({ dccSigners: [atSigner.signer] });
    expect((await line({ text: v }, { trust: undefined, bundle: () => bundle })).valid).toBe(true);
    expect((await line({ text: v }, { trust: undefined })).errors).toEqual(['SIGNER_UNKNOWN']);
  });

  it('the line’s own trust replaces --trust; an unusable entry makes it not valid while the checks are still reported', async () => {
    expect((await line({ text: v, trust: [] })).errors).toEqual(['SIGNER_UNKNOWN']);
    expect((await line({ text: v, trust: [at.pem] })).valid).toBe(true);
    const bad = await line({ text: v, trust: ['junk', at.pem] });
    expect(bad).toMatchObject({ format: 'eu-dcc', valid: false, errors: ['DCC_SIGNER_INVALID'], payload: PAYLOADS.v });
    expect(bad.checks).toEqual(Object.fromEntries(CHECKS.map((c) => [c, true])));
    const both = await line({ text: v, trust: ['junk'] });
    expect(both.errors).toEqual(['DCC_SIGNER_INVALID', 'SIGNER_UNKNOWN']);
  });

  it('a trust certificate whose key does not decode: DCC_SIGNER_INVALID, the line still checked, no crash', async () => {
    expect(unknownKeyDer.equals(at.der)).toBe(false);
    const r = await line({ text: v, trust: [unknownKeyDer.toString('base64'), at.pem] });
    expect(r).toMatchObject({ format: 'eu-dcc', valid: false, errors: ['DCC_SIGNER_INVALID'], payload: PAYLOADS.v });
  });

  it('a Singgah link is checked against the bundle the defaults give', async () => {
    const cert = vaccination(1, 2, '2026-01-10');
    const bundle = makeBundlePayload();
    const r = await line({ text: linkOf(cert), at: NOW }, { bundle: () => bundle });
    expect(r).toMatchObject({ format: 'singgah', valid: true, payload: cert });
    expect(Object.keys(r)).toEqual(['format', 'valid', 'checks', 'errors', 'payload']);
    expect((await line({ text: linkOf(cert), at: NOW })).errors).toEqual(['BUNDLE_NOT_PUBLISHED']);
  });

  it('a card with its JWKS as the line’s trust; the record lists the SHC checks', async () => {
    const r = await line({
      text: signShc(shcIssuer, VACCINATED()),
      at: SHC_NOW,
      trust: [JSON.stringify({ keys: [shcIssuer.jwk] })],
    });
    expect(r).toEqual({
      format: 'shc',
      valid: true,
      checks: { prefix: null, numeric: null, jws: true, decompress: true, payload: true, signature: true, time: true },
      errors: [],
      payload: VACCINATED(),
    });
  });
});

describe('describeInspected: the readable report', () => {
  const report = async (text: string, ctx: InspectContext) => describeInspected(text, await inspectText(text, ctx));

  it('an EU DCC: signer, holder, each vaccination, test and recovery, the checks, the result', async () => {
    const payload = {
      ...PAYLOADS.v,
      t: [
        { ...PAYLOADS.t.t[0] },
        { ...PAYLOADS.t.t[0], tt: 'LP217198-3', tr: '260373001' },
        { ...PAYLOADS.t.t[0], tt: 'other', tr: 'odd' },
      ],
      r: PAYLOADS.r.r,
    };
    // Shown as decoded, whatever the schema says (one DCC holds one kind; this one all three).
    const dcc = `HC1:${'NCF*:N2O9+J2IO3%BE2*0CCN5O8N8G'.repeat(3)}`;
    const lines = describeInspected(dcc, {
      format: 'eu-dcc',
      valid: true,
      checks: Object.fromEntries(CHECKS.map((c) => [c, true])),
      errors: [],
      payload,
      signer: atSigner.signer,
      kid: 'other',
    });
    expect(lines).toEqual([
      `${dcc.slice(0, 57)}…`,
      `  Format:    EU Digital COVID Certificate, signed by AT signer ${at.kid}`,
      '  Holder:    Santoso, Budi (SANTOSO, BUDI), born 1980-02-03',
      '  Vaccination: EU/1/20/1528 (ORG-100030215), dose 2 of 2 on 2021-08-01, in ID, issuer Kementerian Kesehatan',
      '  Test:      NAAT/PCR, not detected, sampled 2021-08-01T08:30:00+07:00, at Lab Kesehatan Daerah, in ID',
      '  Test:      rapid antigen, detected, sampled 2021-08-01T08:30:00+07:00, at Lab Kesehatan Daerah, in ID',
      '  Test:      other, odd, sampled 2021-08-01T08:30:00+07:00, at Lab Kesehatan Daerah, in ID',
      '  Recovery:  first positive 2021-07-01, valid 2021-07-12 to 2021-12-28, in ID',
      '  Checks:    prefix ok, base45 ok, decompress ok, cose ok, cbor ok, schema ok, signature ok, keyUsage ok, time ok',
      '  Result:    VALID',
    ]);
  });

  it('a DCC without names written in Latin letters, or failing: transliterated names, FAILED and the errors', async () => {
    const payload = { ...PAYLOADS.r, nam: { fnt: 'SANTOSO', gnt: 'BUDI' } };
    const dcc = signDcc({ by: atSigner, payload });
    const lines = await report(dcc, ctxOf({ at: ISSUED + 60, signers: [atSigner.signer] }));
    expect(lines).toEqual([
      `${dcc.slice(0, 57)}…`,
      `  Format:    EU Digital COVID Certificate, signed by AT signer ${at.kid}`,
      '  Holder:    SANTOSO, BUDI (SANTOSO, BUDI), born 1980',
      '  Recovery:  first positive 2021-07-01, valid 2021-07-12 to 2021-12-28, in ID',
      '  Checks:    prefix ok, base45 ok, decompress ok, cose ok, cbor ok, schema ok, signature ok, keyUsage FAILED, time ok',
      '  Errors:    KEY_USAGE_MISMATCH',
      '  Result:    NOT VALID',
    ]);
    const unknown = await report(dcc, ctxOf({ at: ISSUED + 60 }));
    expect(unknown[1]).toBe(`  Format:    EU Digital COVID Certificate, kid ${at.kid}`);
    expect(unknown.slice(4)).toEqual([
      '  Checks:    prefix ok, base45 ok, decompress ok, cose ok, cbor ok, schema ok, signature FAILED, keyUsage –, time ok',
      '  Errors:    SIGNER_UNKNOWN',
      '  Result:    NOT VALID',
    ]);
    const odd = describeInspected('HC1:x', {
      format: 'eu-dcc',
      valid: false,
      checks: {},
      errors: [],
      payload: { nam: 'x', dob: null, v: [{}] },
    });
    expect(odd).toEqual([
      'HC1:x',
      '  Format:    EU Digital COVID Certificate',
      '  Holder:     (), born ?',
      '  Vaccination: ? (?), dose ? of ? on ?, in ?, issuer ?',
      '  Checks:    prefix –, base45 –, decompress –, cose –, cbor –, schema –, signature –, keyUsage –, time –',
      '  Result:    NOT VALID',
    ]);
    expect(describeInspected('x', { ...failedRecord('A'), errors: ['A', 'B'] })).toContain('  Errors:    A, B');
    const bare = { format: 'eu-dcc', valid: false, checks: {}, errors: [], payload: { v: [null] } } as const;
    expect(describeInspected('HC1:x', bare).slice(2, 4)).toEqual([
      '  Holder:     (), born ?',
      '  Vaccination: ? (?), dose ? of ? on ?, in ?, issuer ?',
    ]);
  });

  it('not decodable: no facts; an unknown format', async () => {
    expect(await report('hello', ctxOf({ at: ISSUED }))).toEqual([
      'hello',
      '  Format:    EU Digital COVID Certificate',
      '  Checks:    prefix FAILED, base45 –, decompress –, cose –, cbor –, schema –, signature –, keyUsage –, time –',
      expect.stringMatching(/^ {2}Errors: {4}\S/),
      '  Result:    NOT VALID',
    ]);
    const text = 'x'.repeat(60);
    expect(describeInspected(text, failedRecord('LINE_NOT_JSON'))).toEqual([
      text,
      '  Format:    ?',
      '  Checks:    prefix –, base45 –, decompress –, cose –, cbor –, schema –, signature –, keyUsage –, time –',
      '  Errors:    LINE_NOT_JSON',
      '  Result:    NOT VALID',
    ]);
    expect(describeInspected(`${text}y`, failedRecord('X'))[0]).toBe(`${'x'.repeat(57)}…`);
  });

  it('a Singgah certificate of each kind', async () => {
    const bundle = makeBundlePayload();
    const v = vaccination(1, 2, '2026-01-10');
    const t = pcr('neg', NOW - 3600);
    const r = recovery('2026-10-01');
    const ctx = ctxOf({ at: NOW, bundle });
    const checks =
      '  Checks:    prefix ok, base45 –, decompress –, cose –, cbor –, schema ok, signature ok, keyUsage ok, time ok';
    const holder = '  Holder:    Budi Santoso, born 1985-04-12, region 6472';
    expect(await report(linkOf(v), ctx)).toEqual([
      `${linkOf(v).slice(0, 57)}…`,
      '  Format:    Singgah',
      holder,
      '  Vaccination: Sinovac, dose 1 of 2 on 2026-01-10',
      `  Id:        ${v.id} (key ${v.kid})`,
      checks,
      '  Result:    VALID',
    ]);
    expect((await report(linkOf(t), ctx)).slice(2, 5)).toEqual([
      holder,
      `  Test:      pcr, neg, sampled ${new Date((NOW - 3600) * 1000).toISOString()}`,
      `  Id:        ${t.id} (key ${t.kid})`,
    ]);
    expect((await report(linkOf(r), ctx)).slice(2, 5)).toEqual([
      holder,
      '  Recovery:  first positive 2026-10-01',
      `  Id:        ${r.id} (key ${r.kid})`,
    ]);
  });

  it('a SMART Health Card: issuer, holder, vaccinations, the tests the rules read, other observations', async () => {
    const payload = cardPayload([
      immunization('208', '2021-06-01'),
      immunization('207', '2021-07-01', { lotNumber: undefined, performer: undefined, status: 'entered-in-error' }),
      immunization('999', '2021-08-01'),
      labResult('94309-2', '260385009', '2026-11-29T08:00:00+09:00'),
      labResult('94558-4', '10828004', '2026-11-29T08:00:00+09:00', { effectiveDateTime: undefined }),
      labResult('2339-0', '1', '2026-11-29T08:00:00+09:00'),
    ]);
    const [qr] = shcQr(shcIssuer, payload);
    const lines = await report(qr, ctxOf({ at: SHC_NOW, shcIssuers: issuersOf(shcIssuer) }));
    expect(lines.slice(1, 3)).toEqual([
      `  Format:    SMART Health Card, issued by Test Issuer (${TEST_ISS}), key ${shcIssuer.key.kid}`,
      '  Holder:    Hanako Yamada, born 1985-04-12',
    ]);
    expect(lines[3]).toBe(`  Issuer:    ${TEST_ISS}, issued ${new Date((SHC_NOW - 86_400) * 1000).toISOString()}`);
    expect(lines.slice(4)).toEqual([
      '  Vaccination: Pfizer, dose 1 of 2, 2021-06-01 (completed, lot FK1234, Tokyo Vaccination Centre)',
      '  Vaccination: Moderna, not counted, 2021-07-01 (entered-in-error)',
      '  Vaccination: unknown vaccine 999, not counted, 2021-08-01 (completed, lot FK1234, Tokyo Vaccination Centre)',
      '  Test:      pcr (LOINC 94309-2), neg, sampled 2026-11-28T23:00:00.000Z (final)',
      '  Test:      antigen (LOINC 94558-4), pos, sampled ? (final)',
      '  Other:     1 observation(s) that are not SARS-CoV-2 tests the rules use',
      '  Checks:    prefix ok, numeric ok, jws ok, decompress ok, payload ok, signature ok, time ok',
      '  Result:    VALID',
    ]);
  });

  it('a card with little in it: a name without family name, no birth date, no vaccine code or date, odd results', async () => {
    const payload = cardPayload([
      immunization('208', '2021-06-01', { vaccineCode: undefined, occurrenceDateTime: undefined }),
      labResult('94309-2', '12345', '2026-11-29T08:00:00+09:00'),
      labResult('94309-2', '1', '2026-11-29T08:00:00+09:00', { valueCodeableConcept: undefined }),
    ]) as { vc: { credentialSubject: { fhirBundle: { entry: { resource: unknown }[] } } } };
    payload.vc.credentialSubject.fhirBundle.entry[0].resource = {
      resourceType: 'Patient',
      name: [{ given: ['Hanako'] }],
    };
    const lines = await report(signShc(shcIssuer, payload), ctxOf({ at: SHC_NOW, shcIssuers: issuersOf(shcIssuer) }));
    expect(lines.slice(2)).toEqual([
      '  Holder:    Hanako, born ?',
      `  Issuer:    ${TEST_ISS}, issued ${new Date((SHC_NOW - 86_400) * 1000).toISOString()}`,
      '  Vaccination: unknown vaccine ?, not counted, ? (completed, lot FK1234, Tokyo Vaccination Centre)',
      '  Test:      pcr (LOINC 94309-2), result 12345, sampled 2026-11-28T23:00:00.000Z (final)',
      '  Test:      pcr (LOINC 94309-2), result ?, sampled 2026-11-28T23:00:00.000Z (final)',
      '  Checks:    prefix –, numeric –, jws ok, decompress ok, payload ok, signature ok, time ok',
      '  Result:    VALID',
    ]);
  });

  it('a card file: the facts of each card; an undecodable card shows none', async () => {
    const jws = signShc(shcIssuer, VACCINATED());
    const file = JSON.stringify({ verifiableCredential: [jws, jws] });
    const lines = await report(file, ctxOf({ at: SHC_NOW, shcIssuers: issuersOf(shcIssuer) }));
    const card = [
      '  Holder:    Hanako Yamada, born 1985-04-12',
      `  Issuer:    ${TEST_ISS}, issued ${new Date((SHC_NOW - 86_400) * 1000).toISOString()}`,
      '  Vaccination: Pfizer, dose 1 of 2, 2021-06-01 (completed, lot FK1234, Tokyo Vaccination Centre)',
      '  Vaccination: Pfizer, dose 2 of 2, 2021-06-29 (completed, lot FK1234, Tokyo Vaccination Centre)',
    ];
    expect(lines).toEqual([
      `${file.slice(0, 57)}…`,
      '  Format:    SMART Health Card',
      ...card,
      ...card,
      '  Checks:    prefix –, numeric –, jws ok, decompress ok, payload ok, signature ok, time ok',
      '  Result:    VALID',
    ]);
    expect(await report('shc:/5676', ctxOf({ at: SHC_NOW }))).toEqual([
      'shc:/5676',
      '  Format:    SMART Health Card',
      '  Checks:    prefix ok, numeric ok, jws FAILED, decompress –, payload –, signature –, time –',
      '  Errors:    SHC_JWS_INVALID',
      '  Result:    NOT VALID',
    ]);
  });
});
