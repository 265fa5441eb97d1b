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

/** Cache-Control for what never changes at its URL: caches keep it a year and never revalidate. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Strong ETag of exact bytes. */
export const etagOf = (bytes: Uint8Array) => `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;

/** RFC 9110 If-None-Match: a list, weak comparison, `*`. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

/** A content coding the server sends precompressed (server/precompress.ts), smallest first. */
export type ContentCoding = 'br' | 'gzip';

/** An Accept-Encoding qvalue (RFC 9110 §12.4.2): 0 to 1, at most three decimals. */
const QVALUE = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * RFC 9110 §12.5.3 Accept-Encoding: the coding of `offered` the client rates highest, q > 0; on a tie the one
 * listed first in `offered`; undefined to send the bytes as they are. `*` rates every coding not named, `x-gzip`
 * is gzip, and a malformed q refuses its coding (never guess that a client decodes something).
 */
export function preferredEncoding(
  header: string | undefined,
  offered: readonly ContentCoding[],
): ContentCoding | undefined {
  if (!header) return undefined;
  // Clients send a handful of distinct headers, and the bundle's fast path asks on every poll: remember the
  // answers (a bounded map, emptied when full, so odd headers cannot grow it).
  const key = `${offered.join(',')}\n${header}`;
  const known = negotiated.get(key);
  if (known !== undefined) return known || undefined;
  if (negotiated.size >= NEGOTIATED_MAX) negotiated.clear();
  const chosen = negotiate(header, offered);
  negotiated.set(key, chosen ?? '');
  return chosen;
}

const NEGOTIATED_MAX = 256;
const negotiated = new Map<string, ContentCoding | ''>();

function negotiate(header: string, offered: readonly ContentCoding[]): ContentCoding | undefined {
  const rated = new Map<string, number>();
  for (const part of header.split(',')) {
    const [rawName = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const name = rawName === 'x-gzip' ? 'gzip' : rawName;
    if (!name) continue;
    let q = 1;
    for (const p of params) {
      if (!p.startsWith('q=')) continue;
      const m = QVALUE.exec(p);
      q = m ? Number(m[1]) : 0;
    }
    rated.set(name, Math.max(q, rated.get(name) ?? 0));
  }
  let best: ContentCoding | undefined;
  let bestQ = 0;
  for (const coding of offered) {
    const q = rated.get(coding) ?? rated.get('*') ?? 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}
