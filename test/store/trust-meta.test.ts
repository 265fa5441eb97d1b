/**
 * The store's part in root rotation and trusted time: the root chain in `meta` (no schema version needed),
 * the bundle high-water mark reset by a newer root, trusted time raised by a verified server time and never
 * lowered.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/store';
import { DAY, makeBundle, makeBundlePayload, NOW } from '../support/authority';

const open: Store[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
const fresh = () => {
  const store = createStore({ name: `trust-meta-${Math.random().toString(36).slice(2)}` });
  open.push(store);
  return store;
};
const must = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
};
const record = (version: number, issuedAt: number, rootVersion?: number) => ({
  source: makeBundle(makeBundlePayload({}, version, issuedAt)),
  version,
  issuedAt,
  ...(rootVersion !== undefined ? { rootVersion } : {}),
});

describe('root chain', () => {
  it('is [] at first and stored durably as given (a meta key: no schema version of its own)', async () => {
    const store = fresh();
    expect(must(await store.loadRoots())).toEqual([]);
    must(await store.saveRoots(['{"a":1}', '{"b":2}']));
    expect(must(await store.loadRoots())).toEqual(['{"a":1}', '{"b":2}']);
    must(await store.saveRoots([]));
    expect(must(await store.loadRoots())).toEqual([]);
  });
});

describe('bundle high-water mark across a root rotation', () => {
  it('a newer root replaces the bundle whatever its version; an older root never replaces a newer one', async () => {
    const store = fresh();
    // Written before rotation existed: no rootVersion (= 1).
    expect(must(await store.saveBundle(record(9, NOW - DAY), NOW))).toEqual({ saved: true });
    // Same root, lower version: refused as before.
    expect(must(await store.saveBundle(record(3, NOW - DAY, 1), NOW))).toEqual({ saved: false });
    // Root 2: accepted even at a lower version (TUF resets the high-water mark on rotation).
    expect(must(await store.saveBundle(record(3, NOW - DAY, 2), NOW))).toEqual({ saved: true });
    expect(must(await store.loadBundle()).bundle).toMatchObject({ version: 3, rootVersion: 2 });
    // Back to root 1 (a tab still on the old root): refused, even with a higher version.
    expect(must(await store.saveBundle(record(20, NOW - DAY, 1), NOW))).toEqual({ saved: false });
    // Same root 2: the usual rule again.
    expect(must(await store.saveBundle(record(3, NOW - DAY, 2), NOW))).toEqual({ saved: false });
    expect(must(await store.saveBundle(record(4, NOW - DAY, 2), NOW))).toEqual({ saved: true });
    expect(must(await store.loadBundle()).bundle?.version).toBe(4);
  });
});

describe('trusted time', () => {
  it('saveBundle raises it to max(old, issuedAt, server time); markBundleChecked raises it; neither lowers it', async () => {
    const store = fresh();
    must(await store.saveBundle(record(1, NOW - DAY), NOW, NOW + 30));
    expect(must(await store.loadBundle()).trustedTime).toBe(NOW + 30);
    must(await store.saveBundle(record(2, NOW - 2 * DAY), NOW, NOW - DAY));
    expect(must(await store.loadBundle()).trustedTime).toBe(NOW + 30);
    must(await store.markBundleChecked(NOW + 100, undefined, NOW + 90));
    expect(must(await store.loadBundle()).trustedTime).toBe(NOW + 90);
    must(await store.markBundleChecked(NOW + 200, undefined, NOW));
    must(await store.markBundleChecked(NOW + 300));
    const state = must(await store.loadBundle());
    expect([state.trustedTime, state.checkedAt]).toEqual([NOW + 90, NOW + 300]);
  });

  it('a bundle that is not saved (another tab won) moves nothing', async () => {
    const store = fresh();
    must(await store.saveBundle(record(2, NOW - DAY), NOW));
    expect(must(await store.saveBundle(record(1, NOW), NOW, NOW + DAY))).toEqual({ saved: false });
    expect(must(await store.loadBundle()).trustedTime).toBe(NOW - DAY);
  });
});
