/**
 * The kill switch (sw/README.md): copying `sw-kill.js` over `sw.js` on the server makes every installed app
 * drop its service worker at its next visit — no controller, no registration, no caches left — and the app
 * still opens online, straight from the server.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openHome } from '../support/app-page';
import { expect, test } from '../support/fixtures';

// A private copy of the build: the swap must not touch the build other specs use.
test.use({ serverOptions: { copyBuild: true } });

test('sw-kill.js copied over sw.js leaves no controller, no registration and no caches', async ({ page, server }) => {
  await openHome(page, `${server.url}/`);
  const installed = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
    return (await caches.keys()).length;
  });
  expect(installed).toBeGreaterThan(0);

  copyFileSync(join(server.dist, 'sw-kill.js'), join(server.dist, 'sw.js'));
  // The next visit checks sw.js (served no-cache) and finds the kill switch.
  await page.reload();
  // The kill switch reloads the tab itself: a check cut short by that navigation is simply asked again.
  const leftovers = () =>
    page
      .evaluate(async () => ({
        controlled: !!navigator.serviceWorker.controller,
        registrations: (await navigator.serviceWorker.getRegistrations()).length,
        caches: (await caches.keys()).length,
      }))
      .catch(() => 'navigating');
  await expect.poll(leftovers, { timeout: 30_000 }).toEqual({ controlled: false, registrations: 0, caches: 0 });
  // Still the app, now as a plain online page.
  await expect(page.getByTestId('scan-button')).toBeVisible();
  // Stays that way: the page registering /sw.js again only installs the kill switch again.
  await page.reload();
  await expect(page.getByTestId('scan-button')).toBeVisible();
  await expect.poll(leftovers, { timeout: 30_000 }).toEqual({ controlled: false, registrations: 0, caches: 0 });
});
