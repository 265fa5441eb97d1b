/**
 * Build of the app (page + service worker). Build-time inputs:
 *   SINGGAH_TRUST_FILE  the pinned root key(s) compiled into the app (default <SINGGAH_DATA_DIR>/keys/trust.json)
 *   SINGGAH_DATA_DIR    where `npx singgah demo-init` keeps its data (default .data)
 *   SINGGAH_DIST        output directory (default dist)
 *   SINGGAH_API_URL     dev server only: where to proxy /v1 and /healthz (e.g. http://127.0.0.1:8080)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

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

export default defineConfig({
  define: {
    __TRUST_ANCHOR__: JSON.stringify(anchor),
    __APP_VERSION__: JSON.stringify(pkg.version),
  },
  plugins: [
    preact(),
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
        id: '/',
        start_url: '/',
        scope: '/',
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
      },
      injectManifest: {
        // Every file the running build can request, the lazy zxing chunk included, so scanning works offline
        // and an update never strands a page asking for a chunk that is gone (ANCHORS: service worker updates).
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,woff2}'],
        // The plugin adds the web manifest itself (with its own revision): list each URL once.
        globIgnores: ['manifest.webmanifest'],
      },
    }),
  ],
  build: {
    outDir: process.env.SINGGAH_DIST ?? 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Keep everything a file: the server's CSP is `script-src 'self'; style-src 'self'` (no inline code).
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: api ? { proxy: { '/v1': api, '/healthz': api } } : {},
  preview: api ? { proxy: { '/v1': api, '/healthz': api } } : {},
});
