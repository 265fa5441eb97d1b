/**
 * The authority's policy file (what `singgah bundle sign` reads) and how it becomes a bundle payload.
 * Pure: keys, version and time are parameters, so the CLI, the demo set-up and tests share it.
 */
import type { BundleKey, BundlePayload, KeyRole, LocalizedText } from './bundle';
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
  /** The issuer's name shown for each key role's signatures (wallet, import screen), in id and en. */
  readonly issuerNames?: IssuerNames;
}

export type IssuerNames = Partial<Record<KeyRole, LocalizedText>>;

/** Keys with their role's issuer name (a key without one keeps none). */
export function nameKeys(keys: readonly BundleKey[], names: IssuerNames = {}): BundleKey[] {
  return keys.map((k) => {
    const { name: _old, ...key } = k;
    const name = names[k.role];
    return name ? { ...key, name } : key;
  });
}

/** The names a bundle's keys carry, by role (a re-signed bundle keeps them). */
export function issuerNamesOf(keys: readonly BundleKey[]): IssuerNames {
  const names: IssuerNames = {};
  for (const k of keys) if (k.name) names[k.role] = k.name;
  return names;
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
    keys: nameKeys(keys, file.issuerNames),
    revocations: file.revocations ?? { keys: [], certificates: [] },
    policy: file.policy,
    categories: file.categories,
    ...(file.regions ? { regions: file.regions } : {}),
    statusRules: file.statusRules,
    entryRules: file.entryRules,
  };
}
