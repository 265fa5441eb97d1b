/**
 * One way to change a file the bundle is built from (trusted DCC signers, DCC revocations, EU rules and value
 * sets): change it, then re-sign the published bundle so phones get the change at their next sync. When the
 * bundle cannot be signed (over 1 MiB, say), the file is put back as it was: the data directory never holds
 * what no bundle can carry. When custodians hold the root keys, the change is kept for the next bundle they sign.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { readPublishedBundle, republishBundle, type SignedBundle } from '../authority';
import { AuthorityError } from '../errors';
import { writeFileAtomic } from '../keys';
import type { Context } from './kit';

export interface BundleFileChange<T> {
  /** The file `change` writes. */
  readonly path: string;
  readonly change: () => T;
  /** False when nothing changed, so the bundle is left alone; always true when absent. */
  readonly changed?: (result: T) => boolean;
  /** The line printed after re-signing: what the new bundle carries. */
  readonly summary: (bundle: SignedBundle) => string;
  /** Appended to a failure: what stays as it was ("the trusted DCC signers are unchanged"). */
  readonly unchanged: string;
}

export function changeThenRepublish<T>(ctx: Context, c: BundleFileChange<T>): T {
  const before = existsSync(c.path) ? readFileSync(c.path, 'utf8') : undefined;
  const result = c.change();
  if (c.changed && !c.changed(result)) return result;
  try {
    if (!readPublishedBundle(ctx.dataDir)) {
      ctx.out('No bundle published yet: `singgah bundle sign POLICY.json` will carry them.');
      return result;
    }
    const bundle = republishBundle(ctx.dataDir, ctx.now);
    ctx.out(`Re-signed bundle version ${bundle.version} with ${c.summary(bundle)}`);
  } catch (e) {
    // Custodians hold the root keys: the change stays recorded and rides in the next bundle they sign.
    if (e instanceof AuthorityError && e.code === 'ROOT_KEYS_OFFLINE') {
      ctx.warn(`singgah: ${e.message}`);
      return result;
    }
    if (before === undefined) rmSync(c.path, { force: true });
    else writeFileAtomic(c.path, before, 0o644);
    if (e instanceof AuthorityError) throw new AuthorityError(e.code, `${e.message}; ${c.unchanged}`);
    throw e;
  }
  return result;
}
