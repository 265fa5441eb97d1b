/**
 * Writes test/store/fixtures/v<N>.json: for every schema version ever shipped, a database populated the way
 * that version's app left it — records in every store, a non-empty outbox — dumped as JSON. The migration test
 * recreates each with that version's own migration steps and opens it with the current code.
 *
 *   npx tsx scripts/make-store-fixtures.ts
 *
 * Append-only like the migrations: when version N+1 ships, add a `vN+1` writer; never change an earlier writer
 * (its records are what real phones hold). Deterministic: fixed keys, seeds, ids and times.
 */
import 'fake-indexeddb/auto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openDB } from 'idb';
import { decodeCertificate, holderKey } from '../src/core/certificate';
import { decodeVenue, type Venue } from '../src/core/venue';
import { createStore, DB_VERSION, migrate, type SinggahDB } from '../src/store';
import {
  DAY,
  HOUR,
  kaltimOffice,
  makeBundle,
  makeBundlePayload,
  NOW,
  pcr,
  recovery,
  semarangMosque,
  signCertificate,
  signVenue,
  vaccination,
} from '../test/support/authority';
import { dumpDatabase, type StoreFixture } from '../test/support/store-fixtures';

const id = (n: number) => n.toString(16).padStart(32, '0');
const certCodes = [
  signCertificate(vaccination(1, 2, '2025-12-01')),
  signCertificate(vaccination(2, 2, '2026-01-10')),
  signCertificate(pcr('neg', NOW - 2 * DAY)),
  signCertificate(recovery('2025-11-20')),
];
const certRecord = (code: string, importedAt: number) => {
  const d = decodeCertificate(code);
  if (!d.ok) throw new Error(d.error.code);
  const s = d.value;
  return {
    contentId: s.blob.contentId,
    code,
    kind: s.certificate.kind,
    holderKey: holderKey(s.certificate.holder),
    importedAt,
  };
};
const bundleSource = (version: number, issuedAt: number) => makeBundle(makeBundlePayload({}, version, issuedAt));

/** v1 (the four stores): records written raw in exactly the v1 shapes. */
async function v1(name: string): Promise<void> {
  const db = await openDB<SinggahDB>(name, 1, { upgrade: (d, old, _n, tx) => migrate(d, old, tx, 1) });
  const tx = db.transaction(['certificates', 'checkins', 'outbox', 'meta'], 'readwrite');
  for (const [i, code] of certCodes.slice(0, 3).entries())
    await tx.objectStore('certificates').put(certRecord(code, NOW - (10 - i) * DAY));
  const visits = [
    { venue: kaltimOffice, at: NOW - 5 * DAY, out: NOW - 5 * DAY + HOUR },
    { venue: semarangMosque, at: NOW - 2 * DAY },
    { venue: kaltimOffice, at: NOW - HOUR },
  ];
  for (const [i, visit] of visits.entries()) {
    const checkin = {
      id: id(i + 1),
      venueCode: signVenue(visit.venue),
      venueId: visit.venue.id,
      venueName: visit.venue.name,
      people: ['budi santoso|1985-04-12'],
      checkedInAt: visit.at,
      ...(visit.out !== undefined ? { checkedOutAt: visit.out } : {}),
      autoCheckOutAt: visit.at + visit.venue.stayMinutes * 60,
    };
    await tx.objectStore('checkins').put(checkin);
    await tx.objectStore('outbox').put({ id: checkin.id, op: 'checkin', createdAt: visit.at });
    if (visit.out !== undefined)
      await tx.objectStore('outbox').put({ id: checkin.id, op: 'checkout', createdAt: visit.out });
  }
  const meta = tx.objectStore('meta');
  await meta.put({ source: bundleSource(3, NOW - DAY), version: 3, issuedAt: NOW - DAY, etag: '"b3"' }, 'bundle');
  await meta.put(NOW - DAY + 600, 'trustedTime');
  await meta.put(NOW - 600, 'bundleCheckedAt');
  await meta.put([], 'roots');
  await tx.done;
  db.close();
}

/** v2 (quarantine, recycle bin, history paging): written through the store itself, rootVersion included. */
async function v2(name: string): Promise<void> {
  let next = 10;
  const store = createStore({ name, randomId: () => id(next++), clock: () => NOW - 60 });
  const must = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  };
  for (const [i, code] of certCodes.entries()) {
    const d = decodeCertificate(code);
    if (!d.ok) throw new Error(d.error.code);
    must(await store.saveCertificate(d.value, NOW - (10 - i) * DAY));
  }
  const last = decodeCertificate(certCodes[3] as string);
  if (!last.ok) throw new Error(last.error.code);
  must(await store.deleteCertificate(last.value.blob.contentId, NOW - DAY));
  const venue = (v: Venue) => {
    const d = decodeVenue(signVenue(v));
    if (!d.ok) throw new Error(d.error.code);
    return d.value;
  };
  const a = must(
    await store.checkIn({
      venue: venue(kaltimOffice),
      people: [{ key: 'budi santoso|1985-04-12', outcome: 'ALLOWED' }],
      now: NOW - 3 * DAY,
    }),
  );
  must(await store.checkOut(a.id, NOW - 3 * DAY + HOUR));
  must(await store.checkIn({ venue: venue(semarangMosque), people: [], now: NOW - HOUR }));
  must(
    await store.saveBundle(
      { source: bundleSource(4, NOW - DAY), version: 4, issuedAt: NOW - DAY, rootVersion: 1 },
      NOW - 600,
    ),
  );
  must(await store.saveRoots([]));
  store.close();
  // One corrupt check-in, read once so that it lands in quarantine.
  const raw = await openDB(name);
  await raw.put('checkins', { id: id(99), venueCode: 'x', checkedInAt: NOW - 2 * DAY });
  raw.close();
  const reader = createStore({ name, clock: () => NOW - 60 });
  if (must(await reader.listCheckIns()).quarantined.length !== 1) throw new Error('expected one quarantined');
  reader.close();
}

const writers: Record<number, { description: string; write: (name: string) => Promise<void> }> = {
  1: {
    description: 'v1 (the four stores): 3 certificates, 3 check-ins (one checked out), 4 outbox entries, bundle meta',
    write: v1,
  },
  2: {
    description:
      'v2 (quarantine, recycle bin, history paging): 4 certificates (one in the recycle bin), 2 check-ins, 3 outbox entries, bundle meta, 1 quarantined check-in',
    write: v2,
  },
};

const written: string[] = [];
for (let version = 1; version <= DB_VERSION; version++) {
  const writer = writers[version];
  if (!writer) throw new Error(`no fixture writer for schema version ${version}`);
  const name = `fixture-v${version}`;
  await writer.write(name);
  const fixture: StoreFixture = await dumpDatabase(name, writer.description);
  if (fixture.version !== version) throw new Error(`fixture v${version} is at version ${fixture.version}`);
  const file = new URL(`../test/store/fixtures/v${version}.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
  written.push(fileURLToPath(file));
}
// Committed files stay Biome-clean (and byte-identical on every run).
execFileSync(fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url)), ['format', '--write', ...written], {
  stdio: 'inherit',
});
