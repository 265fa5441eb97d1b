/**
 * One sync: push the outbox (when the signed policy says check-ins are uploaded), then pull exposure notices
 * and match them. The same code runs in the page and in the service worker (Background Sync).
 *
 * **One at a time across tabs and the worker**: the whole sync holds the Web Lock `singgah-sync`. An automatic
 * sync (app start, timer, a tab becoming visible) asks with `ifAvailable` and returns `busy` when it is taken: the
 * holder is already sending the outbox. A forced one (the user, `online`, the worker's Background Sync) waits its
 * turn instead: the holder may have found the network down just before it came back. Either way the outbox is
 * read inside the lock, after the previous holder settled its batches, so nothing is sent twice. A page closed
 * mid-sync drops the lock; items sent but not settled are sent again by the next sync and answered "duplicate".
 *
 * Failures back off (core backoff.ts: exponential, full jitter, Retry-After as a floor). The state — failures
 * in a row, when the next automatic attempt is due, the last success — is stored (sync-state.ts), so tabs and
 * the worker share it and a reload does not reset it. "Sync now" (`force`) ignores the wait.
 */
import { type BackoffPolicy, DEFAULT_BACKOFF, nextAttemptAt, parseRetryAfter } from '../core/backoff';
import type { VerifiedBundle } from '../core/bundle';
import type { UnixSeconds } from '../core/schema';
import type { Store } from '../store';
import type { SyncStateRecord } from '../store/sync-state';
import { nowSeconds, type SyncErrorCode } from './bundle-pull';
import { type NoticesOutcome, pullNotices } from './notices-pull';
import type { UploadOptions, UploadOutcome } from './outbox-upload';

export const SYNC_LOCK = 'singgah-sync';
/** The Background Sync tag the page registers after each check-in (sw/sw.ts listens for it). */
export const SYNC_TAG = 'singgah-outbox';

export type SyncStore = Pick<
  Store,
  'loadSync' | 'pendingUploads' | 'settleUploads' | 'updateSyncState' | 'recordNotices' | 'listCheckIns'
>;

export interface SyncRunOptions {
  readonly store: SyncStore;
  /** The current verified bundle (its policy says whether to upload; its notices keys verify notices). */
  readonly bundle: VerifiedBundle | undefined;
  readonly fetch?: typeof fetch;
  readonly now?: () => UnixSeconds;
  /** In [0, 1): the jitter of the backoff and of the pause before each upload request. Injectable for tests. */
  readonly random?: () => number;
  readonly backoff?: BackoffPolicy;
  readonly timeoutMs?: number;
  readonly batchSize?: number;
  /** Ignore the backoff wait (the user pressed "sync now", or retried a dead letter). */
  readonly force?: boolean;
  /** Web Locks (default: navigator.locks where it exists). `null`: no cross-context lock (tests in Node). */
  readonly locks?: LockManager | null;
  readonly signal?: AbortSignal;
  /** Base URL of the server ('' = same origin). */
  readonly origin?: string;
}

export type SyncRunResult =
  /** Another tab or the worker is syncing right now. */
  | { readonly kind: 'busy' }
  /** Backing off after failures: the next automatic attempt is due at `until`. */
  | { readonly kind: 'deferred'; readonly until: UnixSeconds }
  | {
      readonly kind: 'finished';
      /** 'disabled': the policy does not upload check-ins (or no verified bundle says it does). */
      readonly upload: UploadOutcome | { readonly kind: 'disabled' };
      readonly notices: NoticesOutcome;
      /** Every step that talked to the server succeeded. */
      readonly ok: boolean;
      readonly error?: SyncErrorCode | string;
      readonly state: SyncStateRecord;
    };

/** Whether the signed policy wants check-ins uploaded (no verified bundle: no, nothing leaves the phone). */
export const uploadsEnabled = (bundle: VerifiedBundle | undefined): boolean =>
  bundle?.payload.policy.uploadCheckIns === true;

/**
 * The upload code is a chunk of its own in the app, fetched the first time the outbox has something to send: a
 * phone with nothing waiting (every first visit) does not download it. Not loadable (offline before the service
 * worker cached it): a network failure, retried like any other.
 */
async function uploadIfPending(options: UploadOptions): Promise<UploadOutcome> {
  const pending = await options.store.pendingUploads(1);
  if (!pending.ok) return { kind: 'storage-error', code: pending.error.code };
  if (pending.value.length === 0) return { kind: 'done', uploaded: 0, deadLettered: 0 };
  try {
    return (await import('./outbox-upload')).uploadOutbox(options);
  } catch {
    return {
      kind: 'retry',
      code: 'NETWORK_UNAVAILABLE',
      detail: 'upload code not loadable',
      uploaded: 0,
      deadLettered: 0,
    };
  }
}

