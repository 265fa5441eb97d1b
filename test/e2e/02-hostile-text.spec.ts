/**
 * Trust you can bet a door on: text inside a signed QR is the authority's, but a poster can be
 * printed by anyone who got a venue key, and names are typed by people. Every venue name, address and holder
 * name is rendered as text only, clamped so it cannot push the guard's view off screen; control and bidi
 * characters are refused by core at decode; oversized codes are refused before parsing; and the app loads
 * nothing from another origin.
 *
 * The hostile venue and certificate are signed with the real venue/certificate keys by the operator's CLI
 * (`venue register`, `cert issue`) on a private copy of the global-setup data dir; the ones the CLI must
 * refuse (control characters) are signed in this process with core's encoders and the same key files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from '@playwright/test';
import { type Certificate, encodeCertificate } from '../../src/core/certificate';
import { encodeVenue, type Venue } from '../../src/core/venue';
import { en } from '../../src/ui/i18n/en';
import { id } from '../../src/ui/i18n/id';
import {
  checkIn,
  chooseLanguage,
  expectAxeClean,
  importCertificate,
  openHome,
  pasteOnScanScreen,
} from '../support/app-page';
import { codeFromCliOutput, runCli, signingKey } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

const DAY = 86_400;
const pad = (s: string, n: number) => s + 'W'.repeat(n - s.length);

// Every string sits exactly at its schema limit (venue name/address 100, holder name 80 UTF-16 units).
const VENUE_NAME = pad('<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>&lt;b&gt;', 100);
const VENUE_ADDRESS = pad('"><svg onload="window.__pwned=1"><iframe src="javascript:window.__pwned=1">&amp;', 100);
const HOLDER_NAME = pad('<img src=x onerror="window.__pwned=1">&lt;i&gt;<b onmouseover=alert(1)>', 80);

/** Control and bidi characters core must refuse (Trojan Source: U+202E makes a name read backwards). */
const UNSAFE = [
  ['U+202E right-to-left override', '\u202e'],
  ['U+2067 right-to-left isolate', '\u2067'],
  ['U+001B escape', '\u001b'],
  ['U+0000 null', '\u0000'],
  ['U+0085 next line (C1)', '\u0085'],
  ['U+2060 word joiner (format)', '\u2060'],
  ['U+3164 Hangul filler', '\u3164'],
] as const;

let server: E2eServer;
const codes = {
  venue: '',
  certificate: '',
  /** Same key, same fields, clean name: proves the unsafe ones fail for their characters, not the signing. */
  cleanVenue: '',
  cleanCertificate: '',
  unsafeVenues: [] as { label: string; code: string }[],
  unsafeCertificates: [] as { label: string; code: string }[],
};

