/**
 * SMART Health Cards as certificates: decoded for storage without trust (chunks in any order give one card),
 * joined to a Singgah holder or a DCC of the same name and full birth date, and counted in decisions and on the
 * pass only when they verify against the bundle's `shcIssuers` at `now` — cached per bundle.
 */
import { describe, expect, it } from 'vitest';
import type { BundlePayload } from '../../src/core/bundle';
import { type Certificate, decodeCertificate, holderKey, type SignedCertificate } from '../../src/core/certificate';
import { decodeHeldCertificate } from '../../src/core/dcc-codec';
import { decidePerson } from '../../src/core/eligibility';
import { dccHolderKey, type HeldCertificate, type HeldShc, personOfForeign } from '../../src/core/held-certificate';
import { decodeShc, verifyHeldShc } from '../../src/core/held-shc';
import { passOf } from '../../src/core/pass-facts';
import { shcPasteOf } from '../../src/core/qr-link';
import { DAY, HOUR, kaltimOffice, makeBundlePayload, NOW, signCertificate, vaccination } from '../support/authority';
import { bigPayload, cardPayload, immunization, labResult, makeShcIssuer, shcQr, trustOf } from '../support/shc-sign';

const issuer = makeShcIssuer();
const stranger = makeShcIssuer('https://shc.stranger.example');
const bundle = makeBundlePayload({ shcIssuers: trustOf('Test issuer', issuer) });
const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const iso = (t: number) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
// The Singgah holder of test/support/authority.ts: Budi Santoso, born 1985-04-12, from Samarinda (6472).
const BUDI = { resourceType: 'Patient', name: [{ family: 'Santoso', given: ['Budi'] }], birthDate: '1985-04-12' };

