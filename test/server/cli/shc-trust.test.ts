/**
 * SMART Health Card issuers on the authority side: JWKS, card revocation lists and the VCI directory
 * formats → the bundle's `shcIssuers` (server/shc-trust.ts), `singgah trust import-shc / list-shc /
 * remove-shc` keeping them in the data dir and in the next signed bundle, and `cert inspect` reporting
 * `"format": "shc"` against the bundle, a --trust JWKS and JSON-lines `trust` entries.
 */
import { createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectLine } from '../../../server/cert-inspect';
import { keyOfJwk, readShcImport } from '../../../server/shc-trust';
import { selfSignedCertificate } from '../../../server/x509-build';
import { verifyShc } from '../../../src/core/shc';
import { createTestAuthority, publishedPayload, runCliIn } from '../../support/cli-authority';
import {
  bigPayload,
  cardPayload,
  makeShcIssuer,
  NOW,
  shcQr,
  signShc,
  TEST_ISS,
  VACCINATED,
} from '../../support/shc-sign';

const VECTORS = resolve(import.meta.dirname, '../../vectors/shc');
const issuer = makeShcIssuer();
const second = makeShcIssuer();
let root = '';
let dataDir = '';
const file = (name: string, json: unknown) => {
  const path = join(root, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(json));
  return path;
};

