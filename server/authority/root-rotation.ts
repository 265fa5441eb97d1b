/**
 * Root rotation, after TUF: root V+1 signed by root V's keys and the new keys, checked as a phone checks it,
 * published for installed apps to walk (`/v1/roots`), with the published bundle re-signed by the new root.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type BundlePayload, signBundle, type TrustAnchor, verifyBundle } from '../../src/core/bundle';
import { toBase64Url } from '../../src/core/bytes';
import { type RootPayload, signRoot, verifyRootStep } from '../../src/core/root';
import type { UnixSeconds } from '../../src/core/schema';
import { AuthorityError } from '../errors';
import {
  checkRootSet,
  currentRoot,
  drawKey,
  loadKeys,
  MAX_ROOT_KEYS,
  type PublicRootKey,
  publishedRootPath,
  readTrust,
  retiredDir,
  retireKeyFiles,
  type StoredKey,
  writeFileAtomic,
  writeKey,
  writeTrustFile,
} from '../keys';
import type { SignedBundle } from './bundle';
import { describeError } from './input';
import { publishBundle, publishedBundlePath, publishedVersion, readPublishedBundle } from './published-bundle';
import { MAX_SIGNATURES, rootRotationRequest, type SigningRequest } from './signing-request';

/** Most root keys `keys rotate-root` creates at once (old and new signatures must fit one envelope). */
export const MAX_NEW_ROOT_KEYS = MAX_ROOT_KEYS;

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
  const { version, rootPath } = nextRootVersion(dataDir, current.anchor);
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
  const payload = rootPayloadOf(version, threshold, created, now);
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
    const next = carriedBundle(dataDir, published.payload, now);
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

/** Root V+1's version and file; refuses when that file exists (an interrupted rotation is for a person to sort). */
function nextRootVersion(dataDir: string, anchor: TrustAnchor): { version: number; rootPath: string } {
  const version = (anchor.version ?? 1) + 1;
  const rootPath = publishedRootPath(dataDir, version);
  if (existsSync(rootPath)) {
    throw new AuthorityError(
      'TRUST_INVALID',
      `${rootPath} exists but trust.json is root version ${version - 1}: an earlier rotation was interrupted; ` +
        'restore trust.json from that root file or move it away by hand',
    );
  }
  return { version, rootPath };
}

const rootPayloadOf = (
  version: number,
  threshold: number,
  keys: readonly PublicRootKey[],
  now: UnixSeconds,
): RootPayload => ({
  type: 'singgah-root',
  version,
  issuedAt: now,
  threshold,
  keys: keys.map((k) => ({ kid: k.kid, publicKey: toBase64Url(k.publicKey) })),
});

/** The published bundle as the next version, unchanged otherwise: what the new root signs first. */
const carriedBundle = (dataDir: string, old: BundlePayload, now: UnixSeconds): BundlePayload => ({
  ...old,
  version: publishedVersion(dataDir) + 1,
  issuedAt: now,
  expiresAt: now + (old.expiresAt - old.issuedAt),
});

/**
 * Root rotation by ceremony: root V+1 made of custodians' public keys (`keys init-custodian`), as a signing
 * request the current root's custodians and the new ones cosign (the new ones also sign the carried bundle).
 * Needs no secret key here; `bundle publish` checks and publishes it as rotateRoot would.
 */
export function prepareRootRotation(
  dataDir: string,
  custodians: readonly PublicRootKey[],
  threshold: number | undefined,
  now: UnixSeconds,
): { request: SigningRequest; version: number; threshold: number } {
  const current = readTrust(dataDir);
  const k = threshold ?? Math.min(current.threshold, custodians.length);
  checkRootSet(custodians.length, k, { count: '--custodian (count)', threshold: '--threshold' });
  if (new Set(custodians.map((c) => toBase64Url(c.publicKey))).size < custodians.length) {
    throw new AuthorityError(
      'INPUT_INVALID',
      'the same custodian key is given twice: each custodian holds a different key',
    );
  }
  if (current.keys.length + custodians.length > MAX_SIGNATURES) {
    throw new AuthorityError('INPUT_INVALID', `old and new root keys together must be at most ${MAX_SIGNATURES}`);
  }
  const { version } = nextRootVersion(dataDir, current);
  const published = readPublishedBundle(dataDir);
  const bundle = published ? carriedBundle(dataDir, published.payload, now) : undefined;
  const request = rootRotationRequest(current, rootPayloadOf(version, k, custodians, now), custodians, bundle, now);
  return { request, version, threshold: k };
}
