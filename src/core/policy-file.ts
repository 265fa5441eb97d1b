/**
 * The authority's policy file (what `singgah bundle sign` reads) and how it becomes a bundle payload.
 * Pure: keys, version and time are parameters, so the CLI, the demo set-up and tests share it.
 */
import type { BundleKey, BundlePayload } from './bundle';
import type { UnixSeconds } from './schema';

export interface PolicyFile {
  readonly policy: BundlePayload['policy'];
  /** How long a signed bundle stays fresh (expiresAt = issuedAt + validityDays). */
  readonly validityDays: number;
  readonly minAppVersion: string;
  readonly categories: BundlePayload['categories'];
  readonly regions?: BundlePayload['regions'];
  readonly statusRules: BundlePayload['statusRules'];
  readonly entryRules: BundlePayload['entryRules'];
  readonly revocations?: BundlePayload['revocations'];
}

export function bundlePayloadFrom(
  file: PolicyFile,
  keys: readonly BundleKey[],
  version: number,
  now: UnixSeconds,
): BundlePayload {
  return {
    type: 'singgah-bundle',
    version,
    issuedAt: now,
    expiresAt: now + file.validityDays * 86_400,
    minAppVersion: file.minAppVersion,
    keys: [...keys],
    revocations: file.revocations ?? { keys: [], certificates: [] },
    policy: file.policy,
    categories: file.categories,
    ...(file.regions ? { regions: file.regions } : {}),
    statusRules: file.statusRules,
    entryRules: file.entryRules,
  };
}
