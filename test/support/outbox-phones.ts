/**
 * Phones with an outbox, in Node: the real store (src/store on fake-indexeddb — import 'fake-indexeddb/auto'
 * first) filled with visits made offline, and the real sync client (src/sync) pushing it to a server until
 * it is empty. Shared by the delivery tests (test/sync/fault-injection.test.ts, test/server/failover.test.ts).
 */
import type { VerifiedBundle } from '../../src/core/bundle';
import type { SignedVenue } from '../../src/core/venue';
import { createStore, type Store } from '../../src/store';
import { runSync, type SyncRunResult } from '../../src/sync/sync-run';
import { admitted } from '../store/helpers';

export interface OfflinePhone {
  readonly store: Store;
  /** The check-in ids, in the order they were made. */
  readonly ids: string[];
  /** Outbox items: a check-in each, plus a check-out for every 10th. */
  readonly items: number;
}

/** `count` visits made offline at `venue` one second apart from `start` (every 10th also checked out). */
export async function offlineCheckIns(
  name: string,
  venue: SignedVenue,
  count: number,
  start: number,
): Promise<OfflinePhone> {
  const store = createStore({ name });
  const ids: string[] = [];
  let items = 0;
  for (let i = 0; i < count; i++) {
    const r = await store.checkIn({ venue, people: admitted('p'), now: start + i });
    if (!r.ok) throw new Error(r.error.code);
    ids.push(r.value.id);
    items++;
    if (i % 10 === 0) {
      const out = await store.checkOut(r.value.id, start + i + 60);
      if (!out.ok) throw new Error(out.error.code);
      items++;
    }
  }
  return { store, ids, items };
}

export interface SyncUntilEmptyOptions {
  readonly bundle: VerifiedBundle;
  readonly origin: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  /** Bound on sync runs before giving up (default 400). */
  readonly maxRuns?: number;
}

/** Sync until the outbox is empty (bounded): each run stops at its first failure, like the app's triggers. */
export async function syncUntilEmpty(store: Store, o: SyncUntilEmptyOptions): Promise<SyncRunResult[]> {
  const results: SyncRunResult[] = [];
  const maxRuns = o.maxRuns ?? 400;
  for (let i = 0; i < maxRuns; i++) {
    const r = await runSync({
      store,
      bundle: o.bundle,
      origin: o.origin,
      force: true,
      locks: null,
      // No pause before requests: hundreds of round trips, not a phone's spread.
      random: () => 0,
      timeoutMs: o.timeoutMs,
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
    results.push(r);
    const sync = await store.loadSync();
    if (!sync.ok) throw new Error(sync.error.code);
    if (sync.value.waiting === 0 && r.kind === 'finished' && r.upload.kind === 'done') return results;
  }
  throw new Error(`outbox not empty after ${maxRuns} syncs`);
}
