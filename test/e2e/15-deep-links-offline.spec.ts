/**
 * The ways in that need no camera, offline included: a poster's `/v#…` link and a certificate's
 * `/c#…` link opened cold after the server is gone (the service worker's navigation fallback serves the app),
 * the upper-case `/V#…` form a QR carries, and the short code typed from under the QR — found by the server
 * online, from this phone's history offline, and a clear "needs a connection" for a venue never visited.
 */
import type { Page } from '@playwright/test';
import { qrText } from '../../src/core/qr-link';
import { AppPage } from '../support/app-page';
import { type Demo, expect, test } from '../support/fixtures';

let demo: Demo;

const venueNamed = (name: string) => {
  const v = demo.venues.find((x) => x.name === name);
  if (!v) throw new Error(`demo venue ${name} missing`);
  return v;
};

async function typeShortCode(page: Page, code: string) {
  // The field moves above the viewfinder once the camera has failed (a new form, the typed code carried over):
  // type only after the camera settled, so the button clicked is the one that stays.
  await expect(page.getByTestId('scanner-state')).not.toHaveAttribute('data-state', 'starting');
  const field = page.getByLabel(/venue code printed under the QR|kode tempat yang tercetak/i);
  await field.fill(code);
  // The lazy scan screen may still be rendering: open only once the field holds the whole code.
  await expect(field).toHaveValue(code);
  await page.getByTestId('short-code-open').click();
}

test.describe.configure({ mode: 'serial' });

// One phone through the three tests (the app page fixture is per test): installed online, then offline.
let app: AppPage;
let page: Page;

test.beforeAll(async ({ browser, server, demo: json }) => {
  demo = json;
  page = await (await browser.newContext()).newPage();
  app = new AppPage(page, server);
});

test.afterAll(async () => {
  await app?.context.close();
});

test('online: the short code from the poster, typed in lower case without the dash, opens that venue', async () => {
  // First visit online: the bundle verified and stored, the worker in control (everything precached).
  await app.open();
  await app.waitForServiceWorker();
  // Budi (green) is admitted at the governor's office, so the visit can be recorded for the offline part.
  const budi = demo.certificates.find((c) => c.person === 'budi' && c.kind === 'vaccination');
  if (!budi) throw new Error('demo certificate missing');
  await app.importCertificate(budi.url);
  await app.goto('/');
  const office = venueNamed('Kantor Gubernur Kalimantan Timur');
  expect(office.shortCode).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);

  await page.getByTestId('scan-button').click();
  await expect(page.getByTestId('short-code-form')).toBeVisible();
  await app.expectAxeClean('[data-testid="short-code-form"]');

  await typeShortCode(page, office.shortCode.replace('-', '').toLowerCase());
  await expect(page).toHaveURL(new RegExp(`/v#${office.code}$`));
  await expect(page.getByTestId('venue-name')).toHaveText(office.name);
  // Verified like a scanned QR: the decision is there, not a venue error.
  await expect(page.getByTestId('venue-error')).toHaveCount(0);
  await expect(page.getByTestId('decision')).toHaveCount(1);
  await app.checkIn();
});

test('offline, cold: /v#…, /V#… and /c#… links open the check-in and import screens', async ({ server }) => {
  await server.stop();
  const office = venueNamed('Masjid Agung Jawa Tengah');
  const cert = demo.certificates.find((c) => c.person === 'siti' && c.kind === 'vaccination');
  if (!cert) throw new Error('demo certificate missing');

  for (const link of [`${server.url}/v#${office.code}`, qrText(`${server.url}/v#${office.code}`)]) {
    // qrText upper-cases the origin and path: http://127.0.0.1:PORT/V#…; the browser lower-cases the host only.
    const fresh = await app.context.newPage();
    const response = await fresh.goto(link);
    expect(response?.fromServiceWorker()).toBe(true);
    await expect(fresh.getByTestId('venue-name')).toHaveText(office.name);
    // Decided offline with the stored rules: Budi's certificate verifies (green); as a visitor from another
    // province without a PCR he is refused at the mosque — a real decision either way, not CANNOT_VERIFY.
    await expect(fresh.getByTestId('decision')).toHaveAttribute('data-status', 'green');
    await expect(fresh.getByTestId('decision')).toHaveAttribute('data-outcome', 'DENIED');
    await fresh.close();
  }

  const certPage = await app.context.newPage();
  await certPage.goto(`${server.url}/c#${cert.code}`);
  await expect(certPage.getByTestId('import-confirm')).toBeVisible();
  await certPage.getByTestId('import-confirm').click();
  await expect(certPage.getByTestId('import-done')).toBeVisible();
  await certPage.close();
});

test('offline: a short code of a visited venue is found in history; an unvisited one needs a connection', async ({
  server,
}) => {
  // Still offline: the fixture starts the server again for each test.
  await server.stop();
  const visited = venueNamed('Kantor Gubernur Kalimantan Timur');
  const unvisited = demo.venues.find((v) => v.id !== visited.id);
  if (!unvisited) throw new Error('a second demo venue is needed');

  await app.goto('/scan');
  await typeShortCode(page, unvisited.shortCode);
  const error = page.getByTestId('short-code-error');
  await expect(error).toHaveAttribute('data-code', 'offline');
  await expect(error).toContainText(/sambungan internet|needs a connection/);

  // One character off: caught on the phone by the check character, before any lookup.
  const code = visited.shortCode;
  const typo = `${code.slice(0, 2)}${code[2] === '7' ? '8' : '7'}${code.slice(3)}`;
  await typeShortCode(page, typo);
  await expect(error).toHaveAttribute('data-code', 'SHORT_CODE_MISTYPED');

  await typeShortCode(page, ` ${code.toLowerCase()} `);
  await expect(page).toHaveURL(new RegExp(`/v#${visited.code}$`));
  await expect(page.getByTestId('venue-name')).toHaveText(visited.name);
});
