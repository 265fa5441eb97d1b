/**
 * A revoked EU DCC in the browser: the wallet holds a valid PeduliLindungi-style DCC that, joined to the
 * holder's Singgah first dose, lets her into the governor's office; the health office revokes it
 * (`singgah dcc revoke --uci`, EU revocation scheme, in the next signed bundle); after the phone syncs, the
 * wallet shows it refused with the reason in words (Bahasa Indonesia and English), and it no longer counts
 * at the door. axe on the wallet in both languages.
 */
import { inspectDcc } from '../../src/core/dcc';
import { en } from '../../src/ui/i18n/en';
import { id } from '../../src/ui/i18n/id';
import type { AppPage } from '../support/app-page';
import { publishedBundle, runCli } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';

let dccText: string;
let singgahLink: string;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** demo-init (global setup) made the authority a DCC issuer (ID), trusted in the bundle. */
function issueCertificates(dataDir: string) {
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
}

// The spec revokes a DCC in the authority's data: a server of its own.
test.use({ camera: 'fake', serverOptions: { prepare: issueCertificates } });

async function decideAtOffice(app: AppPage, officeQr: string, outcome: string, status: string) {
  const decision = await app.scanVenue(officeQr);
  await expect(decision).toHaveAttribute('data-outcome', outcome);
  await expect(decision).toHaveAttribute('data-status', status);
}

test('a DCC revoked by the health office turns refused after sync, says why, and no longer counts at the door', async ({
  app,
  demo,
  server,
}) => {
  test.setTimeout(180_000);
  const { page } = app;
  expect(dccText).toMatch(/^HC1:/);
  await app.open();
  await app.importCertificate(singgahLink.replace(/^https?:\/\/[^/]+/, server.url));
  await app.showToCamera(dccText);
  await app.goto('/');
  await app.openScanner();
  await expect(page.getByTestId('dcc-verification')).toHaveAttribute('data-state', 'verified', { timeout: 20_000 });
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  // Valid: with the Singgah first dose it makes the full series, and the office lets her in.
  const dcc = page.locator('[data-testid="wallet-cert"][data-format="eu-dcc"]');
  await app.goto('/wallet');
  await expect(dcc).toHaveAttribute('data-state', 'verified');
  await decideAtOffice(app, demo.office.qrText, 'ALLOWED', 'green');

  // The health office revokes it by its UCI (the CLI needs no database: the running server serves the new bundle).
  const before = publishedBundle(server.dataDir).version;
  const uci = (inspectDcc(dccText, { at: Date.now() / 1000, signers: [] }).payload as { v: { ci: string }[] }).v[0].ci;
  expect(runCli(server.dataDir, ['dcc', 'revoke', '--uci', uci, '--reason', 'issued in error'])).toContain(
    'Revoked: UCI',
  );
  const revoked = publishedBundle(server.dataDir).version;
  expect(revoked).toBe(before + 1);

  await app.goto('/settings');
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('settings-bundle-version')).toHaveText(String(revoked), { timeout: 20_000 });

  await app.goto('/wallet');
  await expect(dcc).toHaveAttribute('data-state', 'invalid');
  const badge = dcc.getByTestId('dcc-verification');
  await expect(badge).toContainText(`${id.walletScreen.invalid} — ${id.error.CERTIFICATE_REVOKED}`);
  await dcc.getByTestId('wallet-cert-summary').click();
  await expect(dcc.getByTestId('wallet-cert-details')).toContainText(id.dcc.notCounted);
  await app.expectAxeClean();

  await app.switchLanguage('en');
  await expect(badge).toContainText(`${en.walletScreen.invalid} — ${en.error.CERTIFICATE_REVOKED}`);
  await expect(dcc.getByTestId('wallet-cert-details')).toContainText(en.dcc.notCounted);
  await app.expectAxeClean();

  // At the door only the Singgah first dose counts now: one dose of two, and the office wants the full series.
  await decideAtOffice(app, demo.office.qrText, 'DENIED', 'yellow');
  expect(app.errors).toEqual([]);
});
