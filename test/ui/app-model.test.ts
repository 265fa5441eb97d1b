/**
 * AppModel wiring to the store on fake-indexeddb: retention (visits past the policy's days, recycle-bin entries past
 * 30 days), the recycle bin, export → import, and a second tab's model following the first's writes.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isActiveCheckIn } from '../../src/store';
import { cert, closeAll, codeOf, freshStore, must, venue } from '../store/helpers';
import { kaltimOffice, semarangMosque } from '../support/authority';

vi.hoisted(() => {
  const g = globalThis as Record<string, unknown>;
  g.__APP_VERSION__ = '0.0.0-test';
  g.__TRUST_ANCHOR__ = { version: 1, threshold: 1, keys: [] };
});

const { AppModel } = await import('../../src/ui/app-model');
type Model = InstanceType<typeof AppModel>;

/**
 * Check in everyone on the phone (the owner when there are no certificates). These models have no rules, so every
 * decision is CANNOT_VERIFY: each person goes in as hand-checked by the guard.
 */
function checkInEveryone(model: Model, now: number) {
  const keys = [...new Set(model.get().certificates.map((c) => c.record.holderKey))];
  return model.checkIn(venue(), keys, now, { handChecked: keys.length > 0 ? keys : ['you'] });
}

const persist = vi.fn(async () => false);
vi.stubGlobal('navigator', { storage: { persist, persisted: async () => false } });

const NOW = 1_780_000_000;
const DAY = 86_400;
const HOUR = 3_600;

afterEach(() => {
  closeAll();
  vi.useRealTimers();
});

