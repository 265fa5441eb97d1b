/**
 * What the server's demo pages (`/demo`, `/demo.json`, server/demo-page.ts) show: the demo venues and
 * certificates demo-init stored, and two EU DCCs signed per request by the demo's DCC issuers. Read-only
 * towards the key store: the set-up that creates keys (server/demo.ts) is never reachable from the server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { UnixSeconds } from '../src/core/schema';
import type { Queryable } from './db';
import { dccIssuerPath, issueDcc } from './dcc-issuer';
import { DEMO_PEOPLE, DEMO_VENUES } from './demo/data';

export interface DemoVenueRow {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly region: string;
  readonly code: string;
}

export interface DemoCertificateRow {
  readonly id: string;
  readonly kind: string;
  readonly holder_name: string;
  readonly code: string;
}

export async function listDemoVenues(db: Queryable): Promise<DemoVenueRow[]> {
  const rows = await db.query<DemoVenueRow>('select id, name, category, region, code from venues where demo');
  const order = (r: DemoVenueRow) => {
    const i = DEMO_VENUES.findIndex((d) => d.name === r.name);
    return i < 0 ? DEMO_VENUES.length : i;
  };
  return rows.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
}

export async function listDemoCertificates(db: Queryable): Promise<DemoCertificateRow[]> {
  // display order: the demo people in DEMO_PEOPLE order, a vaccination before a test
  const rows = await db.query<DemoCertificateRow>(
    'select id, kind, holder_name, code from issued_certificates where demo order by created_at',
  );
  const order = (r: DemoCertificateRow) => {
    const person = DEMO_PEOPLE.findIndex((p) => p.name === r.holder_name);
    return (person < 0 ? DEMO_PEOPLE.length : person) * 10 + (r.kind === 'vaccination' ? 0 : 1);
  };
  return rows.sort((a, b) => order(a) - order(b));
}

/**
 * The demo authority as an EU DCC issuer (its own signer, country ID, as PeduliLindungi's international
 * certificate) and a second, "foreign" signer (DE) it trusts, standing in for another country's signer
 * from the EU gateway. Both are made once and trusted, so the next bundle carries them.
 */
export const DEMO_DCC_ISSUERS = [
  { country: 'ID', path: (dataDir: string) => dccIssuerPath(dataDir) },
  { country: 'DE', path: (dataDir: string) => join(dataDir, 'keys', 'demo-dcc-foreign.json') },
] as const;

export interface DemoDcc {
  /** Demo person key when the DCC joins one (siti), else null. */
  readonly person: string | null;
  readonly holder: string;
  readonly country: string;
  readonly note: { readonly id: string; readonly en: string };
  readonly text: string;
}

/**
 * The DCCs the demo page offers, signed at `now` (so always valid): Siti's second dose as an Indonesian
 * traveller's DCC (it joins her Singgah first dose: she turns green), and a German visitor's vaccination
 * DCC (no Indonesian region: a visitor to the rules). Empty before demo-init made the issuers.
 */
export function demoDccs(dataDir: string, now: UnixSeconds): DemoDcc[] {
  if (!DEMO_DCC_ISSUERS.every(({ path }) => existsSync(path(dataDir)))) return [];
  const day = (offset: number) => new Date((now + offset * 86_400) * 1000).toISOString().slice(0, 10);
  const vaccine = { kind: 'vaccination', product: 'EU/1/20/1528', manufacturer: 'ORG-100030215' } as const;
  const siti = issueDcc(
    dataDir,
    {
      ...vaccine,
      prophylaxis: '1119349007',
      familyName: 'Rahayu',
      givenName: 'Siti',
      birthDate: '1990-08-17',
      issuer: 'Kementerian Kesehatan Republik Indonesia',
      dose: 2,
      doses: 2,
      date: day(-30),
    },
    now,
  );
  const anna = issueDcc(
    dataDir,
    {
      ...vaccine,
      prophylaxis: '1119349007',
      familyName: 'Müller',
      givenName: 'Anna',
      birthDate: '1988-06-21',
      issuer: 'Robert Koch-Institut',
      dose: 3,
      doses: 3,
      date: day(-60),
    },
    now,
    DEMO_DCC_ISSUERS[1].path(dataDir),
  );
  return [
    {
      person: 'siti',
      holder: 'Siti Rahayu',
      country: 'ID',
      note: {
        id: 'Dosis kedua Siti sebagai DCC (PeduliLindungi): bergabung dengan sertifikatnya, ia menjadi hijau.',
        en: "Siti's second dose as a DCC (PeduliLindungi): it joins her certificate and she turns green.",
      },
      text: siti.text,
    },
    {
      person: null,
      holder: 'Anna Müller',
      country: 'DE',
      note: {
        id: 'Pengunjung dari Jerman: hijau, tetapi tanpa wilayah Indonesia aturan memperlakukannya sebagai pengunjung.',
        en: 'A visitor from Germany: green, but with no Indonesian region the rules treat her as a visitor.',
      },
      text: anna.text,
    },
  ];
}
