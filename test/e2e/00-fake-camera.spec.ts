/**
 * Proof that the fake camera pipeline works on this machine: a Y4M file written by test/support/y4m.ts is fed
 * to getUserMedia by Chromium's fake capture device, and @zxing/browser decodes the QR in it. The app is not
 * involved: a tiny page is served from a throwaway HTTP server, with @zxing/browser bundled by Vite's build API.
 *
 * The Y4M path is a browser launch argument: the spec takes the worker's fake-camera browser from the
 * `cameras` fixture (support/fixtures.ts) and rewrites its file; it needs no app server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { build } from 'vite';
import { expect, test } from '../support/fixtures';
import { writeQrY4m } from '../support/y4m';

const TEXT = 'https://example.test/v#0123456789';

/** What the probe page exposes on `window`. */
interface Probe {
  probe: {
    /** Opens the camera and starts decoding; clears `text` and `error`. */
    start(): Promise<void>;
    /** Stops the zxing controls and returns the readyState of every video track the scan had opened. */
    stop(): string[];
    text: string | null;
    error: string | null;
    msToDecode: number | null;
  };
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>fake camera probe</title></head>
<body><video id="v" muted playsinline width="320" height="240"></video>
<script src="/zxing.js"></script>
<script>
  const probe = { text: null, error: null, msToDecode: null, controls: null, tracks: [] };
  probe.start = async () => {
    probe.text = null;
    probe.error = null;
    probe.msToDecode = null;
    const video = document.getElementById('v');
    const reader = new BrowserQRCodeReader();
    const t0 = performance.now();
    try {
      probe.controls = await reader.decodeFromVideoDevice(undefined, video, (result) => {
        if (result && probe.text === null) {
          probe.text = result.getText();
          probe.msToDecode = Math.round(performance.now() - t0);
        }
      });
      probe.tracks = video.srcObject ? video.srcObject.getVideoTracks() : [];
    } catch (e) {
      probe.error = String(e && e.stack ? e.stack : e);
    }
  };
  probe.stop = () => {
    probe.controls.stop();
    return probe.tracks.map((t) => t.readyState);
  };
  window.probe = probe;
</script></body></html>`;

/** Bundles @zxing/browser (its ESM build, as the app gets it) into one script that sets window.BrowserQRCodeReader. */
async function bundleZxing(dir: string): Promise<string> {
  const entry = join(dir, 'entry.js');
  writeFileSync(
    entry,
    "import { BrowserQRCodeReader } from '@zxing/browser';\nwindow.BrowserQRCodeReader = BrowserQRCodeReader;\n",
  );
  // The entry lives outside the repo, so point the bare import at the installed package's directory.
  const pkgDir = dirname(createRequire(import.meta.url).resolve('@zxing/browser/package.json'));
  const out = await build({
    configFile: false,
    root: dir,
    logLevel: 'warn',
    publicDir: false,
    envDir: false,
    resolve: { alias: { '@zxing/browser': pkgDir } },
    build: {
      write: false,
      minify: false,
      lib: { entry, formats: ['iife'], name: 'zxingProbe', fileName: () => 'zxing.js' },
    },
  });
  const result = Array.isArray(out) ? out[0] : out;
  if (!('output' in result)) throw new Error('vite build returned a watcher');
  const chunk = result.output.find((o) => o.type === 'chunk');
  if (chunk?.type !== 'chunk') throw new Error('vite build produced no chunk');
  return chunk.code;
}

let dir: string;
let y4m: string;
let server: Server;
let origin: string;
let browser: Browser;

test.beforeAll(async ({ cameras }) => {
  dir = mkdtempSync(join(tmpdir(), 'singgah-fake-camera-'));
  ({ browser, y4m } = await cameras.fake());
  const zxing = await bundleZxing(dir);

  server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (req.url === '/zxing.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(zxing);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // http://127.0.0.1 is a secure context, so getUserMedia is available without TLS.
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The browser is the worker's: every probe page's context (and camera) is closed after its test.
const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function openProbe(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  await page.goto(`${origin}/`);
  await startScan(page);
  return page;
}

async function startScan(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as Probe).probe.start());
  const error = await page.evaluate(() => (window as unknown as Probe).probe.error);
  expect(error, 'decodeFromVideoDevice failed').toBeNull();
}

async function expectDecoded(page: Page, text: string): Promise<void> {
  await expect.poll(() => page.evaluate(() => (window as unknown as Probe).probe.text), { timeout: 15_000 }).toBe(text);
}

test('the fake camera feeds a Y4M QR to getUserMedia and zxing decodes it', async () => {
  writeQrY4m(y4m, TEXT);
  const page = await openProbe();
  await expectDecoded(page, TEXT);
  const ms = await page.evaluate(() => (window as unknown as Probe).probe.msToDecode);
  test.info().annotations.push({ type: 'ms to decode', description: String(ms) });
  await page.context().close();
});

test('stopping the scan controls ends every video track', async () => {
  writeQrY4m(y4m, TEXT);
  const page = await openProbe();
  await expectDecoded(page, TEXT);
  const states = await page.evaluate(() => (window as unknown as Probe).probe.stop());
  expect(states.length).toBeGreaterThan(0);
  expect(states.every((s) => s === 'ended')).toBe(true);
  await page.context().close();
});

// Chromium reads the file again each time the camera is opened, so one browser can be shown many QR codes.
test('the camera shows the rewritten Y4M file when it is opened again', async () => {
  writeQrY4m(y4m, TEXT);
  const page = await openProbe();
  await expectDecoded(page, TEXT);
  await page.evaluate(() => (window as unknown as Probe).probe.stop());
  const other = 'https://example.test/v#other';
  writeQrY4m(y4m, other);
  await startScan(page);
  await expectDecoded(page, other);
  await page.evaluate(() => (window as unknown as Probe).probe.stop());
  await page.context().close();
});
