/**
 * Shared set-up of the scanner browser tests (test/e2e/1x-*.spec.ts): the app's server on the global-setup
 * build, one Chromium whose fake camera plays a Y4M file the test rewrites before each camera start, and
 * an init script that keeps every MediaStream the page opens so a test can check that each track ended.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, expect, type Page } from '@playwright/test';
import { qrText } from '../../src/core/qr-link';
import { CHROMIUM_PATH, chromiumArgs, fakeCameraArgs } from './chromium';
import { type DemoEntry, demoLinks, e2eEnv } from './e2e-data';
import { type ServerProcess, startServerProcess } from './server-process';
import { writeBlankY4m } from './y4m';

export interface ScanEnv {
  readonly server: ServerProcess;
  readonly browser: Browser;
  /** The fake camera's file: rewrite it (y4m.ts) before the camera is opened. */
  readonly y4m: string;
  readonly work: string;
  readonly office: DemoEntry;
  /** The office poster's QR text, exactly as printed. */
  readonly officeQr: string;
  close(): Promise<void>;
}

/**
 * `camera: 'denied'` launches without the auto-accept flag, so headless Chromium refuses the camera.
 * `dataDir`: a private copy (e2e-data copyDataDir) a test changed first; default the global-setup one.
 */
export async function openScanEnv(camera: 'fake' | 'denied' = 'fake', dataDir?: string): Promise<ScanEnv> {
  const { data, dist } = e2eEnv();
  const server = await startServerProcess(dataDir ?? data, dist);
  const work = mkdtempSync(join(tmpdir(), 'singgah-scan-'));
  const y4m = join(work, 'camera.y4m');
  writeBlankY4m(y4m);
  const flags = fakeCameraArgs(y4m).filter((f) => camera === 'fake' || f !== '--use-fake-ui-for-media-stream');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(flags) });
  const { office } = await demoLinks(server.url);
  return {
    server,
    browser,
    y4m,
    work,
    office,
    officeQr: qrText(office.url),
    async close() {
      await browser.close();
      await server.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** What the init script keeps on `window`. */
export interface StreamProbe {
  __singgahStreams: MediaStream[];
}

/** Wraps getUserMedia so every stream the page gets is kept in `window.__singgahStreams`. */
function keepStreams() {
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

/** A fresh profile on the home screen with the signed rules loaded and getUserMedia recorded. */
export async function openApp(env: ScanEnv): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await env.browser.newContext();
  await context.addInitScript(keepStreams);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${env.server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  return { context, page, errors };
}

/** Home → scan screen; waits until the camera runs (or it already read a venue or certificate). */
export async function openScanner(page: Page): Promise<void> {
  await page.getByTestId('scan-button').click();
  // A still QR in front of the camera can be decoded, and the app gone to the check-in screen, within a frame
  // or two of "running": checked every animation frame, either one means the scanner ran.
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="scanner-state"][data-state="running"]') !== null ||
      /^\/[vc]$/i.test(location.pathname),
    undefined,
    { polling: 'raf', timeout: 15_000 },
  );
}

/** The check-in screen for `venueName` (the scan was decoded, verified and routed). */
export async function expectCheckInScreen(page: Page, venueName: string): Promise<void> {
  await expect(page).toHaveURL(/\/v#\d+$/, { timeout: 20_000 });
  await expect(page.getByText(venueName).first()).toBeVisible();
  await expect(page.getByTestId('decision')).toHaveCount(1);
}

/** readyState of every video track the page has opened so far. */
export function videoTrackStates(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as StreamProbe).__singgahStreams.flatMap((s) => s.getVideoTracks().map((t) => t.readyState)),
  );
}
