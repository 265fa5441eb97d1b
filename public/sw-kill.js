// Kill switch: a service worker that removes Singgah's service worker. In an emergency (a broken worker in
// the field) copy it over the app's worker — `cp dist/sw-kill.js dist/sw.js` — and every browser that checks
// for an update (on its next visit, or within 24 h) installs this one instead: it takes over at once, deletes
// every cache of the origin, unregisters itself and reloads the open tabs, which are then plain online pages
// with no controller. IndexedDB (the user's certificates and visits) is left alone. Deploy a fixed build to
// bring the offline app back. Kept as a classic script with no imports so any registration type can load it.
self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keys = await caches.keys();
      await Promise.all(keys.map((key) => caches.delete(key)));
      await self.registration.unregister();
      const tabs = await self.clients.matchAll({ type: 'window' });
      await Promise.all(tabs.map((tab) => tab.navigate(tab.url).catch(() => undefined)));
    })(),
  );
});
