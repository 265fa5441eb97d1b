/**
 * Rules cannot fail open: a CertLogic `var` naming a field the rule data does not have evaluates as null,
 * so a misspelled `person.latestPositiv` would make a positive person green. Phones refuse such a bundle,
 * and the list of readable paths is exactly what the rule data builder produces.
 */
import { describe, expect, it } from 'vitest';
import { signBundle, verifyBundle } from '../../src/core/bundle';
import type { Result } from '../../src/core/errors';
import {
  ENTRY_RULE_VARS,
  entryRuleData,
  type PersonFacts,
  STATUS_RULE_VARS,
  statusRuleData,
  unknownRuleVar,
} from '../../src/core/rule-data';
import { anchor, makeBundle, makeBundlePayload, policy, root } from '../support/authority';

const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);

/** Facts with every field present, so every path the builder can produce shows up. */
const fullFacts: PersonFacts = {
  homeProvince: '64',
  vaccination: { dose: 2, doses: 2, date: '2021-06-01', product: 'Sinovac' },
  latestNegativePcr: { sampleTime: '2021-06-01T00:00:00.000Z' },
  latestNegativeAntigen: { sampleTime: '2021-06-01T00:00:00.000Z' },
  latestPositive: { sampleTime: '2021-06-01T00:00:00.000Z' },
  recovery: { firstPositiveDate: '2021-05-01', validUntil: '2021-11-01T00:00:00.000Z' },
  confirmedExposure: { at: '2021-06-01T00:00:00.000Z' },
};

/** Every dotted path into a JSON value's objects, intermediate ones included. */
function pathsOf(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, child]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...pathsOf(child, path)];
  });
}

describe('the paths rules may read are the paths the rule data has', () => {
  it('status rules: exactly the paths statusRuleData builds', () => {
    const built = pathsOf(statusRuleData('2021-06-02T00:00:00.000Z', fullFacts));
    expect([...STATUS_RULE_VARS].sort()).toEqual(built.sort());
  });

  it('entry rules: exactly the paths entryRuleData builds', () => {
    const built = pathsOf(
      entryRuleData('2021-06-02T00:00:00.000Z', fullFacts, 'green', { category: 'gov', region: '6472' }),
    );
    expect([...ENTRY_RULE_VARS].sort()).toEqual(built.sort());
  });
});

describe('a rule reading a field that does not exist is refused', () => {
  const positive = {
    id: 'positive',
    status: 'red' as const,
    description: { id: 'Positif', en: 'Positive' },
    logic: { if: [{ var: 'person.latestPositiv' }, true, false] },
  };

  it('names the first unknown path, inside any operator', () => {
    expect(unknownRuleVar(positive.logic, STATUS_RULE_VARS)).toBe('person.latestPositiv');
    expect(
      unknownRuleVar({ and: [true, { if: [{ var: 'now' }, { var: 'venue.province' }, false] }] }, STATUS_RULE_VARS),
    ).toBe('venue.province');
    expect(unknownRuleVar({ var: '' }, STATUS_RULE_VARS)).toBe('');
    expect(unknownRuleVar({ var: 'person.vaccination.dose.0' }, STATUS_RULE_VARS)).toBe('person.vaccination.dose.0');
    expect(
      unknownRuleVar({ '===': [{ var: 'venue.province' }, { var: 'person.homeProvince' }] }, ENTRY_RULE_VARS),
    ).toBe(undefined);
    // Inside reduce the lambda reads its own current/accumulator, not the rule data.
    const reduce = {
      reduce: [{ var: 'person.vaccination' }, { '+': [{ var: 'accumulator' }, { var: 'current.dose' }] }, 0],
    };
    expect(unknownRuleVar(reduce, STATUS_RULE_VARS)).toBe(undefined);
    expect(unknownRuleVar({ reduce: [{ var: 'person.nope' }, true, 0] }, STATUS_RULE_VARS)).toBe('person.nope');
    // Outside a reduce lambda `current` and `accumulator` are rule data like any other path, and unknown.
    expect(unknownRuleVar({ var: 'current' }, STATUS_RULE_VARS)).toBe('current');
    expect(unknownRuleVar({ and: [true, { var: 'accumulator.dose' }] }, STATUS_RULE_VARS)).toBe('accumulator.dose');
  });

  it('a phone refuses a bundle whose status rule reads person.latestPositiv, with RULE_VAR_UNKNOWN', () => {
    const payload = makeBundlePayload({ statusRules: [positive, ...makeBundlePayload().statusRules] });
    const r = verifyBundle(signBundle(payload, [root.secretKey]), anchor);
    expect(code(r)).toBe('RULE_VAR_UNKNOWN');
    expect(r.ok ? '' : r.error.detail).toContain('person.latestPositiv');
  });

  it('an entry rule may read person.status and venue.*, a status rule may not', () => {
    const base = makeBundlePayload();
    const statusReadsStatus = { ...positive, logic: { '===': [{ var: 'person.status' }, 'green'] } };
    expect(
      code(verifyBundle(signBundle({ ...base, statusRules: [statusReadsStatus] }, [root.secretKey]), anchor)),
    ).toBe('RULE_VAR_UNKNOWN');
    const entry = { ...base.entryRules[0], logic: { '===': [{ var: 'venue.regoin' }, '64'] } };
    expect(code(verifyBundle(signBundle({ ...base, entryRules: [entry] }, [root.secretKey]), anchor))).toBe(
      'RULE_VAR_UNKNOWN',
    );
  });

  it('every real policy passes: the demo policy and the test authority bundle', () => {
    for (const r of policy.statusRules) expect(unknownRuleVar(r.logic, STATUS_RULE_VARS), r.id).toBeUndefined();
    for (const r of policy.entryRules) expect(unknownRuleVar(r.logic, ENTRY_RULE_VARS), r.id).toBeUndefined();
    expect(code(verifyBundle(makeBundle(), anchor))).toBe('ok');
  });
});

describe('bundle version', () => {
  it('is capped at 2^53−1: 1e308 would make every later bundle look like a rollback', () => {
    const sign = (version: number) =>
      verifyBundle(signBundle(makeBundlePayload({ version }), [root.secretKey]), anchor);
    expect(code(sign(Number.MAX_SAFE_INTEGER))).toBe('ok');
    expect(code(sign(1e308))).toBe('PAYLOAD_OUT_OF_RANGE');
    expect(code(sign(Number.MAX_SAFE_INTEGER + 1))).toBe('PAYLOAD_OUT_OF_RANGE');
  });
});
