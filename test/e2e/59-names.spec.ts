/**
 * No jargon or codes: the wallet names the certificate's issuer (from the signed bundle), not "Penerbit (kunci
 * otoritas) 0ee6"; a holder's region is "Kota Semarang, Jawa Tengah", not "Jawa Tengah · 3374"; the check-in
 * screen names the category and the province; the guard's place says "Kantor pemerintah, Kalimantan Timur". The
 * names come from idn-area-data at build time (provinces with the app, regencies/cities in a lazy chunk).
 */

import { decodeCertificate } from '../../src/core/certificate';
import { expect, test } from '../support/fixtures';

test('issuer, region and category by name, never by code', async ({ openApp, demo }) => {
  const app = await openApp({ viewport: { width: 360, height: 640 } });
  const { page } = app;
  await app.open();
  const pcr = demo.certificates.find((c) => c.holder === 'Andi Wijaya' && c.kind === 'test');
  if (!pcr) throw new Error('no PCR in the demo');
  const decoded = decodeCertificate(pcr.code);
  if (!decoded.ok) throw new Error(decoded.error.code);
  const kid = decoded.value.certificate.kid;

  // The import screen, before saving: issuer by name, region by regency/city and province.
  await page.goto(pcr.url);
  const facts = page.locator('dl.facts');
  await expect(facts).toContainText('Kementerian Kesehatan RI');
  await expect(facts).toContainText('Kota Semarang, Jawa Tengah');
  await expect(facts).not.toContainText(kid);
  await expect(facts).not.toContainText('3374');
  await expect(facts).not.toContainText('kunci otoritas');
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  // The wallet's details: the same.
  await app.goto('/wallet');
  await page.getByTestId('wallet-cert-summary').click();
  const details = page.getByTestId('wallet-cert-details');
  await expect(details).toContainText('Kementerian Kesehatan RI');
  await expect(details).toContainText('Kota Semarang, Jawa Tengah');
  await expect(details).not.toContainText(kid);
  await app.expectAxeClean();

  // The check-in screen at the Kaltim office: the category's and the province's names.
  const office = demo.venues.find((v) => v.category === 'gov');
  await page.goto(office?.url ?? '');
  await expect(page.getByTestId('venue-category')).toHaveText('Kantor pemerintah');
  await expect(page.getByTestId('venue-region')).toHaveText(/^(Kota Samarinda, )?Kalimantan Timur$/);

  // Guard mode's place: names only.
  await app.goto('/verify');
  await page.getByLabel('Jenis tempat').selectOption('gov');
  await page.getByLabel('Wilayah tempat').selectOption('64');
  await expect(page.getByLabel('Wilayah tempat').locator('option:checked')).toHaveText('Kalimantan Timur');
  await page.getByTestId('verify-start').click();
  await expect(page.getByTestId('verify-venue')).toContainText('Kantor pemerintah, Kalimantan Timur');
  await expect(page.getByTestId('verify-venue')).not.toContainText('(64)');
});
