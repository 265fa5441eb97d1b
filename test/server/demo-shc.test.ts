/**
 * demo-init makes the demo's SMART Health Card issuer ("a visitor from Japan"): its key stays in the data dir's
 * keys folder (0600), the published bundle trusts it, and the card it signs verifies against that bundle with
 * the facts of two Pfizer doses. A second demo-init keeps the key and the bundle.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPublishedBundle } from '../../server/authority';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import { DEMO_SHC_ISS, demoShcIssuerPath, demoShcs } from '../../server/shc-issuer';
import { verifyShc } from '../../src/core/shc';

const NOW = Math.floor(Date.now() / 1000);
let root = '';
let dataDir = '';
let db: Db | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-demo-shc-'));
  dataDir = join(root, 'data');
  claimDemoDir(dataDir, NOW - 60);
  db = await openDb({ dataDir });
  await migrate(db);
  await demoInit(dataDir, db, NOW - 60);
}, 120_000);

afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the demo SMART Health Card', () => {
  it('is signed by a key kept in the data dir and trusted by the published bundle', async () => {
    expect(statSync(demoShcIssuerPath(dataDir)).mode & 0o777).toBe(0o600);
    const bundle = readPublishedBundle(dataDir)?.payload;
    expect(bundle?.shcIssuers?.map((i) => i.iss)).toEqual([DEMO_SHC_ISS]);
    const [card] = demoShcs(dataDir, NOW);
    expect(card.holder).toBe('Hanako Yamada');
    const verified = verifyShc({ qr: card.texts }, { at: NOW, issuers: bundle?.shcIssuers ?? [] });
    expect(verified.ok).toBe(true);
    if (!verified.ok) return;
    expect(verified.value.facts.map((f) => f.kind === 'vaccination' && [f.product, f.dose, f.doses])).toEqual([
      ['Pfizer', 1, 2],
      ['Pfizer', 2, 2],
    ]);
  });

  it('a second demo-init keeps the issuer and the bundle', async () => {
    if (!db) throw new Error('no database');
    const again = await demoInit(dataDir, db, NOW);
    expect(again.createdKeys).toEqual([]);
    expect(again.bundle.action).toBe('kept');
  });
});
