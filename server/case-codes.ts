/**
 * One-time case codes: a health officer creates one (`singgah case create`) and reads it to a person who
 * tested positive; their phone sends it with their visits (POST /v1/cases). 12 Crockford base32 characters
 * = 60 random bits, shown as `XXXX-XXXX-XXXX` so it can be read over the phone. Only SHA-256 of the
 * normalised code is stored: a leaked database does not hand out usable codes.
 */
import { createHash } from 'node:crypto';
import type { UnixSeconds } from '../src/core/schema';
import { SHORT_CODE_ALPHABET } from '../src/core/short-code';
import { randomId } from './authority';
import type { Queryable } from './db';

export const CASE_CODE_CHARS = 12;
export const DEFAULT_CASE_CODE_TTL_HOURS = 24;
export const MAX_CASE_CODE_TTL_HOURS = 720;

export type CaseCodeProblem = 'CASE_CODE_UNKNOWN' | 'CASE_CODE_USED' | 'CASE_CODE_EXPIRED';

/** `XXXXXXXXXXXX` → `XXXX-XXXX-XXXX`. */
export const formatCaseCode = (code: string) => code.match(/.{1,4}/g)?.join('-') ?? code;

/**
 * What a person typed → the canonical 12 characters, or undefined when it cannot be a code. Crockford's
 * read-aloud rules: case-insensitive, O is 0, I and L are 1; spaces and hyphens are ignored.
 */
export function normaliseCaseCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (code.length !== CASE_CODE_CHARS || [...code].some((c) => !SHORT_CODE_ALPHABET.includes(c))) return undefined;
  return code;
}

/** A time to the hour below: the server's own timestamps of a case (used_at, received_at) are no finer. */
export const toHour = (t: UnixSeconds): UnixSeconds => t - (t % 3600);

export const hashCaseCode = (normalised: string) => createHash('sha256').update(normalised).digest('hex');

export interface CreatedCaseCode {
  /** Formatted for reading out; shown once, never stored. */
  readonly code: string;
  readonly expiresAt: UnixSeconds;
}

export async function createCaseCode(db: Queryable, now: UnixSeconds, ttlHours: number): Promise<CreatedCaseCode> {
  if (!Number.isInteger(ttlHours) || ttlHours < 1 || ttlHours > MAX_CASE_CODE_TTL_HOURS) {
    throw new RangeError(`ttl must be 1–${MAX_CASE_CODE_TTL_HOURS} hours`);
  }
  const expiresAt = now + ttlHours * 3600;
  for (;;) {
    const code = randomId(CASE_CODE_CHARS);
    const inserted = await db.query(
      `insert into case_codes (hash, created_at, expires_at) values ($1, $2, $3)
       on conflict (hash) do nothing returning hash`,
      [hashCaseCode(code), now, expiresAt],
    );
    // A 60-bit collision is practically impossible; drawing again costs nothing and keeps codes unique.
    if (inserted.length > 0) return { code: formatCaseCode(code), expiresAt };
  }
}

/**
 * Mark the code used, in the caller's transaction. One conditional UPDATE: of two concurrent uploads with the
 * same code, PostgreSQL lets exactly one see `used_at is null` (the other waits for the row lock, then
 * re-checks). Returns the problem when the code cannot be used.
 */
export async function consumeCaseCode(
  tx: Queryable,
  input: string,
  now: UnixSeconds,
): Promise<CaseCodeProblem | undefined> {
  const code = normaliseCaseCode(input);
  if (!code) return 'CASE_CODE_UNKNOWN';
  const hash = hashCaseCode(code);
  // When it was used is kept to the hour: the exact second would tell when the person's phone sent the report.
  const used = await tx.query(
    'update case_codes set used_at = $3 where hash = $1 and used_at is null and expires_at > $2 returning hash',
    [hash, now, toHour(now)],
  );
  if (used.length > 0) return undefined;
  const rows = await tx.query<{ used_at: string | null }>('select used_at from case_codes where hash = $1', [hash]);
  if (rows.length === 0) return 'CASE_CODE_UNKNOWN';
  return rows[0].used_at === null ? 'CASE_CODE_EXPIRED' : 'CASE_CODE_USED';
}
