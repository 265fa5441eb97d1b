/**
 * Family at the door: three people on one phone check in together with different outcomes. The phone's
 * clock is 50 hours ahead (Playwright's clock), so Andi's PCR from the demo (sampled 3 h before the server
 * started) is 53 h old: at the Kaltim governor's office Budi (2 doses, from Kaltim) is ALLOWED, Siti (1 dose) is
 * DENIED, Andi (a visitor from Jawa Tengah whose PCR is past 48 h) is DENIED for that reason. "Who is entering?"
 * starts with everyone who may enter ticked (the refused cannot be ticked); the group that checked in becomes the
 * default at the next venue, less anyone refused there.
 */
import { expect, test } from '../support/fixtures';

const HOUR_MS = 3_600_000;

test('a family of three: per-person decisions, a chosen group, remembered as the default', async ({ app, demo }) => {
  const { page } = app;
  await app.context.clock.install({ time: Date.now() + 50 * HOUR_MS });
  // The 50 hours passed for the server too (else the phone is rightly "50 hours ahead of the server").
  await app.shiftServerDate(50 * HOUR_MS);
  await app.open();
  for (const holder of ['Budi Santoso', 'Siti Rahayu', 'Andi Wijaya'])
    await app.importCertificates(demo.certificatesOf(holder).map((c) => c.url));
  const venue = (name: string) => demo.venues.find((v) => v.name === name)?.url ?? '';

  await page.goto(venue('Kantor Gubernur Kalimantan Timur'));
  const decision = (name: string) => page.getByTestId('decision').filter({ hasText: name });
  await expect(decision('Budi Santoso')).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(decision('Siti Rahayu')).toHaveAttribute('data-outcome', 'DENIED');
  await expect(decision('Siti Rahayu').locator('[data-reason="RULE_FAILED"]').first()).toContainText('hijau');
  await expect(decision('Andi Wijaya')).toHaveAttribute('data-outcome', 'DENIED');
  await expect(decision('Andi Wijaya').locator('[data-reason="RULE_FAILED"]')).toHaveText(/PCR negatif.*48 jam/);
  await expect(decision('Andi Wijaya')).toHaveAttribute('data-status', 'green');

  // First time: everyone who may enter is ticked — only Budi; the refused cannot be ticked at all. The picker
  // names each person with their outcome.
  const boxes = page.getByTestId('people-picker-person');
  await expect(boxes).toHaveCount(3);
  await expect(page.getByRole('checkbox', { name: /Budi Santoso/ })).toBeChecked();
  for (const refused of [/Siti Rahayu.*Tidak boleh masuk/, /Andi Wijaya/]) {
    await expect(page.getByRole('checkbox', { name: refused })).not.toBeChecked();
    await expect(page.getByRole('checkbox', { name: refused })).toBeDisabled();
  }
  await app.expectAxeClean('[data-testid="people-picker"]');

  // Nobody chosen: nothing to confirm.
  await page.getByRole('checkbox', { name: /Budi Santoso/ }).uncheck();
  await expect(page.getByTestId('people-picker-empty')).toBeVisible();
  await expect(page.getByTestId('checkin-confirm')).toBeDisabled();

  // Budi goes in (Siti and Andi wait outside).
  await page.getByRole('checkbox', { name: /Budi Santoso/ }).check();
  await app.checkIn();
  await app.goto('/history');
  // History says who went in, by name.
  await expect(page.getByTestId('history-people')).toHaveText('Siapa: Budi Santoso');
  await page.getByTestId('history-checkout').click();

  // Next venue, the mosque in Semarang: the remembered group (Budi) may not enter here, so everyone who may is
  // ticked instead (Siti and Andi); outcomes differ again.
  await page.goto(venue('Masjid Agung Jawa Tengah'));
  await expect(decision('Siti Rahayu')).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(decision('Budi Santoso')).toHaveAttribute('data-outcome', 'DENIED');
  await expect(page.getByRole('checkbox', { name: /Budi Santoso/ })).not.toBeChecked();
  await expect(page.getByRole('checkbox', { name: /Siti Rahayu/ })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: /Andi Wijaya/ })).toBeChecked();
});