const card = (resources: Record<string, unknown>[], o: { by?: typeof issuer; exp?: number; patient?: object } = {}) => {
  const by = o.by ?? issuer;
  const payload = cardPayload(resources, { iss: by.iss, nbf: NOW - 10 * DAY, ...(o.exp ? { exp: o.exp } : {}) }) as {
    vc: { credentialSubject: { fhirBundle: { entry: { resource: object }[] } } };
  };
  if (o.patient) payload.vc.credentialSubject.fhirBundle.entry[0].resource = o.patient;
  const d = decodeShc(shcQr(by, payload).join('\n'));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const twoDoses = () => [immunization('208', date(NOW - 90 * DAY)), immunization('208', date(NOW - 60 * DAY))];
const negativePcr = (sampled: number) => labResult('94309-2', '260415000', iso(sampled));
const singgah = (c: Certificate): SignedCertificate => {
  const d = decodeCertificate(signCertificate(c));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const ctx = (b: BundlePayload = bundle, now = NOW) => ({ bundle: b, now, trustedTime: now - DAY, appVersion: '1.0.0' });
const decide = (certs: HeldCertificate[], region = '', b?: BundlePayload, now?: number) =>
  decidePerson(certs, region, kaltimOffice, ctx(b, now));

describe('a SMART Health Card held as a certificate', () => {
  it('decodes for storage without a trusted issuer: holder, doses, lab results, identity from the JWS', () => {
    const c = card([...twoDoses(), negativePcr(NOW - 20 * HOUR)], { by: stranger });
    expect(c).toMatchObject({
      format: 'shc',
      kind: 'vaccination',
      iss: stranger.iss,
      holder: { family: 'Yamada', given: ['Hanako'], birthDate: '1985-04-12' },
      holderKey: 'eu-dcc|HANAKO YAMADA|1985-04-12',
      issuedAt: NOW - 10 * DAY,
    });
    expect(c.immunizations.map((i) => [i.product, i.dose, i.doses])).toEqual([
      ['Pfizer', 1, 2],
      ['Pfizer', 2, 2],
    ]);
    expect(c.labResults.map((r) => [r.testType, r.result])).toEqual([['pcr', 'neg']]);
    expect(c.contentId).toMatch(/^shc-[0-9a-f]{64}$/);
    // The same text through the store's decoder (installed by held-shc.ts) gives the same card.
    expect(decodeHeldCertificate(c.code)).toEqual({ ok: true, value: c });
  });

  it('gives one card, its parts in order, however its chunks were listed; refuses a missing or foreign part', () => {
    const texts = shcQr(issuer, bigPayload(2400));
    expect(texts.length).toBeGreaterThan(1);
    const inOrder = decodeShc(texts.join('\n'));
    const reversed = decodeShc([...texts].reverse().join('\r\n'));
    expect(inOrder.ok && reversed.ok && reversed.value).toEqual(inOrder.ok && inOrder.value);
    expect(inOrder.ok && inOrder.value.code).toBe(texts.join('\n'));
    expect(decodeShc(texts.slice(1).join('\n'))).toMatchObject({ ok: false, error: { code: 'SHC_CHUNK_MISSING' } });
    const other = shcQr(issuer, bigPayload(3000));
    expect(decodeShc([texts[0], other[1]].join('\n')).ok).toBe(false);
    expect(decodeShc(`${texts.join('\n')}\n${texts[0]}`)).toMatchObject({
      ok: false,
      error: { code: 'SHC_CHUNK_INVALID' },
    });
    // A paste of every part, separated by spaces, is the same card.
    expect(decodeShc(shcPasteOf(texts.join('  ')) ?? '')).toEqual(inOrder);
  });

  it('refuses what is not a well-formed card, with the step’s code', () => {
    const good = shcQr(issuer, cardPayload(twoDoses()))[0];
    expect(decodeShc(`${good}7`)).toMatchObject({ ok: false, error: { code: 'SHC_NUMERIC_INVALID' } });
    expect(decodeShc(shcQr(issuer, cardPayload(twoDoses()), { der: true })[0])).toMatchObject({
      ok: false,
      error: { code: 'SHC_SIGNATURE_FORMAT' },
    });
    expect(decodeShc(shcQr(issuer, { iss: issuer.iss, nbf: NOW })[0])).toMatchObject({
      ok: false,
      error: { code: 'SHC_PAYLOAD_INVALID' },
    });
  });
});

describe('decoding a held card’s text', () => {
  const payloadOf = (resources: Record<string, unknown>[], o: { nbf?: number; exp?: number } = {}) =>
    cardPayload(resources, { iss: issuer.iss, nbf: NOW - 10 * DAY, ...o });

  it('is the same card, with the same identity, as one QR or split anywhere into chunks', () => {
    const [single] = shcQr(issuer, payloadOf(twoDoses()));
    const digits = single.slice('shc:/'.length);
    const at = 2 * 301;
    const split = [`shc:/2/2/${digits.slice(at)}`, `shc:/1/2/${digits.slice(0, at)}`];
    const one = decodeShc(single);
    const two = decodeShc(split.join('\n'));
    expect(one.ok && two.ok && two.value.contentId).toBe(one.ok && one.value.contentId);
    expect(two.ok && two.value.code).toBe(`shc:/1/2/${digits.slice(0, at)}\nshc:/2/2/${digits.slice(at)}`);
    // Ten parts (two-digit headers) are still the same card.
    const size = Math.ceil(digits.length / 20) * 2;
    const ten = Array.from({ length: 10 }, (_, i) => `shc:/${i + 1}/10/${digits.slice(i * size, (i + 1) * size)}`);
    const tenParts = decodeShc([...ten].reverse().join('\n'));
    expect(tenParts.ok && tenParts.value.code).toBe(ten.join('\n'));
    expect(tenParts.ok && tenParts.value.contentId).toBe(one.ok && one.value.contentId);
    const other = decodeShc(shcQr(issuer, payloadOf(twoDoses()))[0]);
    expect(other.ok && other.value.contentId).not.toBe(one.ok && one.value.contentId);
  });

  it('trims the paste and each line; a text after a complete card is refused', () => {
    const [single] = shcQr(issuer, payloadOf(twoDoses()));
    const plain = decodeShc(single);
    expect(decodeShc(`\n  ${single}  \r\n`)).toEqual(plain);
    const texts = shcQr(issuer, bigPayload(2400));
    expect(decodeShc(texts.map((t) => `  ${t} `).join('\r\n'))).toEqual(decodeShc(texts.join('\n')));
    expect(decodeShc(`${single}\n${single}`)).toMatchObject({
      ok: false,
      error: { code: 'SHC_CHUNK_INVALID', detail: 'more texts than the card has parts' },
    });
    expect(decodeShc('')).toMatchObject({ ok: false, error: { code: 'SHC_PREFIX_MISSING' } });
    expect(decodeShc(texts[0])).toMatchObject({
      ok: false,
      error: { code: 'SHC_CHUNK_MISSING', detail: `missing part(s) of ${texts.length}` },
    });
  });

  it('is a test card only with lab results and no immunization; keeps whole seconds of nbf and exp', () => {
    const kindOf = (resources: Record<string, unknown>[]) => {
      const d = decodeShc(shcQr(issuer, payloadOf(resources))[0]);
      return d.ok ? d.value.kind : d.error.code;
    };
    expect(kindOf([negativePcr(NOW - HOUR)])).toBe('test');
    expect(kindOf([])).toBe('vaccination');
    expect(kindOf([negativePcr(NOW - HOUR), ...twoDoses()])).toBe('vaccination');
    const d = decodeShc(shcQr(issuer, payloadOf(twoDoses(), { nbf: NOW - 0.5, exp: NOW + 0.9 }))[0]);
    expect(d.ok && [d.value.issuedAt, d.value.expiresAt]).toEqual([NOW - 1, NOW]);
    const noExp = decodeShc(shcQr(issuer, payloadOf(twoDoses()))[0]);
    expect(noExp.ok && 'expiresAt' in noExp.value).toBe(false);
  });

  it('stores an expired card or one from an unknown issuer: trust is decided at the door', () => {
    const expired = decodeShc(shcQr(stranger, cardPayload(twoDoses(), { iss: stranger.iss, nbf: 100, exp: 200 }))[0]);
    expect(expired).toMatchObject({ ok: true, value: { iss: stranger.iss, issuedAt: 100, expiresAt: 200 } });
  });
});

describe('a card at the door', () => {
  it('is ALLOWED at the governor’s office on its own facts: two doses and, as a visitor, a PCR within 48 h', () => {
    const c = card([...twoDoses(), negativePcr(NOW - 20 * HOUR)]);
    expect(decide([c])).toMatchObject({ outcome: 'ALLOWED', status: 'green' });
    // Without the PCR a visitor is refused; an old PCR does not help.
    expect(decide([card(twoDoses())])).toMatchObject({ outcome: 'DENIED', status: 'green' });
    expect(decide([card([...twoDoses(), negativePcr(NOW - 60 * HOUR)])]).outcome).toBe('DENIED');
  });

  it('counts nothing from an untrusted, expired or not yet valid card', () => {
    const doses = twoDoses();
    expect(decide([card(doses, { by: stranger })])).toMatchObject({ outcome: 'DENIED', status: 'red' });
    const expiring = card(doses, { exp: NOW + DAY });
    expect(decide([expiring]).status).toBe('green');
    expect(decide([expiring], '', bundle, NOW + 2 * DAY).status).toBe('red');
  });

  it('joins the Singgah holder of the same name and birth date: his first dose and the card’s second', () => {
    const first = singgah(vaccination(1, 2, date(NOW - 90 * DAY), '6472'));
    const c = card([immunization('208', date(NOW - 60 * DAY), { protocolApplied: [{ doseNumberPositiveInt: 2 }] })], {
      patient: BUDI,
    });
    const holders = new Map([[holderKey(first.certificate.holder), first.certificate.holder]]);
    expect(personOfForeign(c, holders).key).toBe(holderKey(first.certificate.holder));
    expect(decide([first], '6472').status).toBe('yellow');
    expect(decide([first, c], '6472')).toMatchObject({ outcome: 'ALLOWED', status: 'green' });
  });

  it('groups with a DCC of the same name and birth date (one visitor, two formats)', () => {
    const c = card(twoDoses(), { patient: BUDI });
    expect(c.holderKey).toBe(dccHolderKey({ fnt: 'SANTOSO', gnt: 'BUDI', dob: '1985-04-12' }));
    // A name in a script without Latin letters never groups by birth date alone.
    const kanji = card(twoDoses(), { patient: { ...BUDI, name: [{ family: '山田', given: ['花子'] }] } });
    expect(kanji.holderKey).toBe('shc|花子 山田|1985-04-12');
  });
});

describe('the pass and the cache', () => {
  it('lists the card behind each fact it proves, and keeps it out of the Singgah pass QR', () => {
    const c = card([...twoDoses(), negativePcr(NOW - 20 * HOUR)]);
    const pass = passOf([c], '', ctx());
    expect(pass.status.status).toBe('green');
    expect(pass.facts.map((f) => [f.kind, 'certificate' in f && f.certificate === c])).toEqual([
      ['vaccination', true],
      ['test', true],
    ]);
    expect(pass.certificates).toEqual([]);
  });

  it('verifies a text once per bundle; its time window is checked again on every read', () => {
    const c: HeldShc = card(twoDoses(), { exp: NOW + DAY });
    const first = verifyHeldShc(c.code, bundle, NOW);
    expect(first.ok).toBe(true);
    expect(verifyHeldShc(c.code, bundle, NOW + HOUR)).toBe(first);
    expect(verifyHeldShc(c.code, bundle, NOW + 2 * DAY)).toMatchObject({
      ok: false,
      error: { code: 'CERTIFICATE_EXPIRED' },
    });
    expect(verifyHeldShc(c.code, bundle, NOW - 11 * DAY)).toMatchObject({
      ok: false,
      error: { code: 'CERTIFICATE_NOT_YET_VALID' },
    });
    const other = makeBundlePayload({ shcIssuers: [] });
    expect(verifyHeldShc(c.code, other, NOW)).toMatchObject({ ok: false, error: { code: 'SHC_ISSUER_UNKNOWN' } });
  });

  it('the cached window includes its bounds; a failure is kept unless it depends on the time', () => {
    const c = card(twoDoses(), { exp: NOW + DAY });
    const b = makeBundlePayload({ shcIssuers: trustOf('Test issuer', issuer) });
    // Expired first: not kept, so the same text verifies at a time inside its window.
    expect(verifyHeldShc(c.code, b, NOW + 2 * DAY)).toMatchObject({
      ok: false,
      error: { code: 'CERTIFICATE_EXPIRED' },
    });
    const inside = verifyHeldShc(c.code, b, NOW);
    expect(inside.ok).toBe(true);
    expect(verifyHeldShc(c.code, b, NOW - 10 * DAY)).toBe(inside);
    expect(verifyHeldShc(c.code, b, NOW + DAY)).toBe(inside);
    const early = makeBundlePayload({ shcIssuers: trustOf('Test issuer', issuer) });
    expect(verifyHeldShc(c.code, early, NOW - 11 * DAY)).toMatchObject({
      error: { code: 'CERTIFICATE_NOT_YET_VALID' },
    });
    expect(verifyHeldShc(c.code, early, NOW).ok).toBe(true);
    // A failure for any other reason is the bundle's answer for that text.
    // A bundle from before SMART Health Cards trusts no card.
    const { shcIssuers: _, ...older } = makeBundlePayload({ shcIssuers: [] });
    expect(verifyHeldShc(c.code, older, NOW)).toMatchObject({ ok: false, error: { code: 'SHC_ISSUER_UNKNOWN' } });
    const none = makeBundlePayload({ shcIssuers: [] });
    const unknown = verifyHeldShc(c.code, none, NOW);
    expect(verifyHeldShc(c.code, none, NOW + HOUR)).toBe(unknown);
  });

  it('an expired card that is also revoked is not remembered as expired: inside its window it is revoked', () => {
    const revoking = makeShcIssuer(issuer.iss, { revokedRids: ['gone'] });
    const payload = cardPayload(twoDoses(), { iss: issuer.iss, nbf: NOW - 10 * DAY, exp: NOW + DAY, rid: 'gone' });
    const d = decodeShc(shcQr(revoking, payload)[0]);
    if (!d.ok) throw new Error(d.error.code);
    const b = makeBundlePayload({ shcIssuers: trustOf('Test issuer', revoking) });
    expect(verifyHeldShc(d.value.code, b, NOW + 2 * DAY)).toEqual({
      ok: false,
      error: { code: 'CERTIFICATE_EXPIRED', detail: 'CERTIFICATE_EXPIRED CERTIFICATE_REVOKED' },
    });
    expect(verifyHeldShc(d.value.code, b, NOW)).toEqual({
      ok: false,
      error: { code: 'CERTIFICATE_REVOKED', detail: 'CERTIFICATE_REVOKED' },
    });
  });

  it('keeps at most 2,048 texts per bundle, then starts afresh', () => {
    const c = card(twoDoses());
    const b = makeBundlePayload({ shcIssuers: trustOf('Test issuer', issuer) });
    const first = verifyHeldShc(c.code, b, NOW);
    for (let i = 1; i < 2048; i++) verifyHeldShc(`shc:/${i}`, b, NOW);
    expect(verifyHeldShc(c.code, b, NOW)).toBe(first);
    verifyHeldShc('shc:/2048', b, NOW);
    const again = verifyHeldShc(c.code, b, NOW);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
