/**
 * The walking skeleton, end to end with every real part: a fresh Chromium profile imports a demo
 * certificate, scans the venue poster through the (fake) camera, sees the decision, checks in, sees it
 * in history, checks out — then the server is stopped and the browser set offline, the app reloads
 * from the service worker and a second check-in through the camera works.
 */
import { expect, test } from '../support/fixtures';

test.use({ camera: 'fake' });

test('import → scan → decide → check in → offline reload → check in again', async ({ app, demo, server }) => {
  const { page } = app;

  // 1. Fresh profile: the app loads, fetches and verifies the signed bundle, installs its worker.
  await app.open();
  await app.waitForServiceWorker();
  await app.expectAxeClean();

  // 2. Import Budi's certificate by opening its link (as the phone's camera app would).
  await app.importCertificate(demo.budi.url);
  await app.expectAxeClean();

  // 3. Scan the venue QR through the camera → decision: fully vaccinated resident, ALLOWED, green.
  // The poster's QR text, exactly as printed (upper-case prefix), shown to the fake camera.
  const decision = await app.scanVenue(demo.office.qrText);
  await expect(decision).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(decision).toHaveAttribute('data-status', 'green');
  await expect(page.getByText('Kantor Gubernur Kalimantan Timur').first()).toBeVisible();
  await app.expectAxeClean();

  // 4. Confirm → stored → in history; then check out.
  await app.checkIn();
  await app.goto('/history');
  await expect(page.getByTestId('history-item')).toHaveCount(1);
  await expect(page.getByTestId('history-item').first()).toContainText('Kantor Gubernur Kalimantan Timur');
  await app.expectAxeClean();
  await page.getByTestId('history-checkout').click();
  await expect(page.getByTestId('history-checkout')).toHaveCount(0);

  // 5. Network gone: the server is stopped and the browser is offline.
  await server.stop();
  await app.context.setOffline(true);
  await app.goto('/');
  await expect(page.getByTestId('scan-button')).toBeVisible();

  // …scanning (the decoder chunk comes from the precache), deciding and checking in still work.
  const again = await app.scanVenue(demo.office.qrText);
  await expect(again).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(again).toHaveAttribute('data-status', 'green');
  await app.checkIn();
  await app.goto('/history');
  await expect(page.getByTestId('history-item')).toHaveCount(2);

  expect(app.errors).toEqual([]);
});
