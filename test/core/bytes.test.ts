import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, fromQrDigits, fromUtf8, toBase64Url, toQrDigits } from '../../src/core/bytes';

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
});
