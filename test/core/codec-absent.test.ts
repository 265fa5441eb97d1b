/**
 * A held EU DCC or SMART Health Card whose codec is not loaded. The app cannot make one (only a codec makes
 * those held types), but the decision must not depend on that: without the codec it says it cannot verify,
 * never decides on the Singgah certificates alone. This file imports no codec (nothing here imports
 * held-dcc.ts or held-shc.ts), so in its module graph none is installed — as in the app before anything asked
 * for a DCC. (test/core/dcc-codec.test.ts covers loading; it reloads modules inside its tests, so the mutation
 * run leaves it out and relies on this file for the absent-codec branch.)
 */
import { describe, expect, it } from 'vitest';
import { decodeCertificate } from '../../src/core/certificate';
import { installedDccCodec, installedShcCodec } from '../../src/core/dcc-codec';
import { countedForeignOf, type DecisionContext, decidePerson, statusOf } from '../../src/core/eligibility';
import type { HeldCertificate, HeldDcc, HeldShc } from '../../src/core/held-certificate';
import { passOf } from '../../src/core/pass-facts';
import { kaltimOffice, makeBundlePayload, NOW, signCertificate, vaccination } from '../support/authority';

const bundle = makeBundlePayload();
const ctx: DecisionContext = { bundle, now: NOW, trustedTime: NOW - 3600, appVersion: '1.0.0' };
const singgah = (() => {
  const d = decodeCertificate(signCertificate(vaccination(2, 2, '2026-01-10')));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
})();
// Only the fields the decision reads before it asks for the codec; the cast stands for "a held type no
// codec made", which the types rightly cannot express.
const dcc = { format: 'eu-dcc', code: 'HC1:…', contentId: 'dcc-x', kind: 'vaccination' } as unknown as HeldDcc;
const shc = { format: 'shc', code: 'shc:/…', contentId: 'shc-x', kind: 'vaccination' } as unknown as HeldShc;

describe('a held foreign certificate without its codec', () => {
  it('is the state of this file: no codec installed', () => {
    expect(installedDccCodec()).toBeUndefined();
    expect(installedShcCodec()).toBeUndefined();
  });

  it.each<[string, HeldCertificate]>([
    ['an EU DCC', dcc],
    ['a SMART Health Card', shc],
  ])('with %s, the status and the door say they cannot verify (RULE_ERROR), never green', (_, foreign) => {
    const certs = [singgah, foreign];
    expect(countedForeignOf(certs, bundle, NOW)).toBeUndefined();
    expect(statusOf(certs, '6472', ctx)).toEqual({ reasons: [{ code: 'RULE_ERROR' }] });
    expect(decidePerson(certs, '6472', kaltimOffice, ctx)).toEqual({
      outcome: 'CANNOT_VERIFY',
      reasons: [{ code: 'RULE_ERROR' }],
    });
    expect(passOf(certs, '6472', ctx)).toEqual({
      status: { reasons: [{ code: 'RULE_ERROR' }] },
      facts: [],
      certificates: [],
    });
  });

  it('with Singgah certificates only, no codec is needed: nothing foreign is counted and the person is decided', () => {
    expect(countedForeignOf([singgah], bundle, NOW)).toEqual([]);
    expect(statusOf([singgah], '6472', ctx).status).toBe('green');
    expect(decidePerson([singgah], '6472', kaltimOffice, ctx).outcome).toBe('ALLOWED');
  });
});
