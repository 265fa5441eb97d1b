/**
 * The root of trust compiled into this build (vite.config.ts reads the trust file and defines
 * __TRUST_ANCHOR__). Later roots are not compiled in: they arrive as signed rotations (roots.ts) that
 * chain from this one.
 */
import type { TrustAnchor } from '../core/bundle';
import { fromBase64Url } from '../core/bytes';

let cached: TrustAnchor | undefined;

export function builtInAnchor(): TrustAnchor {
  if (cached) return cached;
  const keys = __TRUST_ANCHOR__.keys.flatMap(({ kid, publicKey }) => {
    const bytes = fromBase64Url(publicKey);
    return bytes && bytes.length === 32 ? [{ kid, publicKey: bytes }] : [];
  });
  // A malformed key is dropped; the threshold still counts, so a broken anchor verifies nothing.
  const version = Number.isInteger(__TRUST_ANCHOR__.version) ? Math.max(1, __TRUST_ANCHOR__.version) : 1;
  cached = { version, threshold: Math.max(1, __TRUST_ANCHOR__.threshold), keys };
  return cached;
}

export const APP_VERSION: string = __APP_VERSION__;
