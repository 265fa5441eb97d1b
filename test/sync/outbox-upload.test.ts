/**
 * The sync client against a scripted server (fetch replaced): batching, oldest first, per-item results,
 * dead letters, splitting a refused batch, retry codes and backoff state. Notices: test/sync/notices-pull.test.ts.
 * The real server behind a faulty proxy is test/sync/fault-injection.test.ts.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/core/bundle';
import { checkInProofOf, PER_VISIT_UPLOAD_MAX, UPLOAD_SPREAD_MS } from '../../src/core/checkin-upload';
import type { Store } from '../../src/store';
import { type UploadItem, uploadOutbox } from '../../src/sync/outbox-upload';
import { runSync, SYNC_LOCK } from '../../src/sync/sync-run';
import { admitted, closeAll, freshStore, must, venue } from '../store/helpers';
import { anchor, DAY, HOUR, kaltimOffice, makeBundle, makeBundlePayload, NOW } from '../support/authority';

afterEach(closeAll);

const verified = (uploadCheckIns = true) => {
  const payload = makeBundlePayload();
  const b = verifyBundle(makeBundle({ ...payload, policy: { ...payload.policy, uploadCheckIns } }), anchor);
  if (!b.ok) throw new Error(b.error.code);
  return b.value;
};

type Handler = (items: UploadItem[]) => Response | Promise<Response>;
/** Records every upload request; `handler` answers it. Notice files are all empty (test/sync/notices-pull.test.ts). */
function fakeServer(handler: Handler) {
  const requests: UploadItem[][] = [];
  const fetchFn = (async (url: string, init?: RequestInit) => {
    const file = /\/v1\/notices\/(\d\d)\/([\d-]+)\/(\d+)\.json$/.exec(String(url));
    if (file) {
      const body = { province: file[1], day: file[2], part: Number(file[3]), notices: [] };
      return Response.json(body, { headers: { etag: '"e"' } });
    }
    const items = (JSON.parse(String(init?.body)) as { items: UploadItem[] }).items;
    requests.push(items);
    return handler(items);
  }) as typeof fetch;
  return { fetchFn, requests };
}
const storeAll: Handler = (items) =>
  Response.json({ results: items.map((i) => ({ id: i.id, op: i.op, status: 'stored' })) });

/**
 * Web Locks as one browser grants them, exclusive: with `ifAvailable` a held name gives the callback null;
 * without, the request waits until the name is released. `hold` stands for another tab or the worker.
 */
function exclusiveLocks() {
  const held = new Set<string>();
  const waiting: (() => void)[] = [];
  const release = (name: string) => {
    held.delete(name);
    waiting.shift()?.();
  };
  const acquire = async (name: string) => {
    while (held.has(name)) await new Promise<void>((resolve) => waiting.push(resolve));
    held.add(name);
  };
  type Callback = (lock: Lock | null) => Promise<unknown>;
  const manager = {
    asked: 0,
    hold(name: string) {
      held.add(name);
      return () => release(name);
    },
    async request(name: string, options: LockOptions | Callback, maybe?: Callback) {
      manager.asked++;
      const [ifAvailable, callback] =
        typeof options === 'function' ? [false, options] : [options.ifAvailable === true, maybe as Callback];
      if (ifAvailable && held.has(name)) return callback(null);
      await acquire(name);
      try {
        return await callback({ name, mode: 'exclusive' });
      } finally {
        release(name);
      }
    },
  };
  return manager as typeof manager & LockManager;
}

async function checkIns(store: Store, n: number, start = NOW - DAY) {
  const v = venue();
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push(must(await store.checkIn({ venue: v, people: admitted('a', 'b'), now: start + i })).id);
  return ids;
}

