/**
 * Vite plugin: brotli and gzip copies of every built file that they make smaller (`X.br`, `X.gz`; at the
 * highest settings, server/precompress.ts), for the server to send by Accept-Encoding (server/routes/static.ts).
 * It runs last, after vite-plugin-pwa has written sw.js, so the service worker is compressed too; the precache
 * manifest lists the originals only (its globs match no `.br` / `.gz`), whose revisions the copies leave alone.
 */
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { precompressDir } from '../server/precompress';

export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'singgah-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        const r = await precompressDir(outDir);
        const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
        this.info(
          `precompressed ${r.written} copies of ${r.files} files (brotli: ${kb(r.originalBytes)} → ${kb(r.brotliBytes)})`,
        );
      },
    },
  };
}
