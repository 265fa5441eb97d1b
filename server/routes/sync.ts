/**
 * The sync API (docs/FORMATS.md "Sync API"): check-in upload, the notices feed, case upload, occupancy.
 * Request-level problems are a 4xx with a code and nothing stored; per-item problems of a check-in batch are
 * per-item results. Every database-backed route sits behind the per-client rate limit.
 */
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import * as v from 'valibot';
import type { BundlePolicy } from '../../src/core/bundle';
import { fromUtf8 } from '../../src/core/bytes';
import { MAX_NOTICE_WINDOW_SECONDS } from '../../src/core/notice';
import { identifier, parseWith, time, type UnixSeconds } from '../../src/core/schema';
import { readPublishedBundle } from '../authority';
import { checkCaseVisit, MAX_CASE_VISITS } from '../case-limits';
import { checkTime, ingestCheckIns, isIdentified, MAX_BATCH_ITEMS, readOccupancy } from '../checkins';
import type { Db } from '../db';
import { ifNoneMatchHits, jsonError } from '../http';
import { DEFAULT_NOTICES_PAGE, MAX_NOTICES_PAGE, NoticesKeyMissing, publishCase, readNotices } from '../notices';

export const MAX_SYNC_BODY_BYTES = 65_536;
const FLAG_LOG_INTERVAL_SECONDS = 3600;
/** Bounds the memory of logged venues; forgetting them only means one more log line each. */
const MAX_FLAGGED_VENUES = 10_000;

export interface SyncRoutesOptions {
  readonly db: Db;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly now: () => UnixSeconds;
  /** The per-client rate limit (server/rate-limit.ts), shared with the other database-backed routes. */
  readonly limited: MiddlewareHandler;
}

type Body = { ok: true; value: unknown } | { ok: false; response: Response };

/** Content type, strict UTF-8, JSON: the checks every POST body passes before its schema. */
async function readJson(c: Context): Promise<Body> {
  const type = c.req.header('Content-Type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return { ok: false, response: jsonError(c, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send Content-Type: application/json') };
  }
  const text = fromUtf8(new Uint8Array(await c.req.arrayBuffer()));
  if (text === undefined) return { ok: false, response: jsonError(c, 400, 'JSON_INVALID', 'body is not UTF-8') };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: jsonError(c, 400, 'JSON_INVALID', 'body is not JSON') };
  }
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** The one top-level field a request may carry besides those named, or undefined. */
const unknownField = (body: Record<string, unknown>, allowed: readonly string[]) =>
  Object.keys(body).find((k) => !allowed.includes(k));

const visitSchema = v.strictObject({ venueId: identifier, from: time, to: time });

