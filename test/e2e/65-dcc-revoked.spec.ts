/**
 * A revoked EU DCC in the browser: the wallet holds a valid PeduliLindungi-style DCC that, joined to the
 * holder's Singgah first dose, lets her into the governor's office; the health office revokes it
 * (`singgah dcc revoke --uci`, EU revocation scheme, in the next signed bundle); after the phone syncs, the
 * wallet shows it refused with the reason in words (Bahasa Indonesia and English), and it no longer counts
 * at the door. axe on the wallet in both languages.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { inspectDcc } from '../../src/core/dcc';
import { en } from '../../src/ui/i18n/en';
import { id } from '../../src/ui/i18n/id';
import { chooseLanguage } from '../support/app-page';
import { copyDataDir, publishedBundle, runCli } from '../support/e2e-data';
import { openApp, openScanEnv, openScanner, type ScanEnv, videoTrackStates } from '../support/scan-e2e';
import { writeQrY4m } from '../support/y4m';

let env: ScanEnv;
let dataDir: string;
let dccText: string;
let singgahLink: string;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

test.beforeAll(async () => {
  // Two CLI runs that each open the database, then a server start: more than a minute on a busy machine.
  test.setTimeout(180_000);
  // demo-init (global setup) made the authority a DCC issuer (ID), trusted in the bundle.
  dataDir = copyDataDir('dcc-revoked');
  const singgah = runCli(dataDir, [
    ...['cert', 'issue', 'vaccination', '--name', 'Sari Lestari', '--birth-date', '1988-07-21', '--region', '6472'],
    ...['--product', 'Sinovac', '--dose', '1', '--doses', '2', '--date', day(-150)],
  ]);
  singgahLink = /https?:\/\/\S+\/c#\d+/.exec(singgah)?.[0] ?? '';
  const dcc = runCli(dataDir, [
    ...['cert', 'issue', 'vaccination', '--format', 'eu-dcc', '--name', 'Lestari', '--given-name', 'Sari'],
    ...['--birth-date', '1988-07-21', '--product', 'EU/1/20/1528', '--manufacturer', 'ORG-100030215'],
    ...['--dose', '2', '--doses', '2', '--date', day(-90)],
  ]);
  dccText = dcc.split('\n').find((l) => l.startsWith('HC1:')) ?? '';
  expect(dccText).toMatch(/^HC1:/);
  env = await openScanEnv('fake', dataDir);
  singgahLink = singgahLink.replace(/^https?:\/\/[^/]+/, env.server.url);
});
test.afterAll(async () => {
  await env?.close();
});

async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

async function decideAtOffice(page: Page, outcome: string, status: string) {
  await expect.poll(() => videoTrackStates(page), { timeout: 15_000 }).not.toContain('live');
  writeQrY4m(env.y4m, env.officeQr);
  await page.goto(`${env.server.url}/`);
  await openScanner(page);
  await expect(page).toHaveURL(/\/v#\d+$/, { timeout: 20_000 });
  const decision = page.getByTestId('decision');
  await expect(decision).toHaveAttribute('data-outcome', outcome);
  await expect(decision).toHaveAttribute('data-status', status);
}

test('a DCC revoked by the health office turns refused after sync, says why, and no longer counts at the door', async () => {
  test.setTimeout(180_000);
  const { context, page, errors } = await openApp(env);
  await page.goto(singgahLink);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  writeQrY4m(env.y4m, dccText);
  await page.goto(`${env.server.url}/`);
  await openScanner(page);
  await expect(page.getByTestId('dcc-verification')).toHaveAttribute('data-state', 'verified', { timeout: 20_000 });
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  // Valid: with the Singgah first dose it makes the full series, and the office lets her in.
  const dcc = page.locator('[data-testid="wallet-cert"][data-format="eu-dcc"]');
  await page.goto(`${env.server.url}/wallet`);
  await expect(dcc).toHaveAttribute('data-state', 'verified');
  await decideAtOffice(page, 'ALLOWED', 'green');

  // The health office revokes it by its UCI (the CLI needs no database: the running server serves the new bundle).
  const before = publishedBundle(dataDir).version;
  const uci = (inspectDcc(dccText, { at: Date.now() / 1000, signers: [] }).payload as { v: { ci: string }[] }).v[0].ci;
  expect(runCli(dataDir, ['dcc', 'revoke', '--uci', uci, '--reason', 'issued in error'])).toContain('Revoked: UCI');
  const revoked = publishedBundle(dataDir).version;
  expect(revoked).toBe(before + 1);

  await page.goto(`${env.server.url}/settings`);
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('settings-bundle-version')).toHaveText(String(revoked), { timeout: 20_000 });

  await page.goto(`${env.server.url}/wallet`);
  await expect(dcc).toHaveAttribute('data-state', 'invalid');
  const badge = dcc.getByTestId('dcc-verification');
  await expect(badge).toContainText(`${id.walletScreen.invalid} — ${id.error.CERTIFICATE_REVOKED}`);
  await dcc.getByTestId('wallet-cert-summary').click();
  await expect(dcc.getByTestId('wallet-cert-details')).toContainText(id.dcc.notCounted);
  await expectAccessible(page);

  await chooseLanguage(page, 'en');
  await expect(badge).toContainText(`${en.walletScreen.invalid} — ${en.error.CERTIFICATE_REVOKED}`);
  await expect(dcc.getByTestId('wallet-cert-details')).toContainText(en.dcc.notCounted);
  await expectAccessible(page);

  // At the door only the Singgah first dose counts now: one dose of two, and the office wants the full series.
  await decideAtOffice(page, 'DENIED', 'yellow');
  expect(errors).toEqual([]);
  await context.close();
});
