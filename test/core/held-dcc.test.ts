/**
 * EU DCCs as certificates: decoded for storage without trust, joined to a Singgah holder by transliterated
 * name and full birth date, and counted in decisions only when they verify against the bundle's DCC signers
 * and revocations at `now` — cached per bundle.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BundlePayload } from '../../src/core/bundle';
import { type Certificate, decodeCertificate, holderKey, type SignedCertificate } from '../../src/core/certificate';
import { decidePerson, statusOf } from '../../src/core/eligibility';
import {
  dccHolderKey,
  type HeldCertificate,
  type HeldDcc,
  holderMatches,
  identityOf,
  nameTokens,
  personOfForeign,
} from '../../src/core/held-certificate';
import { countedDccs, dccRuleRefusals, decodeDcc, decodeHeldCertificate, verifyHeldDcc } from '../../src/core/held-dcc';
import { passOf } from '../../src/core/pass-facts';
import { foreignImportPath, parseScanned } from '../../src/core/qr-link';
import { parseRoute } from '../../src/ui/router';
import {
  DAY,
  HOUR,
  kaltimOffice,
  makeBundlePayload,
  NOW,
  pcr,
  signCertificate,
  vaccination,
} from '../support/authority';
import { makeSigner, PAYLOADS, signDcc, type TestSigner } from '../support/dcc-sign';

const trusted = makeSigner('ES256', { country: 'ID' });
const foreign = makeSigner('ES256', { country: 'DE' });
const stranger = makeSigner('ES256', { country: 'FR' });
const bundle = makeBundlePayload({ dccSigners: [trusted.signer, foreign.signer] });
const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

// The Singgah holder of test/support/authority.ts: Budi Santoso, born 1985-04-12, from Samarinda (6472).
const nam = { fn: 'Santoso', fnt: 'SANTOSO', gn: 'Budi', gnt: 'BUDI' };
const dob = '1985-04-12';
const vaccinationDcc = (dose: number, doses: number, extra: { nam?: object; dob?: string; ci?: string } = {}) => ({
  ...PAYLOADS.v,
  nam: extra.nam ?? nam,
  dob: extra.dob ?? dob,
  v: [{ ...PAYLOADS.v.v[0], dn: dose, sd: doses, dt: date(NOW - 60 * DAY), ci: extra.ci ?? PAYLOADS.v.v[0].ci }],
});
const pcrDcc = (sampled: number) => ({
  ...PAYLOADS.t,
  nam,
  dob,
  t: [{ ...PAYLOADS.t.t[0], sc: new Date(sampled * 1000).toISOString() }],
});
const issue = (payload: unknown, by: TestSigner = trusted, iat = NOW - 100 * DAY, exp = NOW + 300 * DAY) => {
  const d = decodeDcc(signDcc({ by, payload, iat, exp }));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const singgah = (c: Certificate): SignedCertificate => {
  const d = decodeCertificate(signCertificate(c));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const ctx = (b: BundlePayload = bundle, now = NOW) => ({ bundle: b, now, trustedTime: now - DAY, appVersion: '1.0.0' });
const outcome = (certs: HeldCertificate[], region: string, b?: BundlePayload, now?: number) =>
  decidePerson(certs, region, kaltimOffice, ctx(b, now));

describe('a DCC held as a certificate', () => {
  it('decodes for storage without a trusted signer, and its identity comes from its text', () => {
    const text = signDcc({ by: stranger, payload: vaccinationDcc(2, 2), iat: NOW - DAY, exp: NOW + DAY });
    const d = decodeHeldCertificate(text);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.code).toBe(text);
    expect(identityOf(d.value)).toEqual({
      contentId: expect.stringMatching(/^dcc-[0-9a-f]{64}$/),
      kind: 'vaccination',
      holderKey: 'eu-dcc|BUDI SANTOSO|1985-04-12',
    });
    // Singgah codes still decode as before.
    const s = singgah(vaccination(1, 2, date(NOW - 30 * DAY)));
    const again = decodeHeldCertificate(s.code);
    expect(again.ok && identityOf(again.value)).toEqual({
      contentId: s.blob.contentId,
      kind: 'vaccination',
      holderKey: holderKey(s.certificate.holder),
    });
  });

  it('refuses a text that is not a well-formed DCC, with the step that failed', () => {
    expect(decodeDcc('HC1:NOT BASE45!')).toMatchObject({ ok: false, error: { code: 'BASE45_INVALID' } });
    expect(decodeDcc('HC1:')).toMatchObject({ ok: false });
    const text = signDcc({ by: trusted, payload: { ...PAYLOADS.v, dob: 'yesterday' } });
    expect(decodeDcc(text)).toMatchObject({ ok: false, error: { code: 'DCC_SCHEMA_INVALID' } });
  });

  it('keeps a well-formed DCC whatever its time says: expiry is decided at the door, not at import', () => {
    // Structure is checked at time 0: only an expiry before 1970 is already past then.
    const text = signDcc({ by: trusted, payload: vaccinationDcc(2, 2), iat: -10, exp: -1 });
    expect(decodeDcc(text)).toMatchObject({ ok: true, value: { issuedAt: -10, expiresAt: -1 } });
    expect(verifyHeldDcc(text, bundle, NOW)).toMatchObject({ ok: false, error: { code: 'CERTIFICATE_EXPIRED' } });
  });
});

describe('joining a DCC holder to a Singgah holder', () => {
  const budi = { name: 'Budi Santoso', birthDate: dob, region: '6472' };

  it('compares transliterated name tokens in any order, marks stripped, and the full birth date', () => {
    expect(nameTokens('Dédé  Sánchez-Putri')).toEqual(['DEDE', 'PUTRI', 'SANCHEZ']);
    expect(holderMatches({ ...nam, dob }, budi)).toBe(true);
    expect(holderMatches({ fnt: 'BUDI<SANTOSO', dob }, budi)).toBe(true);
    expect(holderMatches({ ...nam, dob: '1985-04-13' }, budi)).toBe(false);
    expect(holderMatches({ ...nam, fnt: 'SANTOSA', dob }, budi)).toBe(false);
  });

  it('never joins on a partial birth date', () => {
    expect(holderMatches({ ...nam, dob: '1985-04' }, { ...budi, birthDate: '1985-04' })).toBe(false);
    expect(holderMatches({ ...nam, dob: '1985' }, budi)).toBe(false);
  });

  it('joins the one match; when several match, only the one the user chose; else stands alone', () => {
    const dcc = issue(vaccinationDcc(2, 2));
    const one = new Map([['budi santoso|1985-04-12', budi]]);
    expect(personOfForeign(dcc, one).key).toBe('budi santoso|1985-04-12');
    const two = new Map([...one, ['santoso budi|1985-04-12', { ...budi, name: 'Santoso Budi' }]]);
    expect(personOfForeign(dcc, two)).toEqual({ key: dcc.holderKey, candidates: [...two.keys()] });
    expect(personOfForeign(dcc, two, 'santoso budi|1985-04-12').key).toBe('santoso budi|1985-04-12');
    expect(personOfForeign(dcc, two, 'someone else').key).toBe(dcc.holderKey);
    expect(personOfForeign(dcc, new Map()).key).toBe(dccHolderKey(dcc.holder));
  });
});

describe('DCCs in the decision', () => {
  const firstDose = singgah(vaccination(1, 2, date(NOW - 90 * DAY), '6472'));

  it("a family's 2-dose DCC joined to a Samarinda holder: ALLOWED at the governor's office", () => {
    const dcc = issue(vaccinationDcc(2, 2));
    expect(outcome([firstDose], '6472')).toMatchObject({ outcome: 'DENIED', status: 'yellow' });
    expect(outcome([firstDose, dcc], '6472')).toEqual({ outcome: 'ALLOWED', status: 'green', reasons: [] });
    expect(statusOf([firstDose, dcc], '6472', ctx()).facts?.vaccination).toEqual({
      dose: 2,
      doses: 2,
      date: date(NOW - 60 * DAY),
      product: PAYLOADS.v.v[0].mp,
    });
  });

  it('a DCC-only holder has no Indonesian region: green, but a visitor who needs a negative PCR', () => {
    const dcc = issue(vaccinationDcc(2, 2), foreign);
    const d = outcome([dcc], '');
    expect(d).toMatchObject({ outcome: 'DENIED', status: 'green' });
    expect(d.reasons.map((r) => r.ruleId)).toEqual(['ENTRY-VISITOR-PCR']);
    expect(outcome([dcc, issue(pcrDcc(NOW - 20 * HOUR), foreign)], '')).toMatchObject({ outcome: 'ALLOWED' });
  });

  it("an untrusted signer's DCC does not count", () => {
    const dcc = issue(vaccinationDcc(2, 2), stranger);
    expect(verifyHeldDcc(dcc.code, bundle, NOW)).toMatchObject({ ok: false, error: { code: 'SIGNER_UNKNOWN' } });
    expect(outcome([firstDose, dcc], '6472')).toMatchObject({ outcome: 'DENIED', status: 'yellow' });
    expect(outcome([dcc], '')).toMatchObject({ outcome: 'DENIED', status: 'red' });
  });

  it('a revoked DCC does not count (UCI hash in the bundle)', () => {
    const ci = 'URN:UVCI:01:ID:REVOKED0001#R';
    const dcc = issue(vaccinationDcc(2, 2, { ci }));
    const hash = createHash('sha256').update(ci).digest().subarray(0, 16).toString('base64');
    const revoking = { ...bundle, dccRevocations: { uci: [hash] } };
    expect(outcome([firstDose, dcc], '6472')).toMatchObject({ outcome: 'ALLOWED' });
    expect(verifyHeldDcc(dcc.code, revoking, NOW)).toMatchObject({ ok: false, error: { code: 'CERTIFICATE_REVOKED' } });
    expect(outcome([firstDose, dcc], '6472', revoking)).toMatchObject({ outcome: 'DENIED', status: 'yellow' });
  });

  it('an expired DCC does not count; neither does one before its iat', () => {
    const dcc = issue(vaccinationDcc(2, 2), trusted, NOW - 100 * DAY, NOW - DAY);
    expect(outcome([firstDose, dcc], '6472')).toMatchObject({ outcome: 'DENIED', status: 'yellow' });
    const later = issue(vaccinationDcc(2, 2), trusted, NOW + DAY, NOW + 300 * DAY);
    expect(outcome([firstDose, later], '6472')).toMatchObject({ outcome: 'DENIED', status: 'yellow' });
  });

  it('a positive DCC test makes the holder black', () => {
    const positive = { ...pcrDcc(NOW - 2 * DAY), t: [{ ...pcrDcc(NOW - 2 * DAY).t[0], tr: '260373001' }] };
    const d = outcome([firstDose, issue(vaccinationDcc(2, 2)), issue(positive)], '6472');
    expect(d).toMatchObject({ outcome: 'DENIED', status: 'black' });
    // A Singgah negative PCR next to it changes nothing.
    expect(outcome([singgah(pcr('neg', NOW - HOUR)), issue(positive)], '6472').status).toBe('black');
  });
});

/** An EU acceptance rule for ID in force from 2021 to 2099 (the EU format's fields). */
const rule = (id: string, logic: unknown, type = 'Vaccination') => ({
  Identifier: id,
  Type: 'Acceptance' as const,
  Country: 'ID',
  Version: '1.0.0',
  SchemaVersion: '1.3.0',
  Engine: 'CERTLOGIC',
  EngineVersion: '1.2.2',
  CertificateType: type as 'Vaccination',
  Description: [{ lang: 'en', desc: `rule ${id}` }],
  ValidFrom: '2021-01-01T00:00:00Z',
  ValidTo: '2099-01-01T00:00:00Z',
  AffectedFields: ['v.0'],
  Logic: logic,
});

