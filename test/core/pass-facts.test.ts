/** The pass's facts: what the status rules saw, each mapped to its certificate, the deciding one first. */
import { describe, expect, it } from 'vitest';
import { type Certificate, decodeCertificate } from '../../src/core/certificate';
import type { DecisionContext } from '../../src/core/eligibility';
import { passOf } from '../../src/core/pass-facts';
import { DAY, HOUR, makeBundlePayload, NOW, pcr, recovery, signCertificate, vaccination } from '../support/authority';

const ctx: DecisionContext = { bundle: makeBundlePayload(), now: NOW, trustedTime: NOW - DAY, appVersion: '9.9.9' };
const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const signed = (certs: Certificate[]) =>
  certs.map((c) => {
    const d = decodeCertificate(signCertificate(c));
    if (!d.ok) throw new Error(d.error.code);
    return d.value;
  });

describe('passOf', () => {
  it('lists the highest dose and a negative PCR with its age, vaccination first for green', () => {
    const certs = signed([
      pcr('neg', NOW - 20 * HOUR - 59),
      vaccination(1, 2, date(NOW - 90 * DAY)),
      vaccination(2, 2, date(NOW - 60 * DAY)),
    ]);
    const pass = passOf(certs, '6472', ctx);
    expect(pass.status.status).toBe('green');
    expect(pass.facts.map((f) => f.kind)).toEqual(['vaccination', 'test']);
    const [vac, test] = pass.facts;
    expect(vac).toMatchObject({ kind: 'vaccination', dose: 2, doses: 2, date: date(NOW - 60 * DAY) });
    expect(test).toMatchObject({ kind: 'test', testType: 'pcr', result: 'neg', hoursAgo: 20 });
    // The QR list holds the certificates behind the facts only: the first dose is not needed.
    expect(pass.certificates).toEqual([certs[2], certs[0]]);
  });

  it('carries the certificate of the dose the rules saw, even beside another dose of the same day', () => {
    const day = date(NOW - 60 * DAY);
    const certs = signed([vaccination(1, 2, day), vaccination(2, 2, day)]);
    const pass = passOf(certs, '6472', ctx);
    expect(pass.facts[0]).toMatchObject({ kind: 'vaccination', dose: 2 });
    expect(pass.certificates).toEqual([certs[1]]);
  });

  it('carries the latest of two certificates of the same dose, whichever the wallet lists first', () => {
    const certs = signed([vaccination(2, 2, date(NOW - 90 * DAY)), vaccination(2, 2, date(NOW - 60 * DAY))]);
    const pass = passOf(certs, '6472', ctx);
    expect(pass.facts[0]).toMatchObject({ kind: 'vaccination', date: date(NOW - 60 * DAY), certificate: certs[1] });
    expect(pass.certificates).toEqual([certs[1]]);
  });

  it('carries the recovery the rules saw: the one valid longest, not another kind expiring the same second', () => {
    const certs = signed([
      { ...vaccination(2, 2, date(NOW - 60 * DAY)), expiresAt: NOW + 150 * DAY },
      { ...recovery(date(NOW - 40 * DAY)), expiresAt: NOW + 100 * DAY },
      recovery(date(NOW - 30 * DAY)),
    ]);
    const fact = passOf(certs, '6472', ctx).facts.find((f) => f.kind === 'recovery');
    expect(fact).toEqual({ kind: 'recovery', validUntil: NOW + 150 * DAY, certificate: certs[2] });
  });

  it('carries each test fact with the test it came from, whatever order the wallet holds them in', () => {
    const antigen = { ...pcr('neg', NOW - 5 * HOUR), testType: 'antigen' as const };
    const certs = signed([vaccination(2, 2, date(NOW - 60 * DAY)), antigen, pcr('neg', NOW - 20 * HOUR)]);
    const pass = passOf(certs, '6472', ctx);
    const tests = pass.facts.flatMap((f) => (f.kind === 'test' ? [[f.testType, f.hoursAgo, f.certificate]] : []));
    expect(tests).toEqual([
      ['pcr', 20, certs[2]],
      ['antigen', 5, certs[1]],
    ]);
  });

  it('a positive and a negative PCR taken the same second are each carried by their own certificate', () => {
    const certs = signed([pcr('pos', NOW - 3 * HOUR), pcr('neg', NOW - 3 * HOUR)]);
    const pass = passOf(certs, '6472', ctx);
    const tests = pass.facts.flatMap((f) => (f.kind === 'test' ? [[f.result, f.certificate]] : []));
    expect(tests).toEqual(
      expect.arrayContaining([
        ['pos', certs[0]],
        ['neg', certs[1]],
      ]),
    );
    expect(tests).toHaveLength(2);
  });

  it('finds the exact certificate behind each fact: the latest of two PCRs, the type of a same-second test, a positive antigen, a recovery', () => {
    const certOf = (list: Certificate[], kind: string, field: string) =>
      passOf(signed(list), '6472', ctx).facts.find((f) => f.kind === kind && (f.kind !== 'test' || f.result === field));
    const twoPcrs = [pcr('neg', NOW - 30 * HOUR), pcr('neg', NOW - 20 * HOUR)];
    expect(certOf(twoPcrs, 'test', 'neg')).toMatchObject({
      hoursAgo: 20,
      certificate: { code: signed(twoPcrs)[1].code },
    });
    const sameSecond = [{ ...pcr('neg', NOW - 3 * HOUR), testType: 'antigen' as const }, pcr('neg', NOW - 3 * HOUR)];
    const facts = passOf(signed(sameSecond), '6472', ctx).facts.flatMap((f) =>
      f.kind === 'test' && 'code' in f.certificate ? [[f.testType, f.certificate.code]] : [],
    );
    expect(facts).toEqual([
      ['pcr', signed(sameSecond)[1].code],
      ['antigen', signed(sameSecond)[0].code],
    ]);
    const antigenPos = [{ ...pcr('pos', NOW - 3 * HOUR), testType: 'antigen' as const }];
    expect(certOf(antigenPos, 'test', 'pos')).toMatchObject({ testType: 'antigen' });
    const withRecovery = [vaccination(2, 2, date(NOW - 60 * DAY)), recovery(date(NOW - 30 * DAY))];
    expect(certOf(withRecovery, 'recovery', '')).toMatchObject({ certificate: { code: signed(withRecovery)[1].code } });
  });

  it('orders every kind of fact: for black the positive test, then recovery, vaccination, negative test; else vaccination, recovery, negative test', () => {
    const order = (list: Certificate[]) => {
      const pass = passOf(signed(list), '6472', ctx);
      return [pass.status.status, pass.facts.map((f) => (f.kind === 'test' ? `${f.kind}-${f.result}` : f.kind))];
    };
    const calm = [pcr('neg', NOW - 30 * HOUR), recovery(date(NOW - 30 * DAY)), vaccination(2, 2, date(NOW - 60 * DAY))];
    expect(order(calm)[1]).toEqual(['vaccination', 'recovery', 'test-neg']);
    expect(order([...calm, pcr('pos', NOW - 3 * HOUR)])).toEqual([
      'black',
      ['test-pos', 'recovery', 'vaccination', 'test-neg'],
    ]);
    // An exposure blackens too: it comes before a recovery, which the wallet lists ahead of it.
    const exposed = passOf(signed(calm), '6472', ctx, { confirmedExposures: [NOW - DAY] });
    expect(exposed.facts.map((f) => f.kind)).toEqual(['exposure', 'recovery', 'vaccination', 'test']);
    // Both blacken: the positive test, which the wallet lists first, then the exposure, then the rest.
    const both = passOf(signed([...calm, pcr('pos', NOW - 3 * HOUR)]), '6472', ctx, {
      confirmedExposures: [NOW - DAY],
    });
    expect(both.facts.map((f) => (f.kind === 'test' ? `${f.kind}-${f.result}` : f.kind))).toEqual([
      'test-pos',
      'exposure',
      'recovery',
      'vaccination',
      'test-neg',
    ]);
  });

  it('has no facts and carries no certificate while the status cannot be known (the app too old for the rules)', () => {
    const pass = passOf(signed([vaccination(2, 2, date(NOW - 60 * DAY))]), '6472', { ...ctx, appVersion: '0.0.1' });
    expect([pass.status.reasons, pass.facts, pass.certificates]).toEqual([[{ code: 'APP_TOO_OLD' }], [], []]);
  });

  it('puts the positive test first for black', () => {
    const certs = signed([vaccination(2, 2, date(NOW - 60 * DAY)), pcr('pos', NOW - 2 * DAY)]);
    const pass = passOf(certs, '6472', ctx);
    expect(pass.status.status).toBe('black');
    expect(pass.facts[0]).toMatchObject({ kind: 'test', result: 'pos', hoursAgo: 48 });
    expect(pass.certificates[0]).toBe(certs[1]);
  });

  it('shows a confirmed exposure as a fact without a certificate', () => {
    const certs = signed([vaccination(2, 2, date(NOW - 60 * DAY))]);
    const pass = passOf(certs, '6472', ctx, { confirmedExposures: [NOW - DAY] });
    expect(pass.status.status).toBe('black');
    expect(pass.facts[0]).toEqual({ kind: 'exposure', at: NOW - DAY });
    expect(pass.certificates).toEqual([certs[0]]);
  });

  it('lists a recovery with its validity', () => {
    const certs = signed([recovery(date(NOW - 20 * DAY))]);
    const pass = passOf(certs, '6472', ctx);
    expect(pass.facts).toEqual([{ kind: 'recovery', validUntil: NOW + 150 * DAY, certificate: certs[0] }]);
  });

  it('ignores expired and future certificates, and has no facts without a bundle', () => {
    const expired = pcr('neg', NOW - 40 * DAY);
    const certs = signed([expired, vaccination(2, 2, date(NOW + 5 * DAY))]);
    expect(passOf(certs, '6472', ctx).facts).toEqual([]);
    const none = passOf(certs, '6472', { ...ctx, bundle: undefined });
    expect(none).toMatchObject({ facts: [], certificates: [], status: { reasons: [{ code: 'NO_BUNDLE' }] } });
  });
});
