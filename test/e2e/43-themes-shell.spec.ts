/**
 * Themes and the shell on a 360×640 phone: the theme is on <html> before the app's code has even arrived
 * (no flash), the Settings choice overrides the system and survives a reload, "system" follows the phone
 * live; the offline indicator says it in words; the browser's install offer turns into a Settings button; the
 * manifest has its maskable icon, screenshots and shortcuts; every control on every screen is a ≥ 44 px touch target,
 * nothing scrolls sideways, and loading a screen moves nothing (cumulative layout shift).
 */
import type { Page } from '@playwright/test';
import { openHome } from '../support/app-page';
import { expect, test } from '../support/fixtures';
import { allScreens, preparePhone } from '../support/screens';

test.use({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });

const theme = (page: Page) => page.locator('html');

/**
 * The layout shifts of the page's document so far (buffered entries, none after a user's input), with the
 * elements that moved, so a failure names them.
 */
async function layoutShifts(page: Page): Promise<{ total: number; moved: string[] }> {
  return page.evaluate(
    () =>
      new Promise<{ total: number; moved: string[] }>((resolve) => {
        type Shift = PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
          sources?: { node?: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[];
        };
        const name = (node: Node | null | undefined) => {
          if (!(node instanceof Element)) return node?.nodeName ?? '?';
          const id = node.getAttribute('data-testid') ?? node.id;
          return `${node.tagName.toLowerCase()}${id ? `#${id}` : ''}.${node.className}`;
        };
        let total = 0;
        const moved: string[] = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as Shift[]) {
            if (e.hadRecentInput) continue;
            total += e.value;
            for (const s of e.sources ?? [])
              moved.push(
                `${e.value.toFixed(3)} at ${Math.round(e.startTime)} ms: ${name(s.node)} y ${s.previousRect.y}→${s.currentRect.y}, h ${s.previousRect.height}→${s.currentRect.height}`,
              );
          }
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve({ total, moved }), 300);
      }),
  );
}

