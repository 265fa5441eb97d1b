/**
 * Demo links come from the configured public origin (`SINGGAH_PUBLIC_ORIGIN`) or the address the server listens
 * on, never from the request's Host header: a hostile Host must not turn `/demo.json` or `/demo` into links to
 * another site.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import type { DemoJson } from '../../server/demo-page';
import { parsePublicOrigin, startServer } from '../../server/main';
import { migrate } from '../../server/migrations';

const NOW = Math.floor(Date.now() / 1000);
const HOSTILE = 'evil.example';
const PUBLIC = 'https://singgah.example';
const silent = pino({ level: 'silent' });

let root: string;
let dataDir: string;
let db: Db | undefined;

const linksOf = (demo: DemoJson) => [...demo.venues.map((v) => v.url), ...demo.certificates.map((c) => c.url)];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-demo-origin-'));
  dataDir = join(root, 'data');
  claimDemoDir(dataDir, NOW);
  db = await openDb({ dataDir });
  await migrate(db);
  await demoInit(dataDir, db, NOW, PUBLIC);
}, 120_000);

afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('demo links ignore the Host header', () => {
  it('use the configured public origin whatever Host the request names', async () => {
    if (!db) throw new Error('no database');
    const app = createApp({
      db,
      dataDir,
      distDir: join(root, 'dist'),
      demo: true,
      logger: silent,
      publicOrigin: PUBLIC,
    });
    const demo = (await (await app.fetch(new Request(`http://${HOSTILE}/demo.json`))).json()) as DemoJson;
    expect(linksOf(demo).length).toBeGreaterThan(0);
    for (const link of linksOf(demo)) expect(link.startsWith(`${PUBLIC}/`), link).toBe(true);
    const page = await (await app.fetch(new Request(`http://${HOSTILE}/demo`))).text();
    expect(page).not.toContain(HOSTILE);
  });

  it('without a configured origin, use the listening address, not Host', async () => {
    await db?.close(); // PGlite is single-process: hand the data dir over to the server
    db = undefined;
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      distDir: join(root, 'dist'),
      logger: silent,
    });
    try {
      // fetch() cannot set Host: send it with node:http.
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(`${server.url}/demo.json`, { headers: { Host: HOSTILE } }, (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      const demo = JSON.parse(body) as DemoJson;
      expect(linksOf(demo).length).toBeGreaterThan(0);
      for (const link of linksOf(demo)) expect(link.startsWith(`${server.url}/`), link).toBe(true);
      expect(body.includes(HOSTILE)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('SINGGAH_PUBLIC_ORIGIN must be an http(s) origin, nothing more', () => {
    expect(parsePublicOrigin(undefined)).toBeUndefined();
    expect(parsePublicOrigin('')).toBeUndefined();
    expect(parsePublicOrigin('https://singgah.example')).toBe('https://singgah.example');
    expect(parsePublicOrigin('https://singgah.example/')).toBe('https://singgah.example');
    expect(parsePublicOrigin('http://192.168.1.5:8080')).toBe('http://192.168.1.5:8080');
    for (const bad of [
      'singgah.example',
      'ftp://singgah.example',
      'https://singgah.example/app',
      'https://a@b.example',
    ]) {
      expect(() => parsePublicOrigin(bad), bad).toThrow(/SINGGAH_PUBLIC_ORIGIN/);
    }
  });
});
