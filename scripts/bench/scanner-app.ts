/**
 * "QR visible → decision on screen" for Singgah, in the real app (part of `--only scanner`, called from
 * scripts/bench/scanner.ts): a fresh demo authority (`singgah demo-init`), the app built against its trust
 * anchor, the real server (server/main.ts) serving both, and one Chromium profile with Budi's certificate
 * imported, so scanning the Kaltim governor's office poster renders a real ALLOWED decision.
 *
 * Each run reloads the app on Home (a first scan since the app opened, as at a door: the Scan and CheckIn
 * chunks come from the service worker's cache, not from memory) and taps the scan button. The fake camera
 * plays the poster after a blank lead-in. An init script in the page (`installProbe`) times:
 * - the first frame showing the QR: a 32×24 thumbnail of every frame the app's own `<video>` presents
 *   (requestVideoFrameCallback) is compared with the first one, exactly as scanner-page.ts does for the
 *   bare-scanner columns. Cross-check: the y4m file's first QR frame is frame `leadIn` at 30 fps, so it should
 *   show `leadIn / 30` s after the first presented frame; the median gap is reported;
 * - the decision on screen: a MutationObserver sees the first `[data-testid=decision][data-outcome]`, and the
 *   time taken is that of the next animation frame (the frame that paints it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { qrText } from '../../src/core/qr-link';
import { buildApp, initDemo } from '../../test/support/app-build';
import { chromiumLaunchOptions, fakeCameraArgs } from '../../test/support/chromium';
import { demoLinks } from '../../test/support/e2e-data';
import { startServerProcess } from '../../test/support/server-process';
import { type QrY4mOptions, writeBlankY4m, writeQrY4m } from '../../test/support/y4m';

/** What the probe keeps on `window.__scanProbe` for one run. */
interface Probe {
  firstFrameAt?: number;
  qrAt?: number;
  /** The app's route change to the check-in screen (text decoded, parsed, `navigate('/v#…')`). */
  routedAt?: number;
  decisionAt?: number;
  outcomes: string[];
}

export interface AppRun {
  /** First frame showing the QR → the decision painted; null when no decision came within the timeout. */
  readonly visibleToDecisionMs: number | null;
  /** First presented frame → the watcher's QR frame (should be the lead-in's length). */
  readonly leadInSeenMs: number | null;
  /** The part of visibleToDecisionMs after the route change (check-in screen: chunk, verification, render). */
  readonly routeToDecisionMs: number | null;
}

export interface AppDecisionSession {
  run(options: QrY4mOptions, leadInFrames: number, timeoutMs: number): Promise<AppRun>;
  readonly chromiumVersion: string;
  close(): Promise<void>;
}

/** Runs in the page before the app (serialised by Playwright: self-contained). */
function installProbe() {
  const probe: Probe = { outcomes: [] };
  (window as unknown as { __scanProbe: Probe }).__scanProbe = probe;
  const push = history.pushState.bind(history);
  history.pushState = (data, unused, url) => {
    if (String(url).includes('/v#')) probe.routedAt ??= performance.now();
    push(data, unused, url);
  };
  let watched: HTMLVideoElement | undefined;
  const watch = (video: HTMLVideoElement) => {
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 24;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    let reference: Uint8ClampedArray | undefined;
    const onFrame = (now: number) => {
      if (video !== watched) return;
      ctx.drawImage(video, 0, 0, 32, 24);
      const thumb = ctx.getImageData(0, 0, 32, 24).data;
      if (!reference) {
        reference = thumb;
        probe.firstFrameAt = now;
      } else {
        let diff = 0;
        for (let i = 0; i < thumb.length; i += 4) diff += Math.abs(thumb[i] - reference[i]);
        if (diff / (thumb.length / 4) > 4) probe.qrAt = now;
      }
      if (probe.qrAt === undefined) video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  new MutationObserver(() => {
    const video = document.querySelector<HTMLVideoElement>('video[data-testid=scanner-video]');
    if (video && video !== watched) {
      watched = video;
      watch(video);
    }
    if (probe.decisionAt !== undefined || probe.outcomes.length) return;
    const decisions = Array.from(document.querySelectorAll('[data-testid=decision][data-outcome]'));
    if (!decisions.length) return;
    probe.outcomes = decisions.map((d) => d.getAttribute('data-outcome') ?? '');
    requestAnimationFrame(() => {
      probe.decisionAt = performance.now();
    });
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-outcome'] });
}

type ProbeWindow = { __scanProbe?: Probe };

async function openHome(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByTestId('bundle-status').and(page.locator('[data-version]')).waitFor({ timeout: 30_000 });
}

export async function openAppDecisionSession(log: (line: string) => void): Promise<AppDecisionSession> {
  const work = mkdtempSync(join(tmpdir(), 'singgah-bench-app-'));
  const data = join(work, 'data');
  const dist = join(work, 'dist');
  const y4m = join(work, 'camera.y4m');
  log('  app: demo authority, app build, server…');
  initDemo(data);
  buildApp(data, dist);
  const server = await startServerProcess(data, dist);
  const browser = await chromium.launch(chromiumLaunchOptions(fakeCameraArgs(y4m)));
  const close = async () => {
    await browser.close();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    writeBlankY4m(y4m);
    const { office, budi } = await demoLinks(server.url);
    const officeQr = qrText(office.url);
    const context = await browser.newContext();
    // tsx (esbuild, keepNames) wraps inner functions in `__name(…)`, which the page does not define.
    await context.addInitScript({ content: `var __name = (f) => f; (${installProbe.toString()})();` });
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`  app: page error ${e.message}`));
    await openHome(page, server.url);
    // Budi (fully vaccinated, Kaltim resident) is allowed at the governor's office: a real decision renders.
    await page.goto(budi.url);
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-done').waitFor();
    return {
      chromiumVersion: browser.version(),
      close,
      async run(options, leadInFrames, timeoutMs) {
        writeQrY4m(y4m, officeQr, { ...options, leadingBlankFrames: leadInFrames });
        await openHome(page, server.url);
        await page.getByTestId('scan-button').click();
        const probe = await page
          .waitForFunction(
            () => {
              const p = (window as unknown as ProbeWindow).__scanProbe;
              return p?.decisionAt !== undefined ? p : undefined;
            },
            undefined,
            { timeout: timeoutMs, polling: 100 },
          )
          .then(
            (h) => h.jsonValue() as Promise<Probe>,
            () => page.evaluate(() => (window as unknown as ProbeWindow).__scanProbe ?? { outcomes: [] }),
          );
        if (probe.outcomes.some((o) => o !== 'ALLOWED')) {
          throw new Error(`expected Budi ALLOWED at the office, got ${probe.outcomes.join(', ')}`);
        }
        const { firstFrameAt, qrAt, routedAt, decisionAt } = probe;
        return {
          visibleToDecisionMs: qrAt === undefined || decisionAt === undefined ? null : Math.max(0, decisionAt - qrAt),
          leadInSeenMs: qrAt === undefined || firstFrameAt === undefined ? null : qrAt - firstFrameAt,
          routeToDecisionMs: routedAt === undefined || decisionAt === undefined ? null : decisionAt - routedAt,
        };
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
