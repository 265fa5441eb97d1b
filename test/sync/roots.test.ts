/**
 * Root rotation on the phone: /v1/roots walked from the current root, stored, rebuilt at start; then the
 * bundle verified with the new root in the same sync. A refused chain changes nothing.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { BundlePayload } from '../../src/core/bundle';
import { toBase64Url } from '../../src/core/bytes';
import { type KeyPair, keyIdOf } from '../../src/core/ed25519';
import { decidePerson } from '../../src/core/eligibility';
import { type RootPayload, signRoot } from '../../src/core/root';
import { decodeVenue } from '../../src/core/venue';
import { createStore, type Store } from '../../src/store';
import { loadCurrentBundle } from '../../src/sync/bundle-pull';
import { loadCurrentRoot, MAX_ROOTS_BYTES, pullRoots } from '../../src/sync/roots';
import { syncTrust } from '../../src/sync/trust-sync';
import {
  anchor,
  DAY,
  kaltimOffice,
  makeBundle,
  makeBundlePayload,
  NOW,
  root,
  root2,
  seededKey,
  signVenue,
} from '../support/authority';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
const fresh = () => {
  const s = createStore({ name: `roots-${Math.random().toString(36).slice(2)}` });
  stores.push(s);
  return s;
};

const root3 = seededKey(40);
const rootDoc = (version: number, keys: readonly KeyPair[], threshold = 1): RootPayload => ({
  type: 'singgah-root',
  version,
  issuedAt: NOW - 2 * DAY,
  threshold,
  keys: keys.map((k) => ({ kid: keyIdOf(k.publicKey), publicKey: toBase64Url(k.publicKey) })),
});
const signed = (doc: RootPayload, signers: readonly KeyPair[]) =>
  signRoot(
    doc,
    signers.map((k) => k.secretKey),
  );
/** Root 2 = {root2}, signed by root 1 and itself; root 3 = {root3}, signed by root 2 and itself. */
const v2 = signed(rootDoc(2, [root2]), [root, root2]);
const v3 = signed(rootDoc(3, [root3]), [root2, root3]);
/** A root 3 signed only by a fresh key: the chain breaks there. */
const forgedV3 = signed(rootDoc(3, [seededKey(41)]), [seededKey(41)]);

interface ServerState {
  roots?: unknown;
  rootsBody?: string;
  rootsStatus?: number;
  bundle?: string;
  offline?: boolean;
}

