/**
 * Once per e2e run: a fresh demo authority in a temporary data dir, and the app built against its
 * root key (the trust anchor is compiled in). Specs start the server themselves (server-process.ts)
 * so they can stop it to go offline. Paths reach the workers through the environment.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export default function globalSetup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'singgah-e2e-'));
  // A build of its own per run: concurrent runs (two terminals, a helper) must not rebuild each other's app.
  const distDir = mkdtempSync(join(tmpdir(), 'singgah-e2e-dist-'));
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    execFileSync(args[0], args.slice(1), { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  run([process.execPath, 'bin/singgah.mjs', 'demo-init', '--data-dir', dataDir]);
  run([process.execPath, 'node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    SINGGAH_DATA_DIR: dataDir,
    SINGGAH_DIST: distDir,
  });
  process.env.SINGGAH_E2E_DATA = dataDir;
  process.env.SINGGAH_E2E_DIST = distDir;
  return () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(distDir, { recursive: true, force: true });
  };
}
