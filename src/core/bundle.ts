/**
 * The trust bundle: everything a phone needs to decide offline (keys with roles, revocations,
 * policy, categories, rules), signed by the pinned root keys with a k-of-n threshold.
 * Wire form: `{"payload": base64url(UTF-8 JSON), "signatures": [{"kid", "sig"}]}`.
 */
import * as v from 'valibot';
import { dccBundleFields } from './bundle-dcc';
import { shcBundleFields } from './bundle-shc';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes';
import { keyIdOf, signDetached, verifyDetached } from './ed25519';
import { type ErrorCode, err, ok, type Result } from './errors';
import { checkRuleVars } from './rule-data';
import { logic } from './rule-logic';
import {
  categoryCode,
  identifier,
  keyId,
  parseJson,
  parseWith,
  regionCode,
  text,
  time,
  type UnixSeconds,
} from './schema';
import { MAX_SUSPENSIONS, SUSPENSION_ID } from './suspension';

/** Cap checked before parsing anything (a 500-rule bundle is ~300 KB). */
export const MAX_BUNDLE_BYTES = 1_048_576;

const localized = v.strictObject({ id: text(400), en: text(400) });
const publicKeyB64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));
export const KEY_ROLES = ['certificate', 'venue', 'notices'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];
export const STATUSES = ['green', 'yellow', 'red', 'black'] as const;
export type Status = (typeof STATUSES)[number];

const bundleKey = v.strictObject({
  kid: keyId,
  publicKey: publicKeyB64,
  role: v.picklist(KEY_ROLES),
  validFrom: time,
  validTo: time,
  /** Who signs with it, for people ("Kementerian Kesehatan RI"), never its id: optional, from the policy file. */
  name: v.optional(localized),
});

const statusRule = v.strictObject({
  id: identifier,
  status: v.picklist(STATUSES),
  description: localized,
  logic,
});

const entryRule = v.strictObject({
  id: identifier,
  /** Venue category codes, or "*" for every category. */
  categories: v.pipe(v.array(v.union([categoryCode, v.literal('*')])), v.minLength(1), v.maxLength(64)),
  validFrom: time,
  validTo: time,
  description: localized,
  logic,
});

const occupancyLimit = v.strictObject({
  /** Venue category codes, or "*" for every category. */
  categories: v.pipe(v.array(v.union([categoryCode, v.literal('*')])), v.minLength(1), v.maxLength(64)),
  /** Region codes (a province covers its regencies), or "*" for everywhere. */
  regions: v.pipe(v.array(v.union([regionCode, v.literal('*')])), v.minLength(1), v.maxLength(1000)),
  /** Share of the venue's capacity allowed inside at once, in whole percent. */
  percent: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)),
});

/** Ten years: far beyond any real certificate, low enough that a typo cannot mean "forever". */
const certificateDays = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3660));

const bundlePayload = v.strictObject({
  type: v.literal('singgah-bundle'),
  // Capped so a huge signed version cannot make every later bundle look like a rollback.
  version: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER)),
  issuedAt: time,
  expiresAt: time,
  minAppVersion: v.pipe(v.string(), v.regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}$/)),
  keys: v.pipe(v.array(bundleKey), v.maxLength(256)),
  revocations: v.strictObject({
    keys: v.pipe(v.array(keyId), v.maxLength(10_000)),
    certificates: v.pipe(v.array(identifier), v.maxLength(100_000)),
  }),
  policy: v.strictObject({
    retentionDays: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(366)),
    staleGraceSeconds: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(30 * 86_400)),
    clockSkewSeconds: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400)),
    uploadCheckIns: v.boolean(),
    /** Longest stay a visitor may choose at the door (stay.ts); absent: DEFAULT_MAX_STAY_MINUTES. */
    maxStayMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1440))),
    /** Occupancy limits as a share of a venue's capacity, first match wins (occupancy.ts). */
    occupancyLimits: v.optional(v.pipe(v.array(occupancyLimit), v.maxLength(1000))),
    /** Longest validity per certificate kind, in days (certificate.ts); absent: DEFAULT_MAX_CERTIFICATE_DAYS. */
    maxCertificateDays: v.optional(
      v.strictObject({ vaccination: certificateDays, test: certificateDays, recovery: certificateDays }),
    ),
  }),
  categories: v.pipe(
    v.array(v.strictObject({ code: categoryCode, name: localized })),
    v.minLength(1),
    v.maxLength(256),
  ),
  regions: v.optional(v.pipe(v.array(regionCode), v.maxLength(1000))),
  /** Certificates the health office suspended for an isolation window (core/suspension.ts). */
  suspensions: v.optional(
    v.pipe(
      v.array(v.strictObject({ id: v.pipe(v.string(), v.regex(SUSPENSION_ID)), until: time })),
      v.maxLength(MAX_SUSPENSIONS),
    ),
  ),
  /** The health office's X25519 encryption key: phones seal case reports to it (case-seal.ts); absent, none. */
  caseKey: v.optional(v.strictObject({ kid: keyId, publicKey: publicKeyB64 })),
  statusRules: v.pipe(v.array(statusRule), v.minLength(1), v.maxLength(1000)),
  entryRules: v.pipe(v.array(entryRule), v.maxLength(5000)),
  ...dccBundleFields,
  ...shcBundleFields,
});

