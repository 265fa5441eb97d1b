/**
 * Pulling notices by province and day against a scripted server (fetch replaced): only the visited provinces'
 * files are requested, a notice at a visited venue is found, verified and matched, a forged one is skipped, a
 * visit stored after a file was read is still matched, a phone clock behind the server's reaches today, a file
 * under the wrong name is refused. The real server: test/server/notice-files.test.ts, test/e2e/22-*.spec.ts.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/core/bundle';
import { signNotice } from '../../src/core/notice';
import { dayOf, formatDay, NOTICES_PER_PART } from '../../src/core/notice-files';
import { pullNotices } from '../../src/sync/notices-pull';
import { admitted, closeAll, freshStore, must, venue } from '../store/helpers';
import {
  anchor,
  bundleKey,
  HOUR,
  kaltimOffice,
  makeBundle,
  NOW,
  noticesKey,
  semarangMosque,
} from '../support/authority';

afterEach(closeAll);

const bundle = (() => {
  const b = verifyBundle(makeBundle(), anchor);
  if (!b.ok) throw new Error(b.error.code);
  return b.value;
})();
const kid = bundleKey(noticesKey, 'notices').kid;
const TODAY = dayOf(NOW);

const notice = (seq: number, venueId: string, from: number, to: number, secretKey = noticesKey.secretKey) => ({
  seq,
  ...signNotice({ seq, venueId, from, to, issuedAt: to, kid }, secretKey),
});

/**
 * Serves `files` (province/YYYY-MM-DD → that day's notices) in parts, empty for any other day; days before
 * `finalBefore` are final, and so is a full part. Records each part asked for as province/day (part 0) or
 * province/day/part.
 */
function fakeServer(files: Record<string, unknown[]>, finalBefore = TODAY) {
  const requested: string[] = [];
  const fetchFn = (async (url: string) => {
    const m = /\/v1\/notices\/(\d\d)\/(\d{4}-\d\d-\d\d)\/(\d+)\.json$/.exec(String(url));
    if (!m) return new Response('no', { status: 404 });
    const part = Number(m[3]);
    requested.push(part === 0 ? `${m[1]}/${m[2]}` : `${m[1]}/${m[2]}/${part}`);
    const notices = (files[`${m[1]}/${m[2]}`] ?? []).slice(part * NOTICES_PER_PART, (part + 1) * NOTICES_PER_PART);
    const final = m[2] < formatDay(finalBefore) || notices.length === NOTICES_PER_PART;
    return Response.json(
      { province: m[1], day: m[2], part, notices },
      { headers: { etag: '"x"', 'cache-control': final ? 'public, max-age=31536000, immutable' : 'public, no-cache' } },
    );
  }) as typeof fetch;
  return { fetchFn, requested };
}

const pull = (store: ReturnType<typeof freshStore>['store'], fetchFn: typeof fetch, now = NOW) =>
  pullNotices({ store, bundle, fetch: fetchFn, now: () => now });

