/**
 * The app page object: the steps many e2e specs take on the real app — open it, import a certificate through
 * its link, scan a venue (camera or link field), check in, rescan, run guard mode, switch language, axe — and
 * looks into the app's IndexedDB with the raw API (what the app stored, not what it shows).
 * Specs get one from the `app` / `openApp` fixtures (support/fixtures.ts); methods wait for what they did to
 * be visible, so a spec may navigate right after.
 */
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, expect, type Locator, type Page, type Response } from '@playwright/test';
import type { E2eServer } from './server-process';
import { type QrY4mInfo, type QrY4mOptions, writeQrY4m } from './y4m';

/** A venue to scan: a /demo.json entry, or anything with the link the poster encodes. */
export interface VenueLink {
  readonly url: string;
}

/** What the stream-keeping init script puts on `window`. */
interface StreamProbe {
  __singgahStreams: MediaStream[];
}

/** Wraps getUserMedia so every stream the page gets is kept in `window.__singgahStreams`. */
export function keepStreams() {
  const w = window as unknown as StreamProbe;
  w.__singgahStreams = [];
  const md = navigator.mediaDevices;
  if (!md?.getUserMedia) return;
  const original = md.getUserMedia.bind(md);
  md.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    w.__singgahStreams.push(stream);
    return stream;
  };
}

/**
 * Paste `text` into the Scan screen's link field and open it. Waits for the camera to settle first: when the
 * camera fails, the field moves above the viewfinder (remounted), and a tap aimed before the move lands on
 * whatever took the button's place.
 */
export async function pasteOnScanScreen(page: Page, text: string): Promise<void> {
  await expect(page.getByTestId('scanner-state')).not.toHaveAttribute('data-state', 'starting');
  await page.getByTestId('paste-input').fill(text);
  await page.getByTestId('paste-open').click();
}

export class AppPage {
  /** Uncaught page errors, in order (specs assert `toEqual([])` where that is part of the claim). */
  readonly errors: string[] = [];

  constructor(
    readonly page: Page,
    readonly server: E2eServer,
    /** The fake camera's file (fixture option `camera: 'fake'`), else undefined. */
    private readonly y4m?: string,
  ) {
    page.on('pageerror', (e) => this.errors.push(e.message));
  }

  get context(): BrowserContext {
    return this.page.context();
  }

  /** `path` on the server's origin (`/settings`, `/history`…). */
  url(path = '/'): string {
    return `${this.server.url}${path}`;
  }

  /** The navigation's response: `fromServiceWorker()` tells who answered. */
  goto(path = '/'): Promise<Response | null> {
    return this.page.goto(this.url(path));
  }

  /** The home screen with the signed rules verified and stored (a fresh profile downloads them first). */
  open(path = '/'): Promise<void> {
    return openHome(this.page, this.url(path));
  }

  /** Until the service worker controls the page: from then on the app opens with the server gone. */
  waitForServiceWorker(): Promise<void> {
    return waitForServiceWorker(this.page);
  }

  /** Open a certificate link (`/c#…`) and confirm the import, as a user would; waits until it is stored. */
  importCertificate(url: string): Promise<void> {
    return importCertificate(this.page, url);
  }

  async importCertificates(urls: readonly string[]): Promise<void> {
    for (const url of urls) await this.importCertificate(url);
  }

  /**
   * Show `text` to the fake camera. Chromium reads the file when a capture starts, so this first waits until
   * no capture of this page runs (one still running would keep showing the previous code); use `writeQrY4m` on
   * `cameraFile` directly for a code meant to appear while the camera runs.
   */
  async showToCamera(text: string, options?: QrY4mOptions): Promise<QrY4mInfo> {
    if (this.page.url() !== 'about:blank') {
      await expect.poll(() => this.videoTrackStates(), { timeout: 15_000 }).not.toContain('live');
    }
    return writeQrY4m(this.cameraFile, text, options);
  }

  /** The fake camera's Y4M file (rewrite it with support/y4m.ts). */
  get cameraFile(): string {
    if (!this.y4m) throw new Error("no fake camera: test.use({ camera: 'fake' })");
    return this.y4m;
  }

