/**
 * Stale rules: a phone that has been offline past the bundle's expiry + stale grace must not say
 * "allowed" — it says CANNOT_VERIFY with "rules too old — connect to update" and shows how old its rules
 * are. When the network comes back the app fetches the operator's new rules by itself (the `online`
 * trigger) and the same screen turns into a real decision.
 *
 * Time: Playwright's clock runs from the real "now" in the page; the jump forward is done with
 * `clock.setSystemTime` (time moves on from there, timers are not fired in a burst). The server and the
 * CLI use real time, so the operator's bundles are signed "now" as they would be.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { en } from '../../src/ui/i18n/en';
import { id } from '../../src/ui/i18n/id';
import { chooseLanguage, importCertificate, shiftServerDate, waitForServiceWorker } from '../support/app-page';
import { publishedBundle, repoPath, runCli } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

let shortVersion: number;

/** Before the server starts: the published rules are short-lived. */
function signShortRules(dataDir: string) {
  // A short-lived bundle: valid for 1 day, then 1 hour of grace. Signed as the next version.
  const policy = JSON.parse(readFileSync(repoPath('server/demo/policy.json'), 'utf8'));
  policy.validityDays = 1;
  policy.policy.staleGraceSeconds = 3_600;
  const file = join(dataDir, 'short-policy.json');
  writeFileSync(file, JSON.stringify(policy, null, 2));
  const before = publishedBundle(dataDir).version;
  runCli(dataDir, ['bundle', 'sign', file]);
  const short = publishedBundle(dataDir);
  shortVersion = short.version;
  expect(shortVersion).toBeGreaterThan(before);
  expect(short.expiresAt - short.issuedAt).toBe(86_400);
}

test.use({ serverOptions: { prepare: signShortRules } });

test('rules past expiry + grace decide CANNOT_VERIFY offline with their age shown; back online the app fetches new rules by itself and decides ALLOWED', async ({
  browser,
  demo,
  server,
}) => {
  const { office, budi } = demo;

  const context = await browser.newContext();
  await context.clock.install({ time: new Date() });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // 1. Online: the app stores the short-lived bundle; Budi's certificate is imported; the office admits him.
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', String(shortVersion));
  await waitForServiceWorker(page);
  await importCertificate(page, budi.url);
  await page.goto(office.url);
  const decision = page.getByTestId('decision');
  await expect(decision).toHaveCount(1);
  await expect(decision).toHaveAttribute('data-outcome', 'ALLOWED');

  // 2. Offline for 1 day + 2 hours: past expiresAt (1 day) + stale grace (1 hour).
  await server.stop();
  await context.setOffline(true);
  await context.clock.setSystemTime(Date.now() + DAY_MS + 2 * HOUR_MS);
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('scan-button')).toBeVisible();
  await page.goto(office.url);
  await expect(decision).toHaveCount(1);
  await expect(decision).toHaveAttribute('data-outcome', 'CANNOT_VERIFY');
  await expect(decision).not.toHaveAttribute('data-status', /./);
  const stale = decision.locator('[data-reason="BUNDLE_STALE"]');
  await expect(stale).toHaveText(id.reason.BUNDLE_STALE);
  await expect(decision.locator('[data-reason]')).toHaveCount(1);
  // The rules' age, on the same screen as the decision: issued 1 day ago, and expired.
  const age = page.getByTestId('checkin-bundle-age');
  await expect(age).toHaveAttribute('data-version', String(shortVersion));
  await expect(age).toContainText(id.bundle.issued.replace('{age}', '1 hari yang lalu'));
  await expect(age).toContainText(id.bundle.expired);
  await chooseLanguage(page, 'en');
  await expect(stale).toHaveText(en.reason.BUNDLE_STALE);
  await expect(age).toContainText(en.bundle.issued.replace('{age}', '1 day ago'));
  await expect(age).toContainText(en.bundle.expired);

  // 3. Meanwhile the operator signs normal rules again (30 days from real now, which covers the moved clock).
  runCli(server.dataDir, ['bundle', 'sign', repoPath('server/demo/policy.json')]);
  const fresh = publishedBundle(server.dataDir);
  expect(fresh.version).toBeGreaterThan(shortVersion);
  expect(fresh.expiresAt * 1000).toBeGreaterThan(Date.now() + 2 * DAY_MS);
  await server.start();

  // 4. Back online, no reload: the `online` event pulls the new bundle and the same screen decides again.
  // The server's `Date` is moved with the page's clock: the phone compares the two, and a server a day behind
  // would rightly be "your clock is ahead" (60-clock-advice) — here the day really passed.
  await shiftServerDate(context, DAY_MS + 2 * HOUR_MS);
  await context.setOffline(false);
  await expect(age).toHaveAttribute('data-version', String(fresh.version));
  await expect(decision).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(decision).toHaveAttribute('data-status', 'green');
  await expect(decision.locator('[data-reason="BUNDLE_STALE"]')).toHaveCount(0);
  await expect(age).not.toContainText(en.bundle.expired);
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled();

  // Settings and home show the new version too.
  await page.getByRole('link', { name: en.nav.settings }).click();
  await expect(page.getByTestId('settings-bundle-version')).toHaveText(String(fresh.version));
  await page.getByRole('link', { name: en.nav.home }).click();
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', String(fresh.version));

  expect(errors).toEqual([]);
  await context.close();
});
