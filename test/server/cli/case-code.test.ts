/**
 * `singgah case create` and `singgah case review` as the operator runs them: a child process, a temp data dir, real
 * PGlite. The printed code is never stored — only its SHA-256 — and it works once against the server's case upload;
 * the review lists the sealed report the server stored and publishes it.
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
import { sealCase } from '../../../src/core/case-seal';
import { sealedReport } from '../../support/sealed-case';

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
/** The code whose sealed report the first test stored (the second reviews it). */
let uploadedCode = '';
let uploadedVenue = '';
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

    // The code works against the server once. A server whose rules list no case key yet leaves it unused.
    const app = createApp({ db, dataDir, distDir: dataDir, demo: false, logger: pino({ level: 'silent' }) });
    const upload = (body: unknown) =>
      app.fetch(
        new Request('http://127.0.0.1/v1/cases', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    const blind = sealCase(
      { code: normaliseCaseCode(code) ?? '', visits: [] },
      { kid: '0000', publicKey: new Uint8Array(32).fill(9) },
      { ephemeralSecretKey: new Uint8Array(32).fill(1), nonce: new Uint8Array(24) },
    );
    const noKey = await upload({ code, sealed: blind.ok && blind.value });
    expect(noKey.status).toBe(503);
    expect(((await noKey.json()) as { error: { code: string } }).error.code).toBe('CASE_KEY_MISSING');
    await demoInit(dataDir, db, Math.floor(Date.now() / 1000) - 60, 'http://127.0.0.1');
    const venue = (await db.query<{ id: string }>('select id from venues order by id'))[0].id;
    const t = Math.floor(Date.now() / 1000) - 7200;
    const report = sealedReport(dataDir, code, [{ venueId: venue, from: t, to: t + 1800 }]);
    expect((await upload(report)).status).toBe(202);
    uploadedCode = code;
    uploadedVenue = venue;
    expect(((await (await upload(report)).json()) as { error: { code: string } }).error.code).toBe('CASE_CODE_USED');
  } finally {
    await db.close();
  }
}, 180_000);

it('case review lists the sealed report the server stored, publishes it with --approve-all, and knows no other', async () => {
  const code = uploadedCode;
  const listed = await singgah(['--data-dir', dataDir, 'case', 'review']);
  // The demo's key files are plain on purpose: only the warnings saying so may be on stderr.
  expect(listed.stderr.replace(/^warning: \S+ is unencrypted.*\n/gm, '')).toBe('');
  expect(listed.stdout).toMatch(/^1 sealed report pending review$/m);
  expect(listed.stdout).toContain(code);
  expect(listed.stdout).toContain(uploadedVenue);
  expect(listed.stdout).toMatch(/Nothing published/);
  const approved = await singgah(['--data-dir', dataDir, 'case', 'review', '--approve-all']);
  expect(approved.stdout).toMatch(/#1: published 1 notice \(seq 1–1\)/);
  const after = await singgah(['--data-dir', dataDir, 'case', 'review']);
  expect(after.stdout).toMatch(/^0 sealed reports pending review$/m);
  const unknown = await singgah(['--data-dir', dataDir, 'case', 'review', '--approve', '7']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/no pending report #7/);
}, 180_000);