describe('uploadOutbox', () => {
  it('sends batches of at most 100, oldest first, and empties the outbox', async () => {
    const { store } = freshStore();
    const ids = await checkIns(store, 230);
    must(await store.checkOut(ids[0] as string, NOW - DAY + HOUR));
    const srv = fakeServer(storeAll);
    const r = await uploadOutbox({ store, fetch: srv.fetchFn, now: () => NOW, random: () => 0 });
    expect(r).toEqual({ kind: 'done', uploaded: 231, deadLettered: 0 });
    expect(srv.requests.map((b) => b.length)).toEqual([100, 100, 31]);
    const sent = srv.requests.flat();
    expect(sent.slice(0, 230).map((i) => i.id)).toEqual(ids);
    // The check-out, written last, goes last; only counts and times leave the phone.
    expect(sent[230]).toEqual({ id: ids[0], op: 'checkout', at: NOW - DAY + HOUR });
    expect(sent[0]).toEqual({
      id: ids[0],
      op: 'checkin',
      venueId: kaltimOffice.id,
      at: NOW - DAY,
      autoCheckOutAt: NOW - DAY + kaltimOffice.stayMinutes * 60,
      people: 2,
      // The proof of the signed QR scanned at the door, bound to this check-in's id.
      proof: checkInProofOf(ids[0] as string, venue().code),
    });
    expect(must(await store.listOutbox()).items).toEqual([]);
  });

  it('duplicate counts as done; rejected items become dead letters with the server code', async () => {
    const { store } = freshStore();
    const ids = await checkIns(store, 3);
    const srv = fakeServer((items) =>
      Response.json({
        results: items.map((i) =>
          i.id === ids[1]
            ? { id: i.id, op: i.op, status: 'rejected', code: 'VENUE_UNKNOWN' }
            : { id: i.id, op: i.op, status: i.id === ids[0] ? 'duplicate' : 'stored' },
        ),
      }),
    );
    expect(await uploadOutbox({ store, fetch: srv.fetchFn, now: () => NOW, random: () => 0 })).toEqual({
      kind: 'done',
      uploaded: 2,
      deadLettered: 1,
    });
    const sync = must(await store.loadSync());
    expect(sync.waiting).toBe(0);
    expect(sync.deadLetters).toEqual([
      { id: ids[1], op: 'checkin', code: 'VENUE_UNKNOWN', failedAt: NOW, createdAt: NOW - DAY + 1 },
    ]);
    // Retry puts it back in the outbox; discard forgets it.
    expect(must(await store.retryDeadLetters([[ids[1] as string, 'checkin']], NOW))).toBe(1);
    expect(must(await store.loadSync())).toMatchObject({ waiting: 1, deadLetters: [] });
    const again = fakeServer((items) =>
      Response.json({ results: items.map((i) => ({ id: i.id, op: i.op, status: 'rejected', code: 'VENUE_UNKNOWN' })) }),
    );
    await uploadOutbox({ store, fetch: again.fetchFn, now: () => NOW, random: () => 0 });
    must(await store.discardDeadLetters([[ids[1] as string, 'checkin']]));
    expect(must(await store.loadSync())).toMatchObject({ waiting: 0, deadLetters: [] });
    // The visit itself stays in the history.
    expect(must(await store.listCheckIns()).items).toHaveLength(3);
  });

  it('a small outbox goes one visit per request, the later ones after a random pause; a large one in full batches', async () => {
    const { store } = freshStore();
    const ids = await checkIns(store, 3);
    must(await store.checkOut(ids[0] as string, NOW - DAY + HOUR));
    const srv = fakeServer(storeAll);
    const pauses: number[] = [];
    const draws = [0.5, 0.999];
    const r = await uploadOutbox({
      store,
      fetch: srv.fetchFn,
      now: () => NOW,
      random: () => draws[pauses.length % draws.length] as number,
      pause: async (ms) => {
        pauses.push(ms);
      },
    });
    expect(r).toEqual({ kind: 'done', uploaded: 4, deadLettered: 0 });
    // One POST per visit: the first visit's check-out travels with its check-in, never with another visit.
    expect(srv.requests.map((b) => b.map((i) => `${i.id}/${i.op}`))).toEqual([
      [`${ids[0]}/checkin`, `${ids[0]}/checkout`],
      [`${ids[1]}/checkin`],
      [`${ids[2]}/checkin`],
    ]);
    // None before the first request (the visit just made counts at once), one before each later request.
    expect(pauses).toEqual([UPLOAD_SPREAD_MS / 2, Math.floor(0.999 * UPLOAD_SPREAD_MS)]);

    const many = freshStore().store;
    await checkIns(many, PER_VISIT_UPLOAD_MAX + 1);
    const big = fakeServer(storeAll);
    await uploadOutbox({ store: many, fetch: big.fetchFn, now: () => NOW, random: () => 0 });
    expect(big.requests.map((b) => b.length)).toEqual([PER_VISIT_UPLOAD_MAX + 1]);
  });

  it('a refused request is split until the item that causes it stands alone', async () => {
    const { store } = freshStore();
    // More than a per-visit outbox: one batch, which the refusal splits.
    const ids = await checkIns(store, 16);
    const bad = ids[5];
    const srv = fakeServer((items) =>
      items.some((i) => i.id === bad)
        ? Response.json({ error: { code: 'ITEM_UNIDENTIFIABLE', message: 'x' } }, { status: 400 })
        : storeAll(items),
    );
    expect(await uploadOutbox({ store, fetch: srv.fetchFn, now: () => NOW, random: () => 0 })).toEqual({
      kind: 'done',
      uploaded: 15,
      deadLettered: 1,
    });
    expect(must(await store.loadSync()).deadLetters.map((d) => [d.id, d.code])).toEqual([[bad, 'ITEM_UNIDENTIFIABLE']]);
    // Every good item was sent until stored; the bad one log2(16) + 1 times.
    expect(srv.requests.flat().filter((i) => i.id === bad)).toHaveLength(5);
  });

  it.each([
    [500, 'SERVER_ERROR'],
    [503, 'SERVER_ERROR'],
    [408, 'SERVER_ERROR'],
    [429, 'RATE_LIMITED'],
  ])('HTTP %i stops the upload for a retry and keeps the outbox', async (status, code) => {
    const { store } = freshStore();
    await checkIns(store, 3);
    const srv = fakeServer(() => new Response('x', { status, headers: { 'retry-after': '7' } }));
    const r = await uploadOutbox({ store, fetch: srv.fetchFn, now: () => NOW, random: () => 0 });
    expect(r).toMatchObject({ kind: 'retry', code, retryAfter: '7', uploaded: 0 });
    expect(must(await store.loadSync())).toMatchObject({ waiting: 3, deadLetters: [] });
  });

  it('a network error or a malformed answer is retried, never settles anything', async () => {
    const { store } = freshStore();
    await checkIns(store, 2);
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await uploadOutbox({ store, fetch: offline, now: () => NOW, random: () => 0 })).toMatchObject({
      kind: 'retry',
      code: 'NETWORK_UNAVAILABLE',
    });
    const wrong = fakeServer(() => Response.json({ results: [] }));
    expect(await uploadOutbox({ store, fetch: wrong.fetchFn, now: () => NOW, random: () => 0 })).toMatchObject({
      kind: 'retry',
      code: 'SERVER_ERROR',
    });
    expect(must(await store.loadSync()).waiting).toBe(2);
  });
});