/** `?after=` / `?limit=`: whole decimal numbers only, no other parameters, none repeated. */
function noticesParams(url: URL): { after: number; limit: number } | string {
  const keys = [...url.searchParams.keys()];
  const extra = keys.find((k) => k !== 'after' && k !== 'limit');
  if (extra !== undefined) return `unknown parameter ${JSON.stringify(extra)}`;
  if (new Set(keys).size !== keys.length) return 'a parameter is repeated';
  const whole = (name: string, fallback: number, min: number, max: number): number | string => {
    const raw = url.searchParams.get(name);
    if (raw === null) return fallback;
    const n = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : `${name} must be a whole number ${min}–${max}`;
  };
  const after = whole('after', 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = whole('limit', DEFAULT_NOTICES_PAGE, 1, MAX_NOTICES_PAGE);
  if (typeof after === 'string') return after;
  if (typeof limit === 'string') return limit;
  return { after, limit };
}

export function syncRoutes(options: SyncRoutesOptions): Hono {
  const { db, dataDir, logger, now } = options;
  const app = new Hono();

  const { limited } = options;
  const smallBody = bodyLimit({
    maxSize: MAX_SYNC_BODY_BYTES,
    onError: (c) => jsonError(c, 413, 'BODY_TOO_LARGE', `request body over ${MAX_SYNC_BODY_BYTES} bytes`),
  });

  app.post('/v1/checkins', limited, smallBody, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    if (!isPlainObject(body.value)) return jsonError(c, 400, 'REQUEST_WRONG_TYPE', 'body must be {"items": [...]}');
    const extra = unknownField(body.value, ['items']);
    if (extra !== undefined)
      return jsonError(c, 400, 'REQUEST_UNKNOWN_FIELD', `unknown field ${JSON.stringify(extra)}`);
    const items = body.value.items;
    if (!Array.isArray(items)) return jsonError(c, 400, 'REQUEST_WRONG_TYPE', 'items must be an array');
    if (items.length > MAX_BATCH_ITEMS) {
      return jsonError(c, 400, 'BATCH_TOO_LARGE', `at most ${MAX_BATCH_ITEMS} items per request`);
    }
    const bad = items.findIndex((item) => !isIdentified(item));
    if (bad >= 0) {
      return jsonError(
        c,
        400,
        'ITEM_UNIDENTIFIABLE',
        `items[${bad}] needs "id" (32 lowercase hex) and "op" ("checkin" or "checkout")`,
      );
    }
    const results = await ingestCheckIns(db, items.filter(isIdentified), now());
    const count = (s: string) => results.filter((r) => r.status === s).length;
    logger.debug(
      { stored: count('stored'), duplicate: count('duplicate'), rejected: count('rejected') },
      'check-ins received',
    );
    return c.json({ results });
  });

  app.get('/v1/notices', limited, async (c) => {
    const params = noticesParams(new URL(c.req.url));
    if (typeof params === 'string') return jsonError(c, 400, 'PARAM_INVALID', params);
    const page = await readNotices(db, params.after, params.limit);
    // Per URL, a page is fixed by where it ends and whether more follow (seqs commit in order, notices never
    // change); the last signature guards against a database that was reset and reused the numbers.
    const last = page.notices.at(-1)?.sig ?? '-';
    const tag = createHash('sha256').update(`${params.after}|${params.limit}|${page.next}|${page.more}|${last}`);
    const etag = `"${tag.digest('base64url').slice(0, 27)}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', 'no-cache');
    if (ifNoneMatchHits(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
    return c.json(page);
  });

  app.post('/v1/cases', limited, smallBody, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    if (!isPlainObject(body.value)) {
      return jsonError(c, 400, 'REQUEST_WRONG_TYPE', 'body must be {"code": "...", "visits": [...]}');
    }
    const extra = unknownField(body.value, ['code', 'visits']);
    if (extra !== undefined)
      return jsonError(c, 400, 'REQUEST_UNKNOWN_FIELD', `unknown field ${JSON.stringify(extra)}`);
    const { code, visits } = body.value;
    if (typeof code !== 'string') return jsonError(c, 400, 'REQUEST_WRONG_TYPE', 'code must be a string');
    if (!Array.isArray(visits)) return jsonError(c, 400, 'REQUEST_WRONG_TYPE', 'visits must be an array');
    if (visits.length > MAX_CASE_VISITS) {
      return jsonError(c, 400, 'BATCH_TOO_LARGE', `at most ${MAX_CASE_VISITS} visits per upload`);
    }
    const at = now();
    const checked = [];
    for (const [i, visit] of visits.entries()) {
      const r = parseWith(visitSchema, visit);
      if (!r.ok) {
        const code_ =
          r.error.code === 'PAYLOAD_UNKNOWN_FIELD'
            ? 'REQUEST_UNKNOWN_FIELD'
            : r.error.code === 'PAYLOAD_WRONG_TYPE'
              ? 'REQUEST_WRONG_TYPE'
              : r.error.code;
        return jsonError(c, 400, code_, `visits[${i}]: ${r.error.detail ?? r.error.code}`);
      }
      const { from, to } = r.value;
      if (!(from < to) || to - from > MAX_NOTICE_WINDOW_SECONDS) {
        return jsonError(c, 400, 'PAYLOAD_OUT_OF_RANGE', `visits[${i}]: need from < to, at most 14 days apart`);
      }
      const time_ = checkTime(from, at) ?? checkTime(to, at);
      if (time_) return jsonError(c, 400, time_, `visits[${i}]: outside what the server accepts`);
      checked.push(r.value);
    }
    const venueIds = [...new Set(checked.map((x) => x.venueId))];
    if (venueIds.length > 0) {
      const rows = await db.query<{ id: string; stay_minutes: number }>(
        'select id, stay_minutes from venues where id = any($1::text[])',
        [venueIds],
      );
      const stayOf = new Map(rows.map((r) => [r.id, Number(r.stay_minutes)]));
      const i = checked.findIndex((x) => !stayOf.has(x.venueId));
      if (i >= 0) return jsonError(c, 400, 'VENUE_UNKNOWN', `visits[${i}]: venue not registered here`);
      // The rules in force decide what a phone can have recorded; without them nothing can be signed either.
      const policy = publishedPolicy(dataDir);
      if (!policy) return jsonError(c, 503, 'NOTICES_KEY_MISSING', 'this server cannot sign notices now');
      for (const [j, visit] of checked.entries()) {
        const problem = checkCaseVisit(visit, stayOf.get(visit.venueId) ?? 0, policy, at);
        if (problem) return jsonError(c, 400, problem.code, `visits[${j}]: ${problem.message}`);
      }
    }
    let result: Awaited<ReturnType<typeof publishCase>>;
    try {
      result = await publishCase(db, dataDir, code, checked, at);
    } catch (e) {
      if (!(e instanceof NoticesKeyMissing)) throw e;
      logger.error({ reason: e.message }, 'case upload refused: no notices key');
      return jsonError(c, 503, 'NOTICES_KEY_MISSING', 'this server cannot sign notices now');
    }
    if (!result.ok) {
      logger.info({ problem: result.problem }, 'case code refused');
      return jsonError(c, 403, result.problem, messageOf[result.problem]);
    }
    // Counts only: a case's venues are health data, kept out of logs.
    logger.info({ notices: result.notices }, 'case published');
    return c.json({ notices: result.notices });
  });

  // Venue id → when its implausible count was last logged: one line per venue per hour, whatever the polling.
  const flaggedAt = new Map<string, number>();
  app.get('/v1/venues/:id/occupancy', limited, async (c) => {
    c.header('Cache-Control', 'no-store');
    const id = c.req.param('id');
    const at = now();
    const reading = v.is(identifier, id) ? await readOccupancy(db, id, at) : undefined;
    if (!reading) return jsonError(c, 404, 'VENUE_UNKNOWN', 'no such venue');
    if (reading.implausible && at - (flaggedAt.get(id) ?? Number.NEGATIVE_INFINITY) >= FLAG_LOG_INTERVAL_SECONDS) {
      if (flaggedAt.size >= MAX_FLAGGED_VENUES) flaggedAt.clear();
      flaggedAt.set(id, at);
      // For the operator: a venue id and counts only, nothing about who uploaded.
      logger.warn(
        { venueId: id, counted: reading.counted, capacity: reading.occupancy.capacity },
        'occupancy implausible',
      );
    }
    return c.json(reading.occupancy);
  });

  return app;
}

/** The published bundle's policy, or undefined when there is none or it does not verify. */
export function publishedPolicy(dataDir: string): BundlePolicy | undefined {
  try {
    return readPublishedBundle(dataDir)?.payload.policy;
  } catch {
    return undefined;
  }
}

const messageOf = {
  CASE_CODE_UNKNOWN: 'this case code is not known: check it with the health officer',
  CASE_CODE_USED: 'this case code has already been used',
  CASE_CODE_EXPIRED: 'this case code has expired: ask the health officer for a new one',
} as const;