/** A fake server with /v1/roots and /v1/bundle; records the order of requests. */
function server(state: ServerState) {
  const seen: string[] = [];
  const fetchFn = (async (url: string, init?: RequestInit) => {
    seen.push(url);
    if (state.offline) throw new TypeError('Failed to fetch');
    if (url === '/v1/roots') {
      if (state.rootsStatus) return new Response('{}', { status: state.rootsStatus });
      return new Response(state.rootsBody ?? JSON.stringify(state.roots ?? []), {
        headers: { 'content-type': 'application/json' },
      });
    }
    const bundle = state.bundle ?? '';
    const etag = `"${bundle.length}-${bundle.slice(-12)}"`;
    if (new Headers(init?.headers).get('if-none-match') === etag) return new Response(null, { status: 304 });
    return new Response(bundle, { headers: { etag, 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, seen };
}

const bundleBy = (version: number, signer: KeyPair, overrides: Partial<BundlePayload> = {}) =>
  makeBundle(makeBundlePayload(overrides, version, NOW - DAY), [signer]);

const must = <T>(r: { ok: true; value: T } | { ok: false; code: string }): T => {
  if (!r.ok) throw new Error(r.code);
  return r.value;
};

describe('pullRoots', () => {
  it('walks /v1/roots from the built-in root, stores the chain, and the next start rebuilds the same root', async () => {
    const store = fresh();
    const { fetchFn } = server({ roots: [v2, v3] });
    const { outcome, root: current } = await pullRoots({ store, builtIn: anchor, fetch: fetchFn });
    expect(outcome).toEqual({ kind: 'updated', version: 3 });
    expect(current.anchor.version).toBe(3);
    expect(current.chain).toEqual([v2, v3]);
    const stored = await store.loadRoots();
    expect(stored.ok && stored.value).toEqual([v2, v3]);
    const rebuilt = must(await loadCurrentRoot(store, anchor));
    expect(rebuilt.anchor).toEqual(current.anchor);
    expect(rebuilt.storedError).toBeUndefined();
    // Fetched again: nothing new.
    expect((await pullRoots({ store, builtIn: anchor, fetch: fetchFn })).outcome).toEqual({ kind: 'unchanged' });
  });

  it('advances one step at a time across syncs, appending to the stored chain', async () => {
    const store = fresh();
    const state: ServerState = { roots: [v2] };
    const { fetchFn } = server(state);
    expect((await pullRoots({ store, builtIn: anchor, fetch: fetchFn })).outcome).toEqual({
      kind: 'updated',
      version: 2,
    });
    state.roots = [v2, v3];
    const second = await pullRoots({ store, builtIn: anchor, fetch: fetchFn });
    expect(second.outcome).toEqual({ kind: 'updated', version: 3 });
    const stored = await store.loadRoots();
    expect(stored.ok && stored.value).toEqual([v2, v3]);
  });

  it('refuses a forged root and keeps the root it had (stored chain unchanged)', async () => {
    const store = fresh();
    const state: ServerState = { roots: [v2] };
    const { fetchFn } = server(state);
    await pullRoots({ store, builtIn: anchor, fetch: fetchFn });
    state.roots = [v2, forgedV3];
    const { outcome, root: current } = await pullRoots({ store, builtIn: anchor, fetch: fetchFn });
    expect(outcome).toEqual({ kind: 'rejected', code: 'ROOT_SIGNATURE_INVALID' });
    expect(current.anchor.version).toBe(2);
    const stored = await store.loadRoots();
    expect(stored.ok && stored.value).toEqual([v2]);
  });

  it('refuses a body that is not a JSON array of strings, and one over the byte cap', async () => {
    const store = fresh();
    for (const rootsBody of ['{"roots":[]}', '[{"payload":"x"}]', 'not json']) {
      const { outcome } = await pullRoots({ store, builtIn: anchor, fetch: server({ rootsBody }).fetchFn });
      expect(outcome).toEqual({ kind: 'rejected', code: 'PAYLOAD_INVALID' });
    }
    const huge = server({ rootsBody: JSON.stringify(['x'.repeat(MAX_ROOTS_BYTES)]) });
    expect((await pullRoots({ store, builtIn: anchor, fetch: huge.fetchFn })).outcome).toEqual({
      kind: 'rejected',
      code: 'INPUT_TOO_LARGE',
    });
    const stored = await store.loadRoots();
    expect(stored.ok && stored.value).toEqual([]);
  });

  it('offline or an HTTP error (an older server without /v1/roots) is "unreachable", not a rejection', async () => {
    const store = fresh();
    expect(
      (await pullRoots({ store, builtIn: anchor, fetch: server({ offline: true }).fetchFn })).outcome,
    ).toMatchObject({ kind: 'unreachable', code: 'NETWORK_UNAVAILABLE' });
    expect(
      (await pullRoots({ store, builtIn: anchor, fetch: server({ rootsStatus: 404 }).fetchFn })).outcome,
    ).toMatchObject({
      kind: 'unreachable',
      code: 'SERVER_ERROR',
    });
  });

  it('a stored chain that does not walk falls back to the built-in root, says why, and is replaced by the next good pull', async () => {
    const store = fresh();
    const saved = await store.saveRoots([v2, forgedV3]);
    expect(saved.ok).toBe(true);
    const loaded = must(await loadCurrentRoot(store, anchor));
    expect(loaded.anchor).toBe(anchor);
    expect(loaded.storedError).toBe('ROOT_SIGNATURE_INVALID');
    const { outcome, root: current } = await pullRoots({
      store,
      builtIn: anchor,
      fetch: server({ roots: [v2, v3] }).fetchFn,
    });
    expect(outcome).toEqual({ kind: 'updated', version: 3 });
    expect(current.storedError).toBeUndefined();
    const rebuilt = must(await loadCurrentRoot(store, anchor));
    expect([rebuilt.anchor.version, rebuilt.storedError]).toEqual([3, undefined]);
  });

  it('a build that pins a later root skips the stored rotations it already has', async () => {
    const store = fresh();
    await store.saveRoots([v2]);
    const pinnedV2 = {
      version: 2,
      threshold: 1,
      keys: [{ kid: keyIdOf(root2.publicKey), publicKey: root2.publicKey }],
    };
    const loaded = must(await loadCurrentRoot(store, pinnedV2));
    expect([loaded.anchor.version, loaded.chain, loaded.storedError]).toEqual([2, [], undefined]);
    const { outcome } = await pullRoots({ store, builtIn: pinnedV2, fetch: server({ roots: [v2, v3] }).fetchFn });
    expect(outcome).toEqual({ kind: 'updated', version: 3 });
    const stored = await store.loadRoots();
    expect(stored.ok && stored.value).toEqual([v3]);
  });
});

describe('syncTrust: roots, then the bundle with the new root', () => {
  const venue = (() => {
    const d = decodeVenue(signVenue(kaltimOffice));
    if (!d.ok) throw new Error(d.error.code);
    return d.value.venue;
  })();

  it('fetches /v1/roots before /v1/bundle; after a rotation the old-root bundle stops verifying until the new one arrives', async () => {
    const store = fresh();
    const state: ServerState = { roots: [], bundle: bundleBy(5, root) };
    const { fetchFn, seen } = server(state);
    const first = await syncTrust({ store, builtIn: anchor, fetch: fetchFn, now: () => NOW });
    expect(first.roots).toEqual({ kind: 'unchanged' });
    expect(first.bundle).toEqual({ kind: 'updated', version: 5 });
    expect(seen).toEqual(['/v1/roots', '/v1/bundle']);

    // The authority rotates to root 2 and re-signs the bundle — here even with a LOWER version: a rotation
    // resets the version high-water mark, so a version inflated under the old root cannot lock phones out.
    state.roots = [v2];
    state.bundle = bundleBy(3, root2);
    const seenAtRoot: { version?: number; storedInvalid?: string; decision?: string }[] = [];
    const second = await syncTrust({
      store,
      builtIn: anchor,
      fetch: fetchFn,
      now: () => NOW,
      onRoot: async (r) => {
        // Between the two steps: the stored (root 1) bundle no longer verifies → every decision CANNOT_VERIFY.
        const current = must(await loadCurrentBundle(store, r.anchor));
        const ctx = {
          bundle: current.bundle?.payload,
          now: NOW,
          trustedTime: current.trustedTime,
          appVersion: '9.9.9',
        };
        seenAtRoot.push({
          ...(r.anchor.version !== undefined ? { version: r.anchor.version } : {}),
          ...(current.storedInvalid ? { storedInvalid: current.storedInvalid } : {}),
          decision: decidePerson([], venue.region, venue, ctx).outcome,
        });
      },
    });
    expect(seenAtRoot).toEqual([{ version: 2, storedInvalid: 'BUNDLE_SIGNATURE_INVALID', decision: 'CANNOT_VERIFY' }]);
    expect(second.roots).toEqual({ kind: 'updated', version: 2 });
    expect(second.bundle).toEqual({ kind: 'updated', version: 3 });
    const after = must(await loadCurrentBundle(store, second.root.anchor));
    expect([after.version, after.storedInvalid]).toEqual([3, undefined]);
    // …and the old root no longer verifies what is stored.
    expect(must(await loadCurrentBundle(store, anchor)).storedInvalid).toBe('BUNDLE_SIGNATURE_INVALID');
  });

  it('a rotation without the new bundle yet leaves no usable bundle (CANNOT_VERIFY), never the old one', async () => {
    const store = fresh();
    const state: ServerState = { roots: [], bundle: bundleBy(1, root) };
    const { fetchFn } = server(state);
    await syncTrust({ store, builtIn: anchor, fetch: fetchFn, now: () => NOW });
    state.roots = [v2]; // the server still serves the root-1 bundle
    const result = await syncTrust({ store, builtIn: anchor, fetch: fetchFn, now: () => NOW });
    expect(result.roots).toEqual({ kind: 'updated', version: 2 });
    expect(result.bundle).toEqual({ kind: 'rejected', code: 'BUNDLE_SIGNATURE_INVALID' });
    const current = must(await loadCurrentBundle(store, result.root.anchor));
    expect(current.bundle).toBeUndefined();
    expect(current.storedInvalid).toBe('BUNDLE_SIGNATURE_INVALID');
  });

  it('a refused chain keeps the current root, and the bundle is still pulled and verified with it', async () => {
    const store = fresh();
    const state: ServerState = { roots: [v2], bundle: bundleBy(2, root2) };
    const { fetchFn } = server(state);
    await syncTrust({ store, builtIn: anchor, fetch: fetchFn, now: () => NOW });
    state.roots = [v2, forgedV3];
    state.bundle = bundleBy(3, root2);
    const result = await syncTrust({ store, builtIn: anchor, fetch: fetchFn, now: () => NOW });
    expect(result.roots).toEqual({ kind: 'rejected', code: 'ROOT_SIGNATURE_INVALID' });
    expect(result.root.anchor.version).toBe(2);
    expect(result.bundle).toEqual({ kind: 'updated', version: 3 });
  });

  it('a bundle signed by a root the phone has not walked to is refused', async () => {
    const store = fresh();
    const { fetchFn } = server({ roots: [v2], bundle: bundleBy(1, root3) });
    const result = await syncTrust({ store, builtIn: anchor, fetch: fetchFn, now: () => NOW });
    expect(result.root.anchor.version).toBe(2);
    expect(result.bundle).toEqual({ kind: 'rejected', code: 'BUNDLE_SIGNATURE_INVALID' });
  });
});
