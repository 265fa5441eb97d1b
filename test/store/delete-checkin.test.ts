/**
 * Deleting one visit from the history: the visit, its waiting uploads, its dead letters and its low-level exposure
 * matches go in one durable transaction; other visits keep theirs. A high-level match is held (marked
 * `visitDeleted`) so the black status it gives cannot be erased by deleting the visit, and dropped only
 * EXPOSURE_HOLD_SECONDS after the exposure.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPOSURE_HOLD_SECONDS } from '../../src/store/sync-state';
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
    const match = (checkInId: string, seq: number, level: 'high' | 'low' = 'high') => ({
      seq,
      checkInId,
      venueId: 'v',
      level,
      overlapSeconds: 900,
      from: NOW,
      to: NOW + 900,
      people: [BUDI],
    });
    must(
      await store.recordNotices({
        matches: [match(gone.id, 1), match(gone.id, 3, 'low'), match(kept.id, 2)],
        now: NOW,
        patch: {},
      }),
    );

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
    expect(sync.exposures.map((e) => [e.checkInId, e.seq, e.visitDeleted])).toEqual([
      [gone.id, 1, true],
      [kept.id, 2, undefined],
    ]);

    // The next notices pages keep the held match through its window, then drop it.
    must(await store.recordNotices({ matches: [], now: NOW + 900 + EXPOSURE_HOLD_SECONDS - 1, patch: {} }));
    expect(must(await store.loadSync()).exposures.map((e) => e.seq)).toEqual([1, 2]);
    must(await store.recordNotices({ matches: [], now: NOW + 900 + EXPOSURE_HOLD_SECONDS, patch: {} }));
    expect(must(await store.loadSync()).exposures.map((e) => e.seq)).toEqual([2]);
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
