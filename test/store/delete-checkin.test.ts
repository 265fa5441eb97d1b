/**
 * Deleting one visit from the history (issue 7): the visit, its waiting uploads, its dead letters and its exposure
 * matches go in one durable transaction; other visits keep theirs.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { NOW, semarangMosque } from '../support/authority';
import { admitted, closeAll, codeOf, freshStore, must, venue } from './helpers';

afterEach(closeAll);

const BUDI = 'budi|1985-04-12';

describe('deleteCheckIn', () => {
  it('removes the visit with its outbox entries, dead letters and exposures, and nothing else', async () => {
    const { store } = freshStore();
    const gone = must(await store.checkIn({ venue: venue(), people: admitted(BUDI), now: NOW }));
    const kept = must(await store.checkIn({ venue: venue(semarangMosque), people: admitted(BUDI), now: NOW + 60 }));
    must(await store.checkOut(gone.id, NOW + 600));
    must(await store.checkOut(kept.id, NOW + 700));
    // The server refused the deleted visit's check-out once: a dead letter.
    must(await store.settleUploads({ done: [], dead: [{ id: gone.id, op: 'checkout', code: 'X', failedAt: NOW }] }));
    const match = (checkInId: string, seq: number) => ({
      seq,
      checkInId,
      venueId: 'v',
      level: 'high' as const,
      overlapSeconds: 900,
      from: NOW,
      to: NOW + 900,
      people: [BUDI],
    });
    must(await store.recordNotices({ matches: [match(gone.id, 1), match(kept.id, 2)], now: NOW, patch: {} }));

    must(await store.deleteCheckIn(gone.id));

    const visits = must(await store.listCheckIns()).items;
    expect(visits.map((c) => c.id)).toEqual([kept.id]);
    const outbox = must(await store.listOutbox()).items;
    expect(outbox.map((o) => [o.id, o.op])).toEqual([
      [kept.id, 'checkin'],
      [kept.id, 'checkout'],
    ]);
    const sync = must(await store.loadSync());
    expect(sync.deadLetters).toEqual([]);
    expect(sync.exposures.map((e) => e.checkInId)).toEqual([kept.id]);
  });

  it('answers CHECKIN_NOT_FOUND for a visit that is not there, and changes nothing', async () => {
    const { store } = freshStore();
    const c = must(await store.checkIn({ venue: venue(), people: admitted(BUDI), now: NOW }));
    expect(codeOf(await store.deleteCheckIn('0'.repeat(32)))).toBe('CHECKIN_NOT_FOUND');
    must(await store.deleteCheckIn(c.id));
    expect(codeOf(await store.deleteCheckIn(c.id))).toBe('CHECKIN_NOT_FOUND');
    expect(must(await store.listCheckIns()).items).toEqual([]);
    expect(must(await store.listOutbox()).items).toEqual([]);
  });

  it('survives closing and reopening the database (durable)', async () => {
    const { name, store } = freshStore();
    const c = must(await store.checkIn({ venue: venue(), people: admitted(BUDI), now: NOW }));
    must(await store.deleteCheckIn(c.id));
    store.close();
    const again = freshStore({ name }).store;
    expect(must(await again.listCheckIns()).items).toEqual([]);
    expect(must(await again.listOutbox()).items).toEqual([]);
  });
});
