/**
 * Signing the bundle: a policy file plus what the operator keeps between versions (the listed keys,
 * revocations.json, suspensions.json, the trusted EU DCC signers and SMART Health Card issuers) become the next version's payload, signed
 * with the root keys trust.json lists and verified exactly as a phone would before it is published.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { type BundlePayload, signBundle, type TrustAnchor, verifyBundle } from '../../src/core/bundle';
import { bundlePayloadFrom, issuerNamesOf, nameKeys, type PolicyFile } from '../../src/core/policy-file';
import { checkRuleVars, ENTRY_RULE_VARS } from '../../src/core/rule-data';
import type { UnixSeconds } from '../../src/core/schema';
import { withDccRevocations } from '../dcc-revocations';
import { withDccRules } from '../dcc-rules';
import { bundleSignersOf, readTrustedSigners } from '../dcc-trust';
import { AuthorityError } from '../errors';
import { currentRoot, loadKeys, readTrust, type StoredKey } from '../keys';
import { withShcIssuers } from '../shc-trust';
import { withCaseKey } from './case-key';
import { describeError } from './input';
import {
  previousPayload,
  publishBundle,
  publishedBundlePath,
  publishedVersion,
  requirePublishedBundle,
} from './published-bundle';
import { mergeRevocations, readRevocations } from './revocations-file';
import { listedKeys } from './signing-keys';
import { withSuspensions } from './suspensions-file';

/** Read and JSON-parse a policy file (contents are validated when signing). */
export function readPolicyFile(path: string): unknown {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    throw new AuthorityError('POLICY_INVALID', `cannot read policy file ${path}`);
  }
  try {
    return JSON.parse(source) as unknown;
  } catch {
    throw new AuthorityError('POLICY_INVALID', `${path} is not valid JSON`);
  }
}

const policyShape = v.looseObject({
  validityDays: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(366)),
  minAppVersion: v.string(),
  policy: v.looseObject({}),
  categories: v.array(v.unknown()),
  // Objects, so the rules' `var` paths can be checked before anything is signed.
  statusRules: v.array(v.looseObject({})),
  entryRules: v.array(v.looseObject({})),
});

/** The payload a policy file and the current keys would give (version/time as given). */
export function payloadFromPolicy(dataDir: string, policyFile: unknown, version: number, now: UnixSeconds) {
  const shape = v.safeParse(policyShape, policyFile);
  if (!shape.success) {
    const issue = shape.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') || '(root)';
    throw new AuthorityError('POLICY_INVALID', `policy file: ${path}: ${issue.message}`);
  }
  const vars = checkRuleVars(policyFile as PolicyFile);
  if (!vars.ok) {
    throw new AuthorityError(
      'POLICY_INVALID',
      `policy file: ${vars.error.detail} is not in the data rules see, so it would read as null and the rule could ` +
        `fail open (${vars.error.code}; docs/FORMATS.md, "Rule data"). Rules may read: ${ENTRY_RULE_VARS.join(', ')} ` +
        '(person.status and venue.* in entry rules only).',
    );
  }
  const keys = loadKeys(dataDir);
  readTrust(dataDir); // no root, no bundle: refuses with "run keys create" before anything else
  const file = policyFile as PolicyFile;
  // Revocations made with `keys revoke` / `cert revoke` survive every later `bundle sign`.
  const revocations = mergeRevocations(file.revocations, readRevocations(dataDir));
  const previous = previousPayload(dataDir);
  const payload = withCaseKey(
    withSuspensions(
      withDccRevocations(
        withDccSigners(
          bundlePayloadFrom({ ...file, revocations }, listedKeys(keys, previous, revocations), version, now),
          dataDir,
        ),
        dataDir,
        now,
      ),
      dataDir,
      now,
    ),
    dataDir,
  );
  return { payload };
}

/**
 * The payload with the operator's trusted DCC signers (`singgah trust import`, kept by server/dcc-trust.ts)
 * and EU rules and value sets (`singgah rules …`, server/dcc-rules.ts), and the trusted SMART Health Card
 * issuers (`singgah trust import-shc`, server/shc-trust.ts); none, no field.
 */
function withDccSigners(payload: BundlePayload, dataDir: string): BundlePayload {
  const { dccSigners: _previous, ...rest } = payload;
  const signers = bundleSignersOf(readTrustedSigners(dataDir));
  return withShcIssuers(withDccRules(signers.length > 0 ? { ...rest, dccSigners: signers } : rest, dataDir), dataDir);
}

