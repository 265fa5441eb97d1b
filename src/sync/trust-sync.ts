/**
 * One trust update: the root chain first (roots.ts), then the bundle verified with the root that step left
 * (bundle-pull.ts). Run at app start, on `online`, when the page becomes visible after a while, and from
 * "check for updates"; one at a time in the page and across tabs (Web Lock TRUST_LOCK).
 */
import type { TrustAnchor } from '../core/bundle';
import type { UnixSeconds } from '../core/schema';
import type { Store } from '../store';
import { type PullOutcome, pullBundleOnce, TRUST_LOCK } from './bundle-pull';
import { type CurrentRoot, pullRoots, type RootsOutcome } from './roots';

export interface TrustSyncOptions {
  readonly store: Pick<Store, 'loadRoots' | 'saveRoots' | 'loadBundle' | 'saveBundle' | 'markBundleChecked'>;
  /** The root compiled into this build (trust.ts builtInAnchor()). */
  readonly builtIn: TrustAnchor;
  readonly fetch?: typeof fetch;
  readonly now?: () => UnixSeconds;
  readonly timeoutMs?: number;
  /**
   * Called after the roots step stored a newer root and before the bundle is pulled: the stored bundle may
   * no longer verify with it, and the page must stop deciding with the old one at once (CANNOT_VERIFY until
   * the new root's bundle arrives, in this same sync when the server has it).
   */
  readonly onRoot?: (root: CurrentRoot) => void | Promise<void>;
}

export interface TrustSyncResult {
  readonly roots: RootsOutcome;
  readonly bundle: PullOutcome;
  /** The root in force after this sync. */
  readonly root: CurrentRoot;
}

async function syncOnce(o: TrustSyncOptions): Promise<TrustSyncResult> {
  const { outcome: roots, root } = await pullRoots({
    store: o.store,
    builtIn: o.builtIn,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
  if (roots.kind === 'updated') await o.onRoot?.(root);
  // Whatever the roots step said (offline, refused), the bundle is still pulled with the root in force.
  const bundle = await pullBundleOnce({
    store: o.store,
    anchor: root.anchor,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.now ? { now: o.now } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
  return { roots, bundle, root };
}

let inFlight: Promise<TrustSyncResult> | undefined;

/** Roots, then bundle; one at a time in this page (shared promise) and across tabs (Web Locks). */
export function syncTrust(o: TrustSyncOptions): Promise<TrustSyncResult> {
  if (inFlight) return inFlight;
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  // (LockManager's typing nests the callback's promise; at run time it is flattened.)
  const run: Promise<TrustSyncResult> = locks
    ? locks.request(TRUST_LOCK, () => syncOnce(o)).then((r) => r)
    : syncOnce(o);
  inFlight = run.finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

export interface TrustSyncTriggerOptions extends TrustSyncOptions {
  readonly onResult: (result: TrustSyncResult) => void;
  readonly onError: (error: unknown) => void;
  /** When the page becomes visible again, sync if the last attempt is older than this. */
  readonly minIntervalMs?: number;
}

/** Triggers: now (app start), `online`, and the page becoming visible after a while. Returns stop(). */
export function startTrustSync(o: TrustSyncTriggerOptions): () => void {
  let last = 0;
  const minInterval = o.minIntervalMs ?? 15 * 60_000;
  const sync = () => {
    last = Date.now();
    syncTrust(o).then(o.onResult, o.onError);
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible' && Date.now() - last > minInterval) sync();
  };
  window.addEventListener('online', sync);
  document.addEventListener('visibilitychange', onVisible);
  sync();
  return () => {
    window.removeEventListener('online', sync);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
