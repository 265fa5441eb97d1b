/**
 * Wallet: people → their certificates → details (issuer, dates, doses, test type, result and sample
 * time, validity) with core's verification state — verified; invalid with the translated reason once a
 * certificate expired; not verifiable yet on a phone without rules. Import by pasted link; delete to the
 * recycle bin and restore.
 */
import { decodeCertificate } from '../../src/core/certificate';
import { id } from '../../src/ui/i18n/id';
import { type Demo, expect, test } from '../support/fixtures';

const certOf = (demo: Demo, holder: string, kind: string) => {
  const c = demo.certificatesOf(holder).find((x) => x.kind === kind);
  if (!c) throw new Error(`no ${kind} certificate of ${holder}`);
  return c;
};

test('people, certificates, details, verification; paste a link; recycle bin; expiry', async ({ openApp, demo }) => {
  const certsOf = (holder: string) => demo.certificatesOf(holder);
  const app = await openApp({ viewport: { width: 360, height: 640 } });
  const { page, context } = app;
  await context.clock.install();
  await app.open();
  await app.importCertificates([
    certOf(demo, 'Budi Santoso', 'vaccination').url,
    ...certsOf('Andi Wijaya').map((c) => c.url),
  ]);

  await page.getByRole('link', { name: 'Dompet' }).click();
  await expect(page).toHaveURL(/\/wallet$/);
  const people = page.getByTestId('wallet-person');
  await expect(people).toHaveCount(2);
  const andi = people.filter({ hasText: 'Andi Wijaya' });
  await expect(andi.getByTestId('wallet-cert')).toHaveCount(2);

  // The PCR: type, result, sample time, issuer, validity; signature valid (neutral icon + word).
  const pcr = andi.locator('[data-testid="wallet-cert"][data-kind="test"]');
  await expect(pcr).toHaveAttribute('data-state', 'verified');
  await expect(pcr.getByTestId('wallet-verification')).toHaveText('Tanda tangan sah');
  await expect(pcr.getByTestId('wallet-cert-details')).toBeHidden();
  await pcr.getByTestId('wallet-cert-summary').click();
  const details = pcr.getByTestId('wallet-cert-details');
  await expect(details).toBeVisible();
  const pcrCert = decodeCertificate(certOf(demo, 'Andi Wijaya', 'test').url.split('#')[1] ?? '');
  if (!pcrCert.ok) throw new Error(pcrCert.error.code);
  // The issuer by the name the signed rules give its key, not the key id.
  for (const text of ['PCR', 'Negatif', 'Waktu pengambilan sampel', 'Berlaku sampai', 'Kementerian Kesehatan RI'])
    await expect(details).toContainText(text);
  // The vaccination: doses in the summary line.
  await expect(andi.locator('[data-kind="vaccination"] summary')).toContainText('Dosis 2 dari 2');
  await app.expectAxeClean();

  // Delete → recycle bin; restore → back.
  await details.getByTestId('certificate-delete').click();
  await expect(andi.getByTestId('wallet-cert')).toHaveCount(1);
  const bin = page.getByTestId('recycle-bin-item');
  await expect(bin).toHaveCount(1);
  await expect(bin).toContainText('Andi Wijaya');
  await bin.getByTestId('certificate-restore').click();
  await expect(bin).toHaveCount(0);
  await expect(andi.getByTestId('wallet-cert')).toHaveCount(2);

  // Import by a pasted link: a venue link is refused in words, a certificate link opens the import screen.
  const input = page.getByLabel('Atau tempel tautan sertifikat (…/c#…)');
  await input.fill(demo.venues[0]?.url ?? '');
  await page.getByTestId('wallet-paste-open').click();
  await expect(page.getByTestId('wallet-paste-error')).toHaveText(id.walletScreen.notCertificate);
  await input.fill('https://example.com/not-ours');
  await page.getByTestId('wallet-paste-open').click();
  await expect(page.getByTestId('wallet-paste-error')).not.toHaveText(id.walletScreen.notCertificate);
  await input.fill(certOf(demo, 'Siti Rahayu', 'vaccination').url);
  await page.getByTestId('wallet-paste-open').click();
  await expect(page).toHaveURL(/\/c#\d+$/);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  await app.goto('/wallet');
  await expect(people).toHaveCount(3);

  // Past the PCR's expiry (the phone's clock 4 days on): invalid, with the translated reason; the vaccination stays verified.
  await page.clock.setSystemTime((pcrCert.value.certificate.expiresAt + 3600) * 1000);
  await page.reload();
  await expect(pcr).toHaveAttribute('data-state', 'invalid');
  await expect(pcr.getByTestId('wallet-verification')).toHaveText(`Tidak sah — ${id.error.CERTIFICATE_EXPIRED}`);
  await expect(andi.locator('[data-kind="vaccination"]')).toHaveAttribute('data-state', 'verified');
});

test('without rules on the phone, a saved certificate is "not verifiable yet"', async ({ openApp, demo }) => {
  // No rules can arrive: every API request fails (and no service worker fetches behind the route).
  const app = await openApp({ serviceWorkers: 'block' });
  const { page } = app;
  await app.context.route('**/v1/**', (route) => route.abort());
  await app.importCertificate(certOf(demo, 'Budi Santoso', 'vaccination').url);
  await app.goto('/wallet');
  const cert = page.getByTestId('wallet-cert');
  await expect(cert).toHaveAttribute('data-state', 'unverifiable');
  await expect(cert.getByTestId('wallet-verification')).toHaveText('Belum dapat diverifikasi');
  await app.switchLanguage('en');
  await expect(cert.getByTestId('wallet-verification')).toHaveText('Not verifiable yet');
});