export interface SignedBundle {
  readonly version: number;
  readonly issuedAt: UnixSeconds;
  readonly expiresAt: UnixSeconds;
  readonly path: string;
  readonly source: string;
  readonly payload: BundlePayload;
}

/**
 * Sign the policy with the root key(s) as the next version, verify the result exactly as a phone
 * would (against trust.json), and only then publish it atomically to `published/bundle.json`.
 */
export function signBundleFromPolicy(dataDir: string, policyFile: unknown, now: UnixSeconds): SignedBundle {
  const prepared = prepareBundle(dataDir, policyFile, now);
  publishBundle(dataDir, prepared.source);
  return prepared;
}

/** Sign and verify the next bundle version in memory; nothing is published (the CLI dry-runs it first). */
export function prepareBundle(dataDir: string, policyFile: unknown, now: UnixSeconds): SignedBundle {
  const payload = nextPayloadFromPolicy(dataDir, policyFile, now);
  // The root keys trust.json lists (after `keys rotate-root`, the newest root), never retired ones.
  return signVerified(dataDir, payload, currentRoot(dataDir).keys, now, 'POLICY_INVALID');
}

/** The next bundle version's payload from a policy file (unsigned: `bundle prepare` and `bundle sign`). */
export const nextPayloadFromPolicy = (dataDir: string, policyFile: unknown, now: UnixSeconds): BundlePayload =>
  payloadFromPolicy(dataDir, policyFile, publishedVersion(dataDir) + 1, now).payload;

/** Sign `payload` with the root keys and verify it against trust.json exactly as a phone would. */
function signVerified(
  dataDir: string,
  payload: BundlePayload,
  roots: readonly StoredKey[],
  now: UnixSeconds,
  invalidCode: 'POLICY_INVALID' | 'BUNDLE_INVALID',
): SignedBundle {
  const source = signBundle(
    payload,
    roots.map((k) => k.secretKey),
  );
  return verifiedForPublishing(source, readTrust(dataDir), publishedBundlePath(dataDir), now, invalidCode);
}

/** A signed bundle checked as a phone checks it (against `anchor`) and not already expired; else refused. */
export function verifiedForPublishing(
  source: string,
  anchor: TrustAnchor,
  path: string,
  now: UnixSeconds,
  invalidCode: 'POLICY_INVALID' | 'BUNDLE_INVALID',
): SignedBundle {
  const verified = verifyBundle(source, anchor);
  if (!verified.ok) {
    const code = verified.error.code === 'PAYLOAD_INVALID' ? invalidCode : 'BUNDLE_INVALID';
    throw new AuthorityError(code, `the signed bundle does not verify: ${describeError(verified.error)}`);
  }
  if (verified.value.payload.expiresAt <= now) throw new AuthorityError(invalidCode, 'bundle would be expired');
  const p = verified.value.payload;
  return { version: p.version, issuedAt: p.issuedAt, expiresAt: p.expiresAt, path, source, payload: p };
}

/** Publish a bundle signed by prepareBundle (atomically; served at /v1/bundle). */
export const publishPreparedBundle = (dataDir: string, bundle: SignedBundle): string =>
  publishBundle(dataDir, bundle.source);

/**
 * Re-sign the published bundle as the next version with the stored signing keys and the stored
 * revocations (rules, categories and validity length unchanged), verify and publish it.
 */
export function republishBundle(dataDir: string, now: UnixSeconds): SignedBundle {
  const next = republishPayload(dataDir, now);
  const signed = signVerified(dataDir, next, currentRoot(dataDir).keys, now, 'BUNDLE_INVALID');
  publishBundle(dataDir, signed.source);
  return signed;
}

/** The payload republishBundle signs (unsigned: `bundle prepare --resign` hands it to the custodians). */
export function republishPayload(dataDir: string, now: UnixSeconds): BundlePayload {
  const old = requirePublishedBundle(dataDir).payload;
  const revocations = mergeRevocations(old.revocations, readRevocations(dataDir));
  const payload: BundlePayload = {
    ...old,
    version: publishedVersion(dataDir) + 1,
    issuedAt: now,
    expiresAt: now + (old.expiresAt - old.issuedAt),
    keys: nameKeys(listedKeys(loadKeys(dataDir), old, revocations), issuerNamesOf(old.keys)),
    revocations,
  };
  return withCaseKey(
    withSuspensions(withDccRevocations(withDccSigners(payload, dataDir), dataDir, now), dataDir, now),
    dataDir,
  );
}
