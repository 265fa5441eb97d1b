/**
 * Split custody of the root keys, after TUF: each custodian holds one root key under their own passphrase, on
 * their own machine. What the root signs — the next bundle, or a root rotation together with the bundle the new
 * root re-signs — is prepared on the authority's machine as a signing request (the exact payload bytes, and which
 * public keys may sign each part), carried to each custodian, cosigned offline with one key, and published once the
 * signatures meet the thresholds. Publishing verifies with the same core functions the phones run, against
 * trust.json — never against what the request says — so a request file can carry signatures but grant no trust.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type BundlePayload, signBundle, type TrustAnchor, verifyEnvelope } from '../../src/core/bundle';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../src/core/bytes';
import { keyIdOf, keyPairFromSeed, signDetached } from '../../src/core/ed25519';
import type { RootPayload } from '../../src/core/root';
import { verifyRootStep } from '../../src/core/root';
import type { UnixSeconds } from '../../src/core/schema';
import { AuthorityError } from '../errors';
import {
  keysOfRole,
  type PublicRootKey,
  publishedRootPath,
  readTrust,
  retiredDir,
  retireKeyFiles,
  type StoredKey,
  writeFileAtomic,
  writeTrustFile,
} from '../keys';
import { type SignedBundle, verifiedForPublishing } from './bundle';
import { describeError } from './input';
import { publishBundle, publishedBundlePath, publishedVersion } from './published-bundle';

/** Signature entries an envelope may carry (core's envelope schema). */
export const MAX_SIGNATURES = 16;

type PartType = 'bundle' | 'root';

/** One thing to sign: the exact payload bytes (base64url), the keys asked to sign it, the signatures so far. */
export interface RequestPart {
  readonly type: PartType;
  readonly payload: string;
  /** Public keys whose signature this part needs (a threshold of them; publishing checks which threshold). */
  readonly signers: readonly { readonly kid: string; readonly publicKey: string }[];
  readonly signatures: readonly { readonly kid: string; readonly sig: string }[];
}

/** A signing request file (JSON, public: no secret in it). */
export interface SigningRequest {
  readonly type: 'singgah-signing-request';
  /** `bundle`: the next bundle. `root-rotation`: root V+1 and, if a bundle is published, the bundle it re-signs. */
  readonly action: 'bundle' | 'root-rotation';
  readonly preparedAt: UnixSeconds;
  readonly parts: readonly RequestPart[];
}

const publicEntries = (keys: readonly PublicRootKey[]) =>
  keys.map((k) => ({ kid: k.kid, publicKey: toBase64Url(k.publicKey) }));

const part = (type: PartType, payload: unknown, signers: readonly PublicRootKey[]): RequestPart => ({
  type,
  payload: toBase64Url(utf8(JSON.stringify(payload))),
  signers: publicEntries(signers),
  signatures: [],
});

/**
 * A request for the next bundle, to be signed by the current root (trust.json). The payload is first checked as
 * a phone checks a bundle (schema, rule paths, size, expiry), signed by a throwaway key standing in for the
 * roots, so custodians are never asked to sign what could not be published.
 */
export function bundleRequest(dataDir: string, payload: BundlePayload, now: UnixSeconds): SigningRequest {
  const probe = keyPairFromSeed(new Uint8Array(randomBytes(32)));
  const probeAnchor = { threshold: 1, keys: [{ kid: keyIdOf(probe.publicKey), publicKey: probe.publicKey }] };
  verifiedForPublishing(signBundle(payload, [probe.secretKey]), probeAnchor, '', now, 'POLICY_INVALID');
  return {
    type: 'singgah-signing-request',
    action: 'bundle',
    preparedAt: now,
    parts: [part('bundle', payload, readTrust(dataDir).keys)],
  };
}

/**
 * A request for root V+1: the root payload, to be signed by the current root's keys and the new ones, and the
 * re-signed bundle (if any), to be signed by the new keys only.
 */
