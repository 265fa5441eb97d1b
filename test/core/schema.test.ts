/** parseWith: each kind of wrong input gets its own code, so tests and logs tell a wrong type from a bad value. */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/errors';
import { identifier, isoDate, keyId, parseJson, parseWith, regionCode, text, time } from '../../src/core/schema';

const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);

const record = v.strictObject({
  id: identifier,
  name: text(20),
  at: time,
  count: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(9)),
  open: v.boolean(),
  tags: v.pipe(v.array(identifier), v.maxLength(2)),
  pair: v.strictTuple([v.number(), v.string()]),
  born: isoDate,
});
const good = {
  id: 'A1',
  name: 'Budi',
  at: 1_800_000_000,
  count: 3,
  open: true,
  tags: ['x'],
  pair: [1, 'y'],
  born: '1985-04-12',
};

describe('parseWith', () => {
  it('accepts a good value and returns it', () => {
    expect(parseWith(record, good)).toEqual({ ok: true, value: good });
  });

  it.each([
    ['a number for a string', { ...good, id: 7 }],
    ['a string for a number', { ...good, count: '3' }],
    ['a number for a boolean', { ...good, open: 1 }],
    ['an object for an array', { ...good, tags: { 0: 'x' } }],
    ['a fraction for an integer', { ...good, count: 2.5 }],
    ['an array for an object', [good]],
    ['a string for a tuple', { ...good, pair: '1,y' }],
  ])('%s is PAYLOAD_WRONG_TYPE', (_, input) => {
    expect(code(parseWith(record, input))).toBe('PAYLOAD_WRONG_TYPE');
  });

  it('names the other failures: unknown field or item, too long, out of range, refused character, bad format', () => {
    expect(code(parseWith(record, { ...good, extra: 1 }))).toBe('PAYLOAD_UNKNOWN_FIELD');
    expect(code(parseWith(record, { ...good, pair: [1, 'y', 2] }))).toBe('PAYLOAD_UNKNOWN_FIELD');
    expect(code(parseWith(record, { ...good, tags: ['a', 'b', 'c'] }))).toBe('PAYLOAD_TOO_LONG');
    expect(code(parseWith(record, { ...good, count: 10 }))).toBe('PAYLOAD_OUT_OF_RANGE');
    expect(code(parseWith(record, { ...good, count: 0 }))).toBe('PAYLOAD_OUT_OF_RANGE');
    expect(code(parseWith(record, { ...good, born: '1899-12-31' }))).toBe('PAYLOAD_OUT_OF_RANGE');
    // A failed check other than the character check is a bad value, not a refused character.
    expect(code(parseWith(record, { ...good, born: '1985-02-29' }))).toBe('PAYLOAD_INVALID');
    expect(code(parseWith(record, { ...good, born: '1984-02-29' }))).toBe('ok');
    expect(code(parseWith(record, { ...good, at: 1_800_000_000_000 }))).toBe('PAYLOAD_OUT_OF_RANGE');
    expect(code(parseWith(record, { ...good, name: 'Bu\u202edi' }))).toBe('TEXT_CHARACTER_REFUSED');
    expect(code(parseWith(record, { ...good, id: '-A' }))).toBe('PAYLOAD_INVALID');
  });

  it('says where and what in the detail: the dotted path, or nothing before the colon at the top', () => {
    expect(parseWith(record, 'x')).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_WRONG_TYPE', detail: expect.stringMatching(/^: \S/) },
    });
    expect(parseWith(record, { ...good, tags: ['x', 'bad id'] })).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_INVALID', detail: expect.stringMatching(/^tags\.1: /) },
    });
  });
});

describe('formats of identifiers', () => {
  // Each pattern must cover the whole value: a valid value with anything before or after it is refused.
  it('a date is exactly YYYY-MM-DD', () => {
    expect(code(parseWith(isoDate, '1985-04-12'))).toBe('ok');
    for (const bad of ['01985-04-12', ' 1985-04-12', '1985-04-12 ', '1985-04-120'])
      expect(code(parseWith(isoDate, bad)), bad).toBe('PAYLOAD_INVALID');
  });
  it('a region is a 2-digit province or a 4-digit regency', () => {
    for (const ok of ['64', '6401']) expect(code(parseWith(regionCode, ok)), ok).toBe('ok');
    for (const bad of ['640', '64010', 'x64', '6401x'])
      expect(code(parseWith(regionCode, bad)), bad).toBe('PAYLOAD_INVALID');
  });
  it('a key id is 4 lower-case hex digits', () => {
    expect(code(parseWith(keyId, 'ab12'))).toBe('ok');
    for (const bad of ['ab12f', 'fab12', 'AB12', 'ab1'])
      expect(code(parseWith(keyId, bad)), bad).toBe('PAYLOAD_INVALID');
  });
});

describe('parseJson', () => {
  it('parses JSON and turns a syntax error into PAYLOAD_INVALID', () => {
    expect(parseJson('{"a":[1]}')).toEqual({ ok: true, value: { a: [1] } });
    expect(parseJson('{"a":')).toMatchObject({ ok: false, error: { code: 'PAYLOAD_INVALID', detail: 'not JSON' } });
  });
});
