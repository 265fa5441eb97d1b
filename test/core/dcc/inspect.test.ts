/**
 * inspectDcc and verifyDcc over DCCs we sign ourselves (test/support/dcc-sign.ts): every kind, both
 * algorithms, and every failure the hcert spec and the brief name — each with its code, its check, and a
 * report that stays complete after the failure.
 */
import { constants, createHash, sign } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes';
import {
  countryUciHash,
  type DccInspection,
  type DccSigner,
  inspectDcc,
  MAX_HC1_TEXT,
  toBase45,
  toBase64,
  uciHash,
  verifyDcc,
} from '../../../src/core/dcc';
import { revocationHashes } from '../../../src/core/dcc/revocation';
import { verifyWithSigner } from '../../../src/core/dcc/signature';
import {
  deepCbor,
  encodeCbor,
  ISSUED,
  makeSigner,
  PAYLOADS,
  Raw,
  signDcc,
  signDccDetailed,
  Tag,
  YEAR,
  zipBomb,
} from '../../support/dcc-sign';

const es = makeSigner('ES256');
const ps = makeSigner('PS256');
const ps3072 = makeSigner('PS256', { rsaBits: 3072 });
const other = makeSigner('ES256');
const AT = ISSUED + 86_400;
const signers: DccSigner[] = [es.signer, ps.signer, ps3072.signer];
const inspect = (text: string, at = AT, list: readonly DccSigner[] = signers) =>
  inspectDcc(text, { at, signers: list });

const withoutClaim = (c: Map<number, unknown>, key: number) => new Map([...c].filter(([k]) => k !== key));

const ALL_TRUE = {
  prefix: true,
  base45: true,
  decompress: true,
  cose: true,
  cbor: true,
  schema: true,
  signature: true,
  keyUsage: true,
  time: true,
};

function expectOnly(r: DccInspection, code: string, checks: Partial<typeof ALL_TRUE | Record<string, boolean | null>>) {
  expect(r.errors).toEqual([code]);
  expect(r.checks).toEqual({ ...ALL_TRUE, ...checks });
  expect(r.valid).toBe(false);
}

describe('valid DCCs', () => {
  it.each([
    ['ES256', 'v', es],
    ['ES256', 't', es],
    ['ES256', 'r', es],
    ['PS256 2048', 'v', ps],
    ['PS256 2048', 't', ps],
    ['PS256 3072', 'r', ps3072],
  ] as const)('%s %s verifies with every check true', (_, kind, by) => {
    const r = inspect(signDcc({ by, payload: PAYLOADS[kind] }));
    expect(r).toMatchObject({ format: 'eu-dcc', valid: true, checks: ALL_TRUE, errors: [] });
    expect(r.payload).toEqual(PAYLOADS[kind]);
    expect(r.claims).toEqual({ iss: 'ID', iat: ISSUED, exp: ISSUED + YEAR });
    expect(r.kid).toBe(toBase64(by.kid));
    expect(r.signer).toBe(by.signer);
  });

  it('accepts a high-S ES256 signature as it is (DCC issuers do not normalise S)', () => {
    const d = signDccDetailed({ by: es, highS: true });
    const s = BigInt(`0x${Buffer.from(d.signature.subarray(32)).toString('hex')}`);
    expect(s > 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n / 2n).toBe(true);
    expect(inspect(d.text).valid).toBe(true);
  });

  it('accepts untagged COSE and COSE inside a CWT tag 61', () => {
    expect(inspect(signDcc({ by: es, wrap: 'none' })).valid).toBe(true);
    expect(inspect(signDcc({ by: ps, wrap: 'cwt' })).valid).toBe(true);
  });

  it('takes the kid from the unprotected header when the protected one has none', () => {
    const r = inspect(signDcc({ by: es, kid: 'unprotected' }));
    expect(r.valid).toBe(true);
    expect(r.kid).toBe(toBase64(es.kid));
  });

  it('prefers the protected kid: a wrong unprotected one does not matter', () => {
    expect(inspect(signDcc({ by: es, kid: { protected: es.kid, unprotected: other.kid } })).valid).toBe(true);
  });

  it('refuses a kid that is not a byte string, where it is the one that counts', () => {
    const d = signDccDetailed({ by: es, kid: 'none' });
    const cose = (unprot: Map<number, unknown>, prot = encodeCbor(new Map([[1, -7]]))) =>
      `HC1:${toBase45(deflateSync(encodeCbor(new Tag(18, [prot, unprot, new Uint8Array(1), d.signature]))))}`;
    expect(inspect(cose(new Map([[4, 'kid-as-text']]))).errors).toEqual(['COSE_INVALID']);
    const protWithKid = encodeCbor(
      new Map<number, unknown>([
        [1, -7],
        [4, es.kid],
      ]),
    );
    expect(inspect(cose(new Map([[4, 'ignored']]), protWithKid)).checks.cose).toBe(true);
  });

  it('matches a signer kid written without padding or in base64url', () => {
    const unpadded = {
      ...es.signer,
      kid: toBase64(es.kid).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_'),
    };
    expect(inspect(signDcc({ by: es }), AT, [unpadded]).valid).toBe(true);
  });

  it('tries every signer sharing the kid', () => {
    const impostor = { ...other.signer, kid: es.signer.kid };
    expect(inspect(signDcc({ by: es }), AT, [impostor, es.signer]).signer).toBe(es.signer);
  });

  it('counts iat and exp themselves as inside the window', () => {
    const text = signDcc({ by: es });
    expect(inspect(text, ISSUED).checks.time).toBe(true);
    expect(inspect(text, ISSUED + YEAR).checks.time).toBe(true);
  });
});

