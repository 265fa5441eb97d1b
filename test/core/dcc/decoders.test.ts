/** The DCC's strict decoders one by one: base45 (RFC 9285), capped zlib, CBOR with limits, RSA-PSS. */
import { constants, generateKeyPairSync, sign } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, utf8 } from '../../../src/core/bytes';
import { fromBase45, toBase45 } from '../../../src/core/dcc';
import { CborTag, decodeCbor } from '../../../src/core/dcc/cbor';
import { inflateZlib, isZlibHeader, MAX_INFLATED } from '../../../src/core/dcc/inflate';
import { verifyPs256 } from '../../../src/core/dcc/rsa-pss';
import { deepCbor, encodeCbor } from '../../support/dcc-sign';

const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'));

describe('base45 (RFC 9285)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
    ['', ''],
  ])('%j ⇄ %j', (plain, encoded) => {
    expect(toBase45(utf8(plain))).toBe(encoded);
    expect(fromBase45(encoded)).toEqual(utf8(plain));
  });

  it('refuses foreign characters, values past 65535 / 255, and a lone trailing character', () => {
    for (const bad of ['bb8', 'BB8=', 'GGW', 'ZZZ', ':::', '0', 'BB8A', 'V5', '::'])
      expect(fromBase45(bad), bad).toBeUndefined();
    expect(fromBase45('FGW')).toEqual(Uint8Array.of(0xff, 0xff)); // 65535, the largest triplet
    expect(fromBase45('U5')).toEqual(Uint8Array.of(0xff)); // 255, the largest pair
  });

  it('round-trips every 2-byte value', () => {
    for (let n = 0; n < 0x10000; n += 7) {
      const b = Uint8Array.of(n >> 8, n & 0xff);
      expect(fromBase45(toBase45(b))).toEqual(b);
    }
  });
});