beforeAll(async () => {
  ({ root, dataDir } = await createTestAuthority('shc-trust'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('reading issuer keys', () => {
  it('a JWK must be an EC P-256 ES256 signing key whose kid is its thumbprint, never with a private part', () => {
    expect(keyOfJwk(issuer.jwk, 'k')).toEqual(issuer.key);
    const reason = (jwk: Record<string, unknown>) => {
      try {
        keyOfJwk(jwk, 'k');
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(reason({ ...issuer.jwk, kid: second.key.kid })).toMatch(/not the key's RFC 7638 thumbprint/);
    expect(reason({ ...issuer.jwk, d: 'secret' })).toMatch(/private key/);
    expect(reason({ ...issuer.jwk, crv: 'P-384' })).toMatch(/not EC P-256/);
    expect(reason({ ...issuer.jwk, alg: 'RS256' })).toMatch(/not ES256/);
    expect(reason({ ...issuer.jwk, use: 'enc' })).toMatch(/not sig/);
  });

  it("an x5c certificate bounds the key's validity; one whose dates do not read is refused, not unbounded", () => {
    const notBefore = Date.UTC(2026, 0, 1) / 1000;
    const notAfter = Date.UTC(2030, 11, 30) / 1000;
    const { der } = selfSignedCertificate({
      keyType: 'es256',
      privateKey: issuer.privateKey,
      publicKey: createPublicKey(issuer.privateKey),
      country: null,
      commonName: 'issuer',
      notBefore,
      notAfter,
      serial: 1,
    });
    const withX5c = (cert: Buffer) => ({ ...issuer.jwk, x5c: [cert.toString('base64')] });
    expect(keyOfJwk(withX5c(der), 'k')).toEqual({ ...issuer.key, notBefore, notAfter });
    // notAfter (UTCTime 301230000000Z) with letters for its seconds, the outer lengths unchanged: Node reads the
    // certificate but not that date. Without the refusal the key would carry no end at all.
    const text = der.toString('latin1');
    expect(text.split('301230000000Z')).toHaveLength(2);
    const badTime = Buffer.from(text.replace('301230000000Z', '3012300000ZZZ'), 'latin1');
    expect(() => keyOfJwk(withX5c(badTime), 'k')).toThrow(/k: unreadable validity date in the x5c certificate/);
  });

  it('a JWKS needs --iss; the VCI snapshot names its issuers and carries their CRLs', () => {
    const jwks = file('bare/jwks.json', { keys: [issuer.jwk] });
    expect(() => readShcImport([jwks], {})).toThrow(/needs --iss/);
    expect(() => readShcImport([jwks], { iss: `${TEST_ISS}/` })).toThrow(/without a trailing/);
    const snapshot = file('vci/snapshot.json', {
      directory: 'https://example.org/directory',
      issuerInfo: [
        {
          issuer: { iss: 'https://two.example.org', name: 'Issuer Two' },
          keys: [second.jwk],
          crls: [{ kid: second.key.kid, method: 'rid', ctr: 2, rids: ['abc', 'def.1700000000'] }],
        },
      ],
    });
    const read = readShcImport([snapshot], {});
    expect(read.issuers).toEqual([{ iss: 'https://two.example.org', name: 'Issuer Two', keys: [second.key] }]);
    expect(read.crls[0].rids).toEqual(['abc', 'def.1700000000']);
  });

  it('refuses a bad CRL: another method, a rid too long or not base64url, a duplicate, an old version', () => {
    const crl = (c: Record<string, unknown>) =>
      file('crl/bad.json', { kid: issuer.key.kid, method: 'rid', ctr: 1, rids: [], ...c });
    expect(() => readShcImport([crl({ method: 'other' })], {})).toThrow(/method/);
    expect(() => readShcImport([crl({ rids: ['x'.repeat(25)] })], {})).toThrow(/at most 24/);
    expect(() => readShcImport([crl({ rids: ['a+b'] })], {})).toThrow(/base64url/);
    expect(() => readShcImport([crl({ rids: ['a', 'a'] })], {})).toThrow(/twice/);
    // The JWKS says which list is current: an older one would un-revoke cards.
    const jwks = file('versioned/jwks.json', { keys: [{ ...issuer.jwk, crlVersion: 3 }] });
    expect(() => readShcImport([jwks, crl({ ctr: 2, rids: ['a'] })], { iss: TEST_ISS })).toThrow(
      /not the key's crlVersion 3/,
    );
    expect(readShcImport([jwks, crl({ ctr: 3, rids: ['a'] })], { iss: TEST_ISS }).crls[0].rids).toEqual(['a']);
  });
});

describe('singgah trust import-shc / list-shc / remove-shc', () => {
  it('imports an issuer directory (JWKS + CRL in .well-known), signs it into the bundle, lists it', async () => {
    file('issuer/.well-known/jwks.json', { keys: [{ ...issuer.jwk, crlVersion: 1 }] });
    file(`issuer/.well-known/crl/${issuer.key.kid}.json`, { kid: issuer.key.kid, method: 'rid', ctr: 1, rids: ['r1'] });
    const run = await runCliIn(dataDir, [
      'trust',
      'import-shc',
      '--iss',
      TEST_ISS,
      '--name',
      'Digital Agency of Japan',
      join(root, 'issuer'),
    ]);
    // The test authority's key files are plain on purpose: only the warning that says so may be on stderr.
    expect(run.stderr.replace(/^warning: \S+ is unencrypted.*\n/gm, '')).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Imported 1 SMART Health Card key\(s\) of 1 issuer\(s\); 1 revocation list/);
    expect(run.stdout).toMatch(/Re-signed bundle version \d+ with 1 SMART Health Card issuer/);
    const bundle = publishedPayload(dataDir);
    expect(bundle.shcIssuers).toEqual([
      { iss: TEST_ISS, name: 'Digital Agency of Japan', keys: [{ ...issuer.key, revokedRids: ['r1'] }] },
    ]);
    // What phones get verifies a card of that issuer, and refuses its revoked rid.
    const issuers = bundle.shcIssuers ?? [];
    expect(verifyShc({ qr: shcQr(issuer, VACCINATED()) }, { at: NOW, issuers }).ok).toBe(true);
    const revoked = verifyShc({ jws: signShc(issuer, cardPayload([], { rid: 'r1' })) }, { at: NOW, issuers });
    expect(!revoked.ok && revoked.error.code).toBe('CERTIFICATE_REVOKED');
    const list = await runCliIn(dataDir, ['trust', 'list-shc']);
    expect(list.stdout).toContain(`${TEST_ISS}  Digital Agency of Japan  (1 key)`);
    expect(list.stdout).toContain(`${issuer.key.kid}  no validity limit (valid)  1 revoked rid(s)`);
  });

  it('importing the same keys again changes nothing; a private JWKS is refused and nothing stored', async () => {
    const before = readFileSync(join(dataDir, 'shc-issuers.json'), 'utf8');
    const again = await runCliIn(dataDir, [
      'trust',
      'import-shc',
      '--iss',
      TEST_ISS,
      join(root, 'issuer/.well-known/jwks.json'),
    ]);
    expect(again.stdout).toMatch(/Nothing new/);
    const leaked = file('leak.json', { keys: [{ ...second.jwk, d: 'AAAA' }] });
    const run = await runCliIn(dataDir, ['trust', 'import-shc', '--iss', 'https://two.example.org', leaked]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/private key/);
    expect(readFileSync(join(dataDir, 'shc-issuers.json'), 'utf8')).toBe(before);
  });

  it('cert inspect reports format shc with its checks against the bundle, --trust JWKS and JSON-lines trust', async () => {
    const [qr] = shcQr(issuer, VACCINATED());
    const json = await runCliIn(dataDir, ['cert', 'inspect', '--json', '--at', String(NOW), qr]);
    expect(json.code).toBe(0);
    const record = JSON.parse(json.stdout);
    expect(Object.keys(record)).toEqual(['format', 'valid', 'checks', 'errors', 'payload']);
    expect(record).toMatchObject({ format: 'shc', valid: true, errors: [] });
    expect(record.checks).toEqual({
      prefix: true,
      numeric: true,
      jws: true,
      decompress: true,
      payload: true,
      signature: true,
      time: true,
    });
    const spec = readFileSync(join(VECTORS, 'example-00-d-jws.txt'), 'utf8').trim();
    const trusted = await runCliIn(dataDir, [
      'cert',
      'inspect',
      '--at',
      '2026-01-01',
      '--trust',
      join(VECTORS, 'issuer-jwks.json'),
      spec,
    ]);
    expect(trusted.stdout).toMatch(
      /SMART Health Card, issued by --trust \(https:\/\/spec.smarthealth.cards\/examples\/issuer\)/,
    );
    expect(trusted.stdout).toMatch(/Result: +VALID/);
    const untrusted = await runCliIn(dataDir, ['cert', 'inspect', '--at', '2026-01-01', spec]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toMatch(/Errors: +SHC_ISSUER_UNKNOWN/);
    const line = await inspectLine(
      JSON.stringify({
        text: spec,
        at: '2026-01-01',
        trust: [readFileSync(join(VECTORS, 'issuer-jwks.json'), 'utf8')],
      }),
      { now: NOW, bundle: () => ({ error: 'BUNDLE_NOT_PUBLISHED' }) },
    );
    expect(line).toMatchObject({ format: 'shc', valid: true });
    expect(line.checks).toMatchObject({ prefix: null, numeric: null, signature: true });
  });

  it('the parts of a multi-QR card given in a row are one card', async () => {
    const parts = shcQr(issuer, bigPayload(1000));
    expect(parts.length).toBe(2);
    const run = await runCliIn(dataDir, ['cert', 'inspect', '--json', '--at', String(NOW), ...parts]);
    expect(run.code).toBe(0);
    const records = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ format: 'shc', valid: true });
    const alone = await runCliIn(dataDir, ['cert', 'inspect', '--json', '--at', String(NOW), parts[1]]);
    expect(JSON.parse(alone.stdout)).toMatchObject({ format: 'shc', valid: false, errors: ['SHC_CHUNK_MISSING'] });
  });

  it('remove-shc drops the issuer from the next bundle', async () => {
    const run = await runCliIn(dataDir, ['trust', 'remove-shc', TEST_ISS]);
    expect(run.code).toBe(0);
    expect(publishedPayload(dataDir).shcIssuers).toBeUndefined();
    const missing = await runCliIn(dataDir, ['trust', 'remove-shc', TEST_ISS]);
    expect(missing.code).toBe(1);
  });
});

describe('cert inspect: what counts as a card text', () => {
  const issuers = [{ iss: TEST_ISS, name: 'x', keys: [issuer.key] }];
  const inspect = (text: string) =>
    inspectLine(JSON.stringify({ text, at: NOW }), {
      now: NOW,
      trust: { signers: [], shcIssuers: issuers, shcKeys: [] },
      bundle: () => ({ error: 'BUNDLE_NOT_PUBLISHED' }),
    });

  it('a file’s final line break is not part of the card; other characters around it fail it, as a card', async () => {
    const [qr] = shcQr(issuer, VACCINATED());
    const jws = signShc(issuer, VACCINATED());
    expect(await inspect(`${qr}\n`)).toMatchObject({ format: 'shc', valid: true });
    expect(await inspect(`${jws}\r\n`)).toMatchObject({ format: 'shc', valid: true });
    expect(await inspect(` \t\n ${qr} \t\n `)).toMatchObject({ format: 'shc', valid: false });
    expect(await inspect(`\uFEFF${jws}`)).toMatchObject({ format: 'shc', valid: false, errors: ['SHC_JWS_INVALID'] });
  });

  it('a .smart-health-card file is valid only when every card in it is; exp in milliseconds is refused', async () => {
    const good = signShc(issuer, VACCINATED());
    expect(await inspect(JSON.stringify({ verifiableCredential: [good, good] }))).toMatchObject({
      format: 'shc',
      valid: true,
    });
    const bad = signShc(issuer, { ...VACCINATED(), exp: NOW * 1000 });
    const both = await inspect(JSON.stringify({ verifiableCredential: [good, bad] }));
    expect(both).toMatchObject({ format: 'shc', valid: false, errors: ['SHC_PAYLOAD_INVALID'] });
    expect(both.checks.payload).toBe(false);
  });
});