  /** Home → scan screen; waits until the camera runs (or it already read a venue or certificate). */
  async openScanner(): Promise<void> {
    await this.page.getByTestId('scan-button').click();
    // A still QR in front of the camera can be decoded, and the app gone to the check-in screen, within a frame
    // or two of "running": checked every animation frame, either one means the scanner ran.
    await this.page.waitForFunction(
      () =>
        document.querySelector('[data-testid="scanner-state"][data-state="running"]') !== null ||
        /^\/[vc]$/i.test(location.pathname),
      undefined,
      { polling: 'raf', timeout: 15_000 },
    );
  }

  /**
   * Scan a venue's poster QR through the fake camera from the home screen, up to the check-in screen's decision
   * (returned). `qr`: the text the camera sees (the poster's, upper-case prefix, by default the office's).
   */
  async scanVenue(qr: string): Promise<Locator> {
    await this.showToCamera(qr);
    await this.goto('/');
    await this.openScanner();
    await expect(this.page).toHaveURL(/\/v#\d+$/, { timeout: 20_000 });
    const decision = this.page.getByTestId('decision');
    await expect(decision).toHaveCount(1);
    return decision;
  }

  /**
   * Scan a venue through the Scan screen's link field — the path a camera decode takes (parseScanned → /v#…),
   * with no camera — up to its check-in screen. How a spec "rescans" the venue it is checked into.
   */
  async rescan(venue: VenueLink & { readonly name?: string }): Promise<void> {
    await this.goto('/scan');
    await pasteOnScanScreen(this.page, venue.url);
    if (venue.name) await expect(this.page.getByTestId('venue-name')).toHaveText(venue.name);
  }

  /** The check-in screen for `venueName` (the scan was decoded, verified and routed). */
  async expectCheckInScreen(venueName: string): Promise<void> {
    await expect(this.page).toHaveURL(/\/v#\d+$/, { timeout: 20_000 });
    await expect(this.page.getByText(venueName).first()).toBeVisible();
    await expect(this.page.getByTestId('decision')).toHaveCount(1);
  }

  /** Confirm the check-in, first opening the venue link `url` if given (see checkIn). */
  checkIn(url?: string): Promise<void> {
    return checkIn(this.page, url);
  }

  /**
   * Home → guard mode at a place chosen from the select lists (category value, province code) → scanning.
   * `beforeStart` runs with the place chosen, before scanning starts (e.g. axe on the form, going offline).
   */
  async guardScan(category: string, region: string, beforeStart?: () => Promise<void>): Promise<void> {
    await this.page.getByTestId('verify-link').click();
    await this.page.getByLabel('Jenis tempat').selectOption(category);
    await this.page.getByLabel('Wilayah tempat').selectOption(region);
    await beforeStart?.();
    await this.page.getByTestId('verify-start').click();
  }

  /** The certificates' wallet (`/wallet`). */
  async openWallet(): Promise<Locator> {
    await this.goto('/wallet');
    return this.page.getByTestId('wallet-cert');
  }

  /** Choose the app's language in Settings in a second tab (see chooseLanguage): no reload of this page. */
  switchLanguage(lang: 'id' | 'en'): Promise<void> {
    return chooseLanguage(this.page, lang);
  }

  /** No axe-core violation on the page (or inside `include`, a CSS selector). */
  expectAxeClean(include?: string): Promise<void> {
    return expectAxeClean(this.page, include);
  }

  /** readyState of every video track the page has opened so far. */
  videoTrackStates(): Promise<string[]> {
    return this.page.evaluate(() =>
      (window as unknown as StreamProbe).__singgahStreams.flatMap((s) => s.getVideoTracks().map((t) => t.readyState)),
    );
  }

  /** Records in a store of the app's database, read with the raw IndexedDB API in the page. */
  countIn(store: string): Promise<number> {
    return countIn(this.page, store);
  }

  /** Shift the rules download's `Date` header by `shiftMs`, as the page's clock was moved (see shiftServerDate). */
  shiftServerDate(shiftMs: number): Promise<void> {
    return shiftServerDate(this.context, shiftMs);
  }
}

/** Records in a store of the app's database on any page (one not made by the fixtures, e.g. a persistent profile). */
export function countIn(page: Page, store: string): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('singgah');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(name, 'readonly').objectStore(name).count();
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => {
            db.close();
            reject(req.error);
          };
        };
      }),
    store,
  );
}

