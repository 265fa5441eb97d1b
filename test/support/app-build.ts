/**
 * Builds of the app for tests and scripts that need one of their own: a second build to deploy over the
 * first (update safety), or a build for a throw-away demo authority (screenshots, Lighthouse) — and the
 * formatting of the docs those scripts write.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `vite build` pinned to `dataDir`'s trust anchor into `distDir`; `env` adds build inputs (vite.config.ts). */
export function buildApp(dataDir: string, distDir: string, env: Readonly<Record<string, string>> = {}): void {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...env, SINGGAH_DATA_DIR: dataDir, SINGGAH_DIST: distDir },
  });
}

/** `singgah demo-init` into a fresh data dir: keys, signed bundle, demo venues and certificates. */
export function initDemo(dataDir: string): void {
  execFileSync(process.execPath, ['bin/singgah.mjs', 'demo-init', '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** Biome's formatting of a generated Markdown file (aligned tables), so `biome check .` stays clean. */
export function formatMarkdown(file: string): void {
  execFileSync(process.execPath, ['node_modules/@biomejs/biome/bin/biome', 'format', '--write', file], {
    cwd: ROOT,
    stdio: 'ignore',
  });
}
