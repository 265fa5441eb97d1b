import 'fake-indexeddb/auto';
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyBundle } from '../../src/core/bundle';
import { decodeCertificate, holderKey, verifyCertificate } from '../../src/core/certificate';
import { isForeign } from '../../src/core/held-certificate';
import { decodeVenue } from '../../src/core/venue';
import { createStore, DB_VERSION, isActiveCheckIn, type Store, type StoreEvent } from '../../src/store';
import {
  anchor,
  DAY,
  HOUR,
  kaltimOffice,
  makeBundle,
  makeBundlePayload,
  NOW,
  semarangMosque,
  signCertificate,
  signVenue,
  vaccination,
} from '../support/authority';
import { admitted, codeOf } from './helpers';

let n = 0;
const open: Store[] = [];
function freshStore(opts: Parameters<typeof createStore>[0] = {}) {
  const name = `singgah-test-${++n}-${Math.random().toString(36).slice(2)}`;
  const store = createStore({ name, ...opts });
  open.push(store);
  return { name, store };
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  vi.restoreAllMocks();
});

const venue = (v = kaltimOffice) => {
  const d = decodeVenue(signVenue(v));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const cert = (dose = 2) => {
  const d = decodeCertificate(signCertificate(vaccination(dose, 2, '2026-01-10')));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const must = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
};

describe('check-ins', () => {
  it('never writes a refused person, nor an unverifiable one without the hand check (nothing stored)', async () => {
    const { store } = freshStore();
    const budi = { key: 'budi|1985-04-12', outcome: 'ALLOWED' as const };
    const dewi = { key: 'dewi|1995-11-03', outcome: 'DENIED' as const };
    const andi = { key: 'andi|1978-01-30', outcome: 'CANNOT_VERIFY' as const };
    expect(codeOf(await store.checkIn({ venue: venue(), people: [budi, dewi], now: NOW }))).toBe(
      'CHECKIN_PERSON_DENIED',
    );
    expect(codeOf(await store.checkIn({ venue: venue(), people: [{ ...dewi, handChecked: true }], now: NOW }))).toBe(
      'CHECKIN_PERSON_DENIED',
    );
    expect(codeOf(await store.checkIn({ venue: venue(), people: [budi, andi], now: NOW }))).toBe(
      'CHECKIN_HAND_CHECK_REQUIRED',
    );
    expect(codeOf(await store.checkIn({ venue: venue(), people: [budi, budi], now: NOW }))).toBe(
      'CHECKIN_PERSON_DUPLICATE',
    );
    expect(must(await store.listCheckIns()).items).toEqual([]);
    expect(must(await store.listOutbox()).items).toEqual([]);
    const c = must(await store.checkIn({ venue: venue(), people: [budi, { ...andi, handChecked: true }], now: NOW }));
    expect(c.people).toEqual([budi.key, andi.key]);
  });

  it('a chosen stay sets the automatic check-out; none shorter than a minute or longer than a day', async () => {
    const { store } = freshStore();
    const c = must(await store.checkIn({ venue: venue(), people: [], now: NOW, stayMinutes: 480 }));
    expect(c.autoCheckOutAt).toBe(NOW + 480 * 60);
    for (const stayMinutes of [0, 1441, 90.5])
      expect(codeOf(await store.checkIn({ venue: venue(), people: [], now: NOW, stayMinutes }))).toBe(
        'STAY_OUT_OF_RANGE',
      );
  });

  it('endOpenVisits: a check-in checks out the visit open elsewhere, with its outbox entry, in the same write', async () => {
    const { store } = freshStore();
    const office = must(await store.checkIn({ venue: venue(), people: [], now: NOW }));
    const ended = must(await store.checkIn({ venue: venue(), people: [], now: NOW - 3 * 3600 }));
    must(await store.checkOut(ended.id, NOW - 2 * 3600));
    const mosque = must(
      await store.checkIn({ venue: venue(semarangMosque), people: [], now: NOW + 900, endOpenVisits: true }),
    );
    const visits = must(await store.listCheckIns()).items;
    expect(visits.find((c) => c.id === office.id)?.checkedOutAt).toBe(NOW + 900);
    // A visit already over keeps its own check-out time.
    expect(visits.find((c) => c.id === ended.id)?.checkedOutAt).toBe(NOW - 2 * 3600);
    expect(visits.filter((c) => isActiveCheckIn(c, NOW + 901)).map((c) => c.id)).toEqual([mosque.id]);
    expect(must(await store.listOutbox()).items).toContainEqual({
      id: office.id,
      op: 'checkout',
      createdAt: NOW + 900,
    });
  });

  it('writes the check-in and its outbox entry together', async () => {
    const { store } = freshStore();
    const c = must(await store.checkIn({ venue: venue(), people: admitted('budi|1985-04-12'), now: NOW }));
    expect(c.id).toMatch(/^[0-9a-f]{32}$/);
    expect(c).toMatchObject({
      venueId: kaltimOffice.id,
      venueName: kaltimOffice.name,
      people: ['budi|1985-04-12'],
      checkedInAt: NOW,
      autoCheckOutAt: NOW + kaltimOffice.stayMinutes * 60,
    });
    expect(c.checkedOutAt).toBeUndefined();
    expect(decodeVenue(c.venueCode).ok).toBe(true);
    expect(must(await store.listOutbox()).items).toEqual([{ id: c.id, op: 'checkin', createdAt: NOW }]);
    expect(must(await store.activeCheckInAt(kaltimOffice.id, NOW + 60))?.id).toBe(c.id);
  });

  it('checks out once, with its own outbox entry, never after the automatic check-out', async () => {
    const { store } = freshStore();
    const c = must(await store.checkIn({ venue: venue(), people: [], now: NOW }));
    const out = must(await store.checkOut(c.id, NOW + 600));
    expect(out.checkedOutAt).toBe(NOW + 600);
    expect(isActiveCheckIn(out, NOW + 601)).toBe(false);
    expect(must(await store.activeCheckInAt(kaltimOffice.id, NOW + 601))).toBeUndefined();
    // again: nothing changes
    expect(must(await store.checkOut(c.id, NOW + 900)).checkedOutAt).toBe(NOW + 600);
    const outbox = must(await store.listOutbox()).items;
    expect(outbox.map((o) => o.op).sort()).toEqual(['checkin', 'checkout']);

    const late = must(await store.checkIn({ venue: venue(semarangMosque), people: [], now: NOW }));
    const lateOut = must(await store.checkOut(late.id, NOW + 10 * HOUR));
    expect(lateOut.checkedOutAt).toBe(late.autoCheckOutAt);

    const missing = await store.checkOut('00'.repeat(16), NOW);
    expect(missing.ok ? undefined : missing.error.code).toBe('CHECKIN_NOT_FOUND');
  });

  it('lists newest first and treats a visit past its automatic check-out as over', async () => {
    const { store } = freshStore();
    const times = [NOW - 3 * HOUR, NOW - 1 * HOUR, NOW - 2 * HOUR];
    for (const t of times) must(await store.checkIn({ venue: venue(), people: [], now: t }));
    const list = must(await store.listCheckIns()).items;
    expect(list.map((c) => c.checkedInAt)).toEqual([NOW - HOUR, NOW - 2 * HOUR, NOW - 3 * HOUR]);
    expect(must(await store.listCheckIns(1)).items).toHaveLength(1);
    // kaltimOffice stays 120 min: only the one from an hour ago is still active
    expect(must(await store.activeCheckInAt(kaltimOffice.id, NOW))?.checkedInAt).toBe(NOW - HOUR);
    expect(must(await store.activeCheckInAt('OTHER', NOW))).toBeUndefined();
  });

  it('purges visits older than the retention period together with their outbox entries', async () => {
    const { store } = freshStore();
    const old = must(await store.checkIn({ venue: venue(), people: [], now: NOW - 30 * DAY }));
    must(await store.checkOut(old.id, NOW - 30 * DAY + 60));
    const recent = must(await store.checkIn({ venue: venue(), people: [], now: NOW - DAY }));
    expect(must(await store.purgeCheckIns(NOW, 21))).toBe(1);
    expect(must(await store.listCheckIns()).items.map((c) => c.id)).toEqual([recent.id]);
    expect(must(await store.listOutbox()).items.map((o) => o.id)).toEqual([recent.id]);
  });
});

describe('bundle', () => {
  const record = (version: number, issuedAt: number, etag?: string) => {
    const source = makeBundle(makeBundlePayload({}, version, issuedAt));
    const v = verifyBundle(source, anchor);
    if (!v.ok) throw new Error(v.error.code);
    return { source, version, issuedAt: v.value.payload.issuedAt, ...(etag ? { etag } : {}) };
  };

  it('starts empty', async () => {
    const { store } = freshStore();
    expect(must(await store.loadBundle())).toEqual({ trustedTime: 0 });
  });

  it('saves bundle and trusted time together; trusted time never goes down; never overwrites a newer bundle', async () => {
    const { store } = freshStore();
    expect(must(await store.saveBundle(record(1, NOW - DAY, '"v1"'), NOW))).toEqual({ saved: true });
    let state = must(await store.loadBundle());
    expect(state.bundle?.version).toBe(1);
    expect(state.bundle?.etag).toBe('"v1"');
    expect(state.trustedTime).toBe(NOW - DAY);
    expect(state.checkedAt).toBe(NOW);

    // a newer version whose issuedAt is earlier (a re-signed policy): trustedTime keeps the high-water mark
    expect(must(await store.saveBundle(record(2, NOW - 2 * DAY), NOW + 1))).toEqual({ saved: true });
    state = must(await store.loadBundle());
    expect(state.bundle?.version).toBe(2);
    expect(state.trustedTime).toBe(NOW - DAY);

    expect(must(await store.saveBundle(record(3, NOW), NOW + 2))).toEqual({ saved: true });
    expect(must(await store.loadBundle()).trustedTime).toBe(NOW);

    // lower or equal version: not written (another tab won the race)
    expect(must(await store.saveBundle(record(2, NOW + DAY), NOW + 3))).toEqual({ saved: false });
    state = must(await store.loadBundle());
    expect(state.bundle?.version).toBe(3);
    expect(state.trustedTime).toBe(NOW);

    must(await store.markBundleChecked(NOW + 100, '"v3"'));
    state = must(await store.loadBundle());
    expect(state.checkedAt).toBe(NOW + 100);
    expect(state.bundle?.etag).toBe('"v3"');
  });
});

describe('certificates', () => {
  it('reads a certificate back by decoding its stored code again, and it still verifies', async () => {
    const { store } = freshStore();
    const signed = cert();
    const saved = must(await store.saveCertificate(signed, NOW));
    expect(saved.alreadySaved).toBe(false);
    expect(saved.record).toEqual({
      contentId: signed.blob.contentId,
      code: signed.code,
      kind: 'vaccination',
      holderKey: holderKey(signed.certificate.holder),
      importedAt: NOW,
    });
    expect(must(await store.saveCertificate(signed, NOW + 5)).alreadySaved).toBe(true);

    const list = must(await store.listCertificates());
    expect(list.quarantined).toEqual([]);
    expect(list.certificates).toHaveLength(1);
    const back = list.certificates[0];
    expect(back.record.importedAt).toBe(NOW);
    if (isForeign(back.signed)) throw new Error('a Singgah certificate read back as a DCC or card');
    expect(back.signed.certificate).toEqual(signed.certificate);
    const bundle = verifyBundle(makeBundle(), anchor);
    if (!bundle.ok) throw new Error(bundle.error.code);
    expect(verifyCertificate(back.signed, bundle.value.payload, NOW).ok).toBe(true);
  });

  it('quarantines a stored record whose code no longer matches instead of using it', async () => {
    const { name, store } = freshStore();
    const a = cert(1);
    const b = cert(2);
    must(await store.saveCertificate(a, NOW));
    must(await store.saveCertificate(b, NOW));
    // Tamper with storage behind the store's back: swap a's code for b's, and corrupt b's payload.
    // (A corrupted signature keeps the content id: that is caught by verifyCertificate against the bundle.)
    const raw = await openDB(name);
    const recA = await raw.get('certificates', a.blob.contentId);
    const recB = await raw.get('certificates', b.blob.contentId);
    await raw.put('certificates', { ...recA, code: b.code });
    await raw.put('certificates', { ...recB, code: `9${b.code.slice(1)}` });
    raw.close();

    const list = must(await store.listCertificates());
    expect(list.certificates).toEqual([]);
    expect(list.quarantined.map((u) => u.key).sort()).toEqual([a.blob.contentId, b.blob.contentId].sort());
    expect(list.quarantined.map((u) => u.reason).sort()).toEqual(['CERTIFICATE_MISMATCH', 'CERTIFICATE_UNREADABLE']);
    expect(list.quarantined.every((u) => u.moved)).toBe(true);
  });
});

describe('failures are values, and keep what was stored', () => {
  it('a write that fails (duplicate key) reports STORAGE_FAILED and keeps earlier data', async () => {
    const { store } = freshStore({ randomId: () => 'ab'.repeat(16) });
    const first = must(await store.checkIn({ venue: venue(), people: [], now: NOW }));
    const second = await store.checkIn({ venue: venue(semarangMosque), people: [], now: NOW + 60 });
    expect(second.ok).toBe(false);
    expect(second.ok ? undefined : second.error.code).toBe('STORAGE_FAILED');
    expect(must(await store.listCheckIns()).items).toEqual([first]);
    expect(must(await store.listOutbox()).items).toHaveLength(1);
  });

  it('a quota error in the outbox write reports STORAGE_QUOTA_EXCEEDED and writes no half check-in', async () => {
    const { store } = freshStore();
    const first = must(await store.checkIn({ venue: venue(), people: [], now: NOW }));
    const add = IDBObjectStore.prototype.add;
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'outbox') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return add.apply(this, args);
    });
    const r = await store.checkIn({ venue: venue(semarangMosque), people: [], now: NOW + 60 });
    expect(r.ok ? undefined : r.error.code).toBe('STORAGE_QUOTA_EXCEEDED');
    vi.restoreAllMocks();
    expect(must(await store.listCheckIns()).items).toEqual([first]);
    expect(must(await store.listOutbox()).items).toHaveLength(1);
    // and the store still works afterwards
    must(await store.checkIn({ venue: venue(semarangMosque), people: [], now: NOW + 120 }));
    expect(must(await store.listCheckIns()).items).toHaveLength(2);
  });

  it('a certificate write that fails keeps the certificates already saved', async () => {
    const { store } = freshStore();
    const a = cert(1);
    must(await store.saveCertificate(a, NOW));
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const r = await store.saveCertificate(cert(2), NOW);
    expect(r.ok ? undefined : r.error.code).toBe('STORAGE_QUOTA_EXCEEDED');
    vi.restoreAllMocks();
    const list = must(await store.listCertificates());
    expect(list.certificates.map((c) => c.record.contentId)).toEqual([a.blob.contentId]);
  });
});

