/**
 * Every screen of the app, with a URL to open it and how to tell it has finished loading — shared by the
 * accessibility spec (test/e2e/40-accessibility.spec.ts) and the screenshot script (scripts/screens.ts), so
 * both always cover the same screens. Screens another issue is still adding (/pass, /verify) are included
 * as soon as the router knows their path.
 */
import { expect, type Page } from '@playwright/test';
import type { DemoJson } from '../../server/demo-page';
import { foreignImportPath } from '../../src/core/qr-link';
import { parseRoute } from '../../src/ui/router';
import { makeSigner, PAYLOADS, signDcc } from './dcc-sign';
import { writeBlankY4m, writeQrY4m } from './y4m';

export interface ScreenSpec {
  /** File-name friendly. */
  readonly name: string;
  readonly url: string;
  /** Resolves once the screen shows its real content (no loading line left). */
  ready(page: Page): Promise<void>;
  /** The QR text the fake camera shows (`openScreen` writes it); default a blank picture. */
  readonly camera?: string;
  /** Guard mode's place, as the guard chose it last (`singgah.verify.place`). */
  readonly verifyPlace?: { readonly category: string; readonly region: string };
}

export const LANGS = ['id', 'en'] as const;
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const known = (path: string) => parseRoute(path, '').name !== 'not-found';

async function settled(page: Page): Promise<void> {
  await expect(page.locator('main h1')).toBeVisible();
  await expect(page.locator('.lazy-loading')).toHaveCount(0);
}

function byPerson(demo: DemoJson, person: string) {
  const c = demo.certificates.find((x) => x.person === person && x.kind === 'vaccination');
  if (!c) throw new Error(`demo certificate of ${person} missing`);
  return c;
}

/**
 * The screens, for a phone that holds Budi's certificate and one visit (`preparePhone`). The certificate
 * screen shows Siti's, not yet imported, so its confirm step is what is checked.
 */
export function allScreens(origin: string, demo: DemoJson): ScreenSpec[] {
  // Not the venue preparePhone checked in at: a fresh check-in with its decisions, not "already here".
  const other = demo.venues[1];
  if (!other) throw new Error('no second demo venue');
  const screens: ScreenSpec[] = [
    {
      name: 'home',
      url: '/',
      ready: async (page) => {
        await settled(page);
        await expect(page.getByTestId('person').first()).toBeVisible();
      },
    },
    {
      name: 'scan',
      url: '/scan',
      ready: async (page) => {
        await settled(page);
        await expect(page.getByTestId('scanner-state')).not.toHaveAttribute('data-state', 'starting');
      },
    },
    {
      name: 'checkin',
      url: `/v#${other.code}`,
      ready: async (page) => {
        await settled(page);
        await expect(page.getByTestId('decision').first()).toBeVisible();
      },
    },
    {
      name: 'certificate',
      url: `/c#${byPerson(demo, 'siti').code}`,
      ready: async (page) => {
        await settled(page);
        await expect(page.getByTestId('import-confirm')).toBeVisible();
      },
    },
    {
      name: 'history',
      url: '/history',
      ready: async (page) => {
        await settled(page);
        await expect(page.getByTestId('history-item').first()).toBeVisible();
      },
    },
    {
      name: 'wallet',
      url: '/wallet',
      ready: async (page) => {
        await settled(page);
        await expect(page.getByTestId('wallet-cert').first()).toBeVisible();
      },
    },
    {
      name: 'settings',
      url: '/settings',
      ready: async (page) => {
        await settled(page);
        await expect(page.getByTestId('settings-bundle-version')).toBeVisible();
      },
    },
    { name: 'report', url: '/report', ready: settled },
    { name: 'pass', url: '/pass', ready: settled },
    { name: 'verify', url: '/verify', ready: settled },
  ];
  return screens
    .filter((s) => known(new URL(s.url, origin).pathname))
    .map((s) => ({ ...s, url: new URL(s.url, origin).href }));
}

