/// <reference lib="webworker" />
/**
 * The service worker: precache the whole build (the lazy scanner chunk included) so the app opens and
 * scans offline after the first load, and answer navigations to the app's own pages — `/v#…`, `/c#…`, `/history`
 * (core app-routes.ts) — with the precached index.html (the hash never reaches the network anyway).
 *
 * Updates wait: a new worker installs in the background and activates only when the page sends
 * {type: 'SKIP_WAITING'} after the user agreed (src/ui/sw-bridge.ts).
 */
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  getCacheKeyForURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { isAppPath } from '../src/core/app-routes';
import { createStore } from '../src/store';
import { SYNC_TAG } from '../src/sync/sync-run';
import { syncFromWorker } from '../src/sync/worker-sync';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Only the app's own pages get the shell: every other navigation (/demo, /healthz, /v1/…, a mistyped path) goes
// to the server, which serves its pages — and for an unknown path the shell again, whose router shows "not found".
const shell = createHandlerBoundToURL('/index.html');
registerRoute(({ request, url }) => request.mode === 'navigate' && isAppPath(url.pathname), shell);

// The photo import's zxing-wasm fallback (src/scan/wasm-fallback.ts, ~410 KB gzip) is not precached: only a photo
// the app's own decoder cannot read needs it, and precaching would make every phone download it at install. Once
// fetched it is kept here, so it works offline from then on; only the latest build's file is kept (hashed names).
const WASM_CACHE = 'singgah-wasm';
registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.endsWith('.wasm'),
  async ({ request }) => {
    const cache = await caches.open(WASM_CACHE);
    const hit = await cache.match(request);
    if (hit) return hit;
    const response = await fetch(request);
    if (response.ok) {
      for (const old of await cache.keys()) await cache.delete(old);
      await cache.put(request, response.clone());
    }
    return response;
  },
);

// First install only: take control of the page that registered us, so the very first visit is already
// offline-capable without a reload. Later versions never claim: they wait for SKIP_WAITING.
let firstInstall = false;
self.addEventListener('install', () => {
  firstInstall = !self.registration.active;
});
self.addEventListener('activate', (event) => {
  if (firstInstall) event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  const data: unknown = event.data;
  if (!data || typeof data !== 'object' || !('type' in data)) return;
  if (data.type === 'SKIP_WAITING') void self.skipWaiting();
  // "Is this page's build yours?" (src/ui/sw-bridge.ts): a page an older worker loaded can end up under a newer
  // one — the browser activates a waiting worker as soon as no page uses the old one, even between two loads
  // of the same tab.
  if (data.type === 'PRECACHES' && 'url' in data && typeof data.url === 'string') {
    event.ports[0]?.postMessage(getCacheKeyForURL(data.url) !== undefined);
  }
});

/** Background Sync (Chromium): not in TypeScript's WebWorker lib yet. */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

// The page registers SYNC_TAG after each check-in; the browser fires it when the network is there, even after
// the page was closed. The same upload code as the page runs here, under the same cross-context Web Lock.
self.addEventListener('sync', (event) => {
  const e = event as SyncEvent;
  if (e.tag !== SYNC_TAG) return;
  e.waitUntil(
    (async () => {
      const store = createStore();
      try {
        const allowed = typeof Notification !== 'undefined' && Notification.permission === 'granted';
        const outcome = await syncFromWorker(
          store,
          (title, options) => self.registration.showNotification(title, options),
          allowed,
        );
        // A rejected waitUntil makes the browser schedule another attempt (with its own backoff).
        if (outcome.retry && !e.lastChance) throw new Error('sync failed; retry later');
      } finally {
        store.close();
      }
    })(),
  );
});

// A tap on the exposure notification opens (or focuses) the app.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows[0];
      if (open) await open.focus();
      else await self.clients.openWindow('/');
    })(),
  );
});