describe('pullNotices by province and day', () => {
  it('asks only for the provinces visited, from the first visit day; finds, verifies and matches the notice', async () => {
    const { store } = freshStore();
    const at = NOW - 2 * 86_400; // two days ago, in Kalimantan Timur only
    const visit = must(await store.checkIn({ venue: venue(kaltimOffice), people: admitted('budi'), now: at }));
    const issued = formatDay(dayOf(at + HOUR));
    const srv = fakeServer({
      [`64/${issued}`]: [
        notice(1, kaltimOffice.id, at + 10 * 60, at + 20 * 60), // 10 min of overlap: low
        notice(2, 'ELSEWHERE', at, at + HOUR),
        notice(3, kaltimOffice.id, at, at + HOUR, new Uint8Array(32).fill(9)), // forged
        notice(4, kaltimOffice.id, at - HOUR, at + 30 * 60), // 30 min: high
      ],
      [`33/${issued}`]: [notice(5, semarangMosque.id, at, at + HOUR)],
    });
    const r = await pull(store, srv.fetchFn);
    expect(srv.requested).toEqual([0, 1, 2].map((d) => `64/${formatDay(TODAY - 2 + d)}`));
    // The notice at a venue never visited is not even verified; the forged one at a visited venue is skipped.
    expect(r).toMatchObject({ kind: 'updated', skipped: 1, skippedCode: 'NOTICE_SIGNATURE_INVALID', files: 3 });
    const exposures = must(await store.loadSync()).exposures;
    expect(exposures.map((e) => [e.seq, e.checkInId, e.level, e.overlapSeconds])).toEqual([
      [1, visit.id, 'low', 600],
      [4, visit.id, 'high', 1800],
    ]);
    // Read again: nothing new is recorded.
    expect(await pull(store, srv.fetchFn, NOW + 60)).toMatchObject({ kind: 'unchanged', added: [] });
    expect(must(await store.loadSync()).exposures).toHaveLength(2);
  });

  it('with no visit it asks for nothing; a visit to Jawa Tengah adds only that province', async () => {
    const { store } = freshStore();
    const srv = fakeServer({});
    expect(await pull(store, srv.fetchFn)).toMatchObject({ kind: 'unchanged', files: 0 });
    expect(srv.requested).toEqual([]);
    must(await store.checkIn({ venue: venue(semarangMosque), people: admitted('budi'), now: NOW - HOUR }));
    await pull(store, srv.fetchFn);
    expect(srv.requested).toEqual([`33/${formatDay(TODAY)}`]);
  });

  it('matches a visit stored after its file was read (an imported history), at the next sync', async () => {
    const { store } = freshStore();
    const at = NOW - 5 * HOUR;
    must(await store.checkIn({ venue: venue(semarangMosque), people: admitted('ani'), now: NOW - 6 * HOUR }));
    const srv = fakeServer({ [`64/${formatDay(TODAY)}`]: [notice(7, kaltimOffice.id, at, at + HOUR)] });
    await pull(store, srv.fetchFn);
    expect(must(await store.loadSync()).exposures).toEqual([]);
    const late = must(await store.checkIn({ venue: venue(kaltimOffice), people: admitted('ani'), now: at + 600 }));
    const r = await pull(store, srv.fetchFn);
    expect(r).toMatchObject({ kind: 'updated' });
    expect(must(await store.loadSync()).exposures.map((e) => [e.seq, e.checkInId])).toEqual([[7, late.id]]);
  });

  it('reads past its own today while the last day read is final (a phone clock behind the server)', async () => {
    const { store } = freshStore();
    must(await store.checkIn({ venue: venue(kaltimOffice), people: admitted('budi'), now: NOW - HOUR }));
    const at = NOW - HOUR;
    const srv = fakeServer({ [`64/${formatDay(TODAY + 1)}`]: [notice(9, kaltimOffice.id, at, at + 1800)] }, TODAY + 1);
    await pull(store, srv.fetchFn);
    expect(srv.requested).toEqual([`64/${formatDay(TODAY)}`, `64/${formatDay(TODAY + 1)}`]);
    expect(must(await store.loadSync()).exposures.map((e) => e.seq)).toEqual([9]);
  });

  it('reads a day part after part while they are full, and finds a notice in a later part', async () => {
    const { store } = freshStore();
    const at = NOW - 3 * HOUR;
    const visit = must(await store.checkIn({ venue: venue(semarangMosque), people: admitted('ani'), now: at }));
    // Two full parts of notices elsewhere in Jawa Tengah, then the one at the mosque.
    const elsewhere = Array.from({ length: 2 * NOTICES_PER_PART }, (_, i) => notice(i + 1, `OTHER${i}`, at, at + HOUR));
    const day = formatDay(TODAY);
    const srv = fakeServer({ [`33/${day}`]: [...elsewhere, notice(99, semarangMosque.id, at, at + HOUR)] });
    expect(await pull(store, srv.fetchFn)).toMatchObject({ kind: 'updated', files: 3 });
    expect(srv.requested).toEqual([`33/${day}`, `33/${day}/1`, `33/${day}/2`]);
    expect(must(await store.loadSync()).exposures.map((e) => [e.seq, e.checkInId])).toEqual([[99, visit.id]]);
  });

  it('refuses a file under another name and reports it, still matching the other provinces', async () => {
    const { store } = freshStore();
    const at = NOW - HOUR;
    must(await store.checkIn({ venue: venue(semarangMosque), people: admitted('budi'), now: at }));
    must(await store.checkIn({ venue: venue(kaltimOffice), people: admitted('budi'), now: at + 60 }));
    const good = fakeServer({ [`64/${formatDay(TODAY)}`]: [notice(3, kaltimOffice.id, at, at + 1800)] });
    const mixedUp = (async (url: string) => {
      if (String(url).includes('/33/'))
        return Response.json(
          { province: '64', day: formatDay(TODAY), part: 0, notices: [] },
          { headers: { etag: '"y"' } },
        );
      return good.fetchFn(url);
    }) as typeof fetch;
    expect(await pull(store, mixedUp)).toMatchObject({ kind: 'unreachable', code: 'SERVER_ERROR' });
    expect(must(await store.loadSync()).exposures.map((e) => e.seq)).toEqual([3]);
  });
});
