/**
 * Settings → About & privacy: what is stored, where, for how long and what leaves the phone, in plain
 * words in both languages. The retention is the signed policy's (21 days in the demo policy) and the upload
 * sentence follows the same policy flag the sync section shows (uploads on in the demo).
 */

import { en } from '../../src/ui/i18n/en';
import { id } from '../../src/ui/i18n/id';
import { expect, test } from '../support/fixtures';

test('about & privacy follows the signed policy, in Bahasa Indonesia and English', async ({ app }) => {
  const { page } = app;
  await app.open();
  await page.getByRole('link', { name: 'Pengaturan' }).click();
  const about = page.getByTestId('about-privacy');
  await expect(about.getByRole('heading', { name: 'Tentang & privasi' })).toBeVisible();
  await expect(about).toContainText(id.about.where);
  await expect(about).toContainText(id.about.howLongBin);
  await expect(page.getByTestId('about-retention')).toHaveText(id.about.howLongVisits.replace('{days}', '21'));
  // The same flag as the sync section, and the matching sentence.
  await expect(page.getByTestId('sync-uploads')).toHaveAttribute('data-uploads', 'true');
  await expect(page.getByTestId('about-uploads')).toHaveAttribute('data-uploads', 'true');
  await expect(page.getByTestId('about-uploads')).toHaveText(id.about.uploadsOn);
  // Notifications (exposure alerts and check-out reminders) are asked for in the sync section.
  await expect(page.getByTestId('notify-status')).toBeVisible();
  await app.expectAxeClean('[data-testid="about-privacy"]');

  await page.getByTestId('lang-switch').selectOption('en');
  await expect(about.getByRole('heading', { name: 'About & privacy' })).toBeVisible();
  await expect(about).toContainText(en.about.where);
  await expect(page.getByTestId('about-retention')).toHaveText(en.about.howLongVisits.replace('{days}', '21'));
  await expect(page.getByTestId('about-uploads')).toHaveText(en.about.uploadsOn);
});

test('before any rules arrive, nothing is promised to be sent', async ({ openApp }) => {
  const app = await openApp({ serviceWorkers: 'block' });
  const { page, context } = app;
  await context.route('**/v1/**', (route) => route.abort());
  await app.goto('/settings');
  await expect(page.getByTestId('about-uploads')).toHaveAttribute('data-uploads', 'unknown');
  await expect(page.getByTestId('about-uploads')).toHaveText(id.about.uploadsUnknown);
  // The default retention until a policy says otherwise.
  await expect(page.getByTestId('about-retention')).toHaveAttribute('data-days', '21');
});
