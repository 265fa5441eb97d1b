/**
 * The authority operator's operations — sign the bundle, register venues, issue certificates — shared
 * by the CLI (server/cli.ts) and the demo set-up (server/demo.ts). Everything signed here is checked
 * with the same core verifiers the phones use before it is published or stored.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as v from 'valibot';
import {
  type BundleKey,
  type BundlePayload,
  KEY_ROLES,
  type KeyRole,
  signBundle,
  type VerifiedBundle,
  verifyBundle,
} from '../src/core/bundle';
import { fromBase64Url, fromUtf8, toBase64Url } from '../src/core/bytes';
import { type Certificate, decodeCertificate, encodeCertificate, verifyCertificate } from '../src/core/certificate';
import type { CoreError } from '../src/core/errors';
import { bundlePayloadFrom, issuerNamesOf, nameKeys, type PolicyFile } from '../src/core/policy-file';
import { certificateLink, qrText, venueLink } from '../src/core/qr-link';
import { type RootPayload, signRoot, verifyRootStep } from '../src/core/root';
import { identifier, isoDate, MAX_TIME, MIN_TIME, regionCode, text, type UnixSeconds } from '../src/core/schema';
import { formatShortCode, SHORT_CODE_ALPHABET, shortCodeBody, shortCodeOf } from '../src/core/short-code';
import { MAX_SUSPENSIONS, SUSPENSION_ID, type Suspension, suspensionIdOf } from '../src/core/suspension';
import { decodeVenue, encodeVenue, type Venue, verifyVenue } from '../src/core/venue';
import type { Queryable } from './db';
import { withDccRules } from './dcc-rules';
import { bundleSignersOf, readTrustedSigners } from './dcc-trust';
import { AuthorityError } from './errors';
import {
  checkRootSet,
  currentRoot,
  drawKey,
  loadKeys,
  MAX_ROOT_KEYS,
  publishedRootPath,
  readTrust,
  retiredDir,
  retireKeyFiles,
  type StoredKey,
  writeFileAtomic,
  writeKey,
  writeTrustFile,
} from './keys';
import { qrVersion } from './qr';
import { findRegion } from './regions';

export const DEFAULT_ORIGIN = 'http://localhost:8080';
/** A signing key is listed in the bundle as valid from its creation for this long. */
export const KEY_VALIDITY_SECONDS = 730 * 86_400;
/** The venue QR must stay scannable on a printed poster: version ≤ 10 at error correction M. */
export const MAX_POSTER_QR_VERSION = 10;
const DAY = 86_400;
const HOUR = 3_600;

export const publishedBundlePath = (dataDir: string) => join(dataDir, 'published', 'bundle.json');

const describeError = (e: CoreError) => (e.detail ? `${e.code} (${e.detail})` : e.code);

// ---------------------------------------------------------------- bundle

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

export function requirePublishedBundle(dataDir: string): VerifiedBundle {
  const bundle = readPublishedBundle(dataDir);
  if (!bundle) {
    throw new AuthorityError('BUNDLE_NOT_PUBLISHED', 'no bundle published yet: run `singgah bundle sign POLICY.json`');
  }
  return bundle;
}

/** The bundle entry of a stored signing key: valid from its creation for KEY_VALIDITY_SECONDS. */
export function bundleKeyOf(key: StoredKey & { role: KeyRole }): BundleKey {
  return {
    kid: key.kid,
    publicKey: toBase64Url(key.publicKey),
    role: key.role,
    validFrom: Math.max(MIN_TIME, key.createdAt),
    validTo: Math.min(MAX_TIME, key.createdAt + KEY_VALIDITY_SECONDS),
  };
}

const isSigningKey = (k: StoredKey): k is StoredKey & { role: KeyRole } =>
  (KEY_ROLES as readonly string[]).includes(k.role);

const policyShape = v.looseObject({
  validityDays: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(366)),
  minAppVersion: v.string(),
  policy: v.looseObject({}),
  categories: v.array(v.unknown()),
  statusRules: v.array(v.unknown()),
  entryRules: v.array(v.unknown()),
});

