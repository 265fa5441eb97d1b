/**
 * E2E specs that change the authority (new venues, certificates, bundles) work on their own copy of the
 * global-setup data dir: same keys, so the prebuilt app in dist-e2e trusts it. PGlite allows one process
 * per data dir, so CLI commands run while that copy's server is stopped; `signingKey` lets a test sign
 * objects the CLI would refuse (e.g. control characters) directly with core.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromBase64Url } from '../../src/core/bytes';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface E2eEnv {
  /** The global-setup data dir (do not modify: copy it). */
  readonly data: string;
  /** The app build pinned to that data dir's trust.json. */
  readonly dist: string;
}

export function e2eEnv(): E2eEnv {
  const data = process.env.SINGGAH_E2E_DATA;
  const dist = process.env.SINGGAH_E2E_DIST;
  if (!data || !dist) throw new Error('global setup did not run (SINGGAH_E2E_DATA / SINGGAH_E2E_DIST unset)');
  return { data, dist };
}

/** A private copy of the global-setup data dir (keys, published bundle, database). */
export function copyDataDir(prefix: string): string {
  const copy = mkdtempSync(join(tmpdir(), `singgah-${prefix}-`));
  cpSync(e2eEnv().data, copy, { recursive: true });
  return copy;
}

/** Run `singgah --data-dir <dir> <args…>` and return its stdout (throws with stderr on failure). */
export function runCli(dataDir: string, args: readonly string[]): string {
  try {
    return execFileSync(process.execPath, ['bin/singgah.mjs', '--data-dir', dataDir, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`singgah ${args.slice(0, 2).join(' ')} failed: ${err.stderr || err.message}`);
  }
}

/** The `<digits>` of the first `/v#…` or `/c#…` link the CLI printed. */
export function codeFromCliOutput(output: string, kind: 'v' | 'c'): string {
  const m = new RegExp(`/${kind}#(\\d+)`).exec(output);
  if (!m) throw new Error(`no /${kind}# link in CLI output:\n${output}`);
  return m[1];
}

/** The newest key of a role from `<dir>/keys/<role>-<kid>.json` ({kid, role, publicKey, secretKey, createdAt}). */
export function signingKey(
  dataDir: string,
  role: 'venue' | 'certificate',
): { readonly kid: string; readonly secretKey: Uint8Array } {
  const dir = join(dataDir, 'keys');
  const keys = readdirSync(dir)
    .filter((name) => name.startsWith(`${role}-`) && name.endsWith('.json'))
    .map(
      (name) =>
        JSON.parse(readFileSync(join(dir, name), 'utf8')) as { kid: string; secretKey: string; createdAt: number },
    )
    .sort((a, b) => b.createdAt - a.createdAt);
  const key = keys[0];
  const secretKey = key ? fromBase64Url(key.secretKey) : undefined;
  if (!key || secretKey?.length !== 64) throw new Error(`no usable ${role} key in ${dir}`);
  return { kid: key.kid, secretKey };
}

export const repoPath = (...parts: string[]) => join(ROOT, ...parts);

/** The payload of `<dir>/published/bundle.json` (what `/v1/bundle` serves), unverified. */
export function publishedBundle(dataDir: string): { version: number; issuedAt: number; expiresAt: number } {
  const envelope = JSON.parse(readFileSync(join(dataDir, 'published', 'bundle.json'), 'utf8')) as { payload: string };
  const bytes = fromBase64Url(envelope.payload);
  if (!bytes) throw new Error('published bundle payload is not base64url');
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** An entry of the server's `/demo.json` (server/demo-page.ts). */
export interface DemoEntry {
  id: string;
  name?: string;
  holder?: string;
  kind?: string;
  url: string;
}

/** The Kaltim governor's office poster and Budi's vaccination certificate (the scanner benchmark; specs use the `demo` fixture). */
export async function demoLinks(serverUrl: string): Promise<{ office: DemoEntry; budi: DemoEntry }> {
  const demo: { venues: DemoEntry[]; certificates: DemoEntry[] } = await (await fetch(`${serverUrl}/demo.json`)).json();
  const office = demo.venues.find((v) => v.name === 'Kantor Gubernur Kalimantan Timur');
  const budi = demo.certificates.find((c) => c.holder === 'Budi Santoso' && c.kind === 'vaccination');
  if (!office || !budi) throw new Error('demo venue or certificate missing from /demo.json');
  return { office, budi };
}
