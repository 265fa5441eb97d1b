/** SMART Health Cards made by test/support/shc-sign.ts: valid cards and every way the pipeline refuses one. */
import { describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../../../src/core/bytes';
import { parseScanned } from '../../../src/core/qr-link';
import {
  addShcChunk,
  fromShcDigits,
  inflateRawCapped,
  inspectShc,
  isRidRevoked,
  jwkThumbprint,
  MAX_SHC_INFLATED,
  parseShcChunk,
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
