/**
 * "Delete all my data": the ONLY place in the app that removes the database, the caches, the service worker and
 * localStorage. Order: close our store connection (so the delete is not blocked by ourselves), delete every
 * IndexedDB database of this origin (ours is `DB_NAME`; `indexedDB.databases()` finds any other), every Cache
 * Storage cache, every service-worker registration, then localStorage. Each step runs even if an earlier one
 * failed; the steps that failed are returned so the screen can say so. The caller empties the page's state
 * first (AppModel.wipe()), and the shell then offers a fresh start on every screen (App.tsx: a full load of `/`,
 * which creates an empty database and installs the worker again).
 */
import { DB_NAME } from '../store';

export type DeleteStep = 'indexedDB' | 'caches' | 'serviceWorker' | 'localStorage';

export interface DeleteAllResult {
  /** Steps that failed (empty = everything is gone). */
  readonly failed: readonly DeleteStep[];
}

/** How long a delete may wait for other tabs to close their connections before it is reported as failed. */
const BLOCKED_TIMEOUT_MS = 5_000;
/** How long listing the origin's databases may take before only ours is deleted. */
const LIST_TIMEOUT_MS = 2_000;
/** How long unregistering may take before the registrations are looked at again. */
const UNREGISTER_WAIT_MS = 3_000;

/**
 * `promise`'s value, or undefined when `ms` pass first: a browser call that never settles must not hold the
 * screen on its spinner.
 */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer = 0;
  const late = new Promise<undefined>((resolve) => {
    timer = window.setTimeout(resolve, ms);
  });
  return Promise.race([promise, late]).finally(() => window.clearTimeout(timer));
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    // `blocked`: another tab still has it open. Its store closes on `versionchange`; if it does not in time, fail.
    const timer = setTimeout(() => reject(new Error(`deleting ${name} is blocked`)), BLOCKED_TIMEOUT_MS);
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve();
    };
    request.onerror = () => {
      clearTimeout(timer);
      reject(request.error ?? new Error(`deleting ${name} failed`));
    };
  });
}

async function deleteDatabases(): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  const names = new Set<string>([DB_NAME]);
  try {
    // Bounded: ours is known by name, the listing only finds others.
    const listed = indexedDB.databases ? await settledWithin(indexedDB.databases(), LIST_TIMEOUT_MS) : undefined;
    for (const info of listed ?? []) if (info.name) names.add(info.name);
  } catch {
    // databases() is missing in some browsers: ours is known by name
  }
  await Promise.all([...names].map(deleteDatabase));
}

async function deleteCaches(): Promise<void> {
  if (typeof caches === 'undefined') return;
  const keys = await caches.keys();
  await Promise.all(keys.map((key) => caches.delete(key)));
}

async function unregisterServiceWorkers(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const registrations = await navigator.serviceWorker.getRegistrations();
  // unregister() is queued behind any update job of the scope, and Chromium starts a soft update at its lowest
  // task priority (content/browser/service_worker/service_worker_register_job.cc, Start()): on a busy phone it
  // can wait for seconds. After a bounded wait, what counts is whether a registration is still listed.
  const results = await settledWithin(Promise.all(registrations.map((r) => r.unregister())), UNREGISTER_WAIT_MS);
  if (results?.includes(false)) throw new Error('a service worker could not be unregistered');
  if (results === undefined && (await navigator.serviceWorker.getRegistrations()).length > 0)
    throw new Error('a service worker is still registered');
}

/**
 * Delete everything this app stored in the browser. `closeStore` must close every connection this page holds
 * (AppModel.wipe(): also stops the sync, so nothing writes again before the fresh start, and empties every screen).
 */
export async function deleteAllData(closeStore: () => void): Promise<DeleteAllResult> {
  closeStore();
  const steps: readonly [DeleteStep, () => Promise<void>][] = [
    ['indexedDB', deleteDatabases],
    ['caches', deleteCaches],
    ['serviceWorker', unregisterServiceWorkers],
    [
      'localStorage',
      async () => {
        localStorage.clear();
      },
    ],
  ];
  const failed: DeleteStep[] = [];
  for (const [step, run] of steps) {
    try {
      await run();
    } catch {
      failed.push(step);
    }
  }
  return { failed };
}
