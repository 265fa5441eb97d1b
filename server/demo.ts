/**
 * Demo set-up, idempotent (`singgah demo-init`, run by `npm start`). First run: keys, a bundle signed
 * from server/demo/policy.json, and four demo venues. Every run: re-sign the bundle when it expires
 * within 7 days or when policy.json or the keys changed, re-sign a demo venue whose signature no
 * longer verifies, and replace the demo certificates with fresh ones whose times are relative to `now`
 * (so Budi is always green, Andi's PCR always 3 hours old).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlePayload, verifyBundle } from '../src/core/bundle';
import { decodeCertificate } from '../src/core/certificate';
import type { UnixSeconds } from '../src/core/schema';
import { decodeVenue, verifyVenue } from '../src/core/venue';
import {
  DEFAULT_ORIGIN,
  type IssuedCertificate,
  issueCertificate,
  payloadFromPolicy,
  publishedBundlePath,
  readPolicyFile,
  readPublishedBundle,
  registerVenue,
  resignVenue,
  signBundleFromPolicy,
} from './authority';
import type { Db, Queryable } from './db';
import { createDccIssuer, type DccIssuer, dccIssuerPath, issueDcc } from './dcc-issuer';
import { ensureDemoValueSets } from './dcc-rules';
import { DEMO_PEOPLE, DEMO_VENUES, demoCertificates } from './demo/data';
import { ensureKeys, readTrust } from './keys';
import { ensureShcIssuer } from './shc-issuer';

export const DEMO_POLICY_FILE = fileURLToPath(new URL('./demo/policy.json', import.meta.url));
/** Re-sign when the published bundle expires within this window. */
export const RESIGN_WINDOW_SECONDS = 7 * 86_400;

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

/** The policy-derived part of a payload, to notice an edited policy.json or changed keys. */
const policyPart = (p: BundlePayload) =>
  JSON.stringify([
    p.minAppVersion,
    p.keys,
    p.revocations,
    p.policy,
    p.categories,
    p.regions ?? null,
    p.statusRules,
    p.entryRules,
    p.expiresAt - p.issuedAt,
    p.dccSigners ?? null,
    p.dccValueSets ?? null,
    p.dccRules ?? null,
    p.shcIssuers ?? null,
  ]);

export type BundleAction = 'signed' | 'kept';

export interface DemoInitResult {
  readonly createdKeys: readonly string[];
  readonly bundle: {
    readonly action: BundleAction;
    readonly reason?: string;
    readonly version: number;
    readonly expiresAt: number;
  };
  readonly venues: readonly {
    readonly id: string;
    readonly name: string;
    readonly action: 'created' | 'resigned' | 'kept';
  }[];
  readonly certificates: readonly IssuedCertificate[];
}

/** Why the published bundle must be re-signed, or undefined when it can stay. */
function bundleDecision(dataDir: string, policyFile: unknown, now: UnixSeconds): string | undefined {
  const path = publishedBundlePath(dataDir);
  if (!existsSync(path)) return 'no bundle published';
  // Not readPublishedBundle: it throws on a bundle that no longer verifies (e.g. new root key).
  const verified = verifyBundle(readFileSync(path, 'utf8'), readTrust(dataDir));
  if (!verified.ok) return `published bundle does not verify (${verified.error.code})`;
  const current = verified.value.payload;
  if (current.expiresAt - now < RESIGN_WINDOW_SECONDS) return 'published bundle expires within 7 days';
  const wanted = payloadFromPolicy(dataDir, policyFile, current.version, current.issuedAt).payload;
  if (policyPart(wanted) !== policyPart(current)) return 'policy or keys changed';
  return undefined;
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

function ensureDemoDccIssuers(dataDir: string, now: UnixSeconds): DccIssuer[] {
  return DEMO_DCC_ISSUERS.flatMap(({ country, path }) =>
    existsSync(path(dataDir)) ? [] : [createDccIssuer(dataDir, now, country, false, path(dataDir))],
  );
}

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

/** Idempotent demo set-up; see the module comment. `origin` only shapes the returned links. */
export async function demoInit(
  dataDir: string,
  db: Db,
  now: UnixSeconds,
  origin: string = DEFAULT_ORIGIN,
  policyPath: string = DEMO_POLICY_FILE,
): Promise<DemoInitResult> {
  const createdKeys = [
    ...ensureKeys(dataDir, now).map((k) => `${k.role} ${k.kid}`),
    ...ensureDemoDccIssuers(dataDir, now).map((i) => `dcc-issuer ${i.trusted.signer.kid} (${i.country})`),
    ...[ensureShcIssuer(dataDir)].flatMap((i) => (i ? [`shc-issuer ${i.key.kid} (${i.iss})`] : [])),
  ];
  const policyFile = readPolicyFile(policyPath);
  ensureDemoValueSets(dataDir);

  const reason = bundleDecision(dataDir, policyFile, now);
  let bundle: DemoInitResult['bundle'];
  if (reason) {
    const signed = signBundleFromPolicy(dataDir, policyFile, now);
    bundle = { action: 'signed', reason, version: signed.version, expiresAt: signed.expiresAt };
  } else {
    const current = readPublishedBundle(dataDir);
    if (!current) throw new Error('unreachable: bundle vanished');
    bundle = { action: 'kept', version: current.payload.version, expiresAt: current.payload.expiresAt };
  }
  const payload = readPublishedBundle(dataDir)?.payload;
  if (!payload) throw new Error('unreachable: no bundle after signing');

  const venues: { id: string; name: string; action: 'created' | 'resigned' | 'kept' }[] = [];
  const existing = await listDemoVenues(db);
  for (const input of DEMO_VENUES) {
    const row = existing.find((r) => r.name === input.name);
    if (!row) {
      const created = await registerVenue(db, dataDir, input, now, { origin, demo: true });
      venues.push({ id: created.venue.id, name: input.name, action: 'created' });
      continue;
    }
    const decoded = decodeVenue(row.code);
    if (decoded.ok && verifyVenue(decoded.value, payload).ok) {
      venues.push({ id: row.id, name: row.name, action: 'kept' });
    } else if (decoded.ok) {
      await resignVenue(db, dataDir, decoded.value.venue, now);
      venues.push({ id: row.id, name: row.name, action: 'resigned' });
    } else {
      throw new Error(`demo venue ${row.id} has an undecodable code`);
    }
  }

  const certificates = await db.transaction(async (tx) => {
    await tx.query('delete from issued_certificates where demo');
    const issued: IssuedCertificate[] = [];
    for (const { input } of demoCertificates(now)) {
      issued.push(await issueCertificate(tx, dataDir, input, now, { origin, demo: true }));
    }
    return issued;
  });
  // Sanity: what we stored decodes (cheap, and catches a broken core early in `npm start`).
  for (const c of certificates)
    if (!decodeCertificate(c.code).ok) throw new Error(`demo certificate ${c.certificate.id} does not decode`);

  return { createdKeys, bundle, venues, certificates };
}