describe('each failure, its code and a complete report', () => {
  it('prefix missing: nothing else is reached', () => {
    const r = inspect(signDcc({ by: es }).replace('HC1:', 'HC2:'));
    expect(r).toMatchObject({ valid: false, errors: ['HC1_PREFIX_MISSING'], payload: null });
    expect(r.checks.prefix).toBe(false);
    expect(Object.values(r.checks).filter((c) => c !== null)).toEqual([false]);
  });

  it.each([
    ['a lower-case letter', (t: string) => `${t.slice(0, 10)}a${t.slice(11)}`],
    ['a triplet over 65535', (t: string) => `${t}GGW`],
    // A base45 text ends in a group of 3 or 2 characters; one more, or two after a pair, leaves a single one.
    ['one odd trailing character', (t: string) => `${t}${(t.length - 'HC1:'.length) % 3 === 2 ? '00' : '0'}`],
  ])('base45 with %s', (_, edit) => {
    const r = inspect(edit(signDcc({ by: es })));
    expect(r.errors).toEqual(['BASE45_INVALID']);
    expect(r.checks).toMatchObject({ prefix: true, base45: false, decompress: null });
  });

  it('zip bomb (2 MiB of zeros in a QR-sized text): refused by the output cap', () => {
    const r = inspect(zipBomb(2 * 1024 * 1024));
    expect(r.errors).toEqual(['INFLATE_TOO_LARGE']);
    expect(r.checks).toMatchObject({ base45: true, decompress: false, cose: null });
  });

  it('broken zlib stream', () => {
    const d = signDccDetailed({ by: es });
    const bytes = deflateSync(d.cose);
    bytes[bytes.length - 1] ^= 1; // Adler-32
    expect(inspect(`HC1:${toBase45(bytes)}`).errors).toEqual(['INFLATE_FAILED']);
  });

  it('uncompressed COSE: decompress false, but the rest is still checked', () => {
    const r = inspect(signDcc({ by: es, compress: false }));
    expectOnly(r, 'INFLATE_FAILED', { decompress: false });
    expect(r.payload).toEqual(PAYLOADS.v);
  });

  it('trailing bytes after the COSE message', () => {
    const r = inspect(signDcc({ by: es, trailing: Uint8Array.of(0) }));
    expect(r.errors).toEqual(['CBOR_INVALID']);
    expect(r.checks).toMatchObject({ decompress: true, cose: false, cbor: null });
  });

  it('trailing bytes after the (signed) CWT payload', () => {
    const r = inspect(signDcc({ by: es, claims: (c) => Uint8Array.from([...encodeCbor(c), 0]) }));
    expect(r.errors).toEqual(['CBOR_INVALID']);
    expect(r.checks).toMatchObject({ cose: true, cbor: false, schema: null, signature: true, time: null });
  });

  it('CBOR nested too deep, and too many items', () => {
    const deep = inspect(signDcc({ by: es, claims: (c) => c.set(-260, new Map([[1, new Raw(deepCbor(40))]])) }));
    expect(deep.errors).toEqual(['CBOR_INVALID']);
    const huge = inspect(signDcc({ by: es, claims: (c) => c.set(99, new Array(5000).fill(0)) }));
    expect(huge.errors).toEqual(['CBOR_INVALID']);
    expect(huge.checks.cbor).toBe(false);
  });

  it('a COSE structure that is not COSE_Sign1', () => {
    const text = `HC1:${toBase45(deflateSync(encodeCbor([1, 2, 3])))}`;
    expect(inspect(text).errors).toEqual(['COSE_INVALID']);
  });

  it('a critical header parameter (crit) is not understood, so refused', () => {
    const d = signDccDetailed({ by: es });
    const withCrit = encodeCbor(
      new Map<number, unknown>([
        [1, -7],
        [2, [99]],
        [4, es.kid],
      ]),
    );
    const cose = encodeCbor(new Tag(18, [withCrit, new Map(), new Uint8Array(2), d.signature]));
    expect(inspect(`HC1:${toBase45(deflateSync(cose))}`).errors).toEqual(['COSE_INVALID']);
  });

  it('missing hcert −260: claims invalid, no payload, signature still checked', () => {
    const r = inspect(signDcc({ by: es, claims: (c) => withoutClaim(c, -260) }));
    expect(r.errors).toEqual(['CWT_CLAIMS_INVALID']);
    expect(r.checks).toMatchObject({ cbor: false, schema: null, signature: true, keyUsage: null, time: true });
    expect(r.payload).toBeNull();
  });

  it('missing exp: claims invalid, time not reached', () => {
    const r = inspect(signDcc({ by: es, claims: (c) => withoutClaim(c, 4) }));
    expect(r.errors).toEqual(['CWT_CLAIMS_INVALID']);
    expect(r.checks).toMatchObject({ cbor: false, schema: true, time: null });
  });

  it('schema: two groups, two entries, no standardised name, bad dob — usage still checked when the type is clear', () => {
    const bad = [
      [{ ...PAYLOADS.v, t: PAYLOADS.t.t }, null],
      [{ ...PAYLOADS.v, v: [PAYLOADS.v.v[0], PAYLOADS.v.v[0]] }, true],
      [{ ...PAYLOADS.v, nam: { fn: 'Santoso' } }, true],
      [{ ...PAYLOADS.v, dob: '80-02-03' }, true],
    ] as const;
    for (const [payload, keyUsage] of bad)
      expectOnly(inspect(signDcc({ by: es, payload })), 'DCC_SCHEMA_INVALID', { schema: false, keyUsage });
  });

  it('revocation and key usage are still found in a payload that fails the schema', () => {
    const testsOnly = makeSigner('ES256', { usages: ['t'] });
    const payload = { ...PAYLOADS.v, dob: 'long ago' };
    const uci = createHash('sha256').update(PAYLOADS.v.v[0].ci).digest().subarray(0, 16).toString('base64');
    const r = inspectDcc(signDcc({ by: testsOnly, payload }), {
      at: AT,
      signers: [testsOnly.signer],
      revocations: { uci: [uci] },
    });
    expect(r.errors).toEqual(['DCC_SCHEMA_INVALID', 'KEY_USAGE_MISMATCH', 'CERTIFICATE_REVOKED']);
  });

  it('a clock that is not a number never passes the time check', () => {
    expect(inspect(signDcc({ by: es }), Number.NaN).checks.time).toBe(false);
  });

  it('unknown kid: SIGNER_UNKNOWN even though a trusted key would verify', () => {
    const r = inspect(signDcc({ by: es, kid: { protected: other.kid } }));
    expectOnly(r, 'SIGNER_UNKNOWN', { signature: false, keyUsage: null });
    expect(r.payload).toEqual(PAYLOADS.v);
  });

  it('wrong protected kid, right unprotected kid: SIGNER_UNKNOWN', () => {
    expect(inspect(signDcc({ by: es, kid: { protected: other.kid, unprotected: es.kid } })).errors).toEqual([
      'SIGNER_UNKNOWN',
    ]);
  });

  it('no kid at all', () => {
    const r = inspect(signDcc({ by: es, kid: 'none' }));
    expect(r.errors).toEqual(['SIGNER_UNKNOWN']);
    // Absent, not present as undefined: the report is stored and shown as it is.
    expect(Object.keys(r)).not.toContain('kid');
    expect(Object.keys(r)).not.toContain('signer');
    expect(Object.keys(inspect('HC1'))).not.toContain('revocation');
  });

  it('compares kids as bytes: any padding, either alphabet, kids of any length', () => {
    // Seven bytes whose base64 holds both '+' and '/' and two padding characters.
    const kid = Uint8Array.of(0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb);
    expect(toBase64(kid)).toBe('+/+/+/+/+w==');
    const text = signDcc({ by: es, kid: { protected: kid } });
    for (const written of ['+/+/+/+/+w==', '+/+/+/+/+w', '-_-_-_-_-w', '-_-_-_-_-w=='])
      expect(inspect(text, AT, [{ ...es.signer, kid: written }]).valid, written).toBe(true);
    for (const other of ['+/+/+/+/+g==', '+/+/+/+/', '-_-_-_-_-w=+'])
      expect(inspect(text, AT, [{ ...es.signer, kid: other }]).errors, other).toEqual(['SIGNER_UNKNOWN']);
  });

  it('takes a text of the longest QR and refuses one character more before decoding it', () => {
    const longest = `HC1:${'0'.repeat(MAX_HC1_TEXT - 4)}`;
    expect(inspect(longest).checks.base45).toBe(true);
    expect(inspect(`${longest}000`).checks.base45).toBe(false);
    expect(inspect(`${longest}000`).errors).toEqual(['BASE45_INVALID']);
  });

  it('an expired signer is reported even when its signature does not verify', () => {
    const short = makeSigner('ES256', { notBefore: ISSUED - 1, notAfter: ISSUED + 30 * 86_400 });
    const forged = signDcc({ by: other, kid: { protected: short.kid } });
    expect(inspect(forged, AT, [short.signer]).errors).toEqual(['SIGNATURE_INVALID', 'SIGNER_EXPIRED']);
    // No signer named by the kid: nothing to say about its validity.
    expect(inspect(signDcc({ by: short }), AT, [es.signer]).errors).toEqual(['SIGNER_UNKNOWN']);
  });

  it('wrong alg: unsupported (EdDSA), or not the signer key’s', () => {
    expectOnly(inspect(signDcc({ by: es, alg: -8 })), 'ALGORITHM_UNSUPPORTED', { signature: false, keyUsage: null });
    expectOnly(inspect(signDcc({ by: es, alg: -37 })), 'SIGNATURE_INVALID', { signature: false, keyUsage: null });
  });

  it('tampered payload: signature invalid, the altered payload still reported', () => {
    const r = inspect(
      signDcc({
        by: ps,
        tamper: (p) => Buffer.from(Buffer.from(p).toString('latin1').replace('BUDI', 'BUDY'), 'latin1'),
      }),
    );
    expectOnly(r, 'SIGNATURE_INVALID', { signature: false, keyUsage: null });
    expect(JSON.stringify(r.payload)).toContain('BUDY');
  });

  it('a signature by another key under a trusted kid', () => {
    const forged = { ...other, kid: es.kid };
    expect(inspect(signDcc({ by: forged })).errors).toEqual(['SIGNATURE_INVALID']);
  });

  it('expired and not yet valid', () => {
    const text = signDcc({ by: es });
    expectOnly(inspect(text, ISSUED + YEAR + 1), 'CERTIFICATE_EXPIRED', { time: false });
    expectOnly(inspect(text, ISSUED - 1), 'CERTIFICATE_NOT_YET_VALID', { time: false });
  });

  it('key usage: a test signer cannot sign a vaccination; absent usages allow all', () => {
    const testsOnly = makeSigner('ES256', { usages: ['t'] });
    expectOnly(inspect(signDcc({ by: testsOnly }), AT, [testsOnly.signer]), 'KEY_USAGE_MISMATCH', { keyUsage: false });
    expect(inspect(signDcc({ by: testsOnly, payload: PAYLOADS.t }), AT, [testsOnly.signer]).valid).toBe(true);
  });

  it('signer validity must cover iat and exp', () => {
    const late = makeSigner('ES256', { notBefore: ISSUED + 1, notAfter: ISSUED + 2 * YEAR });
    expectOnly(inspect(signDcc({ by: late }), AT, [late.signer]), 'SIGNER_EXPIRED', { time: false });
    const short = makeSigner('ES256', { notBefore: ISSUED - 1, notAfter: ISSUED + 30 * 86_400 });
    expectOnly(inspect(signDcc({ by: short }), AT, [short.signer]), 'SIGNER_EXPIRED', { time: false });
    const covering = makeSigner('ES256', { notBefore: ISSUED, notAfter: ISSUED + YEAR });
    expect(inspect(signDcc({ by: covering }), AT, [covering.signer]).valid).toBe(true);
  });

  it('a malformed signer record fails to verify and never throws', () => {
    const text = signDcc({ by: es });
    const broken = [
      { ...es.signer, key: undefined },
      { ...es.signer, key: { kty: 'EC', crv: 'P-256', x: 42, y: null } },
      { ...es.signer, key: { kty: 'EC', crv: 'P-256', x: 'not base64!', y: '' } },
      { ...es.signer, key: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } },
      { ...es.signer, alg: 'PS256' },
    ] as unknown as DccSigner[];
    for (const s of broken) expect(inspect(text, AT, [s]).errors).toEqual(['SIGNATURE_INVALID']);
  });

  it('verifies only with the key its alg, kty and curve name, and never throws on a malformed one', () => {
    const message = utf8('Sig_structure');
    const esSig = new Uint8Array(sign('sha256', message, { key: es.privateKey, dsaEncoding: 'ieee-p1363' }));
    const psSig = new Uint8Array(
      sign('sha256', message, { key: ps.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    );
    expect(verifyWithSigner(es.signer, message, esSig)).toBe(true);
    expect(verifyWithSigner(ps.signer, message, psSig)).toBe(true);
    const esKey = es.signer.key as Record<string, unknown>;
    const psKey = ps.signer.key as Record<string, unknown>;
    const refused: [string, unknown, Uint8Array][] = [
      ['ES256 key named PS256', { ...es.signer, alg: 'PS256' }, esSig],
      ['P-256 point named P-384', { ...es.signer, key: { ...esKey, crv: 'P-384' } }, esSig],
      ['EC point named OKP', { ...es.signer, key: { ...esKey, kty: 'OKP' } }, esSig],
      ['RSA key named ES256', { ...ps.signer, alg: 'ES256' }, psSig],
      ['RSA key named EC', { ...ps.signer, key: { ...psKey, kty: 'EC' } }, psSig],
      ['no key', { ...es.signer, key: null }, esSig],
      ['a key that is text', { ...es.signer, key: 'key' }, esSig],
      ['no y', { ...es.signer, key: { ...esKey, y: undefined } }, esSig],
      ['no x', { ...es.signer, key: { ...esKey, x: undefined } }, esSig],
      ['a point off the curve', { ...es.signer, key: { ...esKey, y: esKey.x } }, esSig],
      ['a short signature', es.signer, esSig.subarray(1)],
      ['a long signature', es.signer, Uint8Array.from([...esSig, 0])],
      ['no modulus', { ...ps.signer, key: { ...psKey, n: undefined } }, psSig],
      ['no exponent', { ...ps.signer, key: { ...psKey, e: undefined } }, psSig],
    ];
    for (const [why, signer, sig] of refused)
      expect(verifyWithSigner(signer as DccSigner, message, sig), why).toBe(false);
  });

  it('RSA keys under 2048 bits never verify', () => {
    const weak = makeSigner('PS256', { rsaBits: 1024 });
    expect(inspect(signDcc({ by: weak }), AT, [weak.signer]).errors).toEqual(['SIGNATURE_INVALID']);
  });
});

describe('revocation (EU scheme: first 16 bytes of SHA-256, base64)', () => {
  const h = (data: string | Uint8Array) =>
    createHash('sha256').update(data).digest().subarray(0, 16).toString('base64');
  const uci = PAYLOADS.v.v[0].ci;

  it.each([
    ['uci', { uci: [h(uci)] }],
    ['country + uci', { countryUci: [h(`ID${uci}`)] }],
  ])('by %s', (_, revocations) => {
    const r = inspectDcc(signDcc({ by: es }), { at: AT, signers, revocations });
    expect(r.errors).toEqual(['CERTIFICATE_REVOKED']);
    expect(r.checks).toEqual(ALL_TRUE);
    expect(r.valid).toBe(false);
  });

  it('by signature: ES256 hashes r only, so the high-S twin is revoked too', () => {
    const d = signDccDetailed({ by: es });
    const revocations = { signature: [h(d.signature.subarray(0, 32))] };
    expect(inspectDcc(d.text, { at: AT, signers, revocations }).errors).toEqual(['CERTIFICATE_REVOKED']);
    const twin = signDccDetailed({ by: es, highS: true });
    const twinRevocations = { signature: [h(twin.signature.subarray(0, 32))] };
    expect(inspectDcc(twin.text, { at: AT, signers, revocations: twinRevocations }).valid).toBe(false);
  });

  it('by signature: PS256 hashes the whole signature', () => {
    const d = signDccDetailed({ by: ps });
    expect(inspectDcc(d.text, { at: AT, signers, revocations: { signature: [h(d.signature)] } }).errors).toEqual([
      'CERTIFICATE_REVOKED',
    ]);
  });

  it('reports its own hashes (what `singgah dcc revoke` lists), even when the signer is unknown', () => {
    const d = signDccDetailed({ by: es });
    const expected = { uci: h(uci), countryUci: h(`ID${uci}`), signature: h(d.signature.subarray(0, 32)) };
    expect(inspectDcc(d.text, { at: AT, signers }).revocation).toEqual(expected);
    expect(inspectDcc(d.text, { at: AT, signers: [] }).revocation).toEqual(expected);
    expect(uciHash(uci)).toBe(expected.uci);
    expect(countryUciHash('ID', uci)).toBe(expected.countryUci);
    const p = signDccDetailed({ by: ps });
    expect(inspectDcc(p.text, { at: AT, signers }).revocation?.signature).toBe(h(p.signature));
    expect(inspectDcc('HC1:%%', { at: AT, signers }).revocation).toBeUndefined();
  });

  it('writes standard base64 with padding, and lists only the hashes it has the parts for', () => {
    expect([1, 2, 3].map((n) => toBase64(Uint8Array.from([0xfb, 0xff, 0xbf].slice(0, n))))).toEqual([
      '+w==',
      '+/8=',
      '+/+/',
    ]);
    const signature = Uint8Array.of(1, 2, 3, 4);
    const sig = h(signature);
    expect(Object.keys(revocationHashes({ uci: undefined, iss: 'ID', ecdsa: false, signature }))).toEqual([
      'signature',
    ]);
    expect(revocationHashes({ uci: 'U', iss: undefined, ecdsa: false, signature })).toEqual({
      uci: h('U'),
      signature: sig,
    });
    expect(Object.keys(revocationHashes({ uci: 'U', iss: undefined, ecdsa: false, signature }))).toEqual([
      'uci',
      'signature',
    ]);
    expect(revocationHashes({ uci: 'U', iss: 'ID', ecdsa: true, signature })).toEqual({
      uci: h('U'),
      countryUci: h('IDU'),
      signature: h(signature.subarray(0, 2)),
    });
  });

  it('other entries do not revoke it', () => {
    const revocations = { uci: [h('URN:UVCI:01:ID:OTHER')], countryUci: [h(uci)], signature: [h('x')] };
    expect(inspectDcc(signDcc({ by: es }), { at: AT, signers, revocations }).valid).toBe(true);
  });
});

describe('verifyDcc', () => {
  it('maps a valid DCC for the app', () => {
    const r = verifyDcc(signDcc({ by: es, payload: PAYLOADS.t }), { at: AT, signers });
    expect(r.ok && r.value).toMatchObject({
      format: 'eu-dcc',
      holder: { fn: 'Santoso', fnt: 'SANTOSO', gn: 'Budi', gnt: 'BUDI', dob: '1980-02' },
      type: 't',
      country: 'ID',
      uci: 'URN:UVCI:01:ID:TESTT0001#L',
      issuedAt: ISSUED,
      expiresAt: ISSUED + YEAR,
      signerCountry: 'ID',
      fact: { kind: 'test', testType: 'pcr', result: 'neg', sampleTime: Date.parse('2021-08-01T01:30:00Z') / 1000 },
    });
  });

  it('gives the first error of an invalid one', () => {
    const r = verifyDcc(signDcc({ by: es }), { at: ISSUED + 2 * YEAR, signers });
    expect(r.ok ? 'ok' : r.error.code).toBe('CERTIFICATE_EXPIRED');
    const u = verifyDcc(signDcc({ by: es }), { at: AT, signers: [] });
    expect(u.ok ? 'ok' : u.error.code).toBe('SIGNER_UNKNOWN');
  });
});

describe('tolerated encodings', () => {
  it('reads tagged dates in the DCC (tags 0, 1004, 1) and tagged or float CWT times', () => {
    const t = PAYLOADS.t.t[0];
    const payload = { ...PAYLOADS.t, t: [{ ...t, sc: new Tag(0, t.sc) }] };
    expect(inspect(signDcc({ by: es, payload })).payload).toEqual(PAYLOADS.t);
    const epoch = { ...PAYLOADS.t, t: [{ ...t, sc: new Tag(1, 1_627_781_400) }] };
    const r = inspect(signDcc({ by: es, payload: epoch }));
    expect(r.valid).toBe(true);
    expect((r.payload as typeof PAYLOADS.t).t[0].sc).toBe('2021-08-01T01:30:00Z');
    const v = PAYLOADS.v.v[0];
    const fullDate = { ...PAYLOADS.v, v: [{ ...v, dt: new Tag(1004, v.dt) }] };
    expect(inspect(signDcc({ by: es, payload: fullDate })).payload).toEqual(PAYLOADS.v);
    const claims = inspect(
      signDcc({ by: es, claims: (c) => c.set(6, new Tag(1, ISSUED)).set(4, ISSUED + YEAR + 0.5) }),
    );
    expect(claims.valid).toBe(true);
    expect(claims.claims).toEqual({ iss: 'ID', iat: ISSUED, exp: ISSUED + YEAR });
  });

  it('refuses other tags, byte strings and integer keys inside the DCC', () => {
    for (const sc of [new Tag(32, 'https://x'), new Uint8Array(2)]) {
      const payload = { ...PAYLOADS.t, t: [{ ...PAYLOADS.t.t[0], sc }] };
      const r = inspect(signDcc({ by: es, payload }));
      expect(r.errors).toEqual(['CBOR_INVALID', 'DCC_SCHEMA_INVALID']);
      expect(r.checks).toMatchObject({ cbor: false, schema: false, signature: true, time: true });
    }
    const intKey = inspect(signDcc({ by: es, payload: new Map<unknown, unknown>([[1, 'x']]) }));
    expect(intKey.errors).toEqual(['CBOR_INVALID', 'DCC_SCHEMA_INVALID']);
    expect(intKey.payload).toBeNull();
  });
});
