/**
 * Integrity at the door: nobody refused is checked in. A family of four at the Semarang mosque: Siti and Andi
 * (from Semarang) may enter, Budi (a visitor from Kaltim without a recent PCR) and Dewi (positive PCR: black)
 * may not. Only Siti and Andi can be ticked; the stored visit and the server's count hold two people. A phone
 * with no rules (CANNOT_VERIFY) ticks nobody until the user confirms the guard checks by hand; a phone with only
 * refused people is not offered a check-in at all, and is told why.
 */
import type { Page } from '@playwright/test';
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

const venue = (name: string) => demo.venues.find((v) => v.name === name) ?? { id: '', name, url: '' };
const certificatesOf = (holder: string) => demo.certificates.filter((c) => c.holder === holder);

async function importPeople(page: Page, holders: readonly string[]) {
  for (const holder of holders) for (const c of certificatesOf(holder)) await importCertificate(page, c.url);
}

/** The people lists of the stored visits, read with the raw IndexedDB API. */
function storedPeople(page: Page): Promise<string[][]> {
  return page.evaluate(
    () =>
      new Promise<string[][]>((resolve, reject) => {
        const open = indexedDB.open('singgah');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('checkins', 'readonly').objectStore('checkins').getAll();
          req.onsuccess = () => {
            db.close();
            resolve((req.result as { people: string[] }[]).map((c) => c.people));
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

async function activeAt(venueId: string): Promise<number> {
  const res = await fetch(`${server.url}/v1/venues/${venueId}/occupancy`);
  return ((await res.json()) as { active: number }).active;
}

test('a family at the mosque: refused people cannot be ticked; only the admitted are stored and counted', async ({
  page,
}) => {
  await openHome(page, `${server.url}/`);
  await importPeople(page, ['Budi Santoso', 'Siti Rahayu', 'Andi Wijaya', 'Dewi Lestari']);
  const mosque = venue('Masjid Agung Jawa Tengah');
  const already = await activeAt(mosque.id);
  await page.goto(mosque.url);
  const decision = (name: string) => page.getByTestId('decision').filter({ hasText: name });
  await expect(decision('Siti Rahayu')).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(decision('Andi Wijaya')).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(decision('Budi Santoso')).toHaveAttribute('data-outcome', 'DENIED');
  await expect(decision('Dewi Lestari')).toHaveAttribute('data-outcome', 'DENIED');

  const box = (name: string) => page.getByRole('checkbox', { name: new RegExp(name) });
  await expect(box('Siti Rahayu')).toBeChecked();
  await expect(box('Andi Wijaya')).toBeChecked();
  for (const refused of ['Budi Santoso', 'Dewi Lestari']) {
    await expect(box(refused)).not.toBeChecked();
    await expect(box(refused)).toBeDisabled();
  }
  // A forced click on a refused person's box changes nothing.
  await box('Dewi Lestari').click({ force: true });
  await expect(box('Dewi Lestari')).not.toBeChecked();
  await expectAxeClean(page);

  await checkIn(page);
  const people = await storedPeople(page);
  expect(people).toHaveLength(1);
  expect(people[0]).toHaveLength(2);
  expect(people[0].join(' ')).toMatch(/siti rahayu/i);
  expect(people[0].join(' ')).toMatch(/andi wijaya/i);
  // Uploaded: the server counts two people inside, not four.
  await expect.poll(() => activeAt(mosque.id), { timeout: 20_000 }).toBe(already + 2);
});

test('nobody may enter: no check-in button, and the screen says why', async ({ page }) => {
  await openHome(page, `${server.url}/`);
  await importPeople(page, ['Dewi Lestari']);
  await page.goto(venue('Masjid Agung Jawa Tengah').url);
  await expect(page.getByTestId('decision')).toHaveAttribute('data-outcome', 'DENIED');
  await expect(page.getByTestId('checkin-nobody')).toBeVisible();
  await expect(page.getByTestId('checkin-confirm')).toHaveCount(0);
  await expectAxeClean(page);
});

test('cannot verify (no rules on the phone): unticked until the user confirms the guard checks by hand', async ({
  browser,
}) => {
  // No rules ever arrive: the bundle download fails (the worker is kept out so the route sees every request).
  const context = await browser.newContext({ serviceWorkers: 'block' });
  await context.route('**/v1/bundle*', (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await importPeople(page, ['Budi Santoso']);
  await page.goto(venue('Kantor Gubernur Kalimantan Timur').url);
  await expect(page.getByTestId('decision')).toHaveAttribute('data-outcome', 'CANNOT_VERIFY');
  const budi = page.getByRole('checkbox', { name: /Budi Santoso/ });
  await expect(budi).not.toBeChecked();
  await expect(page.getByTestId('checkin-confirm')).toBeDisabled();

  // Ticking asks first; "cancel" leaves him unticked.
  await budi.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('petugas');
  await expect(dialog).toContainText('Budi Santoso');
  await expectAxeClean(page);
  await page.getByTestId('hand-check-cancel').click();
  await expect(dialog).toBeHidden();
  await expect(budi).not.toBeChecked();
  await expect(page.getByTestId('checkin-confirm')).toBeDisabled();

  // Confirmed: ticked, and the check-in records him.
  await budi.click();
  await page.getByTestId('hand-check-confirm').click();
  await expect(budi).toBeChecked();
  await checkIn(page);
  const people = await storedPeople(page);
  expect(people).toHaveLength(1);
  expect(people[0]).toHaveLength(1);
  await context.close();
});

/** The stored visits with their times, and the outbox's check-out entries (raw IndexedDB). */
function storedVisits(page: Page): Promise<{ venueName: string; checkedInAt: number; checkedOutAt?: number }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('singgah');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('checkins', 'readonly').objectStore('checkins').getAll();
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

test('one open visit: checking in at the hospital checks out the office, with the time, in every tab', async ({
  context,
}) => {
  const office = venue('Kantor Gubernur Kalimantan Timur');
  const hospital = venue('RSUD Abdul Wahab Sjahranie');
  const tab1 = await context.newPage();
  await openHome(tab1, `${server.url}/`);
  await importPeople(tab1, ['Budi Santoso']);
  // Other specs' visits may be in the copied data: count from what is there now.
  const [atOffice, atHospital] = [await activeAt(office.id), await activeAt(hospital.id)];
  await checkIn(tab1, office.url);
  await expect.poll(() => activeAt(office.id), { timeout: 20_000 }).toBe(atOffice + 1);

  // A second tab on Home: the office visit is open there.
  const tab2 = await context.newPage();
  await tab2.goto(`${server.url}/`);
  await expect(tab2.getByTestId('home-checkout')).toHaveCount(1);
  await expect(tab2.locator('.venue-name')).toHaveText(office.name);

  // The hospital, in the first tab: the screen says the office visit ends; the check-in ends it.
  await tab1.goto(`${server.url}/`);
  await tab1.goto(hospital.url);
  await expect(tab1.getByTestId('checkin-ends-other')).toContainText(office.name);
  const before = await tab1.evaluate(() => Math.floor(Date.now() / 1000));
  await checkIn(tab1);
  const after = await tab1.evaluate(() => Math.floor(Date.now() / 1000));

  const visits = await storedVisits(tab1);
  const officeVisit = visits.find((v) => v.venueName === office.name);
  const hospitalVisit = visits.find((v) => v.venueName === hospital.name);
  expect(officeVisit?.checkedOutAt).toBeGreaterThanOrEqual(before);
  expect(officeVisit?.checkedOutAt).toBeLessThanOrEqual(after);
  expect(hospitalVisit?.checkedOutAt).toBeUndefined();
  // The other tab follows without a reload: one open visit, the hospital.
  await expect(tab2.getByTestId('home-checkout')).toHaveCount(1);
  await expect(tab2.locator('.venue-name')).toHaveText(hospital.name);
  // The check-out was uploaded with the check-in: the server no longer counts Budi at the office.
  await expect.poll(() => activeAt(office.id), { timeout: 20_000 }).toBe(atOffice);
  await expect.poll(() => activeAt(hospital.id), { timeout: 20_000 }).toBe(atHospital + 1);
});
