/**
 * The SMART Health Card fields of a signed bundle (core/bundle.ts spreads `shcBundleFields` into its payload
 * schema): the issuers the authority trusts, each with its keys and their revoked `rid`s. Optional: a bundle
 * without them trusts no card. Phones never fetch an issuer's JWKS or CRL (offline, and no issuer learns who
 * verifies): the authority imports them (`singgah trust import-shc`) and signs them in here.
 */
import * as v from 'valibot';
import { text } from './schema';
import { isRidEntry } from './shc/revocation';

/** The VCI directory listed ~650 issuers in 2023; 2,048 leaves room, the byte cap of the bundle does the rest. */
export const MAX_SHC_ISSUERS = 2048;
export const MAX_SHC_KEYS_PER_ISSUER = 32;
export const MAX_SHC_KEYS = 4096;
export const MAX_SHC_RIDS_PER_KEY = 10_000;
export const MAX_SHC_RIDS = 100_000;

const b64url32 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));
const seconds = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(253_402_300_799));

const shcKey = v.pipe(
  v.strictObject({
    kid: b64url32,
    x: b64url32,
    y: b64url32,
    notBefore: v.optional(seconds),
    notAfter: v.optional(seconds),
    revokedRids: v.optional(
      v.pipe(
        v.array(v.pipe(v.string(), v.check(isRidEntry, 'rid or rid.timestamp'))),
        v.maxLength(MAX_SHC_RIDS_PER_KEY),
        v.readonly(),
      ),
    ),
  }),
  v.check(
    (k) => k.notBefore === undefined || k.notAfter === undefined || k.notBefore < k.notAfter,
    'notAfter must follow notBefore',
  ),
);

const shcIssuer = v.strictObject({
  iss: v.pipe(
    v.string(),
    v.maxLength(512),
    v.regex(/^https:\/\/[^\s/]+(\/[^\s]*)?$/),
    v.check((s) => !s.endsWith('/'), 'no trailing /'),
  ),
  name: text(200),
  keys: v.pipe(v.array(shcKey), v.minLength(1), v.maxLength(MAX_SHC_KEYS_PER_ISSUER), v.readonly()),
});

/** The bundle's `shcIssuers` list (also what the authority's `DATA_DIR/shc-issuers.json` is checked with). */
export const shcIssuersSchema = v.pipe(
  v.array(shcIssuer),
  v.maxLength(MAX_SHC_ISSUERS),
  v.check((list) => new Set(list.map((i) => i.iss)).size === list.length, 'an iss listed twice'),
  v.check((list) => list.reduce((n, i) => n + i.keys.length, 0) <= MAX_SHC_KEYS, 'too many SHC keys'),
  v.check(
    (list) =>
      list.reduce((n, i) => n + i.keys.reduce((m, k) => m + (k.revokedRids?.length ?? 0), 0), 0) <= MAX_SHC_RIDS,
    'too many revoked rids',
  ),
);

export const shcBundleFields = {
  /** SMART Health Card issuers the authority trusts (`singgah trust import-shc`); absent in bundles before it. */
  shcIssuers: v.optional(shcIssuersSchema),
};