/** The hostile venue and certificates, signed on the spec's data dir before its server starts. */
function signHostile(dataDir: string) {
  expect(VENUE_NAME).toHaveLength(100);
  expect(VENUE_ADDRESS).toHaveLength(100);
  expect(HOLDER_NAME).toHaveLength(80);
  const now = Math.floor(Date.now() / 1000);
  const vaccinatedOn = new Date((now - 60 * DAY) * 1000).toISOString().slice(0, 10);

  // The operator's own tool accepts HTML in names: it is just text, and must be shown as such.
  codes.venue = codeFromCliOutput(
    runCli(dataDir, [
      'venue',
      'register',
      '--name',
      VENUE_NAME,
      '--address',
      VENUE_ADDRESS,
      '--category',
      'gov',
      '--region',
      '64',
      '--capacity',
      '50',
      '--stay',
      '60',
    ]),
    'v',
  );
  codes.certificate = codeFromCliOutput(
    runCli(dataDir, [
      'cert',
      'issue',
      'vaccination',
      '--name',
      HOLDER_NAME,
      '--birth-date',
      '1990-05-17',
      '--region',
      '6472',
      '--product',
      'Sinovac',
      '--dose',
      '2',
      '--doses',
      '2',
      '--date',
      vaccinatedOn,
    ]),
    'c',
  );

  // Signed in-process, bypassing any CLI validation: only core's decoder stands in the way.
  const venueKey = signingKey(dataDir, 'venue');
  const certKey = signingKey(dataDir, 'certificate');
  const venue = (name: string): Venue => ({
    id: 'HOSTILE-BIDI',
    name,
    address: 'Jl. Gajah Mada No. 2, Samarinda',
    category: 'gov',
    region: '64',
    capacity: 50,
    stayMinutes: 60,
    kid: venueKey.kid,
    issuedAt: now,
  });
  const certificate = (name: string): Certificate => ({
    kind: 'vaccination',
    id: 'HOSTILEBIDI0001',
    holder: { name, birthDate: '1990-05-17', region: '6472' },
    kid: certKey.kid,
    issuedAt: now,
    expiresAt: now + 365 * DAY,
    product: 'Sinovac',
    dose: 2,
    doses: 2,
    date: vaccinatedOn,
  });
  codes.cleanVenue = encodeVenue(venue('Kantor Camat Samarinda Kota'), venueKey.secretKey);
  codes.cleanCertificate = encodeCertificate(certificate('Siti Aminah'), certKey.secretKey);
  for (const [label, ch] of UNSAFE) {
    codes.unsafeVenues.push({ label, code: encodeVenue(venue(`Kantor ${ch}gnidliuB Camat`), venueKey.secretKey) });
    codes.unsafeCertificates.push({
      label,
      code: encodeCertificate(certificate(`Siti ${ch}animA`), certKey.secretKey),
    });
  }
}

test.use({ serverOptions: { prepare: signHostile } });

test.beforeAll(({ server: worker }) => {
  server = worker;
});

/** Everything a page does that must not happen: dialogs, uncaught errors, requests to another origin. */
interface Watch {
  readonly requests: string[];
  readonly dialogs: string[];
  readonly errors: string[];
}

