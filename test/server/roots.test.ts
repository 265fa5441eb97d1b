/**
 * GET /v1/roots: the published root rotations, as the phones fetch them. Real keys and a real rotation
 * (server/authority/root-rotation.ts) in a temp data dir; no database is needed for these routes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { readPolicyFile, rotateRoot, signBundleFromPolicy } from '../../server/authority';
import type { Db } from '../../server/db';
import { DEMO_POLICY_FILE } from '../../server/demo';
import { createKeys, parseTrust, publishedRootsDir, readTrust, trustFilePath } from '../../server/keys';
import { verifyBundle } from '../../src/core/bundle';
import { walkRootChain } from '../../src/core/root';

const NOW = Math.floor(Date.now() / 1000);
const ORIGIN = 'http://127.0.0.1:41235';
const silent = pino({ level: 'silent' });
/** The roots and bundle routes never touch the database. */
const noDb = {} as Db;

let dataDir: string;
let app: ReturnType<typeof createApp>;
const get = (path: string, headers: Record<string, string> = {}) =>
  app.fetch(new Request(`${ORIGIN}${path}`, { headers }));

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'singgah-roots-'));
  createKeys(dataDir, NOW);
  signBundleFromPolicy(dataDir, readPolicyFile(DEMO_POLICY_FILE), NOW);
  app = createApp({ db: noDb, dataDir, distDir: join(dataDir, 'no-dist'), demo: false, logger: silent });
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /v1/roots', () => {
  it('answers [] before any rotation, as no-cache JSON with a strong ETag', async () => {
    const res = await get('/v1/roots');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(await res.json()).toEqual([]);
  });

  it('serves every published root file as its exact text, sorted by version; a phone walks them from root 1', async () => {
    const original = readTrust(dataDir);
    const bundleBefore = await get('/v1/bundle');
    expect(bundleBefore.status).toBe(200);
    const rotated = [rotateRoot(dataDir, NOW + 1), rotateRoot(dataDir, NOW + 2)];
    expect(rotated.map((r) => r.version)).toEqual([2, 3]);

    const res = await get('/v1/roots');
    expect(res.status).toBe(200);
    const roots = (await res.json()) as unknown[];
    expect(roots).toHaveLength(2);
    expect(roots).toEqual([2, 3].map((v) => readFileSync(join(publishedRootsDir(dataDir), `${v}.json`), 'utf8')));
    const walked = walkRootChain(original, roots as string[]);
    if (!walked.ok) throw new Error(walked.error.code);
    expect(walked.value.anchor.version).toBe(3);
    expect(walked.value.anchor).toEqual(parseTrust(readFileSync(trustFilePath(dataDir), 'utf8')));

    // The bundle is re-checked against the rotated trust.json (its cache follows trust.json too).
    const bundleAfter = await get('/v1/bundle');
    expect(bundleAfter.status).toBe(200);
    const text = await bundleAfter.text();
    expect(verifyBundle(text, walked.value.anchor).ok).toBe(true);
    expect(verifyBundle(text, original).ok).toBe(false);
  });

  it('revalidates with If-None-Match (304), and a new file changes the ETag', async () => {
    const first = await get('/v1/roots');
    const etag = first.headers.get('etag') as string;
    const again = await get('/v1/roots', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('no-cache');

    writeFileSync(join(publishedRootsDir(dataDir), '4.json'), '{"payload":"e30","signatures":[]}');
    const changed = await get('/v1/roots', { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    // Served as is: the phone, not the server, decides whether a root is valid.
    expect(((await changed.json()) as string[]).at(-1)).toBe('{"payload":"e30","signatures":[]}');
    rmSync(join(publishedRootsDir(dataDir), '4.json'));
  });

  it('orders versions numerically and skips what cannot be a root file', async () => {
    const dir = publishedRootsDir(dataDir);
    writeFileSync(join(dir, '10.json'), '"ten"');
    writeFileSync(join(dir, 'notes.txt'), 'not a root');
    writeFileSync(join(dir, '0.json'), '"zero"');
    writeFileSync(join(dir, '11.json'), 'x'.repeat(70_000));
    writeFileSync(join(dir, '12.json'), Buffer.from([0xff, 0xfe]));
    mkdirSync(join(dir, '13.json'));
    try {
      const roots = (await (await get('/v1/roots')).json()) as string[];
      expect(roots).toHaveLength(3);
      expect(roots[2]).toBe('"ten"');
    } finally {
      for (const f of ['10.json', 'notes.txt', '0.json', '11.json', '12.json', '13.json'])
        rmSync(join(dir, f), { recursive: true });
    }
  });
});