describe('connection lifecycle', () => {
  it('creates the current version with every store and index', async () => {
    const { name, store } = freshStore();
    must(await store.listCheckIns()).items;
    store.close();
    const raw = await openDB(name);
    expect(raw.version).toBe(DB_VERSION);
    expect([...raw.objectStoreNames].sort()).toEqual(['certificates', 'checkins', 'meta', 'outbox', 'quarantine']);
    const tx = raw.transaction(['checkins', 'certificates']);
    expect([...tx.objectStore('checkins').indexNames].sort()).toEqual([
      'by-checkedInAt',
      'by-checkedInAt-id',
      'by-venueId',
    ]);
    expect([...tx.objectStore('certificates').indexNames].sort()).toEqual(['by-deletedAt', 'by-holderKey']);
    raw.close();
    await deleteDB(name);
  });

  it('reopens once when the connection broke (Safari "connection lost"), instead of failing', async () => {
    const { store } = freshStore();
    must(await store.checkIn({ venue: venue(), people: [], now: NOW }));
    const transaction = IDBDatabase.prototype.transaction;
    let calls = 0;
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args) {
      if (calls++ === 0) throw new DOMException('Connection to Indexed Database server lost.', 'UnknownError');
      return transaction.apply(this, args);
    });
    expect(must(await store.listCheckIns()).items).toHaveLength(1);
    expect(calls).toBe(2);
  });

  it('reports an open that throws (storage disabled) as a value, and opens again later', async () => {
    const { store } = freshStore();
    const spy = vi.spyOn(IDBFactory.prototype, 'open').mockImplementationOnce(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    const r = await store.listCheckIns();
    expect(r.ok ? undefined : r.error.code).toBe('STORAGE_UNAVAILABLE');
    spy.mockRestore();
    expect(must(await store.listCheckIns()).items).toEqual([]);
  });

  it('closes its connection when a newer version wants to upgrade, and tells the UI', async () => {
    const events: StoreEvent[] = [];
    const { name, store } = freshStore({ onEvent: (e) => events.push(e) });
    const c = must(await store.checkIn({ venue: venue(), people: [], now: NOW }));
    // A newer app version in another tab opens version 2: must not be blocked by us.
    const newer = await openDB(name, DB_VERSION + 1);
    expect(events).toContain('versionchange');
    expect(newer.version).toBe(DB_VERSION + 1);
    // Data survives (the next version's migration would start from it).
    expect((await newer.getAll('checkins')).map((x) => x.id)).toEqual([c.id]);
    newer.close();
    // This tab's older code can no longer open the database: an error value, not a throw.
    const r = await store.listCheckIns();
    expect(r.ok ? undefined : r.error.code).toBe('STORAGE_UNAVAILABLE');
  });

  it('after versionchange it neither reopens nor writes, even if the newer tab gave up: the write is reported, data intact', async () => {
    const events: StoreEvent[] = [];
    const { name, store } = freshStore({ onEvent: (e) => events.push(e) });
    const c = must(await store.checkIn({ venue: venue(), people: [], now: NOW }));
    // Another tab asks for a newer version, then aborts its upgrade: the database stays as it was.
    await new Promise<void>((resolve) => {
      const req = indexedDB.open(name, DB_VERSION + 1);
      req.onupgradeneeded = () => req.transaction?.abort();
      req.onerror = () => resolve();
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
    });
    expect(events).toContain('versionchange');
    const write = await store.checkIn({ venue: venue(), people: [], now: NOW + 60 });
    expect(write.ok ? undefined : write.error.code).toBe('STORAGE_UNAVAILABLE');
    // After a reload (a new store on the same database): the first visit only, nothing half-written.
    const { store: reloaded } = freshStore({ name });
    expect(must(await reloaded.listCheckIns()).items.map((x) => x.id)).toEqual([c.id]);
    expect(must(await reloaded.listOutbox()).items).toHaveLength(1);
  });
});
