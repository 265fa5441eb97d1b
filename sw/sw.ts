/// <reference lib="webworker" />
/**
 * The service worker: precache the whole build (the lazy scanner chunk included) so the app opens and
 * scans offline after the first load, and answer every navigation — `/v#…`, `/c#…`, `/history` — with the
 * precached index.html (the hash never reaches the network anyway).
 *
 * Updates wait: a new worker installs in the background and activates only when the page sends
 * {type: 'SKIP_WAITING'} after the user agreed (src/ui/sw-bridge.ts).
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    // Server endpoints opened directly in the browser stay network requests.
    denylist: [/^\/v1\//, /^\/healthz$/],
  }),
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
  if (event.data && typeof event.data === 'object' && event.data.type === 'SKIP_WAITING') void self.skipWaiting();
});