/** The payload a policy file and the current keys would give (version/time as given). */
export function payloadFromPolicy(dataDir: string, policyFile: unknown, version: number, now: UnixSeconds) {
  const shape = v.safeParse(policyShape, policyFile);
  if (!shape.success) {
    const issue = shape.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') || '(root)';
    throw new AuthorityError('POLICY_INVALID', `policy file: ${path}: ${issue.message}`);
  }
  const keys = loadKeys(dataDir);
  if (!keys.some((k) => k.role === 'root'))
    throw new AuthorityError('KEYS_MISSING', 'no root key: run `singgah keys create` first');
  // The root keys trust.json lists (after `keys rotate-root`, the newest root), never retired ones.
  const roots = currentRoot(dataDir).keys;
  const file = policyFile as PolicyFile;
  // Revocations made with `keys revoke` / `cert revoke` survive every later `bundle sign`.
  const revocations = mergeRevocations(file.revocations, readRevocations(dataDir));
  const previous = previousPayload(dataDir);
  const payload = withSuspensions(
    withDccSigners(
      bundlePayloadFrom({ ...file, revocations }, listedKeys(keys, previous, revocations), version, now),
      dataDir,
    ),
    dataDir,
    now,
  );
  return { payload, roots };
}

/** The payload with the operator's trusted DCC signers (`singgah trust import`) and EU rules; none, no field. */
function withDccSigners(payload: BundlePayload, dataDir: string): BundlePayload {
  const { dccSigners: _previous, ...rest } = payload;
  const signers = bundleSignersOf(readTrustedSigners(dataDir));
  return withDccRules(signers.length > 0 ? { ...rest, dccSigners: signers } : rest, dataDir);
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
  const version = publishedVersion(dataDir) + 1;
  const { payload, roots } = payloadFromPolicy(dataDir, policyFile, version, now);
  return signVerified(dataDir, payload, roots, now, 'POLICY_INVALID');
}

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
  const verified = verifyBundle(source, readTrust(dataDir));
  if (!verified.ok) {
    const code = verified.error.code === 'PAYLOAD_INVALID' ? invalidCode : 'BUNDLE_INVALID';
    throw new AuthorityError(code, `the signed bundle does not verify: ${describeError(verified.error)}`);
  }
  if (verified.value.payload.expiresAt <= now) throw new AuthorityError(invalidCode, 'bundle would be expired');
  const p = verified.value.payload;
  const path = publishedBundlePath(dataDir);
  return { version: p.version, issuedAt: p.issuedAt, expiresAt: p.expiresAt, path, source, payload: p };
}

/** Publish a bundle signed by prepareBundle (atomically; served at /v1/bundle). */
export const publishPreparedBundle = (dataDir: string, bundle: SignedBundle): string =>
  publishBundle(dataDir, bundle.source);

// ---------------------------------------------------------------- revocations and signing-key rotation

type Revocations = BundlePayload['revocations'];

/** Revoked key ids and certificate ids, kept across bundle versions (public: it is in every bundle). */
export const revocationsPath = (dataDir: string) => join(dataDir, 'revocations.json');

export function readRevocations(dataDir: string): Revocations {
  const path = revocationsPath(dataDir);
  if (!existsSync(path)) return { keys: [], certificates: [] };
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as Partial<Revocations>;
    const strings = (a: unknown) => (Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : []);
    return { keys: strings(json.keys), certificates: strings(json.certificates) };
  } catch {
    throw new AuthorityError('INPUT_INVALID', `${path} is not valid JSON`);
  }
}

/**
 * The published payload if it verifies against trust.json; otherwise undefined (after `keys create --force`
 * the old bundle belongs to the previous trust domain, and nothing of it is carried over).
 */
function previousPayload(dataDir: string): BundlePayload | undefined {
  try {
    return readPublishedBundle(dataDir)?.payload;
  } catch (e) {
    if (e instanceof AuthorityError && e.code === 'BUNDLE_INVALID') return undefined;
    throw e;
  }
}

/**
 * The keys a bundle lists: every stored signing key, plus revoked keys the previous bundle listed (their
 * files are retired): still listed, phones report what those keys signed as revoked rather than unknown.
 */
function listedKeys(stored: readonly StoredKey[], previous: BundlePayload | undefined, revocations: Revocations) {
  const own = stored.filter(isSigningKey).map(bundleKeyOf);
  const revoked = (previous?.keys ?? []).filter(
    (k) => revocations.keys.includes(k.kid) && !own.some((o) => o.kid === k.kid && o.publicKey === k.publicKey),
  );
  return [...own, ...revoked];
}

