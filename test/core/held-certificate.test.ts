/**
 * The light held-certificate helpers the wallet and the people list use without decoding a DCC: which held
 * certificate is a positive test (it keeps counting after the person deletes it) and the name shown.
 */
import { describe, expect, it } from 'vitest';
import { type Certificate, decodeCertificate, type SignedCertificate } from '../../src/core/certificate';
import {
  dccHolderKey,
  dccHolderName,
  foreignHolderOf,
  type HeldDcc,
  type HeldShc,
  holderMatches,
  holderNameOf,
  isPositiveTest,
  personOfForeign,
  shcHolderKey,
  shcHolderName,
} from '../../src/core/held-certificate';
import { decodeDcc } from '../../src/core/held-dcc';
import { decodeShc } from '../../src/core/held-shc';
import { NOW, pcr, signCertificate, vaccination } from '../support/authority';
import { makeSigner, PAYLOADS, signDcc } from '../support/dcc-sign';
import { cardPayload, immunization, labResult, makeShcIssuer, shcQr } from '../support/shc-sign';

const DETECTED = '260373001';
const NOT_DETECTED = '260415000';
const signer = makeSigner('ES256', { country: 'ID' });
const dob = '1985-04-12';

const singgah = (c: Certificate): SignedCertificate => {
  const d = decodeCertificate(signCertificate(c));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const dcc = (payload: unknown): HeldDcc => {
  const d = decodeDcc(signDcc({ by: signer, payload, iat: NOW - 86_400, exp: NOW + 86_400 }));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const dccTest = (tr: string) => dcc({ ...PAYLOADS.t, t: [{ ...PAYLOADS.t.t[0], tr }] });
const shcIssuer = makeShcIssuer();
const shc = (resources: Record<string, unknown>[]): HeldShc => {
  const d = decodeShc(shcQr(shcIssuer, cardPayload(resources)).join('\n'));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const shcPcr = (result: string) => labResult('94309-2', result, '2026-11-29T08:00:00+09:00');

describe('isPositiveTest', () => {
  it('a Singgah test counts only when its result is pos; a vaccination never', () => {
    expect(isPositiveTest(singgah(pcr('pos', NOW - 3_600)))).toBe(true);
    expect(isPositiveTest(singgah(pcr('neg', NOW - 3_600)))).toBe(false);
    expect(isPositiveTest(singgah(vaccination(2, 2, '2026-01-10')))).toBe(false);
  });

  it('an EU DCC test counts only when its result is "detected" (SNOMED 260373001); a DCC vaccination never', () => {
    expect(isPositiveTest(dccTest(DETECTED))).toBe(true);
    expect(isPositiveTest(dccTest(NOT_DETECTED))).toBe(false);
    expect(isPositiveTest(dcc(PAYLOADS.v))).toBe(false);
  });

  it('a SMART Health Card counts when any of its lab results is positive; a vaccination card never', () => {
    expect(isPositiveTest(shc([shcPcr(DETECTED)]))).toBe(true);
    expect(isPositiveTest(shc([shcPcr(NOT_DETECTED), shcPcr(DETECTED)]))).toBe(true);
    expect(isPositiveTest(shc([shcPcr(NOT_DETECTED)]))).toBe(false);
    expect(isPositiveTest(shc([immunization('208', '2026-01-10')]))).toBe(false);
  });
});

describe('holder names', () => {
  it('a DCC shows the name as written, given name first; blank parts are left out', () => {
    expect(dccHolderName({ dob, gn: 'Budi', fn: 'Santoso', gnt: 'BUDI', fnt: 'SANTOSO' })).toBe('Budi Santoso');
    expect(dccHolderName({ dob, gn: '  ', fn: 'Santoso', fnt: 'SANTOSO' })).toBe('Santoso');
  });

  it('with no written name a DCC shows its transliteration; a Singgah certificate its holder name', () => {
    expect(dccHolderName({ dob, fn: ' ', gnt: 'BUDI', fnt: 'SANTOSO' })).toBe('BUDI SANTOSO');
    expect(dccHolderName({ dob, fnt: 'SANTOSO', gnt: '' })).toBe('SANTOSO');
    expect(dccHolderName({ dob, fnt: 'SANTOSO' })).toBe('SANTOSO');
    const c = singgah(vaccination(1, 2, '2026-01-10'));
    expect(holderNameOf(c)).toBe(c.certificate.holder.name);
    expect(holderNameOf(dcc(PAYLOADS.v))).toBe(dccHolderName({ dob, ...PAYLOADS.v.nam }));
  });

  it('a SMART Health Card shows its given names then its family name, blank parts left out', () => {
    const card = shc([immunization('208', '2026-01-10')]);
    expect(holderNameOf(card)).toBe('Hanako Yamada');
    expect(foreignHolderOf(card)).toEqual({ name: 'Hanako Yamada', birthDate: '1985-04-12' });
    expect(shcHolderName({ given: ['Hanako', 'Maria'], family: 'Yamada', birthDate: dob })).toBe('Hanako Maria Yamada');
    expect(shcHolderName({ given: ['Hanako', ' '], birthDate: dob })).toBe('Hanako');
  });

  it("a card's holder key keeps each given name a token of its own, as a DCC's does", () => {
    const key = shcHolderKey({ given: ['Maria', 'Hanako'], family: 'Yamada', birthDate: dob });
    expect(key).toBe(`eu-dcc|HANAKO MARIA YAMADA|${dob}`);
    expect(key).toBe(dccHolderKey({ dob, gnt: 'HANAKO<MARIA', fnt: 'YAMADA' }));
    // A missing family name adds no token.
    expect(shcHolderKey({ given: ['Hanako'], birthDate: dob })).toBe(`eu-dcc|HANAKO|${dob}`);
    expect(dccHolderKey({ dob, gnt: 'HANAKO' })).toBe(`eu-dcc|HANAKO|${dob}`);
  });
});

describe('the DCC holder key', () => {
  it('is the sorted transliterated tokens and the birth date: given and family name order does not matter', () => {
    expect(dccHolderKey({ dob, gnt: 'BUDI', fnt: 'SANTOSO' })).toBe(`eu-dcc|BUDI SANTOSO|${dob}`);
    expect(dccHolderKey({ dob, gnt: 'SANTOSO', fnt: 'BUDI' })).toBe(`eu-dcc|BUDI SANTOSO|${dob}`);
    expect(dccHolderKey({ dob, fnt: 'SANTOSO' })).toBe(`eu-dcc|SANTOSO|${dob}`);
    expect(dccHolderKey({ dob, gnt: 'BUDI<ADI', fnt: 'SANTOSO' })).toBe(`eu-dcc|ADI BUDI SANTOSO|${dob}`);
  });
});

describe('whose DCC it is', () => {
  const budi = { name: 'Budi Santoso', birthDate: dob, region: '6472' };
  const held = dcc({ ...PAYLOADS.v, nam: { fn: 'Santoso', fnt: 'SANTOSO', gn: 'Budi', gnt: 'BUDI' }, dob });

  it('an empty transliteration never matches a name with no Latin letters, even on the same birth date', () => {
    expect(holderMatches({ dob, fnt: '' }, { ...budi, name: 'بودي' })).toBe(false);
  });

  it('one holder who does not match is not a candidate: the DCC stands as its own person', () => {
    const other = new Map([['k-siti', { ...budi, name: 'Siti Aminah' }]]);
    expect(personOfForeign(held, other)).toEqual({ key: held.holderKey, candidates: [] });
  });

  it('two matching holders: the chosen one if it is among them, else the DCC stands alone, never the first', () => {
    const twins = new Map([
      ['k-1', budi],
      ['k-2', { ...budi, region: '3374' }],
    ]);
    expect(personOfForeign(held, twins)).toEqual({ key: held.holderKey, candidates: ['k-1', 'k-2'] });
    expect(personOfForeign(held, twins, 'k-2').key).toBe('k-2');
    expect(personOfForeign(held, twins, 'k-9').key).toBe(held.holderKey);
  });
});
