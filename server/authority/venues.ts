/**
 * Venue registration: fields checked against the published bundle's categories and the real region codes,
 * signed with the venue key under a fresh id, verified exactly as a phone would, stored with its short code.
 */
import type { BundlePayload } from '../../src/core/bundle';
import { qrText, venueLink } from '../../src/core/qr-link';
import { text, type UnixSeconds } from '../../src/core/schema';
import { formatShortCode, shortCodeBody, shortCodeOf } from '../../src/core/short-code';
import { decodeVenue, encodeVenue, type Venue, verifyVenue } from '../../src/core/venue';
import type { Queryable } from '../db';
import { AuthorityError } from '../errors';
import type { StoredKey } from '../keys';
import { qrVersion } from '../qr';
import { randomId } from './ids';
import { check, checkRegion, DEFAULT_ORIGIN, describeError, int, type RegisterOptions } from './input';
import { requirePublishedBundle } from './published-bundle';
import { signingKey } from './signing-keys';

/** The venue QR must stay scannable on a printed poster: version ≤ 10 at error correction M. */
export const MAX_POSTER_QR_VERSION = 10;

export interface VenueInput {
  readonly name: string;
  readonly address: string;
  readonly category: string;
  readonly region: string;
  readonly capacity: number;
  readonly stayMinutes: number;
}

export interface RegisteredVenue {
  readonly venue: Venue;
  readonly code: string;
  readonly url: string;
  /** QR version of `qrText(url)` at error correction M (posters want ≤ MAX_POSTER_QR_VERSION). */
  readonly qrVersion: number;
  /** What the poster prints under the QR for typing in (`XXXXX-XXXXX`, src/core/short-code.ts). */
  readonly shortCode: string;
}

/** Validate venue fields against a bundle's categories and the real region codes (pure, no I/O). */
export function checkVenueFields(input: VenueInput, bundle: BundlePayload): VenueInput {
  const name = check(text(100), input.name?.trim(), 'name (1–100 characters)');
  const address = check(text(100), input.address?.trim(), 'address (1–100 characters)');
  const categories = bundle.categories.map((c) => c.code);
  if (!categories.includes(input.category)) {
    throw new AuthorityError(
      'CATEGORY_UNKNOWN',
      `unknown category ${JSON.stringify(input.category)}; the published bundle (version ${bundle.version}) has: ${categories.join(', ')}`,
    );
  }
  const region = checkRegion(input.region);
  const capacity = check(int(0, 1_000_000), input.capacity, 'capacity (0–1000000 people)');
  const stayMinutes = check(int(1, 1440), input.stayMinutes, 'stay (1–1440 minutes)');
  return { name, address, category: input.category, region, capacity, stayMinutes };
}

/**
 * Validate venue input against the published bundle (no database needed), so the CLI can reject bad
 * input before it opens the database. Returns the normalised input, the bundle and the signing key.
 */
export function checkVenueInput(dataDir: string, input: VenueInput, now: UnixSeconds) {
  const bundle = requirePublishedBundle(dataDir).payload;
  const venue = checkVenueFields(input, bundle);
  const key = signingKey(dataDir, bundle, 'venue', now);
  return { venue, bundle, key };
}

/** Sign checked venue fields under a fresh random id with `key`, verified exactly as a phone would. */
export function signVenue(
  checked: VenueInput,
  key: StoredKey,
  bundle: BundlePayload,
  now: UnixSeconds,
): { venue: Venue; code: string } {
  const venue: Venue = { id: randomId(8), ...checked, kid: key.kid, issuedAt: now };
  const code = encodeVenue(venue, key.secretKey);
  const decoded = decodeVenue(code);
  const verified = decoded.ok ? verifyVenue(decoded.value, bundle) : decoded;
  if (!verified.ok)
    throw new AuthorityError('INPUT_INVALID', `venue does not verify: ${describeError(verified.error)}`);
  return { venue, code };
}

/** What the operator gets back for a stored venue: its link, QR version and printed short code. */
export function registeredVenue(venue: Venue, code: string, origin: string): RegisteredVenue {
  const url = venueLink(origin, code);
  return { venue, code, url, qrVersion: qrVersion(qrText(url)), shortCode: formatShortCode(shortCodeOf(venue.id)) };
}

/**
 * Insert signed venues in one statement; returns the ids actually stored (an id or short code already
 * taken is skipped by `on conflict do nothing`: the caller draws those again).
 */
export async function insertVenues(
  db: Queryable,
  signed: readonly { venue: Venue; code: string }[],
  now: UnixSeconds,
  demo = false,
): Promise<Set<string>> {
  const col = <T>(f: (s: { venue: Venue; code: string }) => T) => signed.map(f);
  const rows = await db.query<{ id: string }>(
    `insert into venues (id, name, address, category, region, capacity, stay_minutes, code, demo, created_at, short_code_body)
     select id, name, address, category, region, capacity, stay_minutes, code, $9, to_timestamp($10), short_code_body
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $11::text[])
       as t(id, name, address, category, region, capacity, stay_minutes, code, short_code_body)
     on conflict do nothing returning id`,
    [
      col((s) => s.venue.id),
      col((s) => s.venue.name),
      col((s) => s.venue.address),
      col((s) => s.venue.category),
      col((s) => s.venue.region),
      col((s) => s.venue.capacity),
      col((s) => s.venue.stayMinutes),
      col((s) => s.code),
      demo,
      now,
      col((s) => shortCodeBody(s.venue.id)),
    ],
  );
  return new Set(rows.map((r) => r.id));
}

/** Validate, sign with the venue key, self-verify against the published bundle, insert. */
export async function registerVenue(
  db: Queryable,
  dataDir: string,
  input: VenueInput,
  now: UnixSeconds,
  options: RegisterOptions = {},
): Promise<RegisteredVenue> {
  const { venue: checked, bundle, key } = checkVenueInput(dataDir, input, now);
  for (let attempt = 0; attempt < 5; attempt++) {
    const signed = signVenue(checked, key, bundle, now);
    const stored = await insertVenues(db, [signed], now, options.demo ?? false);
    // The id or its short code is taken: draw another.
    if (stored.has(signed.venue.id))
      return registeredVenue(signed.venue, signed.code, options.origin ?? DEFAULT_ORIGIN);
  }
  throw new Error('could not allocate a venue id');
}

/** Re-sign an existing venue (same id and details) with the current venue key; used by demo-init. */
export async function resignVenue(
  db: Queryable,
  dataDir: string,
  venue: Venue,
  now: UnixSeconds,
): Promise<{ venue: Venue; code: string }> {
  const bundle = requirePublishedBundle(dataDir).payload;
  const key = signingKey(dataDir, bundle, 'venue', now);
  const next: Venue = { ...venue, kid: key.kid, issuedAt: now };
  const code = encodeVenue(next, key.secretKey);
  await db.query('update venues set code = $2 where id = $1', [venue.id, code]);
  return { venue: next, code };
}
