/**
 * Black status cannot be erased. Dewi's positive PCR moved to the recycle bin leaves her black, and the app says
 * why. And the health office can suspend a person's certificates for an isolation window (`singgah cert
 * suspend`): hashed certificate ids with an until-time in the signed bundle, so Andi's own phone and a guard
 * scanning his pass both show black — the guard without trusting anything on Andi's phone but the certificates.
 */
import { decodeCertificate } from '../../src/core/certificate';
import { expect, test } from '../support/fixtures';
import { readPassQr } from '../support/pass-qr';
import { writeQrSequenceY4m } from '../support/y4m';

// Its own server: the second test suspends certificates on it.
test.use({ camera: 'fake', serverOptions: { own: true } });

test.describe('positive test in the recycle bin', () => {
  test('Dewi stays black after her positive PCR goes to the recycle bin, and the app says why', async ({
    openApp,
    demo,
  }) => {
    const app = await openApp({ viewport: { width: 360, height: 640 } });
    const { page } = app;
    await app.open();
    await app.importCertificates(demo.certificatesOf('Dewi Lestari').map((c) => c.url));
    await app.goto('/pass');
    await expect(page.getByTestId('pass')).toHaveAttribute('data-status', 'black');

    await app.goto('/wallet');
    await page.getByTestId('wallet-cert-summary').click();
    await page.getByTestId('certificate-delete').click();
    await expect(page.getByTestId('wallet-cert')).toHaveCount(0);

    await app.goto('/pass');
    const pass = page.getByTestId('pass');
    await expect(pass).toHaveAttribute('data-status', 'black');
    await expect(page.getByTestId('pass-name')).toHaveText('Dewi Lestari');
    await expect(page.getByTestId('pass-held')).toContainText('tempat sampah');
    await app.expectAxeClean();
    // Restoring it changes nothing about the colour; the note goes.
    await app.goto('/wallet');
    await page
      .getByRole('button', { name: /Pulihkan/ })
      .first()
      .click();
    // The restore is an IndexedDB write: leaving the page before it lands would abort it.
    await expect(page.getByTestId('wallet-cert')).toHaveCount(1);
    await app.goto('/pass');
    await expect(pass).toHaveAttribute('data-status', 'black');
    await expect(page.getByTestId('pass-held')).toHaveCount(0);
  });
});

test('the health office suspends Andi: his phone and guard mode show black, with the reason', async ({
  openApp,
  demo,
  server,
}) => {
  test.setTimeout(180_000);
  const andi = demo.certificatesOf('Andi Wijaya');
  const ids = andi.map((c) => {
    const d = decodeCertificate(c.code);
    if (!d.ok) throw new Error(d.error.code);
    return d.value.certificate.id;
  });
  const out = await server.cli(['cert', 'suspend', ids.join(','), '--days', '10']);
  expect(out).toMatch(/Suspended 2 certificates until \d{4}-\d{2}-\d{2}T/);

  // Andi's phone: the rules carry the suspension; his status is black, and the reason is the health office's.
  const phone = await openApp({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2 });
  await phone.open();
  await phone.importCertificates(andi.map((c) => c.url));
  await phone.goto('/pass');
  await expect(phone.page.getByTestId('pass')).toHaveAttribute('data-status', 'black');
  await expect(phone.page.getByTestId('pass-suspended')).toContainText(
    /Ditangguhkan oleh dinas kesehatan sampai .*\d{4}/,
  );
  const code = await readPassQr(phone.page);
  await phone.context.close();

  // The guard (a phone that synced the same rules) reads Andi's pass at the governor's office.
  const guard = await openApp({ viewport: { width: 360, height: 640 } });
  writeQrSequenceY4m(guard.cameraFile, [code]);
  const { page } = guard;
  await guard.open();
  await guard.guardScan('gov', '64');
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-status', 'black', { timeout: 20_000 });
  await expect(result).toHaveAttribute('data-outcome', 'DENIED');
  await expect(result).toContainText(/Ditangguhkan oleh dinas kesehatan sampai/);
  await guard.expectAxeClean('[data-testid="verify-result"]');
});