describe('EU acceptance rules in the decision', () => {
  const firstDose = singgah(vaccination(1, 2, date(NOW - 90 * DAY), '6472'));
  const withRules = (...rules: ReturnType<typeof rule>[]): BundlePayload => ({
    ...bundle,
    dccRules: { country: 'ID', rules },
  });
  // "The vaccination must be at most 30 days old": the DCC's dose was 60 days before NOW.
  const recent = rule('VR-ID-0030', {
    'not-after': [
      { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] },
      { plusTime: [{ var: 'payload.v.0.dt' }, 30, 'day'] },
    ],
  });

  it('a verified DCC that fails a rule in force does not count, like an unverified one', () => {
    const dcc = issue(vaccinationDcc(2, 2));
    expect(outcome([firstDose, dcc], '6472', withRules(recent))).toMatchObject({ outcome: 'DENIED', status: 'yellow' });
    expect(verifyHeldDcc(dcc.code, withRules(recent), NOW)).toMatchObject({
      ok: false,
      error: { code: 'DCC_RULE_FAILED', detail: 'VR-ID-0030' },
    });
    // The refusal says which EU rule the DCC failed, in the rule's own words, once per rule.
    const d = outcome(
      [firstDose, dcc, issue(vaccinationDcc(2, 2, { ci: 'URN:UVCI:01:ID:OTHER#1' }))],
      '6472',
      withRules(recent),
    );
    expect(d.reasons.filter((r) => r.code === 'DCC_NOT_ACCEPTED')).toEqual([
      {
        code: 'DCC_NOT_ACCEPTED',
        ruleId: 'VR-ID-0030',
        text: { id: 'VR-ID-0030: rule VR-ID-0030', en: 'VR-ID-0030: rule VR-ID-0030' },
      },
    ]);
    // No such reason when the person is let in anyway, or when nothing was refused by a rule.
    expect(outcome([firstDose, dcc], '6472').reasons).toEqual([]);
    // The rule passing (or not in force yet) changes nothing.
    const lenient = rule('VR-ID-0031', { '===': [{ var: 'payload.v.0.dn' }, 2] });
    expect(outcome([firstDose, dcc], '6472', withRules(lenient))).toMatchObject({ outcome: 'ALLOWED' });
    const later = { ...recent, ValidFrom: '2098-01-01T00:00:00Z' };
    expect(outcome([firstDose, dcc], '6472', withRules(later))).toMatchObject({ outcome: 'ALLOWED' });
  });

  it('a rule that cannot be evaluated refuses the DCC: never ALLOWED on error', () => {
    const dcc = issue(vaccinationDcc(2, 2));
    const broken = rule('VR-ID-0032', { in: [{ var: 'payload.v.0.mp' }, { var: 'external.valueSets.missing' }] });
    expect(verifyHeldDcc(dcc.code, withRules(broken), NOW)).toMatchObject({
      ok: false,
      error: { code: 'DCC_RULE_ERROR', detail: 'VR-ID-0032' },
    });
    expect(outcome([firstDose, dcc], '6472', withRules(broken))).toMatchObject({ outcome: 'DENIED', status: 'yellow' });
  });

  it('a verified positive test still makes its holder black, whatever a rule says about results', () => {
    const negativeOnly = rule('TR-ID-0001', { '===': [{ var: 'payload.t.0.tr' }, '260415000'] }, 'Test');
    const positive = { ...pcrDcc(NOW - 2 * DAY), t: [{ ...pcrDcc(NOW - 2 * DAY).t[0], tr: '260373001' }] };
    const d = outcome([firstDose, issue(vaccinationDcc(2, 2)), issue(positive)], '6472', withRules(negativeOnly));
    expect(d).toMatchObject({ outcome: 'DENIED', status: 'black' });
    // A negative test failing another rule (too old for it) does not count.
    const fresh = rule('TR-ID-0002', { '===': [{ var: 'payload.t.0.sc' }, 'never'] }, 'Test');
    expect(outcome([issue(vaccinationDcc(2, 2), foreign), issue(pcrDcc(NOW - 20 * HOUR), foreign)], '')).toMatchObject({
      outcome: 'ALLOWED',
    });
    expect(
      outcome([issue(vaccinationDcc(2, 2), foreign), issue(pcrDcc(NOW - 20 * HOUR), foreign)], '', withRules(fresh)),
    ).toMatchObject({ outcome: 'DENIED' });
  });
});

