/**
 * What a phone really downloads on its first visit. A fresh profile opens `/` on the real server, through a
 * loopback proxy that counts every byte the server sends; the test waits until Home is interactive (the scan
 * button, and the signed rules verified and stored), the service worker has installed, and the network has been
 * idle for a while.
 *
 * The budget is on what the page fetched, in Resource Timing's `transferSize` (compressed body + a fixed 300
 * bytes per response: the web's own figure for "transferred", which does not depend on how one HTTP version
 * encodes headers — over HTTP/2 a phone pays far less than HTTP/1.1's ~0.7 KB a response, reported apart).
 * The service worker's install (its script and the precache of the whole build, scanner decoder included) starts
 * after the page's `load` and runs in the background: it is reported beside the budget (the proxy's count minus
 * the page's), with the rule that it too arrives compressed. docs/BENCHMARKS.md has the figures.
 */
import { existsSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { openHome, waitForServiceWorker } from '../support/app-page';
import { e2eEnv } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';

/**
 * JavaScript: the shell, the start chunk (store, sync, signature and rule checks, Home's details) and the part of
 * it the scanner shares, as scripts/start-chunks.mjs cuts them; the other screens, their strings
 * (src/ui/i18n/id-later.ts) and the upload code are fetched when used (docs/BENCHMARKS.md, "What a phone
 * downloads").
 */
const JS_BUDGET_BYTES = 60 * 1024;
const TOTAL_BUDGET_BYTES = 100 * 1024;
/** Quiet time that counts as "the network is idle" (Playwright's and Lighthouse's networkidle use 500 ms). */
const IDLE_MS = 500;

test.use({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });

/** A loopback TCP proxy to `port` that counts the bytes coming back from the server. */
async function countingProxy(port: number): Promise<{ url: string; received: () => number; close: () => void }> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    upstream.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    received: () => received,
    // The browser keeps its connections open: end them, or the server never finishes closing.
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

/** Every response of the context (the service worker's included), and a wait until none is in flight. */
function watchResponses(context: BrowserContext) {
  const seen: { path: string; worker: boolean; encoding: string; headerBytes: number; bodyBytes: number }[] = [];
  let inFlight = 0;
  let lastActivity = Date.now();
  const pending: Promise<void>[] = [];
  context.on('request', () => {
    inFlight++;
    lastActivity = Date.now();
  });
  const settle = () => {
    inFlight--;
    lastActivity = Date.now();
  };
  context.on('requestfailed', settle);
  context.on('requestfinished', (request) => {
    pending.push(
      (async () => {
        const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
        const headers = (await response?.allHeaders()) ?? {};
        seen.push({
          path: new URL(request.url()).pathname,
          worker: request.serviceWorker() !== null,
          encoding: headers['content-encoding'] ?? 'identity',
          headerBytes: sizes.responseHeadersSize,
          bodyBytes: sizes.responseBodySize,
        });
      })().finally(settle),
    );
  });
  return {
    seen,
    async idle(): Promise<void> {
      await expect
        .poll(() => inFlight === 0 && Date.now() - lastActivity >= IDLE_MS, { timeout: 30_000, intervals: [100] })
        .toBe(true);
      await Promise.all(pending);
    },
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

test('first visit to Home: the page transfers ≤ 100 KB in all, compressed, and its JavaScript stays in budget', async ({
  app,
  server,
}) => {
  const { page } = app;
  const proxy = await countingProxy(Number(new URL(server.url).port));
  try {
    const responses = watchResponses(app.context);
    await openHome(page, `${proxy.url}/`);
    await expect(page.getByTestId('scan-button')).toBeEnabled();
    await waitForServiceWorker(page);
    await responses.idle();

    // Resource Timing of the page: the document and every resource it fetched, as the browser counts them.
    const timings = await page.evaluate(() =>
      [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => {
        const t = e as PerformanceResourceTiming;
        return { path: new URL(t.name).pathname, transfer: t.transferSize, body: t.encodedBodySize };
      }),
    );
    const isJs = (path: string) => path.endsWith('.js');
    const sum = (list: readonly { transfer: number }[]) => list.reduce((n, t) => n + t.transfer, 0);
    const pageJs = sum(timings.filter((t) => isJs(t.path)));
    const pageAll = sum(timings);
    const own = responses.seen.filter((r) => !r.worker);
    const pageHeaders = own.reduce((n, r) => n + r.headerBytes, 0);
    const pageBodies = timings.reduce((n, t) => n + t.body, 0);
    const install = proxy.received() - pageBodies - pageHeaders;
    const summary = [
      `page (Resource Timing transferSize): JavaScript ${kb(pageJs)}, all ${kb(pageAll)} in ${timings.length} responses`,
      `page bodies ${kb(pageBodies)} + HTTP/1.1 headers ${kb(pageHeaders)}`,
      `service worker install (script + precache), from the proxy's count: ${kb(install)}`,
      `every byte the server sent: ${kb(proxy.received())}`,
      ...timings.map((t) => `  ${kb(t.transfer).padStart(9)} ${t.path}`),
    ].join('\n');
    await test.info().attach('transfers.txt', { body: `${summary}\n`, contentType: 'text/plain' });
    console.log(summary);

    // The measurement saw the app load: its entry script, the signed rules, the precache.
    const entry = await page.evaluate(
      () => new URL(document.querySelector<HTMLScriptElement>('script[type="module"]')?.src ?? '/').pathname,
    );
    expect(entry).toMatch(/^\/assets\/.+\.js$/);
    expect(timings.some((t) => t.path === entry)).toBe(true);
    expect(timings.some((t) => t.path === '/v1/bundle')).toBe(true);
    // Home's start needs none of the other screens' strings (src/ui/i18n/id-later.ts).
    expect(timings.filter((t) => /\/id-later-[^/]*\.js$/.test(t.path))).toEqual([]);
    expect(responses.seen.some((r) => r.worker)).toBe(true);
    // Every file the build precompressed came compressed, to the page and to the service worker's precache
    // (a revalidation answered 304 moved no body).
    const dist = e2eEnv().dist;
    const plain = responses.seen.filter(
      (r) =>
        r.bodyBytes > 0 &&
        existsSync(join(dist, `${r.path === '/' ? '/index.html' : r.path}.br`)) &&
        r.encoding !== 'br',
    );
    expect(plain.map((r) => `${r.path} (${r.encoding})`)).toEqual([]);

    expect(pageJs, 'JavaScript transferred by the page').toBeLessThanOrEqual(JS_BUDGET_BYTES);
    expect(pageAll, 'everything transferred by the page').toBeLessThanOrEqual(TOTAL_BUDGET_BYTES);
    expect(app.errors).toEqual([]);
  } finally {
    proxy.close();
  }
});
