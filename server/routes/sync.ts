/**
 * The sync API (docs/FORMATS.md "Sync API"): check-in upload, notices (files per province and day; the national
 * feed for older apps), case upload, occupancy.
 * Request-level problems are a 4xx with a code and nothing stored; per-item problems of a check-in batch are
 * per-item results. Every database-backed route sits behind the per-client rate limit.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import * as v from 'valibot';
import { fromUtf8 } from '../../src/core/bytes';
import { parseSealedCase } from '../../src/core/case-seal';
import { formatDay, MAX_PART, PROVINCE_PATTERN, parseDay } from '../../src/core/notice-files';
import { identifier, type UnixSeconds } from '../../src/core/schema';
import { readPublishedBundle } from '../authority';
import { storeSealedCase } from '../case-uploads';
import { type IdentifiedItem, ingestCheckIns, isIdentified, MAX_BATCH_ITEMS, readOccupancy } from '../checkins';
import type { Db } from '../db';
import { IMMUTABLE, ifNoneMatchHits, jsonError, NO_CACHE } from '../http';
import { DEFAULT_NOTICES_PAGE, MAX_NOTICES_PAGE, readNoticeFile, readNotices } from '../notices';
import type { Admission } from '../rate-limit';
import { UNPROVEN_KEY, uploadKeyOf, VenueCodeCache } from '../upload-admission';

export const MAX_SYNC_BODY_BYTES = 65_536;
const FLAG_LOG_INTERVAL_SECONDS = 3600;
/** Bounds the memory of logged venues; forgetting them only means one more log line each. */
const MAX_FLAGGED_VENUES = 10_000;