function mergeRevocations(...lists: (Revocations | undefined)[]): Revocations {
  const keys = new Set<string>();
  const certificates = new Set<string>();
  for (const l of lists) {
    for (const k of l?.keys ?? []) keys.add(k);
    for (const c of l?.certificates ?? []) certificates.add(c);
  }
  return { keys: [...keys], certificates: [...certificates] };
}

/**
 * Re-sign the published bundle as the next version with the stored signing keys and the stored
 * revocations (rules, categories and validity length unchanged), verify and publish it.
 */
export function republishBundle(dataDir: string, now: UnixSeconds): SignedBundle {
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
  const next = withSuspensions(withDccSigners(payload, dataDir), dataDir, now);
  const signed = signVerified(dataDir, next, currentRoot(dataDir).keys, now, 'BUNDLE_INVALID');
  publishBundle(dataDir, signed.source);
  return signed;
}

/**
 * A new certificate, venue or notices key: listed in the next bundle next to the old one, which stays valid
 * (posters and certificates it signed keep working) until its window ends or it is revoked. New items are
 * signed with the newest key from now on.
 */
export function rotateSigningKey(dataDir: string, role: KeyRole, now: UnixSeconds) {
  requirePublishedBundle(dataDir); // fail before writing a key no bundle will list
  const key = drawKey(dataDir, role, now);
  writeKey(dataDir, key);
  return { key, bundle: republishBundle(dataDir, now) };
}

/**
 * Revoke a signing key: its id goes into the next bundle's revocations (phones then reject everything it
 * signed) and its file moves to keys/retired/. Root keys are replaced with rotate-root instead; the last
 * key of a role is refused (rotate first, so that something can still be signed).
 */
export function revokeKey(dataDir: string, kid: string, now: UnixSeconds) {
  const published = requirePublishedBundle(dataDir).payload;
  const stored = loadKeys(dataDir).filter((k) => k.kid === kid);
  if (stored.some((k) => k.role === 'root')) {
    throw new AuthorityError('INPUT_INVALID', `${kid} is a root key: replace it with \`singgah keys rotate-root\``);
  }
  const listed = published.keys.filter((k) => k.kid === kid);
  if (stored.length === 0 && listed.length === 0) {
    throw new AuthorityError('NOT_FOUND', `no key ${kid} in ${join(dataDir, 'keys')} or in the published bundle`);
  }
  for (const key of stored.filter(isSigningKey)) {
    const others = loadKeys(dataDir).filter((k) => k.role === key.role && k.kid !== kid);
    if (others.length === 0) {
      throw new AuthorityError(
        'INPUT_INVALID',
        `${kid} is the only ${key.role} key: run \`singgah keys rotate ${key.role}\` first, then revoke it`,
      );
    }
  }
  const revocations = readRevocations(dataDir);
  writeRevocations(dataDir, mergeRevocations(revocations, { keys: [kid], certificates: [] }));
  let retiredTo: string | undefined;
  if (stored.length > 0) {
    retiredTo = retiredDir(dataDir, now);
    retireKeyFiles(dataDir, stored, retiredTo);
  }
  return {
    roles: [...new Set([...stored, ...listed].map((k) => k.role))],
    retiredTo,
    bundle: republishBundle(dataDir, now),
  };
}

/** Revoke a certificate by id: listed in the next bundle's revocations, so phones stop accepting it. */
export function revokeCertificate(dataDir: string, id: string, now: UnixSeconds) {
  check(identifier, id, 'certificate id');
  requirePublishedBundle(dataDir);
  writeRevocations(dataDir, mergeRevocations(readRevocations(dataDir), { keys: [], certificates: [id] }));
  return republishBundle(dataDir, now);
}

// ---------------------------------------------------------------- suspensions (isolation windows)

/** Suspended certificates (hashed ids + until), kept across bundle versions while they run. */
export const suspensionsPath = (dataDir: string) => join(dataDir, 'suspensions.json');

const suspensionsFile = v.array(v.strictObject({ id: v.pipe(v.string(), v.regex(SUSPENSION_ID)), until: v.number() }));

function readSuspensions(dataDir: string): Suspension[] {
  const path = suspensionsPath(dataDir);
  if (!existsSync(path)) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new AuthorityError('INPUT_INVALID', `${path} is not valid JSON`);
  }
  const r = v.safeParse(suspensionsFile, json);
  if (!r.success) throw new AuthorityError('INPUT_INVALID', `${path}: ${r.issues[0].message}`);
  return r.output;
}