export type BundlePayload = v.InferOutput<typeof bundlePayload>;
export type DccValueSets = NonNullable<BundlePayload['dccValueSets']>;
export type BundleShcIssuers = NonNullable<BundlePayload['shcIssuers']>;
export type EuDccRules = NonNullable<BundlePayload['dccRules']>;
export type EuDccRule = EuDccRules['rules'][number];
export type BundleKey = BundlePayload['keys'][number];
export type StatusRule = BundlePayload['statusRules'][number];
export type EntryRule = BundlePayload['entryRules'][number];
export type BundlePolicy = BundlePayload['policy'];
export type OccupancyLimit = NonNullable<BundlePolicy['occupancyLimits']>[number];
export type LocalizedText = v.InferOutput<typeof localized>;

const envelope = v.strictObject({
  payload: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/)),
  signatures: v.pipe(
    v.array(v.strictObject({ kid: keyId, sig: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/)) })),
    v.minLength(1),
    v.maxLength(16),
  ),
});
export type BundleEnvelope = v.InferOutput<typeof envelope>;

/** The root of trust: compiled into the app (version 1), then advanced by signed root rotations. */
export interface TrustAnchor {
  readonly version?: number;
  readonly threshold: number;
  readonly keys: readonly { readonly kid: string; readonly publicKey: Uint8Array }[];
}

export interface VerifiedBundle {
  readonly payload: BundlePayload;
  /** The envelope text exactly as received, kept so it can be re-verified and exported. */
  readonly source: string;
}

export interface VerifiedEnvelope {
  /** Parsed JSON of the signed payload (still to be schema-checked by the caller). */
  readonly json: unknown;
  /** Distinct anchor keys whose signature verified. */
  readonly signers: number;
}

/**
 * Verify a signed envelope (`{payload, signatures}`) against an anchor. Counts distinct public keys that
 * produced a valid signature — never signature entries — so one key signing twice cannot reach k=2
 * (go-tuf GHSA-3633-5h82-39pq). Returns `signers` < threshold as an error.
 */
export function verifyEnvelope(
  source: string,
  type: 'bundle' | 'root',
  anchor: TrustAnchor,
  maxBytes = MAX_BUNDLE_BYTES,
): Result<VerifiedEnvelope> {
  if (source.length > maxBytes) return err('INPUT_TOO_LARGE');
  const json = parseJson(source);
  if (!json.ok) return json;
  const env = parseWith(envelope, json.value);
  if (!env.ok) return env;
  const payload = fromBase64Url(env.value.payload);
  if (!payload) return err('ENCODING_INVALID', 'payload is not base64url');

  const signers = new Set<string>();
  for (const entry of env.value.signatures) {
    const sig = fromBase64Url(entry.sig);
    if (!sig) continue;
    for (const key of anchor.keys) {
      if (key.kid !== entry.kid) continue;
      if (verifyDetached(type, payload, sig, key.publicKey).ok) signers.add(toBase64Url(key.publicKey));
    }
  }
  const invalid = type === 'root' ? 'ROOT_SIGNATURE_INVALID' : 'BUNDLE_SIGNATURE_INVALID';
  const short = type === 'root' ? 'ROOT_THRESHOLD_NOT_MET' : 'BUNDLE_THRESHOLD_NOT_MET';
  if (signers.size === 0) return err(invalid);
  if (signers.size < anchor.threshold) return err(short, `${signers.size}/${anchor.threshold}`);

  const text_ = fromUtf8(payload);
  if (text_ === undefined) return err('ENCODING_INVALID', 'payload is not UTF-8');
  const body = parseJson(text_);
  if (!body.ok) return body;
  return ok({ json: body.value, signers: signers.size });
}

/** Verify a bundle text against the current root. */
export function verifyBundle(source: string, anchor: TrustAnchor): Result<VerifiedBundle> {
  const env = verifyEnvelope(source, 'bundle', anchor);
  if (!env.ok) return env;
  return checkBundlePayload(env.value, source);
}

/**
 * The second half of `verifyBundle`: the content of an envelope whose signatures `verifyEnvelope` accepted —
 * the schema, then the rules' variables. Apart so a caller can run the two halves in separate tasks.
 */
export function checkBundlePayload(envelope: VerifiedEnvelope, source: string): Result<VerifiedBundle> {
  const parsed = parseWith(bundlePayload, envelope.json);
  if (!parsed.ok) return parsed;
  // A rule reading a field the rule data lacks would see null and could fail open (rule-data.ts).
  const vars = checkRuleVars(parsed.value);
  if (!vars.ok) return vars;
  return ok({ payload: parsed.value, source });
}

