/**
 * Migration 7 (notices by province and day) on a database holding notices: each takes its venue's province
 * (the first two digits of the venue's region), one whose venue is gone keeps none, and the server's day file lists
 * the notices of that province only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDb } from '../../server/db';
import { MIGRATIONS, migrate } from '../../server/migrations';
import { readNoticeFile } from '../../server/notices';
import { dayOf } from '../../src/core/notice-files';

const root = mkdtempSync(join(tmpdir(), 'singgah-notice-province-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('gives stored notices their venue’s province; a notice of an unregistered venue gets none', async () => {
  const db = await openDb({ dataDir: join(root, 'data') });
  try {
    const before = MIGRATIONS.findIndex((m) => m.name === 'notices by province and day');
    await migrate(db, MIGRATIONS.slice(0, before));
    const at = 1_795_420_800;
    for (const [id, region, short] of [
      ['SAMARIND', '6472', 'AAAAAAAAA'],
      ['SEMARANG', '3374', 'BBBBBBBBB'],
    ]) {
      await db.query(
        `insert into venues (id, name, address, category, region, capacity, stay_minutes, code, short_code_body)
         values ($1, 'venue', 'street', 'gov', $2, 10, 60, '0000', $3)`,
        [id, region, short],
      );
    }
    for (const [seq, venue] of [
      [1, 'SAMARIND'],
      [2, 'SEMARANG'],
      [3, 'GONE0001'],
    ] as const) {
      await db.query(
        `insert into notices (seq, payload, sig, venue_id, window_from, window_to, issued_at)
         values ($1, 'p', 's', $2, $3, $4, $4)`,
        [seq, venue, at - 3600, at],
      );
    }
    expect(await migrate(db)).toContain(MIGRATIONS[before].version);
    const rows = await db.query<{ seq: string | number; province: string | null }>(
      'select seq, province from notices order by seq',
    );
    expect(rows.map((r) => [Number(r.seq), r.province])).toEqual([
      [1, '64'],
      [2, '33'],
      [3, null],
    ]);
    const kaltim = await readNoticeFile(db, '64', dayOf(at), 0);
    expect(kaltim.notices.map((n) => n.seq)).toEqual([1]);
  } finally {
    await db.close();
  }
}, 120_000);
