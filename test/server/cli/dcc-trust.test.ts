/**
 * EU DCC signers on the authority side: Document Signer Certificates (made in memory by test/support/x509.ts)
 * and the published trust-list formats → the bundle's `dccSigners` (server/dcc-trust.ts), and
 * `singgah trust import / list / remove` keeping them in the data dir and in the next signed bundle.
 */
import { constants, createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedBundlePath } from '../../../server/authority';
import { runCli } from '../../../server/cli';
import {
  dccSignersPath,
  readSignerFile,
  readSigners,
  readTrustedSigners,
  signerFromDer,
  writeTrustedSigners,
} from '../../../server/dcc-trust';
import { AuthorityError } from '../../../server/errors';
import { selfSignedCertificate } from '../../../server/x509-build';
import { verifyBundle } from '../../../src/core/bundle';
import { MAX_DCC_SIGNERS } from '../../../src/core/bundle-dcc';
import { anchor, makeBundle, makeBundlePayload } from '../../support/authority';
import { createTestAuthority, DEMO_POLICY as POLICY, publishedPayload, runCliIn } from '../../support/cli-authority';
import { DCC_EKU, DCC_EKU_MISSPELLED, makeDsc } from '../../support/x509';

const YEAR = 365 * 86_400;

describe('Document Signer Certificate → DccSigner', () => {
  it('ES256 on P-256: kid = first 8 bytes of SHA-256 of the DER, country = subject C, the key, validity', () => {
    const dsc = makeDsc({ country: 'AT', notBefore: 1_620_000_000, notAfter: 1_620_000_000 + 2 * YEAR });
    const { signer, subject } = signerFromDer(dsc.der, 'dsc');
    expect(signer.kid).toBe(createHash('sha256').update(dsc.der).digest().subarray(0, 8).toString('base64'));
    expect(signer.kid).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    expect(signer).toMatchObject({ country: 'AT', alg: 'ES256', notBefore: 1_620_000_000 });
    expect(signer.notAfter).toBe(1_620_000_000 + 2 * YEAR);
    expect(signer.usages).toBeUndefined();
    expect(subject).toContain('C=AT');
    // The exported key is the certificate's: a signature by its private key verifies with it.
    const data = Buffer.from('hcert');
    const key = createPublicKey({ key: signer.key, format: 'jwk' });
    expect(verify('sha256', data, key, sign('sha256', data, dsc.privateKey))).toBe(true);
  });

  for (const keyType of ['rsa', 'rsa-pss'] as const) {
    it(`PS256 from a ${keyType} key (RSA-PSS keys are re-wrapped: Node exports no JWK for them)`, () => {
      const dsc = makeDsc({ keyType, country: 'DE' });
      const { signer } = signerFromDer(dsc.der, 'dsc');
      expect(signer.alg).toBe('PS256');
      expect(signer.key.kty).toBe('RSA');
      const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
      const data = Buffer.from('hcert');
      const signature = sign('sha256', data, { key: dsc.privateKey, ...pss });
      const key = createPublicKey({ key: signer.key, format: 'jwk' });
      expect(verify('sha256', data, { key, ...pss }, signature)).toBe(true);
      expect(verify('sha256', Buffer.from('other'), { key, ...pss }, signature)).toBe(false);
    });
  }

  it('DCC key usages from the extended key usage OIDs, also the misspelled ones; none = every type', () => {
    const usagesOf = (eku: string[]) => signerFromDer(makeDsc({ eku }).der, 'dsc').signer.usages;
    expect(usagesOf([DCC_EKU.v])).toEqual(['v']);
    expect(usagesOf([DCC_EKU.r, DCC_EKU.t])).toEqual(['t', 'r']);
    expect(usagesOf([DCC_EKU_MISSPELLED.t, DCC_EKU_MISSPELLED.v, DCC_EKU_MISSPELLED.r])).toEqual(['t', 'v', 'r']);
    expect(usagesOf([DCC_EKU.v, DCC_EKU_MISSPELLED.v])).toEqual(['v']);
    // Only a non-DCC usage (TLS server): no DCC restriction.
    expect(usagesOf(['1.3.6.1.5.5.7.3.1'])).toBeUndefined();
  });

  it('refuses what phones cannot verify or what is no Document Signer, saying why', () => {
    const reason = (options: Parameters<typeof makeDsc>[0]) => {
      try {
        signerFromDer(makeDsc(options).der, 'f.pem');
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(reason({ keyType: 'p384' })).toMatch(/^f\.pem: EC key on secp384r1; the DCC allows only P-256/);
    expect(reason({ keyType: 'ed25519' })).toMatch(/ed25519 key; the DCC allows EC P-256 \(ES256\) or RSA/);
    expect(reason({ keyType: 'rsa1024' })).toMatch(/RSA key of 1024 bits; the DCC requires at least 2048/);
    expect(reason({ ca: true })).toMatch(/a CA certificate \(CSCA\), not a Document Signer Certificate/);
    expect(reason({ country: null })).toMatch(/no country \(C\) in the subject/);
    expect(() => signerFromDer(Buffer.from('not a certificate'), 'x')).toThrow(/x: not an X.509 certificate/);
    // A check (cert inspect --trust) may use a CA-marked test certificate naming no country.
    const lenient = signerFromDer(makeDsc({ ca: true, country: null }).der, 'x', undefined, { lenient: true });
    expect(lenient.signer).toMatchObject({ alg: 'ES256', country: 'XX' });
  });

  it('reads PEM bundles, DER and base64 DER', () => {
    const [a, b] = [makeDsc(), makeDsc({ keyType: 'rsa' })];
    const kids = (bytes: Buffer) => readSigners(bytes, 'f').signers.map((s) => s.signer.kid);
    expect(kids(Buffer.from(`junk before\n${a.pem}between\n${b.pem}`))).toEqual([a.kid, b.kid]);
    expect(kids(a.der)).toEqual([a.kid]);
    expect(kids(Buffer.from(`${a.der.toString('base64')}\n`))).toEqual([a.kid]);
    // In a certificate file any bad certificate is an error (nothing half-imported).
    expect(() => readSigners(Buffer.from(a.pem + makeDsc({ keyType: 'p384' }).pem), 'two.pem')).toThrow(
      /two\.pem certificate 2: EC key on secp384r1/,
    );
    expect(() => readSigners(Buffer.from('{"hello": 1}'), 'x.json')).toThrow(/x\.json: no certificate found/);
    expect(() => readSigners(Buffer.from('hello'), 'x.txt')).toThrow(
      /x\.txt: not a certificate .* nor a DCC trust list/,
    );
  });

  describe('trust lists', () => {
    const at = makeDsc({ country: 'AT', eku: [DCC_EKU.v] });
    const se = makeDsc({ country: 'SE', keyType: 'rsa' });
    const csca = makeDsc({ country: 'AT', ca: true });
    const p384 = makeDsc({ country: 'FR', keyType: 'p384' });
    const gatewayEntry = (d: typeof at, country: string, certificateType: string) => ({
      kid: d.kid,
      timestamp: '2021-06-01T00:00:00Z',
      country,
      certificateType,
      thumbprint: createHash('sha256').update(d.der).digest('hex'),
      signature: 'MEUCIQ==',
      rawData: d.der.toString('base64'),
    });

    it("the EU gateway's /trustList: DSC entries only, unusable ones skipped and reported", () => {
      const list = [
        gatewayEntry(at, 'AT', 'DSC'),
        gatewayEntry(csca, 'AT', 'CSCA'),
        gatewayEntry(se, 'SE', 'DSC'),
        gatewayEntry(p384, 'FR', 'DSC'),
      ];
      const read = readSigners(Buffer.from(JSON.stringify(list)), 'trustList.json');
      expect(read.signers.map((s) => [s.signer.kid, s.signer.country, s.signer.alg])).toEqual([
        [at.kid, 'AT', 'ES256'],
        [se.kid, 'SE', 'PS256'],
      ]);
      expect(read.signers[0].signer.usages).toEqual(['v']);
      expect(read.skipped).toEqual([expect.stringMatching(/trustList\.json entry 3: EC key on secp384r1/)]);
    });

    it('a national backend\'s {"certificates": […]} list after its signature line, taking its country when the subject has none', () => {
      const bare = makeDsc({ country: null });
      const body = JSON.stringify({ certificates: [gatewayEntry(at, 'AT', 'DSC'), gatewayEntry(bare, 'nl', 'DSC')] });
      const read = readSigners(Buffer.from(`MEUCIQDx0bSignatureLine==\n${body}`), 'dsc-list');
      expect(read.signers.map((s) => [s.signer.kid, s.signer.country])).toEqual([
        [at.kid, 'AT'],
        [bare.kid, 'NL'],
      ]);
    });

    it('a Swedish DSC-TL (JWS, dsc_trust_list of JWK sets with x5c) and a WHO GDHCN DID document', () => {
      const jwk = (d: typeof at) => ({
        kty: 'EC',
        kid: d.kid,
        x5c: [d.der.toString('base64'), csca.der.toString('base64')],
      });
      const payload = {
        iss: 'SE',
        iat: 1,
        exp: 2,
        dsc_trust_list: { AT: { eku: {}, keys: [jwk(at)] }, SE: { keys: [jwk(se)] } },
      };
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const jws = `${b64({ typ: 'JOSE', alg: 'ES256' })}.${b64(payload)}.c2ln`;
      expect(readSigners(Buffer.from(jws), 'dsc-tl').signers.map((s) => s.signer.kid)).toEqual([at.kid, se.kid]);

      const did = {
        '@context': ['https://www.w3.org/ns/did/v1'],
        id: 'did:web:tng-cdn.who.int:v2:trustlist:DCC:XXA:DSC',
        verificationMethod: [
          { id: `did:web:…:DSC#${at.kid}`, type: 'JsonWebKey2020', publicKeyJwk: jwk(at) },
          { id: `did:web:…:DSC#${se.kid}`, type: 'JsonWebKey2020', publicKeyJwk: jwk(se) },
        ],
        proof: { type: 'JsonWebSignature2020', jws: 'eyJ..sig' },
      };
      expect(readSigners(Buffer.from(JSON.stringify(did)), 'did.json').signers.map((s) => s.signer.kid)).toEqual([
        at.kid,
        se.kid,
      ]);
    });
  });

  it('the bundle schema: dccSigners optional, strict, capped; a bundle without it still verifies', () => {
    const signer = signerFromDer(makeDsc().der, 'x').signer;
    const good = verifyBundle(makeBundle(makeBundlePayload({ dccSigners: [signer] })), anchor);
    expect(good.ok && good.value.payload.dccSigners).toEqual([signer]);
    const without = verifyBundle(makeBundle(makeBundlePayload()), anchor);
    expect(without.ok && 'dccSigners' in without.value.payload).toBe(false);
    const bad = (s: unknown) => {
      const r = verifyBundle(makeBundle(makeBundlePayload({ dccSigners: [s as typeof signer] })), anchor);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(bad({ ...signer, alg: 'PS256' })).toBe('PAYLOAD_INVALID'); // EC key under PS256
    expect(bad({ ...signer, extra: 1 })).toBe('PAYLOAD_UNKNOWN_FIELD');
    expect(bad({ ...signer, kid: 'short' })).toBe('PAYLOAD_INVALID');
    expect(bad({ ...signer, usages: ['x'] })).toBe('PAYLOAD_INVALID');
    expect(bad({ ...signer, notAfter: signer.notBefore })).toBe('PAYLOAD_INVALID');
    const tooMany = makeBundlePayload({ dccSigners: Array(MAX_DCC_SIGNERS + 1).fill(signer) });
    const capped = verifyBundle(makeBundle(tooMany), anchor);
    expect(capped.ok ? 'ok' : capped.error.code).toMatch(/PAYLOAD_TOO_LONG|INPUT_TOO_LARGE/);
  });
});

describe('singgah trust import / list / remove', () => {
  let root: string;
  let dataDir: string;

  const cli = (args: readonly string[]) => runCliIn(dataDir, args);
  const file = (name: string, data: string | Buffer) => {
    const path = join(root, name);
    writeFileSync(path, data);
    return path;
  };
  const published = () => publishedPayload(dataDir);

  beforeAll(async () => {
    ({ root, dataDir } = await createTestAuthority('dcc-trust'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const es = makeDsc({ country: 'AT', commonName: 'AT DSC 1', eku: [DCC_EKU_MISSPELLED.v] });
  const ps = makeDsc({ country: 'DE', keyType: 'rsa-pss', commonName: 'DE DSC' });
  const expired = makeDsc({ country: 'SE', notBefore: 1_600_000_000, notAfter: 1_630_000_000 });

  it('imports PEM and DER files into the data dir and re-signs the bundle carrying them', async () => {
    expect('dccSigners' in published()).toBe(false);
    const before = published().version;
    const run = await cli([
      'trust',
      'import',
      file('at.pem', es.pem),
      file('de.der', ps.der),
      file('se.pem', expired.pem),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Imported 3 DCC signer(s) (0 already trusted)');
    expect(run.stdout).toContain(`Re-signed bundle version ${before + 1} with 3 DCC signer(s)`);
    expect(run.stderr).toMatch(
      new RegExp(
        `warning: ${expired.kid.replace(/[+/]/g, '\\$&')} expired 2021-08-26T\\S+: it verifies only DCCs issued before`,
      ),
    );
    const payload = published();
    expect(payload.version).toBe(before + 1);
    expect(payload.dccSigners?.map((s) => [s.kid, s.country, s.alg, s.usages])).toEqual([
      [es.kid, 'AT', 'ES256', ['v']],
      [ps.kid, 'DE', 'PS256', undefined],
      [expired.kid, 'SE', 'ES256', undefined],
    ]);
    // The data dir keeps the certificates; the bundle only the compact records.
    const stored = JSON.parse(readFileSync(dccSignersPath(dataDir), 'utf8'));
    expect(stored.signers[1].certificate).toBe(ps.der.toString('base64'));
    expect(JSON.stringify(payload.dccSigners)).not.toContain(ps.der.toString('base64').slice(0, 40));
  });

  it('lists them; the same certificate again is not added and re-signs nothing', async () => {
    const listed = await cli(['trust', 'list']);
    expect(listed.stdout).toContain('3 trusted DCC signer(s)');
    expect(listed.stdout).toContain(`${es.kid}  AT  ES256  v    2021-01-01T00:00:00Z – 2030-12-30T00:00:00Z`);
    expect(listed.stdout).toMatch(new RegExp(`${ps.kid.replace(/[+/]/g, '\\$&')}  DE  PS256  tvr .*DE DSC`));
    expect(listed.stdout).toMatch(/\(expired\)/);
    const version = published().version;
    const again = await cli(['trust', 'import', file('at-again.pem', es.pem)]);
    expect(again.stdout).toContain('Imported 0 DCC signer(s) (1 already trusted)');
    expect(published().version).toBe(version);
  });

  it('`bundle sign` keeps carrying the stored signers', async () => {
    expect((await cli(['bundle', 'sign', POLICY])).code).toBe(0);
    expect(published().dccSigners?.map((s) => s.kid)).toEqual([es.kid, ps.kid, expired.kid]);
  });

  it('a bad file is refused with its reason and changes nothing', async () => {
    const version = published().version;
    const stored = readFileSync(dccSignersPath(dataDir), 'utf8');
    const run = await cli([
      'trust',
      'import',
      file('ok.pem', makeDsc().pem),
      file('ca.pem', makeDsc({ ca: true }).pem),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ca.pem: a CA certificate (CSCA), not a Document Signer Certificate');
    expect(readFileSync(dccSignersPath(dataDir), 'utf8')).toBe(stored);
    expect(published().version).toBe(version);
    expect((await cli(['trust', 'import', join(root, 'missing.pem')])).stderr).toContain('cannot read');
  });

  it('a PEM bundle with its CA chain: the DSC imported, the CA skipped with a note', async () => {
    const dsc = makeDsc({ country: 'FR' });
    const run = await cli(['trust', 'import', file('chain.pem', dsc.pem + makeDsc({ ca: true }).pem)]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Imported 1 DCC signer(s)');
    expect(run.stderr).toContain('chain.pem certificate 2: a CA certificate (the chain), not a signer');
    expect(published().dccSigners?.map((s) => s.kid)).toContain(dsc.kid);
    const onlyCa = await cli([
      'trust',
      'import',
      file('ca-only.pem', makeDsc({ ca: true }).pem + makeDsc({ ca: true }).pem),
    ]);
    expect(onlyCa.code).toBe(1);
    expect(onlyCa.stderr).toContain('ca-only.pem: no usable Document Signer Certificate');
    expect((await cli(['trust', 'remove', dsc.kid])).code).toBe(0);
  });

  it('when the bundle cannot be re-signed (here: the root key file is damaged), the signers stay as they were', async () => {
    const version = published().version;
    const stored = readFileSync(dccSignersPath(dataDir), 'utf8');
    const keysDir = join(dataDir, 'keys');
    const rootFile = readdirSync(keysDir).find((f) => f.startsWith('root-')) as string;
    // Damaged rather than moved away: with no root key here at all, custodians hold the root and the
    // change is kept for their next bundle (test/server/cli/custody.test.ts).
    renameSync(join(keysDir, rootFile), join(root, rootFile));
    writeFileSync(join(keysDir, rootFile), '{}', { mode: 0o600 });
    try {
      const run = await cli(['trust', 'import', file('later.pem', makeDsc().pem)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('; the trusted DCC signers are unchanged');
    } finally {
      renameSync(join(root, rootFile), join(keysDir, rootFile));
    }
    expect(readFileSync(dccSignersPath(dataDir), 'utf8')).toBe(stored);
    expect(published().version).toBe(version);
  });

  it('removes by kid (base64 or base64url) and re-signs without it; an unknown kid is an error', async () => {
    const urlKid = ps.kid.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    // One random kid in 64 starts with '-' in base64url: then, as for any argument, it goes after `--`.
    const run = await cli(['trust', 'remove', ...(urlKid.startsWith('-') ? ['--'] : []), urlKid]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Removed ${ps.kid}  DE  PS256`);
    expect(published().dccSigners?.map((s) => s.kid)).toEqual([es.kid, expired.kid]);
    const unknown = await cli(['trust', 'remove', 'AAAAAAAAAAA=']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no trusted DCC signer with kid AAAAAAAAAAA=');
  });

  it('with no bundle published yet, import stores them for the first `bundle sign`', async () => {
    const fresh = join(root, 'fresh');
    let stdout = '';
    const run = await runCli(['--data-dir', fresh, 'trust', 'import', file('fresh.pem', es.pem)], {
      out: (s) => {
        stdout += s;
      },
      err: (s) => {
        stdout += s;
      },
    });
    expect(run, stdout).toBe(0);
    expect(stdout).toContain('No bundle published yet: `singgah bundle sign POLICY.json` will carry them.');
    expect(existsSync(dccSignersPath(fresh))).toBe(true);
    expect(existsSync(publishedBundlePath(fresh))).toBe(false);
  });
});

describe('reading DSC files: framing, countries and bounds', () => {
  const es = makeDsc({ country: 'AT', eku: [DCC_EKU.v] });
  /** The error `f` throws, as code and message (or 'no error'). */
  const failure = (f: () => unknown) => {
    try {
      f();
      return 'no error';
    } catch (e) {
      return e instanceof AuthorityError ? `${e.code}: ${e.message}` : `not an AuthorityError: ${String(e)}`;
    }
  };
  const read = (bytes: Buffer | string, options = {}) =>
    readSigners(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, 'f', options);

  it('takes bytes for DER only when one DER element spans them exactly; a bad DER file is an error of its own', () => {
    const notX509 = 'DCC_SIGNER_INVALID: f: not an X.509 certificate';
    const notAny = /^DCC_SIGNER_INVALID: f: not a certificate \(PEM or DER\) nor a DCC trust list/;
    // Framed as one element (short form, long form of one to four length bytes): read as a certificate.
    for (const der of [
      [0x30, 0x00],
      [0x30, 0x81, 0x00],
      [0x30, 0x84, 0, 0, 0, 1, 0],
    ]) {
      expect(failure(() => read(Buffer.from(der)))).toBe(notX509);
    }
    // Not framed: too short (then it is the JSON text "0"), indefinite length, five length bytes, longer than the
    // bytes, another tag.
    expect(failure(() => read(Buffer.from([0x30])))).toBe('DCC_SIGNER_INVALID: f: no certificate found');
    for (const der of [
      [0x30, 0x80],
      [0x30, 0x85, 0, 0, 0, 0, 1, 0],
      [0x30, 0x82, 0x00],
      [0x30, 0x05, 0x00],
      [0x31, 0x00],
    ]) {
      expect(failure(() => read(Buffer.from(der)))).toMatch(notAny);
    }
    expect(read(es.der).signers[0].signer.kid).toBe(es.kid);
  });

  it('base64 DER: wrapped lines are one certificate, 200 characters is long enough to be one, fewer is a word', () => {
    const b64 = es.der.toString('base64');
    const wrapped = `${b64.match(/.{1,64}/g)?.join('\r\n')}\n`;
    expect(read(wrapped).signers.map((s) => s.signer.kid)).toEqual([es.kid]);
    expect(failure(() => read('A'.repeat(200)))).toBe('DCC_SIGNER_INVALID: f: not an X.509 certificate');
    expect(failure(() => read('A'.repeat(196)))).toMatch(/^DCC_SIGNER_INVALID: f: not a certificate \(PEM or DER\)/);
  });

  it('a PEM bundle: a block that is no certificate is an error, not a CA to skip', () => {
    const garbage = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(failure(() => read(es.pem + garbage))).toBe('DCC_SIGNER_INVALID: f certificate 2: not an X.509 certificate');
  });

  it('the country: the subject C wherever it stands, trimmed and upper-cased; else the list’s; else none', () => {
    // An EU sample DSC lists CN before C.
    const sample = JSON.parse(readFileSync(join(import.meta.dirname, '../../vectors/eu-dcc/AT/1.json'), 'utf8'));
    const der = Buffer.from(sample.TESTCTX.CERTIFICATE, 'base64');
    expect(signerFromDer(der, 'at').signer.country).toBe('AT');
    expect(signerFromDer(makeDsc({ country: 'se' }).der, 'x').signer.country).toBe('SE');
    const deu = makeDsc({ country: 'DEU' });
    expect(failure(() => signerFromDer(deu.der, 'x'))).toBe('DCC_SIGNER_INVALID: x: no country (C) in the subject');
    expect(signerFromDer(deu.der, 'x', 'DE').signer.country).toBe('DE');
    expect(signerFromDer(deu.der, 'x', undefined, { lenient: true }).signer.country).toBe('XX');
  });

  it('refuses a validity that ends when or before it starts, and an RSA-PSS key bound to another hash', () => {
    for (const notAfter of [1_700_000_000, 1_699_999_999]) {
      const dsc = makeDsc({ notBefore: 1_700_000_000, notAfter });
      expect(failure(() => signerFromDer(dsc.der, 'x'))).toBe('DCC_SIGNER_INVALID: x: validity ends before it starts');
    }
    expect(signerFromDer(makeDsc({ notBefore: 1_700_000_000, notAfter: 1_700_000_001 }).der, 'x').signer.notAfter).toBe(
      1_700_000_001,
    );
    const sha384 = generateKeyPairSync('rsa-pss', {
      modulusLength: 2048,
      hashAlgorithm: 'sha384',
      mgf1HashAlgorithm: 'sha384',
    });
    // The certificate's own signature is never checked (the import is the trust decision): any key may sign it.
    const built = selfSignedCertificate({
      keyType: 'rsa-pss',
      privateKey: generateKeyPairSync('rsa-pss', {
        modulusLength: 2048,
        hashAlgorithm: 'sha256',
        mgf1HashAlgorithm: 'sha256',
      }).privateKey,
      publicKey: sha384.publicKey,
      country: 'DE',
      commonName: 'x',
      notBefore: 1_700_000_000,
      notAfter: 1_800_000_000,
      serial: 1,
    });
    expect(failure(() => signerFromDer(built.der, 'x'))).toBe(
      'DCC_SIGNER_INVALID: x: RSA-PSS key restricted to sha384; PS256 needs SHA-256',
    );
  });

  it('a certificate whose key or validity Node cannot read: refused with the reason, skipped in a list', () => {
    /** The DER with one run of bytes replaced by another of the same length (the outer lengths stay true). */
    const patched = (der: Buffer, from: string, to: string) => {
      const text = der.toString('latin1');
      expect(text.split(from)).toHaveLength(2);
      return Buffer.from(text.replace(from, to), 'latin1');
    };
    // id-ecPublicKey (1.2.840.10045.2.1) → 1.2.840.10045.2.127: X509Certificate parses it, its key does not decode.
    const unknownKey = patched(es.der, '\x2a\x86\x48\xce\x3d\x02\x01', '\x2a\x86\x48\xce\x3d\x02\x7f');
    expect(failure(() => signerFromDer(unknownKey, 'x'))).toBe('DCC_SIGNER_INVALID: x: unreadable public key');
    // notAfter (UTCTime 2030-12-30 00:00:00) with letters for the seconds: Node prints "Bad time value".
    const badTime = patched(es.der, '301230000000Z', '3012300000ZZZ');
    expect(failure(() => signerFromDer(badTime, 'x'))).toBe(
      'DCC_SIGNER_INVALID: x: unreadable validity date "Bad time value"',
    );
    const list = [unknownKey, badTime, es.der].map((der) => ({ rawData: der.toString('base64') }));
    const read = readSigners(Buffer.from(JSON.stringify(list)), 'list.json');
    expect(read.signers.map((s) => s.signer.kid)).toEqual([es.kid]);
    expect(read.skipped).toEqual([
      'list.json entry 1: unreadable public key',
      'list.json entry 2: unreadable validity date "Bad time value"',
    ]);
  });

  describe('trust-list JSON', () => {
    const bare = makeDsc({ country: null });
    const entry = (d: typeof es, extra: Record<string, unknown> = {}) => ({
      rawData: d.der.toString('base64'),
      ...extra,
    });
    const kids = (json: unknown, options = {}) => read(JSON.stringify(json), options).signers.map((s) => s.signer.kid);

    it('entries without a type are DSCs; a country that is not text is ignored; null and other values are passed over', () => {
      expect(kids([null, 5, 'x', entry(es), entry(bare, { country: 'nl' })])).toEqual([es.kid, bare.kid]);
      expect(read(JSON.stringify([entry(bare, { country: 'nl' })])).signers[0].signer.country).toBe('NL');
      expect(failure(() => read(JSON.stringify([entry(bare, { country: 5 })])))).toMatch(
        /^DCC_SIGNER_INVALID: f: no usable Document Signer Certificate$/,
      );
      expect(
        kids([entry(es, { certificateType: 'CSCA' }), entry(bare, { certificateType: 'DSC', country: 'NL' })]),
      ).toEqual([bare.kid]);
      // An x5c whose first member is not text is no certificate: its members are looked into instead.
      expect(kids({ keys: [{ x5c: [5] }, { x5c: [es.der.toString('base64')] }] })).toEqual([es.kid]);
    });

    it('looks 32 levels deep and no deeper', () => {
      const nested = (depth: number) => {
        let json: unknown = entry(es);
        for (let i = 0; i < depth; i++) json = [json];
        return json;
      };
      expect(kids(nested(32))).toEqual([es.kid]);
      expect(failure(() => read(JSON.stringify(nested(33))))).toBe('DCC_SIGNER_INVALID: f: no certificate found');
    });

    it('a JWS list or a signature line then JSON, with blank lines around', () => {
      const payload = Buffer.from(
        JSON.stringify({ dsc_trust_list: { AT: { keys: [{ x5c: [es.der.toString('base64')] }] } } }),
      );
      const jws = `eyJhbGciOiJFUzI1NiJ9.${payload.toString('base64url')}.c2ln`;
      expect(read(`\n${jws}\n`).signers.map((s) => s.signer.kid)).toEqual([es.kid]);
      expect(read(`\n\nMEUCIQ==\n${JSON.stringify([entry(es)])}\n`).signers.map((s) => s.signer.kid)).toEqual([es.kid]);
      expect(failure(() => read('MEUCIQ==\nnot json'))).toMatch(/^DCC_SIGNER_INVALID: f: not a certificate/);
    });
  });

  it('a file: unreadable or over 32 MiB is INPUT_INVALID', () => {
    const dir = mkdtempSync(join(tmpdir(), 'singgah-dsc-file-'));
    try {
      expect(failure(() => readSignerFile(join(dir, 'missing.pem')))).toBe(
        `INPUT_INVALID: cannot read ${join(dir, 'missing.pem')}`,
      );
      const big = join(dir, 'big.json');
      writeFileSync(big, Buffer.alloc(32 * 1024 * 1024 + 1, 0x20));
      expect(failure(() => readSignerFile(big))).toBe(`INPUT_INVALID: ${big} is too large`);
      writeFileSync(big, Buffer.alloc(32 * 1024 * 1024, 0x20));
      expect(failure(() => readSignerFile(big))).toMatch(/^DCC_SIGNER_INVALID: .*not a certificate/);
      const pem = join(dir, 'es.pem');
      writeFileSync(pem, es.pem);
      expect(readSignerFile(pem).signers[0].signer.kid).toBe(es.kid);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('the stored signers (dcc-signers.json)', () => {
    let dataDir: string;
    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'singgah-dcc-signers-'));
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
    const store = (text: string) => writeFileSync(dccSignersPath(dataDir), text);
    const path = () => dccSignersPath(dataDir);

    it('none stored: empty; each stored one re-derived from its certificate, the stored country only as a fallback', () => {
      expect(readTrustedSigners(dataDir)).toEqual([]);
      const bare = makeDsc({ country: null });
      store(
        JSON.stringify({
          signers: [
            { certificate: es.der.toString('base64'), signer: { country: 'FR', kid: 'forged' } },
            { certificate: bare.der.toString('base64'), signer: { country: 'NL' } },
          ],
        }),
      );
      expect(readTrustedSigners(dataDir).map((t) => [t.signer.kid, t.signer.country])).toEqual([
        [es.kid, 'AT'],
        [bare.kid, 'NL'],
      ]);
      store(JSON.stringify({ signers: [{ certificate: bare.der.toString('base64'), signer: { country: 5 } }] }));
      expect(failure(() => readTrustedSigners(dataDir))).toBe(
        `DCC_SIGNER_INVALID: ${path()} signer 1: no country (C) in the subject`,
      );
      store(JSON.stringify({ signers: [{ certificate: bare.der.toString('base64') }] }));
      expect(failure(() => readTrustedSigners(dataDir))).toMatch(/signer 1: no country/);
    });

    it('a damaged file is INPUT_INVALID naming the file and the entry', () => {
      const cases: [string, string][] = [
        ['not json', `INPUT_INVALID: ${path()} is not valid JSON`],
        ['{}', `INPUT_INVALID: ${path()} has no "signers" list`],
        ['{"signers": {}}', `INPUT_INVALID: ${path()} has no "signers" list`],
        [
          JSON.stringify({ signers: [{ certificate: es.der.toString('base64') }, null] }),
          `INPUT_INVALID: ${path()}: signer 2`,
        ],
        [JSON.stringify({ signers: [{ certificate: 5 }] }), `INPUT_INVALID: ${path()}: signer 1`],
        [
          JSON.stringify({ signers: [{ certificate: es.der.toString('base64') }, { certificate: 'AAAA' }] }),
          `DCC_SIGNER_INVALID: ${path()} signer 2: not an X.509 certificate`,
        ],
      ];
      for (const [text, error] of cases) {
        store(text);
        expect({ text, error: failure(() => readTrustedSigners(dataDir)) }).toEqual({ text, error });
      }
    });

    it('writes at most as many signers as a bundle holds', () => {
      const one = signerFromDer(es.der, 'x');
      writeTrustedSigners(dataDir, Array(MAX_DCC_SIGNERS).fill(one));
      expect(readTrustedSigners(dataDir)).toHaveLength(MAX_DCC_SIGNERS);
      expect(failure(() => writeTrustedSigners(dataDir, Array(MAX_DCC_SIGNERS + 1).fill(one)))).toBe(
        `INPUT_INVALID: at most ${MAX_DCC_SIGNERS} DCC signers fit in a bundle`,
      );
    });
  });
});