export function rootRotationRequest(
  current: TrustAnchor,
  root: RootPayload,
  newKeys: readonly PublicRootKey[],
  bundle: BundlePayload | undefined,
  now: UnixSeconds,
): SigningRequest {
  return {
    type: 'singgah-signing-request',
    action: 'root-rotation',
    preparedAt: now,
    parts: [part('root', root, [...current.keys, ...newKeys]), ...(bundle ? [part('bundle', bundle, newKeys)] : [])],
  };
}

export function writeRequest(path: string, request: SigningRequest): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, `${JSON.stringify(request, null, 2)}\n`, 0o644);
}

export function readRequest(path: string): SigningRequest {
  let json: SigningRequest;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as SigningRequest;
  } catch {
    throw new AuthorityError('INPUT_INVALID', `${path} is not a readable signing request`);
  }
  const wellFormed =
    json?.type === 'singgah-signing-request' &&
    (json.action === 'bundle' || json.action === 'root-rotation') &&
    Array.isArray(json.parts) &&
    json.parts.length >= 1 &&
    json.parts.every(
      (p) =>
        typeof p === 'object' &&
        p !== null &&
        (p.type === 'bundle' || p.type === 'root') &&
        typeof p.payload === 'string' &&
        fromBase64Url(p.payload) !== undefined &&
        Array.isArray(p.signers) &&
        Array.isArray(p.signatures),
    );
  if (!wellFormed) throw new AuthorityError('INPUT_INVALID', `${path} is not a signing request`);
  return json;
}

/** What a custodian reads before signing: the payload's SHA-256 (compare it out of band) and its main fields. */
export interface PartSummary {
  readonly type: PartType;
  readonly sha256: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export function summarise(request: SigningRequest): PartSummary[] {
  return request.parts.map((p) => {
    const bytes = fromBase64Url(p.payload) ?? new Uint8Array();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(fromUtf8(bytes) ?? '') as Record<string, unknown>;
    } catch {
      // An unreadable payload is still summarised by its hash; publishing refuses it.
    }
    const pick = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, json[n]]));
    const fields =
      p.type === 'root'
        ? { ...pick(['version', 'threshold']), keys: (json.keys as { kid: string }[] | undefined)?.map((k) => k.kid) }
        : {
            ...pick(['version', 'issuedAt', 'expiresAt']),
            keys: (json.keys as { kid: string; role: string }[] | undefined)?.map((k) => `${k.role} ${k.kid}`),
            rules: `${(json.statusRules as unknown[] | undefined)?.length ?? 0} status, ${(json.entryRules as unknown[] | undefined)?.length ?? 0} entry`,
          };
    return { type: p.type, sha256: createHash('sha256').update(bytes).digest('hex'), fields };
  });
}

/**
 * Add one custodian's signatures: every part whose signers include this key gets a signature over its exact
 * payload bytes (domain-separated by type, as core signs), replacing an earlier one by the same key. Refuses a
 * key the request does not ask for.
 */
export function cosignRequest(
  request: SigningRequest,
  key: StoredKey,
): { request: SigningRequest; signed: PartType[] } {
  if (key.role !== 'root')
    throw new AuthorityError('INPUT_INVALID', `${key.file} is a ${key.role} key, not a root key`);
  const mine = toBase64Url(key.publicKey);
  const signed: PartType[] = [];
  const parts = request.parts.map((p) => {
    if (!p.signers.some((s) => s.publicKey === mine)) return p;
    const bytes = fromBase64Url(p.payload) as Uint8Array;
    const sig = toBase64Url(signDetached(p.type, bytes, key.secretKey));
    signed.push(p.type);
    const others = p.signatures.filter((s) => !(s.kid === key.kid && signatureBy(p, s, key.publicKey)));
    return { ...p, signatures: [...others, { kid: key.kid, sig }] };
  });
  if (signed.length === 0) {
    throw new AuthorityError(
      'INPUT_INVALID',
      `root key ${key.kid} is not one this request asks to sign (asked: ${[...new Set(request.parts.flatMap((p) => p.signers.map((s) => s.kid)))].join(', ')})`,
    );
  }
  return { request: { ...request, parts }, signed };
}

