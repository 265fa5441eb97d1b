/**
 * EU DCC acceptance rules (core/dcc/rules.ts) and value sets (core/dcc/value-sets.ts): which rules are in
 * force, what data they see, and that a DCC passes only when every rule in force says exactly true.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DccValueSets, EuDccRule, EuDccRules } from '../../../src/core/bundle';
import {
  checkDccRules,
  type DccPayload,
  dccRuleData,
  dccRuleDescription,
  dccRuleNamed,
  dccRulesInForce,
  euValueSets,
  nameOfCode,
  VALUE_SET,
} from '../../../src/core/dcc';
import { PAYLOADS } from '../../support/dcc-sign';

const RULES_DIR = join(__dirname, '../../vectors/eu-dcc-rules');
const VALUE_SETS_DIR = join(__dirname, '../../vectors/eu-dcc-valuesets');
const DEMO_VALUE_SETS_DIR = join(__dirname, '../../../server/demo/eu-dcc-valuesets');
const readRule = (name: string) => JSON.parse(readFileSync(join(RULES_DIR, `${name}.json`), 'utf8')) as EuDccRule;

/** The demo's value sets, compacted as the authority does (code → display). */
const valueSets: DccValueSets = Object.fromEntries(
  readdirSync(VALUE_SETS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const json = JSON.parse(readFileSync(join(VALUE_SETS_DIR, f), 'utf8'));
      const names = Object.fromEntries(
        Object.entries(json.valueSetValues as Record<string, { display: string }>).map(([c, v]) => [c, v.display]),
      );
      return [json.valueSetId as string, names];
    }),
);

const at = (iso: string) => Date.parse(iso) / 1000;
const T0 = at('2021-09-01T12:00:00Z');
const claims = { iat: at('2021-08-02T00:00:00Z'), exp: at('2022-08-02T00:00:00Z') };
const vax = (patch: Partial<DccPayload['v'] extends (infer V)[] | undefined ? V : never> = {}) =>
  ({ ...PAYLOADS.v, v: [{ ...PAYLOADS.v.v[0], ...patch }] }) as DccPayload;
const test = (patch: Record<string, unknown> = {}) =>
  ({ ...PAYLOADS.t, t: [{ ...PAYLOADS.t.t[0], ...patch }] }) as DccPayload;
const recovery = PAYLOADS.r as DccPayload;

const rule = (patch: Partial<EuDccRule> = {}): EuDccRule => ({
  ...readRule('VR-ID-0002'),
  ...patch,
});
const set = (...rules: EuDccRule[]): EuDccRules => ({ country: 'ID', rules });
const check = (
  payload: DccPayload,
  rules: EuDccRules,
  now = T0,
  sets: { dccValueSets?: DccValueSets } = { dccValueSets: valueSets },
) => checkDccRules({ payload, claims }, { dccRules: rules, ...sets }, now);
const outcome = (r: ReturnType<typeof check>) => (r.ok ? 'ok' : `${r.error.code} ${r.error.detail}`);

