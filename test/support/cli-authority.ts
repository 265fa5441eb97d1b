/**
 * The `singgah` CLI run in process (runCli: no child process, no tsx start-up) on a throwaway authority — a temp
 * folder whose data dir has fresh keys and the demo policy signed as the published bundle. The CLI tests that
 * check what the operator sees of a real process (exit codes, stdin, signals) spawn bin/singgah.mjs instead.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publishedBundlePath } from '../../server/authority';
import { runCli } from '../../server/cli';
import { readTrust } from '../../server/keys';
import { type BundlePayload, verifyBundle } from '../../src/core/bundle';

export const DEMO_POLICY = resolve(import.meta.dirname, '../../server/demo/policy.json');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `singgah --data-dir DATA_DIR ARGS…`, its output captured. */
export async function runCliIn(dataDir: string, args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--data-dir', dataDir, ...args], {
    out: (s) => {
      stdout += s;
    },
    err: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

/** The published bundle's payload, verified against the data dir's trust.json as a phone verifies it. */
export function publishedPayload(dataDir: string): BundlePayload {
  const verified = verifyBundle(readFileSync(publishedBundlePath(dataDir), 'utf8'), readTrust(dataDir));
  if (!verified.ok) throw new Error(verified.error.code);
  return verified.value.payload;
}

/**
 * A new temp folder `root` (for the test's own files; the caller removes it) holding the data dir `root/data`
 * with fresh keys (`keys create`) and the demo policy published (`bundle sign`).
 */
export async function createTestAuthority(prefix: string): Promise<{ root: string; dataDir: string }> {
  const root = mkdtempSync(join(tmpdir(), `singgah-${prefix}-`));
  const dataDir = join(root, 'data');
  for (const args of [
    ['keys', 'create'],
    ['bundle', 'sign', DEMO_POLICY],
  ]) {
    const run = await runCliIn(dataDir, args);
    if (run.code !== 0) throw new Error(`singgah ${args.join(' ')} → ${run.code}: ${run.stderr}`);
  }
  return { root, dataDir };
}