/** The payload with the suspensions still running at `now` (the field left out when there are none). */
function withSuspensions(payload: BundlePayload, dataDir: string, now: UnixSeconds): BundlePayload {
  const { suspensions: _old, ...rest } = payload;
  const running = readSuspensions(dataDir).filter((s) => s.until > now);
  if (running.length > MAX_SUSPENSIONS)
    throw new AuthorityError(
      'INPUT_INVALID',
      `${running.length} suspensions: a bundle holds at most ${MAX_SUSPENSIONS}`,
    );
  return running.length > 0 ? { ...rest, suspensions: running } : rest;
}

/**
 * Suspend certificates until `until` (an isolation window): their hashed ids go into the next bundle, so the
 * holder's phone and every guard show the person black until then. Suspending again extends, never shortens.
 */
export function suspendCertificates(dataDir: string, ids: readonly string[], until: UnixSeconds, now: UnixSeconds) {
  if (ids.length === 0) throw new AuthorityError('INPUT_INVALID', 'give at least one certificate id');
  for (const id of ids) check(identifier, id, 'certificate id');
  if (!(until > now) || until > MAX_TIME) throw new AuthorityError('INPUT_INVALID', 'the end must be in the future');
  requirePublishedBundle(dataDir);
  const byId = new Map(
    readSuspensions(dataDir)
      .filter((s) => s.until > now)
      .map((s) => [s.id, s.until]),
  );
  for (const id of ids) {
    const hashed = suspensionIdOf(id);
    byId.set(hashed, Math.max(until, byId.get(hashed) ?? 0));
  }
  const list = [...byId].map(([id, u]) => ({ id, until: u }));
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(suspensionsPath(dataDir), `${JSON.stringify(list, null, 2)}\n`, 0o644);
  return republishBundle(dataDir, now);
}

function writeRevocations(dataDir: string, revocations: Revocations): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(revocationsPath(dataDir), `${JSON.stringify(revocations, null, 2)}\n`, 0o644);
}

/** Write a signed bundle to `published/bundle.json` atomically (served at /v1/bundle). */
function publishBundle(dataDir: string, source: string): string {
  const path = publishedBundlePath(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, source, 0o644);
  return path;
}

// ---------------------------------------------------------------- root rotation

/** Most root keys `keys rotate-root` creates at once (old and new signatures must fit one envelope). */
export const MAX_NEW_ROOT_KEYS = MAX_ROOT_KEYS;
/** Signature entries an envelope may carry (core's envelope schema). */
const MAX_SIGNATURES = 16;

export interface RotateRootOptions {
  /** New root keys to create (default 1). */
  readonly keys?: number;
  /** Signatures of the new keys needed from now on (default: the current threshold, at most `keys`). */
  readonly threshold?: number;
}

export interface RotatedRoot {
  readonly version: number;
  readonly threshold: number;
  readonly created: readonly StoredKey[];
  readonly retired: readonly StoredKey[];
  readonly retiredTo: string;
  readonly rootPath: string;
  /** The published bundle re-signed with the new root as the next version; undefined if none was published. */
  readonly bundle?: SignedBundle;
}

/**
 * Rotate the root (after TUF): root N+1 is signed by root N's keys AND the new keys, published as
 * `published/roots/<N+1>.json` for installed apps to walk (GET /v1/roots), and trust.json becomes root N+1
 * so that new builds pin it. The published bundle is re-signed by the new root as the next version. The old
 * root key files move to `keys/retired/<time>/`.
 *
 * Everything is signed and verified in memory first, exactly as a phone would check it (root step from the
 * current anchor; the bundle against the new root and not the old one); only then are files written, in an
 * order that keeps the server consistent: new key files, the root file, trust.json, the bundle, and last the
 * retirement of the old keys (harmless if interrupted: bundle signing uses only keys trust.json lists).
 */
