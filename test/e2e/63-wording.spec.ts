/**
 * Wording read as a user reads it: counts in the right plural form ("1 certificate", not "1 certificate(s)"; no
 * "Semua 1 kunjungan"), no doubled words ("Sinkron: Sinkron terakhir…"), History naming who went in rather than
 * "2 orang", "delete visit" destructive and set apart after check-out, Settings in titled groups with contents,
 * and guard mode remembering its place instead of falling back to the first region in the list (Aceh).
 */
import type { BrowserContext, Page } from '@playwright/test';
import { en } from '../../src/ui/i18n/en';
import { id } from '../../src/ui/i18n/id';
import { checkIn, expectAxeClean, importCertificate, openHome } from '../support/app-page';
import { type Demo, expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

// Its own server: what this spec stores there stays out of the other specs' way.
test.use({ serverOptions: { own: true } });

let server: E2eServer;
let demo: Demo;
test.beforeAll(({ server: worker, demo: json }) => {
  server = worker;
  demo = json;
});

async function setLanguage(page: Page, lang: 'id' | 'en') {
  await page.evaluate((l) => localStorage.setItem('singgah.lang', l), lang);
  await page.reload();
}

async function oneVisit(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await openHome(page, `${server.url}/`);
  const budi = demo.certificates.find((c) => c.holder === 'Budi Santoso' && c.kind === 'vaccination');
  const office = demo.venues.find((v) => v.name === 'Kantor Gubernur Kalimantan Timur');
  if (!budi || !office) throw new Error('demo data missing');
  await importCertificate(page, budi.url);
  await checkIn(page, office.url);
  return page;
}

test('one certificate, one visit: singular forms in English, no doubled or awkward words in Indonesian', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await oneVisit(context);

  await setLanguage(page, 'en');
  await page.goto(`${server.url}/`);
  const person = page.getByTestId('person');
  await expect(person).toContainText('1 certificate');
  await expect(person).not.toContainText('(s)');
  const line = page.getByTestId('sync-status');
  await expect(line).toBeVisible();
  await expect(line).not.toContainText(/Sync: .*sync/i);
  await page.goto(`${server.url}/history`);
  await expect(page.getByTestId('history-shown')).toHaveText(en.history.shownAll.one);
  await expect(page.getByTestId('history-people')).toHaveText('Who: Budi Santoso');

  await setLanguage(page, 'id');
  await expect(page.getByTestId('history-shown')).toHaveText(id.history.shownAll.other.replace('{n}', '1'));
  await expect(page.getByTestId('history-shown')).not.toContainText('Semua 1');
  await expect(page.getByTestId('history-people')).toHaveText('Siapa: Budi Santoso');
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('sync-status')).toBeVisible();
  await expect(page.getByTestId('sync-status')).not.toContainText(/Sinkron: Sinkron/);
  await context.close();
});

test('"delete visit" looks destructive and sits after check-out, on its own row', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
  const page = await oneVisit(context);
  await page.goto(`${server.url}/history`);
  const item = page.getByTestId('history-item');
  const checkout = item.getByTestId('history-checkout');
  const del = item.getByTestId('history-delete');
  await expect(checkout).toBeVisible();
  await expect(del).toHaveClass(/button--danger/);
  // After check-out in reading order, and below it on screen.
  const order = await item.evaluate((li) => {
    const all = Array.from(li.querySelectorAll('[data-testid="history-checkout"], [data-testid="history-delete"]'));
    return all.map((el) => el.getAttribute('data-testid'));
  });
  expect(order).toEqual(['history-checkout', 'history-delete']);
  const a = await checkout.boundingBox();
  const b = await del.boundingBox();
  expect(a && b && b.y >= a.y + a.height).toBe(true);
  await context.close();
});

test('Settings: titled groups with contents that move focus; axe clean', async ({ page }) => {
  await page.goto(`${server.url}/settings`);
  const groups = page.getByTestId('settings-group');
  await expect(groups).toHaveCount(4);
  for (const [group, title] of Object.entries({
    rules: id.settingsGroups.rules,
    data: id.settingsGroups.data,
    display: id.settingsGroups.display,
    about: id.settingsGroups.about,
  }))
    await expect(page.locator(`[data-group="${group}"] > h2`)).toHaveText(title);
  const contents = page.getByTestId('settings-contents');
  await expect(contents.getByRole('button')).toHaveCount(4);
  await contents.getByRole('button', { name: id.settingsGroups.about }).click();
  await expect(page.locator('#group-about')).toBeFocused();
  await expect(page.getByTestId('lang-switch')).toBeVisible();
  await expectAxeClean(page);
});

test('guard mode remembers the place, also a regency from a venue QR, instead of showing Aceh', async ({ page }) => {
  await page.goto(`${server.url}/verify`);
  await page.getByTestId('verify-category').selectOption('worship');
  await page.getByTestId('verify-region').selectOption('33');
  await page.getByTestId('verify-start').click();
  await expect(page.getByTestId('verify-venue')).toHaveAttribute('data-region', '33');
  await page.reload();
  await expect(page.getByTestId('verify-venue')).toHaveAttribute('data-region', '33');
  await page.getByTestId('verify-change').click();
  await expect(page.getByTestId('verify-category')).toHaveValue('worship');
  await expect(page.getByTestId('verify-region')).toHaveValue('33');

  // A place set from the mosque's QR (regency 3374, Kota Semarang): "change place" keeps it selected.
  await page.evaluate(() =>
    localStorage.setItem(
      'singgah.verify.place',
      JSON.stringify({ category: 'worship', region: '3374', name: 'Masjid Agung Jawa Tengah' }),
    ),
  );
  await page.reload();
  await page.getByTestId('verify-change').click();
  await expect(page.getByTestId('verify-region')).toHaveValue('3374');
  await page.getByTestId('verify-start').click();
  await expect(page.getByTestId('verify-venue')).toHaveAttribute('data-region', '3374');
});
