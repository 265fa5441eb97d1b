/**
 * Which stored keys a bundle lists, and which one signs: every signing key is listed from its creation for
 * KEY_VALIDITY_SECONDS, revoked keys stay listed, and new venues, certificates and notices are signed with
 * the newest key the published bundle lists as valid.
 */
import { type BundleKey, type BundlePayload, KEY_ROLES, type KeyRole } from '../../src/core/bundle';
import { toBase64Url } from '../../src/core/bytes';
import { MAX_TIME, MIN_TIME, type UnixSeconds } from '../../src/core/schema';
import { AuthorityError } from '../errors';
import { loadKeys, type StoredKey } from '../keys';
import type { Revocations } from './revocations-file';

/** A signing key is listed in the bundle as valid from its creation for this long. */
const KEY_VALIDITY_SECONDS = 730 * 86_400;

/** The bundle entry of a stored signing key: valid from its creation for KEY_VALIDITY_SECONDS. */
function bundleKeyOf(key: StoredKey & { role: KeyRole }): BundleKey {
  return {
    kid: key.kid,
    publicKey: toBase64Url(key.publicKey),
    role: key.role,
    validFrom: Math.max(MIN_TIME, key.createdAt),
    validTo: Math.min(MAX_TIME, key.createdAt + KEY_VALIDITY_SECONDS),
  };
}

export const isSigningKey = (k: StoredKey): k is StoredKey & { role: KeyRole } =>
  (KEY_ROLES as readonly string[]).includes(k.role);

/**
 * The keys a bundle lists: every stored signing key, plus revoked keys the previous bundle listed (their
 * files are retired): still listed, phones report what those keys signed as revoked rather than unknown.
 */
export function listedKeys(
  stored: readonly StoredKey[],
  previous: BundlePayload | undefined,
  revocations: Revocations,
) {
  const own = stored.filter(isSigningKey).map(bundleKeyOf);
  const revoked = (previous?.keys ?? []).filter(
    (k) => revocations.keys.includes(k.kid) && !own.some((o) => o.kid === k.kid && o.publicKey === k.publicKey),
  );
  return [...own, ...revoked];
}

/** The bundle's entries for a stored key (same role, id and public key). */
const entriesOf = (bundle: BundlePayload, k: StoredKey) =>
  bundle.keys.filter((b) => b.role === k.role && b.kid === k.kid && b.publicKey === toBase64Url(k.publicKey));

const validAt = (b: BundleKey, bundle: BundlePayload, now: UnixSeconds) =>
  b.validFrom <= now && now <= b.validTo && !bundle.revocations.keys.includes(b.kid);

/** The bundle entry, valid at `now`, of a key `signingKey` chose: its window is what phones check. */
export function listedKeyOf(bundle: BundlePayload, key: StoredKey, now: UnixSeconds): BundleKey {
  const entry = entriesOf(bundle, key).find((b) => validAt(b, bundle, now));
  if (!entry) throw new AuthorityError('SIGNING_KEY_MISSING', `key ${key.kid} is not valid in the published bundle`);
  return entry;
}

/** The newest stored key of `role` that the published bundle lists and that is valid at `now`. */
export function signingKey(dataDir: string, bundle: BundlePayload, role: KeyRole, now: UnixSeconds): StoredKey {
  const listed = (k: StoredKey) => entriesOf(bundle, k).some((b) => validAt(b, bundle, now));
  const key = loadKeys(dataDir)
    .filter((k) => k.role === role && listed(k))
    .at(-1);
  if (!key) {
    throw new AuthorityError(
      'SIGNING_KEY_MISSING',
      `no ${role} key that the published bundle lists as valid now: run \`singgah bundle sign\` after \`singgah keys create\``,
    );
  }
  return key;
}
