/**
 * Feedback on a successful scan: a short vibration always, a beep only when the user turned the sound on in
 * Settings (off by default). navigator.vibrate and AudioContext are recorded by an init script (headless
 * Chromium has neither a motor nor speakers to observe).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';

test.use({ camera: 'fake' });

interface Feedback {
  __vibrations: unknown[];
  __tones: number;
}

function recordFeedback() {
  const w = window as unknown as Feedback;
  w.__vibrations = [];
  w.__tones = 0;
  navigator.vibrate = (pattern: VibratePattern) => {
    w.__vibrations.push(pattern);
    return true;
  };
  const Original = window.AudioContext;
  window.AudioContext = class extends Original {
    override createOscillator() {
      w.__tones++;
      return super.createOscillator();
    }
  };
}

const feedback = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as Feedback;
    return { vibrations: w.__vibrations.length, tones: w.__tones };
  });

test('a scan vibrates; the beep sounds only once turned on in Settings', async ({ app, demo }) => {
  const { page } = app;
  await app.showToCamera(demo.office.qrText);
  await app.open();
  await app.context.addInitScript(recordFeedback);
  await page.reload();

  await app.openScanner();
  await app.expectCheckInScreen(demo.office.name);
  expect(await feedback(page)).toEqual({ vibrations: 1, tones: 0 });

  await app.goto('/settings');
  const sound = page.getByLabel(/bunyi|sound/i);
  await expect(sound).not.toBeChecked();
  await sound.check();
  await app.goto('/');
  await app.openScanner();
  await app.expectCheckInScreen(demo.office.name);
  expect(await feedback(page)).toEqual({ vibrations: 1, tones: 1 });
  expect(app.errors).toEqual([]);
});
