/**
 * Build of the app (page + service worker). Build-time inputs:
 *   SINGGAH_TRUST_FILE  the pinned root key(s) compiled into the app (default <SINGGAH_DATA_DIR>/keys/trust.json)
 *   SINGGAH_DATA_DIR    where `npx singgah demo-init` keeps its data (default .data)
 *   SINGGAH_DIST        output directory (default dist)
 *   SINGGAH_API_URL     where the dev server (`npm run dev`) proxies /v1, /healthz and /demo* (default
 *                       http://127.0.0.1:8080, the port `npm start` uses); `vite preview` proxies only when it is set
 *   SINGGAH_APP_VERSION overrides package.json's version (update tests build a recognisable "build 2")
 *   SINGGAH_ASSETS_DIR  folder of the hashed chunks (default assets; update tests move build 2's elsewhere so
 *                       none of build 1's chunk URLs exists on the server any more)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { precompress } from './scripts/precompress-plugin';
import { regionNames } from './scripts/regions-plugin';
import { startChunks } from './scripts/start-chunks.mjs';

interface TrustFile {
  /** Root version of these keys (1 if absent; `singgah keys rotate-root` raises it). */
  version: number;
  threshold: number;
  keys: { kid: string; publicKey: string }[];
}

const NO_ANCHOR = 'no trust anchor: run `npx singgah demo-init` (demo) or set SINGGAH_TRUST_FILE';

function readTrustAnchor(): TrustFile {
  const file = process.env.SINGGAH_TRUST_FILE ?? path.join(process.env.SINGGAH_DATA_DIR ?? '.data', 'keys/trust.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${NO_ANCHOR} (looked for ${path.resolve(file)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`trust anchor ${file} is not JSON`);
  }
  const t = json as Partial<TrustFile>;
  const keysOk =
    Array.isArray(t.keys) &&
    t.keys.length > 0 &&
    t.keys.every(
      (k) =>
        typeof k?.kid === 'string' &&
        /^[0-9a-f]{1,16}$/.test(k.kid) &&
        typeof k.publicKey === 'string' &&
        /^[A-Za-z0-9_-]{43}$/.test(k.publicKey),
    );
  const thresholdOk =
    Number.isInteger(t.threshold) && (t.threshold ?? 0) >= 1 && (t.threshold ?? 0) <= (t.keys?.length ?? 0);
  const version = t.version ?? 1;
  const versionOk = Number.isInteger(version) && version >= 1;
  if (!keysOk || !thresholdOk || !versionOk) {
    throw new Error(
      `trust anchor ${file} is malformed: expected {"version":v,"threshold":k,"keys":[{"kid":"<hex>","publicKey":"<base64url 32 bytes>"}]} with v >= 1 (optional) and 1 <= k <= keys`,
    );
  }
  return {
    version,
    threshold: t.threshold as number,
    keys: (t.keys ?? []).map(({ kid, publicKey }) => ({ kid, publicKey })),
  };
}

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
// Vitest may load this file when it has no config of its own: unit tests never use the build-time anchor.
const anchor: TrustFile = process.env.VITEST ? { version: 1, threshold: 1, keys: [] } : readTrustAnchor();
const api = process.env.SINGGAH_API_URL;
// The API routes the app and the demo page call; everything else is the app, served by Vite. `/demo` is a prefix:
// it covers /demo, /demo.css and /demo.json.
const proxyTo = (target: string) => ({ '/v1': target, '/healthz': target, '/demo': target });

export default defineConfig({
  define: {
    __TRUST_ANCHOR__: JSON.stringify(anchor),
    __APP_VERSION__: JSON.stringify(process.env.SINGGAH_APP_VERSION ?? pkg.version),
  },
  plugins: [
    preact(),
    regionNames(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      injectRegister: false,
      // The icons are precached by globPatterns already.
      includeManifestIcons: false,
      manifest: {
        name: 'Singgah',
        short_name: 'Singgah',
        description: 'Check-in tempat dan sertifikat kesehatan, juga tanpa sinyal.',
        lang: 'id',
        dir: 'ltr',
        // Scope `/` covers the `/v#…` and `/c#…` poster and certificate links (and `/V`, `/C`): an installed app
        // (an Android WebAPK, whose intent filters follow the scope) opens them itself; `handle_links` asks the
        // same of desktop Chromium, which ignores it until the URL-handling feature ships.
        id: '/',
        start_url: '/',
        scope: '/',
        handle_links: 'preferred',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0f766e',
        background_color: '#ffffff',
        categories: ['health', 'utilities'],
        icons: [
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // The install dialog's pictures (a phone, so `narrow`): copied from docs/screens by `npm run screens`.
        screenshots: [
          {
            src: '/screenshots/home.png',
            sizes: '360x640',
            type: 'image/png',
            form_factor: 'narrow',
            label: 'Beranda',
          },
          {
            src: '/screenshots/checkin.png',
            sizes: '360x640',
            type: 'image/png',
            form_factor: 'narrow',
            label: 'Check-in: keputusan per orang',
          },
        ],
        // Long-press on the installed icon: straight to the scanner, or to the pass for the guard.
        shortcuts: [
          {
            name: 'Pindai untuk check-in',
            short_name: 'Pindai',
            url: '/scan',
            icons: [{ src: '/icon-192.png', sizes: '192x192' }],
          },
          {
            name: 'Pas untuk petugas',
            short_name: 'Pas',
            url: '/pass',
            icons: [{ src: '/icon-192.png', sizes: '192x192' }],
          },
        ],
      },
      injectManifest: {
        // Every file the running build can request, the lazy zxing chunk included, so scanning works offline
        // and an update never strands a page asking for a chunk that is gone (ANCHORS: service worker updates).
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,woff2}'],
        // The plugin adds the web manifest itself (with its own revision): list each URL once.
        // sw-kill.js is the kill switch (copied over sw.js in an emergency, sw/README.md), never part of the app.
        // screenshots/ only serve the install dialog, online: not worth a phone's storage.
        globIgnores: ['manifest.webmanifest', 'sw-kill.js', 'screenshots/**'],
      },
    }),
    // Last: `.br` / `.gz` beside every built file, sw.js included (the server sends them by Accept-Encoding).
    precompress(),
  ],
  // The scanner's decode worker (src/scan/decode-worker.ts) is a module worker: an ES chunk, precached
  // like every other file by the glob below.
  worker: { format: 'es' },
  build: {
    outDir: process.env.SINGGAH_DIST ?? 'dist',
    assetsDir: process.env.SINGGAH_ASSETS_DIR ?? 'assets',
    emptyOutDir: true,
    target: 'es2022',
    // Keep everything a file: the server's CSP is `script-src 'self'; style-src 'self'` (no inline code).
    assetsInlineLimit: 0,
    // `.vite/manifest.json`: the chunk graph scripts/check-size.mjs reads to hold first-load JS to its budget.
    manifest: true,
    // index.html gets <link rel=modulepreload> for the entry's static imports only (the first load, nothing
    // lazy; check-size.mjs verifies it). Lazy chunks are preloaded when their import() runs. No polyfill: a
    // browser without modulepreload just fetches those modules through the import graph, which is correct.
    modulePreload: { polyfill: false },
    sourcemap: false,
    // What every visit loads at start in two files (the first paint; the model and Home's details), the rest
    // split by the bundler: scripts/start-chunks.mjs says why.
    rolldownOptions: { output: { codeSplitting: startChunks(import.meta.dirname) } },
  },
  server: { proxy: proxyTo(api ?? 'http://127.0.0.1:8080') },
  preview: api ? { proxy: proxyTo(api) } : {},
});
