/** SMART Health Cards made by test/support/shc-sign.ts: valid cards and every way the pipeline refuses one. */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../../../src/core/bytes';
import { parseScanned } from '../../../src/core/qr-link';
import {
  addShcChunk,
  assembleShcTexts,
  fromShcDigits,
  inflateRawCapped,
  inspectShc,
  isDerSignature,
  isRidEntry,
  isRidRevoked,
  jwkThumbprint,
  MAX_SHC_INFLATED,
  parseShcChunk,
  parseShcJws,
  parseShcPayload,
  readFhirDate,
  readFhirTime,
  readShcContents,
  SHC_CHECKS,
  shcInputOf,
  toShcDigits,
  toShcTexts,
  verifyShc,
} from '../../../src/core/shc';
import {
  bigPayload,
  bomb,
  cardPayload,
  immunization,
  labResult,
  makeShcIssuer,
  NOW,
  shcQr,
  signShc,
  TEST_ISS,
  TESTED,
  trustOf,
  VACCINATED,
  withTrailing,
  zlibInstead,
} from '../../support/shc-sign';

const issuer = makeShcIssuer();
const ISSUERS = trustOf('Digital Agency of Japan', issuer);
const opts = { at: NOW, issuers: ISSUERS };
const inspectQr = (qr: string[], o = opts) => inspectShc({ qr }, o);