describe('the pass of a person with a DCC', () => {
  it('lists the DCC behind the fact it proves, and keeps it out of the Singgah pass QR', () => {
    const firstDose = singgah(vaccination(1, 2, date(NOW - 90 * DAY), '6472'));
    const dcc = issue(vaccinationDcc(2, 2));
    const pass = passOf([firstDose, dcc], '6472', ctx());
    expect(pass.status.status).toBe('green');
    expect(pass.facts).toEqual([
      {
        kind: 'vaccination',
        dose: 2,
        doses: 2,
        date: date(NOW - 60 * DAY),
        product: PAYLOADS.v.v[0].mp,
        certificate: dcc,
      },
    ]);
    expect(pass.certificates).toEqual([]);
    // A DCC test proves the PCR fact of a DCC-only visitor.
    const test = issue(pcrDcc(NOW - 20 * HOUR));
    const visitor = passOf([dcc, test], '', ctx());
    expect(visitor.facts.map((f) => [f.kind, 'certificate' in f && f.certificate === test])).toEqual([
      ['vaccination', false],
      ['test', true],
    ]);
  });
});

describe('verification is cached per bundle', () => {
  it('the same text verifies once per bundle; the time window is checked again on every read', () => {
    const dcc: HeldDcc = issue(vaccinationDcc(2, 2), trusted, NOW - DAY, NOW + DAY);
    const first = verifyHeldDcc(dcc.code, bundle, NOW);
    expect(first.ok).toBe(true);
    expect(verifyHeldDcc(dcc.code, bundle, NOW + HOUR)).toBe(first);
    expect(verifyHeldDcc(dcc.code, bundle, NOW + 2 * DAY)).toMatchObject({
      ok: false,
      error: { code: 'CERTIFICATE_EXPIRED' },
    });
    // Another bundle (no signers) decides afresh.
    const other = makeBundlePayload();
    expect(verifyHeldDcc(dcc.code, other, NOW)).toMatchObject({ ok: false, error: { code: 'SIGNER_UNKNOWN' } });
  });

  it('is keyed on the bundle object: a new bundle verifies again, the old one keeps its result', () => {
    const ci = 'URN:UVCI:01:ID:CACHEKEY0001#C';
    const dcc = issue(vaccinationDcc(2, 2, { ci }));
    const firstDose = singgah(vaccination(1, 2, date(NOW - 90 * DAY), '6472'));
    const before = { ...bundle };
    const first = verifyHeldDcc(dcc.code, before, NOW);
    expect(first.ok).toBe(true);
    // The next bundle has the same signers and revokes this DCC: a cache keyed on the text alone, or on the
    // signers, would keep saying it verifies.
    const hash = createHash('sha256').update(ci).digest().subarray(0, 16).toString('base64');
    const next = { ...before, dccRevocations: { uci: [hash] } };
    expect(verifyHeldDcc(dcc.code, next, NOW)).toMatchObject({ ok: false, error: { code: 'CERTIFICATE_REVOKED' } });
    expect(outcome([firstDose, dcc], '6472', next)).toMatchObject({ outcome: 'DENIED', status: 'yellow' });
    // The bundle it was verified under still answers from its cache (the very same result object).
    expect(verifyHeldDcc(dcc.code, before, NOW)).toBe(first);
    expect(outcome([firstDose, dcc], '6472', before)).toMatchObject({ outcome: 'ALLOWED' });
  });
});

