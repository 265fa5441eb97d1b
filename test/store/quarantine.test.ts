/**
 * Reading back is schema-checked: a record written behind the store's back (wrong types, missing fields, a
 * certificate whose code no longer decodes) is copied to `quarantine`, removed from its store in the same
 * durable transaction, reported, and never crashes the caller.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QuarantinedItem } from '../../src/store';
import { DAY, NOW } from '../support/authority';
import { cert, closeAll, freshStore, must, venue } from './helpers';

afterEach(() => {
  closeAll();
  vi.restoreAllMocks();
});

async function raw(name: string, store: string, value: unknown, key?: IDBValidKey) {
  const db = await openDB(name);
  await db.put(store, value, key);
  db.close();
}

describe('quarantine', () => {
  it('check-ins with wrong types or missing fields are quarantined; the good ones are listed', async () => {
    const reported: QuarantinedItem[] = [];
    const { name, store } = freshStore({ clock: () => NOW, onQuarantine: (i) => reported.push(...i) });
    const good = must(await store.checkIn({ venue: venue(), people: [], now: NOW - DAY }));
    const wrongType = { ...good, id: 'bad1', people: 'budi', checkedInAt: NOW - 2 * DAY };
    const missing = { id: 'bad2', venueCode: good.venueCode, checkedInAt: NOW - 3 * DAY, autoCheckOutAt: NOW };
    const stringTime = { ...good, id: 'bad3', checkedInAt: 'yesterday' };
    await raw(name, 'checkins', wrongType);
    await raw(name, 'checkins', missing);
    await raw(name, 'checkins', stringTime);

    const list = must(await store.listCheckIns());
    expect(list.items).toEqual([good]);
    expect(list.quarantined.map((q) => q.key).sort()).toEqual(['bad1', 'bad2', 'bad3']);
    expect(list.quarantined.every((q) => q.store === 'checkins' && q.reason === 'RECORD_INVALID' && q.moved)).toBe(
      true,
    );
    expect(list.quarantined.find((q) => q.key === 'bad1')?.detail).toMatch(/people/);
    expect(reported).toEqual(list.quarantined);

    // Moved, not lost: the raw records are in quarantine, verbatim, and gone from checkins.
    const q = must(await store.listQuarantine());
    expect(q.map((r) => r.value)).toEqual(expect.arrayContaining([wrongType, missing, stringTime]));
    expect(q.every((r) => r.at === NOW && r.store === 'checkins')).toBe(true);
    const again = must(await store.listCheckIns());
    expect(again).toEqual({ items: [good], quarantined: [] });
  });

  it('a certificate whose code no longer decodes, and one with a missing field, are quarantined', async () => {
    const { name, store } = freshStore();
    const a = cert(1);
    const b = cert(2);
    must(await store.saveCertificate(a, NOW));
    must(await store.saveCertificate(b, NOW));
    const db = await openDB(name);
    const recB = await db.get('certificates', b.blob.contentId);
    await db.put('certificates', { ...recB, code: '12345' });
    await db.put('certificates', { contentId: 'x', code: a.code, kind: 'vaccination' });
    db.close();
    const list = must(await store.listCertificates());
    expect(list.certificates.map((c) => c.record.contentId)).toEqual([a.blob.contentId]);
    expect(list.quarantined.map((q) => [q.key, q.reason]).sort()).toEqual(
      [
        [b.blob.contentId, 'CERTIFICATE_UNREADABLE'],
        ['x', 'RECORD_INVALID'],
      ].sort(),
    );
    expect(must(await store.listQuarantine())).toHaveLength(2);
  });

  it('outbox and meta records are checked too; a corrupt bundle reads as no bundle', async () => {
    const { name, store } = freshStore();
    const c = must(await store.checkIn({ venue: venue(), people: [], now: NOW }));
    await raw(name, 'outbox', { id: c.id, op: 'checkout', createdAt: 'soon' });
    await raw(name, 'meta', { source: 42, version: 'one' }, 'bundle');
    await raw(name, 'meta', 'not a number', 'trustedTime');
    await raw(name, 'meta', ['ok', 7], 'roots');

    const outbox = must(await store.listOutbox());
    expect(outbox.items).toEqual([{ id: c.id, op: 'checkin', createdAt: NOW }]);
    expect(outbox.quarantined.map((q) => q.key)).toEqual([[c.id, 'checkout']]);
    const state = must(await store.loadBundle());
    expect(state.bundle).toBeUndefined();
    expect(state.trustedTime).toBe(0);
    expect(state.quarantined?.map((q) => q.key).sort()).toEqual(['bundle', 'trustedTime']);
    expect(must(await store.loadRoots())).toEqual([]);
    expect(must(await store.listQuarantine()).map((q) => q.key)).toEqual([
      [c.id, 'checkout'],
      'bundle',
      'trustedTime',
      'roots',
    ]);
  });

  it('if the quarantine write fails, the caller still gets the good records and the bad one stays put', async () => {
    const { name, store } = freshStore();
    const good = must(await store.checkIn({ venue: venue(), people: [], now: NOW }));
    await raw(name, 'checkins', { id: 'bad', checkedInAt: NOW - DAY });
    const add = IDBObjectStore.prototype.add;
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'quarantine') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return add.apply(this, args);
    });
    const list = must(await store.listCheckIns());
    expect(list.items).toEqual([good]);
    expect(list.quarantined).toEqual([expect.objectContaining({ key: 'bad', moved: false })]);
    vi.restoreAllMocks();
    const db = await openDB(name);
    expect(await db.get('checkins', 'bad')).toBeDefined();
    db.close();
    // Next read: moved.
    expect(must(await store.listCheckIns()).quarantined).toEqual([
      expect.objectContaining({ key: 'bad', moved: true }),
    ]);
  });

  it('check-ins in no index (no or an invalid checkedInAt) are found by the key sweep and quarantined; good ones stay', async () => {
    const { name, store } = freshStore({ clock: () => NOW });
    const old = must(await store.checkIn({ venue: venue(), people: [], now: NOW - 30 * DAY }));
    const good = must(await store.checkIn({ venue: venue(), people: [], now: NOW - DAY }));
    const { checkedInAt: _, ...noTime } = { ...good, id: 'no-time' };
    const nullTime = { ...good, id: 'null-time', checkedInAt: null };
    const objectTime = { ...good, id: 'object-time', checkedInAt: { at: NOW - 40 * DAY } };
    for (const record of [noTime, nullTime, objectTime]) await raw(name, 'checkins', record);
    const rawKeys = async () => {
      const db = await openDB(name);
      const keys = await db.getAllKeys('checkins');
      db.close();
      return keys.sort();
    };

    // Invisible to every index read: history sees only the good ones, retention removes only the indexed old one.
    expect(must(await store.listCheckIns())).toEqual({ items: [good, old], quarantined: [] });
    expect(must(await store.purgeCheckIns(NOW, 21))).toBe(1);
    expect(await rawKeys()).toEqual([good.id, 'no-time', 'null-time', 'object-time'].sort());

    const moved = must(await store.quarantineUnindexedCheckIns());
    expect(moved.map((q) => q.key).sort()).toEqual(['no-time', 'null-time', 'object-time']);
    expect(moved.every((q) => q.moved && q.reason === 'RECORD_INVALID' && q.store === 'checkins')).toBe(true);
    expect(must(await store.listQuarantine()).map((q) => q.value)).toEqual(
      expect.arrayContaining([noTime, nullTime, objectTime]),
    );
    expect(await rawKeys()).toEqual([good.id]);
    expect(must(await store.listCheckIns()).items).toEqual([good]);
    expect(must(await store.quarantineUnindexedCheckIns())).toEqual([]);
  });

  it('the key sweep reads keys only when the counts differ (a clean store costs two counts)', async () => {
    const { store } = freshStore();
    for (let i = 0; i < 3; i++) must(await store.checkIn({ venue: venue(), people: [], now: NOW - i }));
    const keys = vi.spyOn(IDBObjectStore.prototype, 'getAllKeys');
    const indexKeys = vi.spyOn(IDBIndex.prototype, 'getAllKeys');
    expect(must(await store.quarantineUnindexedCheckIns())).toEqual([]);
    expect(keys).not.toHaveBeenCalled();
    expect(indexKeys).not.toHaveBeenCalled();
  });

  it('saveBundle over a corrupt stored bundle quarantines it first and saves', async () => {
    const { name, store } = freshStore();
    must(await store.loadBundle());
    await raw(name, 'meta', { version: 'x' }, 'bundle');
    const r = await store.saveBundle({ source: 's', version: 1, issuedAt: NOW }, NOW);
    expect(must(r)).toEqual({ saved: true });
    expect(must(await store.listQuarantine()).map((q) => q.value)).toEqual([{ version: 'x' }]);
    expect(must(await store.loadBundle()).bundle?.version).toBe(1);
  });
});