export function rotateRoot(dataDir: string, now: UnixSeconds, options: RotateRootOptions = {}): RotatedRoot {
  const count = options.keys ?? 1;
  checkRootSet(count, 1, { count: '--keys', threshold: '--threshold' });
  const current = currentRoot(dataDir); // refuses when the current root's secret keys are missing
  const threshold = options.threshold ?? Math.min(current.anchor.threshold, count);
  checkRootSet(count, threshold, { count: '--keys', threshold: '--threshold' });
  const version = (current.anchor.version ?? 1) + 1;
  const rootPath = publishedRootPath(dataDir, version);
  if (existsSync(rootPath)) {
    throw new AuthorityError(
      'TRUST_INVALID',
      `${rootPath} exists but trust.json is root version ${version - 1}: an earlier rotation was interrupted; ` +
        'restore trust.json from that root file or move it away by hand',
    );
  }
  // The bundle to carry over must verify against the current root now, before anything changes.
  const published = readPublishedBundle(dataDir);

  const created: StoredKey[] = [];
  for (let i = 0; i < count; i++) {
    created.push(
      drawKey(
        dataDir,
        'root',
        now,
        created.map((k) => k.kid),
      ),
    );
  }
  const payload: RootPayload = {
    type: 'singgah-root',
    version,
    issuedAt: now,
    threshold,
    keys: created.map((k) => ({ kid: k.kid, publicKey: toBase64Url(k.publicKey) })),
  };
  // Every current key signs when the envelope has room; otherwise exactly the current threshold.
  const oldSigners =
    current.keys.length + created.length <= MAX_SIGNATURES
      ? current.keys
      : current.keys.slice(0, current.anchor.threshold);
  const envelope = signRoot(
    payload,
    [...oldSigners, ...created].map((k) => k.secretKey),
  );
  const step = verifyRootStep(current.anchor, envelope);
  if (!step.ok) throw new AuthorityError('TRUST_INVALID', `the new root does not verify: ${describeError(step.error)}`);

  let bundle: SignedBundle | undefined;
  let bundleSource: string | undefined;
  if (published) {
    const old = published.payload;
    const next: BundlePayload = {
      ...old,
      version: publishedVersion(dataDir) + 1,
      issuedAt: now,
      expiresAt: now + (old.expiresAt - old.issuedAt),
    };
    bundleSource = signBundle(
      next,
      created.map((k) => k.secretKey),
    );
    const verified = verifyBundle(bundleSource, step.value);
    if (!verified.ok) {
      throw new AuthorityError(
        'BUNDLE_INVALID',
        `the re-signed bundle does not verify: ${describeError(verified.error)}`,
      );
    }
    if (verifyBundle(bundleSource, current.anchor).ok) {
      throw new AuthorityError('BUNDLE_INVALID', 'the re-signed bundle still verifies with the old root');
    }
    bundle = {
      version: next.version,
      issuedAt: next.issuedAt,
      expiresAt: next.expiresAt,
      path: publishedBundlePath(dataDir),
      source: bundleSource,
      payload: verified.value.payload,
    };
  }

  for (const key of created) writeKey(dataDir, key);
  mkdirSync(dirname(rootPath), { recursive: true });
  writeFileAtomic(rootPath, envelope, 0o644);
  writeTrustFile(dataDir, { version, threshold, keys: created });
  if (bundleSource !== undefined) publishBundle(dataDir, bundleSource);
  // Every root key but the new ones: the current root's, and any left over from an interrupted rotation.
  const newFiles = new Set(created.map((k) => k.file));
  const retired = loadKeys(dataDir).filter((k) => k.role === 'root' && !newFiles.has(k.file));
  const retiredTo = retiredDir(dataDir, now);
  retireKeyFiles(dataDir, retired, retiredTo);
  return { version, threshold, created, retired, retiredTo, rootPath, ...(bundle ? { bundle } : {}) };
}

// ---------------------------------------------------------------- ids and signing keys

/** Random Crockford base32 (uppercase) id, 5 random bits per character. */
export function randomId(chars: number): string {
  const bytes = randomBytes(Math.ceil((chars * 5) / 8));
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      bits -= 5;
      out += SHORT_CODE_ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/** The newest stored key of `role` that the published bundle lists and that is valid at `now`. */
export function signingKey(dataDir: string, bundle: BundlePayload, role: KeyRole, now: UnixSeconds): StoredKey {
  const listed = (k: StoredKey) =>
    bundle.keys.some(
      (b) =>
        b.role === role &&
        b.kid === k.kid &&
        b.publicKey === toBase64Url(k.publicKey) &&
        b.validFrom <= now &&
        now <= b.validTo &&
        !bundle.revocations.keys.includes(b.kid),
    );
  const key = loadKeys(dataDir)
    .filter((k) => k.role === role && listed(k))
    .at(-1);
  if (!key) {
    throw new AuthorityError(
      'SIGNING_KEY_MISSING',
      `no ${role} key that the published bundle lists as valid now: run \`singgah bundle sign\` after \`singgah keys create\``,
    );
  }
  return key;
}

function check<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const r = v.safeParse(schema, value);
  if (!r.success) throw new AuthorityError('INPUT_INVALID', `${what}: ${r.issues[0].message}`);
  return r.output;
}