describe('which EU rules are in force', () => {
  const v1 = rule({
    Identifier: 'VR-ID-0009',
    Version: '1.0.0',
    ValidFrom: '2021-06-01T00:00:00Z',
    ValidTo: '2030-01-01T00:00:00Z',
  });
  const v2 = rule({
    Identifier: 'VR-ID-0009',
    Version: '1.1.0',
    ValidFrom: '2022-01-01T00:00:00Z',
    ValidTo: '2030-01-01T00:00:00Z',
  });
  const ids = (rules: EuDccRule[]) => rules.map((r) => `${r.Identifier}@${r.Version}`);

  it('a rule applies from ValidFrom to ValidTo, both inclusive, and not before or after', () => {
    const r = rule({ ValidFrom: '2021-09-01T00:00:00Z', ValidTo: '2021-09-30T00:00:00Z' });
    expect(ids(dccRulesInForce(set(r), 'v', at('2021-08-31T23:59:59Z')))).toEqual([]);
    expect(ids(dccRulesInForce(set(r), 'v', at('2021-09-01T00:00:00Z')))).toEqual(['VR-ID-0002@1.0.0']);
    expect(ids(dccRulesInForce(set(r), 'v', at('2021-09-30T00:00:00Z')))).toEqual(['VR-ID-0002@1.0.0']);
    expect(ids(dccRulesInForce(set(r), 'v', at('2021-09-30T00:00:01Z')))).toEqual([]);
  });

  it('of the versions of one Identifier in force, the newest wins; before it starts, the older one applies', () => {
    expect(ids(dccRulesInForce(set(v1, v2), 'v', at('2021-12-31T00:00:00Z')))).toEqual(['VR-ID-0009@1.0.0']);
    expect(ids(dccRulesInForce(set(v1, v2), 'v', at('2022-01-01T00:00:00Z')))).toEqual(['VR-ID-0009@1.1.0']);
    expect(ids(dccRulesInForce(set(v2, v1), 'v', at('2022-06-01T00:00:00Z')))).toEqual(['VR-ID-0009@1.1.0']);
    // Versions compare as numbers, not text: 1.10.0 is newer than 1.9.0.
    const v9 = rule({ Identifier: 'VR-ID-0009', Version: '1.9.0' });
    const v10 = rule({ Identifier: 'VR-ID-0009', Version: '1.10.0' });
    expect(ids(dccRulesInForce(set(v10, v9), 'v', T0))).toEqual(['VR-ID-0009@1.10.0']);
  });

  it('an expired newest version leaves the older one in force only while that one is', () => {
    const expired = rule({ Identifier: 'VR-ID-0009', Version: '2.0.0', ValidTo: '2021-07-01T00:00:00Z' });
    expect(ids(dccRulesInForce(set(v1, expired), 'v', T0))).toEqual(['VR-ID-0009@1.0.0']);
    expect(ids(dccRulesInForce(set(expired), 'v', T0))).toEqual([]);
  });

  it('CertificateType General applies to every type; Vaccination, Test, Recovery only to their own', () => {
    const rules = set(
      rule({ Identifier: 'GR-ID-0001', CertificateType: 'General' }),
      rule({ Identifier: 'VR-ID-0001', CertificateType: 'Vaccination' }),
      rule({ Identifier: 'TR-ID-0001', CertificateType: 'Test' }),
      rule({ Identifier: 'RR-ID-0001', CertificateType: 'Recovery' }),
    );
    expect(ids(dccRulesInForce(rules, 'v', T0))).toEqual(['GR-ID-0001@1.0.0', 'VR-ID-0001@1.0.0']);
    expect(ids(dccRulesInForce(rules, 't', T0))).toEqual(['GR-ID-0001@1.0.0', 'TR-ID-0001@1.0.0']);
    expect(ids(dccRulesInForce(rules, 'r', T0))).toEqual(['GR-ID-0001@1.0.0', 'RR-ID-0001@1.0.0']);
  });

  it('only Acceptance rules of the acceptance country apply', () => {
    const rules = set(rule({ Identifier: 'VR-DE-0001', Country: 'DE' }), rule({ Type: 'Invalidation' }));
    expect(dccRulesInForce(rules, 'v', T0)).toEqual([]);
    expect(dccRulesInForce(undefined, 'v', T0)).toEqual([]);
  });

  it('names the rule a failure detail points at (the version evaluated)', () => {
    expect(dccRuleNamed(set(v1, v2), 'VR-ID-0009', vax(), at('2022-06-01T00:00:00Z'))?.Version).toBe('1.1.0');
    expect(dccRuleNamed(set(v1, v2), 'VR-ID-0009', vax(), T0)?.Version).toBe('1.0.0');
    expect(dccRuleNamed(set(v1, v2), 'VR-ID-0009', test(), T0)).toBeUndefined();
    expect(dccRuleNamed(set(v1), 'VR-ID-0404', vax(), T0)).toBeUndefined();
  });
});

