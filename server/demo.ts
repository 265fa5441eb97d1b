/**
 * Demo set-up, idempotent (`singgah demo-init`, run by `npm start`). It works only in a directory it took
 * itself (`claimDemoDir`: absent or empty, then marked — server/demo-marker.ts) and only with the keys it made
 * there, so it never signs with an authority's keys. First run: keys, a bundle signed from
 * server/demo/policy.json, and four demo venues. Every run: re-sign the bundle when it expires within 7 days or
 * when policy.json or the keys changed, re-sign a demo venue whose signature no longer verifies, and replace
 * the demo certificates with fresh ones whose times are relative to `now` (so Budi is always green, Andi's PCR
 * always 3 hours old). The server never imports this module: it creates keys (`ensureKeys`).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
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
import type { Db } from './db';
import { createDccIssuer, type DccIssuer } from './dcc-issuer';
import { ensureDemoValueSets } from './dcc-rules';
import { DEMO_VENUES, demoCertificates } from './demo/data';
import { DEMO_DCC_ISSUERS, listDemoVenues } from './demo-listing';
import { DEMO_MARKER_FILE, type DemoMarker, newDemoMarker, readDemoMarker, writeDemoMarker } from './demo-marker';
import { AuthorityError } from './errors';
import { ensureKeys, keysDir, readTrust } from './keys';
import { ensureShcIssuer } from './shc-issuer';

export const DEMO_POLICY_FILE = fileURLToPath(new URL('./demo/policy.json', import.meta.url));
/** Re-sign when the published bundle expires within this window. */
export const RESIGN_WINDOW_SECONDS = 7 * 86_400;

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
    p.caseKey ?? null,
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

function ensureDemoDccIssuers(dataDir: string, now: UnixSeconds): DccIssuer[] {
  return DEMO_DCC_ISSUERS.flatMap(({ country, path }) =>
    existsSync(path(dataDir)) ? [] : [createDccIssuer(dataDir, now, country, false, path(dataDir))],
  );
}

/** Name → SHA-256 (hex) of every file directly in `keys/` (retired keys sit in a subdirectory, not counted). */
function keyFileHashes(dataDir: string): Record<string, string> {
  const dir = keysDir(dataDir);
  if (!existsSync(dir)) return {};
  const hashes: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (lstatSync(join(dir, name)).isDirectory()) continue;
    hashes[name] = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
  }
  return hashes;
}

const SERVE_INSTEAD =
  'to serve an authority of your own, use `npm run serve` with its data directory (docs/OPERATIONS.md §1)';

/** What a directory holds, folders with a trailing `/`, for a refusal to name; none when it does not exist. */
const entriesOf = (dataDir: string): string[] =>
  existsSync(dataDir)
    ? readdirSync(dataDir, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    : [];

/** Refusal for a directory without the marker: it is someone else's, whatever it holds. */
function notDemoDir(dataDir: string, entries: readonly string[]): AuthorityError {
  const shown = entries.slice(0, 6).join(', ') + (entries.length > 6 ? ', …' : '');
  return new AuthorityError(
    'DEMO_DIR_REFUSED',
    `demo-init refused: ${dataDir} is not a demo data directory (it holds ${shown} and no ${DEMO_MARKER_FILE}). ` +
      "The demo runs only in a directory it created itself, so it never signs with an authority's keys. For " +
      `the demo, use a new or empty directory (--data-dir, SINGGAH_DATA_DIR; a demo directory made before demo-init ` +
      `marked its directories must be deleted once); ${SERVE_INSTEAD}.`,
  );
}

/** The marker, after checking every file in `keys/` is one demo-init made (same name, same bytes). */
function verifyDemoDir(dataDir: string): DemoMarker {
  const marker = readDemoMarker(dataDir);
  if (!marker) throw notDemoDir(dataDir, entriesOf(dataDir));
  const foreign = Object.entries(keyFileHashes(dataDir))
    .filter(([name, hash]) => marker.keyFiles[name] !== hash)
    .map(([name]) => `keys/${name}`);
  if (foreign.length > 0) {
    throw new AuthorityError(
      'DEMO_DIR_REFUSED',
      `demo-init refused: ${foreign.join(', ')} in ${dataDir} ${foreign.length === 1 ? 'was' : 'were'} not made by ` +
        'demo-init, and the demo signs only with keys it made. For the demo, start again in a new directory; if ' +
        `this directory now holds an authority's own keys, delete ${DEMO_MARKER_FILE} from it and ${SERVE_INSTEAD}.`,
    );
  }
  return marker;
}

/**
 * Take `dataDir` for the demo, or confirm it is the demo's: call it before anything opens or writes there (the
 * CLI calls it before opening the database). With the marker, every file in `keys/` must be demo-init's own;
 * without, the directory must be absent or empty and then gets the marker. Otherwise it refuses with
 * DEMO_DIR_REFUSED and writes nothing.
 */
export function claimDemoDir(dataDir: string, now: UnixSeconds): void {
  if (readDemoMarker(dataDir)) {
    verifyDemoDir(dataDir);
    return;
  }
  const entries = entriesOf(dataDir);
  if (entries.length > 0) throw notDemoDir(dataDir, entries);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeDemoMarker(dataDir, newDemoMarker(now));
}

/**
 * The database must be the demo's too: DATABASE_URL may name a real authority's PostgreSQL while the data directory
 * is a fresh demo one. Every venue and certificate the demo writes is flagged `demo`, so a venue or certificate
 * without the flag is someone else's, and the demo refuses before writing anything.
 */
async function verifyDemoDatabase(db: Db): Promise<void> {
  const [foreign] = await db.query<{ venues: number; certificates: number }>(
    `select (select count(*) from venues where not demo)::int as venues,
            (select count(*) from issued_certificates where not demo)::int as certificates`,
  );
  if (foreign.venues === 0 && foreign.certificates === 0) return;
  throw new AuthorityError(
    'DEMO_DATABASE_REFUSED',
    `demo-init refused: the database holds ${foreign.venues} venue(s) and ${foreign.certificates} certificate(s) ` +
      "the demo did not make — it is an authority's database (is DATABASE_URL set to it?). The demo writes only " +
      `to its own: unset DATABASE_URL to use the embedded one, or point it at a new database; ${SERVE_INSTEAD}.`,
  );
}

/**
 * Idempotent demo set-up in a directory `claimDemoDir` took; see the module comment. `origin` only shapes the
 * returned links.
 */
export async function demoInit(
  dataDir: string,
  db: Db,
  now: UnixSeconds,
  origin: string = DEFAULT_ORIGIN,
  policyPath: string = DEMO_POLICY_FILE,
): Promise<DemoInitResult> {
  const marker = verifyDemoDir(dataDir);
  await verifyDemoDatabase(db);
  const createdKeys = [
    ...ensureKeys(dataDir, now).map((k) => `${k.role} ${k.kid}`),
    ...ensureDemoDccIssuers(dataDir, now).map((i) => `dcc-issuer ${i.trusted.signer.kid} (${i.country})`),
    ...[ensureShcIssuer(dataDir)].flatMap((i) => (i ? [`shc-issuer ${i.key.kid} (${i.iss})`] : [])),
  ];
  // Every file now in keys/ is demo-init's: those it had recorded (just verified) and those it just made.
  const keyFiles = keyFileHashes(dataDir);
  if (JSON.stringify(keyFiles) !== JSON.stringify(marker.keyFiles)) writeDemoMarker(dataDir, { ...marker, keyFiles });
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