describe('numeric QR text', () => {
  it('pairs of digits are char codes minus 45, and back', () => {
    expect(fromShcDigits('5676')).toBe('ey');
    expect(toShcDigits('ey.-_z')).toBe('567601005077');
    expect(fromShcDigits(toShcDigits('abc.DEF-_'))).toBe('abc.DEF-_');
  });
  it('refuses an odd count, a pair above 77, non-digits and emptiness', () => {
    for (const bad of ['567', '5678', '56a6', '', '56 76']) expect(fromShcDigits(bad)).toBeUndefined();
  });
  it('refuses a wrong prefix, malformed chunk headers and n > total', () => {
    expect(parseShcChunk('SHC:/5676').ok).toBe(false);
    expect(parseShcChunk('shc:5676').ok).toBe(false);
    for (const bad of [
      'shc:/1/1/5676',
      'shc:/3/2/5676',
      'shc:/0/2/5676',
      'shc:/1/2/',
      'shc:/1/5676',
      'shc:/1/11/5676',
    ]) {
      const r = parseShcChunk(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(['SHC_CHUNK_INVALID', 'SHC_NUMERIC_INVALID']).toContain(r.error.code);
    }
  });
  it('pair 77 (`z`) is the highest; 00 (`-`) the lowest', () => {
    expect(fromShcDigits('0077')).toBe('-z');
    expect(fromShcDigits('0078')).toBeUndefined();
    expect(fromShcDigits('8000')).toBeUndefined();
    expect(fromShcDigits('99')).toBeUndefined();
  });
  const codeOf = (text: string) => {
    const r = parseShcChunk(text);
    return r.ok ? r.value : r.error.code;
  };
  it('a chunk header is `<n>/<total>/` with 1 ≤ n ≤ total and 2 ≤ total ≤ 10', () => {
    expect(codeOf('shc:/5676')).toEqual({ index: 1, total: 1, jws: 'ey' });
    expect(codeOf('shc:/2/2/5676')).toEqual({ index: 2, total: 2, jws: 'ey' });
    expect(codeOf('shc:/10/10/5676')).toEqual({ index: 10, total: 10, jws: 'ey' });
    expect(codeOf('shc:/1/10/5676')).toEqual({ index: 1, total: 10, jws: 'ey' });
    for (const bad of ['shc:/1/1/5676', 'shc:/3/2/5676', 'shc:/11/10/5676', 'shc:/1/11/5676', 'shc:/1/999/5676']) {
      expect(codeOf(bad), bad).toBe('SHC_CHUNK_INVALID');
    }
    // A `/` anywhere else is a header that is not one: a zero, leading zeros, a missing part, a sign.
    // A header counts only right after the prefix: a chunk header later in the text is a stray `/` too.
    for (const bad of [
      'shc:/0/2/5676',
      'shc:/01/2/5676',
      'shc:/1/5676',
      'shc:/1//5676',
      'shc:/-1/2/5676',
      'shc:/5676shc:/1/2/5676',
    ]) {
      expect(codeOf(bad), bad).toBe('SHC_CHUNK_INVALID');
    }
    const numeric = [
      'shc:/1/2/',
      'shc:/1/2/567',
      'shc:/1/2/56 76',
      'shc:/1/2/3/5676',
      'shc:/',
      'shc:/567',
      'shc:/5699',
    ];
    for (const bad of numeric) {
      expect(codeOf(bad), bad).toBe('SHC_NUMERIC_INVALID');
    }
    expect(codeOf('SHC:/5676')).toBe('SHC_PREFIX_MISSING');
  });
  it('one QR holds at most 1195 JWS characters, a chunk at most 1191', () => {
    const digits = (n: number) => toShcDigits('a'.repeat(n));
    expect(codeOf(`shc:/${digits(1195)}`)).toEqual({ index: 1, total: 1, jws: 'a'.repeat(1195) });
    expect(codeOf(`shc:/${digits(1196)}`)).toBe('SHC_NUMERIC_INVALID');
    expect(codeOf(`shc:/1/2/${digits(1191)}`)).toEqual({ index: 1, total: 2, jws: 'a'.repeat(1191) });
    expect(codeOf(`shc:/1/2/${digits(1192)}`)).toBe('SHC_CHUNK_INVALID');
  });
  it('says why a text is refused', () => {
    const detail = (text: string) => {
      const r = parseShcChunk(text);
      return r.ok ? 'ok' : r.error.detail;
    };
    expect(detail('shc:/3/2/5676')).toBe('chunk 3/2');
    expect(detail(`shc:/1/2/${toShcDigits('a'.repeat(1192))}`)).toBe('chunk of 1192 characters');
    expect(detail('shc:/1/5676')).toBe('malformed chunk header');
    expect(detail(`shc:/${toShcDigits('a'.repeat(1196))}`)).toBe('JWS of 1196 characters in one QR');
  });
  it('an issuer splits only a JWS over 1195 characters, into balanced chunks of at most 1191', () => {
    expect(toShcTexts('a'.repeat(1195))).toEqual([`shc:/${toShcDigits('a'.repeat(1195))}`]);
    const two = toShcTexts(`${'a'.repeat(598)}${'b'.repeat(598)}`);
    expect(two).toEqual([`shc:/1/2/${toShcDigits('a'.repeat(598))}`, `shc:/2/2/${toShcDigits('b'.repeat(598))}`]);
    // 2383 characters need three chunks (two hold 2382): 795, 795 and 793.
    const three = toShcTexts('c'.repeat(2383)).map((t) => codeOf(t));
    expect(three.map((c) => (typeof c === 'string' ? c : [c.index, c.total, c.jws.length]))).toEqual([
      [1, 3, 795],
      [2, 3, 795],
      [3, 3, 793],
    ]);
    expect(toShcTexts('c'.repeat(2382)).length).toBe(2);
  });
});

describe('a valid card', () => {
  it('immunization card: verified, holder and two Pfizer doses counted in date order', () => {
    const r = verifyShc({ qr: shcQr(issuer, VACCINATED()) }, opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.holder).toEqual({ family: 'Yamada', given: ['Hanako'], birthDate: '1985-04-12' });
    expect(r.value.issuerName).toBe('Digital Agency of Japan');
    expect(r.value.facts).toEqual([
      { kind: 'vaccination', product: 'Pfizer', dose: 1, doses: 2, date: '2021-06-01' },
      { kind: 'vaccination', product: 'Pfizer', dose: 2, doses: 2, date: '2021-06-29' },
    ]);
  });

  it('doses in the card win over counting; a not-completed dose and an unknown vaccine give no fact', () => {
    const payload = cardPayload([
      immunization('207', '2022-01-10', { protocolApplied: [{ doseNumberPositiveInt: 3, seriesDosesPositiveInt: 2 }] }),
      immunization('212', '2021-05-01'),
      immunization('208', '2021-04-01', { status: 'not-done' }),
      immunization('03', '2020-01-01'),
    ]);
    const r = verifyShc({ jws: signShc(issuer, payload) }, opts);
    expect(r.ok && r.value.facts).toEqual([
      { kind: 'vaccination', product: 'Moderna', dose: 3, doses: 2, date: '2022-01-10' },
      { kind: 'vaccination', product: 'Janssen', dose: 1, doses: 1, date: '2021-05-01' },
    ]);
  });

  it('SNOMED vaccine codes are read too', () => {
    const snomed = immunization('x', '2021-07-01', {
      vaccineCode: { coding: [{ system: 'http://snomed.info/sct', code: '28581000087106' }] },
    });
    const r = verifyShc({ jws: signShc(issuer, cardPayload([snomed])) }, opts);
    expect(r.ok && r.value.facts).toEqual([
      { kind: 'vaccination', product: 'Pfizer', dose: 1, doses: 2, date: '2021-07-01' },
    ]);
  });

  it('lab card: negative PCR with its sample time; antigen, positive and detected codes map too', () => {
    const r = verifyShc({ qr: shcQr(issuer, TESTED()) }, opts);
    expect(r.ok && r.value.facts).toEqual([
      { kind: 'test', testType: 'pcr', result: 'neg', sampleTime: Date.parse('2026-11-29T08:00:00+09:00') / 1000 },
    ]);
    const more = cardPayload([
      labResult('94558-4', '10828004', '2026-11-28T10:00:00Z'),
      labResult('94500-6', '260373001', '2026-11-27T10:00:00Z'),
      labResult('95209-3', '260415000', '2026-11-26'),
      labResult('94563-4', '10828004', '2026-11-26T10:00:00Z'), // antibody: no fact
      labResult('94309-2', '260385009', '2026-11-26T10:00:00Z', { status: 'preliminary' }),
    ]);
    const m = verifyShc({ jws: signShc(issuer, more) }, opts);
    expect(m.ok && m.value.facts).toEqual([
      { kind: 'test', testType: 'antigen', result: 'pos', sampleTime: Date.parse('2026-11-28T10:00:00Z') / 1000 },
      { kind: 'test', testType: 'pcr', result: 'pos', sampleTime: Date.parse('2026-11-27T10:00:00Z') / 1000 },
      // A date alone: the earliest instant of that date anywhere (UTC+14).
      { kind: 'test', testType: 'antigen', result: 'neg', sampleTime: Date.parse('2026-11-26T00:00:00+14:00') / 1000 },
    ]);
  });

  it('a card too long for one QR is split into balanced chunks and reassembled in any order', () => {
    const qr = shcQr(issuer, bigPayload(2400));
    expect(qr.length).toBeGreaterThan(1);
    expect(verifyShc({ qr }, opts).ok).toBe(true);
    expect(verifyShc({ qr: [...qr].reverse() }, opts).ok).toBe(true);
  });

  it('nbf with a fraction (as the spec examples have) and an exp still ahead verify', () => {
    const p = { ...VACCINATED(), nbf: NOW - 10.5, exp: NOW + 60 };
    expect(verifyShc({ jws: signShc(issuer, p) }, opts).ok).toBe(true);
  });
});

describe('card contents', () => {
  const contents = (resources: Record<string, unknown>[], patient?: Record<string, unknown>) => {
    const payload = cardPayload(resources) as { vc: { credentialSubject: { fhirBundle: { entry: object[] } } } };
    if (patient) payload.vc.credentialSubject.fhirBundle.entry[0] = { fullUrl: 'resource:0', resource: patient };
    const parsed = parseShcPayload(payload);
    if (!parsed.ok) throw new Error(parsed.detail);
    return readShcContents(parsed.value);
  };

  it('FHIR dates: a full date, alone or before a time; partial or impossible dates give none', () => {
    expect(readFhirDate('2021-06-01')).toBe('2021-06-01');
    expect(readFhirDate('2021-06-01T23:00:00-05:00')).toBe('2021-06-01');
    for (const bad of [
      '2021-06',
      '2021',
      '2021-02-30',
      '2021-13-01',
      '2021-06-01T10:00:00',
      ' 2021-06-01',
      'x2021-06-01T10:00:00Z',
      '2021-06-01T10:00:00Zx',
      20210601,
    ]) {
      expect(readFhirDate(bad), String(bad)).toBeUndefined();
    }
    expect(readFhirDate('2024-02-29')).toBe('2024-02-29');
  });

  it('FHIR times: seconds since the epoch, offset required, each field in range', () => {
    const t = (s: string) => Date.parse(s) / 1000;
    expect(readFhirTime('2021-06-01T23:59:59Z')).toBe(t('2021-06-01T23:59:59Z'));
    expect(readFhirTime('2021-06-01T00:00:00.999+14:00')).toBe(t('2021-06-01T00:00:00+14:00'));
    expect(readFhirTime('2021-06-01T10:00:00-14:59')).toBe(t('2021-06-01T10:00:00-14:59'));
    expect(readFhirTime('2021-06-01T10:00:00+09:00')).toBe(t('2021-06-01T01:00:00Z'));
    expect(readFhirTime('2021-06-01')).toBe(t('2021-06-01T00:00:00+14:00'));
    for (const bad of [
      '2021-06-01T24:00:00Z',
      '2021-06-01T23:60:00Z',
      '2021-06-01T23:59:60Z',
      '2021-06-01T10:00:00+15:00',
      '2021-06-01T10:00:00+09:60',
      '2021-06-01T10:00:00',
      '2021-06-31T10:00:00Z',
      '2021-06-31',
      '2021-06',
      '2021-06-01T10:00Z',
      1_622_541_600,
    ]) {
      expect(readFhirTime(bad), String(bad)).toBeUndefined();
    }
  });

  it('the holder: the official name first, else the first; missing parts stay empty', () => {
    const patient = (o: Record<string, unknown>) => contents([], { resourceType: 'Patient', ...o }).holder;
    expect(
      patient({
        name: [
          { family: 'Nick', given: ['N'] },
          { use: 'official', family: 'Yamada', given: ['Hanako', 7, 'K'] },
        ],
        birthDate: '1985',
      }),
    ).toEqual({ family: 'Yamada', given: ['Hanako', 'K'], birthDate: '1985' });
    expect(patient({ name: [{ given: ['Hanako'] }] })).toEqual({ given: ['Hanako'], birthDate: '' });
    expect(patient({})).toEqual({ given: [], birthDate: '' });
    expect(contents([], { resourceType: 'Practitioner', name: [{ family: 'Dr' }] }).holder).toEqual({
      given: [],
      birthDate: '',
    });
  });

  it('immunizations: the first known coding, lot and performer, dose numbers 1–99 from the card else counted', () => {
    const { immunizations, facts } = contents([
      immunization('208', '2021-06-29', {
        vaccineCode: {
          coding: [
            { system: 'http://example.org/local', code: '208' },
            { system: 'http://hl7.org/fhir/sid/cvx', code: 7 },
            { system: 'http://hl7.org/fhir/sid/cvx', code: '212' },
          ],
        },
        performer: [{ display: 'Clinic' }],
        lotNumber: undefined,
      }),
      immunization('208', '2021-06-01', {
        protocolApplied: [{ doseNumberPositiveInt: 0, seriesDosesPositiveInt: 100 }],
      }),
      immunization('208', '2021-07-01', {
        protocolApplied: [{ doseNumberPositiveInt: 99, seriesDosesPositiveInt: 1.5 }],
      }),
      immunization('208', '2021-08-01', { protocolApplied: [{ doseNumberPositiveInt: 1, seriesDosesPositiveInt: 1 }] }),
      immunization('28581000087106', '2021-09-01'),
      immunization('208', '2021-10', { performer: [] }),
      immunization('208', '2021-11-01', { status: undefined }),
    ]);
    expect(immunizations[0]).toEqual({
      vaccine: { system: 'http://hl7.org/fhir/sid/cvx', code: '212' },
      product: 'Janssen',
      status: 'completed',
      date: '2021-06-29',
      performer: 'Clinic',
      dose: 2,
      doses: 1,
    });
    expect(immunizations.map((i) => [i.dose, i.doses])).toEqual([
      [2, 1],
      [1, 2],
      [99, 2],
      [1, 1],
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect(immunizations[6].status).toBe('');
    // A SNOMED code under the CVX system is not a CVX code; a partial date counts nothing.
    expect(immunizations[4].product).toBeNull();
    expect(immunizations[5]).toMatchObject({ date: null, lotNumber: 'FK1234', product: 'Pfizer' });
    expect('performer' in immunizations[5]).toBe(false);
    expect(facts.map((f) => f.kind === 'vaccination' && [f.date, f.dose, f.doses])).toEqual([
      ['2021-06-29', 2, 1],
      ['2021-06-01', 1, 2],
      ['2021-07-01', 99, 2],
      ['2021-08-01', 1, 1],
    ]);
  });

  it('doses the card does not number are counted in date order, the same date keeping card order', () => {
    const { immunizations } = contents([
      immunization('208', '2021-08-01', { lotNumber: 'C' }),
      immunization('208', '2021-06-01', { lotNumber: 'A' }),
      immunization('207', '2021-07-01', { lotNumber: 'B1' }),
      immunization('208', '2021-07-01', { lotNumber: 'B2' }),
      immunization('208', '2021-05-01', { status: 'entered-in-error' }),
    ]);
    expect(immunizations.map((i) => [i.lotNumber, i.dose])).toEqual([
      ['C', 4],
      ['A', 1],
      ['B1', 2],
      ['B2', 3],
      ['FK1234', null],
    ]);
    expect(immunizations[2].doses).toBe(2);
  });

  it('lab results: final, amended or corrected with a known test, result and time give a fact', () => {
    const at = '2026-11-28T10:00:00Z';
    const { labResults, facts } = contents([
      labResult('94309-2', '260385009', at, { status: 'amended' }),
      labResult('94309-2', '260385009', at, { status: 'corrected', performer: [{ actor: { display: 'Lab A' } }] }),
      labResult('94309-2', '260385009', at, { status: 'registered' }),
      labResult('00000-0', '260385009', at),
      labResult('94309-2', '00000', at),
      labResult('94309-2', '260385009', '2026-11-28T10:00'),
      labResult('94309-2', '260385009', at, { status: undefined, performer: undefined }),
    ]);
    expect(facts).toHaveLength(2);
    expect(labResults[1]).toEqual({
      test: { system: 'http://loinc.org', code: '94309-2' },
      testType: 'pcr',
      result: 'neg',
      resultCode: { system: 'http://snomed.info/sct', code: '260385009' },
      status: 'corrected',
      sampleTime: Date.parse(at) / 1000,
      performer: 'Lab A',
    });
    expect(labResults.slice(3, 6).map((r) => [r.testType, r.result, r.sampleTime])).toEqual([
      [null, 'neg', Date.parse(at) / 1000],
      ['pcr', null, Date.parse(at) / 1000],
      ['pcr', 'neg', null],
    ]);
    expect(labResults[6].status).toBe('');
    expect('performer' in labResults[6]).toBe(false);
  });
});

describe('chunk reassembly state', () => {
  const qr = shcQr(issuer, bigPayload(3600));
  it('says which parts are missing until the last one arrives', () => {
    expect(qr.length).toBe(3);
    const a = addShcChunk(undefined, qr[1]);
    expect(a.ok && a.value.kind === 'partial' && a.value.missing).toEqual([1, 3]);
    if (!a.ok || a.value.kind !== 'partial') return;
    const again = addShcChunk(a.value.set, qr[1]);
    expect(again.ok && again.value.kind === 'partial' && again.value.missing).toEqual([1, 3]);
    const b = addShcChunk(a.value.set, qr[0]);
    if (!b.ok || b.value.kind !== 'partial') throw new Error('expected partial');
    const c = addShcChunk(b.value.set, qr[2]);
    expect(c.ok && c.value.kind).toBe('complete');
  });
  it('refuses a part of another size of card and a different part with the same index', () => {
    const a = addShcChunk(undefined, qr[0]);
    if (!a.ok || a.value.kind !== 'partial') throw new Error('expected partial');
    const other = toShcTexts(signShc(issuer, bigPayload(1000)));
    expect(other.length).toBe(2);
    const r1 = addShcChunk(a.value.set, other[1]);
    expect(!r1.ok && r1.error.code).toBe('SHC_CHUNK_INVALID');
    const r2 = addShcChunk(a.value.set, `shc:/1/3/${toShcDigits('abc')}`);
    expect(!r2.ok && r2.error.code).toBe('SHC_CHUNK_INVALID');
  });
  it('a lone chunk or a duplicate set does not make a card', () => {
    expect(inspectQr([qr[0]]).errors).toEqual(['SHC_CHUNK_MISSING']);
    expect(inspectQr([qr[0], qr[1], qr[2], qr[2]]).errors).toEqual(['SHC_CHUNK_INVALID']);
  });
  it('a complete card gives its JWS and its texts in part order, whatever order they came in', () => {
    const jws = qr.map((t) => fromShcDigits(t.replace(/^shc:\/\d\/3\//, ''))).join('');
    let state = addShcChunk(undefined, qr[2]);
    for (const text of [qr[0], qr[1]]) {
      if (!state.ok || state.value.kind !== 'partial') throw new Error('expected partial');
      state = addShcChunk(state.value.set, text);
    }
    expect(state.ok && state.value).toEqual({ kind: 'complete', jws, texts: qr });
    expect(assembleShcTexts([qr[1], qr[2], qr[0]])).toEqual({ ok: true, value: jws });
    expect(jws.split('.')).toHaveLength(3);
  });
  it('a single-QR card completes at once, even in the middle of a chunked one', () => {
    const [single] = shcQr(issuer, VACCINATED());
    const a = addShcChunk(undefined, qr[0]);
    if (!a.ok || a.value.kind !== 'partial') throw new Error('expected partial');
    const r = addShcChunk(a.value.set, single);
    expect(r.ok && r.value).toEqual({ kind: 'complete', jws: fromShcDigits(single.slice(5)), texts: [single] });
  });
  it('a set of texts is exactly one card: none, a part short or one text more are refused', () => {
    const [single] = shcQr(issuer, VACCINATED());
    expect(assembleShcTexts([single])).toEqual({ ok: true, value: fromShcDigits(single.slice(5)) });
    expect(assembleShcTexts([])).toMatchObject({ ok: false, error: { code: 'SHC_CHUNK_MISSING', detail: 'no text' } });
    expect(assembleShcTexts([qr[1]])).toMatchObject({
      ok: false,
      error: { code: 'SHC_CHUNK_MISSING', detail: 'missing part(s) 1, 3 of 3' },
    });
    expect(assembleShcTexts([single, single])).toMatchObject({ ok: false, error: { code: 'SHC_CHUNK_INVALID' } });
    expect(assembleShcTexts([single, qr[0]])).toMatchObject({ ok: false, error: { code: 'SHC_CHUNK_INVALID' } });
    expect(assembleShcTexts([qr[0], 'shc:/1/3/567'])).toMatchObject({
      ok: false,
      error: { code: 'SHC_NUMERIC_INVALID' },
    });
  });
});

describe('every failure, with its code and check', () => {
  const failing = (qr: string[] | { jws: string }, code: string, check: string, o = opts) => {
    const r = Array.isArray(qr) ? inspectQr(qr, o) : inspectShc(qr, o);
    expect(r.valid).toBe(false);
    expect(r.errors).toContain(code);
    expect((r.checks as Record<string, boolean | null>)[check]).toBe(false);
    return r;
  };
  const good = () => signShc(issuer, VACCINATED());

  it('bad numeric text', () => {
    const [qr] = shcQr(issuer, VACCINATED());
    failing([`${qr}9`], 'SHC_NUMERIC_INVALID', 'numeric');
    failing([`${qr.slice(0, 5)}99${qr.slice(7)}`], 'SHC_NUMERIC_INVALID', 'numeric');
    failing([`${qr} `], 'SHC_NUMERIC_INVALID', 'numeric');
  });
  it('wrong prefix', () => {
    const [qr] = shcQr(issuer, VACCINATED());
    const r = inspectQr([qr.replace('shc:/', 'SHC:/')]);
    expect(r.errors).toEqual(['SHC_PREFIX_MISSING']);
    expect(r.checks.prefix).toBe(false);
  });
  it('not a compact JWS', () => {
    failing({ jws: 'abc.def' }, 'SHC_JWS_INVALID', 'jws');
    failing({ jws: `${good()}\n` }, 'SHC_JWS_INVALID', 'jws');
  });
  it('wrong header: alg, missing zip, missing kid, crit', () => {
    failing({ jws: signShc(issuer, VACCINATED(), { header: { alg: 'ES384' } }) }, 'SHC_HEADER_INVALID', 'jws');
    failing({ jws: signShc(issuer, VACCINATED(), { header: { zip: undefined } }) }, 'SHC_HEADER_INVALID', 'jws');
    failing({ jws: signShc(issuer, VACCINATED(), { header: { kid: undefined } }) }, 'SHC_HEADER_INVALID', 'jws');
    failing({ jws: signShc(issuer, VACCINATED(), { header: { crit: ['x'] } }) }, 'SHC_HEADER_INVALID', 'jws');
  });
  it('DER signature', () => {
    const r = failing({ jws: signShc(issuer, VACCINATED(), { der: true }) }, 'SHC_SIGNATURE_FORMAT', 'jws');
    expect(r.checks.signature).toBe(false);
  });
  it('wrong kid: another key of the same issuer, or a kid no trusted key has', () => {
    const second = makeShcIssuer();
    const both = trustOf('Japan', issuer, second);
    failing(
      { jws: signShc(issuer, VACCINATED(), { header: { kid: second.key.kid } }) },
      'SIGNATURE_INVALID',
      'signature',
      {
        at: NOW,
        issuers: both,
      },
    );
    failing(
      { jws: signShc(issuer, VACCINATED(), { header: { kid: 'x'.repeat(43) } }) },
      'SHC_KEY_UNKNOWN',
      'signature',
    );
  });
  it('unknown issuer, and a trusted key of another issuer', () => {
    failing({ jws: good() }, 'SHC_ISSUER_UNKNOWN', 'signature', { at: NOW, issuers: [] });
    const other = makeShcIssuer('https://other.example.org');
    const r = failing({ jws: signShc(other, VACCINATED()) }, 'SHC_KEY_UNKNOWN', 'signature', {
      at: NOW,
      issuers: [...ISSUERS, { iss: 'https://nobody.example', name: 'x', keys: [other.key] }],
    });
    expect(r.issuer).toBeUndefined();
  });
  it('a bundle key whose kid is not its thumbprint verifies nothing', () => {
    const forged = { ...issuer.key, x: makeShcIssuer().key.x };
    failing({ jws: good() }, 'SIGNATURE_INVALID', 'signature', {
      at: NOW,
      issuers: [{ iss: TEST_ISS, name: 'x', keys: [forged] }],
    });
  });
  it('nbf in the future (also nbf written in milliseconds) and expired', () => {
    failing({ jws: signShc(issuer, { ...VACCINATED(), nbf: NOW + 600 }) }, 'CERTIFICATE_NOT_YET_VALID', 'time');
    failing({ jws: signShc(issuer, { ...VACCINATED(), nbf: NOW * 1000 }) }, 'CERTIFICATE_NOT_YET_VALID', 'time');
    failing({ jws: signShc(issuer, { ...VACCINATED(), exp: NOW - 1 }) }, 'CERTIFICATE_EXPIRED', 'time');
    expect(inspectShc({ jws: signShc(issuer, { ...VACCINATED(), exp: NOW }) }, opts).valid).toBe(true);
  });
  it('signed outside the key validity', () => {
    const dated = makeShcIssuer(TEST_ISS, { notBefore: NOW - 100, notAfter: NOW + 100 });
    failing({ jws: signShc(dated, VACCINATED()) }, 'SIGNER_EXPIRED', 'time', { at: NOW, issuers: trustOf('x', dated) });
  });
  it('revoked rid, with and without a timestamp', () => {
    const revoked = makeShcIssuer(TEST_ISS, { revokedRids: ['AbC-_1', `old.${NOW - 3600}`] });
    const o = { at: NOW, issuers: trustOf('x', revoked) };
    const card = (rid: string, nbf = NOW - 86_400) => ({ jws: signShc(revoked, cardPayload([], { rid, nbf })) });
    expect(inspectShc(card('AbC-_1'), o).errors).toEqual(['CERTIFICATE_REVOKED']);
    expect(inspectShc(card('old'), o).errors).toEqual(['CERTIFICATE_REVOKED']);
    expect(inspectShc(card('old', NOW - 60), o).valid).toBe(true);
    expect(inspectShc(card('other'), o).valid).toBe(true);
    expect(isRidRevoked(['a.b'], 'a', 0)).toBe(false);
  });
  it('oversized inflate, trailing data, zlib instead of raw DEFLATE, not compressed', () => {
    failing(
      { jws: signShc(issuer, null, { compressed: bomb(MAX_SHC_INFLATED + 10) }) },
      'INFLATE_TOO_LARGE',
      'decompress',
    );
    failing({ jws: signShc(issuer, VACCINATED(), { compressed: withTrailing }) }, 'SHC_TRAILING_DATA', 'decompress');
    failing({ jws: signShc(issuer, VACCINATED(), { compressed: zlibInstead }) }, 'INFLATE_FAILED', 'decompress');
    failing({ jws: signShc(issuer, VACCINATED(), { compressed: (j) => j }) }, 'INFLATE_FAILED', 'decompress');
  });
  it('payload: not JSON, no health-card type, http or trailing-slash iss, no fhirBundle, bad rid', () => {
    failing({ jws: signShc(issuer, null, { payloadText: '{"iss":' }) }, 'SHC_PAYLOAD_INVALID', 'payload');
    const variants = [
      { ...VACCINATED(), vc: { ...(VACCINATED().vc as object), type: ['VerifiableCredential'] } },
      { ...VACCINATED(), iss: 'http://shc.example.jp/issuer' },
      { ...VACCINATED(), nbf: '1700000000' },
      cardPayload([], { rid: 'not a rid!' }),
      { iss: TEST_ISS, nbf: NOW - 10, vc: { type: ['https://smarthealth.cards#health-card'], credentialSubject: {} } },
    ];
    for (const p of variants) failing({ jws: signShc(issuer, p) }, 'SHC_PAYLOAD_INVALID', 'payload');
    const slash = makeShcIssuer(`${TEST_ISS}/`);
    failing({ jws: signShc(slash, { ...VACCINATED(), iss: `${TEST_ISS}/` }) }, 'SHC_PAYLOAD_INVALID', 'payload');
  });
  it('a tampered payload keeps its decoded contents in the report but fails the signature', () => {
    const [h, , s] = good().split('.');
    const other = signShc(issuer, TESTED()).split('.')[1];
    const r = failing({ jws: `${h}.${other}.${s}` }, 'SIGNATURE_INVALID', 'signature');
    expect(r.checks.payload).toBe(true);
    expect(r.claims.iss).toBe(TEST_ISS);
  });
});

describe('inspection: inputs, caps, claims and time', () => {
  const jwsOf = (payload: unknown, by = issuer) => signShc(by, payload);
  it('a QR input needs at least one text, each with the prefix; a bare JWS has neither check', () => {
    const empty = inspectQr([]);
    expect(empty.errors).toEqual(['SHC_PREFIX_MISSING']);
    expect(empty.checks.prefix).toBe(false);
    const [qr] = shcQr(issuer, VACCINATED());
    expect(inspectQr([qr, 'x']).errors).toEqual(['SHC_PREFIX_MISSING']);
    const viaQr = inspectQr([qr]);
    expect(viaQr.valid).toBe(true);
    expect(viaQr.checks).toEqual({
      prefix: true,
      numeric: true,
      jws: true,
      decompress: true,
      payload: true,
      signature: true,
      time: true,
    });
    // `cert inspect` prints the checks from this list: it must name every one, in order.
    expect(Object.keys(viaQr.checks)).toEqual([...SHC_CHECKS]);
    const bare = inspectShc({ jws: jwsOf(VACCINATED()) }, opts);
    expect(bare.valid).toBe(true);
    expect(bare.checks).toMatchObject({ prefix: null, numeric: null, signature: true, time: true });
    expect(bare).toMatchObject({ kid: issuer.key.kid, issuer: ISSUERS[0], claims: { iss: TEST_ISS } });
  });

  it('QR texts over 64 KiB in all are refused before they are read; a bare JWS over 32 KiB too', () => {
    // A first chunk one character too long (1192 JWS characters) tells "read" from "refused unread".
    const first = `shc:/1/2/${'00'.repeat(1192)}`;
    const filler = (total: number) => `shc:/${'x'.repeat(total - first.length - 5)}`;
    expect(inspectQr([first, filler(64 * 1024)]).errors).toEqual(['SHC_CHUNK_INVALID']);
    const over = inspectQr([first, filler(64 * 1024 + 1)]);
    expect(over.errors).toEqual(['SHC_NUMERIC_INVALID']);
    expect(over.checks.numeric).toBe(false);
    // A bare JWS of exactly 32 KiB is read (its payload is not DEFLATE); one character more is not.
    const head = toBase64Url(utf8(JSON.stringify({ zip: 'DEF', alg: 'ES256', kid: issuer.key.kid })));
    const sig = toBase64Url(new Uint8Array(64));
    const jwsOfLength = (n: number) => `${head}.${'A'.repeat(n - head.length - sig.length - 2)}.${sig}`;
    // Neither payload length may be one more than a multiple of 4 (no such base64url).
    const pad = (32 * 1024 - head.length - sig.length - 2) % 4;
    expect(pad === 2 || pad === 3).toBe(true);
    expect(inspectShc({ jws: jwsOfLength(32 * 1024) }, opts).errors[0]).toBe('INFLATE_FAILED');
    const long = inspectShc({ jws: jwsOfLength(32 * 1024 + 1) }, opts);
    expect(long.errors).toEqual(['SHC_JWS_INVALID']);
    expect(long.checks.jws).toBe(false);
  });

  it('claims show only what is well-typed: iss a string, nbf and exp finite numbers, rid a string', () => {
    const odd = { ...VACCINATED(), iss: 42, nbf: '1700000000', exp: null, vc: { rid: 7 } };
    const r = inspectShc({ jws: signShc(issuer, odd) }, opts);
    expect(r.claims).toEqual({});
    expect(r.checks.time).toBeNull();
    expect(r.errors).toEqual(['SHC_PAYLOAD_INVALID', 'SHC_ISSUER_UNKNOWN']);
    expect('rid' in r).toBe(false);
    const inf = inspectShc({ jws: signShc(issuer, null, { payloadText: `{"iss":"${TEST_ISS}","nbf":1e999}` }) }, opts);
    expect(inf.claims).toEqual({ iss: TEST_ISS });
    expect(inspectShc({ jws: signShc(issuer, null, { payloadText: '[1]' }) }, opts).payload).toBeNull();
    const withAll = inspectShc({ jws: jwsOf(cardPayload([], { rid: 'abc', nbf: NOW - 5, exp: NOW + 5 })) }, opts);
    expect(withAll).toMatchObject({ valid: true, rid: 'abc', claims: { iss: TEST_ISS, nbf: NOW - 5, exp: NOW + 5 } });
    const cert = verifyShc({ jws: jwsOf(cardPayload([], { rid: 'abc', nbf: NOW - 5.5, exp: NOW + 5.5 })) }, opts);
    expect(cert).toMatchObject({ ok: true, value: { rid: 'abc', issuedAt: NOW - 6, expiresAt: NOW + 5 } });
    const plain = verifyShc({ jws: jwsOf(cardPayload([])) }, opts);
    expect(plain.ok && ['rid' in plain.value, 'expiresAt' in plain.value]).toEqual([false, false]);
  });

  it('valid from nbf to exp inclusive; a clock that is not a number is never in the window', () => {
    const card = { jws: jwsOf({ ...VACCINATED(), nbf: NOW, exp: NOW + 10 }) };
    expect(inspectShc(card, { at: NOW, issuers: ISSUERS }).valid).toBe(true);
    expect(inspectShc(card, { at: NOW + 10, issuers: ISSUERS }).valid).toBe(true);
    expect(inspectShc(card, { at: NOW - 1, issuers: ISSUERS }).errors).toEqual(['CERTIFICATE_NOT_YET_VALID']);
    expect(inspectShc(card, { at: NOW + 11, issuers: ISSUERS }).errors).toEqual(['CERTIFICATE_EXPIRED']);
    const nan = inspectShc(card, { at: Number.NaN, issuers: ISSUERS });
    expect(nan.errors).toEqual(['CERTIFICATE_NOT_YET_VALID']);
    expect(nan.checks.time).toBe(false);
  });

  it('the key must have been valid at nbf, bounds included, each bound alone too', () => {
    const signedAt = (key: Record<string, number>, nbf = NOW - 100) => {
      const k = makeShcIssuer(TEST_ISS, key);
      return inspectShc({ jws: jwsOf({ ...VACCINATED(), nbf }, k) }, { at: NOW, issuers: trustOf('x', k) }).errors;
    };
    expect(signedAt({ notBefore: NOW - 100, notAfter: NOW - 100 + 1 })).toEqual([]);
    expect(signedAt({ notBefore: NOW - 101, notAfter: NOW - 100 })).toEqual([]);
    expect(signedAt({ notBefore: NOW - 99 })).toEqual(['SIGNER_EXPIRED']);
    expect(signedAt({ notAfter: NOW - 101 })).toEqual(['SIGNER_EXPIRED']);
    expect(signedAt({ notBefore: NOW - 200 })).toEqual([]);
    expect(signedAt({ notAfter: NOW })).toEqual([]);
    // Expired and signed outside the key's window: both are reported.
    const k = makeShcIssuer(TEST_ISS, { notAfter: NOW - 200 });
    const late = { jws: jwsOf({ ...VACCINATED(), nbf: NOW - 100, exp: NOW - 50 }, k) };
    expect(inspectShc(late, { at: NOW, issuers: trustOf('x', k) }).errors).toEqual([
      'CERTIFICATE_EXPIRED',
      'SIGNER_EXPIRED',
    ]);
  });

  it('a revoked rid counts only for a card its key verified', () => {
    const revoking = makeShcIssuer(TEST_ISS, { revokedRids: ['gone'] });
    const forged = signShc(issuer, cardPayload([], { rid: 'gone' }), { header: { kid: revoking.key.kid } });
    const o = { at: NOW, issuers: trustOf('x', revoking) };
    expect(inspectShc({ jws: forged }, o).errors).toEqual(['SIGNATURE_INVALID']);
    const real = inspectShc({ jws: signShc(revoking, cardPayload([], { rid: 'gone' })) }, o);
    expect(real).toMatchObject({ valid: false, errors: ['CERTIFICATE_REVOKED'], rid: 'gone' });
    expect(real.checks.time).toBe(true);
  });
});

describe('inspection: the signature', () => {
  const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const o = (key: object) => ({ at: NOW, issuers: [{ iss: TEST_ISS, name: 'x', keys: [{ ...issuer.key, ...key }] }] });

  it('accepts a high-S signature as issued (JWS ES256 does not require low S)', () => {
    const [h, p, s] = signShc(issuer, VACCINATED()).split('.');
    const sig = Buffer.from(s, 'base64url');
    const sValue = BigInt(`0x${sig.subarray(32).toString('hex')}`);
    const flipped = Buffer.from((N - sValue).toString(16).padStart(64, '0'), 'hex');
    const other = toBase64Url(new Uint8Array(Buffer.concat([sig.subarray(0, 32), flipped])));
    expect(inspectShc({ jws: `${h}.${p}.${s}` }, opts).valid).toBe(true);
    expect(inspectShc({ jws: `${h}.${p}.${other}` }, opts).valid).toBe(true);
  });

  it('a key that is not a P-256 point, or not 32-byte coordinates, verifies nothing', () => {
    const withKid = (x: string, y: string) => {
      const kid = jwkThumbprint(x, y);
      const signed = signShc(issuer, VACCINATED(), { header: { kid } });
      return inspectShc({ jws: signed }, o({ kid, x, y })).errors;
    };
    expect(withKid(issuer.key.x, issuer.key.x)).toEqual(['SIGNATURE_INVALID']);
    expect(withKid(issuer.key.x.slice(0, 42), issuer.key.y)).toEqual(['SIGNATURE_INVALID']);
    expect(withKid(issuer.key.x, issuer.key.y.slice(0, 42))).toEqual(['SIGNATURE_INVALID']);
    expect(withKid(`${issuer.key.x}AAAA`, issuer.key.y)).toEqual(['SIGNATURE_INVALID']);
    expect(withKid(issuer.key.x, `${issuer.key.y}AAAA`)).toEqual(['SIGNATURE_INVALID']);
    expect(withKid(issuer.key.x, issuer.key.y)).toEqual([]);
  });

  it('the kid picks the key among the issuer’s keys; a DER signature never verifies', () => {
    const second = makeShcIssuer();
    const both = { at: NOW, issuers: trustOf('Japan', second, issuer) };
    expect(inspectShc({ jws: signShc(issuer, VACCINATED()) }, both)).toMatchObject({
      valid: true,
      kid: issuer.key.kid,
    });
    expect(inspectShc({ jws: signShc(second, VACCINATED()) }, both)).toMatchObject({
      valid: true,
      kid: second.key.kid,
    });
    const der = inspectShc({ jws: signShc(issuer, VACCINATED(), { der: true }) }, both);
    expect(der.errors).toEqual(['SHC_SIGNATURE_FORMAT', 'SIGNATURE_INVALID']);
    // A header without a usable kid names no key, even if the issuer has just one.
    const noKid = inspectShc({ jws: signShc(issuer, VACCINATED(), { header: { kid: 'a.b' } }) }, opts);
    expect(noKid.errors).toEqual(['SHC_HEADER_INVALID', 'SHC_KEY_UNKNOWN']);
  });

  it('verifyShc gives the certificate, or the first error with all of them in the detail', () => {
    const good = verifyShc(shcInputOf(shcQr(issuer, VACCINATED())[0]), opts);
    expect(good).toMatchObject({
      ok: true,
      value: { iss: TEST_ISS, kid: issuer.key.kid, issuerName: 'Digital Agency of Japan' },
    });
    const bad = verifyShc({ jws: signShc(issuer, { ...VACCINATED(), nbf: NOW + 60 }, { der: true }) }, opts);
    expect(bad).toEqual({
      ok: false,
      error: {
        code: 'SHC_SIGNATURE_FORMAT',
        detail: 'SHC_SIGNATURE_FORMAT SIGNATURE_INVALID CERTIFICATE_NOT_YET_VALID',
      },
    });
    const revoked = makeShcIssuer(TEST_ISS, { revokedRids: ['r1'] });
    expect(
      verifyShc({ jws: signShc(revoked, cardPayload([], { rid: 'r1' })) }, { at: NOW, issuers: trustOf('x', revoked) }),
    ).toEqual({ ok: false, error: { code: 'CERTIFICATE_REVOKED', detail: 'CERTIFICATE_REVOKED' } });
  });

  it('reads a pasted text: `shc:/` lines (LF or CRLF) are QR texts, anything else a bare JWS', () => {
    expect(shcInputOf('shc:/1/2/56\r\nshc:/2/2/76')).toEqual({ qr: ['shc:/1/2/56', 'shc:/2/2/76'] });
    expect(shcInputOf('shc:/1/2/56\nshc:/2/2/76')).toEqual({ qr: ['shc:/1/2/56', 'shc:/2/2/76'] });
    expect(shcInputOf('eyJ.a.b')).toEqual({ jws: 'eyJ.a.b' });
    expect(shcInputOf(' shc:/56')).toEqual({ jws: ' shc:/56' });
  });
});

describe('payload and revocation rules', () => {
  it('iss is an https URL with a host; the first schema problem is named with its path', () => {
    const iss = (value: string) => parseShcPayload({ ...VACCINATED(), iss: value });
    expect(iss('https://a').ok).toBe(true);
    expect(iss('https://')).toEqual({ ok: false, detail: 'iss: iss must be an https URL' });
    expect(iss('https://a/')).toEqual({ ok: false, detail: 'iss: iss must not end with /' });
    expect(parseShcPayload(null)).toMatchObject({ ok: false, detail: expect.stringMatching(/^\(root\): /) });
    const types = parseShcPayload({ ...VACCINATED(), vc: { ...(VACCINATED().vc as object), type: ['x'] } });
    expect(types).toEqual({ ok: false, detail: 'vc.type: vc.type must include https://smarthealth.cards#health-card' });
  });

  it('fhirVersion is x.y.z of any number of digits, and nothing else', () => {
    const vc = VACCINATED().vc as { credentialSubject: object };
    const fhirVersion = (value: string) =>
      parseShcPayload({
        ...VACCINATED(),
        vc: { ...vc, credentialSubject: { ...vc.credentialSubject, fhirVersion: value } },
      }).ok;
    for (const ok of ['4.0.1', '10.10.10']) expect(fhirVersion(ok), ok).toBe(true);
    for (const bad of ['v4.0.1', '4.0.1-ballot', '4.0', '4x0x1']) expect(fhirVersion(bad), bad).toBe(false);
  });

  it('a rid entry revokes that rid only, and with a timestamp only cards issued before it', () => {
    expect(isRidRevoked(undefined, 'a', 0)).toBe(false);
    expect(isRidRevoked(['a'], undefined, 0)).toBe(false);
    expect(isRidRevoked(['b', 'a'], 'a', 0)).toBe(true);
    expect(isRidRevoked(['ab'], 'a', 0)).toBe(false);
    expect(isRidRevoked(['a.100'], 'a', 99.5)).toBe(true);
    expect(isRidRevoked(['a.100'], 'a', 100)).toBe(false);
    expect(isRidRevoked(['a.100', 'a'], 'a', 200)).toBe(true);
    // A malformed entry revokes nothing, even a rid it starts with.
    expect(isRidRevoked(['a b', 'a.', 'a.x', `a.${'1'.repeat(13)}`], 'a', 0)).toBe(false);
    expect(isRidEntry('a.123456789012')).toBe(true);
    expect(isRidEntry('a.1234567890123')).toBe(false);
  });
});

describe('the compact JWS', () => {
  const b64 = (text: string) => toBase64Url(utf8(text));
  const header = (h: unknown) => b64(typeof h === 'string' ? h : JSON.stringify(h));
  const good = { zip: 'DEF', alg: 'ES256', kid: issuer.key.kid };
  const sig64 = toBase64Url(new Uint8Array(64).fill(7));
  const parse = (h: string, sig = sig64) => parseShcJws(`${h}.${b64('body')}.${sig}`);
  const headerProblem = (h: unknown) => {
    const r = parse(header(h));
    return r.ok ? (r.value.headerProblem ?? 'none') : `refused: ${r.detail}`;
  };

  it('is three base64url parts; anything else is refused before any work', () => {
    expect(parseShcJws('abc.def')).toEqual({ ok: false, detail: 'not three base64url parts' });
    expect(parseShcJws(`${header(good)}.${b64('x')}.${sig64}.x`).ok).toBe(false);
    expect(parseShcJws(`${header(good)}..${sig64}`).ok).toBe(false);
    expect(parseShcJws(`${header(good)}.a+b.${sig64}`).ok).toBe(false);
    expect(parseShcJws(` ${header(good)}.${b64('x')}.${sig64}`).ok).toBe(false);
    // Five base64url characters cannot be whole bytes.
    expect(parseShcJws(`${header(good)}.abcde.${sig64}`)).toEqual({
      ok: false,
      detail: 'payload or signature is not base64url',
    });
    expect(parseShcJws(`${header(good)}.${b64('x')}.abcde`).ok).toBe(false);
  });

  it('a good header gives its kid, the payload bytes and what was signed', () => {
    const r = parse(header(good));
    // Exactly these members: no problem is even named when there is none.
    expect(r.ok && r.value).toStrictEqual({
      header: good,
      kid: issuer.key.kid,
      payload: utf8('body'),
      signature: new Uint8Array(64).fill(7),
      signingInput: utf8(`${header(good)}.${b64('body')}`),
    });
  });

  it('names the header’s problem: not an object, alg, zip, kid, crit', () => {
    for (const h of ['[1]', 'null', '"ES256"', '{"alg":', '7'])
      expect(headerProblem(h), h).toBe('header is not a JSON object');
    // Nor are five base64url characters (not whole bytes), nor bytes that are not UTF-8.
    const partial = parseShcJws(`abcde.${b64('x')}.${sig64}`);
    expect(partial.ok && partial.value.headerProblem).toBe('header is not a JSON object');
    const bytes = parseShcJws(`${toBase64Url(Uint8Array.of(0xff, 0xfe))}.${b64('x')}.${sig64}`);
    expect(bytes.ok && bytes.value.header).toBeNull();
    expect(headerProblem({ ...good, alg: 'ES384' })).toBe('alg "ES384", not ES256');
    expect(headerProblem({ ...good, alg: undefined })).toBe('alg null, not ES256');
    expect(headerProblem({ ...good, zip: 'GZIP' })).toBe('zip "GZIP", not DEF');
    expect(headerProblem({ ...good, zip: undefined })).toBe('zip null, not DEF');
    expect(headerProblem({ ...good, kid: undefined })).toBe('no usable kid');
    expect(headerProblem({ ...good, kid: 42 })).toBe('no usable kid');
    expect(headerProblem({ ...good, kid: '' })).toBe('no usable kid');
    expect(headerProblem({ ...good, kid: 'a'.repeat(65) })).toBe('no usable kid');
    expect(headerProblem({ ...good, kid: 'a.b' })).toBe('no usable kid');
    expect(headerProblem({ ...good, kid: 'a'.repeat(64) })).toBe('none');
    expect(headerProblem({ ...good, crit: ['b64'] })).toBe('critical header parameters');
    expect(headerProblem({ ...good, typ: 'JWT' })).toBe('none');
    const noKid = parse(header({ ...good, kid: 'a.b' }));
    expect(noKid.ok && 'kid' in noKid.value).toBe(false);
  });

  it('the signature is the 64-byte r‖s; DER and other lengths are named', () => {
    const problem = (sig: Uint8Array) => {
      const r = parse(header(good), toBase64Url(sig));
      return r.ok ? (r.value.signatureProblem ?? 'none') : 'refused';
    };
    expect(problem(new Uint8Array(64))).toBe('none');
    expect(problem(new Uint8Array(63))).toBe('signature of 63 bytes, not 64');
    expect(problem(new Uint8Array(65))).toBe('signature of 65 bytes, not 64');
    const der = Uint8Array.of(0x30, 6, 0x02, 1, 9, 0x02, 1, 9);
    expect(problem(der)).toBe('DER-encoded signature; ES256 in JWS is the 64-byte r‖s');
  });

  it('recognises a DER ECDSA-Sig-Value only when its lengths span it exactly', () => {
    expect(isDerSignature(Uint8Array.of(0x30, 6, 0x02, 1, 9, 0x02, 1, 9))).toBe(true);
    // An empty s still spans the whole: the shortest shape with both INTEGER tags.
    expect(isDerSignature(Uint8Array.of(0x30, 6, 0x02, 2, 9, 9, 0x02, 0))).toBe(true);
    const node = Buffer.from(signShc(issuer, VACCINATED(), { der: true }).split('.')[2], 'base64url');
    expect(isDerSignature(new Uint8Array(node))).toBe(true);
    for (const bad of [
      [0x30, 5, 0x02, 1, 9, 0x02, 0],
      [0x31, 6, 0x02, 1, 9, 0x02, 1, 9],
      [0x30, 7, 0x02, 1, 9, 0x02, 1, 9],
      [0x30, 5, 0x02, 1, 9, 0x02, 1, 9],
      [0x30, 6, 0x03, 1, 9, 0x02, 1, 9],
      [0x30, 6, 0x02, 1, 9, 0x03, 1, 9],
      [0x30, 6, 0x02, 5, 9, 0x02, 1, 9],
      [0x30, 6, 0x02, 1, 9, 0x02, 2, 9],
      [0x30, 6, 0x02, 1, 9, 0x02, 0, 9],
      [0x30, 6, 0x02, 3, 9, 9, 9, 0x02],
    ]) {
      expect(isDerSignature(Uint8Array.from(bad)), bad.join(' ')).toBe(false);
    }
  });
});

describe('pieces', () => {
  it('RFC 7638 thumbprint of the RFC 7638 §3.1 example is not applicable to EC; our kid equals node’s JWK thumbprint', () => {
    // The JWKS of test/vectors/shc lists the spec issuer's key with its thumbprint as kid.
    expect(
      jwkThumbprint('11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw', 'eZXwxvO1hvCY0KucrPfKo7yAyMT6Ajc3N7OkAB6VYy8'),
    ).toBe('3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s');
  });
  it('raw inflate: empty and truncated streams fail, a whole one passes', () => {
    expect(inflateRawCapped(new Uint8Array()).ok).toBe(false);
    const jws = signShc(issuer, VACCINATED());
    const body = jws.split('.')[1];
    expect(toBase64Url(utf8('x')).length).toBe(2);
    const bytes = Buffer.from(body, 'base64url');
    expect(inflateRawCapped(new Uint8Array(bytes)).ok).toBe(true);
    expect(inflateRawCapped(new Uint8Array(bytes.subarray(0, bytes.length - 1))).ok).toBe(false);
  });
  it('raw inflate: the cap is the largest output allowed; a stream of many slices ends exactly at its last byte', () => {
    const json = utf8(JSON.stringify(VACCINATED()));
    const small = new Uint8Array(deflateRawSync(json));
    expect(inflateRawCapped(small, json.length)).toEqual({ ok: true, bytes: json });
    expect(inflateRawCapped(small, json.length - 1)).toEqual({
      ok: false,
      code: 'INFLATE_TOO_LARGE',
      detail: `more than ${json.length - 1} bytes`,
    });
    expect(inflateRawCapped(new Uint8Array())).toEqual({ ok: false, code: 'INFLATE_FAILED', detail: 'empty' });
    expect(inflateRawCapped(Uint8Array.of(0xff, 0xff))).toEqual({
      ok: false,
      code: 'INFLATE_FAILED',
      detail: 'invalid block type',
    });
    // Random letters barely compress: the stream spans several 256-byte slices.
    const text = utf8(JSON.stringify(bigPayload(2000)));
    const big = new Uint8Array(deflateRawSync(text));
    expect(big.length).toBeGreaterThan(3 * 256);
    expect(inflateRawCapped(big)).toEqual({ ok: true, bytes: text });
    expect(inflateRawCapped(big.subarray(0, 600))).toMatchObject({ ok: false, code: 'INFLATE_FAILED' });
    expect(inflateRawCapped(big.subarray(0, 256))).toMatchObject({ ok: false, code: 'INFLATE_FAILED' });
    for (const extra of [[0], [3, 0], [1, 0, 0, 0xff, 0xff]]) {
      expect(inflateRawCapped(Uint8Array.from([...big, ...extra]))).toEqual({
        ok: false,
        code: 'SHC_TRAILING_DATA',
        detail: 'bytes after the final block',
      });
    }
    // A stream of exactly two slices (a 507-byte stored block is 512 bytes) is pushed once, its end once.
    const twoSlices = new Uint8Array(deflateRawSync(text.subarray(0, 507), { level: 0 }));
    expect(twoSlices.length).toBe(2 * 256);
    expect(inflateRawCapped(twoSlices)).toEqual({ ok: true, bytes: text.subarray(0, 507) });
    // Stored blocks (no compression) end on a byte boundary too.
    const stored = new Uint8Array(deflateRawSync(text, { level: 0 }));
    expect(inflateRawCapped(stored)).toEqual({ ok: true, bytes: text });
    expect(inflateRawCapped(Uint8Array.from([...stored, 0])).ok).toBe(false);
  });
});

describe('the app’s scan classifier', () => {
  it('classifies a shc:/ text (one QR or a chunk) for the import screen, and refuses an oversized one', () => {
    const text = shcQr(issuer, VACCINATED())[0];
    expect(parseScanned(text)).toEqual({ ok: true, value: { kind: 'shc', text } });
    const chunk = shcQr(issuer, bigPayload(2000))[1];
    expect(parseScanned(chunk)).toEqual({ ok: true, value: { kind: 'shc', text: chunk } });
    const r = parseScanned(`shc:/${'1'.repeat(7200)}`);
    expect(!r.ok && r.error.code).toBe('INPUT_TOO_LARGE');
  });
});