describe('evaluating EU rules on a DCC', () => {
  it('sees the EU data shape: payload, validation clock, value sets, country, exp and iat', () => {
    const data = dccRuleData({ payload: vax(), claims }, 'ID', valueSets, T0) as {
      payload: unknown;
      external: Record<string, unknown>;
    };
    expect(data.payload).toEqual(vax());
    expect(data.external).toMatchObject({
      validationClock: '2021-09-01T12:00:00.000Z',
      countryCode: 'ID',
      iat: '2021-08-02T00:00:00.000Z',
      exp: '2022-08-02T00:00:00.000Z',
    });
    const sets = data.external.valueSets as Record<string, string[]>;
    expect(sets['vaccines-covid-19-names']).toContain('EU/1/20/1528');
    expect([...sets['covid-19-lab-result']].sort()).toEqual(['260373001', '260415000']);
  });

  it('no rules, or none in force: nothing to fail', () => {
    expect(outcome(check(vax(), set()))).toBe('ok');
    expect(outcome(checkDccRules({ payload: vax(), claims }, {}, T0))).toBe('ok');
    expect(outcome(check(vax({ dn: 1 }), set(rule({ ValidFrom: '2025-01-01T00:00:00Z' }))))).toBe('ok');
  });

  it('a rule that gives false fails the DCC, naming the rule', () => {
    expect(outcome(check(vax({ dn: 2, sd: 2 }), set(readRule('VR-ID-0002'))))).toBe('ok');
    expect(outcome(check(vax({ dn: 1, sd: 2 }), set(readRule('VR-ID-0002'))))).toBe('DCC_RULE_FAILED VR-ID-0002');
  });

  it('a rule of another type is not evaluated at all', () => {
    expect(outcome(check(test({ tr: '260373001' }), set(readRule('VR-ID-0002'))))).toBe('ok');
    expect(outcome(check(vax(), set(readRule('TR-ID-0001'))))).toBe('ok');
  });

  it('a rule that throws or gives no boolean refuses the DCC — never accepts it', () => {
    // plusTime on a value that is not a date throws in certlogic-js.
    const throws = rule({
      Identifier: 'VR-ID-0100',
      Logic: {
        'not-after': [
          { plusTime: [{ var: 'payload.v.0.ma' }, 0, 'day'] },
          { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] },
        ],
      },
    });
    expect(outcome(check(vax(), set(throws)))).toBe('DCC_RULE_ERROR VR-ID-0100');
    const notBoolean = rule({ Identifier: 'VR-ID-0101', Logic: { var: 'payload.v.0.dn' } });
    expect(outcome(check(vax(), set(notBoolean)))).toBe('DCC_RULE_ERROR VR-ID-0101');
    const nothing = rule({ Identifier: 'VR-ID-0102', Logic: { var: 'payload.v.0.nothing' } });
    expect(outcome(check(vax(), set(nothing)))).toBe('DCC_RULE_ERROR VR-ID-0102');
    // An error is reported even when another rule only failed, in either order.
    const fails = readRule('VR-ID-0002');
    expect(outcome(check(vax({ dn: 1 }), set(fails, throws)))).toBe('DCC_RULE_ERROR VR-ID-0100');
    expect(outcome(check(vax({ dn: 1 }), set(throws, fails)))).toBe('DCC_RULE_ERROR VR-ID-0100');
  });

  it('every rule in force must pass: the first that fails is named', () => {
    const rules = set(readRule('VR-ID-0001'), readRule('VR-ID-0002'), readRule('VR-ID-0003'));
    expect(outcome(check(vax({ dt: '2021-08-01' }), rules))).toBe('ok');
    expect(outcome(check(vax({ mp: 'EU/1/99/9999' }), rules))).toBe('DCC_RULE_FAILED VR-ID-0001');
    expect(outcome(check(vax({ dn: 1, mp: 'EU/1/99/9999' }), rules))).toBe('DCC_RULE_FAILED VR-ID-0001');
    expect(outcome(check(vax({ dt: '2020-11-01' }), rules))).toBe('DCC_RULE_FAILED VR-ID-0003');
  });

  it('"in" a value set: without the value sets in the bundle the vaccine rule fails, never passes', () => {
    expect(outcome(check(vax(), set(readRule('VR-ID-0001')), T0, {}))).toMatch(/^DCC_RULE_(FAILED|ERROR) VR-ID-0001$/);
  });

  it('the rules in test/vectors/eu-dcc-rules decide as written', () => {
    const all = set(...(JSON.parse(readFileSync(join(RULES_DIR, 'ID-all.json'), 'utf8')) as EuDccRule[]));
    // Vaccination 2021-08-01: 270 days hold until 2022-04-28. From 2027 version 1.1.0 (180 days) applies:
    // a dose of 2026-06-01 is within 270 days on 2026-12-31 but past 180 on 2027-01-01.
    expect(outcome(check(vax(), all, at('2022-04-28T00:00:00Z')))).toBe('ok');
    expect(outcome(check(vax(), all, at('2022-04-29T00:00:00Z')))).toBe('DCC_RULE_FAILED VR-ID-0003');
    expect(outcome(check(vax({ dt: '2026-06-01' }), all, at('2026-12-31T00:00:00Z')))).toBe('ok');
    expect(outcome(check(vax({ dt: '2026-06-01' }), all, at('2027-01-01T00:00:00Z')))).toBe(
      'DCC_RULE_FAILED VR-ID-0003',
    );
    expect(outcome(check(vax({ tg: '840539007' }), all))).toBe('DCC_RULE_FAILED GR-ID-0001');
    // Test sampled 2021-08-01T08:30+07:00 = 01:30Z: accepted for less than 72 hours.
    expect(outcome(check(test(), all, at('2021-08-04T01:29:59Z')))).toBe('ok');
    expect(outcome(check(test(), all, at('2021-08-04T01:30:00Z')))).toBe('DCC_RULE_FAILED TR-ID-0002');
    expect(outcome(check(test({ tr: '260373001' }), all, at('2021-08-02T00:00:00Z')))).toBe(
      'DCC_RULE_FAILED TR-ID-0001',
    );
    // Recovery df 2021-07-12, du 2021-12-28.
    expect(outcome(check(recovery, all, at('2021-07-11T23:00:00Z')))).toBe('DCC_RULE_FAILED RR-ID-0001');
    // As in the EU's own recovery rule, `du` 00:00 UTC is the last moment (CertLogic times, not calendar days).
    expect(outcome(check(recovery, all, at('2021-12-28T00:00:00Z')))).toBe('ok');
    expect(outcome(check(recovery, all, at('2021-12-28T00:00:01Z')))).toBe('DCC_RULE_FAILED RR-ID-0001');
  });

  it('a rule description in the reader language, else English, else the first', () => {
    const r = readRule('VR-ID-0003');
    expect(dccRuleDescription(r, 'id')).toBe('Dosis vaksin terakhir paling lama 270 hari yang lalu.');
    expect(dccRuleDescription(r, 'fr')).toBe('The last vaccine dose must be at most 270 days old.');
    const onlyGerman = rule({ Description: [{ lang: 'de', desc: 'Impfung vollständig' }] });
    expect(dccRuleDescription(onlyGerman, 'id')).toBe('Impfung vollständig');
    const germanFirst = rule({
      Description: [
        { lang: 'de', desc: 'Impfung vollständig' },
        { lang: 'en', desc: 'Vaccination complete' },
      ],
    });
    expect(dccRuleDescription(germanFirst, 'id')).toBe('Vaccination complete');
  });
});