describe('the time window of a cached verification', () => {
  it('keeps a pass and re-checks its window on each read, both ends inclusive; never keeps a time failure', () => {
    const iat = NOW - DAY;
    const exp = NOW + DAY;
    const dcc = issue(vaccinationDcc(2, 2, { ci: 'URN:UVCI:01:ID:WINDOW0001#W' }), trusted, iat, exp);
    const b = { ...bundle };
    // Not yet valid first: that answer must not stick once the time has come.
    expect(verifyHeldDcc(dcc.code, b, iat - 1)).toMatchObject({
      ok: false,
      error: { code: 'CERTIFICATE_NOT_YET_VALID' },
    });
    const first = verifyHeldDcc(dcc.code, b, NOW);
    expect(first.ok).toBe(true);
    expect(verifyHeldDcc(dcc.code, b, iat)).toBe(first);
    expect(verifyHeldDcc(dcc.code, b, exp)).toBe(first);
    expect(verifyHeldDcc(dcc.code, b, iat - 1)).toMatchObject({
      ok: false,
      error: { code: 'CERTIFICATE_NOT_YET_VALID' },
    });
    expect(verifyHeldDcc(dcc.code, b, exp + 1)).toMatchObject({ ok: false, error: { code: 'CERTIFICATE_EXPIRED' } });
    // Expired first: not kept either.
    const later = issue(vaccinationDcc(2, 2, { ci: 'URN:UVCI:01:ID:WINDOW0002#W' }), trusted, iat, exp);
    expect(verifyHeldDcc(later.code, b, exp + 1)).toMatchObject({ ok: false, error: { code: 'CERTIFICATE_EXPIRED' } });
    expect(verifyHeldDcc(later.code, b, NOW).ok).toBe(true);
  });

  it('keeps a failure that time cannot change', () => {
    const dcc = issue(vaccinationDcc(2, 2), stranger);
    const b = { ...bundle };
    const first = verifyHeldDcc(dcc.code, b, NOW);
    expect(first).toMatchObject({ ok: false, error: { code: 'SIGNER_UNKNOWN' } });
    expect(verifyHeldDcc(dcc.code, b, NOW + DAY)).toBe(first);
  });
});

