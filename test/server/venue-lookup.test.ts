/**
 * GET /v1/venues/by-code/:short against a real PGlite database that starts at schema version 1 with venues
 * in it (so migration 2's SQL backfill is checked against core's shortCodeBody), then demo-init's venues.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { readPublishedBundle, registerVenue } from '../../server/authority';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { listDemoVenues } from '../../server/demo-listing';
import { MIGRATIONS, migrate } from '../../server/migrations';
import type { VenueByCode } from '../../server/routes/venue-lookup';
import {
  formatShortCode,
  parseShortCode,
  SHORT_CODE_ALPHABET,
  shortCodeBody,
  shortCodeOf,
} from '../../src/core/short-code';
import { decodeVenue, verifyVenue } from '../../src/core/venue';

const NOW = Math.floor(Date.now() / 1000);
const ORIGIN = 'http://127.0.0.1:41235';
// Ids as version 1 stored them, and odd ones: the backfill must hash the UTF-8 bytes exactly as core does.
const OLD_IDS = ['0a1b2c3d4e5f6071', 'kantor-gubernur', 'ünïcødé-✓', 'x'];

let root: string;
let db: Db;
let app: ReturnType<typeof createApp>;

const get = (path: string) => app.fetch(new Request(`${ORIGIN}${path}`));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-lookup-'));
  claimDemoDir(join(root, 'data'), NOW);
  db = await openDb({ dataDir: join(root, 'data') });
  await migrate(db, MIGRATIONS.slice(0, 1));
  for (const id of OLD_IDS) {
    await db.query(
      // Flagged demo: demo-init refuses a database holding venues it did not make.
      `insert into venues (id, name, address, category, region, capacity, stay_minutes, code, demo)
       values ($1, 'old venue', 'old street', 'gov', '64', 10, 60, '0000', true)`,
      [id],
    );
  }
  expect(await migrate(db)).toContain(2);
  await demoInit(join(root, 'data'), db, NOW, ORIGIN);
  app = createApp({
    db,
    dataDir: join(root, 'data'),
    distDir: join(root, 'dist'),
    demo: true,
    publicOrigin: ORIGIN,
    logger: pino({ level: 'silent' }),
  });
}, 60_000);

afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('migration 2', () => {
  it('backfills every existing venue with the short code body core derives from its id', async () => {
    const rows = await db.query<{ id: string; short_code_body: string }>(
      'select id, short_code_body from venues where id = any($1)',
      [OLD_IDS],
    );
    expect(rows).toHaveLength(OLD_IDS.length);
    for (const r of rows) expect(r.short_code_body).toBe(shortCodeBody(r.id));
  });

  it('refuses a second venue with the same short code body', async () => {
    await expect(
      db.query(
        `insert into venues (id, name, address, category, region, capacity, stay_minutes, code, short_code_body)
         values ('another', 'n', 'a', 'gov', '64', 1, 60, '0', $1)`,
        [shortCodeBody('x')],
      ),
    ).rejects.toThrow(/unique|duplicate/i);
  });
});

describe('GET /v1/venues/by-code/:short', () => {
  it('finds a demo venue by its printed code, typed any way, and answers with signed digits that verify', async () => {
    const [venue] = await listDemoVenues(db);
    const printed = formatShortCode(shortCodeOf(venue.id));
    const bundle = readPublishedBundle(join(root, 'data'))?.payload;
    if (!bundle) throw new Error('demo-init published no bundle');
    for (const typed of [printed, printed.toLowerCase(), printed.replace('-', '')]) {
      const res = await get(`/v1/venues/by-code/${encodeURIComponent(typed)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as VenueByCode;
      expect(body).toEqual({ code: venue.code });
      const decoded = decodeVenue(body.code);
      expect(decoded.ok && decoded.value.venue.id).toBe(venue.id);
      expect(decoded.ok && verifyVenue(decoded.value, bundle).ok).toBe(true);
    }
  });

  it('finds a venue registered after the migration (registration stores the body and returns the code)', async () => {
    const registered = await registerVenue(
      db,
      join(root, 'data'),
      {
        name: 'Warung Bu Sri',
        address: 'Jl. Pahlawan 3',
        category: 'gov',
        region: '64',
        capacity: 20,
        stayMinutes: 30,
      },
      NOW,
      { origin: ORIGIN },
    );
    expect(registered.shortCode).toBe(formatShortCode(shortCodeOf(registered.venue.id)));
    const res = await get(`/v1/venues/by-code/${registered.shortCode}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as VenueByCode).code).toBe(registered.code);
  });

  it('answers 404 VENUE_NOT_FOUND for a well-formed code no venue has', async () => {
    const unknown = shortCodeOf('no-such-venue');
    expect(parseShortCode(unknown).ok).toBe(true);
    const res = await get(`/v1/venues/by-code/${unknown}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VENUE_NOT_FOUND');
  });

  it.each([
    ['abc', 'SHORT_CODE_MALFORMED'],
    ['ABCDE-FGHJU', 'SHORT_CODE_MALFORMED'],
    ['%27%3B%20drop%20table%20venues', 'SHORT_CODE_MALFORMED'],
    ['A'.repeat(200), 'SHORT_CODE_MALFORMED'],
  ])('answers 400 for %j with %s', async (typed, code) => {
    const res = await get(`/v1/venues/by-code/${typed}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('answers 400 SHORT_CODE_MISTYPED when one character of a real code is wrong', async () => {
    const [venue] = await listDemoVenues(db);
    const code = shortCodeOf(venue.id);
    const wrong = SHORT_CODE_ALPHABET[(SHORT_CODE_ALPHABET.indexOf(code[3]) + 1) % 32];
    const res = await get(`/v1/venues/by-code/${code.slice(0, 3)}${wrong}${code.slice(4)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SHORT_CODE_MISTYPED');
  });
});