/*
 * The same steps on a bare Page, for pages the fixtures did not make (a persistent profile, a phone kept across a
 * serial describe, a spec's own contexts); the AppPage methods of the same names delegate here.
 */

/** `url` (the app's home by default) with the signed rules verified and stored. */
export async function openHome(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
}

/** A visit a spec seeds (seedVisits): a closed visit at a demo venue, `age` seconds ago, staying `stay` seconds. */
export interface SeededVisit {
  readonly venue: { readonly id: string; readonly name?: string; readonly url: string };
  readonly age: number;
  readonly stay?: number;
}

/**
 * Write visits as the app stores them (schema v2: check-in record + its outbox entry) with the raw IndexedDB API,
 * in one transaction, into the database the app already created. Returns the check-in times, newest first.
 */
export async function seedVisits(page: Page, visits: readonly SeededVisit[]): Promise<number[]> {
  const now = Math.floor(Date.now() / 1000);
  const records = visits.map((v, i) => {
    const checkedInAt = now - v.age;
    const id = (i.toString(16).padStart(8, '0') + crypto.randomUUID().replaceAll('-', '')).slice(0, 32);
    return {
      id,
      venueCode: v.venue.url.slice(v.venue.url.indexOf('#') + 1),
      venueId: v.venue.id,
      venueName: v.venue.name ?? '',
      people: [],
      checkedInAt,
      checkedOutAt: checkedInAt + (v.stay ?? 1800),
      autoCheckOutAt: checkedInAt + 3600,
    };
  });
  await page.evaluate(
    (rows) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('singgah');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['checkins', 'outbox'], 'readwrite');
          for (const r of rows) {
            tx.objectStore('checkins').add(r);
            tx.objectStore('outbox').add({ id: r.id, op: 'checkin', createdAt: r.checkedInAt });
          }
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onabort = () => {
            db.close();
            reject(tx.error);
          };
        };
      }),
    records,
  );
  return records.map((r) => r.checkedInAt).sort((a, b) => b - a);
}

/** Until the service worker controls the page: from then on the app opens with the server gone. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
}

/** Open a certificate link (`/c#…`) and confirm the import, as a user would; waits until it is stored. */
export async function importCertificate(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
}

/**
 * Confirm the check-in on the check-in screen — first opening the venue link `url` (as the phone's camera app
 * would) if given; waits until it is stored.
 */
export async function checkIn(page: Page, url?: string): Promise<void> {
  if (url) await page.goto(url);
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();
}

/** No axe-core violation on the page (or inside `include`, a CSS selector). */
export async function expectAxeClean(page: Page, include?: string): Promise<void> {
  const builder = new AxeBuilder({ page });
  if (include) builder.include(include);
  const results = await builder.analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/**
 * Choose the app's language as a user does (Settings → Language), in a second tab of the same browser, and close
 * it: the page under test follows without a reload (the choice is per phone; other tabs hear it). Use this where
 * the screen under test holds state a reload would lose.
 */
export async function chooseLanguage(page: Page, lang: 'id' | 'en'): Promise<void> {
  const settings = await page.context().newPage();
  await settings.goto(new URL('/settings', page.url()).href);
  await settings.getByTestId('lang-switch').selectOption(lang);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await settings.close();
}

/**
 * Move the server's clock as the page's clock was moved (Playwright's clock only moves the page): the rules
 * download's `Date` header is shifted by `shiftMs`. Without it, a phone whose clock a test moved ahead is rightly
 * told "your clock is ahead of the server" (core rules-cause.ts) — use it where the test means that time passed.
 */
export async function shiftServerDate(context: BrowserContext, shiftMs: number): Promise<void> {
  await context.route('**/v1/bundle', async (route) => {
    const response = await route.fetch();
    const date = new Date(Date.now() + shiftMs).toUTCString();
    await route.fulfill({ response, headers: { ...response.headers(), date } });
  });
}
