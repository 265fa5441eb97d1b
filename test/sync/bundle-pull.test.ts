import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/store';
import { loadCurrentBundle, type PullOptions, pullBundle } from '../../src/sync/bundle-pull';
import { anchor, anchorOf, DAY, makeBundle, makeBundlePayload, NOW, root, root2 } from '../support/authority';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
const fresh = () => {
  const s = createStore({ name: `pull-${Math.random().toString(36).slice(2)}` });
  stores.push(s);
  return s;
};

interface Seen {
  ifNoneMatch: string | null;
}

/** A fake server: answers with `bundle` and its ETag, 304 when the ETag matches. */
function server(state: { bundle?: string; status?: number; fail?: boolean; body?: ReadableStream<Uint8Array> }) {
  const seen: Seen[] = [];
  const fetchFn = (async (_url: string, init?: RequestInit) => {
    const h = new Headers(init?.headers);
    seen.push({ ifNoneMatch: h.get('if-none-match') });
    if (state.fail) throw new TypeError('Failed to fetch');
    if (state.status) return new Response('boom', { status: state.status });
    if (state.body) return new Response(state.body, { status: 200 });
    const etag = `"${(state.bundle ?? '').length}-${(state.bundle ?? '').slice(-12)}"`;
    if (h.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
    return new Response(state.bundle, { status: 200, headers: { etag, 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, seen };
}

const opts = (store: Store, fetchFn: typeof fetch, now = NOW, extra: Partial<PullOptions> = {}): PullOptions => ({
  store,
  anchor,
  fetch: fetchFn,
  now: () => now,
  ...extra,
});

describe('pullBundle', () => {
  it('stores a new bundle with its ETag, then revalidates with If-None-Match (304)', async () => {
    const store = fresh();
    const srv = server({ bundle: makeBundle(makeBundlePayload({}, 1, NOW - DAY)) });
    expect(await pullBundle(opts(store, srv.fetchFn))).toEqual({ kind: 'updated', version: 1 });
    const current = await loadCurrentBundle(store, anchor);
    if (!current.ok) throw new Error(current.code);
    expect(current.value.version).toBe(1);
    expect(current.value.trustedTime).toBe(NOW - DAY);
    expect(current.value.etag).toMatch(/^"/);

    expect(await pullBundle(opts(store, srv.fetchFn, NOW + 60))).toEqual({ kind: 'unchanged' });
    expect(srv.seen.map((s) => s.ifNoneMatch)).toEqual([null, current.value.etag]);
    const after = await store.loadBundle();
    expect(after.ok && after.value.checkedAt).toBe(NOW + 60);
  });

  it('accepts a newer version and refuses a rollback, keeping the newer one', async () => {
    const store = fresh();
    const state: { bundle?: string } = { bundle: makeBundle(makeBundlePayload({}, 2, NOW - DAY)) };
    const srv = server(state);
    expect(await pullBundle(opts(store, srv.fetchFn))).toEqual({ kind: 'updated', version: 2 });
    state.bundle = makeBundle(makeBundlePayload({}, 1, NOW - DAY));
    expect(await pullBundle(opts(store, srv.fetchFn))).toEqual({ kind: 'rejected', code: 'BUNDLE_ROLLBACK' });
    state.bundle = makeBundle(makeBundlePayload({}, 3, NOW));
    expect(await pullBundle(opts(store, srv.fetchFn))).toEqual({ kind: 'updated', version: 3 });
    const current = await loadCurrentBundle(store, anchor);
    expect(current.ok && current.value.version).toBe(3);
    expect(current.ok && current.value.trustedTime).toBe(NOW);
  });

  it('rejects an expired download, a wrong signer, and anything over the byte cap', async () => {
    const store = fresh();
    const expired = server({ bundle: makeBundle(makeBundlePayload({}, 1, NOW - 40 * DAY)) });
    expect(await pullBundle(opts(store, expired.fetchFn))).toEqual({ kind: 'rejected', code: 'BUNDLE_EXPIRED' });
    const good = server({ bundle: makeBundle(makeBundlePayload({}, 1, NOW - DAY)) });
    expect(await pullBundle(opts(store, good.fetchFn, NOW, { anchor: anchorOf([root2]) }))).toEqual({
      kind: 'rejected',
      code: 'BUNDLE_SIGNATURE_INVALID',
    });
    expect(await pullBundle(opts(store, good.fetchFn, NOW, { maxBytes: 100 }))).toEqual({
      kind: 'rejected',
      code: 'INPUT_TOO_LARGE',
    });
    const stored = await store.loadBundle();
    expect(stored.ok && stored.value.bundle).toBeUndefined();
  });

  it('verifies a stored text once per root: the same text and root again reuse it, another root checks anew', async () => {
    const store = fresh();
    const srv = server({ bundle: makeBundle(makeBundlePayload({}, 1, NOW - DAY)) });
    expect(await pullBundle(opts(store, srv.fetchFn))).toEqual({ kind: 'updated', version: 1 });
    const read = async (a = anchor) => {
      const r = await loadCurrentBundle(store, a);
      if (!r.ok) throw new Error(r.code);
      return r.value;
    };
    // The pull's own verification is reused (an equal root in another object too): the very same payload object.
    const first = await read();
    expect(first.bundle?.payload.version).toBe(1);
    expect((await read(anchorOf([root]))).bundle?.payload).toBe(first.bundle?.payload);
    // A root that did not sign it is never answered from what another root verified.
    const other = await read(anchorOf([root2]));
    expect(other.bundle).toBeUndefined();
    expect(other.storedInvalid).toBe('BUNDLE_SIGNATURE_INVALID');
    expect((await read(anchorOf([root, root2], 2))).storedInvalid).toBe('BUNDLE_THRESHOLD_NOT_MET');
    // Another text (a tampered store) is verified, not matched to the last good one.
    const stored = await store.loadBundle();
    if (!stored.ok || !stored.value.bundle) throw new Error('no stored bundle');
    const forged = makeBundle(makeBundlePayload({}, 2, NOW - DAY), [root2]);
    expect((await store.saveBundle({ ...stored.value.bundle, source: forged, version: 2 }, NOW, undefined)).ok).toBe(
      true,
    );
    expect((await read()).storedInvalid).toBe('BUNDLE_SIGNATURE_INVALID');
  });

  it('stops reading an endless response at the cap', async () => {
    const store = fresh();
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const srv = server({ body: endless });
    expect(await pullBundle(opts(store, srv.fetchFn))).toEqual({ kind: 'rejected', code: 'INPUT_TOO_LARGE' });
    expect(pulled).toBeLessThan(40); // 1 MiB cap / 64 KiB chunks, plus read-ahead
  });

  it('treats no network and server errors as "unreachable", not as a failure of the stored state', async () => {
    const store = fresh();
    expect(await pullBundle(opts(store, server({ fail: true }).fetchFn))).toMatchObject({
      kind: 'unreachable',
      code: 'NETWORK_UNAVAILABLE',
    });
    expect(await pullBundle(opts(store, server({ status: 503 }).fetchFn))).toMatchObject({
      kind: 'unreachable',
      code: 'SERVER_ERROR',
    });
  });
});
