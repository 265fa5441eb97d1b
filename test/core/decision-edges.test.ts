/**
 * Edges of the pass encoder and of the refused-character message that mutation testing (`npm run mutation`,
 * docs/SECURITY.md "Mutation testing") showed no test pinned.
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/errors';
import { encodePass } from '../../src/core/pass-code';
import { refusedCharIn } from '../../src/core/schema';
import { signCertificate, vaccination } from '../support/authority';

const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);

describe('pass encoder', () => {
  it('a certificate code that is not all digits cannot go into a pass: ENCODING_INVALID', () => {
    const good = signCertificate(vaccination(2, 2, '2026-01-10'));
    expect(code(encodePass([good]))).toBe('ok');
    expect(code(encodePass([good, `${good.slice(0, -1)}x`]))).toBe('ENCODING_INVALID');
    expect(code(encodePass([' '.concat(good)]))).toBe('ENCODING_INVALID');
  });

  it('no certificate is PAYLOAD_INVALID; every part stays within the digit budget it is given', () => {
    expect(code(encodePass([]))).toBe('PAYLOAD_INVALID');
    const good = signCertificate(vaccination(2, 2, '2026-01-10'));
    // Room for exactly two codes per part (3 head digits, 4 length digits per code): three need two parts.
    const budget = 3 + 2 * (4 + good.length);
    const parts = encodePass([good, good, good], budget);
    expect(parts.ok && parts.value.map((p) => p.length)).toEqual([budget, 3 + 4 + good.length]);
  });
});

describe('refused characters', () => {
  it('are named as U+ and four hex digits at least, upper case, for the operator', () => {
    expect(refusedCharIn('a\u00adb')).toBe('U+00AD');
    expect(refusedCharIn('x\u2060')).toBe('U+2060');
    expect(refusedCharIn('\u{E0001}')).toBe('U+E0001');
    expect(refusedCharIn('Budi')).toBeUndefined();
  });
});
