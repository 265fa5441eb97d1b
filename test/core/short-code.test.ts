import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatShortCode,
  parseShortCode,
  SHORT_CODE_ALPHABET,
  shortCodeBody,
  shortCodeOf,
} from '../../src/core/short-code';

const venueId = fc.string({ minLength: 1, maxLength: 24 });

/** An independent reading of the spec: the first 45 bits of Node's SHA-256, five at a time. */
function referenceBody(id: string): string {
  const hash = createHash('sha256').update(`singgah/v1/venue-short-code\n${id}`, 'utf8').digest();
  const bits = [...hash.subarray(0, 6)].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < 9; i++) out += SHORT_CODE_ALPHABET[Number.parseInt(bits.slice(5 * i, 5 * i + 5), 2)];
  return out;
}

describe('short code of a venue', () => {
  it('is the first 45 bits of the domain-separated SHA-256 in Crockford base32, plus a check character', () => {
    fc.assert(
      fc.property(venueId, (id) => {
        const code = shortCodeOf(id);
        expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
        expect(code.slice(0, 9)).toBe(referenceBody(id));
        expect(shortCodeBody(id)).toBe(referenceBody(id));
      }),
    );
  });

  it('matches the vectors in docs/FORMATS.md', () => {
    expect(shortCodeOf('kantor-gubernur')).toBe('P4VYE9DKDE');
    expect(shortCodeOf('a')).toBe('23166G11DR');
  });

  it('is deterministic and differs between venues', () => {
    expect(shortCodeOf('v-1')).toBe(shortCodeOf('v-1'));
    const codes = new Set(Array.from({ length: 2000 }, (_, i) => shortCodeOf(`venue-${i}`)));
    expect(codes.size).toBe(2000);
  });

  it('formats as XXXXX-XXXXX', () => {
    expect(formatShortCode('ABCDEFGHJK')).toBe('ABCDE-FGHJK');
  });
});

describe('parseShortCode', () => {
  it('accepts the code however it is typed: case, spaces, dashes, O for 0, I and L for 1', () => {
    fc.assert(
      fc.property(venueId, fc.boolean(), (id, lower) => {
        const code = shortCodeOf(id);
        const typed = formatShortCode(code)
          .replace(/0/g, 'O')
          .replace(/1/g, lower ? 'l' : 'I')
          .replace('-', ' - ');
        const parsed = parseShortCode(lower ? typed.toLowerCase() : typed);
        expect(parsed).toEqual({ ok: true, value: code });
      }),
    );
  });

  it('refuses every single mistyped character with SHORT_CODE_MISTYPED', () => {
    const code = shortCodeOf('kantor-gubernur');
    for (let i = 0; i < code.length; i++) {
      for (const c of SHORT_CODE_ALPHABET) {
        if (c === code[i]) continue;
        const typo = code.slice(0, i) + c + code.slice(i + 1);
        expect(parseShortCode(typo)).toEqual({ ok: false, error: { code: 'SHORT_CODE_MISTYPED' } });
      }
    }
  });

  it('refuses most swaps of neighbouring characters', () => {
    let swaps = 0;
    let caught = 0;
    for (let n = 0; n < 300; n++) {
      const code = shortCodeOf(`venue-${n}`);
      for (let i = 0; i + 1 < code.length; i++) {
        if (code[i] === code[i + 1]) continue;
        swaps++;
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        if (!parseShortCode(swapped).ok) caught++;
      }
    }
    // Luhn mod 32 misses only the swap of the two values whose doubling wraps the same way (0 ↔ 31, "0" ↔ "Z").
    expect(caught / swaps).toBeGreaterThan(0.99);
  });

  it.each([
    ['', '0 characters'],
    ['ABCDE-FGHJ', 'too short'],
    ['ABCDE-FGHJKM', 'too long'],
    ['ABCDE-FGHJU', 'U is not in the alphabet'],
    ['ABCDE_FGHJK', 'underscore'],
    ['https://example.com/v#123', 'a link'],
    ['A'.repeat(41), 'an essay'],
  ])('refuses %j (%s) as SHORT_CODE_MALFORMED', (input) => {
    const r = parseShortCode(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('SHORT_CODE_MALFORMED');
  });
});