describe('runSync', () => {
  it('uploads only when the signed policy says so', async () => {
    const { store } = freshStore();
    await checkIns(store, 2);
    const srv = fakeServer(storeAll);
    const off = await runSync({
      store,
      bundle: verified(false),
      fetch: srv.fetchFn,
      now: () => NOW,
      locks: null,
      random: () => 0,
    });
    expect(off).toMatchObject({ kind: 'finished', upload: { kind: 'disabled' }, ok: true });
    expect(srv.requests).toEqual([]);
    const none = await runSync({
      store,
      bundle: undefined,
      fetch: srv.fetchFn,
      now: () => NOW,
      locks: null,
      random: () => 0,
    });
    expect(none).toMatchObject({ upload: { kind: 'disabled' }, notices: { kind: 'no-bundle' } });
    expect(srv.requests).toEqual([]);
    const on = await runSync({
      store,
      bundle: verified(true),
      fetch: srv.fetchFn,
      now: () => NOW,
      locks: null,
      random: () => 0,
    });
    expect(on).toMatchObject({ upload: { kind: 'done', uploaded: 2 }, ok: true, state: { lastSuccessAt: NOW } });
  });

  it('backs off after a failure (Retry-After as a floor), defers automatic syncs, and "force" ignores it', async () => {
    const { store } = freshStore();
    await checkIns(store, 1);
    const failing = fakeServer(() => new Response('x', { status: 429, headers: { 'retry-after': '120' } }));
    const first = await runSync({
      store,
      bundle: verified(),
      fetch: failing.fetchFn,
      now: () => NOW,
      random: () => 0,
      locks: null,
    });
    expect(first).toMatchObject({ ok: false, error: 'RATE_LIMITED', state: { failures: 1, nextAttemptAt: NOW + 120 } });
    const ok = fakeServer(storeAll);
    expect(
      await runSync({
        store,
        bundle: verified(),
        fetch: ok.fetchFn,
        now: () => NOW + 60,
        locks: null,
        random: () => 0,
      }),
    ).toEqual({
      kind: 'deferred',
      until: NOW + 120,
    });
    expect(ok.requests).toEqual([]);
    const forced = await runSync({
      store,
      bundle: verified(),
      fetch: ok.fetchFn,
      now: () => NOW + 60,
      locks: null,
      force: true,
    });
    expect(forced).toMatchObject({ ok: true, state: { failures: 0, lastSuccessAt: NOW + 60 } });
    expect(must(await store.loadSync()).state).toEqual({
      failures: 0,
      lastAttemptAt: NOW + 60,
      lastSuccessAt: NOW + 60,
    });
  });
  it('an automatic sync in backoff never takes the lock; a forced one elsewhere waits for it, then sends', async () => {
    const { store } = freshStore();
    await checkIns(store, 1);
    const failing = fakeServer(() => new Response('x', { status: 503, headers: { 'retry-after': '120' } }));
    const locks = exclusiveLocks();
    await runSync({ store, bundle: verified(), fetch: failing.fetchFn, now: () => NOW, random: () => 0, locks });
    expect(locks.asked).toBe(1);
    const ok = fakeServer(storeAll);
    const deferred = await runSync({ store, bundle: verified(), fetch: ok.fetchFn, now: () => NOW + 1, locks });
    expect(deferred).toEqual({ kind: 'deferred', until: NOW + 120 });
    expect(locks.asked).toBe(1);
    // Another context holds the lock: an automatic sync here is busy (the holder sends the outbox); a forced one
    // waits its turn and then sends what the holder left.
    const release = locks.hold(SYNC_LOCK);
    const later = { store, bundle: verified(), fetch: ok.fetchFn, now: () => NOW + 200, locks, random: () => 0 };
    expect(await runSync(later)).toEqual({ kind: 'busy' });
    let forcedDone = false;
    const forced = runSync({ ...later, force: true }).finally(() => {
      forcedDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(forcedDone).toBe(false);
    expect(ok.requests).toEqual([]);
    release();
    expect(await forced).toMatchObject({ kind: 'finished', ok: true, upload: { kind: 'done', uploaded: 1 } });
    expect(ok.requests).toHaveLength(1);
  });

  it('a forced sync arriving while this page’s automatic one fails runs after it', async () => {
    // The `online` event while an automatic sync's request is still failing: the forced one must not share
    // that failure, or the outbox waits for the next timer.
    const { store } = freshStore();
    await checkIns(store, 1);
    const failing = fakeServer(() => new Response('x', { status: 503 }));
    const ok = fakeServer(storeAll);
    const common = { store, bundle: verified(), now: () => NOW, locks: null, random: () => 0 };
    const automatic = runSync({ ...common, fetch: failing.fetchFn });
    const forced = runSync({ ...common, fetch: ok.fetchFn, force: true });
    expect(await automatic).toMatchObject({ kind: 'finished', ok: false });
    expect(await forced).toMatchObject({ kind: 'finished', ok: true, upload: { kind: 'done', uploaded: 1 } });
    expect(failing.requests).toHaveLength(1);
    expect(ok.requests).toHaveLength(1);
  });

  it('a forced sync arriving while this page’s automatic one only defers runs after it', async () => {
    const { store } = freshStore();
    await checkIns(store, 1);
    const failing = fakeServer(() => new Response('x', { status: 503, headers: { 'retry-after': '120' } }));
    await runSync({ store, bundle: verified(), fetch: failing.fetchFn, now: () => NOW, random: () => 0, locks: null });
    const ok = fakeServer(storeAll);
    const common = { store, bundle: verified(), fetch: ok.fetchFn, now: () => NOW + 1, locks: null, random: () => 0 };
    const automatic = runSync(common);
    const forced = runSync({ ...common, force: true });
    const again = runSync(common);
    expect(await automatic).toEqual({ kind: 'deferred', until: NOW + 120 });
    expect(await forced).toMatchObject({ kind: 'finished', ok: true, upload: { kind: 'done', uploaded: 1 } });
    // An automatic call made while the forced one was queued shares the running sync's outcome.
    expect(await again).toEqual({ kind: 'deferred', until: NOW + 120 });
    expect(ok.requests).toHaveLength(1);
  });
});
