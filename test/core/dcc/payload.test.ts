/**
 * The DCC schema 1.3.x against the schema's own examples and its edge cases, and the mapping of v/t/r to
 * the facts the rules see (docs/FORMATS.md "EU DCC"): known codes only, never a guess.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factOf, readDccDate, readDccTime, TEST_RESULTS, TEST_TYPES } from '../../../src/core/dcc';
import { parseDccPayload } from '../../../src/core/dcc/schema';
import { PAYLOADS } from '../../support/dcc-sign';

const VECTORS = join(import.meta.dirname, '../../vectors');
const examples = ['recovery', 'test', 'vaccination'].flatMap((kind) =>
  readdirSync(join(VECTORS, 'eu-dcc-schema/examples', kind)).map((f) => ({
    name: `${kind}/${f}`,
    json: JSON.parse(readFileSync(join(VECTORS, 'eu-dcc-schema/examples', kind, f), 'utf8')) as unknown,
  })),
);
const valueSet = (name: string) =>
  Object.keys(
    (JSON.parse(readFileSync(join(VECTORS, 'eu-dcc-valuesets', `${name}.json`), 'utf8')) as { valueSetValues: object })
      .valueSetValues,
  );

describe('DCC schema 1.3.x', () => {
  it.each(examples)('accepts the schema example $name', ({ json }) => {
    expect(examples.length).toBeGreaterThanOrEqual(14);
    const r = parseDccPayload(json);
    expect(r.ok ? 'ok' : r.detail).toBe('ok');
  });

  const base = PAYLOADS.v;
  const withName = (nam: object) => ({ ...base, nam });
  const withEntry = (e: object) => ({ ...base, v: [{ ...base.v[0], ...e }] });

  it.each([
    ['dob YYYY', { ...base, dob: '1980' }],
    ['dob YYYY-MM', { ...base, dob: '1980-02' }],
    ['dob empty', { ...base, dob: '' }],
    ['only fnt', withName({ fnt: 'SANTOSO' })],
    ['only gnt', withName({ gnt: 'BUDI' })],
    ['an unknown extra property', { ...base, meta: { note: 'issuer extension' } }],
    ['a later schema version', { ...base, ver: '1.3.3' }],
    ['a version of several digits in each part', { ...base, ver: '10.10.10' }],
    ['a date written as a date-time (format is an annotation)', withEntry({ dt: '2021-08-01T00:00:00Z' })],
  ])('accepts %s', (_, json) => {
    expect(parseDccPayload(json).ok).toBe(true);
  });

  it.each([
    ['no group', { ver: base.ver, nam: base.nam, dob: base.dob }],
    ['two groups', { ...base, r: PAYLOADS.r.r }],
    ['two entries', { ...base, v: [base.v[0], base.v[0]] }],
    ['an empty group', { ...base, v: [] }],
    ['neither fnt nor gnt', withName({ fn: 'Santoso', gn: 'Budi' })],
    ['lower case in fnt', withName({ fnt: 'Santoso' })],
    ['a space in gnt', withName({ gnt: 'BUDI SANTOSO' })],
    ['fnt over 80', withName({ fnt: 'A'.repeat(81) })],
    ['dob with a time', { ...base, dob: '1980-02-03T00:00:00' }],
    ['dob in 1899', { ...base, dob: '1899' }],
    ['ci over 80', withEntry({ ci: `URN:UVCI:${'X'.repeat(80)}` })],
    ['dose 0', withEntry({ dn: 0 })],
    ['dose 1.5', withEntry({ dn: 1.5 })],
    ['dose as text', withEntry({ dn: '1' })],
    ['country without a capital', withEntry({ co: 'id' })],
    ['a missing required field', { ...base, v: [{ ...base.v[0], mp: undefined }] }],
    ['ver not x.y.z', { ...base, ver: '1.3' }],
    ['ver with text before it', { ...base, ver: 'v1.3.0' }],
    ['ver with text after it', { ...base, ver: '1.3.0-rc' }],
    ['not an object', [base]],
  ])('refuses %s', (_, json) => {
    expect(parseDccPayload(JSON.parse(JSON.stringify(json))).ok).toBe(false);
  });

  it('says where a refused payload is wrong', () => {
    const detail = (json: unknown) => {
      const r = parseDccPayload(json);
      return r.ok ? 'ok' : r.detail;
    };
    expect(detail(withEntry({ dn: 0 }))).toMatch(/^v\.0\.dn: \S/);
    expect(detail(withName({ fnt: 'Santoso' }))).toMatch(/^nam\.fnt: \S/);
    expect(detail('not a DCC')).toMatch(/^\(root\): \S/);
    expect(detail({ ...base, r: PAYLOADS.r.r })).toBe('(root): exactly one of v, t, r');
  });
});

describe('facts', () => {
  it('vaccination: product, dose n of m, date', () => {
    expect(factOf(PAYLOADS.v)).toEqual({
      kind: 'vaccination',
      product: 'EU/1/20/1528',
      dose: 2,
      doses: 2,
      date: '2021-08-01',
    });
  });

  it('test: the two test types and two results of the value sets, sample time in Unix seconds', () => {
    expect(Object.keys(TEST_TYPES).sort()).toEqual(valueSet('test-type').sort());
    expect(Object.keys(TEST_RESULTS).sort()).toEqual(valueSet('test-result').sort());
    expect(factOf(PAYLOADS.t)).toEqual({ kind: 'test', testType: 'pcr', result: 'neg', sampleTime: 1_627_781_400 });
    const rat = { ...PAYLOADS.t, t: [{ ...PAYLOADS.t.t[0], tt: 'LP217198-3', tr: '260373001' }] };
    expect(factOf(rat)).toMatchObject({ testType: 'antigen', result: 'pos' });
  });

  it('recovery: first positive date and validity', () => {
    expect(factOf(PAYLOADS.r)).toEqual({
      kind: 'recovery',
      firstPositiveDate: '2021-07-01',
      validFrom: '2021-07-12',
      validUntil: '2021-12-28',
    });
  });

  it.each([
    ['an unknown test type', { ...PAYLOADS.t, t: [{ ...PAYLOADS.t.t[0], tt: 'LP0000-0' }] }],
    ['an unknown test result', { ...PAYLOADS.t, t: [{ ...PAYLOADS.t.t[0], tr: '000000000' }] }],
    ['a sample time without an offset', { ...PAYLOADS.t, t: [{ ...PAYLOADS.t.t[0], sc: '2021-08-01T08:30:00' }] }],
    ['another disease', { ...PAYLOADS.v, v: [{ ...PAYLOADS.v.v[0], tg: '000000000' }] }],
    ['a vaccination date that is no date', { ...PAYLOADS.v, v: [{ ...PAYLOADS.v.v[0], dt: '2021-02-30' }] }],
    ['a recovery without a readable validity', { ...PAYLOADS.r, r: [{ ...PAYLOADS.r.r[0], du: 'soon' }] }],
    ['a recovery without a readable start', { ...PAYLOADS.r, r: [{ ...PAYLOADS.r.r[0], df: '2021-02-30' }] }],
    ['a recovery without a readable first positive', { ...PAYLOADS.r, r: [{ ...PAYLOADS.r.r[0], fr: '' }] }],
    ['a recovery from another disease', { ...PAYLOADS.r, r: [{ ...PAYLOADS.r.r[0], tg: '000000000' }] }],
    ['a test for another disease', { ...PAYLOADS.t, t: [{ ...PAYLOADS.t.t[0], tg: '000000000' }] }],
  ])('derives no fact from %s', (_, payload) => {
    const parsed = parseDccPayload(payload);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(factOf(parsed.value)).toBeNull();
  });

  it('reads dates and times strictly', () => {
    expect(readDccDate('2022-01-01T00:00:00.000Z')).toBe('2022-01-01');
    expect(readDccDate('2022-02-29')).toBeUndefined();
    expect(readDccDate('2022-1-01')).toBeUndefined();
    // The date must open the text: a date found later in it is not the one the issuer wrote.
    expect(readDccDate('x2022-01-01')).toBeUndefined();
    expect(readDccDate('12022-01-01')).toBeUndefined();
    expect(readDccTime('2021-06-16T12:50:02+02:00')).toBe(Date.parse('2021-06-16T10:50:02Z') / 1000);
    expect(readDccTime('2021-06-16T12:50:02+0200')).toBe(Date.parse('2021-06-16T10:50:02Z') / 1000);
    expect(readDccTime('2021-06-16T12:50:02.123-05')).toBe(Math.floor(Date.parse('2021-06-16T17:50:02.123Z') / 1000));
    expect(readDccTime('2021-06-16T12:50Z')).toBe(Date.parse('2021-06-16T12:50:00Z') / 1000);
    // A lower-case z is UTC too; a day that does not exist is no time, though Date.parse would roll it over.
    expect(readDccTime('2021-06-16T12:50:02z')).toBe(Date.parse('2021-06-16T12:50:02Z') / 1000);
    expect(readDccTime('2021-06-16T12:50:02+07')).toBe(Date.parse('2021-06-16T05:50:02Z') / 1000);
    for (const bad of [
      '2021-06-16T12:50:02',
      '2021-06-16',
      '2021-06-16T25:00:00Z',
      '2021-13-16T12:00:00Z',
      '2022-02-29T10:00:00Z',
      'x',
    ])
      expect(readDccTime(bad), bad).toBeUndefined();
  });
});