/** Whether signature `s` in part `p` verifies under `publicKey` (core's envelope check, threshold 1). */
function signatureBy(p: RequestPart, s: { kid: string; sig: string }, publicKey: Uint8Array): boolean {
  const one = JSON.stringify({ payload: p.payload, signatures: [s] });
  return verifyEnvelope(one, p.type, { threshold: 1, keys: [{ kid: s.kid, publicKey }] }, Number.POSITIVE_INFINITY).ok;
}

/**
 * Several copies of one request (custodians may sign copies in parallel) merged: the same action and payloads
 * required; signatures pooled, exact duplicates dropped.
 */
export function mergeRequests(requests: readonly SigningRequest[], names: readonly string[]): SigningRequest {
  const [first, ...rest] = requests;
  rest.forEach((r, i) => {
    const same =
      r.action === first.action &&
      r.parts.length === first.parts.length &&
      r.parts.every((p, j) => p.type === first.parts[j].type && p.payload === first.parts[j].payload);
    if (!same) {
      throw new AuthorityError('INPUT_INVALID', `${names[i + 1]} is another request than ${names[0]} (other payload)`);
    }
  });
  const parts = first.parts.map((p, j) => {
    const all = requests.flatMap((r) => r.parts[j].signatures);
    const seen = new Set<string>();
    return { ...p, signatures: all.filter((s) => !seen.has(`${s.kid}:${s.sig}`) && seen.add(`${s.kid}:${s.sig}`)) };
  });
  return { ...first, parts };
}

const envelopeOf = (p: RequestPart): string => {
  if (p.signatures.length > MAX_SIGNATURES) {
    throw new AuthorityError('INPUT_INVALID', `a ${p.type} carries at most ${MAX_SIGNATURES} signatures`);
  }
  return JSON.stringify({ payload: p.payload, signatures: p.signatures });
};

/** Distinct keys of `anchor` with a valid signature in `envelope` (core's own count), and their ids. */
function validSigners(envelope: string, type: PartType, anchor: TrustAnchor): string[] {
  return anchor.keys
    .filter((k) => verifyEnvelope(envelope, type, { threshold: 1, keys: [k] }, Number.POSITIVE_INFINITY).ok)
    .map((k) => k.kid);
}

/** Refuse with how many more custodians must cosign when `anchor`'s threshold is not met. */
function requireThreshold(envelope: string, type: PartType, anchor: TrustAnchor, what: string): void {
  const valid = validSigners(envelope, type, anchor);
  if (valid.length >= anchor.threshold) return;
  const missing = anchor.keys.map((k) => k.kid).filter((kid) => !valid.includes(kid));
  throw new AuthorityError(
    'SIGNATURES_MISSING',
    `${what} needs ${anchor.threshold} of ${anchor.keys.length} root signatures, has ${valid.length} valid` +
      `${valid.length > 0 ? ` (${valid.join(', ')})` : ''}: ${anchor.threshold - valid.length} more custodian(s) ` +
      `must cosign (of ${missing.join(', ')}); nothing published`,
  );
}

export interface PublishedRequest {
  readonly bundle?: SignedBundle;
  /** Root rotation only: the new root's version and the published root file. */
  readonly root?: { readonly version: number; readonly threshold: number; readonly path: string };
  readonly retiredTo?: string;
}

/** A bundle part checked for publishing: signed by `anchor`'s threshold, newer than the published one, unexpired. */
function checkedBundle(dataDir: string, p: RequestPart, anchor: TrustAnchor, now: UnixSeconds): SignedBundle {
  const envelope = envelopeOf(p);
  requireThreshold(envelope, 'bundle', anchor, 'the bundle');
  const bundle = verifiedForPublishing(envelope, anchor, publishedBundlePath(dataDir), now, 'BUNDLE_INVALID');
  const published = publishedVersion(dataDir);
  if (bundle.version <= published) {
    throw new AuthorityError(
      'BUNDLE_INVALID',
      `the request is for bundle version ${bundle.version} but version ${published} is published already: ` +
        'prepare a new request',
    );
  }
  return bundle;
}

