/**
 * Root rotation: an installed app (built pinning root 1) follows `singgah keys rotate-root` by
 * itself — at its next sync it walks root 1 → 2 from /v1/roots, fetches the bundle the new root signed and
 * keeps deciding. A forged root 3 (signed only by a fresh key) is refused: the app keeps root 2, shows the
 * translated rejection in settings, and still decides.
 *
 * Runs on a server of its own (the other specs keep root 1). The server restarts on the same port, so the page
 * keeps its origin and its IndexedDB.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { toBase64Url } from '../../src/core/bytes';
import { keyIdOf, keyPairFromSeed } from '../../src/core/ed25519';
import { signRoot } from '../../src/core/root';
import { id } from '../../src/ui/i18n/id';
import { expectAxeClean as expectAccessible, importCertificate } from '../support/app-page';
import { publishedBundle, repoPath, runCli } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

test.use({ serverOptions: { own: true } });

let dataDir: string;
let server: E2eServer;

test.beforeAll(({ server: worker }) => {
  server = worker;
  dataDir = worker.dataDir;
});

async function expectAllowed(page: Page, venueUrl: string) {
  await page.goto(venueUrl);
  const decision = page.getByTestId('decision');
  await expect(decision).toHaveCount(1);
  await expect(decision).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(decision).toHaveAttribute('data-status', 'green');
  await expect(page.getByTestId('clock-wrong')).toHaveCount(0);
}

test('an installed app follows a root rotation (1 → 2) by itself, refuses a forged root 3, and keeps deciding', async ({
  browser,
  demo,
}) => {
  const { office, budi } = demo;
  const firstVersion = publishedBundle(dataDir).version;

  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // 1. Fresh install pinned to root 1: bundle, Budi's certificate, a decision.
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', String(firstVersion));
  await importCertificate(page, budi.url);
  await expectAllowed(page, office.url);
  await page.goto(`${server.url}/settings`);
  await expect(page.getByTestId('settings-root-version')).toHaveText('1');

  // 2. The operator rotates the root while the server is down; the server comes back on the same port.
  await server.stop();
  const out = runCli(dataDir, ['keys', 'rotate-root']);
  expect(out).toMatch(/Root version 2\b/);
  const rotatedVersion = publishedBundle(dataDir).version;
  expect(rotatedVersion).toBe(firstVersion + 1);
  await server.start();
  const roots = (await (await fetch(`${server.url}/v1/roots`)).json()) as string[];
  expect(roots).toHaveLength(1);

  // 3. Reload: the app walks 1 → 2, fetches the bundle root 2 signed, and decides as before.
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', String(rotatedVersion));
  await page.goto(`${server.url}/settings`);
  await expect(page.getByTestId('settings-root-version')).toHaveText('2');
  await expect(page.getByTestId('settings-bundle-version')).toHaveText(String(rotatedVersion));
  await expect(page.getByTestId('roots-result')).toHaveCount(0);
  await expectAllowed(page, office.url);

  // 4. A forged root 3, signed only by a fresh key, appears on the server.
  const forger = keyPairFromSeed(new Uint8Array(randomBytes(32)));
  const forged = signRoot(
    {
      type: 'singgah-root',
      version: 3,
      issuedAt: Math.floor(Date.now() / 1000),
      threshold: 1,
      keys: [{ kid: keyIdOf(forger.publicKey), publicKey: toBase64Url(forger.publicKey) }],
    },
    [forger.secretKey],
  );
  writeFileSync(join(dataDir, 'published', 'roots', '3.json'), forged);
  expect((await (await fetch(`${server.url}/v1/roots`)).json()) as string[]).toHaveLength(2);

  // The next sync (start of the app) refuses it: root 2 stays, the reason is shown in the user's language.
  await page.goto(`${server.url}/settings`);
  const rejected = page.getByTestId('roots-result');
  await expect(rejected).toHaveAttribute('data-kind', 'rejected');
  await expect(rejected).toHaveAttribute('data-code', 'ROOT_SIGNATURE_INVALID');
  await expect(rejected).toContainText(id.error.ROOT_SIGNATURE_INVALID);
  await expect(page.getByTestId('settings-root-version')).toHaveText('2');
  await expect(page.getByTestId('settings-bundle-version')).toHaveText(String(rotatedVersion));
  // "Check for updates" gives the same answer.
  await page.getByRole('button', { name: id.settings.checkNow }).click();
  await expect(page.getByRole('button', { name: id.settings.checkNow })).toBeEnabled();
  await expect(rejected).toHaveAttribute('data-code', 'ROOT_SIGNATURE_INVALID');

  // …and the phone still decides with root 2's bundle.
  await expectAllowed(page, office.url);

  expect(errors).toEqual([]);
  await context.close();
});

test('a clock behind trusted time shows "clock wrong" with the expected time; rules needing a newer app show only "Update Singgah"', async ({
  browser,
  demo,
}) => {
  const { office } = demo;
  // A fresh install walks the published chain from root 1: remove the forged root left by the test above
  // (a broken link fails the whole walk, so a new phone would otherwise stay on root 1).
  rmSync(join(dataDir, 'published', 'roots', '3.json'), { force: true });
  const issuedAt = publishedBundle(dataDir).issuedAt;
  const before = Math.floor(Date.now() / 1000);

  // 1. The phone's clock is two days behind. Trusted time = the bundle's issuedAt, raised to the server's
  //    Date header of the verified pull (so it is "now" on the server, not the older issuedAt).
  const behind = await browser.newContext();
  await behind.clock.install({ time: new Date(Date.now() - 2 * 86_400_000) });
  const page = await behind.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await expect(page.getByTestId('clock-wrong')).toBeVisible();
  await page.goto(office.url);
  const banner = page.getByTestId('clock-wrong');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText(id.trust.clockWrongTitle);
  const expected = Number(await banner.getAttribute('data-expected'));
  expect(expected).toBeGreaterThanOrEqual(before - 1);
  expect(expected).toBeGreaterThan(issuedAt - 1);
  const decision = page.getByTestId('decision');
  await expect(decision).toHaveAttribute('data-outcome', 'CANNOT_VERIFY');
  await expect(decision.locator('[data-reason="CLOCK_BEHIND"]')).toHaveCount(1);
  await expect(page.getByTestId('checkin-bundle-age')).toHaveAttribute('data-version', /^\d+$/);
  await expectAccessible(page);
  await behind.close();

  // 2. The operator publishes rules that need Singgah 99.0.0 (bundle signing needs no database).
  const policy = JSON.parse(readFileSync(repoPath('server/demo/policy.json'), 'utf8'));
  policy.minAppVersion = '99.0.0';
  const file = join(dataDir, 'future-policy.json');
  writeFileSync(file, JSON.stringify(policy));
  runCli(dataDir, ['bundle', 'sign', file]);
  const futureVersion = publishedBundle(dataDir).version;

  const context = await browser.newContext();
  const updated = await context.newPage();
  updated.on('pageerror', (e) => errors.push(e.message));
  await updated.goto(`${server.url}/`);
  await expect(updated.getByTestId('bundle-status')).toHaveAttribute('data-version', String(futureVersion));
  await expect(updated.getByTestId('update-required-banner')).toBeVisible();
  await updated.goto(office.url);
  const gate = updated.getByTestId('update-required');
  await expect(gate).toBeVisible();
  await expect(gate).toContainText(id.trust.updateRequiredTitle);
  await expect(updated.getByTestId('update-required-version')).toHaveText('99.0.0');
  await expect(updated.getByTestId('update-running')).toHaveText(/^\d+\.\d+\.\d+$/);
  await expect(updated.getByTestId('decision')).toHaveCount(0);
  await expect(updated.getByTestId('checkin-confirm')).toHaveCount(0);
  await expectAccessible(updated);
  // No newer build exists on the server: the check says so instead of pretending.
  await updated.getByTestId('update-check').click();
  await expect(updated.getByTestId('update-none')).toBeVisible({ timeout: 20_000 });

  expect(errors).toEqual([]);
  await context.close();
});
