/**
 * The time-dependent parts of a held EU DCC (core/held-dcc.ts): a recovery counts only on its `df`…`du` days,
 * a cached verification is re-checked against `iat`/`exp` at every use (to the second), a refusal that
 * depends on the time is never cached, and the reasons a refusal gives name only the EU rules that refused.
 * Each test takes a bundle object of its own: the verification cache is per bundle.
 */
import { describe, expect, it } from 'vitest';
import type { BundlePayload } from '../../src/core/bundle';
import type { DccPayload } from '../../src/core/dcc';
import { countedDccs, dccRuleRefusals, decodeDcc, verifyHeldDcc } from '../../src/core/held-dcc';
import { DAY, makeBundlePayload } from '../support/authority';
import { makeSigner, PAYLOADS, signDcc } from '../support/dcc-sign';

const signer = makeSigner('ES256', { country: 'ID' });
const freshBundle = (extra: Partial<BundlePayload> = {}): BundlePayload =>
  makeBundlePayload({ dccSigners: [signer.signer], ...extra });
const dayStart = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;
const held = (payload: unknown, iat: number, exp: number) => {
  const d = decodeDcc(signDcc({ by: signer, payload, iat, exp }));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};

describe('decoding for storage', () => {
  it('names the kind from the one group the DCC holds', () => {
    expect(held(PAYLOADS.v, 1, 2).kind).toBe('vaccination');
    expect(held(PAYLOADS.t, 1, 2).kind).toBe('test');
    expect(held(PAYLOADS.r, 1, 2).kind).toBe('recovery');
  });

  it('refuses a DCC without an expiry or an issue time (CWT_CLAIMS_INVALID)', () => {
    for (const claim of [4, 6]) {
      const text = signDcc({
        by: signer,
        payload: PAYLOADS.v,
        claims: (c) => {
          c.delete(claim);
          return c;
        },
      });
      expect(decodeDcc(text)).toMatchObject({ ok: false, error: { code: 'CWT_CLAIMS_INVALID' } });
    }
  });
});

describe('a recovery DCC', () => {
  // PAYLOADS.r: valid from 2021-07-12 through 2021-12-28, both days whole.
  const from = dayStart('2021-07-12');
  const lastSecond = dayStart('2021-12-28') + DAY - 1;
  const recovery = held(PAYLOADS.r, from - 30 * DAY, lastSecond + 365 * DAY);

  it('counts from the first second of df to the last second of du, and not a second outside', () => {
    const bundle = freshBundle();
    const at = (now: number) => countedDccs([recovery], bundle, now);
    expect(at(from - 1)).toEqual([]);
    expect(at(lastSecond + 1)).toEqual([]);
    for (const now of [from, from + DAY, lastSecond]) {
      expect(at(now)).toEqual([
        {
          held: recovery,
          fact: {
            kind: 'recovery',
            firstPositiveDate: '2021-07-01',
            validFrom: '2021-07-12',
            validUntil: '2021-12-28',
            // What the status rules see as the recovery's end: the last second of its last day.
            expiresAt: lastSecond,
          },
        },
      ]);
    }
  });

  it('of a disease the mapping does not know gives no fact, and does not throw', () => {
    const odd = held({ ...PAYLOADS.r, r: [{ ...PAYLOADS.r.r[0], tg: '000000000' }] }, from - DAY, lastSecond);
    expect(countedDccs([odd], freshBundle(), from + DAY)).toEqual([]);
  });
});

