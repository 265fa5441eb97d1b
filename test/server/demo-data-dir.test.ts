/**
 * The demo never touches an authority it did not create (docs/SECURITY.md): `demo-init` runs only in a data
 * directory carrying the marker it wrote when it found that directory empty or absent, and refuses — exit 1,
 * not one byte changed — anywhere else, even in its own directory once keys it did not make are there. The
 * server never creates keys or a trust anchor: `npm start` (the demo) refuses a production directory, the
 * production start (`npm run serve`, server/main.ts) serves what the CLI published with the demo pages off, and
 * with no trust anchor it does not start at all. On a fresh clone `npm start` still sets up the demo, every time.
 * The real processes run: bin/singgah.mjs, scripts/start.mjs and server/main.ts as children.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import type { DemoJson } from '../../server/demo-page';
import { DEMO_POLICY } from '../support/cli-authority';
import { runCli } from '../support/e2e-data';
import { type ServerProcessOptions, startServerProcess } from '../support/server-process';

/** Every entry under `dir`: path, type, mode and content hash (a link's target), sorted. */
function snapshotTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const entries: string[] = [];
  const walk = (path: string) => {
    const info = lstatSync(path);
    const name = relative(dir, path) || '.';
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isSymbolicLink()) entries.push(`${name} link ${readlinkSync(path)}`);
    else if (info.isDirectory()) {
      entries.push(`${name} dir ${mode}`);
      for (const child of readdirSync(path)) walk(join(path, child));
    } else {
      const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
      entries.push(`${name} file ${mode} ${hash}`);
    }
  };
  walk(dir);
  return entries.sort();
}

/**
 * How a start that should be refused ends: its output when the process exits before listening, else `started`
 * (after stopping it, so nothing outlives the test).
 */
function refusal(dir: string, options: ServerProcessOptions = {}): Promise<string> {
  return startServerProcess(dir, dist, undefined, { readyWithinMs: 60_000, ...options }).then(
    async (server) => {
      await server.stop();
      return 'started';
    },
    (e: Error) => e.message,
  );
}

let root: string;
/** A production authority: keys under a passphrase, the policy signed and published. */
let production: string;
let passphraseFile: string;
/** A prebuilt app stand-in, so `npm start` skips `vite build` (SINGGAH_SKIP_BUILD=1). */
let dist: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'singgah-demo-dir-'));
  production = join(root, 'production');
  passphraseFile = join(root, 'passphrase');
  writeFileSync(passphraseFile, 'a long production passphrase for the test\n', { mode: 0o600 });
  runCli(production, ['--passphrase-file', passphraseFile, 'keys', 'create']);
  runCli(production, ['--passphrase-file', passphraseFile, 'bundle', 'sign', DEMO_POLICY]);
  dist = join(root, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Singgah</title>');
}, 120_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A server's copy of the production authority: only what it publishes and the public trust anchor. */
function publishedOnlyCopy(name: string): string {
  const dir = join(root, name);
  cpSync(join(production, 'published'), join(dir, 'published'), { recursive: true });
  mkdirSync(join(dir, 'keys'), { mode: 0o700 });
  cpSync(join(production, 'keys', 'trust.json'), join(dir, 'keys', 'trust.json'));
  return dir;
}