/** Sign any payload as an envelope (authority side). */
export function signEnvelope(type: 'bundle' | 'root', payload: unknown, secretKeys: readonly Uint8Array[]): string {
  const bytes = utf8(JSON.stringify(payload));
  const signatures = secretKeys.map((secretKey) => ({
    kid: keyIdOf(secretKey.subarray(32)),
    sig: toBase64Url(signDetached(type, bytes, secretKey)),
  }));
  return JSON.stringify({ payload: toBase64Url(bytes), signatures } satisfies BundleEnvelope);
}

export type BundleUpdate =
  | { readonly kind: 'accepted'; readonly bundle: VerifiedBundle }
  | { readonly kind: 'unchanged' };

/**
 * Decide whether a downloaded bundle replaces the stored one. Lower version: rollback. Equal: a quiet
 * no-op. Already expired at the moment the update began: freeze attack (TUF), rejected.
 */
export function acceptBundleUpdate(
  current: VerifiedBundle | undefined,
  source: string,
  anchor: TrustAnchor,
  now: UnixSeconds,
): Result<BundleUpdate> {
  const incoming = verifyBundle(source, anchor);
  if (!incoming.ok) return incoming;
  return decideBundleUpdate(current, incoming.value, now);
}

/** `acceptBundleUpdate`'s decision for a bundle already verified (`verifyBundle`) against the current root. */
export function decideBundleUpdate(
  current: VerifiedBundle | undefined,
  incoming: VerifiedBundle,
  now: UnixSeconds,
): Result<BundleUpdate> {
  const version = incoming.payload.version;
  if (current && version < current.payload.version) return err('BUNDLE_ROLLBACK');
  if (current && version === current.payload.version) return ok({ kind: 'unchanged' });
  if (incoming.payload.expiresAt <= now) return err('BUNDLE_EXPIRED');
  return ok({ kind: 'accepted', bundle: incoming });
}

/** Sign a bundle payload with one or more root secret keys (authority side). */
export const signBundle = (payload: BundlePayload, secretKeys: readonly Uint8Array[]): string =>
  signEnvelope('bundle', payload, secretKeys);

/** What a signed object offers for verification against bundle keys (venue and certificate QR, notices). */
export interface SignedObject {
  readonly type: 'venue' | 'certificate' | 'notices';
  readonly role: KeyRole;
  readonly kid: string;
  /** When the object was signed: the key must have been valid then. */
  readonly signedAt: UnixSeconds;
  /**
   * When the object stops being valid, for objects that expire: the key's window must reach that far too, so a
   * key cannot vouch for anything past its own end (a certificate may not outlive its key).
   */
  readonly validUntil?: UnixSeconds;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** Hash of the domain-separated payload. */
  readonly contentId: string;
  readonly invalidSignature: ErrorCode;
}

/**
 * Results of signature and key checks per bundle. They depend only on the bundle and the signed bytes,
 * never on time, so a family's certificates are verified once per bundle, not at every door (an
 * Ed25519 verify costs milliseconds in JavaScript). Keyed by the bundle object: a new bundle, a new
 * cache; bounded so a guard scanning thousands of passes cannot grow it without limit.
 */
const verified = new WeakMap<BundlePayload, Map<string, Result<BundleKey>>>();
const MAX_CACHED_PER_BUNDLE = 2048;

/**
 * Find the bundle key that signed an object and check the signature, the key's role, its validity
 * window at signing time (and, for an object that expires, at its expiry) and revocation. Several keys
 * may share a short kid: try each (as EU DCC verifiers do).
 */
export function verifyWithBundleKey(bundle: BundlePayload, o: SignedObject): Result<BundleKey> {
  const cache = verified.get(bundle) ?? new Map<string, Result<BundleKey>>();
  verified.set(bundle, cache);
  // The signature is part of the cache key: the same payload with a forged signature is another case.
  const cacheKey = `${o.type}|${o.contentId}|${toBase64Url(o.signature)}|${o.kid}|${o.signedAt}|${o.validUntil}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const result = checkWithBundleKey(bundle, o);
  if (cache.size >= MAX_CACHED_PER_BUNDLE) cache.clear();
  cache.set(cacheKey, result);
  return result;
}

function checkWithBundleKey(bundle: BundlePayload, o: SignedObject): Result<BundleKey> {
  const candidates = bundle.keys.filter((k) => k.kid === o.kid);
  if (candidates.length === 0) return err('KEY_UNKNOWN', o.kid);
  let failure: Result<BundleKey> = err(o.invalidSignature);
  for (const key of candidates) {
    const publicKey = fromBase64Url(key.publicKey);
    if (!publicKey || !verifyDetached(o.type, o.payload, o.signature, publicKey).ok) continue;
    if (bundle.revocations.keys.includes(key.kid)) return err('KEY_REVOKED', o.kid);
    if (key.role !== o.role) failure = err('KEY_WRONG_ROLE', `${o.kid} is ${key.role}`);
    else if (o.signedAt < key.validFrom || o.signedAt > key.validTo) failure = err('KEY_NOT_VALID_NOW', o.kid);
    else if (o.validUntil !== undefined && o.validUntil > key.validTo)
      failure = err('CERTIFICATE_OUTLIVES_KEY', `${o.kid} is valid to ${key.validTo}`);
    else return ok(key);
  }
  return failure;
}
