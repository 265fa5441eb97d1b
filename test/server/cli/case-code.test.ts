/**
 * `singgah case create` as the operator runs it: a child process, a temp data dir, real PGlite. The printed
 * code is never stored — only its SHA-256 — and it works once against the server's case upload.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../../server/app';
import { hashCaseCode, normaliseCaseCode } from '../../../server/case-codes';
import { openDb } from '../../../server/db';
import { claimDemoDir, demoInit } from '../../../server/demo';

const BIN = resolve(import.meta.dirname, '../../../bin/singgah.mjs');

function singgah(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DATABASE_URL: '' }, timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'singgah-case-cli-'));
  // The demo set-up below completes this data dir: it must be the demo's from the start.
  claimDemoDir(dataDir, Math.floor(Date.now() / 1000));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('prints a fresh XXXX-XXXX-XXXX code, stores only its hash with the expiry, and rejects a bad --ttl-hours', async () => {
  const before = Math.floor(Date.now() / 1000);
  const made = await singgah(['--data-dir', dataDir, 'case', 'create', '--ttl-hours', '48']);
  expect(made.stderr).toBe('');
  expect(made.code).toBe(0);
  const code = made.stdout.split('\n')[0];
  expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  const second = await singgah(['--data-dir', dataDir, 'case', 'create']);
  expect(second.stdout.split('\n')[0]).not.toBe(code);

  for (const ttl of ['0', '721', 'x']) {
    const bad = await singgah(['--data-dir', dataDir, 'case', 'create', '--ttl-hours', ttl]);
    expect(bad.code, ttl).toBe(1);
    expect(bad.stderr).toMatch(/--ttl-hours/);
  }

  const db = await openDb({ dataDir });
  try {
    const rows = await db.query<{ hash: string; expires_at: string | number; created_at: string | number }>(
      'select hash, created_at, expires_at from case_codes order by expires_at desc',
    );
    expect(rows).toHaveLength(2);
    const normalised = normaliseCaseCode(code) ?? '';
    expect(rows[0].hash).toBe(hashCaseCode(normalised));
    expect(JSON.stringify(rows)).not.toContain(normalised);
    expect(Number(rows[0].expires_at) - Number(rows[0].created_at)).toBe(48 * 3600);
    expect(Number(rows[0].created_at)).toBeGreaterThanOrEqual(before);
    expect(Number(rows[1].expires_at) - Number(rows[1].created_at)).toBe(24 * 3600);

    // The code works against the server once. A server that cannot sign notices leaves it unused.
    const app = createApp({ db, dataDir, distDir: dataDir, demo: false, logger: pino({ level: 'silent' }) });
    const upload = () =>
      app.fetch(
        new Request('http://127.0.0.1/v1/cases', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ code, visits: [] }),
        }),
      );
    const noKey = await upload();
    expect(noKey.status).toBe(503);
    expect(((await noKey.json()) as { error: { code: string } }).error.code).toBe('NOTICES_KEY_MISSING');
    await demoInit(dataDir, db, Math.floor(Date.now() / 1000) - 60, 'http://127.0.0.1');
    expect(await (await upload()).json()).toEqual({ notices: 0 });
    expect(((await (await upload()).json()) as { error: { code: string } }).error.code).toBe('CASE_CODE_USED');
  } finally {
    await db.close();
  }
});
