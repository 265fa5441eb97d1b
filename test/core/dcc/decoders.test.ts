/** The DCC's strict decoders one by one: base45 (RFC 9285), capped zlib, CBOR with limits, RSA-PSS. */
import { constants, generateKeyPairSync, generatePrimeSync, sign } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromBase64Url, utf8 } from '../../../src/core/bytes';
import { fromBase45, toBase45 } from '../../../src/core/dcc';
import { CborTag, decodeCbor, encodeHead } from '../../../src/core/dcc/cbor';
import { decodeCoseSign1, sigStructure } from '../../../src/core/dcc/cose';
import { inflateZlib, isZlibHeader, MAX_INFLATED } from '../../../src/core/dcc/inflate';
import { rsaKeyProblem, verifyPs256 } from '../../../src/core/dcc/rsa-pss';
import { deepCbor, encodeCbor, Tag } from '../../support/dcc-sign';

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

  it('checks the whole zlib header: method 8, window ≤ 32 KiB, FCHECK, no dictionary', () => {
    expect(isZlibHeader(hex('78'))).toBe(false);
    expect(isZlibHeader(hex('789c'))).toBe(true);
    expect(isZlibHeader(hex('081d'))).toBe(true); // the smallest window
    expect(isZlibHeader(hex('881c'))).toBe(false); // a 64 KiB window, FCHECK right
    expect(isZlibHeader(hex('7918'))).toBe(false); // method 9, FCHECK right
    expect(isZlibHeader(hex('7a14'))).toBe(false); // method 10
  });

  it('says why a stream failed', () => {
    const failed = (z: Uint8Array) => {
      const r = inflateZlib(z);
      return r.kind === 'failed' ? r.detail : r.kind;
    };
    const empty = deflateSync(new Uint8Array(0));
    expect(empty.length).toBe(8);
    expect(inflateZlib(empty)).toEqual({ kind: 'inflated', bytes: new Uint8Array(0) });
    // Seven bytes: a header, one deflate byte and the checksum is the least that could hold a stream.
    expect(failed(hex('789c 01 00000001'))).not.toBe('truncated');
    expect(failed(hex('789c 000001'))).toBe('truncated');
    expect(failed(hex('789c'))).toBe('truncated');
    // A stored block that never ends, and a complete stream with one byte cut before the checksum: the
    // inflater's own reason.
    expect(failed(hex('789c 00 0500 faff 6162 00000001'))).toBe('unexpected EOF');
    const data = utf8('z'.repeat(300));
    const z = deflateSync(data);
    expect(failed(Uint8Array.from([...z.subarray(0, z.length - 5), ...z.subarray(z.length - 4)]))).toBe(
      'unexpected EOF',
    );
    const wrongSum = Uint8Array.from(z);
    wrongSum[wrongSum.length - 4] ^= 0x01; // the checksum's high byte
    expect(failed(wrongSum)).toBe('Adler-32 mismatch');
    const wrongLow = Uint8Array.from(z);
    wrongLow[wrongLow.length - 1] ^= 0x80;
    expect(failed(wrongLow)).toBe('Adler-32 mismatch');
  });

  it('inflates a stream of many input slices, checksum over every byte', () => {
    // Incompressible bytes (a SHA-256 chain): ~20 KB of deflate input, fed 256 bytes at a time.
    const data = new Uint8Array(20_000);
    let block = sha256(utf8('seed'));
    for (let i = 0; i < data.length; i += 32) {
      data.set(block.subarray(0, Math.min(32, data.length - i)), i);
      block = sha256(block);
    }
    const z = deflateSync(data);
    expect(z.length).toBeGreaterThan(20_000);
    expect(inflateZlib(z)).toEqual({ kind: 'inflated', bytes: data });
    // All 0xff: the Adler-32 sums wrap many times within the 64 KiB cap.
    const ones = new Uint8Array(MAX_INFLATED).fill(0xff);
    expect(inflateZlib(deflateSync(ones))).toEqual({ kind: 'inflated', bytes: ones });
  });

  it('takes a smaller cap when given one', () => {
    const z = deflateSync(utf8('0123456789'));
    expect(inflateZlib(z, 10)).toMatchObject({ kind: 'inflated' });
    expect(inflateZlib(z, 9)).toEqual({ kind: 'failed', code: 'INFLATE_TOO_LARGE', detail: 'more than 9 bytes' });
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

  it('reads every width of head and the edges of the exact-number range', () => {
    expect(ok('17')).toBe(23);
    expect(ok('1818')).toBe(24);
    expect(ok('1a000f4240')).toBe(1_000_000);
    expect(ok('1affffffff')).toBe(4_294_967_295);
    expect(ok('1b001fffffffffffff')).toBe(Number.MAX_SAFE_INTEGER);
    expect(ok('1b0020000000000000')).toBe(2n ** 53n);
    // −1 − n: a number while exact, a bigint from −2^53 on.
    expect(ok('3b001ffffffffffffe')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(ok('3b001fffffffffffff')).toBe(-(2n ** 53n));
    expect(ok('c1c100')).toEqual(new CborTag(1, new CborTag(1, 0)));
    expect(ok('f5')).toBe(true);
    expect(ok('f7')).toBeUndefined();
  });

  it('reads half-precision floats at their edges', () => {
    expect(ok('f90000')).toBe(0);
    expect(Object.is(ok('f98000'), -0)).toBe(true);
    expect(ok('f903ff')).toBe(1023 * 2 ** -24); // largest subnormal
    expect(ok('f90400')).toBe(2 ** -14); // smallest normal
    expect(ok('f9c400')).toBe(-4);
    expect(ok('f97c00')).toBe(Number.POSITIVE_INFINITY);
    expect(ok('f9fc00')).toBe(Number.NEGATIVE_INFINITY);
    expect(ok('f97e00')).toBeNaN();
    expect(ok('fa7f800000')).toBe(Number.POSITIVE_INFINITY);
  });

  it('says why each refusal happened, and where', () => {
    const detail = (h: string) => {
      const r = decodeCbor(hex(h));
      return r.ok ? 'decoded' : r.detail;
    };
    for (const [bad, why] of [
      ['', 'truncated at byte 0'],
      ['1c', 'reserved additional information at byte 1'],
      ['fc', 'unsupported simple value at byte 1'],
      ['f820', 'unsupported simple value at byte 1'],
      ['ff', 'break outside an indefinite item at byte 1'],
      ['81ff', 'break outside an indefinite item at byte 2'],
      ['a1ff', 'break outside an indefinite item at byte 2'],
      ['bf01ff', 'break outside an indefinite item at byte 3'],
      ['5f01ff', 'bad chunk in an indefinite string at byte 2'],
      ['7f4161ff', 'bad chunk in an indefinite string at byte 2'], // a byte-string chunk in text
      ['5f5f4101ffff', 'bad chunk in an indefinite string at byte 2'],
      ['5f4101', 'truncated at byte 3'], // no break
      ['9f01', 'truncated at byte 2'],
      ['62c3', 'length past the end at byte 1'],
      ['62c328', 'text is not UTF-8 at byte 3'],
      ['7f62c3286161ff', 'text is not UTF-8 at byte 7'], // checked on the joined chunks
      ['fa47c350', 'length past the end at byte 1'],
      ['fb3ff199', 'length past the end at byte 1'],
      ['f93c', 'truncated at byte 2'],
      ['a2010201 03', 'duplicate map key at byte 4'],
      ['bf0102 0103ff', 'duplicate map key at byte 4'],
      ['a1a0 01', 'map key not an integer or text at byte 2'],
      ['bf4101 02ff', 'map key not an integer or text at byte 3'],
      ['0000', '1 trailing bytes'],
      ['9b00000000ffffffff', 'length past the end at byte 9'],
      ['9b0000000100000000', 'length past the end at byte 9'],
      ['9bffffffffffffffff', 'length past the end at byte 9'], // a bigint count
      ['5b0000000100000000', 'length past the end at byte 9'],
      ['dbffffffffffffffff00', 'tag number too large at byte 9'],
      ['830102', 'length past the end at byte 1'], // 3 items claimed, 2 bytes left
      ['820181', 'length past the end at byte 3'],
    ])
      expect(detail(bad), bad).toBe(why);
  });

  it('refuses a stack overflow as a value, never a throw', () => {
    const r = decodeCbor(deepCbor(200_000), { maxDepth: Number.POSITIVE_INFINITY, maxItems: Number.POSITIVE_INFINITY });
    expect(r).toMatchObject({ ok: false, detail: expect.stringMatching(/call stack/i) });
  });

  it('counts depth in every kind of container, and each chunk of a string as an item', () => {
    const flat = { maxDepth: 0, maxItems: 100 };
    expect(decodeCbor(hex('00'), flat).ok).toBe(true);
    expect(decodeCbor(hex('80'), flat).ok).toBe(true);
    for (const nested of ['8100', '9f00ff', 'a10100', 'bf0100ff', 'c100'])
      expect(decodeCbor(hex(nested), flat), nested).toEqual({ ok: false, detail: 'nested too deep at byte 1' });
    // One level allowed: a container may hold scalars, wherever they sit in it, but no container.
    const one = { maxDepth: 1, maxItems: 100 };
    for (const [shallow, deep] of [
      ['820000', '82008100'],
      ['9f0000ff', '9f008100ff'],
      ['a10100', 'a1018100'],
      ['bf01000200ff', 'bf0100028100ff'],
    ]) {
      expect(decodeCbor(hex(shallow), one).ok, shallow).toBe(true);
      expect(decodeCbor(hex(deep), one), deep).toMatchObject({
        ok: false,
        detail: expect.stringMatching(/^nested too deep/),
      });
    }
    const chunks = hex('5f41014102ff');
    expect(decodeCbor(chunks, { maxDepth: 16, maxItems: 3 }).ok).toBe(true);
    expect(decodeCbor(chunks, { maxDepth: 16, maxItems: 2 })).toEqual({
      ok: false,
      detail: 'too many items at byte 4',
    });
    // A break is not an item: [0, 0] indefinite is three items.
    expect(decodeCbor(hex('9f0000ff'), { maxDepth: 16, maxItems: 3 }).ok).toBe(true);
    expect(decodeCbor(hex('9f0000ff'), { maxDepth: 16, maxItems: 2 }).ok).toBe(false);
  });

  it('encodes the shortest head for every length', () => {
    expect(encodeHead(2, 0)).toEqual(hex('40'));
    expect(encodeHead(2, 23)).toEqual(hex('57'));
    expect(encodeHead(2, 24)).toEqual(hex('5818'));
    expect(encodeHead(3, 255)).toEqual(hex('78ff'));
    expect(encodeHead(3, 256)).toEqual(hex('790100'));
    expect(encodeHead(4, 65535)).toEqual(hex('99ffff'));
    expect(encodeHead(4, 65536)).toEqual(hex('9a00010000'));
    expect(encodeHead(2, 0x12345678)).toEqual(hex('5a12345678'));
    for (const n of [0, 23, 24, 255, 256, 65535, 65536, 0x12345678]) {
      const r = decodeCbor(concatBytes(encodeHead(4, n)), { maxDepth: 16, maxItems: 1 });
      // The head alone claims n items that are not there: refused for that reason unless n is 0.
      expect(r.ok, String(n)).toBe(n === 0);
    }
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

describe('COSE_Sign1', () => {
  const prot = encodeCbor(new Map<number, unknown>([[1, -7]]));
  const payload = utf8('claims');
  const sig = new Uint8Array(64).fill(9);
  const cose = (parts: unknown[] = [prot, new Map(), payload, sig]) => encodeCbor(parts);
  const why = (bytes: Uint8Array) => {
    const r = decodeCoseSign1(bytes);
    return r.ok ? 'decoded' : `${r.code}: ${r.detail}`;
  };

  it('takes COSE_Sign1 untagged, tagged 18, or inside a CWT tag 61 — in that order only', () => {
    for (const wrapped of [cose(), encodeCbor(new Tag(18, [prot, new Map(), payload, sig]))])
      expect(decodeCoseSign1(wrapped)).toEqual({
        ok: true,
        value: { protectedBytes: prot, alg: 'ES256', kid: undefined, payload, signature: sig },
      });
    expect(decodeCoseSign1(encodeCbor(new Tag(61, new Tag(18, [prot, new Map(), payload, sig])))).ok).toBe(true);
    expect(decodeCoseSign1(encodeCbor(new Tag(61, [prot, new Map(), payload, sig]))).ok).toBe(true);
    expect(why(encodeCbor(new Tag(18, new Tag(61, [prot, new Map(), payload, sig]))))).toBe(
      'COSE_INVALID: tag 61 is not COSE_Sign1',
    );
    expect(why(encodeCbor(new Tag(98, [prot, new Map(), payload, sig])))).toBe(
      'COSE_INVALID: tag 98 is not COSE_Sign1',
    );
  });

  it('refuses every part of the wrong type, saying which', () => {
    expect(why(hex('00 00'))).toBe('CBOR_INVALID: COSE message: 1 trailing bytes');
    expect(why(encodeCbor([prot, new Map(), payload]))).toBe('COSE_INVALID: not a 4-element array');
    expect(why(encodeCbor([prot, new Map(), payload, sig, sig]))).toBe('COSE_INVALID: not a 4-element array');
    expect(why(encodeCbor(new Map([[1, 2]])))).toBe('COSE_INVALID: not a 4-element array');
    expect(why(cose([new Map([[1, -7]]), new Map(), payload, sig]))).toBe(
      'COSE_INVALID: protected header not a byte string',
    );
    expect(why(cose([prot, [], payload, sig]))).toBe('COSE_INVALID: unprotected header not a map');
    expect(why(cose([prot, new Map(), null, sig]))).toBe('COSE_INVALID: payload not a byte string (detached?)');
    expect(why(cose([prot, new Map(), payload, 'sig']))).toBe('COSE_INVALID: signature not a byte string');
    expect(why(cose([hex('a101'), new Map(), payload, sig]))).toBe(
      'CBOR_INVALID: protected header: truncated at byte 2',
    );
    expect(why(cose([encodeCbor([1, -7]), new Map(), payload, sig]))).toBe('COSE_INVALID: protected header not a map');
    expect(
      why(
        cose([
          encodeCbor(
            new Map<number, unknown>([
              [1, -7],
              [2, [99]],
            ]),
          ),
          new Map(),
          payload,
          sig,
        ]),
      ),
    ).toBe('COSE_INVALID: critical header parameters');
  });

  it('reads alg from the protected header only', () => {
    const algOf = (protectedBytes: Uint8Array, unprotected = new Map<number, unknown>()) => {
      const r = decodeCoseSign1(cose([protectedBytes, unprotected, payload, sig]));
      return r.ok ? r.value.alg : r.code;
    };
    expect(algOf(encodeCbor(new Map([[1, -37]])))).toBe('PS256');
    expect(algOf(encodeCbor(new Map([[1, -8]])))).toEqual({ unsupported: '-8' });
    expect(algOf(encodeCbor(new Map([[1, 'ES256']])))).toEqual({ unsupported: 'ES256' });
    // An empty protected header is the empty map; an alg left unprotected is not taken.
    expect(algOf(new Uint8Array(0), new Map([[1, -7]]))).toEqual({ unsupported: 'none in the protected header' });
    expect(algOf(encodeCbor(new Map()), new Map([[1, -7]]))).toEqual({ unsupported: 'none in the protected header' });
  });

  it('takes the protected kid first, else the unprotected one; the one taken must be bytes', () => {
    const kidOf = (protectedKid: unknown, unprotectedKid: unknown) => {
      const p = new Map<number, unknown>([[1, -7]]);
      if (protectedKid !== undefined) p.set(4, protectedKid);
      const u = new Map<number, unknown>(unprotectedKid === undefined ? [] : [[4, unprotectedKid]]);
      const r = decodeCoseSign1(cose([encodeCbor(p), u, payload, sig]));
      return r.ok ? r.value.kid : `${r.code}: ${r.detail}`;
    };
    expect(kidOf(hex('01'), hex('02'))).toEqual(hex('01'));
    expect(kidOf(undefined, hex('02'))).toEqual(hex('02'));
    expect(kidOf(hex('01'), 'text')).toEqual(hex('01'));
    expect(kidOf(undefined, undefined)).toBeUndefined();
    expect(kidOf('text', hex('02'))).toBe('COSE_INVALID: kid not a byte string');
    expect(kidOf(undefined, 7)).toBe('COSE_INVALID: kid not a byte string');
  });

  it('signs the Sig_structure byte for byte, whatever the lengths', () => {
    for (const size of [0, 23, 24, 300, 70_000]) {
      const body = new Uint8Array(size).fill(5);
      const r = decodeCoseSign1(cose([prot, new Map(), body, sig]));
      if (!r.ok) throw new Error(r.detail);
      expect(sigStructure(r.value)).toEqual(encodeCbor(['Signature1', prot, new Uint8Array(0), body]));
    }
  });
});

/** Big-endian bytes of a non-negative bigint, `length` long when given. */
function bigToBytes(n: bigint, length = Math.ceil(n.toString(16).length / 2)): Uint8Array {
  return hex(n.toString(16).padStart(length * 2, '0'));
}
const bigOf = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
function powMod(base: bigint, exp: bigint, mod: bigint): bigint {
  let out = 1n;
  for (let b = base % mod, e = exp; e > 0n; e >>= 1n, b = (b * b) % mod) if (e & 1n) out = (out * b) % mod;
  return out;
}
function inverseMod(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, a % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return ((t0 % m) + m) % m;
}

interface RawRsa {
  readonly key: { n: Uint8Array; e: Uint8Array };
  readonly n: bigint;
  readonly d: bigint;
  readonly bits: number;
}
/**
 * An RSA key of exactly `bits` bits (OpenSSL's key generation rounds sizes to a multiple of 4), from two
 * primes whose top two bits are set, so that their product has exactly ⌈bits/2⌉ + ⌊bits/2⌋ bits; e = 65537.
 */
function rsaKeyOf(bits: number): RawRsa {
  for (;;) {
    const p = generatePrimeSync(Math.ceil(bits / 2), { bigint: true });
    const q = generatePrimeSync(Math.floor(bits / 2), { bigint: true });
    const n = p * q;
    if (n.toString(2).length !== bits || (p - 1n) % 65537n === 0n || (q - 1n) % 65537n === 0n) continue;
    const d = inverseMod(65537n, (p - 1n) * (q - 1n));
    return { key: { n: bigToBytes(n), e: Uint8Array.of(1, 0, 1) }, n, d, bits };
  }
}

interface EmEdit {
  readonly saltLength?: number;
  readonly trailer?: number;
  readonly separator?: number;
  /** A non-zero byte at the end of the zero padding. */
  readonly pad?: number;
  /** Set the lowest bit that must be zero above emBits. */
  readonly topBit?: boolean;
  /** Flip a bit of H. */
  readonly hash?: boolean;
  /** Add 2^(8·emLen) to the representative. */
  readonly highByte?: boolean;
}

function mgf1Sha256(seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let c = 0; c * 32 < length; c++)
    out.set(sha256(concatBytes(seed, Uint8Array.of(0, 0, 0, c))).subarray(0, Math.min(32, length - c * 32)), c * 32);
  return out;
}

/**
 * A PS256 signature made by hand (RFC 8017 §9.1.1 and raw RSA), optionally wrong in one way; the salt is
 * varied until the representative is below n, so each wrong one is wrong only where it says.
 */
function craftPss(k: RawRsa, message: Uint8Array, edit: EmEdit = {}): Uint8Array {
  const emBits = k.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  const sLen = edit.saltLength ?? 32;
  for (let seed = 0; seed < 256; seed++) {
    const salt = new Uint8Array(sLen).fill(seed);
    const h = sha256(concatBytes(new Uint8Array(8), sha256(message), salt));
    if (edit.hash) h[0] ^= 1;
    const ps = new Uint8Array(emLen - sLen - 32 - 2);
    if (edit.pad !== undefined) ps[ps.length - 1] = edit.pad;
    const db = concatBytes(ps, Uint8Array.of(edit.separator ?? 0x01), salt);
    const masked = mgf1Sha256(h, db.length).map((x, i) => x ^ db[i]);
    const topBits = 8 * emLen - emBits;
    masked[0] &= 0xff >> topBits;
    if (edit.topBit) masked[0] |= topBits === 0 ? 0 : 0x80 >> (topBits - 1);
    const em = concatBytes(masked, h, Uint8Array.of(edit.trailer ?? 0xbc));
    const m = bigOf(em) + (edit.highByte ? 1n << BigInt(8 * emLen) : 0n);
    if (m < k.n) return bigToBytes(powMod(m, k.d, k.n), Math.ceil(k.bits / 8));
  }
  throw new Error('no salt gave a representative below n');
}

describe('RSA-PSS (PS256)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const key = { n: fromBase64Url(String(jwk.n)) as Uint8Array, e: fromBase64Url(String(jwk.e)) as Uint8Array };
  const msg = utf8('Signature1 and friends');
  const [rsa2048, rsa2049, rsa2052] = [2048, 2049, 2052].map(rsaKeyOf);
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

  it('refuses each malformed EMSA-PSS encoding, on moduli of every shape', () => {
    // 2048 bits: one top bit masked; 2049: the encoding is a byte shorter than the modulus; 2052: five bits.
    for (const k of [rsa2048, rsa2049, rsa2052]) {
      const { bits } = k;
      const crafted = (edit: EmEdit = {}) => verifyPs256(k.key, msg, craftPss(k, msg, edit));
      expect(crafted(), `${bits} honest`).toBe(true);
      expect(crafted({ trailer: 0xbb }), `${bits} trailer`).toBe(false);
      // No bit above emBits when the encoding is a whole byte shorter than the modulus.
      if (bits % 8 !== 1) expect(crafted({ topBit: true }), `${bits} top bit`).toBe(false);
      expect(crafted({ pad: 0x01 }), `${bits} padding`).toBe(false);
      expect(crafted({ separator: 0x02 }), `${bits} separator`).toBe(false);
      expect(crafted({ saltLength: 31 }), `${bits} salt 31`).toBe(false);
      expect(crafted({ saltLength: 33 }), `${bits} salt 33`).toBe(false);
      expect(crafted({ hash: true }), `${bits} H`).toBe(false);
      expect(verifyPs256(k.key, utf8('another'), craftPss(k, msg)), `${bits} message`).toBe(false);
    }
    // A representative m ≥ 2^(8·emLen) (possible only when emLen < k) is no encoding at all.
    expect(verifyPs256(rsa2049.key, msg, craftPss(rsa2049, msg, { highByte: true }))).toBe(false);
  });

  it('refuses s + n, the same signature modulo n, when it fits the signature length', () => {
    for (let i = 0; ; i++) {
      const m = utf8(`message ${i}`);
      const sig = craftPss(rsa2048, m);
      const plusN = bigOf(sig) + rsa2048.n;
      if (plusN >= 1n << 2048n) continue;
      expect(verifyPs256(rsa2048.key, m, sig)).toBe(true);
      expect(verifyPs256(rsa2048.key, m, bigToBytes(plusN, 256))).toBe(false);
      break;
    }
  });

  it('names the problem of a key it will not use', () => {
    const n = (bits: number) => bigToBytes((1n << BigInt(bits - 1)) + 1n);
    const e = Uint8Array.of(1, 0, 1);
    expect(rsaKeyProblem({ n: n(2048), e })).toBeUndefined();
    expect(rsaKeyProblem({ n: n(8192), e })).toBeUndefined();
    expect(rsaKeyProblem({ n: n(2047), e })).toBe('modulus of 2047 bits');
    expect(rsaKeyProblem({ n: n(8193), e })).toBe('modulus of 8193 bits');
    expect(rsaKeyProblem({ n: bigToBytes(1n << 2047n), e })).toBe('even modulus');
    expect(rsaKeyProblem({ n: n(2048), e: Uint8Array.of(3) })).toBeUndefined();
    for (const bad of [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(1, 0, 0), n(2048)])
      expect(rsaKeyProblem({ n: n(2048), e: bad })).toBe('bad public exponent');
    const below = bigToBytes((1n << 2047n) - 1n); // odd, just under n = 2^2047 + 1
    expect(rsaKeyProblem({ n: n(2048), e: below })).toBeUndefined();
  });

  it('refuses signatures ≥ n and weak keys', () => {
    expect(verifyPs256(key, msg, new Uint8Array(256).fill(0xff))).toBe(false);
    expect(verifyPs256({ n: key.n, e: Uint8Array.of(2) }, msg, pss(32))).toBe(false);
    expect(verifyPs256({ n: key.n, e: Uint8Array.of(1) }, msg, pss(32))).toBe(false);
    expect(verifyPs256({ n: key.n.subarray(1), e: key.e }, msg, pss(32))).toBe(false);
  });
});
