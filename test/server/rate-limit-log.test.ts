/**
 * Refusals are logged once and sampled: a client flooding the API gets one log line per window (the first
 * refusal, with the count left unlogged before it), and no request-log line per 429.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { type Db, openDb } from '../../server/db';
import { migrate } from '../../server/migrations';
import { LIMIT_LOG_WINDOW_MS, RefusalSampler } from '../../server/rate-limit';

const ORIGIN = 'http://127.0.0.1:41235';

interface LogLine {
  readonly msg: string;
  readonly status?: number;
  readonly route?: string;
  readonly suppressed?: number;
}

let root: string;
let db: Db;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-limit-log-'));
  db = await openDb({ dataDir: join(root, 'data') });
  await migrate(db);
}, 60_000);

afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('rate-limit logging', () => {
  it('a burst of refusals writes one log line, and no request line per 429', async () => {
    const lines: LogLine[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
    const app = createApp({
      db,
      dataDir: join(root, 'data'),
      distDir: join(root, 'dist'),
      demo: false,
      logger,
      rateLimit: { perSecond: 0.01, burst: 1 },
    });
    const post = () =>
      app.fetch(
        new Request(`${ORIGIN}/v1/checkins`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ items: [] }),
        }),
      );
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post()).status);
    expect(statuses).toEqual([200, 429, 429, 429, 429, 429]);
    expect(lines.filter((l) => l.msg === 'request').map((l) => l.status)).toEqual([200]);
    const limited = lines.filter((l) => l.msg === 'rate limited');
    expect(limited).toHaveLength(1);
    // The route pattern, never the request path (which can carry venue ids or short codes).
    expect(limited[0]).toMatchObject({ route: '/v1/checkins', suppressed: 0 });
    expect(lines).toHaveLength(2);
  });

  it('samples per client per window and reports what it left out', () => {
    let now = 0;
    const sampler = new RefusalSampler(LIMIT_LOG_WINDOW_MS, () => now);
    expect(sampler.note('a')).toBe(0);
    for (let i = 0; i < 4; i++) expect(sampler.note('a')).toBeUndefined();
    // Another client has its own window.
    expect(sampler.note('b')).toBe(0);
    now = LIMIT_LOG_WINDOW_MS - 1;
    expect(sampler.note('a')).toBeUndefined();
    now = LIMIT_LOG_WINDOW_MS;
    expect(sampler.note('a')).toBe(5);
    expect(sampler.note('a')).toBeUndefined();
  });
});