describe('demo-init runs only in a directory it created', () => {
  it('refuses a production data directory (keys, bundle, passphrase given) and changes no byte', () => {
    const before = snapshotTree(production);
    expect(before.some((e) => e.startsWith('keys/root-'))).toBe(true);
    expect(() => runCli(production, ['--passphrase-file', passphraseFile, 'demo-init'])).toThrow(
      /not a demo data directory/,
    );
    expect(snapshotTree(production)).toEqual(before);
  });

  it('refuses its own directory once keys it did not make are there (keys create --force), changing no byte', () => {
    const dir = join(root, 'demo-then-production');
    runCli(dir, ['demo-init']);
    expect(existsSync(join(dir, 'demo-marker.json'))).toBe(true);
    runCli(dir, ['keys', 'create', '--force']);
    const before = snapshotTree(dir);
    expect(() => runCli(dir, ['demo-init'])).toThrow(/not made by demo-init/);
    expect(snapshotTree(dir)).toEqual(before);
  }, 180_000);

  it("refuses an authority's database (DATABASE_URL at it, a fresh demo directory) before writing to it", async () => {
    runCli(production, [
      '--passphrase-file',
      passphraseFile,
      'venue',
      'register',
      ...['--name', 'Pasar Segiri', '--address', 'Jl. Pasar Segiri, Samarinda', '--category', 'mall'],
      ...['--region', '6472', '--capacity', '300', '--stay', '60'],
    ]);
    const demoDir = join(root, 'demo-on-production-db');
    const now = Math.floor(Date.now() / 1000);
    claimDemoDir(demoDir, now);
    const db = await openDb({ dataDir: production });
    try {
      const rows = () =>
        db.query('select id, name, demo from venues union all select id, kind, demo from issued_certificates');
      const before = await rows();
      expect(before).toHaveLength(1);
      await expect(demoInit(demoDir, db, now)).rejects.toMatchObject({ code: 'DEMO_DATABASE_REFUSED' });
      expect(await rows()).toEqual(before);
    } finally {
      await db.close();
    }
    // The directory itself stays the demo's: no key was made for a database the demo may not write.
    expect(existsSync(join(demoDir, 'keys'))).toBe(false);
  }, 120_000);

  it('refuses a directory holding anything at all without its marker', () => {
    const dir = join(root, 'not-empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'an operator file');
    const before = snapshotTree(dir);
    expect(() => runCli(dir, ['demo-init'])).toThrow(/not a demo data directory/);
    expect(snapshotTree(dir)).toEqual(before);
  });
});

describe('the server never creates keys or a trust anchor', () => {
  it('npm start on a server holding only published files and trust.json refuses, naming the production start; no byte changes', async () => {
    const dir = publishedOnlyCopy('server-npm-start');
    const before = snapshotTree(dir);
    const outcome = await refusal(dir, {
      entry: 'scripts/start.mjs',
      env: { SINGGAH_SKIP_BUILD: '1' },
      readyWithinMs: 60_000,
    });
    expect(outcome).toMatch(/server exited \(1\)/);
    expect(outcome).toMatch(/not a demo data directory/);
    expect(outcome).toContain('npm run serve');
    expect(snapshotTree(dir)).toEqual(before);
  }, 120_000);

  it('the production start (server/main.ts, npm run serve) serves the published bundle with the demo off; keys/ and published/ unchanged', async () => {
    const dir = publishedOnlyCopy('server-serve');
    const keysBefore = snapshotTree(join(dir, 'keys'));
    const publishedBefore = snapshotTree(join(dir, 'published'));
    const server = await startServerProcess(dir, dist, undefined, { readyWithinMs: 60_000 });
    try {
      const bundle = await fetch(`${server.url}/v1/bundle`, { headers: { 'Accept-Encoding': 'identity' } });
      expect(bundle.status).toBe(200);
      expect(await bundle.text()).toBe(readFileSync(join(production, 'published', 'bundle.json'), 'utf8'));
      expect((await fetch(`${server.url}/demo.json`)).status).toBe(404);
      expect((await fetch(`${server.url}/demo.css`)).status).toBe(404);
      // `/demo` is then an app path like any other: the app's page, not the demo's.
      expect(await (await fetch(`${server.url}/demo`)).text()).toBe(readFileSync(join(dist, 'index.html'), 'utf8'));
    } finally {
      await server.stop();
    }
    expect(snapshotTree(join(dir, 'keys'))).toEqual(keysBefore);
    expect(snapshotTree(join(dir, 'published'))).toEqual(publishedBefore);
    expect(existsSync(join(dir, 'demo-marker.json'))).toBe(false);
  }, 120_000);

  it('asking for the demo (SINGGAH_DEMO=1) on a directory the demo did not create stops the server at start', async () => {
    const dir = publishedOnlyCopy('server-demo-asked');
    const outcome = await refusal(dir, { env: { SINGGAH_DEMO: '1' } });
    expect(outcome).toMatch(/server exited \(1\)/);
    expect(outcome).toMatch(/not a demo data directory/);
  });

  it('with no trust anchor the server does not start, names singgah keys create, and writes no key', async () => {
    const dir = join(root, 'server-no-trust');
    cpSync(join(production, 'published'), join(dir, 'published'), { recursive: true });
    const outcome = await refusal(dir);
    expect(outcome).toMatch(/server exited \(1\)/);
    expect(outcome).toContain('singgah keys create');
    expect(existsSync(join(dir, 'keys'))).toBe(false);
  });
});

describe('npm start on a fresh clone', () => {
  it('creates the demo in a new data dir (with its marker) and starts again on it', async () => {
    const dir = join(root, 'fresh-clone-data');
    for (const run of ['first', 'second']) {
      const server = await startServerProcess(dir, dist, undefined, {
        entry: 'scripts/start.mjs',
        env: { SINGGAH_SKIP_BUILD: '1' },
        readyWithinMs: 60_000,
      });
      try {
        const demo = (await (await fetch(`${server.url}/demo.json`)).json()) as DemoJson;
        expect(demo.venues, run).toHaveLength(4);
        expect(demo.certificates.length, run).toBeGreaterThan(0);
      } finally {
        await server.stop();
      }
      expect(existsSync(join(dir, 'demo-marker.json')), run).toBe(true);
    }
  }, 240_000);
});
