/** Issuer names: the policy file names each key role's issuer; the bundle's keys carry it, re-signing keeps it. */
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/core/bundle';
import { bundlePayloadFrom, issuerNamesOf, nameKeys } from '../../src/core/policy-file';
import { anchor, defaultKeys, makeBundle, NOW, policy } from '../support/authority';

const MOH = { id: 'Kementerian Kesehatan RI', en: 'Ministry of Health of Indonesia' };

describe('issuer names', () => {
  it('names every key of a named role, verifies, and reads back by role', () => {
    const payload = bundlePayloadFrom({ ...policy, issuerNames: { certificate: MOH } }, defaultKeys, 1, NOW);
    const cert = payload.keys.filter((k) => k.role === 'certificate');
    expect(cert.length).toBeGreaterThan(0);
    expect(cert.every((k) => k.name?.id === MOH.id)).toBe(true);
    expect(payload.keys.filter((k) => k.role !== 'certificate').every((k) => k.name === undefined)).toBe(true);
    const verified = verifyBundle(makeBundle(payload), anchor);
    expect(verified.ok && verified.value.payload.keys.find((k) => k.role === 'certificate')?.name).toEqual(MOH);
    expect(issuerNamesOf(payload.keys)).toEqual({ certificate: MOH });
    // An unnamed key of the same role listed later does not take the name away.
    expect(issuerNamesOf([...payload.keys, { ...cert[0], name: undefined }])).toEqual({ certificate: MOH });
  });

  it('leaves keys unnamed without names, and a new name replaces an old one', () => {
    const plain = bundlePayloadFrom({ ...policy, issuerNames: undefined }, defaultKeys, 1, NOW);
    expect(plain.keys.every((k) => !('name' in k))).toBe(true);
    const renamed = nameKeys(nameKeys(plain.keys, { venue: MOH }), { venue: { id: 'Dinkes', en: 'Health office' } });
    expect(renamed.filter((k) => k.role === 'venue').map((k) => k.name?.id)).toEqual(
      plain.keys.filter((k) => k.role === 'venue').map(() => 'Dinkes'),
    );
  });

  it('rejects a name with hostile text or unknown fields', () => {
    const bad = bundlePayloadFrom(
      { ...policy, issuerNames: { venue: { id: 'a\u202eb', en: 'x' } } },
      defaultKeys,
      1,
      NOW,
    );
    expect(verifyBundle(makeBundle(bad), anchor).ok).toBe(false);
  });
});
