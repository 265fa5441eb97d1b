/**
 * AppModel wiring (issue 4) on fake-indexeddb: retention (visits past the policy's days, recycle-bin entries past
 * 30 days), the recycle bin, export → import, and a second tab's model following the first's writes.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cert, closeAll, freshStore, must, venue } from '../store/helpers';

vi.hoisted(() => {
  const g = globalThis as Record<string, unknown>;
  g.__APP_VERSION__ = '0.0.0-test';
  g.__TRUST_ANCHOR__ = { version: 1, threshold: 1, keys: [] };
});

const { AppModel } = await import('../../src/ui/app-model');

const persist = vi.fn(async () => false);
vi.stubGlobal('navigator', { storage: { persist, persisted: async () => false } });

const NOW = 1_780_000_000;
const DAY = 86_400;

afterEach(closeAll);

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
    must(await model.checkIn(venue(), [], NOW));
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
    must(await first.checkIn(venue(), [], NOW));
    await vi.waitFor(() => {
      expect(second.get().certificates).toHaveLength(1);
      expect(second.get().checkins).toHaveLength(1);
    });
    expect(must(await otherStore.listOutbox()).items).toHaveLength(1);
    second.stop();
  });
});