const int = (min: number, max: number) =>
  v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(min), v.maxValue(max));

/** A well-formed code is not enough: it must name a real province or regency/city (server/regions.ts). */
export function checkRegion(region: unknown): string {
  if (typeof region !== 'string' || !v.is(regionCode, region)) {
    throw new AuthorityError(
      'REGION_INVALID',
      `region must be a BPS code of 2 digits (province, e.g. 64) or 4 digits (regency/city, e.g. 6472), got ${JSON.stringify(region)}`,
    );
  }
  if (!findRegion(region)) {
    throw new AuthorityError(
      'REGION_INVALID',
      `region ${region} is not an Indonesian province or regency/city code (e.g. 64 Kalimantan Timur, 6472 Kota Samarinda)`,
    );
  }
  return region;
}

// ---------------------------------------------------------------- venues

export interface VenueInput {
  readonly name: string;
  readonly address: string;
  readonly category: string;
  readonly region: string;
  readonly capacity: number;
  readonly stayMinutes: number;
}

export interface RegisteredVenue {
  readonly venue: Venue;
  readonly code: string;
  readonly url: string;
  /** QR version of `qrText(url)` at error correction M (posters want ≤ MAX_POSTER_QR_VERSION). */
  readonly qrVersion: number;
  /** What the poster prints under the QR for typing in (`XXXXX-XXXXX`, src/core/short-code.ts). */
  readonly shortCode: string;
}

export interface RegisterOptions {
  readonly origin?: string;
  /** Marks a venue created by demo-init. */
  readonly demo?: boolean;
}

/** Validate venue fields against a bundle's categories and the real region codes (pure, no I/O). */
export function checkVenueFields(input: VenueInput, bundle: BundlePayload): VenueInput {
  const name = check(text(100), input.name?.trim(), 'name (1–100 characters)');
  const address = check(text(100), input.address?.trim(), 'address (1–100 characters)');
  const categories = bundle.categories.map((c) => c.code);
  if (!categories.includes(input.category)) {
    throw new AuthorityError(
      'CATEGORY_UNKNOWN',
      `unknown category ${JSON.stringify(input.category)}; the published bundle (version ${bundle.version}) has: ${categories.join(', ')}`,
    );
  }
  const region = checkRegion(input.region);
  const capacity = check(int(0, 1_000_000), input.capacity, 'capacity (0–1000000 people)');
  const stayMinutes = check(int(1, 1440), input.stayMinutes, 'stay (1–1440 minutes)');
  return { name, address, category: input.category, region, capacity, stayMinutes };
}

/**
 * Validate venue input against the published bundle (no database needed), so the CLI can reject bad
 * input before it opens the database. Returns the normalised input, the bundle and the signing key.
 */
export function checkVenueInput(dataDir: string, input: VenueInput, now: UnixSeconds) {
  const bundle = requirePublishedBundle(dataDir).payload;
  const venue = checkVenueFields(input, bundle);
  const key = signingKey(dataDir, bundle, 'venue', now);
  return { venue, bundle, key };
}

/** Sign checked venue fields under a fresh random id with `key`, verified exactly as a phone would. */
export function signVenue(
  checked: VenueInput,
  key: StoredKey,
  bundle: BundlePayload,
  now: UnixSeconds,
): { venue: Venue; code: string } {
  const venue: Venue = { id: randomId(8), ...checked, kid: key.kid, issuedAt: now };
  const code = encodeVenue(venue, key.secretKey);
  const decoded = decodeVenue(code);
  const verified = decoded.ok ? verifyVenue(decoded.value, bundle) : decoded;
  if (!verified.ok)
    throw new AuthorityError('INPUT_INVALID', `venue does not verify: ${describeError(verified.error)}`);
  return { venue, code };
}

