/** Shared by the store tests: a fresh database per test, decoded venues and certificates, `must`. */
import { decodeCertificate } from '../../src/core/certificate';
import { decodeVenue } from '../../src/core/venue';
import { createStore, type Store, type StoreOptions } from '../../src/store';
import { kaltimOffice, signCertificate, signVenue, vaccination } from '../support/authority';

const open: Store[] = [];
let n = 0;
export function freshStore(opts: StoreOptions = {}) {
  const name = opts.name ?? `store-test-${++n}-${Math.random().toString(36).slice(2)}`;
  const store = createStore({ ...opts, name });
  open.push(store);
  return { name, store };
}
export function closeAll() {
  for (const s of open.splice(0)) s.close();
}
export const venue = (v = kaltimOffice) => {
  const d = decodeVenue(signVenue(v));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
export const cert = (dose = 2, date = '2026-01-10') => {
  const d = decodeCertificate(signCertificate(vaccination(dose, 2, date)));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
export const must = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
};
export const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? undefined : r.error?.code);

/** People admitted at the door (ALLOWED), as store.checkIn takes them. */
export const admitted = (...keys: string[]) => keys.map((key) => ({ key, outcome: 'ALLOWED' as const }));
