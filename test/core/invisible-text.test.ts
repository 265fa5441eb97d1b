/**
 * Free text (names, venue names and addresses, rule descriptions) refuses characters that do not show:
 * format characters, private use, unassigned code points, lone surrogates, Hangul fillers and variation
 * selectors; letters of the scripts people in Indonesia write stay accepted, joiners only inside a word
 * of a script that needs them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWith, refusedCharIn, text } from '../../src/core/schema';

const fromRanges = (...ranges: readonly [number, number][]) =>
  fc
    .oneof(...ranges.map(([min, max]) => fc.integer({ min, max })))
    .map((cp) => String.fromCodePoint(cp))
    .filter((c) => /^[\p{L}\p{M}]$/u.test(c));

const SCRIPTS = {
  latin: fromRanges([0x41, 0x5a], [0x61, 0x7a], [0xc0, 0x24f]),
  arabic: fromRanges([0x620, 0x64a], [0x671, 0x6d3]),
  chinese: fromRanges([0x4e00, 0x9fff]),
  javanese: fromRanges([0xa984, 0xa9b2], [0xa9b3, 0xa9c0]),
  devanagari: fromRanges([0x905, 0x939], [0x93e, 0x94d]),
} as const;

/** One word of one script, words joined by spaces: what a name or a venue name looks like. */
const wordsOf = (letter: fc.Arbitrary<string>) =>
  fc
    .array(fc.array(letter, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 })
    .map((words) => words.map((w) => w.join('')).join(' '));
const goodText = fc.oneof(...Object.values(SCRIPTS).map(wordsOf));

const codePointWhere = (min: number, max: number, re: RegExp) =>
  fc
    .integer({ min, max })
    .map((cp) => String.fromCodePoint(cp))
    .filter((c) => re.test(c));

/** Each refused class with a generator of its members. */
const REFUSED: readonly [string, fc.Arbitrary<string>][] = [
  ['format (Cf, e.g. U+2060, U+00AD)', codePointWhere(0, 0xe01ff, /^(?![\u200c\u200d])\p{Cf}$/u)],
  [
    'private use (Co)',
    fc
      .oneof(fc.integer({ min: 0xe000, max: 0xf8ff }), fc.integer({ min: 0xf0000, max: 0x10fffd }))
      .map((cp) => String.fromCodePoint(cp)),
  ],
  ['unassigned (Cn)', codePointWhere(0x378, 0x10ffff, /^\p{Cn}$/u)],
  ['lone surrogate (Cs)', fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u))],
  ['Hangul filler', fc.constantFrom('\u115f', '\u1160', '\u3164', '\uffa0')],
  [
    'variation selector',
    fc
      .oneof(
        fc.integer({ min: 0xfe00, max: 0xfe0f }),
        fc.integer({ min: 0xe0100, max: 0xe01ef }),
        fc.constantFrom(0x180b, 0x180c, 0x180d, 0x180f),
      )
      .map((cp) => String.fromCodePoint(cp)),
  ],
  ['control (Cc)', codePointWhere(0, 0x9f, /^\p{Cc}$/u)],
  ['joiner between Latin letters', fc.constantFrom('\u200c', '\u200d')],
];

const insertAt = (s: string, at: number, c: string) => {
  const chars = [...s];
  const i = at % (chars.length + 1);
  return [...chars.slice(0, i), c, ...chars.slice(i)].join('');
};

const name = text(400);

describe('free text refuses invisible characters by Unicode category', () => {
  it('accepts words of Latin, Arabic, Chinese, Javanese and Devanagari letters', () => {
    fc.assert(
      fc.property(goodText, (s) => {
        expect(refusedCharIn(s)).toBeUndefined();
        expect(parseWith(name, s).ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  for (const [label, arb] of REFUSED) {
    it(`refuses a ${label} anywhere in a name, with TEXT_CHARACTER_REFUSED`, () => {
      const base = label.startsWith('joiner') ? wordsOf(SCRIPTS.latin) : goodText;
      fc.assert(
        fc.property(base, arb, fc.nat(), (s, c, at) => {
          const bad = insertAt(s, at, c);
          expect(refusedCharIn(bad)).toBeDefined();
          const r = parseWith(name, bad);
          expect(r.ok ? undefined : r.error.code).toBe('TEXT_CHARACTER_REFUSED');
        }),
        { numRuns: 300 },
      );
    });
  }

  it('names the refused code point for the operator', () => {
    expect(refusedCharIn('Budi\u2060 Santoso')).toBe('U+2060');
    expect(refusedCharIn('Siti\ud800')).toBe('U+D800');
    expect(refusedCharIn('\u{e0101}')).toBe('U+E0101');
  });

  it('keeps ZWNJ/ZWJ inside a word of a script that joins, refuses them elsewhere', () => {
    const devanagariZwj = '\u0915\u094d\u200d\u0937'; // क्‍ष: half form
    const persianZwnj = '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645'; // می‌خواهم
    const javaneseZwnj = '\ua98f\u200c\ua9ab';
    for (const s of [devanagariZwj, persianZwnj, javaneseZwnj]) expect(refusedCharIn(s), s).toBeUndefined();
    for (const s of ['Bu\u200ddi', '\u200c\u0645', '\u0645\u200c', '\u0645\u200c \u0645', 'a\u200c\u0645'])
      expect(refusedCharIn(s), JSON.stringify(s)).toBeDefined();
  });

  it('still refuses the bidi controls and separators refused before (Trojan Source)', () => {
    for (const c of ['\u202e', '\u2067', '\u061c', '\u200b', '\u200e', '\u2028', '\u2029', '\ufeff', '\u{e0041}'])
      expect(parseWith(name, `a${c}b`).ok, `U+${c.codePointAt(0)?.toString(16)}`).toBe(false);
  });
});
