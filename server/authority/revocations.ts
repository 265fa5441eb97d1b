/**
 * Changes to the keys a bundle lists, each published at once as the next bundle version: a new signing key
 * next to the old one, a revoked key or certificate (kept in revocations.json for every later version).
 */
import { join } from 'node:path';
import type { KeyRole } from '../../src/core/bundle';
import { identifier, type UnixSeconds } from '../../src/core/schema';
import { AuthorityError } from '../errors';
import { drawKey, loadKeys, retiredDir, retireKeyFiles, writeKey } from '../keys';
import { republishBundle } from './bundle';
import { check } from './input';
import { requirePublishedBundle } from './published-bundle';
import { mergeRevocations, readRevocations, writeRevocations } from './revocations-file';
import { isSigningKey } from './signing-keys';

/**
 * A new certificate, venue or notices key: listed in the next bundle next to the old one, which stays valid
 * (posters and certificates it signed keep working) until its window ends or it is revoked. New items are
 * signed with the newest key from now on.
 */
export function rotateSigningKey(dataDir: string, role: KeyRole | 'cases', now: UnixSeconds) {
  requirePublishedBundle(dataDir); // fail before writing a key no bundle will list
  const key = drawKey(dataDir, role, now);
  writeKey(dataDir, key);
  return { key, bundle: republishBundle(dataDir, now) };
}

/**
 * Revoke a signing key: its id goes into the next bundle's revocations (phones then reject everything it
 * signed) and its file moves to keys/retired/. Root keys are replaced with rotate-root instead; the last
 * key of a role is refused (rotate first, so that something can still be signed).
 */
export function revokeKey(dataDir: string, kid: string, now: UnixSeconds) {
  const published = requirePublishedBundle(dataDir).payload;
  const stored = loadKeys(dataDir).filter((k) => k.kid === kid);
  if (stored.some((k) => k.role === 'root')) {
    throw new AuthorityError('INPUT_INVALID', `${kid} is a root key: replace it with \`singgah keys rotate-root\``);
  }
  const listed = published.keys.filter((k) => k.kid === kid);
  if (stored.length === 0 && listed.length === 0) {
    throw new AuthorityError('NOT_FOUND', `no key ${kid} in ${join(dataDir, 'keys')} or in the published bundle`);
  }
  for (const key of stored.filter(isSigningKey)) {
    const others = loadKeys(dataDir).filter((k) => k.role === key.role && k.kid !== kid);
    if (others.length === 0) {
      throw new AuthorityError(
        'INPUT_INVALID',
        `${kid} is the only ${key.role} key: run \`singgah keys rotate ${key.role}\` first, then revoke it`,
      );
    }
  }
  const revocations = readRevocations(dataDir);
  writeRevocations(dataDir, mergeRevocations(revocations, { keys: [kid], certificates: [] }));
  let retiredTo: string | undefined;
  if (stored.length > 0) {
    retiredTo = retiredDir(dataDir, now);
    retireKeyFiles(dataDir, stored, retiredTo);
  }
  return {
    roles: [...new Set([...stored, ...listed].map((k) => k.role))],
    retiredTo,
    bundle: republishBundle(dataDir, now),
  };
}

/** Revoke a certificate by id: listed in the next bundle's revocations, so phones stop accepting it. */
export function revokeCertificate(dataDir: string, id: string, now: UnixSeconds) {
  check(identifier, id, 'certificate id');
  requirePublishedBundle(dataDir);
  writeRevocations(dataDir, mergeRevocations(readRevocations(dataDir), { keys: [], certificates: [id] }));
  return republishBundle(dataDir, now);
}
