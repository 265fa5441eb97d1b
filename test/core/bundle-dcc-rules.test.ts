/**
 * The bundle's `dccValueSets` and `dccRules` (EU business rules) are checked like everything else a phone
 * accepts: a rule that is not valid CertLogic, nests too deep, or is shaped otherwise than the EU format, and
 * value sets past their caps, make the whole bundle fail verification — phones keep the one they have.
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

  it('refuses a DCC signer whose validity ends before it starts; either end alone is fine', () => {
    const { signer } = makeSigner('ES256');
    const withSigner = (patch: Record<string, unknown>) => verify({ dccSigners: [{ ...signer, ...patch }] });
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
  });
});
