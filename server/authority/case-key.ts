/**
 * The health office's case encryption key in the bundle: the newest stored `cases` key (X25519, server/keys.ts)
 * becomes `caseKey`, the key phones seal case reports to. Only its public half is read here; the secret is
 * opened by `singgah case review` alone.
 */
import type { BundlePayload } from '../../src/core/bundle';
import { toBase64Url } from '../../src/core/bytes';
import { keysOfRole } from '../keys';

export function withCaseKey(payload: BundlePayload, dataDir: string): BundlePayload {
  const { caseKey: _previous, ...rest } = payload;
  const newest = keysOfRole(dataDir, 'cases').at(-1);
  return newest ? { ...rest, caseKey: { kid: newest.kid, publicKey: toBase64Url(newest.publicKey) } } : rest;
}
