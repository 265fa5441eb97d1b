/**
 * "I tested positive": send the chosen visits with the one-time code a health officer gave
 * (`POST /v1/cases`, docs/FORMATS.md). Only venue ids and time windows leave the phone — no names, no venue
 * codes, no device id — and sealed (core case-seal.ts) to the health office's encryption key from the signed
 * bundle, with a fresh ephemeral key and nonce drawn here: the server stores what it cannot read, and the
 * officer turns each visit into a signed notice that other phones match locally. Sent at once or not at all:
 * nothing is queued, so no readable visit waits in any outbox.
 */
import type { BundlePayload } from '../core/bundle';
import { fromBase64Url } from '../core/bytes';
import { type CaseVisit, MAX_CASE_VISITS, sealCase } from '../core/case-seal';
import type { UnixSeconds } from '../core/schema';
import type { CheckInRecord } from '../store';
import { readCapped, type SyncErrorCode } from './bundle-pull';
import { fetchWithTimeout } from './fetch-with-timeout';

export type { CaseVisit };
export { MAX_CASE_VISITS };

export const CASES_URL = '/v1/cases';
/** Which visits are offered (and pre-selected): the usual infectious period before a positive test. */
export const CASE_LOOKBACK_SECONDS = 14 * 86_400;
/** Case codes are 12 Crockford base32 characters (server/case-codes.ts). */
const CASE_CODE = /^[0-9A-HJKMNP-TV-Z]{12}$/;

export type CaseUploadOutcome =
  /** Stored sealed for the health officer's review. */
  | { readonly kind: 'sent'; readonly visits: number }
  /**
   * Refused before or by the server: CASE_KEY_MISSING (no bundle with the office's key yet), CASE_TOO_MANY_VISITS,
   * or the server's code (CASE_CODE_USED, CASE_KEY_UNKNOWN, …).
   */
  | { readonly kind: 'refused'; readonly code: string }
  | { readonly kind: 'unreachable'; readonly code: SyncErrorCode };

/** What a person typed → the canonical code (Crockford: case-insensitive, O→0, I/L→1), or undefined. */
export function normaliseCaseCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return CASE_CODE.test(code) ? code : undefined;
}

/**
 * The visits to offer: those that began in the last 14 days and, with an hour to spare, within the signed
 * retention (the officer's review refuses a visit older than that at upload), newest first.
 */
export function recentVisits(
  checkins: readonly CheckInRecord[],
  now: UnixSeconds,
  retentionDays: number,
): CheckInRecord[] {
  const since = Math.max(now - CASE_LOOKBACK_SECONDS, now - retentionDays * 86_400 + 3600);
  return checkins
    .filter((c) => c.checkedInAt >= since && c.checkedInAt <= now)
    .sort((a, b) => b.checkedInAt - a.checkedInAt);
}

/** The visits chosen at first: the newest MAX_CASE_VISITS of `recent` (newest first), the most one upload carries. */
export const defaultCaseChoice = (recent: readonly CheckInRecord[]): Set<string> =>
  new Set(recent.slice(0, MAX_CASE_VISITS).map((c) => c.id));

/**
 * A visit as a case window: from check-in to check-out (or the automatic check-out), but never past `now` —
 * a visit still open ends now as far as anyone can know, and the server refuses times in the future.
 */
export function caseVisitOf(c: CheckInRecord, now: UnixSeconds): CaseVisit | undefined {
  const to = Math.min(c.checkedOutAt ?? c.autoCheckOutAt, now);
  return to > c.checkedInAt ? { venueId: c.venueId, from: c.checkedInAt, to } : undefined;
}

/** Fresh random bytes from the platform's CSPRNG. */
const randomBytes = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

export async function uploadCase(o: {
  readonly code: string;
  readonly visits: readonly CaseVisit[];
  /** The stored bundle: its `caseKey` is the key the report is sealed to. */
  readonly bundle: BundlePayload | undefined;
  readonly fetch?: typeof fetch;
  readonly url?: string;
  readonly timeoutMs?: number;
}): Promise<CaseUploadOutcome> {
  if (o.visits.length > MAX_CASE_VISITS) return { kind: 'refused', code: 'CASE_TOO_MANY_VISITS' };
  const key = o.bundle?.caseKey;
  const publicKey = key ? fromBase64Url(key.publicKey) : undefined;
  if (!key || !publicKey) return { kind: 'refused', code: 'CASE_KEY_MISSING' };
  const sealed = sealCase(
    { code: o.code, visits: o.visits },
    { kid: key.kid, publicKey },
    { ephemeralSecretKey: randomBytes(32), nonce: randomBytes(24) },
  );
  if (!sealed.ok) return { kind: 'refused', code: sealed.error.code };
  try {
    const { res, body } = await fetchWithTimeout(
      o.fetch ?? fetch,
      o.url ?? CASES_URL,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ code: o.code, sealed: sealed.value }),
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
    if (res.status === 202) {
      const received = (json as { received?: unknown } | undefined)?.received === true;
      return received ? { kind: 'sent', visits: o.visits.length } : { kind: 'unreachable', code: 'SERVER_ERROR' };
    }
    if (res.status === 429) return { kind: 'unreachable', code: 'RATE_LIMITED' };
    if (res.status >= 500 || res.status === 408) return { kind: 'unreachable', code: 'SERVER_ERROR' };
    const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
    return { kind: 'refused', code: typeof code === 'string' ? code : `HTTP_${res.status}` };
  } catch {
    return { kind: 'unreachable', code: 'NETWORK_UNAVAILABLE' };
  }
}