describe('what a DCC counts as at the door', () => {
  const dayOf = (d: string) => Date.parse(`${d}T00:00:00Z`) / 1000;
  const from = date(NOW - 20 * DAY);
  const until = date(NOW + 20 * DAY);
  const recovery = {
    ...PAYLOADS.r,
    nam,
    dob,
    r: [{ ...PAYLOADS.r.r[0], fr: date(NOW - 30 * DAY), df: from, du: until }],
  };

  it('a recovery counts from the first to the last day of its validity, and expires with that day', () => {
    const dcc = issue(recovery);
    const counted = (at: number) => countedDccs([dcc], bundle, at);
    expect(dcc.kind).toBe('recovery');
    expect(counted(dayOf(from) - 1)).toEqual([]);
    const end = dayOf(until) + DAY - 1;
    for (const at of [dayOf(from), NOW, end])
      expect(counted(at), String(at)).toEqual([
        {
          held: dcc,
          fact: {
            kind: 'recovery',
            firstPositiveDate: date(NOW - 30 * DAY),
            validFrom: from,
            validUntil: until,
            expiresAt: end,
          },
        },
      ]);
    expect(counted(end + 1)).toEqual([]);
  });

  it('a vaccination or test counts with its fact as it is; Singgah certificates and unverified DCCs are not DCCs that count', () => {
    const v = issue(vaccinationDcc(2, 2));
    const t = issue(pcrDcc(NOW - 2 * HOUR));
    expect(t.kind).toBe('test');
    const counted = countedDccs(
      [singgah(vaccination(1, 2, date(NOW - 30 * DAY))), v, t, issue(vaccinationDcc(1, 2), stranger)],
      bundle,
      NOW,
    );
    expect(counted).toEqual([
      {
        held: v,
        fact: { kind: 'vaccination', product: PAYLOADS.v.v[0].mp, dose: 2, doses: 2, date: date(NOW - 60 * DAY) },
      },
      { held: t, fact: { kind: 'test', testType: 'pcr', result: 'neg', sampleTime: NOW - 2 * HOUR } },
    ]);
  });

  it('names each rule that refused a DCC once, in the reader’s language, else English', () => {
    const described = (id: string, type: string) => ({
      ...rule(id, false, type),
      Description: [
        { lang: 'de', desc: `Regel ${id}` },
        { lang: 'id', desc: `aturan ${id}` },
        { lang: 'en', desc: `rule ${id}` },
      ],
      AffectedFields: [],
    });
    const b: BundlePayload = {
      ...bundle,
      dccRules: { country: 'ID', rules: [described('VR-ID-0100', 'Vaccination'), described('RR-ID-0100', 'Recovery')] },
    };
    const certs = [
      singgah(vaccination(1, 2, date(NOW - 30 * DAY))),
      issue(vaccinationDcc(2, 2)),
      issue(vaccinationDcc(1, 2, { ci: 'URN:UVCI:01:ID:RULES0002#R' })),
      issue(pcrDcc(NOW - 2 * HOUR)), // no test rule: verified, not refused
      issue(vaccinationDcc(2, 2), stranger), // refused by trust, not by a rule
      issue(recovery),
    ];
    expect(dccRuleRefusals(certs, b, NOW)).toEqual([
      { ruleId: 'VR-ID-0100', text: { id: 'VR-ID-0100: aturan VR-ID-0100', en: 'VR-ID-0100: rule VR-ID-0100' } },
      { ruleId: 'RR-ID-0100', text: { id: 'RR-ID-0100: aturan RR-ID-0100', en: 'RR-ID-0100: rule RR-ID-0100' } },
    ]);
    expect(dccRuleRefusals(certs, bundle, NOW)).toEqual([]);
  });

  it('a verified DCC that proves no known fact counts for nothing, with or without a rule refusing it', () => {
    const odd = pcrDcc(NOW - 2 * HOUR);
    const unknownType = issue({ ...odd, t: [{ ...odd.t[0], tt: 'LP0000-0' }] });
    expect(verifyHeldDcc(unknownType.code, bundle, NOW)).toMatchObject({ ok: true, value: { fact: null } });
    expect(countedDccs([unknownType], bundle, NOW)).toEqual([]);
    const refusing: BundlePayload = {
      ...bundle,
      dccRules: {
        country: 'ID',
        rules: [
          {
            Identifier: 'TR-ID-0100',
            Type: 'Acceptance',
            Country: 'ID',
            Version: '1.0.0',
            SchemaVersion: '1.3.0',
            Engine: 'CERTLOGIC',
            EngineVersion: '1.2.2',
            CertificateType: 'Test',
            Description: [{ lang: 'en', desc: 'never' }],
            ValidFrom: '2021-01-01T00:00:00Z',
            ValidTo: '2099-01-01T00:00:00Z',
            AffectedFields: [],
            Logic: false,
          },
        ],
      },
    };
    expect(countedDccs([unknownType], refusing, NOW)).toEqual([]);
  });
});