describe('AppModel', () => {
  it('runRetention: a 22-day-old visit goes, a 20-day-old stays (21 days before any bundle); the bin keeps 30 days', async () => {
    const { store } = freshStore();
    must(await store.checkIn({ venue: venue(), people: [], now: NOW - 22 * DAY }));
    const kept = must(await store.checkIn({ venue: venue(), people: [], now: NOW - 20 * DAY }));
    const old = cert(1);
    const recent = cert(2);
    must(await store.saveCertificate(old, NOW - 40 * DAY));
    must(await store.saveCertificate(recent, NOW - 40 * DAY));
    must(await store.deleteCertificate(old.blob.contentId, NOW - 31 * DAY));
    must(await store.deleteCertificate(recent.blob.contentId, NOW - 29 * DAY));
    const model = new AppModel(store);
    await model.runRetention(NOW);
    expect(must(await store.listCheckIns()).items.map((c) => c.id)).toEqual([kept.id]);
    expect(model.get().recycleBin.map((c) => c.record.contentId)).toEqual([recent.blob.contentId]);
  });

  it('delete → recycle bin → restore; export → import into an empty store restores everything', async () => {
    const { store } = freshStore();
    const model = new AppModel(store);
    const a = cert(1);
    const b = cert(2);
    persist.mockClear();
    must(await model.saveCertificate(a));
    // Persistent storage is asked for after the first import only (the browser said no: not asked again).
    await vi.waitFor(() => expect(persist).toHaveBeenCalledTimes(1));
    must(await model.saveCertificate(b));
    must(await model.deleteCertificate(b.blob.contentId));
    expect(persist).toHaveBeenCalledTimes(1);
    expect(model.get().persisted).toBe(false);
    must(await checkInEveryone(model, NOW));
    must(await model.deleteCertificate(a.blob.contentId));
    expect(model.get().certificates).toHaveLength(0);
    expect(
      model
        .get()
        .recycleBin.map((c) => c.record.contentId)
        .sort(),
    ).toEqual([a.blob.contentId, b.blob.contentId].sort());
    must(await model.restoreCertificate(a.blob.contentId));
    expect(model.get().certificates.map((c) => c.record.contentId)).toEqual([a.blob.contentId]);
    expect(model.get().recycleBin.map((c) => c.record.contentId)).toEqual([b.blob.contentId]);

    const file = JSON.stringify(must(await model.exportData()));
    const fresh = new AppModel(freshStore().store);
    expect(must(await fresh.importData(file))).toMatchObject({ checkins: 1 });
    expect(fresh.get().certificates.map((c) => c.record.contentId)).toEqual([a.blob.contentId]);
    expect(fresh.get().recycleBin.map((c) => c.record.contentId)).toEqual([b.blob.contentId]);
    expect(fresh.get().checkins).toHaveLength(1);
    // A bad file: an error code, nothing changes.
    const bad = await fresh.importData('{"format":"nope"}');
    expect(bad.ok ? undefined : bad.error.code).toBe('IMPORT_INVALID');
    expect(fresh.get().certificates).toHaveLength(1);
  });

  it('a second tab follows the first: its lists are re-read on the store change message, nothing written twice', async () => {
    const { name, store } = freshStore();
    const { store: otherStore } = freshStore({ name });
    const first = new AppModel(store);
    const second = new AppModel(otherStore);
    second.followOtherTabs();
    must(await first.saveCertificate(cert()));
    must(await checkInEveryone(first, NOW));
    await vi.waitFor(() => {
      expect(second.get().certificates).toHaveLength(1);
      expect(second.get().checkins).toHaveLength(1);
    });
    expect(must(await otherStore.listOutbox()).items).toHaveLength(1);
    second.stop();
  });

  it('history pages: the newest 50 first, "load more" adds 50, a new visit and retention keep the pages read', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
    const { store } = freshStore();
    for (let i = 0; i < 120; i++)
      must(await store.checkIn({ venue: venue(), people: [], now: NOW - 2 * DAY - i * 60 }));
    const model = new AppModel(store);
    await model.refreshCheckIns();
    const times = () => model.get().checkins.map((c) => c.checkedInAt);
    expect(times()).toEqual(Array.from({ length: 50 }, (_, i) => NOW - 2 * DAY - i * 60));
    expect(model.get().historyNext).toEqual({ checkedInAt: NOW - 2 * DAY - 49 * 60, id: expect.any(String) });
    await model.loadMoreCheckIns();
    expect(times()).toEqual(Array.from({ length: 100 }, (_, i) => NOW - 2 * DAY - i * 60));
    // A new visit: on top, and the 100 read so far stay listed (not pushed out of a 100-long list).
    const fresh = must(await checkInEveryone(model, NOW));
    expect(model.get().checkins[0]?.id).toBe(fresh.id);
    expect(times().slice(1)).toEqual(Array.from({ length: 100 }, (_, i) => NOW - 2 * DAY - i * 60));
    await model.loadMoreCheckIns();
    expect(times()).toHaveLength(121);
    expect(model.get().historyNext).toBeUndefined();
    // Retention 19 days on: only visits from the last 21 days are left, and the list follows.
    await model.runRetention(NOW + 19 * DAY);
    expect(times()).toEqual([NOW, NOW - 2 * DAY]);
  });

  it('history never cuts off a visit that may still be open, however many visits came after it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
    const { store } = freshStore();
    const allDay = venue({ ...kaltimOffice, stayMinutes: 1440 });
    const open = must(await store.checkIn({ venue: allDay, people: [], now: NOW - 20 * HOUR }));
    for (let i = 0; i < 60; i++)
      must(await store.checkIn({ venue: venue(), people: [], now: NOW - 19 * HOUR + i * 60 }));
    for (let i = 0; i < 60; i++) must(await store.checkIn({ venue: venue(), people: [], now: NOW - 5 * DAY + i }));
    const model = new AppModel(store);
    await model.refreshCheckIns();
    expect(
      model
        .get()
        .checkins.filter((c) => isActiveCheckIn(c, NOW))
        .map((c) => c.id),
    ).toEqual([open.id]);
    // It read on past the first page only as far as needed: down to the last visit that may be open.
    expect(model.get().checkins).toHaveLength(61);
    expect(model.get().historyNext).toEqual({ checkedInAt: open.checkedInAt, id: open.id });
    await model.loadMoreCheckIns();
    expect(model.get().checkins).toHaveLength(111);
  });

  it('retention quarantines check-ins no index can see, and settings get the quarantine count', async () => {
    const { name, store } = freshStore();
    const kept = must(await store.checkIn({ venue: venue(), people: [], now: NOW - DAY }));
    const db = await openDB(name);
    await db.put('checkins', { ...kept, id: 'no-time', checkedInAt: undefined });
    db.close();
    const model = new AppModel(store);
    await model.refreshQuarantine();
    expect(model.get().quarantineCount).toBe(0);
    await model.runRetention(NOW);
    expect(model.get().quarantineCount).toBe(1);
    await model.refreshCheckIns();
    expect(model.get().checkins.map((c) => c.id)).toEqual([kept.id]);
  });
  it('check-in decides again: nobody refused, unknown or unconfirmed is written; another open visit is ended', async () => {
    const { store } = freshStore();
    const model = new AppModel(store);
    const budi = cert();
    must(await model.saveCertificate(budi));
    const key = model.get().certificates[0]?.record.holderKey ?? '';
    // No rules on this phone: Budi's entry cannot be verified — recorded only as hand-checked.
    expect(codeOf(await model.checkIn(venue(), [key], NOW))).toBe('CHECKIN_HAND_CHECK_REQUIRED');
    // Someone not on the phone cannot be decided at all: refused like a DENIED person.
    expect(
      codeOf(await model.checkIn(venue(), ['mallory|2000-01-01'], NOW, { handChecked: ['mallory|2000-01-01'] })),
    ).toBe('CHECKIN_PERSON_DENIED');
    expect(codeOf(await model.checkIn(venue(), [], NOW))).toBe('CHECKIN_NOBODY');
    // Without signed rules no stay longer than the venue's own default.
    expect(
      codeOf(
        await model.checkIn(venue(), [key], NOW, { handChecked: [key], stayMinutes: kaltimOffice.stayMinutes + 60 }),
      ),
    ).toBe('STAY_OUT_OF_RANGE');
    expect(must(await store.listCheckIns()).items).toHaveLength(0);

    const office = must(await model.checkIn(venue(), [key], NOW, { handChecked: [key] }));
    expect(office.people).toEqual([key]);
    const mosque = must(await model.checkIn(venue(semarangMosque), [key], NOW + 600, { handChecked: [key] }));
    const visits = must(await store.listCheckIns()).items;
    expect(visits.find((c) => c.id === office.id)?.checkedOutAt).toBe(NOW + 600);
    expect(visits.filter((c) => isActiveCheckIn(c, NOW + 601)).map((c) => c.id)).toEqual([mosque.id]);
    expect(must(await store.listOutbox()).items).toContainEqual({
      id: office.id,
      op: 'checkout',
      createdAt: NOW + 600,
    });
  });
});