test('the dark theme is applied before the app code runs: no white flash', async ({ app, server }) => {
  const { page } = app;
  await page.emulateMedia({ colorScheme: 'dark' });
  // Hold the app's scripts back (the entry among them, whatever the build names it): whatever paints meanwhile
  // must already be dark.
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  await page.route(/\/assets\/[\w-]+\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${server.url}/`, { waitUntil: 'commit' });
  await expect(theme(page)).toHaveAttribute('data-theme', 'dark');
  expect(await page.locator('#app').innerHTML()).toBe('');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(12, 20, 19)');
  release();
  await expect(page.getByTestId('scan-button')).toBeVisible();
});

test('Settings: light/dark override the system and survive a reload; "system" follows the phone', async ({ app }) => {
  const { page } = app;
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.goto('/settings');
  await expect(theme(page)).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('theme-light').check();
  await expect(theme(page)).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(theme(page)).toHaveAttribute('data-theme', 'light');
  await expect(page.getByTestId('theme-light')).toBeChecked();

  await page.getByTestId('theme-system').check();
  await expect(theme(page)).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(theme(page)).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('theme-dark').check();
  await page.reload();
  await expect(theme(page)).toHaveAttribute('data-theme', 'dark');
});

test('the offline indicator says "Luring" in words while the network is gone', async ({ app }) => {
  const { page, context } = app;
  await app.goto('/');
  await expect(page.getByTestId('scan-button')).toBeVisible();
  await expect(page.getByTestId('offline-indicator')).toHaveCount(0);
  await context.setOffline(true);
  await expect(page.getByTestId('offline-indicator')).toContainText('Luring');
  await context.setOffline(false);
  await expect(page.getByTestId('offline-indicator')).toHaveCount(0);
});

test('the browser\'s install offer becomes an "Install" button in Settings, used once', async ({ app }) => {
  const { page } = app;
  await app.goto('/settings');
  await expect(page.getByTestId('app-version')).toBeVisible();
  await expect(page.getByTestId('install-app')).toHaveCount(0);
  // Headless Chromium never offers installation itself: the event it would fire, with its two members.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: async () => {
        (window as { prompted?: number }).prompted = ((window as { prompted?: number }).prompted ?? 0) + 1;
      },
      userChoice: Promise.resolve({ outcome: 'accepted' }),
    });
    window.dispatchEvent(offer);
    (window as { offerKept?: boolean }).offerKept = offer.defaultPrevented;
  });
  expect(await page.evaluate(() => (window as { offerKept?: boolean }).offerKept)).toBe(true);
  await page.getByTestId('install-app').click();
  await expect(page.getByTestId('install-app')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { prompted?: number }).prompted)).toBe(1);
});

test('the web manifest: maskable icon, narrow screenshots, Scan and Pass shortcuts — every file there', async ({
  server,
}) => {
  const manifest = (await (await fetch(`${server.url}/manifest.webmanifest`)).json()) as {
    icons: { src: string; purpose?: string }[];
    screenshots: { src: string; form_factor?: string; sizes: string }[];
    shortcuts: { url: string }[];
  };
  expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
  expect(manifest.screenshots.length).toBeGreaterThan(0);
  expect(manifest.screenshots.every((s) => s.form_factor === 'narrow' && s.sizes === '360x640')).toBe(true);
  expect(manifest.shortcuts.map((s) => s.url)).toEqual(['/scan', '/pass']);
  for (const { src } of [...manifest.icons, ...manifest.screenshots]) {
    const response = await fetch(`${server.url}${src}`);
    expect(response.status, src).toBe(200);
    expect(response.headers.get('content-type'), src).toMatch(/^image\//);
  }
});

test('every screen: touch targets ≥ 44 px, no sideways scrolling, no layout shift', async ({ app, demo, server }) => {
  const { page } = app;
  await preparePhone(page, server.url, demo);
  const problems: string[] = [];
  for (const screen of allScreens(server.url, demo)) {
    await page.goto(screen.url);
    await screen.ready(page);
    const found = await page.evaluate(() => {
      const out: string[] = [];
      const controls = Array.from(
        document.querySelectorAll<HTMLElement>('a[href], button, select, input, textarea, [role="button"]'),
      );
      for (const el of controls) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
        // WCAG 2.5.8 exceptions: a link inside a sentence, and a checkbox/radio whose whole label is the target.
        if (el.tagName === 'A' && el.closest('p, li, dd') && !el.classList.contains('button')) continue;
        const label = el.closest('label');
        const target = label && (el as HTMLInputElement).type !== 'file' ? label.getBoundingClientRect() : box;
        if (target.height < 44 || target.width < 44) {
          out.push(
            `${el.tagName.toLowerCase()} ${el.dataset.testid ?? el.id} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}" ${Math.round(target.width)}×${Math.round(target.height)}`,
          );
        }
      }
      if (document.documentElement.scrollWidth > window.innerWidth)
        out.push(`scrolls sideways: ${document.documentElement.scrollWidth}px`);
      return out;
    });
    problems.push(...found.map((f) => `${screen.name}: ${f}`));
    const shift = (await layoutShifts(page)).total;
    if (shift > 0.05) problems.push(`${screen.name}: cumulative layout shift ${shift.toFixed(3)}`);
  }
  expect(problems).toEqual([]);
});

test('Home on a first visit: no alert flashes and nothing moves while the rules arrive (layout shift < 0.02)', async ({
  app,
}) => {
  const { page, context } = app;
  // Every alert or banner the page ever inserts, even one removed before a frame is painted: on a slow phone
  // that frame is painted, and everything below the alert jumps down and back up.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as { alertsSeen?: string[] }).alertsSeen = seen;
    new MutationObserver((records) => {
      for (const r of records)
        for (const node of Array.from(r.addedNodes))
          if (node instanceof Element)
            for (const el of [node, ...Array.from(node.querySelectorAll('*'))])
              if (el.matches('[role="alert"], .banner, .trust-alert'))
                seen.push(el.getAttribute('data-testid') ?? el.className);
    }).observe(document, { childList: true, subtree: true });
  });
  // A phone's CPU, as Lighthouse's mobile preset has it: the store read, the model and the pull land in
  // separate frames after the first paint.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await openHome(page, app.url('/'));
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-running', 'false');
  const { total, moved } = await layoutShifts(page);
  expect(await page.evaluate(() => (window as { alertsSeen?: string[] }).alertsSeen)).toEqual([]);
  expect(total, moved.join('\n')).toBeLessThan(0.02);
});