describe('an HC1 text scanned or pasted', () => {
  it('is classified as a DCC without decoding, and reaches the import route intact', () => {
    const text = signDcc({ by: trusted, payload: vaccinationDcc(2, 2) });
    expect(parseScanned(text)).toEqual({ ok: true, value: { kind: 'dcc', text } });
    expect(parseScanned(`HC1:${'A'.repeat(4300)}`)).toMatchObject({ ok: false, error: { code: 'INPUT_TOO_LARGE' } });
    const path = foreignImportPath(text);
    expect(path).toMatch(/^\/c#HC1%3A[^ ]*$/);
    expect(parseRoute('/c', path.slice(2))).toEqual({ name: 'certificate', code: text });
    // A Singgah certificate link is untouched.
    expect(parseRoute('/c', '#0123')).toEqual({ name: 'certificate', code: '0123' });
  });
});

describe('decoding a DCC for storage', () => {
  it('names its kind from the one group it holds', () => {
    expect(issue(vaccinationDcc(2, 2)).kind).toBe('vaccination');
    expect(issue(pcrDcc(NOW - HOUR)).kind).toBe('test');
    expect(issue(PAYLOADS.r).kind).toBe('recovery');
  });

  it('refuses one without an expiry or an issue time (CWT_CLAIMS_INVALID)', () => {
    for (const claim of [4, 6]) {
      const text = signDcc({
        by: trusted,
        payload: vaccinationDcc(2, 2),
        claims: (c) => {
          c.delete(claim);
          return c;
        },
      });
      expect(decodeDcc(text)).toMatchObject({ ok: false, error: { code: 'CWT_CLAIMS_INVALID' } });
    }
  });
});
