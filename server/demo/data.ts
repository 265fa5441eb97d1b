/**
 * What demo-init creates: the four demo venues, the demo people and their certificates. Certificate times are
 * relative to `now`, so Budi is always green and Andi's PCR always 3 hours old.
 */
import type { UnixSeconds } from '../../src/core/schema';
import type { CertificateInput, VenueInput } from '../authority';

const DAY = 86_400;
const HOUR = 3_600;

export const DEMO_VENUES: readonly VenueInput[] = [
  {
    name: 'Kantor Gubernur Kalimantan Timur',
    address: 'Jl. Gajah Mada No. 2, Samarinda',
    category: 'gov',
    region: '64',
    capacity: 400,
    stayMinutes: 120,
  },
  {
    name: 'Masjid Agung Jawa Tengah',
    address: 'Jl. Gajah Raya, Semarang',
    category: 'worship',
    region: '3374',
    capacity: 15000,
    stayMinutes: 60,
  },
  {
    name: 'Mal Simpang Lima Semarang',
    address: 'Jl. Pahlawan No. 1, Semarang',
    category: 'mall',
    region: '3374',
    capacity: 5000,
    stayMinutes: 90,
  },
  {
    name: 'RSUD Abdul Wahab Sjahranie',
    address: 'Jl. Palang Merah No. 1, Samarinda',
    category: 'health',
    region: '6472',
    capacity: 800,
    stayMinutes: 60,
  },
];

export interface DemoPerson {
  readonly key: string;
  readonly name: string;
  readonly birthDate: string;
  readonly region: string;
  /** Status the demo policy gives this person (documentation for tests and the demo page). */
  readonly expectedStatus: 'green' | 'yellow' | 'red' | 'black';
  readonly note: { readonly id: string; readonly en: string };
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    key: 'budi',
    name: 'Budi Santoso',
    birthDate: '1985-04-12',
    region: '6472',
    expectedStatus: 'green',
    note: { id: 'Vaksinasi lengkap (2 dari 2), Samarinda.', en: 'Fully vaccinated (2 of 2), Samarinda.' },
  },
  {
    key: 'siti',
    name: 'Siti Rahayu',
    birthDate: '1990-08-17',
    region: '3374',
    expectedStatus: 'yellow',
    note: { id: 'Dosis 1 dari 2, Semarang.', en: 'Dose 1 of 2, Semarang.' },
  },
  {
    key: 'andi',
    name: 'Andi Wijaya',
    birthDate: '1978-01-30',
    region: '3374',
    expectedStatus: 'green',
    note: {
      id: 'Vaksinasi lengkap + PCR negatif 3 jam lalu: boleh masuk kantor di Kaltim sebagai pengunjung dari Jawa Tengah.',
      en: 'Fully vaccinated + negative PCR 3 hours ago: may enter the Kaltim office as a visitor from Central Java.',
    },
  },
  {
    key: 'dewi',
    name: 'Dewi Lestari',
    birthDate: '1995-11-03',
    region: '6472',
    expectedStatus: 'black',
    note: { id: 'PCR positif 2 hari lalu: wajib isolasi.', en: 'Positive PCR 2 days ago: must isolate.' },
  },
];

const dateOf = (t: UnixSeconds) => new Date(t * 1000).toISOString().slice(0, 10);

/** The demo certificates for `now`, in display order. */
export function demoCertificates(now: UnixSeconds): { person: DemoPerson; input: CertificateInput }[] {
  const person = (key: string) => DEMO_PEOPLE.find((p) => p.key === key) as DemoPerson;
  const holder = (p: DemoPerson) => ({ name: p.name, birthDate: p.birthDate, region: p.region });
  const budi = person('budi');
  const siti = person('siti');
  const andi = person('andi');
  const dewi = person('dewi');
  return [
    {
      person: budi,
      input: {
        kind: 'vaccination',
        holder: holder(budi),
        product: 'Sinovac',
        dose: 2,
        doses: 2,
        date: dateOf(now - 75 * DAY),
      },
    },
    {
      person: siti,
      input: {
        kind: 'vaccination',
        holder: holder(siti),
        product: 'AstraZeneca',
        dose: 1,
        doses: 2,
        date: dateOf(now - 20 * DAY),
      },
    },
    {
      person: andi,
      input: {
        kind: 'vaccination',
        holder: holder(andi),
        product: 'Pfizer',
        dose: 2,
        doses: 2,
        date: dateOf(now - 120 * DAY),
      },
    },
    {
      person: andi,
      input: {
        kind: 'test',
        holder: holder(andi),
        testType: 'pcr',
        result: 'neg',
        sampleTime: now - 3 * HOUR,
        expiresAt: now - 3 * HOUR + 72 * HOUR,
      },
    },
    {
      person: dewi,
      input: {
        kind: 'test',
        holder: holder(dewi),
        testType: 'pcr',
        result: 'pos',
        sampleTime: now - 2 * DAY,
        expiresAt: now - 2 * DAY + 14 * DAY,
      },
    },
  ];
}
