/**
 * The real server process (server/main.ts): the `GET /v1/bundle` fast path on Node's http (same answer and
 * headers as the Hono route, gzip from memory), then graceful shutdown — after SIGTERM it accepts no new
 * connection, but an upload already in flight (its body still arriving) is answered and committed, then the
 * process exits 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import { checkInProofOf } from '../../src/core/checkin-upload';
import { freePort } from '../support/server-process';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let venueId: string;
let venueCode: string;
let child: ChildProcess | undefined;
let url: string;
let exited: Promise<number | null>;
let output = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'singgah-shutdown-'));
  claimDemoDir(dir, NOW - 60);
  const db = await openDb({ dataDir: dir });
  try {
    await migrate(db);
    await demoInit(dir, db, NOW - 60, 'http://127.0.0.1');
    [{ id: venueId, code: venueCode }] = await db.query<{ id: string; code: string }>(
      'select id, code from venues limit 1',
    );
  } finally {
    await db.close();
  }
  const port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SINGGAH_DATA_DIR: dir,
      SINGGAH_DIST: join(dir, 'no-dist'),
      SINGGAH_RATE_LIMIT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  exited = new Promise<number | null>((done) => child?.once('exit', (code) => done(code)));
  url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error(`server not healthy:\n${output}`);
    await sleep(100);
  }
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Raw GET without fetch's automatic decompression, to see exactly what the server sent. */
function rawGet(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(`${url}${path}`, { headers, agent: false });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

it('serves the bundle from memory on the fast path: security headers, gzip with its own ETag, 304 for either', async () => {
  const plain = await rawGet('/v1/bundle', {});
  expect(plain.status).toBe(200);
  expect(plain.headers['content-type']).toBe('application/json');
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.headers['cache-control']).toBe('no-cache');
  expect(plain.headers.vary).toBe('Accept-Encoding');
  expect(plain.headers['content-security-policy']).toMatch(/script-src 'self'/);
  expect(plain.headers['x-content-type-options']).toBe('nosniff');
  expect(JSON.parse(plain.body.toString('utf8'))).toHaveProperty('signatures');
  expect(plain.headers['content-length']).toBe(String(plain.body.length));

  const gz = await rawGet('/v1/bundle', { 'Accept-Encoding': 'br, gzip' });
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  expect(gz.body.length).toBeLessThan(plain.body.length);
  expect(gz.headers.etag).not.toBe(plain.headers.etag);

  for (const tag of [plain.headers.etag, gz.headers.etag]) {
    const again = await rawGet('/v1/bundle', { 'If-None-Match': String(tag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // The tag of the representation this request would get (it accepts no gzip): the plain one.
    expect(again.headers.etag).toBe(plain.headers.etag);
    // No Content-Length: 0 on a 304 (it would have to be the 200's length, RFC 9110 §8.6).
    expect(again.headers['content-length']).toBeUndefined();
    expect(again.headers['content-security-policy']).toBeDefined();
  }
});

it('finishes the request in flight after SIGTERM, refuses new connections, then exits 0', async () => {
  if (!child) throw new Error('no server');

  const id = 'f'.repeat(32);
  const body = JSON.stringify({
    items: [
      {
        id,
        op: 'checkin',
        venueId,
        at: NOW - 600,
        autoCheckOutAt: NOW + 3600,
        people: 1,
        proof: checkInProofOf(id, venueCode),
      },
    ],
  });
  const half = Math.floor(body.length / 2);
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${url}/v1/checkins`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      agent: false,
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    // Half the body now: the server has the request in hand and waits for the rest.
    req.write(body.slice(0, half));
    setTimeout(() => {
      child?.kill('SIGTERM');
      setTimeout(async () => {
        // Shutting down: no new connection is accepted while the old request is still open.
        const refused = await fetch(`${url}/healthz`).then(
          () => false,
          () => true,
        );
        expect(refused).toBe(true);
        req.end(body.slice(half));
      }, 500);
    }, 300);
  });

  const res = await response;
  expect(res.status).toBe(200);
  expect(JSON.parse(res.text)).toEqual({ results: [{ id, op: 'checkin', status: 'stored' }] });
  expect(await exited).toBe(0);

  // Committed before the database was closed.
  const db = await openDb({ dataDir: dir });
  try {
    expect(await db.query('select id from checkin_events')).toEqual([{ id }]);
  } finally {
    await db.close();
  }
});
