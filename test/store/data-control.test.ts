/**
 * The user's control of their data, store side: retention, recycle bin, history pages, export/import,
 * cross-tab change notices, and faults (quota, an aborted bundle update).
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CheckInRecord, type ExportFile, MAX_IMPORT_BYTES } from '../../src/store';
import { DAY, HOUR, makeBundle, makeBundlePayload, NOW, semarangMosque } from '../support/authority';
import { admitted, cert, closeAll, codeOf, freshStore, must, venue } from './helpers';

afterEach(() => {
  closeAll();
  vi.restoreAllMocks();
});

describe('retention', () => {
  it('purgeCheckIns(now, 21) removes a 22-day-old check-in with its unsent outbox entries and keeps a 20-day-old one', async () => {
    const { store } = freshStore();
    const old = must(await store.checkIn({ venue: venue(), people: [], now: NOW - 22 * DAY }));
    must(await store.checkOut(old.id, NOW - 22 * DAY + HOUR));
    const kept = must(await store.checkIn({ venue: venue(), people: [], now: NOW - 20 * DAY }));
    expect(must(await store.purgeCheckIns(NOW, 21))).toBe(1);
    expect(must(await store.listCheckIns()).items.map((c) => c.id)).toEqual([kept.id]);
    expect(must(await store.listOutbox()).items).toEqual([{ id: kept.id, op: 'checkin', createdAt: NOW - 20 * DAY }]);
    // exactly at the cutoff: kept; one second past it: removed
    expect(must(await store.purgeCheckIns(NOW - DAY, 19))).toBe(0);
    expect(must(await store.purgeCheckIns(NOW - DAY + 1, 19))).toBe(1);
  });

  it('reads the index range only (no full scan)', async () => {
    const { store } = freshStore();
    for (let i = 0; i < 5; i++) must(await store.checkIn({ venue: venue(), people: [], now: NOW - i * DAY }));
    const open = vi.spyOn(IDBIndex.prototype, 'openCursor');
    must(await store.purgeCheckIns(NOW, 21));
    expect(open).toHaveBeenCalledTimes(1);
    const range = open.mock.calls[0]?.[0] as IDBKeyRange;
    expect([range.lower, range.upper, range.upperOpen]).toEqual([undefined, NOW - 21 * DAY, true]);
  });
});

describe('recycle bin', () => {
  it('delete hides a certificate, the bin lists it, restore brings it back', async () => {
    const { store } = freshStore();
    const a = cert(1);
    const b = cert(2);
    must(await store.saveCertificate(a, NOW));
    must(await store.saveCertificate(b, NOW));
    const deleted = must(await store.deleteCertificate(a.blob.contentId, NOW + 10));
    expect(deleted.deletedAt).toBe(NOW + 10);
    expect(must(await store.listCertificates()).certificates.map((c) => c.record.contentId)).toEqual([
      b.blob.contentId,
    ]);
    const bin = must(await store.listRecycleBin());
    expect(bin.certificates.map((c) => [c.record.contentId, c.record.deletedAt])).toEqual([
      [a.blob.contentId, NOW + 10],
    ]);
    // deleting again keeps the first time
    expect(must(await store.deleteCertificate(a.blob.contentId, NOW + 99)).deletedAt).toBe(NOW + 10);

    const restored = must(await store.restoreCertificate(a.blob.contentId));
    expect(restored.deletedAt).toBeUndefined();
    expect(must(await store.listCertificates()).certificates).toHaveLength(2);
    expect(must(await store.listRecycleBin()).certificates).toEqual([]);
    expect(codeOf(await store.deleteCertificate('nope', NOW))).toBe('CERTIFICATE_NOT_FOUND');
    expect(codeOf(await store.restoreCertificate('nope'))).toBe('CERTIFICATE_NOT_FOUND');
  });

  it('importing a deleted certificate again restores it', async () => {
    const { store } = freshStore();
    const a = cert(1);
    must(await store.saveCertificate(a, NOW));
    must(await store.deleteCertificate(a.blob.contentId, NOW));
    expect(must(await store.saveCertificate(a, NOW + 5)).alreadySaved).toBe(false);
    expect(must(await store.listCertificates()).certificates).toHaveLength(1);
  });

  it('purgeRecycleBin removes what was deleted more than 30 days ago only', async () => {
    const { store } = freshStore();
    const [a, b, c] = [cert(1), cert(2), cert(1, '2026-02-01')];
    for (const x of [a, b, c]) must(await store.saveCertificate(x, NOW - 40 * DAY));
    must(await store.deleteCertificate(a.blob.contentId, NOW - 31 * DAY));
    must(await store.deleteCertificate(b.blob.contentId, NOW - 29 * DAY));
    expect(must(await store.purgeRecycleBin(NOW))).toBe(1);
    expect(must(await store.listRecycleBin()).certificates.map((x) => x.record.contentId)).toEqual([b.blob.contentId]);
    expect(must(await store.listCertificates()).certificates.map((x) => x.record.contentId)).toEqual([
      c.blob.contentId,
    ]);
  });
});

describe('history pages', () => {
  it('1,000 check-ins: pages are disjoint, newest first, and complete (ties in time included)', async () => {
    let i = 0;
    const { store } = freshStore({ randomId: () => (i++).toString(16).padStart(32, '0') });
    const all: CheckInRecord[] = [];
    for (let k = 0; k < 1000; k++)
      // every 3 share a time: the cursor must not skip or repeat a tie at a page boundary
      all.push(must(await store.checkIn({ venue: venue(), people: [], now: NOW - Math.floor(k / 3) * 60 })));
    const expected = [...all].sort((a, b) => b.checkedInAt - a.checkedInAt || b.id.localeCompare(a.id));

    const getAll = vi.spyOn(IDBIndex.prototype, 'getAll');
    const seen: CheckInRecord[] = [];
    let before: { checkedInAt: number; id: string } | undefined;
    let pages = 0;
    do {
      const page = must(await store.listCheckInsPage({ ...(before ? { before } : {}), limit: 37 }));
      expect(page.items.length).toBeLessThanOrEqual(37);
      seen.push(...page.items);
      before = page.next;
      pages++;
    } while (before);
    expect(pages).toBe(Math.ceil(1000 / 37));
    expect(seen).toEqual(expected);
    expect(new Set(seen.map((c) => c.id)).size).toBe(1000);
    expect(getAll).not.toHaveBeenCalled();
    // the last page has no `next`; an exact multiple ends without an empty page
    const exact = must(await store.listCheckInsPage({ limit: 1000 }));
    expect(exact.items).toHaveLength(1000);
    expect(exact.next).toBeUndefined();
  });
});

describe('export / import', () => {
  async function populated() {
    const s = freshStore();
    const a = cert(1);
    const b = cert(2);
    must(await s.store.saveCertificate(a, NOW - 2 * DAY));
    must(await s.store.saveCertificate(b, NOW - DAY));
    must(await s.store.deleteCertificate(a.blob.contentId, NOW - HOUR));
    const c1 = must(
      await s.store.checkIn({ venue: venue(), people: admitted('budi|1985-04-12'), now: NOW - 3 * HOUR }),
    );
    must(await s.store.checkOut(c1.id, NOW - 2 * HOUR));
    must(await s.store.checkIn({ venue: venue(semarangMosque), people: [], now: NOW - HOUR }));
    return s;
  }

  it('round-trips certificates (by their signed code), check-ins and the outbox; importing twice adds nothing', async () => {
    const { store } = await populated();
    const file = must(await store.exportAll(NOW));
    expect(file).toMatchObject({ format: 'singgah-export', version: 1, exportedAt: NOW });
    expect(Object.keys(file.certificates[0] ?? {}).every((k) => ['code', 'importedAt', 'deletedAt'].includes(k))).toBe(
      true,
    );
    const text = JSON.stringify(file);

    const { store: other } = freshStore();
    expect(must(await other.importAll(text, NOW))).toEqual({ certificates: 2, checkins: 2, outbox: 3 });
    expect(must(await other.importAll(text, NOW))).toEqual({ certificates: 0, checkins: 0, outbox: 0 });
    expect(must(await other.exportAll(NOW))).toEqual(file);
    expect(must(await other.listCertificates()).certificates.map((c) => c.record)).toEqual(
      must(await store.listCertificates()).certificates.map((c) => c.record),
    );
    expect(must(await other.listRecycleBin()).certificates).toHaveLength(1);
    expect(must(await other.listCheckIns()).items).toEqual(must(await store.listCheckIns()).items);
  });

  it('rejects the whole file, importing nothing, when anything is wrong', async () => {
    const { store } = await populated();
    const file = must(await store.exportAll(NOW));
    const { store: other } = freshStore();
    const bad = (f: unknown) => other.importAll(JSON.stringify(f), NOW);
    const [first] = file.certificates;
    if (!first) throw new Error('no certificate');

    // a forged certificate: its code does not decode
    const forged: ExportFile = { ...file, certificates: [...file.certificates, { ...first, code: `1${first.code}` }] };
    expect(codeOf(await bad(forged))).toBe('IMPORT_CERTIFICATE_INVALID');
    // a check-in whose venue name does not match its signed venue code
    const renamed = {
      ...file,
      checkins: file.checkins.map((c, i) => (i === 0 ? { ...c, venueName: 'Elsewhere' } : c)),
    };
    expect(codeOf(await bad(renamed))).toBe('IMPORT_INVALID');
    // an outbox entry for a check-in that is not in the file
    expect(codeOf(await bad({ ...file, outbox: [{ id: 'ff'.repeat(16), op: 'checkin', createdAt: NOW }] }))).toBe(
      'IMPORT_INVALID',
    );
    expect(codeOf(await bad({ ...file, format: 'other' }))).toBe('IMPORT_INVALID');
    expect(codeOf(await bad({ ...file, extra: 1 }))).toBe('IMPORT_INVALID');
    expect(codeOf(await other.importAll('{not json', NOW))).toBe('IMPORT_INVALID');
    expect(codeOf(await other.importAll(' '.repeat(MAX_IMPORT_BYTES + 1), NOW))).toBe('IMPORT_TOO_LARGE');
    expect(codeOf(await other.importAll(`"${'é'.repeat(MAX_IMPORT_BYTES / 2)}"`, NOW))).toBe('IMPORT_TOO_LARGE');

    expect(must(await other.exportAll(NOW))).toMatchObject({ certificates: [], checkins: [], outbox: [] });
  });

  it('an import that fails in the transaction (quota) writes nothing', async () => {
    const { store } = await populated();
    const text = JSON.stringify(must(await store.exportAll(NOW)));
    const { store: other } = freshStore();
    const add = IDBObjectStore.prototype.add;
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'outbox') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return add.apply(this, args);
    });
    expect(codeOf(await other.importAll(text, NOW))).toBe('STORAGE_QUOTA_EXCEEDED');
    vi.restoreAllMocks();
    expect(must(await other.exportAll(NOW))).toMatchObject({ certificates: [], checkins: [], outbox: [] });
  });
});

describe('cross-tab', () => {
  it('a committed write in one store instance is announced to another on the same database', async () => {
    const { name, store: a } = freshStore();
    const { store: b } = freshStore({ name });
    const { store: elsewhere } = freshStore();
    const heard: (readonly string[])[] = [];
    const heardElsewhere: unknown[] = [];
    b.onExternalChange((stores) => heard.push(stores));
    elsewhere.onExternalChange((stores) => heardElsewhere.push(stores));
    const c = must(await a.checkIn({ venue: venue(), people: [], now: NOW }));
    await vi.waitFor(() => expect(heard).toEqual([['checkins', 'outbox']]));
    // b sees it on its next read; a failed write announces nothing
    expect(must(await b.listCheckIns()).items.map((x) => x.id)).toEqual([c.id]);
    expect(codeOf(await a.checkOut('00'.repeat(16), NOW))).toBe('CHECKIN_NOT_FOUND');
    must(await a.saveCertificate(cert(), NOW));
    await vi.waitFor(() => expect(heard).toEqual([['checkins', 'outbox'], ['certificates']]));
    expect(heardElsewhere).toEqual([]);
  });
});

describe('faults', () => {
  it('a quota error on a check-in: STORAGE_QUOTA_EXCEEDED, earlier check-ins intact, outbox unchanged', async () => {
    const { store } = freshStore();
    const first = must(await store.checkIn({ venue: venue(), people: [], now: NOW - HOUR }));
    must(await store.checkOut(first.id, NOW - 30 * 60));
    const before = must(await store.listOutbox()).items;
    const put = IDBObjectStore.prototype.add;
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'checkins') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    });
    expect(codeOf(await store.checkIn({ venue: venue(), people: [], now: NOW }))).toBe('STORAGE_QUOTA_EXCEEDED');
    vi.restoreAllMocks();
    expect(must(await store.listCheckIns()).items).toEqual([{ ...first, checkedOutAt: NOW - 30 * 60 }]);
    expect(must(await store.listOutbox()).items).toEqual(before);
  });

  it('a bundle update aborted mid-way (after the bundle was written): the last good bundle still loads', async () => {
    const { name, store } = freshStore();
    const bundle = (version: number) => ({
      source: makeBundle(makeBundlePayload({}, version, NOW - DAY)),
      version,
      issuedAt: NOW - DAY + version,
    });
    must(await store.saveBundle(bundle(1), NOW));
    const good = must(await store.loadBundle());
    // The tab dies between the bundle write and the trusted-time write: the transaction aborts.
    const put = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'meta' && args[1] === 'trustedTime') {
        this.transaction.abort();
        throw new DOMException('The transaction was aborted.', 'AbortError');
      }
      return put.apply(this, args);
    });
    expect((await store.saveBundle(bundle(2), NOW + 60)).ok).toBe(false);
    vi.restoreAllMocks();
    expect(must(await store.loadBundle())).toEqual(good);
    // and a fresh connection (a reloaded tab) sees the same
    const db = await openDB(name);
    expect((await db.get('meta', 'bundle')).version).toBe(1);
    db.close();
  });
});