export interface SyncRoutesOptions {
  readonly db: Db;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly now: () => UnixSeconds;
  /** The rate limit (server/rate-limit.ts), shared with the other database-backed routes. */
  readonly admission: Admission;
  /** Called after a sealed case was stored (the demo's automatic review; nothing in production). */
  readonly afterCaseStored?: () => void;
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

/** The body of a check-in upload, its shape checked: items each with a readable id and op. */
async function readUpload(
  c: Context,
): Promise<{ ok: true; items: IdentifiedItem[] } | { ok: false; response: Response }> {
  const body = await readJson(c);
  if (!body.ok) return body;
  const refuse = (code: string, message: string) => ({
    ok: false as const,
    response: jsonError(c, 400, code, message),
  });
  if (!isPlainObject(body.value)) return refuse('REQUEST_WRONG_TYPE', 'body must be {"items": [...]}');
  const extra = unknownField(body.value, ['items']);
  if (extra !== undefined) return refuse('REQUEST_UNKNOWN_FIELD', `unknown field ${JSON.stringify(extra)}`);
  const items: unknown = body.value.items;
  if (!Array.isArray(items)) return refuse('REQUEST_WRONG_TYPE', 'items must be an array');
  if (items.length > MAX_BATCH_ITEMS) return refuse('BATCH_TOO_LARGE', `at most ${MAX_BATCH_ITEMS} items per request`);
  const bad = items.findIndex((item) => !isIdentified(item));
  if (bad >= 0) {
    return refuse(
      'ITEM_UNIDENTIFIABLE',
      `items[${bad}] needs "id" (32 lowercase hex) and "op" ("checkin" or "checkout")`,
    );
  }
  return { ok: true, items: items.filter(isIdentified) };
}

export function syncRoutes(options: SyncRoutesOptions): Hono {
  const { db, dataDir, logger, now } = options;
  const app = new Hono();

  const { admission } = options;
  const limited = admission.byRoute;
  const venueCodes = new VenueCodeCache(db);
  const smallBody = bodyLimit({
    maxSize: MAX_SYNC_BODY_BYTES,
    onError: (c) => jsonError(c, 413, 'BODY_TOO_LARGE', `request body over ${MAX_SYNC_BODY_BYTES} bytes`),
  });

  // Keyed by the venue its first check-in proves (server/upload-admission.ts), so the key is known once the body
  // is read; an address whose budget is empty is refused before that, and a malformed body spends a token too.
  app.post('/v1/checkins', admission.byAddress, smallBody, async (c) => {
    const read = await readUpload(c);
    if (!read.ok) return admission.refuse(c, UNPROVEN_KEY) ?? read.response;
    const { items } = read;
    const upload = await uploadKeyOf(items, venueCodes, (key, share) => admission.refuse(c, key, share));
    if ('refused' in upload) return upload.refused;
    const refused = admission.refuse(c, upload.key, upload.share);
    if (refused) return refused;
    const results = await ingestCheckIns(db, items, now());
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

  // A static file per province and day (src/core/notice-files.ts): the same bytes for every phone, so a CDN can
  // hold it. Until a later day holds a notice it may still grow: shared caches keep it but revalidate (ETag).
  app.get('/v1/notices/:province/:day/:file', limited, async (c) => {
    const province = c.req.param('province');
    const day = parseDay(c.req.param('day'));
    const name = /^(0|[1-9]\d{0,4})\.json$/.exec(c.req.param('file'));
    const part = name ? Number(name[1]) : undefined;
    if (!PROVINCE_PATTERN.test(province) || day === undefined || part === undefined || part > MAX_PART) {
      return jsonError(c, 404, 'NOT_FOUND', 'notice files are /v1/notices/<2-digit province>/<YYYY-MM-DD>/<part>.json');
    }
    const file = await readNoticeFile(db, province, day, part);
    // A part only grows until full (seqs commit in order); the last signature guards against a database that was
    // reset and reused the numbers.
    const last = file.notices.at(-1)?.sig ?? '-';
    const tag = createHash('sha256').update(`${province}|${day}|${part}|${file.notices.length}|${last}`);
    const etag = `"${tag.digest('base64url').slice(0, 27)}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', file.final ? IMMUTABLE : `public, ${NO_CACHE}`);
    if (ifNoneMatchHits(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
    return c.json({ province, day: formatDay(day), part, notices: file.notices });
  });

  app.post('/v1/cases', limited, smallBody, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    if (!isPlainObject(body.value)) {
      return jsonError(c, 400, 'REQUEST_WRONG_TYPE', 'body must be {"code": "...", "sealed": {...}}');
    }
    // An app from before sealing sends its visits readable: refused, so no readable case ever reaches the server.
    if ('visits' in body.value) {
      return jsonError(
        c,
        400,
        'CASE_UPLOAD_NOT_SEALED',
        'visits must be sealed to the health office key: update the app',
      );
    }
    const extra = unknownField(body.value, ['code', 'sealed']);
    if (extra !== undefined)
      return jsonError(c, 400, 'REQUEST_UNKNOWN_FIELD', `unknown field ${JSON.stringify(extra)}`);
    const { code } = body.value;
    if (typeof code !== 'string') return jsonError(c, 400, 'REQUEST_WRONG_TYPE', 'code must be a string');
    const sealed = parseSealedCase(body.value.sealed);
    if (!sealed.ok) {
      const problem = sealed.error.code === 'PAYLOAD_UNKNOWN_FIELD' ? 'REQUEST_UNKNOWN_FIELD' : 'REQUEST_WRONG_TYPE';
      return jsonError(c, 400, problem, `sealed: ${sealed.error.detail ?? sealed.error.code}`);
    }
    const caseKey = publishedCaseKey(dataDir);
    if (!caseKey) return jsonError(c, 503, 'CASE_KEY_MISSING', 'the published rules list no case encryption key');
    if (sealed.value.kid !== caseKey.kid) {
      return jsonError(c, 400, 'CASE_KEY_UNKNOWN', 'sealed to a key the published rules do not list: sync and retry');
    }
    const result = await storeSealedCase(db, code, sealed.value, now());
    if (!result.ok) {
      logger.info({ problem: result.problem }, 'case upload refused');
      const status = result.problem === 'CASE_UPLOAD_REPLAYED' ? 409 : 403;
      return jsonError(c, status, result.problem, messageOf[result.problem]);
    }
    logger.info('sealed case stored for review');
    options.afterCaseStored?.();
    return c.json({ received: true }, 202);
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

/** The case encryption key the published bundle lists, or undefined when there is none or it does not verify. */
function publishedCaseKey(dataDir: string): { kid: string } | undefined {
  try {
    return readPublishedBundle(dataDir)?.payload.caseKey;
  } catch {
    return undefined;
  }
}

const messageOf = {
  CASE_CODE_UNKNOWN: 'this case code is not known: check it with the health officer',
  CASE_CODE_USED: 'this case code has already been used',
  CASE_CODE_EXPIRED: 'this case code has expired: ask the health officer for a new one',
  CASE_UPLOAD_REPLAYED: 'this sealed report was already received',
} as const;
