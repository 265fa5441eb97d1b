import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  fromBase64Url,
  fromQrDigits,
  fromUtf8,
  toBase64Url,
  toHex,
  toQrDigits,
  utf8,
} from '../../src/core/bytes';

describe('base64url', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(fromBase64Url(toBase64Url(b))).toEqual(b);
      }),
    );
  });
  it('matches Node for known input', () => {
    const b = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    expect(toBase64Url(b)).toBe(Buffer.from(b).toString('base64url'));
  });
  it.each(['a', 'ab=', 'a+b/', 'ab c', 'AB'])('rejects non-canonical or foreign text %j', (s) => {
    // 'AB' has non-zero trailing bits: a second spelling of the byte that 'AA' encodes.
    expect(fromBase64Url(s)).toBeUndefined();
  });
  it.each(['A', 'AAAAA', 'AAAAAAAAA'])('rejects a length no byte string has (%j, 1 mod 4) even with zero bits', (s) => {
    // One leftover character carries 6 bits, never a whole byte: it cannot be a truncation artefact to drop.
    expect(fromBase64Url(s)).toBeUndefined();
  });
  it('decodes the lengths that are 0, 2 and 3 mod 4', () => {
    expect(fromBase64Url('')).toEqual(new Uint8Array([]));
    expect(fromBase64Url('AA')).toEqual(new Uint8Array([0]));
    expect(fromBase64Url('AAA')).toEqual(new Uint8Array([0, 0]));
    expect(fromBase64Url('AAAA')).toEqual(new Uint8Array([0, 0, 0]));
  });
});

describe('QR digits', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(fromQrDigits(toQrDigits(b))).toEqual(b);
      }),
    );
  });
  it('uses about 2.43 digits per byte', () => {
    expect(toQrDigits(new Uint8Array(700)).length).toBe(1700);
  });
  it('rejects impossible lengths, letters and values that overflow their group', () => {
    expect(fromQrDigits('1')).toBeUndefined(); // 1 digit: no byte count produces it
    expect(fromQrDigits('12a')).toBeUndefined();
    expect(fromQrDigits('256')).toBeUndefined(); // 3 digits hold one byte: 256 does not fit
    expect(fromQrDigits('255')).toEqual(new Uint8Array([255]));
    expect(fromQrDigits('99999999999999999')).toBeUndefined(); // > 2^56 - 1
  });
});

describe('utf8', () => {
  it('rejects invalid UTF-8 instead of replacing it', () => {
    expect(fromUtf8(new Uint8Array([0x7b, 0xff, 0x7d]))).toBeUndefined();
  });
  it('keeps a leading byte-order mark, so a payload with one is not read as the same text as without', () => {
    expect(fromUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe('\ufeff{}');
  });
  it('round-trips text outside ASCII', () => {
    expect(fromUtf8(utf8('Kafé Ñusantara 🇮🇩'))).toBe('Kafé Ñusantara 🇮🇩');
    expect(fromUtf8(new Uint8Array([]))).toBe('');
  });
});

describe('concatBytes and toHex', () => {
  it('joins parts in order, empty parts included', () => {
    const joined = concatBytes(new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3]), new Uint8Array([4, 5]));
    expect(joined).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
    expect(concatBytes()).toEqual(new Uint8Array([]));
  });
  it('writes two lower-case digits per byte', () => {
    expect(toHex(new Uint8Array([0, 9, 15, 16, 171, 255]))).toBe('00090f10abff');
    expect(toHex(new Uint8Array([]))).toBe('');
  });
});
