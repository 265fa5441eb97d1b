/**
 * Trusted time from the server's Date header: raised only by a successful, verified bundle pull (200 or
 * 304), capped at that bundle's expiresAt + staleGraceSeconds, never lowered.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/store';
import { type PullOptions, pullBundle, serverTrustedTime } from '../../src/sync/bundle-pull';
import { anchor, anchorOf, DAY, makeBundle, makeBundlePayload, NOW, root2 } from '../support/authority';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
const fresh = () => {
  const s = createStore({ name: `time-${Math.random().toString(36).slice(2)}` });
  stores.push(s);
  return s;
};

const httpDate = (t: number) => new Date(t * 1000).toUTCString();
/** The demo policy: 30 days' validity, 7 days' stale grace. */
const GRACE = 7 * DAY;

/** A fake /v1/bundle whose Date header the test controls; 304 when the ETag matches. */
function server(state: { bundle: string; date?: string; status?: number }) {
  return (async (_url: string, init?: RequestInit) => {
    const etag = `"${state.bundle.length}-${state.bundle.slice(-12)}"`;
    const headers: Record<string, string> = { etag, 'content-type': 'application/json' };
    if (state.date !== undefined) headers.date = state.date;
    if (state.status) return new Response('boom', { status: state.status, headers });
    if (new Headers(init?.headers).get('if-none-match') === etag) return new Response(null, { status: 304, headers });
    return new Response(state.bundle, { status: 200, headers });
  }) as typeof fetch;
}

const opts = (store: Store, fetchFn: typeof fetch, now = NOW, extra: Partial<PullOptions> = {}): PullOptions => ({
  store,
  anchor,
  fetch: fetchFn,
  now: () => now,
  ...extra,
});

const trustedTime = async (store: Store) => {
  const state = await store.loadBundle();
  if (!state.ok) throw new Error(state.error.code);
  return state.value.trustedTime;
};

describe('serverTrustedTime', () => {
  const payload = makeBundlePayload({}, 1, NOW - DAY);
  const bound = payload.expiresAt + payload.policy.staleGraceSeconds;

  it('reads the Date header and caps it at expiresAt + staleGraceSeconds', () => {
    expect(serverTrustedTime(httpDate(NOW), payload)).toBe(NOW);
    expect(serverTrustedTime(httpDate(bound + 1), payload)).toBe(bound);
    expect(serverTrustedTime(httpDate(NOW + 10 * 365 * DAY), payload)).toBe(bound);
  });

  it('ignores a missing or unparsable header', () => {
    expect(serverTrustedTime(null, payload)).toBeUndefined();
    expect(serverTrustedTime('', payload)).toBeUndefined();
    expect(serverTrustedTime('yesterday-ish', payload)).toBeUndefined();
  });
});

describe('trusted time from a verified bundle pull', () => {
  it('a 200 that stores a bundle raises trusted time to the server Date (above issuedAt)', async () => {
    const store = fresh();
    const fetchFn = server({ bundle: makeBundle(makeBundlePayload({}, 1, NOW - DAY)), date: httpDate(NOW + 60) });
    // The server's clock against the phone's comes back too (core rules-cause: "your clock is ahead").
    expect(await pullBundle(opts(store, fetchFn))).toEqual({ kind: 'updated', version: 1, serverOffset: 60 });
    expect(await trustedTime(store)).toBe(NOW + 60);
  });

  it('a 304 raises it too, and a later, earlier Date never lowers it', async () => {
    const store = fresh();
    const state = { bundle: makeBundle(makeBundlePayload({}, 1, NOW - DAY)), date: httpDate(NOW - 2 * DAY) };
    const fetchFn = server(state);
    expect(await pullBundle(opts(store, fetchFn))).toEqual({ kind: 'updated', version: 1, serverOffset: -2 * DAY });
    // Date older than issuedAt: issuedAt is the high-water mark.
    expect(await trustedTime(store)).toBe(NOW - DAY);
    state.date = httpDate(NOW + 3_600);
    expect(await pullBundle(opts(store, fetchFn))).toEqual({ kind: 'unchanged', serverOffset: 3_600 });
    expect(await trustedTime(store)).toBe(NOW + 3_600);
    state.date = httpDate(NOW);
    expect(await pullBundle(opts(store, fetchFn))).toEqual({ kind: 'unchanged', serverOffset: 0 });
    expect(await trustedTime(store)).toBe(NOW + 3_600);
  });

  it('a forged far-future Date is capped at what the signed bundle permits (expiresAt + grace)', async () => {
    const store = fresh();
    const payload = makeBundlePayload({}, 1, NOW - DAY);
    const state = { bundle: makeBundle(payload), date: httpDate(NOW + 5 * 365 * DAY) };
    const fetchFn = server(state);
    await pullBundle(opts(store, fetchFn));
    expect(await trustedTime(store)).toBe(payload.expiresAt + GRACE);
    // 304 path: the same cap, from the stored bundle.
    await pullBundle(opts(store, fetchFn));
    expect(await trustedTime(store)).toBe(payload.expiresAt + GRACE);
  });

  it('a refused or failed pull never moves it', async () => {
    const store = fresh();
    const good = makeBundlePayload({}, 2, NOW - DAY);
    await pullBundle(opts(store, server({ bundle: makeBundle(good) })));
    expect(await trustedTime(store)).toBe(NOW - DAY);
    const later = httpDate(NOW + DAY);
    // Wrong signer, rollback, server error: the Date header is not looked at.
    const wrongSigner = server({ bundle: makeBundle(makeBundlePayload({}, 3, NOW), [root2]), date: later });
    expect((await pullBundle(opts(store, wrongSigner))).kind).toBe('rejected');
    const rollback = server({ bundle: makeBundle(makeBundlePayload({}, 1, NOW)), date: later });
    expect(await pullBundle(opts(store, rollback))).toEqual({
      kind: 'rejected',
      code: 'BUNDLE_ROLLBACK',
      serverOffset: DAY,
    });
    const failing = server({ bundle: makeBundle(good), date: later, status: 503 });
    expect((await pullBundle(opts(store, failing))).kind).toBe('unreachable');
    // Verified with another anchor than the stored bundle's: no 304 trust either.
    expect(
      (
        await pullBundle(
          opts(store, server({ bundle: makeBundle(good), date: later }), NOW, { anchor: anchorOf([root2]) }),
        )
      ).kind,
    ).toBe('rejected');
    expect(await trustedTime(store)).toBe(NOW - DAY);
  });
});
