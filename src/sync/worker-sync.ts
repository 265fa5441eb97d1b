/**
 * The sync as the service worker runs it (Background Sync, tag SYNC_TAG): the same sync-run.ts as the page,
 * with the root and bundle read from the store and verified again here (the worker trusts nothing the page
 * computed). New exposures are shown as a system notification when the user allowed them.
 */
import type { Store } from '../store';
import { loadCurrentBundle, nowSeconds } from './bundle-pull';
import { loadCurrentRoot } from './roots';
import { runSync, type SyncRunResult } from './sync-run';
import { builtInAnchor } from './trust';

/** Bilingual because the worker cannot know the page's language; the app shows the details. */
export const EXPOSURE_NOTIFICATION = {
  title: 'Singgah: kemungkinan paparan / possible exposure',
  body: 'Buka Singgah untuk melihat kunjungan mana. / Open Singgah to see which visit.',
  tag: 'singgah-exposure',
} as const;

export type WorkerSyncOutcome =
  /** Done, or nothing the browser should retry (another tab is syncing; nothing to upload). */
  | { readonly retry: false; readonly result?: SyncRunResult }
  /** Failed in a way worth another Background Sync attempt later. */
  | { readonly retry: true; readonly result?: SyncRunResult };

export async function syncFromWorker(
  store: Store,
  showNotification: (title: string, options: NotificationOptions) => Promise<void>,
  notificationsAllowed: boolean,
): Promise<WorkerSyncOutcome> {
  const root = await loadCurrentRoot(store, builtInAnchor());
  if (!root.ok) return { retry: true };
  const current = await loadCurrentBundle(store, root.value.anchor);
  if (!current.ok) return { retry: true };
  // Background Sync is the browser saying "the network is back": do not wait out the backoff.
  const result = await runSync({ store, bundle: current.value.bundle, force: true });
  if (result.kind === 'finished' && notificationsAllowed) {
    const claimed = await store.claimExposureNotifications(nowSeconds());
    if (claimed.ok && claimed.value.length > 0)
      await showNotification(EXPOSURE_NOTIFICATION.title, {
        body: EXPOSURE_NOTIFICATION.body,
        tag: EXPOSURE_NOTIFICATION.tag,
        data: { url: '/' },
      }).catch(() => {});
  }
  const failed = result.kind === 'finished' && !result.ok && result.upload.kind !== 'done';
  return { retry: failed, result };
}
