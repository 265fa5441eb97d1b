/**
 * `published/bundle.json`, the file `/v1/bundle` serves: its path, its version, reading it back verified
 * against trust.json, and writing a new one atomically. Signing happens in bundle.ts; this file only reads
 * and writes what was signed.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type BundlePayload, type BundlePolicy, type VerifiedBundle, verifyBundle } from '../../src/core/bundle';
import { fromBase64Url, fromUtf8 } from '../../src/core/bytes';
import { AuthorityError } from '../errors';
import { readTrust, writeFileAtomic } from '../keys';
import { describeError } from './input';

export const publishedBundlePath = (dataDir: string) => join(dataDir, 'published', 'bundle.json');

/** Version of the published bundle (0 if none), read without verifying: it only keeps versions monotonic. */
export function publishedVersion(dataDir: string): number {
  const path = publishedBundlePath(dataDir);
  if (!existsSync(path)) return 0;
  try {
    const env = JSON.parse(readFileSync(path, 'utf8')) as { payload: string };
    const bytes = fromBase64Url(env.payload);
    const body = bytes && fromUtf8(bytes);
    const version = body ? (JSON.parse(body) as { version?: unknown }).version : undefined;
    return typeof version === 'number' && Number.isInteger(version) && version > 0 ? version : 0;
  } catch {
    return 0;
  }
}

/** The published bundle, verified against trust.json; undefined when none has been published. */
export function readPublishedBundle(dataDir: string): VerifiedBundle | undefined {
  const path = publishedBundlePath(dataDir);
  if (!existsSync(path)) return undefined;
  const verified = verifyBundle(readFileSync(path, 'utf8'), readTrust(dataDir));
  if (!verified.ok) {
    throw new AuthorityError(
      'BUNDLE_INVALID',
      `${path} does not verify against trust.json: ${describeError(verified.error)}; run \`singgah bundle sign\``,
    );
  }
  return verified.value;
}

/** The published bundle's policy, or undefined when there is none or it does not verify. */
export function publishedPolicy(dataDir: string): BundlePolicy | undefined {
  try {
    return readPublishedBundle(dataDir)?.payload.policy;
  } catch {
    return undefined;
  }
}

export function requirePublishedBundle(dataDir: string): VerifiedBundle {
  const bundle = readPublishedBundle(dataDir);
  if (!bundle) {
    throw new AuthorityError('BUNDLE_NOT_PUBLISHED', 'no bundle published yet: run `singgah bundle sign POLICY.json`');
  }
  return bundle;
}

/**
 * The published payload if it verifies against trust.json; otherwise undefined (after `keys create --force`
 * the old bundle belongs to the previous trust domain, and nothing of it is carried over).
 */
export function previousPayload(dataDir: string): BundlePayload | undefined {
  try {
    return readPublishedBundle(dataDir)?.payload;
  } catch (e) {
    if (e instanceof AuthorityError && e.code === 'BUNDLE_INVALID') return undefined;
    throw e;
  }
}

/** Write a signed bundle to `published/bundle.json` atomically (served at /v1/bundle). */
export function publishBundle(dataDir: string, source: string): string {
  const path = publishedBundlePath(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, source, 0o644);
  return path;
}
