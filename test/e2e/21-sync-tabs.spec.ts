/**
 * Two tabs and the service worker triggering sync at the same moment send each outbox item once.
 * The app is served through a counting proxy (node:http) in front of the real server: while "down" it answers
 * the uploads 503 (the visits pile up in the outbox); then both tabs get `online` and the worker gets a
 * Background Sync event (CDP ServiceWorker.dispatchSyncEvent) at once. The Web Lock `singgah-sync` lets one
 * of them upload; the proxy counts every item of every forwarded upload per (id, op): each exactly once.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { checkIn, importCertificate } from '../support/app-page';
import { expect, test } from '../support/fixtures';

// Its own server: the proxy's counts must see only this spec's uploads.
test.use({ serverOptions: { own: true } });

let proxy: Server;
let origin: string;
let officeUrl: string;
let budiUrl: string;
let down = true;
/** (id, op) → how many times an upload carrying it was forwarded to the server. */
const forwarded = new Map<string, number>();
let uploadRequests = 0;

test.beforeAll(async ({ server, demo }) => {
  const upstream = new URL(server.url);
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url === '/v1/checkins') {
        if (down) {
          res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
          res.end('{"error":{"code":"UNAVAILABLE","message":"down"}}');
          return;
        }
        uploadRequests++;
        const items = (JSON.parse(body.toString('utf8')) as { items: { id: string; op: string }[] }).items;
        for (const i of items) forwarded.set(`${i.id}/${i.op}`, (forwarded.get(`${i.id}/${i.op}`) ?? 0) + 1);
      }
      const up = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const { office, budi } = demo;
  // The demo page links to the server's own origin: the same fragments, opened through the proxy.
  officeUrl = `${origin}/v${new URL(office.url).hash}`;
  budiUrl = `${origin}/c${new URL(budi.url).hash}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
});

/** Through Home first: going to the same /v#… URL again would not even change the hash. */
async function checkInFromHome(page: Page, url: string) {
  await page.goto(`${origin}/`);
  await checkIn(page, url);
}
async function checkOut(page: Page, url: string) {
  await page.goto(`${origin}/`);
  await page.goto(url);
  await page.getByTestId('checkout-button').click();
  await expect(page.getByTestId('checkout-done')).toBeVisible();
}

test('two tabs and the service worker sync at once: every item is uploaded exactly once', async ({ context }) => {
  const tab1 = await context.newPage();
  await tab1.goto(`${origin}/`);
  await expect(tab1.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await tab1.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // Budi (fully vaccinated) may enter the governor's office.
  await importCertificate(tab1, budiUrl);
  // Visits while the server refuses uploads: they wait in the outbox (check-in and check-out each an item).
  const ROUNDS = 5;
  for (let i = 0; i < ROUNDS; i++) {
    await checkInFromHome(tab1, officeUrl);
    await checkOut(tab1, officeUrl);
  }
  const expected = ROUNDS * 2;
  await tab1.goto(`${origin}/settings`);
  await expect(tab1.getByTestId('sync-waiting').first()).toHaveAttribute('data-count', String(expected));
  expect(forwarded.size).toBe(0);

  const tab2 = await context.newPage();
  await tab2.goto(`${origin}/settings`);
  await expect(tab2.getByTestId('sync-waiting').first()).toHaveAttribute('data-count', String(expected));

  // The worker's registration, for a Background Sync event sent through the DevTools protocol.
  const cdp = await context.newCDPSession(tab1);
  const registrationId = await new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string }[] }) => {
      const r = e.registrations[0];
      if (r) resolve(r.registrationId);
    });
    void cdp.send('ServiceWorker.enable');
  });

  down = false;
  await Promise.all([
    tab1.evaluate(() => window.dispatchEvent(new Event('online'))),
    tab2.evaluate(() => window.dispatchEvent(new Event('online'))),
    cdp.send('ServiceWorker.dispatchSyncEvent', {
      origin,
      registrationId,
      tag: 'singgah-outbox',
      lastChance: false,
    }),
  ]);

  await expect(tab1.getByTestId('sync-waiting').first()).toHaveAttribute('data-count', '0', { timeout: 20_000 });
  await expect(tab2.getByTestId('sync-waiting').first()).toHaveAttribute('data-count', '0', { timeout: 20_000 });
  expect(forwarded.size).toBe(expected);
  expect([...forwarded.values()].every((n) => n === 1)).toBe(true);
  expect(uploadRequests).toBeGreaterThanOrEqual(1);
  await expect(tab1.getByTestId('dead-letters').first()).toHaveAttribute('data-count', '0');
});