/**
 * Publish a fully cosigned request. Every check runs before any file is written: the root step as a phone takes
 * it from trust.json (old threshold AND new threshold), the bundle against the root it will be read with.
 */
export function publishRequest(dataDir: string, request: SigningRequest, now: UnixSeconds): PublishedRequest {
  const current = readTrust(dataDir);
  const bundlePart = request.parts.find((p) => p.type === 'bundle');
  if (request.action === 'bundle') {
    if (!bundlePart || request.parts.length !== 1)
      throw new AuthorityError('INPUT_INVALID', 'a bundle request has one part');
    const bundle = checkedBundle(dataDir, bundlePart, current, now);
    publishBundle(dataDir, bundle.source);
    return { bundle };
  }
  const rootPart = request.parts.find((p) => p.type === 'root');
  if (!rootPart) throw new AuthorityError('INPUT_INVALID', 'a root rotation request has a root part');
  const rootEnvelope = envelopeOf(rootPart);
  const version = (current.version ?? 1) + 1;
  const rootPath = publishedRootPath(dataDir, version);
  if (existsSync(rootPath)) {
    throw new AuthorityError('TRUST_INVALID', `${rootPath} exists already: root version ${version} was published`);
  }
  requireThreshold(rootEnvelope, 'root', current, `root version ${version}, by the current root,`);
  const step = verifyRootStep(current, rootEnvelope);
  if (!step.ok) {
    if (step.error.code === 'ROOT_THRESHOLD_NOT_MET' || step.error.code === 'ROOT_SIGNATURE_INVALID') {
      // The old threshold is met (checked above), so what is short is the new keys' own agreement.
      const byNew = JSON.parse(fromUtf8(fromBase64Url(rootPart.payload) as Uint8Array) as string) as RootPayload;
      const anchor: TrustAnchor = {
        threshold: byNew.threshold,
        keys: byNew.keys.map((k) => ({ kid: k.kid, publicKey: fromBase64Url(k.publicKey) as Uint8Array })),
      };
      requireThreshold(rootEnvelope, 'root', anchor, `root version ${version}, by its own new keys,`);
    }
    throw new AuthorityError('TRUST_INVALID', `root version ${version} does not verify: ${describeError(step.error)}`);
  }
  const next = step.value;
  const bundle = bundlePart ? checkedBundle(dataDir, bundlePart, next, now) : undefined;
  if (!bundle && publishedVersion(dataDir) > 0) {
    throw new AuthorityError('INPUT_INVALID', 'a bundle is published, so the rotation must carry it re-signed');
  }

  mkdirSync(dirname(rootPath), { recursive: true });
  writeFileAtomic(rootPath, rootEnvelope, 0o644);
  writeTrustFile(dataDir, { version, threshold: next.threshold, keys: next.keys });
  if (bundle) publishBundle(dataDir, bundle.source);
  // Root key files of the old root kept in this directory (a one-directory set-up) are retired as
  // `keys rotate-root` retires them; a custodian's key was never here.
  const newKeys = new Set(next.keys.map((k) => toBase64Url(k.publicKey)));
  const old = keysOfRole(dataDir, 'root').filter((k) => !newKeys.has(toBase64Url(k.publicKey)));
  let retiredTo: string | undefined;
  if (old.length > 0) {
    retiredTo = retiredDir(dataDir, now);
    retireKeyFiles(dataDir, old, retiredTo);
  }
  return {
    ...(bundle ? { bundle } : {}),
    root: { version, threshold: next.threshold, path: rootPath },
    ...(retiredTo ? { retiredTo } : {}),
  };
}
