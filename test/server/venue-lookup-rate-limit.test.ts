/**
 * `GET /v1/venues/by-code/:short` sits behind the per-client rate limit like the other database-backed routes
 * (docs/FORMATS.md "Limits and rate limit"): a bounded burst past the bucket gets 429 with Retry-After.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { type Db, openDb } from '../../server/db';
import { migrate } from '../../server/migrations';
import { formatShortCode, shortCodeOf } from '../../src/core/short-code';

const ORIGIN = 'http://127.0.0.1:41235';
const BURST = 5;

let root: string;
let db: Db;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-lookup-limit-'));
  db = await openDb({ dataDir: join(root, 'data') });
  await migrate(db);
}, 60_000);

afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('GET /v1/venues/by-code rate limit', () => {
  it('answers within the burst, then 429 RATE_LIMITED with Retry-After', async () => {
    // A slow refill so the bucket cannot refill between requests of the burst, however loaded the machine.
    const app = createApp({
      db,
      dataDir: join(root, 'data'),
      distDir: join(root, 'dist'),
      demo: false,
      logger: pino({ level: 'silent' }),
      rateLimit: { perSecond: 0.01, burst: BURST },
    });
    const path = `/v1/venues/by-code/${formatShortCode(shortCodeOf('no-such-venue'))}`;
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < BURST + 3; i++) {
      const res = await app.fetch(new Request(`${ORIGIN}${path}`));
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    // Within the limit: looked up (no venue has this code → 404). Past it: refused before the database.
    expect(statuses).toEqual([...Array(BURST).fill(404), 429, 429, 429]);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited?.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
  });
});