/** Budi's certificate imported and one visit to the first demo venue recorded (so History has a row). */
export async function preparePhone(page: Page, origin: string, demo: DemoJson): Promise<void> {
  await page.goto(`${origin}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.goto(byPerson(demo, 'budi').url);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  const office = demo.venues[0];
  if (!office) throw new Error('no demo venue');
  await page.goto(office.url);
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();
}

/** Language and theme as the user's saved choices, applied from the next navigation on. */
export async function chooseLook(page: Page, lang: string, theme: Theme): Promise<void> {
  await page.evaluate(
    ([l, t]) => {
      localStorage.setItem('singgah.lang', l);
      localStorage.setItem('singgah.theme', t);
    },
    [lang, theme] as const,
  );
}

// ---------------------------------------------------------------- EU DCC screens

function demoDcc(demo: DemoJson, holder: string): string {
  const d = demo.dccs.find((x) => x.holder === holder);
  if (!d) throw new Error(`demo DCC of ${holder} missing (demo-init makes the DCC issuers)`);
  return d.text;
}

/** A DCC signed by a signer no bundle trusts (a fresh key, country FR), valid in time: refused as SIGNER_UNKNOWN. */
export function untrustedDcc(now: number): string {
  return signDcc({
    by: makeSigner('ES256', { country: 'FR' }),
    payload: PAYLOADS.v,
    iat: now - 3600,
    exp: now + 300 * 86_400,
  });
}

/**
 * The EU DCC screens, for a second phone holding only Anna Müller's DCC (`prepareDccPhone`): the import preview
 * of Siti's DCC (verified, not yet saved), the wallet with Anna's DCC open, the preview of `refused` (an untrusted
 * signer's; never right after the other preview, since a change of the URL's fragment alone loads nothing), her
 * pass showing its HC1 QR, and guard mode's result when the camera shows that HC1 code.
 */
export function dccScreens(origin: string, demo: DemoJson, refused: string): ScreenSpec[] {
  const anna = demoDcc(demo, 'Anna Müller');
  const screens: ScreenSpec[] = [
    {
      name: 'dcc-import',
      url: foreignImportPath(demoDcc(demo, 'Siti Rahayu')),
      ready: async (page) => {
        await settled(page);
        await expect(page.getByTestId('dcc-verification')).toHaveAttribute('data-state', 'verified');
        await expect(page.getByTestId('import-confirm')).toBeVisible();
      },
    },
    {
      name: 'dcc-wallet',
      url: '/wallet',
      ready: async (page) => {
        await settled(page);
        const dcc = page.locator('[data-testid="wallet-cert"][data-format="eu-dcc"]');
        await expect(dcc).toHaveAttribute('data-state', 'verified');
        await dcc.getByTestId('wallet-cert-summary').click();
        await expect(dcc.getByTestId('dcc-facts')).toBeVisible();
      },
    },
    {
      name: 'dcc-refused',
      url: foreignImportPath(refused),
      ready: async (page) => {
        await settled(page);
        await expect(page.getByTestId('import-error')).toHaveAttribute('data-code', 'SIGNER_UNKNOWN');
      },
    },
    {
      name: 'dcc-pass',
      url: '/pass',
      ready: async (page) => {
        await settled(page);
        // The DCC's own QR is below the live pass at 360×640: it is what this screen is about.
        await page.getByTestId('pass-dcc-qr').scrollIntoViewIfNeeded();
        await expect(page.getByTestId('pass-dcc-qr')).toBeInViewport();
      },
    },
    {
      name: 'dcc-guard',
      url: '/verify',
      camera: anna,
      // Anna is fully vaccinated but has no Indonesian region: the visitors' PCR rule refuses her here.
      verifyPlace: { category: 'mall', region: '64' },
      ready: async (page) => {
        await expect(page.getByTestId('verify-result')).toBeVisible({ timeout: 20_000 });
        await expect(page.getByTestId('verify-name')).toHaveText('Anna Müller');
      },
    },
  ];
  return screens.map((s) => ({ ...s, url: new URL(s.url, origin).href }));
}

/** A fresh phone (its own browser context) that imported Anna Müller's DCC from the demo page's text. */
export async function prepareDccPhone(page: Page, origin: string, demo: DemoJson): Promise<void> {
  await page.goto(`${origin}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.goto(new URL(foreignImportPath(demoDcc(demo, 'Anna Müller')), origin).href);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
}

/**
 * The SMART Health Card screens, for a third phone holding only Hanako Yamada's two-part card (`card`, its QR
 * texts; `prepareShcPhone`): the Scan screen after part 1 ("scan part 2 of 2"), the import preview, the wallet
 * with the card open, the pass with both of its QRs, and guard mode after part 1 of the card.
 */
export function shcScreens(origin: string, card: readonly string[]): ScreenSpec[] {
  const screens: ScreenSpec[] = [
    {
      name: 'shc-part',
      url: '/scan',
      camera: card[0],
      ready: async (page) => {
        await expect(page.getByTestId('shc-part')).toHaveAttribute('data-next', '2', { timeout: 20_000 });
      },
    },
    {
      name: 'shc-import',
      url: foreignImportPath(card.join('\n')),
      ready: async (page) => {
        await settled(page);
        await expect(page.getByTestId('shc-verification')).toHaveAttribute('data-state', 'verified');
      },
    },
    {
      name: 'shc-wallet',
      url: '/wallet',
      ready: async (page) => {
        await settled(page);
        const item = page.locator('[data-testid="wallet-cert"][data-format="shc"]');
        await expect(item).toHaveAttribute('data-state', 'verified');
        await item.getByTestId('wallet-cert-summary').click();
        await expect(item.getByTestId('shc-facts')).toBeVisible();
      },
    },
    {
      name: 'shc-pass',
      url: '/pass',
      ready: async (page) => {
        await settled(page);
        await page.getByTestId('pass-shc-qr').first().scrollIntoViewIfNeeded();
        await expect(page.getByTestId('pass-shc-qr').first()).toBeInViewport();
      },
    },
    {
      name: 'shc-guard',
      url: '/verify',
      camera: card[0],
      verifyPlace: { category: 'gov', region: '64' },
      ready: async (page) => {
        await expect(page.getByTestId('shc-part')).toHaveAttribute('data-next', '2', { timeout: 20_000 });
        // The prompt is under the viewfinder at 360×640: it is what this screen is about.
        await page.getByTestId('shc-part').scrollIntoViewIfNeeded();
      },
    },
  ];
  return screens.map((s) => ({ ...s, url: new URL(s.url, origin).href }));
}

/** A fresh phone (its own browser context) that imported the card of `texts` from its import link. */
export async function prepareShcPhone(page: Page, origin: string, texts: readonly string[]): Promise<void> {
  await page.goto(`${origin}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.goto(new URL(foreignImportPath(texts.join('\n')), origin).href);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
}

/**
 * Open a screen as a user would get there: the fake camera (`y4m`, the file the browser was launched with) shows
 * the screen's QR or a blank picture, guard mode remembers the screen's place, then the URL and `ready`.
 */
export async function openScreen(page: Page, screen: ScreenSpec, y4m?: string): Promise<void> {
  if (y4m) {
    if (screen.camera) writeQrY4m(y4m, screen.camera);
    else writeBlankY4m(y4m, { level: 90 });
  }
  // The page is on the app's origin already (the phone was prepared there).
  await page.evaluate(
    (place) =>
      place
        ? localStorage.setItem('singgah.verify.place', JSON.stringify(place))
        : localStorage.removeItem('singgah.verify.place'),
    screen.verifyPlace,
  );
  await page.goto(screen.url);
  await screen.ready(page);
}
