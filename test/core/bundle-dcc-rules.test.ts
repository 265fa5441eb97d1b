/**
 * The bundle's DCC section (core/bundle-dcc.ts) — trusted Document Signers, revocation lists, value sets and
 * EU business rules — is checked like everything else a phone accepts: a signer key of the wrong shape, a
 * revocation entry that is not a hash prefix, a rule that is not valid CertLogic, nests too deep, or is shaped
 * otherwise than the EU format, and value sets past their caps, make the whole bundle fail verification —
 * phones keep the one they have. Each bound is pushed to its edge: accepted on it, refused one past it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BundlePayload, signBundle, verifyBundle } from '../../src/core/bundle';
import {
  MAX_DCC_RULES,
  MAX_DCC_VALUE_CODES_TOTAL,
  MAX_DCC_VALUE_SET_CODES,
  MAX_DCC_VALUE_SETS,
} from '../../src/core/bundle-dcc';
import type { DccSigner } from '../../src/core/dcc';
import type { Result } from '../../src/core/errors';
import { MAX_LOGIC_DEPTH } from '../../src/core/rule-logic';
import { anchor, makeBundlePayload, root } from '../support/authority';
import { makeSigner } from '../support/dcc-sign';

const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);
const rules = JSON.parse(
  readFileSync(join(__dirname, '../vectors/eu-dcc-rules/ID-all.json'), 'utf8'),
) as BundlePayload['dccRules'] extends infer R ? (R extends { rules: infer L } ? L : never) : never;
const [rule] = rules;
const verify = (extra: Record<string, unknown>) =>
  code(verifyBundle(signBundle({ ...makeBundlePayload(), ...extra } as BundlePayload, [root.secretKey]), anchor));
const withRule = (patch: Record<string, unknown>) =>
  verify({ dccRules: { country: 'ID', rules: [{ ...rule, ...patch }] } });
const deep = (n: number): unknown => (n === 0 ? true : { and: [deep(n - 1), true] });
const es256 = makeSigner('ES256').signer;
const ps256 = makeSigner('PS256').signer;
const withSigner = (patch: Record<string, unknown>, signer: DccSigner = es256) =>
  verify({ dccSigners: [{ ...signer, ...patch }] });
const withKey = (patch: Record<string, unknown>, signer: DccSigner = es256) =>
  withSigner({ key: { ...signer.key, ...patch } }, signer);

describe('EU rules and value sets in the bundle', () => {
  it('carries the EU rules of test/vectors/eu-dcc-rules and value sets as they are', () => {
    const r = verifyBundle(
      signBundle(
        {
          ...makeBundlePayload(),
          dccRules: { country: 'ID', rules },
          dccValueSets: { 'vaccines-covid-19-names': { 'EU/1/20/1528': 'Comirnaty' } },
        },
        [root.secretKey],
      ),
      anchor,
    );
    expect(r.ok && r.value.payload.dccRules?.rules.length).toBe(rules.length);
    expect(r.ok && r.value.payload.dccValueSets?.['vaccines-covid-19-names']['EU/1/20/1528']).toBe('Comirnaty');
  });

  it('refuses a rule whose Logic is not valid CertLogic, or nests too deep', () => {
    expect(withRule({ Logic: { frobnicate: [1] } })).toBe('PAYLOAD_INVALID');
    expect(withRule({ Logic: { if: [true] } })).toBe('PAYLOAD_INVALID');
    expect(withRule({ Logic: deep(MAX_LOGIC_DEPTH) })).toBe('PAYLOAD_INVALID');
    expect(withRule({ Logic: deep(10) })).toBe('ok');
    // An operator object and its operand list are a level each: deep(32) is exactly MAX_LOGIC_DEPTH deep.
    expect(withRule({ Logic: deep(MAX_LOGIC_DEPTH / 2) })).toBe('ok');
    expect(withRule({ Logic: deep(MAX_LOGIC_DEPTH / 2 + 1) })).toBe('PAYLOAD_INVALID');
  });

  it('refuses a rule shaped otherwise than the EU format', () => {
    expect(withRule({ Identifier: 'XX-ID-0001' })).not.toBe('ok');
    expect(withRule({ Engine: 'JSONLOGIC' })).not.toBe('ok');
    expect(withRule({ Engine: 'CertLogic' })).toBe('ok');
    expect(withRule({ CertificateType: 'Vaccine' })).not.toBe('ok');
    expect(withRule({ ValidFrom: '2021-06-01' })).not.toBe('ok');
    expect(withRule({ ValidTo: '2021-05-01T00:00:00Z' })).not.toBe('ok');
    expect(withRule({ Description: [] })).not.toBe('ok');
    expect(withRule({ Description: [{ lang: 'en', desc: 'right\u202Eto left' }] })).not.toBe('ok');
    expect(withRule({ Description: [{ lang: 'en', desc: 'x'.repeat(1001) }] })).not.toBe('ok');
    expect(withRule({ Extra: true })).not.toBe('ok');
    expect(verify({ dccRules: { country: 'ID', rules: Array(MAX_DCC_RULES + 1).fill(rule) } })).not.toBe('ok');
    // A rule in force for no time at all is a mistake, not a rule.
    expect(withRule({ ValidFrom: rule.ValidTo })).toBe('PAYLOAD_INVALID');
  });

  it('reads Version, SchemaVersion and EngineVersion as 1–4 digit major.minor.patch, nothing around them', () => {
    for (const field of ['Version', 'SchemaVersion', 'EngineVersion']) {
      for (const ok of ['1.10.0', '10.0.0', '1.0.10', '9999.9999.9999']) {
        expect(withRule({ [field]: ok }), `${field} ${ok}`).toBe('ok');
      }
      for (const bad of ['v1.0.0', '1.0.0-rc1', '1.0.0.0', '1.0', '12345.0.0', '1.0.12345', '1.a.0']) {
        expect(withRule({ [field]: bad }), `${field} ${bad}`).toBe('PAYLOAD_INVALID');
      }
    }
  });

  it('reads ValidFrom and ValidTo as the gateway writes them: seconds, 1–3 fraction digits, Z or ±hh:mm', () => {
    for (const field of ['ValidFrom', 'ValidTo']) {
      const year = field === 'ValidFrom' ? '2021' : '2031';
      for (const ok of ['-07-01T00:00:00.123+07:00', '-07-01T00:00:00.12Z', '-07-01T00:00:00.5-03:30']) {
        expect(withRule({ [field]: year + ok }), `${field} ${year}${ok}`).toBe('ok');
      }
      // Each of these Date.parse reads, so only the pattern tells them from the EU format.
      for (const bad of [
        `+00${year}-07-01T00:00:00Z`,
        '-07-01T00:00:00.1234Z',
        '-07-01T00:00:00+0700',
        '-07-01T00:00:00z',
        '-07-01T00:00:00',
        '-07-01T00:00Z',
        '-07-01',
      ]) {
        const value = bad.startsWith('+') ? bad : year + bad;
        expect(Number.isNaN(Date.parse(value)), value).toBe(false);
        expect(withRule({ [field]: value }), `${field} ${value}`).toBe('PAYLOAD_INVALID');
      }
      for (const bad of ['-07-01T00:00:00+7:00', '-07-01T00:00:00+07:0', '-07-01T00:00:00Z ', '-07-01T00:00:00 Z']) {
        expect(withRule({ [field]: year + bad }), `${field} ${year}${bad}`).toBe('PAYLOAD_INVALID');
      }
    }
    // The offset counts: midnight at +07:00 is 17:00 UTC the day before (before 18:00Z), at -07:00 07:00 UTC.
    expect(withRule({ ValidFrom: '2021-07-01T00:00:00+07:00', ValidTo: '2021-06-30T18:00:00Z' })).toBe('ok');
    expect(withRule({ ValidFrom: '2021-07-01T00:00:00-07:00', ValidTo: '2021-06-30T18:00:00Z' })).toBe(
      'PAYLOAD_INVALID',
    );
  });

  it('reads an Identifier, Type, Country and language exactly as the EU gateway spells them', () => {
    for (const id of ['GR-ID-0001', 'VR-ID-0002', 'TR-DE-0003', 'RR-FR-9999', 'IR-ID-0000']) {
      expect(withRule({ Identifier: id }), id).toBe('ok');
    }
    for (const id of ['VR-ID-00011', 'EU-VR-ID-0001', 'VR-IDN-0001', 'VR-I-0001', 'vr-ID-0001', 'VR-ID-001']) {
      expect(withRule({ Identifier: id }), id).toBe('PAYLOAD_INVALID');
    }
    for (const type of ['Acceptance', 'Invalidation']) expect(withRule({ Type: type }), type).toBe('ok');
    for (const type of ['General', 'Test', 'Vaccination', 'Recovery']) {
      expect(withRule({ CertificateType: type }), type).toBe('ok');
    }
    for (const country of ['IDN', 'id', 'I', ' ID']) {
      expect(withRule({ Country: country }), country).toBe('PAYLOAD_INVALID');
      expect(verify({ dccRules: { country, rules: [rule] } }), country).toBe('PAYLOAD_INVALID');
    }
    const described = (lang: string) => withRule({ Description: [{ lang, desc: 'Harus COVID-19.' }] });
    expect(described('id')).toBe('ok');
    for (const lang of ['ind', 'ID', 'i', 'id-ID']) expect(described(lang), lang).toBe('PAYLOAD_INVALID');
  });

  it('refuses a DCC signer whose validity ends before it starts; either end alone is fine', () => {
    expect(withSigner({ notBefore: 1000, notAfter: 1001 })).toBe('ok');
    expect(withSigner({ notBefore: 1000 })).toBe('ok');
    expect(withSigner({ notAfter: 1000 })).toBe('ok');
    expect(withSigner({ notBefore: 1000, notAfter: 1000 })).toBe('PAYLOAD_INVALID');
    expect(withSigner({ notBefore: 1001, notAfter: 1000 })).toBe('PAYLOAD_INVALID');
  });

  it('refuses a value-set flood: too many sets, codes per set, or overlong names', () => {
    const codes = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`C${i}`, `name ${i}`]));
    expect(verify({ dccValueSets: { a: codes(MAX_DCC_VALUE_SET_CODES) } })).toBe('ok');
    expect(verify({ dccValueSets: { a: codes(MAX_DCC_VALUE_SET_CODES + 1) } })).toBe('PAYLOAD_INVALID');
    const sets = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`set-${i}`, codes(1)]));
    expect(verify({ dccValueSets: sets(MAX_DCC_VALUE_SETS) })).toBe('ok');
    expect(verify({ dccValueSets: sets(MAX_DCC_VALUE_SETS + 1) })).toBe('PAYLOAD_INVALID');
    const many = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`set-${i}`, codes(MAX_DCC_VALUE_SET_CODES)]));
    expect(verify({ dccValueSets: many })).toBe('PAYLOAD_INVALID');
    // The total cap holds exactly: 8000 codes in all, and one more.
    const full = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`set-${i}`, codes(MAX_DCC_VALUE_SET_CODES)]));
    expect(Object.values(full).reduce((n, set) => n + Object.keys(set).length, 0)).toBe(MAX_DCC_VALUE_CODES_TOTAL);
    expect(verify({ dccValueSets: full })).toBe('ok');
    expect(verify({ dccValueSets: { ...full, extra: codes(1) } })).toBe('PAYLOAD_INVALID');
    // A code is matched as written: one with surrounding spaces would never match a DCC's.
    expect(verify({ dccValueSets: { a: { ' C': 'n' } } })).toBe('PAYLOAD_INVALID');
    expect(verify({ dccValueSets: { a: { 'C ': 'n' } } })).toBe('PAYLOAD_INVALID');
    expect(verify({ dccValueSets: { a: { C: 'n'.repeat(201) } } })).not.toBe('ok');
    expect(verify({ dccValueSets: { a: { C: 'bidi \u202E name' } } })).not.toBe('ok');
    expect(verify({ dccValueSets: { 'Not An Id': { C: 'n' } } })).not.toBe('ok');
    // A set id is the EU `valueSetId`: lower case, digits and dashes, at most 64 characters.
    expect(verify({ dccValueSets: { [`0${'a-'.repeat(31)}b`]: { C: 'n' } } })).toBe('ok');
    for (const id of [`a${'b'.repeat(64)}`, '-vaccines', 'vaccines_names', 'vaccines-Names']) {
      expect(verify({ dccValueSets: { [id]: { C: 'n' } } }), id).toBe('PAYLOAD_INVALID');
    }
  });
});

describe('DCC signers and revocations in the bundle', () => {
  it('carries ES256 and PS256 signers, with the DCC types each may sign, unchanged', () => {
    const dccSigners = [
      { ...es256, usages: ['t', 'v', 'r'] },
      { ...ps256, usages: ['v'] },
    ];
    const r = verifyBundle(
      signBundle({ ...makeBundlePayload(), dccSigners } as BundlePayload, [root.secretKey]),
      anchor,
    );
    expect(r.ok && r.value.payload.dccSigners).toEqual(dccSigners);
  });

  it('refuses an EC key that is not P-256, or whose x or y is not 32 bytes of unpadded base64url', () => {
    const ec = es256.key as { x: string; y: string };
    expect(withKey({})).toBe('ok');
    expect(withKey({ kty: 'ec' })).toBe('PAYLOAD_INVALID');
    expect(withKey({ crv: 'P-384' })).toBe('PAYLOAD_INVALID');
    for (const c of ['x', 'y'] as const) {
      const coordinate = ec[c];
      expect(withKey({ [c]: coordinate.slice(1) }), c).toBe('PAYLOAD_INVALID');
      expect(withKey({ [c]: `${coordinate}A` }), c).toBe('PAYLOAD_TOO_LONG');
      // Standard base64 or padding instead of base64url: the key would decode to other bytes, or not at all.
      expect(withKey({ [c]: `+${coordinate.slice(1)}` }), c).toBe('PAYLOAD_INVALID');
      expect(withKey({ [c]: `${coordinate.slice(1)}/` }), c).toBe('PAYLOAD_INVALID');
      expect(withKey({ [c]: `${coordinate.slice(1)}=` }), c).toBe('PAYLOAD_INVALID');
    }
    // A private key has no place in a bundle every phone downloads.
    expect(withKey({ d: ec.x })).toBe('PAYLOAD_UNKNOWN_FIELD');
  });

  it('refuses an RSA key under 2048 or over 8192 bits, or whose exponent is not 1–4 bytes', () => {
    const { n } = ps256.key as { n: string };
    expect(n).toHaveLength(342);
    expect(withKey({}, ps256)).toBe('ok');
    expect(withKey({ n: n.slice(1) }, ps256)).toBe('PAYLOAD_INVALID');
    expect(withKey({ n: `+${n.slice(1)}` }, ps256)).toBe('PAYLOAD_INVALID');
    expect(withKey({ n: 'A'.repeat(1366) }, ps256)).toBe('ok');
    expect(withKey({ n: 'A'.repeat(1367) }, ps256)).toBe('PAYLOAD_TOO_LONG');
    for (const e of ['AQ', 'AQAB', 'AQABAQ']) expect(withKey({ e }, ps256), e).toBe('ok');
    expect(withKey({ e: 'A' }, ps256)).toBe('PAYLOAD_INVALID');
    expect(withKey({ e: 'AQABAQA' }, ps256)).toBe('PAYLOAD_TOO_LONG');
    expect(withKey({ e: 'AQA=' }, ps256)).toBe('PAYLOAD_INVALID');
  });

  it('refuses a signer whose alg does not fit its key: ES256 over an RSA key, PS256 over an EC key', () => {
    expect(withSigner({ alg: 'PS256' })).toBe('PAYLOAD_INVALID');
    expect(withSigner({ alg: 'ES256' }, ps256)).toBe('PAYLOAD_INVALID');
    expect(withSigner({ alg: 'RS256' }, ps256)).toBe('PAYLOAD_INVALID');
    expect(withSigner({ alg: 'ES384' })).toBe('PAYLOAD_INVALID');
  });

  it('a kid is 8 bytes in standard base64 (as the EU lists write it); a country two capital letters', () => {
    const { kid } = es256;
    expect(kid).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    expect(withSigner({ kid: 'AAECAwQFBgc=' })).toBe('ok');
    expect(withSigner({ kid: '+/+/+/+/+/8=' })).toBe('ok');
    for (const bad of [`A${kid}`, `${kid}A`, kid.slice(0, -1), 'AAECAwQFBg==', 'AAECAwQFBgcI', '-_-_-_-_-_8=']) {
      expect(withSigner({ kid: bad }), bad).toBe('PAYLOAD_INVALID');
    }
    expect(withSigner({ country: 'DE' })).toBe('ok');
    for (const country of ['IDN', 'id', 'I', ' ID']) {
      expect(withSigner({ country }), country).toBe('PAYLOAD_INVALID');
    }
  });

  it('usages are one to three of t, v and r: an unknown type or an empty list is refused', () => {
    for (const usages of [['t'], ['v'], ['r'], ['t', 'v', 'r'], ['r', 't']]) {
      expect(withSigner({ usages }), usages.join()).toBe('ok');
    }
    for (const usages of [[], ['x'], ['T'], ['v', 'vaccination']]) {
      expect(withSigner({ usages }), usages.join()).toBe('PAYLOAD_INVALID');
    }
    expect(withSigner({ usages: ['t', 'v', 'r', 't'] })).toBe('PAYLOAD_TOO_LONG');
  });

  it('validity bounds are whole seconds from 0 to the end of the year 9999', () => {
    expect(withSigner({ notBefore: 0, notAfter: 253_402_300_799 })).toBe('ok');
    expect(withSigner({ notBefore: -1 })).toBe('PAYLOAD_OUT_OF_RANGE');
    expect(withSigner({ notAfter: 253_402_300_800 })).toBe('PAYLOAD_OUT_OF_RANGE');
    expect(withSigner({ notBefore: 1.5 })).toBe('PAYLOAD_WRONG_TYPE');
  });

  it('revocation entries are 16-byte hash prefixes in standard base64, in any of the three lists', () => {
    const entry = Buffer.alloc(16, 0xfb).toString('base64');
    expect(entry).toBe('+/v7+/v7+/v7+/v7+/v7+w==');
    const dccRevocations = { uci: [entry], countryUci: ['AAAAAAAAAAAAAAAAAAAAAA=='], signature: [entry] };
    const r = verifyBundle(
      signBundle({ ...makeBundlePayload(), dccRevocations } as BundlePayload, [root.secretKey]),
      anchor,
    );
    expect(r.ok && r.value.payload.dccRevocations).toEqual(dccRevocations);
    // Two entries run together, a whole SHA-256, 17 bytes, base64url, no padding: none is one entry.
    for (const bad of [
      `${entry}${entry}`,
      Buffer.alloc(32, 1).toString('base64'),
      Buffer.alloc(17, 1).toString('base64'),
      Buffer.alloc(16, 0xfb).toString('base64url'),
      entry.slice(0, -2),
    ]) {
      for (const list of ['uci', 'countryUci', 'signature']) {
        expect(verify({ dccRevocations: { [list]: [bad] } }), `${list} ${bad}`).toBe('PAYLOAD_INVALID');
      }
    }
    expect(verify({ dccRevocations: { kid: [entry] } })).toBe('PAYLOAD_UNKNOWN_FIELD');
  });
});
