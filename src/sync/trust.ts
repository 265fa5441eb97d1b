/**
 * The root of trust compiled into this build (vite.config.ts reads the trust file and defines
 * __TRUST_ANCHOR__). Changing it means shipping a new app version.
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
  cached = { threshold: Math.max(1, __TRUST_ANCHOR__.threshold), keys };
  return cached;
}

export const APP_VERSION: string = __APP_VERSION__;