/** When an automatic sync must wait out the backoff: `deferred`, read before (and without) taking the lock. */
async function deferral(o: SyncRunOptions): Promise<SyncRunResult | undefined> {
  const loaded = await o.store.loadSync();
  if (!loaded.ok) return failedStorage(loaded.error.code);
  const until = loaded.value.state.nextAttemptAt;
  return until !== undefined && until > (o.now ?? nowSeconds)() ? { kind: 'deferred', until } : undefined;
}

async function syncInsideLock(o: SyncRunOptions): Promise<SyncRunResult> {
  const now = o.now ?? nowSeconds;
  const loaded = await o.store.loadSync();
  if (!loaded.ok) return failedStorage(loaded.error.code);
  const before = loaded.value.state;

  const origin = o.origin ?? '';
  const common = {
    now,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  };
  const upload: UploadOutcome | { readonly kind: 'disabled' } = uploadsEnabled(o.bundle)
    ? await uploadIfPending({
        ...common,
        store: o.store,
        url: `${origin}/v1/checkins`,
        ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.random ? { random: o.random } : {}),
      })
    : { kind: 'disabled' };
  const notices = await pullNotices({ ...common, store: o.store, bundle: o.bundle, origin });

  let error: string | undefined;
  let retryAfter: string | undefined;
  if (upload.kind === 'retry') {
    error = upload.code;
    retryAfter = upload.retryAfter;
  } else if (upload.kind === 'storage-error') error = upload.code;
  if (notices.kind === 'unreachable') {
    error ??= notices.code;
    retryAfter ??= notices.retryAfter;
  } else if (notices.kind === 'storage-error') error ??= notices.code;

  const finished = now();
  const patch: Partial<SyncStateRecord> =
    error === undefined
      ? {
          lastAttemptAt: finished,
          lastSuccessAt: finished,
          lastError: undefined,
          failures: 0,
          nextAttemptAt: undefined,
        }
      : {
          lastAttemptAt: finished,
          lastError: error,
          failures: before.failures + 1,
          nextAttemptAt: nextAttemptAt(
            finished,
            before.failures,
            (o.random ?? Math.random)(),
            o.backoff ?? DEFAULT_BACKOFF,
            parseRetryAfter(retryAfter, finished),
          ),
        };
  const saved = await o.store.updateSyncState(patch);
  const state = { ...before, ...patch };
  return {
    kind: 'finished',
    upload,
    notices,
    ok: error === undefined && saved.ok,
    ...(error !== undefined ? { error } : saved.ok ? {} : { error: saved.error.code }),
    state,
  };
}

function failedStorage(code: string): SyncRunResult {
  const state: SyncStateRecord = { failures: 0 };
  return {
    kind: 'finished',
    upload: { kind: 'storage-error', code },
    notices: { kind: 'storage-error', code },
    ok: false,
    error: code,
    state,
  };
}

let inPage: { readonly result: Promise<SyncRunResult>; readonly force: boolean } | undefined;

/**
 * Run one sync unless one is already running in this page (its result is shared). Never throws: failures are
 * in the result.
 *
 * Whoever holds the lock tries to send: an automatic sync in backoff returns `deferred` before asking for it. A
 * forced sync arriving while this page's automatic one runs follows it, whatever that one found (it may have
 * read the outbox while the network was still down).
 */
export function runSync(o: SyncRunOptions): Promise<SyncRunResult> {
  if (inPage && (inPage.force || !o.force)) return inPage.result;
  if (inPage) return inPage.result.then(() => runSync(o));
  const locks = o.locks === undefined ? (typeof navigator !== 'undefined' ? navigator.locks : undefined) : o.locks;
  const run = async (): Promise<SyncRunResult> => {
    try {
      const deferred = o.force ? undefined : await deferral(o);
      if (deferred) return deferred;
      if (!locks) return await syncInsideLock(o);
      if (o.force) return await locks.request(SYNC_LOCK, () => syncInsideLock(o));
      return await locks.request(SYNC_LOCK, { ifAvailable: true }, async (lock) =>
        lock ? syncInsideLock(o) : ({ kind: 'busy' } as const),
      );
    } catch (e) {
      return failedStorage(e instanceof Error ? e.name : 'STORAGE_FAILED');
    }
  };
  const result = run().finally(() => {
    inPage = undefined;
  });
  inPage = { result, force: o.force === true };
  return result;
}
