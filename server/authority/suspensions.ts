/** Suspending certificates for an isolation window, published at once as the next bundle version. */
import { identifier, MAX_TIME, type UnixSeconds } from '../../src/core/schema';
import { AuthorityError } from '../errors';
import { republishBundle } from './bundle';
import { check } from './input';
import { requirePublishedBundle } from './published-bundle';
import { addSuspensions } from './suspensions-file';

/**
 * Suspend certificates until `until` (an isolation window): their hashed ids go into the next bundle, so the
 * holder's phone and every guard show the person black until then. Suspending again extends, never shortens.
 */
export function suspendCertificates(dataDir: string, ids: readonly string[], until: UnixSeconds, now: UnixSeconds) {
  if (ids.length === 0) throw new AuthorityError('INPUT_INVALID', 'give at least one certificate id');
  for (const id of ids) check(identifier, id, 'certificate id');
  if (!(until > now) || until > MAX_TIME) throw new AuthorityError('INPUT_INVALID', 'the end must be in the future');
  requirePublishedBundle(dataDir);
  addSuspensions(dataDir, ids, until, now);
  return republishBundle(dataDir, now);
}