/** What the operator gets back for a stored venue: its link, QR version and printed short code. */
export function registeredVenue(venue: Venue, code: string, origin: string): RegisteredVenue {
  const url = venueLink(origin, code);
  return { venue, code, url, qrVersion: qrVersion(qrText(url)), shortCode: formatShortCode(shortCodeOf(venue.id)) };
}

/**
 * Insert signed venues in one statement; returns the ids actually stored (an id or short code already
 * taken is skipped by `on conflict do nothing`: the caller draws those again).
 */
export async function insertVenues(
  db: Queryable,
  signed: readonly { venue: Venue; code: string }[],
  now: UnixSeconds,
  demo = false,
): Promise<Set<string>> {
  const col = <T>(f: (s: { venue: Venue; code: string }) => T) => signed.map(f);
  const rows = await db.query<{ id: string }>(
    `insert into venues (id, name, address, category, region, capacity, stay_minutes, code, demo, created_at, short_code_body)
     select id, name, address, category, region, capacity, stay_minutes, code, $9, to_timestamp($10), short_code_body
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $11::text[])
       as t(id, name, address, category, region, capacity, stay_minutes, code, short_code_body)
     on conflict do nothing returning id`,
    [
      col((s) => s.venue.id),
      col((s) => s.venue.name),
      col((s) => s.venue.address),
      col((s) => s.venue.category),
      col((s) => s.venue.region),
      col((s) => s.venue.capacity),
      col((s) => s.venue.stayMinutes),
      col((s) => s.code),
      demo,
      now,
      col((s) => shortCodeBody(s.venue.id)),
    ],
  );
  return new Set(rows.map((r) => r.id));
}

/** Validate, sign with the venue key, self-verify against the published bundle, insert. */
export async function registerVenue(
  db: Queryable,
  dataDir: string,
  input: VenueInput,
  now: UnixSeconds,
  options: RegisterOptions = {},
): Promise<RegisteredVenue> {
  const { venue: checked, bundle, key } = checkVenueInput(dataDir, input, now);
  for (let attempt = 0; attempt < 5; attempt++) {
    const signed = signVenue(checked, key, bundle, now);
    const stored = await insertVenues(db, [signed], now, options.demo ?? false);
    // The id or its short code is taken: draw another.
    if (stored.has(signed.venue.id))
      return registeredVenue(signed.venue, signed.code, options.origin ?? DEFAULT_ORIGIN);
  }
  throw new Error('could not allocate a venue id');
}

/** Re-sign an existing venue (same id and details) with the current venue key; used by demo-init. */
export async function resignVenue(
  db: Queryable,
  dataDir: string,
  venue: Venue,
  now: UnixSeconds,
): Promise<{ venue: Venue; code: string }> {
  const bundle = requirePublishedBundle(dataDir).payload;
  const key = signingKey(dataDir, bundle, 'venue', now);
  const next: Venue = { ...venue, kid: key.kid, issuedAt: now };
  const code = encodeVenue(next, key.secretKey);
  await db.query('update venues set code = $2 where id = $1', [venue.id, code]);
  return { venue: next, code };
}

// ---------------------------------------------------------------- certificates

export interface HolderInput {
  readonly name: string;
  readonly birthDate: string;
  readonly region: string;
}

export type CertificateInput = {
  readonly holder: HolderInput;
  /** Defaults: vaccination 365 days after issue, test 72 h after sampling, recovery 180 days after the first positive. */
  readonly expiresAt?: UnixSeconds;
} & (
  | {
      readonly kind: 'vaccination';
      readonly product: string;
      readonly dose: number;
      readonly doses: number;
      readonly date: string;
    }
  | {
      readonly kind: 'test';
      readonly testType: 'pcr' | 'antigen';
      readonly result: 'neg' | 'pos';
      readonly sampleTime: UnixSeconds;
    }
  | { readonly kind: 'recovery'; readonly firstPositiveDate: string }
);

export interface IssuedCertificate {
  readonly certificate: Certificate;
  readonly code: string;
  readonly url: string;
}

const dateOf = (t: UnixSeconds) => new Date(t * 1000).toISOString().slice(0, 10);
const timeOfDate = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

