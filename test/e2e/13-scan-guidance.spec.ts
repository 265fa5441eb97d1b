/**
 * Never a silent scanner: a QR code that is not Singgah's says so and shows what it is; a refused camera
 * explains how to allow it and still offers the photo and paste ways in (which work).
 */
import { expect, test } from '../support/fixtures';
import { encodePng, posterPhoto } from '../support/qr-images';

test.describe('with a camera', () => {
  test.use({ camera: 'fake' });

  test('a foreign QR code: "not a Singgah code" and the link it holds', async ({ app }) => {
    const { page } = app;
    await app.showToCamera('https://promo.example/discount?code=42');
    await app.open();
    await app.openScanner();
    const note = page.getByTestId('scan-error');
    await expect(note).toHaveAttribute('data-code', 'NOT_SINGGAH_CODE');
    await expect(note).toContainText('promo.example');
    // Still scanning: the screen stays, the camera runs.
    await expect(page).toHaveURL(/\/scan$/);
    await expect(page.getByTestId('scanner-state')).toHaveAttribute('data-state', 'running');
    await app.expectAxeClean();
    expect(app.errors).toEqual([]);
  });
});

test.describe('camera refused', () => {
  test.use({ camera: 'denied' });

  test('explains how to allow the camera and the photo import still works', async ({ app, demo }) => {
    const { page } = app;
    await app.open();
    await page.getByTestId('scan-button').click();
    const alert = page.getByTestId('camera-error');
    await expect(alert).toHaveAttribute('data-code', 'CAMERA_DENIED');
    await expect(alert).toContainText(/izin|allow/i);
    await expect(page.getByRole('button', { name: /coba lagi|try again/i })).toBeVisible();
    await app.expectAxeClean();
    await page.getByTestId('scan-image').setInputFiles({
      name: 'screenshot.png',
      mimeType: 'image/png',
      buffer: encodePng(posterPhoto(demo.office.qrText, { width: 800, height: 600, seed: 2 })),
    });
    await app.expectCheckInScreen(demo.office.name);
  });
});
