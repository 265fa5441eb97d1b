/**
 * "Pick a photo or screenshot": a generated PNG photograph of the venue poster (perspective, slight rotation,
 * blur, glare, sensor noise; test/support/qr-images.ts) is decoded through the same decoder chain as the
 * camera and opens the check-in screen. A picture without a code and a file that is not a picture say so.
 */
import { expect, test } from '../support/fixtures';
import { encodePng, posterPhoto } from '../support/qr-images';

test.use({ camera: 'fake' });

test('a photo of the poster, taken at an angle, opens the check-in screen', async ({ app, demo }) => {
  const photo = posterPhoto(demo.office.qrText, {
    width: 1280,
    height: 960,
    corners: [
      [416, 88],
      [872, 128],
      [896, 904],
      [376, 848],
    ],
    blur: 1,
    noise: 6,
    glare: { x: 560, y: 400, radius: 210, strength: 0.35 },
    seed: 12,
  });
  await app.open();
  await app.openScanner();
  await app.page.getByLabel(/foto|photo/i).setInputFiles({
    name: 'poster.png',
    mimeType: 'image/png',
    buffer: encodePng(photo),
  });
  await app.expectCheckInScreen(demo.office.name);
  expect(app.errors).toEqual([]);
});

test('a picture without a QR code, and a file that is not a picture, are explained', async ({ app }) => {
  const { page } = app;
  await app.open();
  await app.openScanner();
  const input = page.getByTestId('scan-image');
  const empty = { width: 64, height: 48, data: new Uint8ClampedArray(64 * 48 * 4).fill(230) };
  await input.setInputFiles({ name: 'wall.png', mimeType: 'image/png', buffer: encodePng(empty) });
  await expect(page.getByTestId('image-error')).toHaveAttribute('data-code', 'IMAGE_NO_QR');
  await input.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
  await expect(page.getByTestId('image-error')).toHaveAttribute('data-code', 'IMAGE_UNREADABLE');
  await expect(page).toHaveURL(/\/scan$/);
});