function buildCertificate(input: CertificateInput, id: string, kid: string, now: UnixSeconds): Certificate {
  const holder = {
    name: check(text(80), input.holder?.name?.trim(), 'name (1–80 characters)'),
    birthDate: check(isoDate, input.holder?.birthDate, 'birth date (YYYY-MM-DD)'),
    region: checkRegion(input.holder?.region),
  };
  if (holder.birthDate > dateOf(now)) throw new AuthorityError('INPUT_INVALID', 'birth date is in the future');
  const base = { id, holder, kid, issuedAt: now };
  let certificate: Certificate;
  switch (input.kind) {
    case 'vaccination': {
      const product = check(text(40), input.product?.trim(), 'product (1–40 characters)');
      const dose = check(int(1, 9), input.dose, 'dose (1–9)');
      const doses = check(int(1, 9), input.doses, 'doses in series (1–9)');
      if (dose > doses) throw new AuthorityError('INPUT_INVALID', `dose ${dose} exceeds the series of ${doses}`);
      const date = check(isoDate, input.date, 'vaccination date (YYYY-MM-DD)');
      if (date > dateOf(now)) throw new AuthorityError('INPUT_INVALID', 'vaccination date is in the future');
      certificate = { ...base, kind: 'vaccination', product, dose, doses, date, expiresAt: now + 365 * DAY };
      break;
    }
    case 'test': {
      const testType = check(v.picklist(['pcr', 'antigen'], 'must be pcr or antigen'), input.testType, 'test type');
      const result = check(v.picklist(['neg', 'pos'], 'must be neg or pos'), input.result, 'result');
      const sampleTime = check(int(MIN_TIME, MAX_TIME), input.sampleTime, 'sample time');
      if (sampleTime > now) throw new AuthorityError('INPUT_INVALID', 'sample time is in the future');
      certificate = { ...base, kind: 'test', testType, result, sampleTime, expiresAt: sampleTime + 72 * HOUR };
      break;
    }
    case 'recovery': {
      const firstPositiveDate = check(isoDate, input.firstPositiveDate, 'first positive date (YYYY-MM-DD)');
      if (firstPositiveDate > dateOf(now))
        throw new AuthorityError('INPUT_INVALID', 'first positive date is in the future');
      certificate = {
        ...base,
        kind: 'recovery',
        firstPositiveDate,
        expiresAt: timeOfDate(firstPositiveDate) + 180 * DAY,
      };
      break;
    }
    default:
      throw new AuthorityError('INPUT_INVALID', 'kind must be vaccination, test or recovery');
  }
  if (input.expiresAt !== undefined) {
    certificate = { ...certificate, expiresAt: check(int(MIN_TIME, MAX_TIME), input.expiresAt, 'expiry') };
  }
  if (certificate.expiresAt <= now)
    throw new AuthorityError('INPUT_INVALID', 'the certificate would already be expired');
  return certificate;
}

/** Validate, sign and self-verify a certificate against the published bundle; no database needed. */
export function prepareCertificate(
  dataDir: string,
  input: CertificateInput,
  now: UnixSeconds,
): { certificate: Certificate; code: string } {
  const bundle = requirePublishedBundle(dataDir).payload;
  const key = signingKey(dataDir, bundle, 'certificate', now);
  const certificate = buildCertificate(input, `C${randomId(15)}`, key.kid, now);
  const code = encodeCertificate(certificate, key.secretKey);
  const decoded = decodeCertificate(code);
  const verified = decoded.ok ? verifyCertificate(decoded.value, bundle, now) : decoded;
  if (!verified.ok)
    throw new AuthorityError('INPUT_INVALID', `certificate does not verify: ${describeError(verified.error)}`);
  return { certificate, code };
}

/** Validate, sign with the certificate key, self-verify against the published bundle, insert. */
export async function issueCertificate(
  db: Queryable,
  dataDir: string,
  input: CertificateInput,
  now: UnixSeconds,
  options: RegisterOptions = {},
): Promise<IssuedCertificate> {
  const { certificate, code } = prepareCertificate(dataDir, input, now);
  await db.query(
    `insert into issued_certificates (id, kind, holder_name, holder_birth_date, code, demo, created_at)
     values ($1, $2, $3, $4, $5, $6, to_timestamp($7))`,
    [
      certificate.id,
      certificate.kind,
      certificate.holder.name,
      certificate.holder.birthDate,
      code,
      options.demo ?? false,
      now,
    ],
  );
  return { certificate, code, url: certificateLink(options.origin ?? DEFAULT_ORIGIN, code) };
}
