/**
 * Every screen of the app, with a URL to open it and how to tell it has finished loading — shared by the
 * accessibility spec (test/e2e/40-accessibility.spec.ts) and the screenshot script (scripts/screens.ts), so
 * both always cover the same screens. Screens another issue is still adding (/pass, /verify) are included
 * as soon as the router knows their path.
 */
import { expect, type Page } from '@playwright/test';
import type { DemoJson } from '../../server/demo-page';
import { parseRoute } from '../../src/ui/router';

export interface ScreenSpec {
  /** File-name friendly. */
  readonly name: string;
  readonly url: string;
  /** Resolves once the screen shows its real content (no loading line left). */
  ready(page: Page): Promise<void>;
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
