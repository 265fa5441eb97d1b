import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/core/bundle';
import { decodeCertificate } from '../../src/core/certificate';
import { decodeDcc } from '../../src/core/held-dcc';
import type { StoredCertificate } from '../../src/store';
import { contextOf, decide, decideNobody, groupPeople, statusOf } from '../../src/ui/people';
import {
  anchor,
  kaltimOffice,
  makeBundle,
  NOW,
  pcr,
  semarangMosque,
  signCertificate,
  vaccination,
} from '../support/authority';
import { makeSigner, PAYLOADS, signDcc } from '../support/dcc-sign';

const stored = (c: ReturnType<typeof vaccination>, importedAt = NOW, deletedAt?: number): StoredCertificate => {
  const d = decodeCertificate(signCertificate(c));
  if (!d.ok) throw new Error(d.error.code);
  return {
    record: {
      contentId: d.value.blob.contentId,
      code: d.value.code,
      kind: c.kind,
      holderKey: `${c.holder.name.toLowerCase()}|${c.holder.birthDate}`,
      importedAt,
      ...(deletedAt === undefined ? {} : { deletedAt }),
    },
    signed: d.value,
  };
};
const bundle = (() => {
  const v = verifyBundle(makeBundle(), anchor);
  if (!v.ok) throw new Error(v.error.code);
  return v.value.payload;
})();