describe('DCC value sets', () => {
  it('name a code from its set, and mark an unknown code as unknown', () => {
    expect(nameOfCode(valueSets, VALUE_SET.vaccine, 'EU/1/20/1528')).toEqual({
      known: true,
      code: 'EU/1/20/1528',
      name: 'Comirnaty',
    });
    expect(nameOfCode(valueSets, VALUE_SET.vaccine, 'EU/1/99/9999')).toEqual({ known: false, code: 'EU/1/99/9999' });
    expect(nameOfCode(valueSets, 'no-such-set', 'EU/1/20/1528')).toEqual({ known: false, code: 'EU/1/20/1528' });
    expect(nameOfCode(undefined, VALUE_SET.vaccine, 'EU/1/20/1528').known).toBe(false);
  });

  it('never take an inherited property for a name', () => {
    for (const code of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      expect(nameOfCode(valueSets, VALUE_SET.vaccine, code)).toEqual({ known: false, code });
    expect(nameOfCode(valueSets, 'constructor', 'name').known).toBe(false);
  });

  it("the demo authority's copy of the EU value sets is the test vectors' copy", () => {
    const jsonFiles = (dir: string) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort();
    expect(jsonFiles(DEMO_VALUE_SETS_DIR)).toEqual(jsonFiles(VALUE_SETS_DIR));
    for (const f of jsonFiles(VALUE_SETS_DIR))
      expect(readFileSync(join(DEMO_VALUE_SETS_DIR, f), 'utf8')).toBe(readFileSync(join(VALUE_SETS_DIR, f), 'utf8'));
  });

  it('give EU rules their codes per set, the same object for the same value sets', () => {
    const eu = euValueSets(valueSets);
    expect(Object.keys(eu).sort()).toEqual(Object.keys(valueSets).sort());
    expect(eu['disease-agent-targeted']).toEqual(['840539006']);
    expect(euValueSets(valueSets)).toBe(eu);
    expect(euValueSets(undefined)).toEqual({});
  });
});
