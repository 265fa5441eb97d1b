/**
 * `GET /v1/venues/by-code/:short` — the venue behind a typed short code (src/core/short-code.ts).
 * Answers with the venue's signed QR digits, nothing else: the phone verifies them exactly like a scanned
 * poster, so this server can help find a venue but never vouch for one.
 *   200 {"code": "<digits>"} · 400 SHORT_CODE_MALFORMED / SHORT_CODE_MISTYPED · 404 VENUE_NOT_FOUND
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { parseShortCode, SHORT_CODE_BODY_LENGTH } from '../../src/core/short-code';
import type { Queryable } from '../db';
import { jsonError } from '../http';

export interface VenueByCode {
  /** The venue's QR digits (the fragment of its `/v#…` link). */
  readonly code: string;
}

/** `limited`: the per-client rate limit shared with the other database-backed routes (server/rate-limit.ts). */
export function venueLookupRoutes(db: Queryable, limited: MiddlewareHandler): Hono {
  const routes = new Hono();
  routes.get('/by-code/:short', limited, async (c) => {
    // A venue's poster and code can be re-signed (new key, same venue): never let a cache keep an old answer.
    c.header('Cache-Control', 'no-store');
    const parsed = parseShortCode(c.req.param('short'));
    if (!parsed.ok) {
      const message =
        parsed.error.code === 'SHORT_CODE_MISTYPED'
          ? 'the check character does not match: a character was mistyped'
          : 'a short code is 10 Crockford base32 characters, e.g. ABCDE-FGHJK';
      return jsonError(c, 400, parsed.error.code, message);
    }
    const rows = await db.query<{ code: string }>('select code from venues where short_code_body = $1', [
      parsed.value.slice(0, SHORT_CODE_BODY_LENGTH),
    ]);
    const venue = rows[0];
    if (!venue) return jsonError(c, 404, 'VENUE_NOT_FOUND', 'no venue has this short code');
    return c.json({ code: venue.code } satisfies VenueByCode);
  });
  return routes;
}
