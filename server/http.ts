/**
 * What every route shares: the API's error shape (`{"error": {"code", "message"}}`, never a stack trace),
 * ETags and If-None-Match, and the revalidate-every-time cache policy.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export const errorBody = (code: string, message: string): ErrorBody => ({ error: { code, message } });

export const jsonError = (c: Context, status: ContentfulStatusCode, code: string, message: string) =>
  c.json(errorBody(code, message), status);

/** Cache-Control for what may be cached but must be revalidated on every use. */
export const NO_CACHE = 'no-cache';

/** Strong ETag of exact bytes. */
export const etagOf = (bytes: Uint8Array) => `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;

/** RFC 9110 If-None-Match: a list, weak comparison, `*`. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}
