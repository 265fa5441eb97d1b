/**
 * Status rules fail closed: when no rule matches the person is red, and a rule that cannot be evaluated to a
 * yes or no (an operation that throws, a value that is not a boolean) makes the decision CANNOT_VERIFY with
 * RULE_ERROR — never a colour a rule did not give. Mutation testing found no test reaching these branches.
 */
import { describe, expect, it } from 'vitest';
import type { BundlePayload, StatusRule } from '../../src/core/bundle';
import { decodeCertificate } from '../../src/core/certificate';
import { decidePerson, factsOf, statusOf } from '../../src/core/eligibility';
import { suspensionIdOf } from '../../src/core/suspension';
import { DAY, kaltimOffice, makeBundlePayload, NOW, signCertificate, vaccination } from '../support/authority';

const base = makeBundlePayload();
const withRules = (statusRules: StatusRule[]): BundlePayload => ({ ...base, statusRules });
const ctx = (bundle: BundlePayload) => ({ bundle, now: NOW, trustedTime: NOW - DAY, appVersion: '9.9.9' });
const rule = (id: string, status: StatusRule['status'], logic: unknown): StatusRule => ({
  id,
  status,
  description: { id: id, en: id },
  logic,
});
const certs = (() => {
  const d = decodeCertificate(signCertificate(vaccination(2, 2, '2026-01-10')));
  if (!d.ok) throw new Error(d.error.code);
  return [d.value];
})();

describe('status rules fail closed', () => {
  it('when no status rule matches, the person is red (DENIED), not green', () => {
    const bundle = withRules([rule('never', 'green', false)]);
    const s = statusOf(certs, '6472', ctx(bundle));
    expect(s.status).toBe('red');
    expect(s.reasons).toEqual([]);
    expect(decidePerson(certs, '6472', kaltimOffice, ctx(bundle)).outcome).toBe('DENIED');
  });

  it('a rule whose value is not a boolean is RULE_ERROR naming the rule, and the door says CANNOT_VERIFY', () => {
    const bundle = withRules([rule('numeric', 'green', { '+': [1, 1] }), rule('all', 'green', true)]);
    expect(statusOf(certs, '6472', ctx(bundle))).toEqual({ reasons: [{ code: 'RULE_ERROR', ruleId: 'numeric' }] });
    const d = decidePerson(certs, '6472', kaltimOffice, ctx(bundle));
    expect([d.outcome, d.reasons.map((r) => r.code)]).toEqual(['CANNOT_VERIFY', ['RULE_ERROR']]);
  });

  it('a rule whose evaluation throws is RULE_ERROR too, before any later rule can say green', () => {
    const bundle = withRules([rule('throws', 'red', { noSuchOperation: [1] }), rule('all', 'green', true)]);
    expect(statusOf(certs, '6472', ctx(bundle))).toEqual({ reasons: [{ code: 'RULE_ERROR', ruleId: 'throws' }] });
  });
});

describe('what comes before the rules', () => {
  it('a blocked context keeps its own reason (app too old, clock behind), not NO_BUNDLE', () => {
    const bundle = withRules([rule('all', 'green', true)]);
    expect(statusOf(certs, '6472', { ...ctx(bundle), appVersion: '0.0.1' })).toEqual({
      reasons: [{ code: 'APP_TOO_OLD' }],
    });
    expect(statusOf(certs, '6472', { ...ctx(bundle), trustedTime: NOW + 30 * DAY })).toEqual({
      reasons: [{ code: 'CLOCK_BEHIND' }],
    });
    expect(statusOf(certs, '6472', { ...ctx(bundle), bundle: undefined })).toEqual({
      reasons: [{ code: 'NO_BUNDLE' }],
    });
  });

  it('a suspended certificate makes its holder black with no reason to show but the end of the suspension', () => {
    const until = NOW + 3 * DAY;
    const bundle = {
      ...withRules([rule('all', 'green', true)]),
      suspensions: [{ id: suspensionIdOf(certs[0].certificate.id), until }],
    };
    const s = statusOf(certs, '6472', ctx(bundle));
    expect([s.status, s.reasons, s.suspendedUntil]).toEqual(['black', [], until]);
  });
});

describe('what the rules are given', () => {
  const dayOf = (daysAgo: number) => new Date((NOW - daysAgo * DAY) * 1000).toISOString().slice(0, 10);
  const vax = (dose: number, doses: number, daysAgo: number) => {
    const d = decodeCertificate(signCertificate(vaccination(dose, doses, dayOf(daysAgo))));
    if (!d.ok) throw new Error(d.error.code);
    return d.value;
  };

  it('the vaccination fact is the highest dose, and among equal doses the most recent', () => {
    const facts = (certs: ReturnType<typeof vax>[]) => factsOf(certs, '6472', NOW).vaccination;
    expect(facts([vax(2, 2, 200), vax(2, 2, 5)])?.date).toBe(dayOf(5));
    expect(facts([vax(2, 2, 5), vax(2, 2, 200)])?.date).toBe(dayOf(5));
    expect(facts([vax(2, 2, 60), vax(1, 2, 10)])).toMatchObject({ dose: 2, date: dayOf(60) });
  });

  it('a venue category with no entry rule in force is CANNOT_VERIFY with NO_RULES, never ALLOWED', () => {
    const bundle: BundlePayload = { ...base, entryRules: [] };
    const d = decidePerson(certs, '6472', kaltimOffice, ctx(bundle));
    expect([d.outcome, d.reasons.map((r) => r.code)]).toEqual(['CANNOT_VERIFY', ['NO_RULES']]);
  });
});