describe('zlib with an output cap', () => {
  it('inflates and checks Adler-32', () => {
    const data = utf8('x'.repeat(5000));
    const z = deflateSync(data);
    expect(inflateZlib(z)).toEqual({ kind: 'inflated', bytes: data });
    const bad = Uint8Array.from(z);
    bad[bad.length - 2] ^= 0x40;
    expect(inflateZlib(bad)).toMatchObject({ kind: 'failed', code: 'INFLATE_FAILED' });
  });

  it('tells data that is not zlib from a broken stream', () => {
    expect(inflateZlib(hex('d2 84 43 a1 01 26'))).toEqual({ kind: 'not-zlib' });
    expect(isZlibHeader(hex('78 da'))).toBe(true);
    expect(isZlibHeader(hex('78 db'))).toBe(false); // FCHECK
    expect(isZlibHeader(hex('78 bb'))).toBe(false); // FDICT set
    const cut = deflateSync(utf8('y'.repeat(3000))).subarray(0, 12);
    expect(inflateZlib(cut)).toMatchObject({ kind: 'failed', code: 'INFLATE_FAILED' });
    expect(inflateZlib(hex('78 9c 01'))).toMatchObject({ kind: 'failed', code: 'INFLATE_FAILED' });
  });

  it('takes exactly the cap and refuses one byte more', () => {
    expect(inflateZlib(deflateSync(Buffer.alloc(MAX_INFLATED)))).toMatchObject({ kind: 'inflated' });
    expect(inflateZlib(deflateSync(Buffer.alloc(MAX_INFLATED + 1)))).toMatchObject({
      kind: 'failed',
      code: 'INFLATE_TOO_LARGE',
    });
  });

  it('stops a 256 MiB bomb without inflating it', () => {
    // ~250 KB of deflate stream for 256 MiB of zeros; stopping early is what keeps this test fast.
    const bomb = deflateSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
    const t = performance.now();
    expect(inflateZlib(bomb)).toMatchObject({ kind: 'failed', code: 'INFLATE_TOO_LARGE' });
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe('strict CBOR', () => {
  const ok = (h: string) => {
    const r = decodeCbor(hex(h));
    if (!r.ok) throw new Error(r.detail);
    return r.value;
  };
  const refused = (h: string | Uint8Array) => decodeCbor(typeof h === 'string' ? hex(h) : h).ok === false;

  it('decodes the RFC 8949 appendix A examples it supports', () => {
    expect(ok('00')).toBe(0);
    expect(ok('1903e8')).toBe(1000);
    expect(ok('1b000000e8d4a51000')).toBe(1_000_000_000_000);
    expect(ok('1bffffffffffffffff')).toBe(18446744073709551615n);
    expect(ok('3903e7')).toBe(-1000);
    expect(ok('3bffffffffffffffff')).toBe(-18446744073709551616n);
    expect(ok('f93c00')).toBe(1);
    expect(ok('f97bff')).toBe(65504);
    expect(ok('f90001')).toBe(2 ** -24);
    expect(ok('fa47c35000')).toBe(100000);
    expect(ok('fb3ff199999999999a')).toBe(1.1);
    expect(ok('f4')).toBe(false);
    expect(ok('f6')).toBeNull();
    expect(ok('4401020304')).toEqual(hex('01020304'));
    expect(ok('62c3bc')).toBe('ü');
    expect(ok('83010203')).toEqual([1, 2, 3]);
    expect(ok('a201020304')).toEqual(
      new Map([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(ok('c074323031332d30332d32315432303a30343a30305a')).toEqual(new CborTag(0, '2013-03-21T20:04:00Z'));
    // Indefinite lengths are well-formed and accepted.
    expect(ok('5f42010243030405ff')).toEqual(hex('0102030405'));
    expect(ok('7f657374726561646d696e67ff')).toBe('streaming');
    expect(ok('9f018202039f0405ffff')).toEqual([1, [2, 3], [4, 5]]);
    expect(ok('bf6346756ef563416d7421ff')).toEqual(
      new Map<string, unknown>([
        ['Fun', true],
        ['Amt', -2],
      ]),
    );
  });

  it('refuses what is not well-formed, and what a DCC never needs', () => {
    for (const bad of [
      '', // nothing
      '1c', // reserved additional information
      'ff', // break outside an indefinite item
      '5f01ff', // an integer chunk inside an indefinite byte string
      '5f5f4101ffff', // nested indefinite chunk
      '62c3', // truncated text
      '62c328', // invalid UTF-8
      'f800', // 1-byte simple value < 32 (not well-formed)
      'f0', // unassigned simple value
      'a2010201 03', // duplicate key
      'a1a0 01', // map key that is a map
      'a14101 02', // map key that is a byte string
      '0000', // trailing byte
      '9b00000000ffffffff', // 4 G items claimed in 9 bytes
      '5b0000000100000000', // 4 GiB string claimed
      'dbffffffffffffffff00', // tag number beyond 2^53
      '830102', // truncated array
    ])
      expect(refused(bad), bad).toBe(true);
  });

  it('limits depth and item count', () => {
    expect(decodeCbor(deepCbor(16)).ok).toBe(true);
    expect(refused(deepCbor(17))).toBe(true);
    expect(refused(deepCbor(100_000))).toBe(true);
    expect(decodeCbor(encodeCbor(new Array(4095).fill(0))).ok).toBe(true);
    expect(refused(encodeCbor(new Array(4096).fill(0)))).toBe(true);
    expect(refused(Uint8Array.from([0x9f, ...new Array(5000).fill(0), 0xff]))).toBe(true);
  });
});

describe('RSA-PSS (PS256)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const key = { n: fromBase64Url(String(jwk.n)) as Uint8Array, e: fromBase64Url(String(jwk.e)) as Uint8Array };
  const msg = utf8('Signature1 and friends');
  const pss = (saltLength: number, m = msg) =>
    new Uint8Array(sign('sha256', m, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));

  it('verifies salt-32 signatures and nothing else', () => {
    const sig = pss(32);
    expect(verifyPs256(key, msg, sig)).toBe(true);
    expect(verifyPs256(key, utf8('another message'), sig)).toBe(false);
    expect(verifyPs256(key, msg, pss(20))).toBe(false);
    expect(verifyPs256(key, msg, pss(0))).toBe(false);
    const flipped = Uint8Array.from(sig);
    flipped[100] ^= 1;
    expect(verifyPs256(key, msg, flipped)).toBe(false);
    expect(verifyPs256(key, msg, sig.subarray(1))).toBe(false);
    // PKCS#1 v1.5 is a different scheme.
    expect(verifyPs256(key, msg, new Uint8Array(sign('sha256', msg, privateKey)))).toBe(false);
  });

  it('refuses signatures ≥ n and weak keys', () => {
    expect(verifyPs256(key, msg, new Uint8Array(256).fill(0xff))).toBe(false);
    expect(verifyPs256({ n: key.n, e: Uint8Array.of(2) }, msg, pss(32))).toBe(false);
    expect(verifyPs256({ n: key.n, e: Uint8Array.of(1) }, msg, pss(32))).toBe(false);
    expect(verifyPs256({ n: key.n.subarray(1), e: key.e }, msg, pss(32))).toBe(false);
  });
});
