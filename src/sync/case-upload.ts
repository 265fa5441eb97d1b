/**
 * "I tested positive": send the chosen visits with the one-time code a health officer gave
 * (`POST /v1/cases`, docs/FORMATS.md). Only venue ids and time windows leave the phone — no names, no venue
 * codes, no device id; the server turns each visit into a signed notice that other phones match locally.
 */
import type { UnixSeconds } from '../core/schema';
import type { CheckInRecord } from '../store';
import { readCapped, type SyncErrorCode } from './bundle-pull';
import { fetchWithTimeout } from './fetch-with-timeout';

export const CASES_URL = '/v1/cases';
/** Which visits are offered (and pre-selected): the usual infectious period before a positive test. */
export const CASE_LOOKBACK_SECONDS = 14 * 86_400;
/** Case codes are 12 Crockford base32 characters (server/case-codes.ts). */
const CASE_CODE = /^[0-9A-HJKMNP-TV-Z]{12}$/;

export interface CaseVisit {
  readonly venueId: string;
  readonly from: UnixSeconds;
  readonly to: UnixSeconds;
}

export type CaseUploadOutcome =
  | { readonly kind: 'sent'; readonly notices: number }
  /** The code or the request was refused: the server's code (CASE_CODE_USED, VENUE_UNKNOWN, …). */
  | { readonly kind: 'refused'; readonly code: string }
  | { readonly kind: 'unreachable'; readonly code: SyncErrorCode };

/** What a person typed → the canonical code (Crockford: case-insensitive, O→0, I/L→1), or undefined. */
export function normaliseCaseCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return CASE_CODE.test(code) ? code : undefined;
}

/** The visits to offer: those that began in the last 14 days, newest first. */
export const recentVisits = (checkins: readonly CheckInRecord[], now: UnixSeconds): CheckInRecord[] =>
  checkins
    .filter((c) => c.checkedInAt >= now - CASE_LOOKBACK_SECONDS && c.checkedInAt <= now)
    .sort((a, b) => b.checkedInAt - a.checkedInAt);

/**
 * A visit as a case window: from check-in to check-out (or the automatic check-out), but never past `now` —
 * a visit still open ends now as far as anyone can know, and the server refuses times in the future.
 */
export function caseVisitOf(c: CheckInRecord, now: UnixSeconds): CaseVisit | undefined {
  const to = Math.min(c.checkedOutAt ?? c.autoCheckOutAt, now);
  return to > c.checkedInAt ? { venueId: c.venueId, from: c.checkedInAt, to } : undefined;
}

export async function uploadCase(o: {
  readonly code: string;
  readonly visits: readonly CaseVisit[];
  readonly fetch?: typeof fetch;
  readonly url?: string;
  readonly timeoutMs?: number;
}): Promise<CaseUploadOutcome> {
  try {
    const { res, body } = await fetchWithTimeout(
      o.fetch ?? fetch,
      o.url ?? CASES_URL,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ code: o.code, visits: o.visits }),
        cache: 'no-store',
      },
      o.timeoutMs ?? 20_000,
      async (r) => ({ res: r, body: await readCapped(r, 16 * 1024) }),
    );
    let json: unknown;
    try {
      json = body.ok ? JSON.parse(body.text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.status === 200) {
      const n = (json as { notices?: unknown } | undefined)?.notices;
      return typeof n === 'number' ? { kind: 'sent', notices: n } : { kind: 'unreachable', code: 'SERVER_ERROR' };
    }
    if (res.status === 429) return { kind: 'unreachable', code: 'RATE_LIMITED' };
    if (res.status >= 500 || res.status === 408) return { kind: 'unreachable', code: 'SERVER_ERROR' };
    const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
    return { kind: 'refused', code: typeof code === 'string' ? code : `HTTP_${res.status}` };
  } catch {
    return { kind: 'unreachable', code: 'NETWORK_UNAVAILABLE' };
  }
}
