/**
 * `singgah bundle sign` refuses a policy whose rule reads a field the rule data does not have (it would
 * evaluate as null and fail open), explains why and what rules may read, and publishes nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedBundlePath } from '../../../server/authority';

const BIN = resolve(import.meta.dirname, '../../../bin/singgah.mjs');
const POLICY = resolve(import.meta.dirname, '../../../server/demo/policy.json');

function singgah(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, '--data-dir', dataDir, ...args],
      { env: { ...process.env, DATABASE_URL: '' }, timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'singgah-rule-vars-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('refuses a status rule reading person.latestPositiv, explains it, publishes nothing; the real policy signs', async () => {
  expect((await singgah(['keys', 'create'])).code).toBe(0);
  const policy = JSON.parse(readFileSync(POLICY, 'utf8'));
  const misspelled = JSON.stringify(policy.statusRules).replaceAll('person.latestPositive', 'person.latestPositiv');
  expect(misspelled).toContain('person.latestPositiv"');
  const bad = join(dataDir, 'misspelled.json');
  writeFileSync(bad, JSON.stringify({ ...policy, statusRules: JSON.parse(misspelled) }));

  const refused = await singgah(['bundle', 'sign', bad]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('RULE_VAR_UNKNOWN');
  expect(refused.stderr).toContain('"person.latestPositiv"');
  expect(refused.stderr).toMatch(/fail open/);
  expect(refused.stderr).toContain('person.latestPositive.sampleTime');
  expect(refused.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  expect(existsSync(publishedBundlePath(dataDir))).toBe(false);

  const signed = await singgah(['bundle', 'sign', POLICY]);
  expect(signed.code, signed.stderr).toBe(0);
  expect(existsSync(publishedBundlePath(dataDir))).toBe(true);
});