async function openContext(browser: Browser, viewport = { width: 360, height: 640 }) {
  const context = await browser.newContext({ viewport });
  const watch: Watch = { requests: [], dialogs: [], errors: [] };
  // Context-wide, so requests made by the service worker are seen too.
  context.on('request', (r) => watch.requests.push(r.url()));
  const page = await context.newPage();
  page.on('dialog', (d) => {
    watch.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => watch.errors.push(e.message));
  return { context, page, watch };
}

/** Nothing executed, nothing injected, nothing fetched from elsewhere. */
async function expectNothingRan(page: Page, watch: Watch) {
  expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  const injected = await page.evaluate(
    () =>
      document.querySelectorAll(
        // Anything the hostile strings would create if parsed as HTML, anywhere in the document.
        'img[src="x"], svg[onload], [onerror], [onload], [onmouseover], iframe, #app script',
      ).length,
  );
  expect(injected).toBe(0);
  expect(watch.dialogs).toEqual([]);
  expect(watch.errors).toEqual([]);
  const origin = new URL(server.url).origin;
  const foreign = watch.requests.filter(
    (u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin,
  );
  expect(foreign).toEqual([]);
}

async function expectNoHorizontalOverflow(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

async function measure(el: Locator) {
  return el.evaluate((node) => {
    const cs = getComputedStyle(node);
    const box = node.getBoundingClientRect();
    return {
      lineClamp: cs.getPropertyValue('-webkit-line-clamp'),
      overflowX: cs.overflowX,
      overflowY: cs.overflowY,
      textOverflow: cs.textOverflow,
      whiteSpace: cs.whiteSpace,
      lineHeight: Number.parseFloat(cs.lineHeight),
      clientHeight: node.clientHeight,
      scrollHeight: node.scrollHeight,
      clientWidth: node.clientWidth,
      scrollWidth: node.scrollWidth,
      left: box.left,
      right: box.right,
      viewport: document.documentElement.clientWidth,
    };
  });
}

/** `.truncate-lines`: at most three lines shown, the rest cut off, never wider than the screen. */
async function expectClampedToLines(el: Locator) {
  const m = await measure(el);
  expect(m.lineClamp).toBe('3');
  expect(m.overflowY).toBe('hidden');
  expect(m.scrollHeight, 'the text is longer than what is shown').toBeGreaterThan(m.clientHeight);
  expect(m.clientHeight).toBeLessThanOrEqual(Math.ceil(3 * m.lineHeight) + 1);
  expect(m.left).toBeGreaterThanOrEqual(0);
  expect(m.right).toBeLessThanOrEqual(m.viewport);
}

/** One line with an ellipsis (a person's name on a decision card). */
async function expectEllipsis(el: Locator) {
  const m = await measure(el);
  expect(m.textOverflow).toBe('ellipsis');
  expect(m.whiteSpace).toBe('nowrap');
  expect(m.overflowX).toBe('hidden');
  expect(m.scrollWidth, 'the text is wider than what is shown').toBeGreaterThan(m.clientWidth);
  expect(m.right).toBeLessThanOrEqual(m.viewport);
}

async function openWithRules(page: Page) {
  await openHome(page, `${server.url}/`);
}

test('venue and holder names carrying HTML and script show as literal text, run nothing, and stay clamped at 360 px', async ({
  browser,
}) => {
  const { context, page, watch } = await openContext(browser);
  await openWithRules(page);

  // Import: the holder's name is the heading, verbatim.
  await page.goto(`${server.url}/c#${codes.certificate}`);
  const holder = page.getByTestId('certificate-holder');
  await expect(holder).toHaveText(HOLDER_NAME);
  expect(await holder.textContent()).toContain('<img src=x onerror=');
  expect(await holder.textContent()).toContain('&lt;i&gt;'); // entities are not decoded either
  await expectClampedToLines(holder);
  await expectNoHorizontalOverflow(page);
  await expectNothingRan(page, watch);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  // Check-in: venue name, address and the person's name on the decision.
  await page.goto(`${server.url}/v#${codes.venue}`);
  const name = page.getByTestId('venue-name');
  await expect(name).toHaveText(VENUE_NAME);
  expect(await name.textContent()).toContain('<img src=x onerror="window.__pwned=1">');
  expect(await name.textContent()).toContain('<script>window.__pwned=1</script>&lt;b&gt;');
  await expect(page.getByText(VENUE_ADDRESS, { exact: true })).toHaveCount(1);
  await expect(page.getByTestId('decision')).toHaveCount(1);
  const decisionName = page.getByTestId('decision').locator('.decision__name');
  await expect(decisionName).toHaveText(HOLDER_NAME);
  await expectClampedToLines(name);
  await expectClampedToLines(page.getByText(VENUE_ADDRESS, { exact: true }));
  await expectEllipsis(decisionName);
  await expectNoHorizontalOverflow(page);
  await expectNothingRan(page, watch);
  await checkIn(page);

  // History: the stored venue name (the store keeps the verbatim code, the UI its text).
  await page.goto(`${server.url}/history`);
  const item = page.getByTestId('history-item');
  await expect(item).toHaveCount(1);
  const historyName = item.locator('.venue-name');
  await expect(historyName).toHaveText(VENUE_NAME);
  await expectClampedToLines(historyName);
  await expectNoHorizontalOverflow(page);
  await expectNothingRan(page, watch);

  // Home: the open visit and the person.
  await page.goto(`${server.url}/`);
  const active = page.locator('.list__item .venue-name');
  await expect(active).toHaveText(VENUE_NAME);
  await expectClampedToLines(active);
  const person = page.getByTestId('person').locator('.person__name');
  await expect(person).toHaveText(HOLDER_NAME);
  await expectClampedToLines(person);
  await expectNoHorizontalOverflow(page);
  await expectNothingRan(page, watch);
  await context.close();
});

test('the check-in screen with hostile text passes axe', async ({ browser }) => {
  const { context, page, watch } = await openContext(browser);
  await openWithRules(page);
  await importCertificate(page, `${server.url}/c#${codes.certificate}`);
  await page.goto(`${server.url}/v#${codes.venue}`);
  await expect(page.getByTestId('venue-name')).toHaveText(VENUE_NAME);
  await expect(page.getByTestId('decision')).toHaveCount(1);
  await expectAxeClean(page);
  await expectNothingRan(page, watch);
  await context.close();
});

test('control and bidi-override characters in a venue or holder name are refused with a translated error', async ({
  browser,
}) => {
  const { context, page, watch } = await openContext(browser);
  await openWithRules(page);

  // The same key and fields with a clean name verify and are decided (a phone without certificates is refused at
  // an office, so no check-in is offered — but the venue and the decision are there) / offer import.
  await page.goto(`${server.url}/v#${codes.cleanVenue}`);
  await expect(page.getByTestId('venue-name')).toHaveText('Kantor Camat Samarinda Kota');
  await expect(page.getByTestId('decision')).toHaveCount(1);
  await page.goto(`${server.url}/c#${codes.cleanCertificate}`);
  await expect(page.getByTestId('certificate-holder')).toHaveText('Siti Aminah');
  await expect(page.getByTestId('import-confirm')).toBeVisible();

  for (const { label, code } of codes.unsafeVenues) {
    await test.step(`venue name with ${label}`, async () => {
      // Through "/" so each code gets a fresh document (a hash-only change would keep the old screen).
      await page.goto(`${server.url}/`);
      await page.goto(`${server.url}/v#${code}`);
      const error = page.getByTestId('venue-error');
      await expect(error).toHaveAttribute('data-code', 'TEXT_CHARACTER_REFUSED');
      await expect(error).toHaveText(id.error.TEXT_CHARACTER_REFUSED);
      await expect(page.getByTestId('checkin-confirm')).toHaveCount(0);
      await expect(page.getByTestId('venue-name')).toHaveCount(0);
      await expect(page.getByTestId('decision')).toHaveCount(0);
    });
  }
  for (const { label, code } of codes.unsafeCertificates) {
    await test.step(`holder name with ${label}`, async () => {
      await page.goto(`${server.url}/`);
      await page.goto(`${server.url}/c#${code}`);
      const error = page.getByTestId('import-error');
      await expect(error).toHaveAttribute('data-code', 'TEXT_CHARACTER_REFUSED');
      await expect(error).toContainText(id.import.invalid);
      await expect(error).toContainText(id.error.TEXT_CHARACTER_REFUSED);
      await expect(page.getByTestId('import-confirm')).toHaveCount(0);
      await expect(page.getByTestId('certificate-holder')).toHaveCount(0);
    });
  }

  // The same refusal in English.
  await chooseLanguage(page, 'en');
  await expect(page.getByTestId('import-error')).toContainText(en.error.TEXT_CHARACTER_REFUSED);
  await expect(page.getByTestId('import-error')).toContainText(en.import.invalid);
  await page.goto(`${server.url}/`);
  await page.goto(`${server.url}/v#${codes.unsafeVenues[0].code}`);
  await expect(page.getByTestId('venue-error')).toHaveText(en.error.TEXT_CHARACTER_REFUSED);
  await expect(page.getByTestId('checkin-confirm')).toHaveCount(0);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expectNothingRan(page, watch);
  await context.close();
});

test('a 5,000-digit QR text is refused as too large at once, without hanging', async ({ browser }) => {
  const { context, page, watch } = await openContext(browser);
  await openWithRules(page);
  const digits = '7'.repeat(5_000);
  const fast = { timeout: 3_000 };

  const started = Date.now();
  await page.goto(`${server.url}/v#${digits}`);
  await expect(page.getByTestId('venue-error')).toHaveAttribute('data-code', 'INPUT_TOO_LARGE', fast);
  await expect(page.getByTestId('venue-error')).toHaveText(id.error.INPUT_TOO_LARGE);
  await expect(page.getByTestId('checkin-confirm')).toHaveCount(0);

  await page.goto(`${server.url}/`);
  await page.goto(`${server.url}/c#${digits}`);
  await expect(page.getByTestId('import-error')).toHaveAttribute('data-code', 'INPUT_TOO_LARGE', fast);
  await expect(page.getByTestId('import-error')).toContainText(id.error.INPUT_TOO_LARGE);

  // The same text typed or pasted into the scan screen (what a camera would hand over).
  await page.goto(`${server.url}/scan`);
  await pasteOnScanScreen(page, `HTTPS://SINGGAH.ID/V#${digits}`);
  const scanError = page.getByTestId('scan-error');
  await expect(scanError).toHaveAttribute('data-code', 'INPUT_TOO_LARGE', fast);
  await expect(scanError).toContainText(id.error.INPUT_TOO_LARGE);
  // The preview of what was read is short, not the whole 5,000 characters.
  expect((await scanError.textContent())?.length ?? 0).toBeLessThan(300);
  await chooseLanguage(page, 'en');
  await expect(scanError).toContainText(en.error.INPUT_TOO_LARGE);

  // Still responsive, and all of it well inside a few seconds.
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
  expect(Date.now() - started).toBeLessThan(15_000);
  await expectNoHorizontalOverflow(page);
  await expectNothingRan(page, watch);
  await context.close();
});

test('no external script: the app loads only from its own origin and its CSP forbids inline script and eval', async ({
  browser,
}) => {
  const { dist } = server;

  // Statically: the built HTML only references same-origin scripts, with no inline bodies…
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attrs, body] of scripts) {
    const src = /\bsrc\s*=\s*"([^"]*)"/i.exec(attrs)?.[1];
    expect(src, `<script${attrs}> has a src`).toBeDefined();
    expect(src).toMatch(/^\/(?!\/)/); // a path on this origin: not http(s):, not protocol-relative //host
    expect(body.trim()).toBe('');
  }
  expect(html).not.toMatch(/\b(?:src|href)\s*=\s*"(?:https?:)?\/\//i);
  // …and no built JS pulls code from elsewhere at run time.
  const jsFiles = [
    ...readdirSync(join(dist, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => join(dist, 'assets', f)),
    join(dist, 'sw.js'),
  ];
  for (const file of jsFiles) {
    const js = readFileSync(file, 'utf8');
    expect(js, file).not.toMatch(/\bimport\(\s*["'`]https?:/);
    expect(js, file).not.toMatch(/\bimportScripts\(\s*["'`]https?:/);
  }

  // In the browser: the document's CSP header, and every request of a full visit stays on this origin.
  const { context, page, watch } = await openContext(browser);
  const response = await page.goto(`${server.url}/`);
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  // 'wasm-unsafe-eval' (compiling the photo fallback's WebAssembly) is allowed; eval of strings is not.
  expect(csp).not.toContain("'unsafe-eval'");
  expect(csp).toContain("object-src 'none'");
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await importCertificate(page, `${server.url}/c#${codes.certificate}`);
  await checkIn(page, `${server.url}/v#${codes.venue}`);
  for (const path of ['/history', '/settings', '/scan']) await page.goto(`${server.url}${path}`);
  await expect(page.getByTestId('paste-input')).toBeVisible();
  // The document scripts the page actually runs, as the browser sees them.
  const live = await page.evaluate(() =>
    Array.from(document.scripts).map((s) => ({ src: s.src, inline: s.src === '' && s.text.trim() !== '' })),
  );
  for (const s of live) {
    expect(s.inline).toBe(false);
    expect(new URL(s.src).origin).toBe(new URL(server.url).origin);
  }
  expect(watch.requests.length).toBeGreaterThan(3);
  await expectNothingRan(page, watch);
  await context.close();
});