describe('a cached verification', () => {
  const iat = dayStart('2026-01-01');
  const exp = iat + 10 * DAY;
  const dcc = held(PAYLOADS.v, iat, exp);

  it('is re-checked against iat and exp at every use, to the second', () => {
    const bundle = freshBundle();
    expect(verifyHeldDcc(dcc.code, bundle, iat + DAY).ok).toBe(true);
    // From here on the result comes from the cache.
    expect(verifyHeldDcc(dcc.code, bundle, iat).ok).toBe(true);
    expect(verifyHeldDcc(dcc.code, bundle, exp).ok).toBe(true);
    expect(verifyHeldDcc(dcc.code, bundle, iat - 1)).toMatchObject({
      ok: false,
      error: { code: 'CERTIFICATE_NOT_YET_VALID' },
    });
    expect(verifyHeldDcc(dcc.code, bundle, exp + 1)).toMatchObject({
      ok: false,
      error: { code: 'CERTIFICATE_EXPIRED' },
    });
    expect(verifyHeldDcc(dcc.code, bundle, iat + 2 * DAY).ok).toBe(true);
  });

  it('is not made of a refusal that depends on the time: a DCC checked too early counts once its time comes', () => {
    const bundle = freshBundle();
    expect(verifyHeldDcc(dcc.code, bundle, iat - 1)).toMatchObject({ ok: false });
    expect(verifyHeldDcc(dcc.code, bundle, iat + 1).ok).toBe(true);
    const late = freshBundle();
    expect(verifyHeldDcc(dcc.code, late, exp + 1)).toMatchObject({ ok: false });
    expect(verifyHeldDcc(dcc.code, late, exp - 1).ok).toBe(true);
  });
});

describe('the EU rules a refusal names', () => {
  const iat = dayStart('2026-01-01');
  const rule = {
    Identifier: 'VR-ID-0040',
    Type: 'Acceptance' as const,
    Country: 'ID',
    Version: '1.0.0',
    SchemaVersion: '1.3.0',
    Engine: 'CERTLOGIC',
    EngineVersion: '1.2.2',
    CertificateType: 'Vaccination' as const,
    Description: [
      { lang: 'en', desc: 'Only a third dose' },
      { lang: 'id', desc: 'Hanya dosis ketiga' },
    ],
    ValidFrom: '2021-01-01T00:00:00Z',
    ValidTo: '2099-01-01T00:00:00Z',
    AffectedFields: ['v.0.dn'],
    Logic: { '===': [{ var: 'payload.v.0.dn' }, 3] },
  };
  const withRule = () => freshBundle({ dccRules: { country: 'ID', rules: [rule] } });

  it('give each rule once, in Indonesian and in English, prefixed with its Identifier', () => {
    const a = held(PAYLOADS.v, iat, iat + 10 * DAY);
    const b = held({ ...PAYLOADS.v, v: [{ ...PAYLOADS.v.v[0], ci: 'URN:UVCI:01:ID:OTHER#1' }] }, iat, iat + 10 * DAY);
    expect(dccRuleRefusals([a, b], withRule(), iat + DAY)).toEqual([
      {
        ruleId: 'VR-ID-0040',
        text: { id: 'VR-ID-0040: Hanya dosis ketiga', en: 'VR-ID-0040: Only a third dose' },
      },
    ]);
  });

  it('leave out a DCC refused for another reason (expired, or not verifying)', () => {
    const expired = held(PAYLOADS.v, iat, iat + DAY);
    const stranger = decodeDcc(
      signDcc({ by: makeSigner('ES256', { country: 'FR' }), payload: PAYLOADS.v, iat, exp: iat + 10 * DAY }),
    );
    if (!stranger.ok) throw new Error(stranger.error.code);
    expect(dccRuleRefusals([expired, stranger.value], withRule(), iat + 2 * DAY)).toEqual([]);
  });

  it('leave a refused test of a disease the mapping does not know uncounted, without throwing', () => {
    const payload: DccPayload = { ...PAYLOADS.t, t: [{ ...PAYLOADS.t.t[0], tg: '000000000' }] } as DccPayload;
    const testRule = { ...rule, Identifier: 'TR-ID-0040', CertificateType: 'Test' as const, Logic: false };
    const bundle = freshBundle({ dccRules: { country: 'ID', rules: [testRule] } });
    const unknown = held(payload, iat, iat + 10 * DAY);
    expect(countedDccs([unknown], bundle, iat + DAY)).toEqual([]);
  });
});