describe('people', () => {
  it('groups certificates by holder, owner (first imported) first', () => {
    const budi1 = stored(vaccination(1, 2, '2026-01-10'), NOW - 100);
    const budi2 = stored(vaccination(2, 2, '2026-02-10'), NOW - 50);
    const siti = stored(
      { ...vaccination(2, 2, '2026-02-10'), holder: { name: 'Siti', birthDate: '1990-01-01', region: '3374' } },
      NOW - 10,
    );
    const people = groupPeople([siti, budi2, budi1]);
    expect(people.map((p) => [p.name, p.certificates.length])).toEqual([
      ['Budi Santoso', 2],
      ['Siti', 1],
    ]);
  });

  it('a positive test in the recycle bin still counts (held); other deleted certificates do not', () => {
    const ctx = contextOf(bundle, NOW, NOW - 86_400, '0.1.0');
    const vac = stored(vaccination(2, 2, '2026-01-10'));
    const positive = stored(pcr('pos', NOW - 2 * 86_400), NOW - 100, NOW - 50);
    const deletedVac = stored(vaccination(1, 2, '2025-12-10'), NOW - 100, NOW - 50);
    const [budi] = groupPeople([vac], [], [positive, deletedVac]);
    expect(budi.held).toEqual([positive]);
    expect(budi.certificates).toEqual([vac, positive]);
    expect(statusOf(budi, ctx)).toBe('black');
    // Only the positive test is left, in the bin: the person is still listed, still black.
    const [alone] = groupPeople([], [], [positive]);
    expect(alone.name).toBe('Budi Santoso');
    expect(statusOf(alone, ctx)).toBe('black');
    expect(groupPeople([], [], [deletedVac])).toEqual([]);
  });

  it('decides per person with the bundle, and reads a status outside any venue', () => {
    const [budi] = groupPeople([stored(vaccination(2, 2, '2026-01-10'))]);
    const ctx = contextOf(bundle, NOW, NOW - 86_400, '0.1.0');
    expect(statusOf(budi, ctx)).toBe('green');
    expect(decide(budi, kaltimOffice, ctx).outcome).toBe('ALLOWED');
    // a visitor from Kalimantan Timur at a Jawa Tengah venue without a PCR
    expect(decide(budi, semarangMosque, ctx).outcome).toBe('DENIED');
  });

  it('with no certificates: red, and CANNOT_VERIFY without a bundle', () => {
    const withBundle = decideNobody(kaltimOffice, contextOf(bundle, NOW, 0, '0.1.0'));
    expect(withBundle).toMatchObject({ outcome: 'DENIED', status: 'red' });
    const without = decideNobody(kaltimOffice, contextOf(undefined, NOW, 0, '0.1.0'));
    expect(without).toMatchObject({ outcome: 'CANNOT_VERIFY', status: 'red', reasons: [{ code: 'NO_BUNDLE' }] });
    expect(
      statusOf(groupPeople([stored(vaccination(2, 2, '2026-01-10'))])[0], contextOf(undefined, NOW, 0, '0.1.0')),
    ).toBeUndefined();
  });

  it('an EU DCC joins the Singgah holder it matches and counts; an unmatched one is a person of its own', () => {
    const signer = makeSigner('ES256', { country: 'ID' });
    const dccBundle = { ...bundle, dccSigners: [signer.signer] };
    const storedDcc = (nam: object, dob: string): StoredCertificate => {
      const payload = { ...PAYLOADS.v, nam, dob, v: [{ ...PAYLOADS.v.v[0], dt: '2026-02-10' }] };
      const d = decodeDcc(signDcc({ by: signer, payload, iat: NOW - 86_400, exp: NOW + 86_400 * 300 }));
      if (!d.ok) throw new Error(d.error.code);
      const { contentId, kind, holderKey } = d.value;
      return { record: { contentId, code: d.value.code, kind, holderKey, importedAt: NOW }, signed: d.value };
    };
    const firstDose = stored(vaccination(1, 2, '2026-01-10'), NOW - 100);
    const joined = storedDcc({ fnt: 'SANTOSO', gnt: 'BUDI', fn: 'Santoso', gn: 'Budi' }, '1985-04-12');
    const visitor = storedDcc({ fnt: 'MUELLER', gnt: 'ANNA', fn: 'Müller', gn: 'Anna' }, '1990-05');
    const people = groupPeople([firstDose, joined, visitor]);
    expect(people.map((p) => [p.name, p.birthDate, p.region, p.certificates.length])).toEqual([
      ['Budi Santoso', '1985-04-12', '6472', 2],
      ['Anna Müller', '1990-05', '', 1],
    ]);
    const ctx = contextOf(dccBundle, NOW, NOW - 86_400, '0.1.0');
    expect(decide(people[0], kaltimOffice, ctx).outcome).toBe('ALLOWED');
    // Without the DCC signer in the bundle the DCC does not count: one dose of two.
    expect(statusOf(people[0], contextOf(bundle, NOW, NOW - 86_400, '0.1.0'))).toBe('yellow');
  });

  it('a DCC matching two people joins neither until the user chose one (record.person)', () => {
    const signer = makeSigner('ES256', { country: 'ID' });
    const budi = stored(vaccination(1, 2, '2026-01-10'), NOW - 100);
    const swapped = vaccination(1, 2, '2026-01-10');
    const santoso = stored({ ...swapped, holder: { ...swapped.holder, name: 'Santoso Budi' } }, NOW - 90);
    const payload = { ...PAYLOADS.v, dob: '1985-04-12' };
    const d = decodeDcc(signDcc({ by: signer, payload, iat: NOW - 86_400, exp: NOW + 86_400 }));
    if (!d.ok) throw new Error(d.error.code);
    const { contentId, kind, holderKey } = d.value;
    const record = { contentId, code: d.value.code, kind, holderKey, importedAt: NOW };
    const dcc: StoredCertificate = { record, signed: d.value };
    expect(groupPeople([budi, santoso, dcc]).map((p) => [p.name, p.certificates.length])).toEqual([
      ['Budi Santoso', 1],
      ['Santoso Budi', 1],
      ['Budi Santoso', 1],
    ]);
    const chosen: StoredCertificate = { record: { ...record, person: santoso.record.holderKey }, signed: d.value };
    expect(groupPeople([budi, santoso, chosen]).map((p) => [p.name, p.certificates.length])).toEqual([
      ['Budi Santoso', 1],
      ['Santoso Budi', 2],
    ]);
  });
});
