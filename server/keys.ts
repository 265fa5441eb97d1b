/**
 * The authority's key store: `${dataDir}/keys/<role>-<kid>.json`, one file per key, mode 0600 in a
 * 0700 directory. Secret keys are read only by the authority operations (CLI, demo set-up); nothing
 * here ever prints or logs one. `trust.json` next to them is the PUBLIC root trust anchor that the
 * app build pins (vite.config.ts reads `${SINGGAH_DATA_DIR:-.data}/keys/trust.json`).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrustAnchor } from '../src/core/bundle';
import { fromBase64Url, toBase64Url } from '../src/core/bytes';
import { casePublicKeyOf } from '../src/core/case-seal';
import { keyIdOf, keyPairFromSeed } from '../src/core/ed25519';
import type { UnixSeconds } from '../src/core/schema';
import { AuthorityError } from './errors';
import {
  checkNewPassphrase,
  decryptSecret,
  type EncryptedSecret,
  encryptSecret,
  isWeaklyEncrypted,
  SCRYPT_COST,
} from './key-encryption';

/**
 * `cases` is not a signing key: the health office's X25519 encryption key, whose public half the bundle lists as
 * `caseKey` and to which phones seal case reports (core case-seal.ts); its secret opens them in `case review`.
 */
export const STORED_ROLES = ['root', 'certificate', 'venue', 'notices', 'cases'] as const;
export type StoredRole = (typeof STORED_ROLES)[number];

/** On-disk form (base64url without padding). Exactly one of `secretKey` and `encryptedSecretKey` is present. */
export interface KeyFile {
  readonly kid: string;
  readonly role: StoredRole;
  readonly publicKey: string;
  /**
   * tweetnacl's 64-byte secret key: seed ‖ public key (plain; written when no passphrase is set). For `cases`, the
   * 32-byte X25519 secret key.
   */
  readonly secretKey?: string;
  /** The same 64 bytes encrypted with a passphrase (written when one is set). */
  readonly encryptedSecretKey?: EncryptedSecret;
  /** Unix seconds. A signing key's validity window in the bundle starts here. */
  readonly createdAt: UnixSeconds;
}

let passphrase: string | undefined;

/**
 * The passphrase for key files: new keys are written encrypted with it and encrypted keys are opened with it.
 * The CLI sets it from --passphrase-file; otherwise SINGGAH_PASSPHRASE is used. Process-wide on purpose: every
 * operation that signs reaches the key store through loadKeys(), and threading a secret through all of
 * them would spread it further.
 */
export function setKeyPassphrase(value: string | undefined): void {
  passphrase = value === '' ? undefined : value;
}

/** The passphrase in force (--passphrase-file, else SINGGAH_PASSPHRASE), for keys kept outside the key files. */
export const currentPassphrase = () => passphrase ?? (process.env.SINGGAH_PASSPHRASE || undefined);

let warnSink: ((line: string) => void) | undefined;
const warned = new Set<string>();

/**
 * Where warnings about key files go (the CLI: stderr), each at most once until the next call: a plain key
 * file used to sign, a file encrypted with a cheaper scrypt cost than new files get.
 */
export function setKeyWarning(sink: ((line: string) => void) | undefined): void {
  warnSink = sink;
  warned.clear();
}

function warnOnce(line: string): void {
  if (warned.has(line)) return;
  warned.add(line);
  warnSink?.(line);
}

function warnAboutSecret(file: string, json: KeyFile): void {
  const enc = json.encryptedSecretKey;
  if (!enc) {
    warnOnce(`warning: ${file} is unencrypted: anyone who copies it can sign; for demos only (keys reencrypt)`);
  } else if (isWeaklyEncrypted(enc)) {
    warnOnce(
      `warning: ${file}: encrypted with scrypt N = ${enc.N}, r = ${enc.r}; new files use N = ${SCRYPT_COST.N}, ` +
        `r = ${SCRYPT_COST.r}: re-encrypt it with \`singgah keys reencrypt\``,
    );
  }
}

function unlockPassphrase(file: string): string {
  const pass = currentPassphrase();
  if (!pass) {
    throw new AuthorityError(
      'KEY_LOCKED',
      `${file} is encrypted: give the passphrase with --passphrase-file FILE or SINGGAH_PASSPHRASE`,
    );
  }
  return pass;
}

export interface StoredKey {
  readonly kid: string;
  readonly role: StoredRole;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
  readonly createdAt: UnixSeconds;
  readonly file: string;
  /** Stored encrypted with a passphrase (the secret is decrypted on first use). */
  readonly encrypted?: boolean;
}

/**
 * The trust file's JSON form: public keys only. `version` is the root version these keys are (1 = the
 * first root; `keys rotate-root` raises it); a file without it is version 1.
 */
export interface TrustFile {
  readonly version?: number;
  readonly threshold: number;
  readonly keys: readonly { readonly kid: string; readonly publicKey: string }[];
}

export const keysDir = (dataDir: string) => join(dataDir, 'keys');
export const trustFilePath = (dataDir: string) => join(keysDir(dataDir), 'trust.json');
/** Signed root rotations, one file per version (`2.json`, `3.json`, …), served at /v1/roots. */
export const publishedRootsDir = (dataDir: string) => join(dataDir, 'published', 'roots');
export const publishedRootPath = (dataDir: string, version: number) =>
  join(publishedRootsDir(dataDir), `${version}.json`);

const KEY_FILE = /^(root|certificate|venue|notices|cases)-[0-9a-f]{1,16}\.json$/;

/** A key pair of `role` from fresh random bytes: X25519 for `cases`, Ed25519 for every signing role. */
function pairFromRandom(role: StoredRole, bytes: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  return role === 'cases' ? { publicKey: casePublicKeyOf(bytes), secretKey: bytes } : keyPairFromSeed(bytes);
}

/** Whether a secret key belongs to the public key of its file. */
function secretMatches(role: StoredRole, secretKey: Uint8Array, publicKey: Uint8Array): boolean {
  const expected = role === 'cases' ? 32 : 64;
  return (
    secretKey.length === expected &&
    toBase64Url(pairFromRandom(role, secretKey.subarray(0, 32)).publicKey) === toBase64Url(publicKey)
  );
}

/** Write via a temporary file and rename, so a reader never sees half a file. */
export function writeFileAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode, flag: 'wx' });
  chmodSync(tmp, mode); // the umask may have narrowed it; make it exact
  renameSync(tmp, path);
}

/** Opened key files by path and content: an encrypted key costs one scrypt per process, not per use. */
const opened = new Map<string, StoredKey>();

function parseKeyFile(file: string): StoredKey {
  let source: string;
  let json: KeyFile;
  try {
    source = readFileSync(file, 'utf8');
    json = JSON.parse(source) as KeyFile;
  } catch {
    throw new AuthorityError('KEY_FILE_INVALID', `${file} is not a readable key file`);
  }
  const cacheKey = `${file}\n${source}`;
  const cached = opened.get(cacheKey);
  if (cached) return cached;
  const publicKey = typeof json.publicKey === 'string' ? fromBase64Url(json.publicKey) : undefined;
  const headerValid =
    publicKey?.length === 32 &&
    STORED_ROLES.includes(json.role) &&
    Number.isInteger(json.createdAt) &&
    keyIdOf(publicKey) === json.kid &&
    (typeof json.secretKey === 'string') !== (typeof json.encryptedSecretKey === 'object');
  if (!headerValid || !publicKey) {
    throw new AuthorityError('KEY_FILE_INVALID', `${file} is damaged (key id, role or key fields do not match)`);
  }
  const open = (): Uint8Array => {
    const secretKey =
      typeof json.secretKey === 'string'
        ? fromBase64Url(json.secretKey)
        : decryptSecret(json.encryptedSecretKey as EncryptedSecret, json.kid, json.role, unlockPassphrase(file), file);
    if (!secretKey || !secretMatches(json.role, secretKey, publicKey)) {
      throw new AuthorityError('KEY_FILE_INVALID', `${file} is damaged (the key pair does not match)`);
    }
    return secretKey;
  };
  // A plain key is checked now; an encrypted one when its secret is first needed, so listing keys, drawing
  // new key ids or reading public keys never asks for the passphrase.
  const plain = typeof json.secretKey === 'string' ? open() : undefined;
  let secret = plain;
  const key: StoredKey = {
    kid: json.kid,
    role: json.role,
    publicKey,
    get secretKey() {
      warnAboutSecret(file, json);
      secret ??= open();
      return secret;
    },
    createdAt: json.createdAt,
    file,
    encrypted: plain === undefined,
  };
  opened.set(cacheKey, key);
  return key;
}

/** Every key in the store, oldest first. */
export function loadKeys(dataDir: string): StoredKey[] {
  const dir = keysDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => KEY_FILE.test(name))
    .map((name) => parseKeyFile(join(dir, name)))
    .sort((a, b) => a.createdAt - b.createdAt || a.kid.localeCompare(b.kid));
}

export function keysOfRole(dataDir: string, role: StoredRole): StoredKey[] {
  return loadKeys(dataDir).filter((k) => k.role === role);
}

/**
 * Draw a new key in memory (nothing written yet). Key ids are short (4 hex chars, they ride in every QR)
 * and may collide; verifiers cope, but a fresh key whose id is already taken in this store (or in
 * `alsoTaken`) is simply drawn again — cheaper for every phone.
 */
export function drawKey(
  dataDir: string,
  role: StoredRole,
  now: UnixSeconds,
  alsoTaken: Iterable<string> = [],
): StoredKey {
  const taken = new Set([...loadKeys(dataDir).map((k) => k.kid), ...alsoTaken]);
  let pair = pairFromRandom(role, new Uint8Array(randomBytes(32)));
  while (taken.has(keyIdOf(pair.publicKey))) pair = pairFromRandom(role, new Uint8Array(randomBytes(32)));
  const kid = keyIdOf(pair.publicKey);
  const file = join(keysDir(dataDir), `${role}-${kid}.json`);
  return { kid, role, publicKey: pair.publicKey, secretKey: pair.secretKey, createdAt: now, file };
}

/** Write a drawn key to its file (mode 0600, atomically; refuses to overwrite). */
export function writeKey(dataDir: string, key: StoredKey): void {
  ensureKeysDir(dataDir);
  if (existsSync(key.file)) throw new AuthorityError('KEYS_EXIST', `${key.file} exists already`);
  writeKeyFile(key.file, key, currentPassphrase());
}

/** A key file's JSON, encrypted with `pass` when one is given (refused if too short), written atomically 0600. */
function writeKeyFile(file: string, key: Omit<StoredKey, 'file'>, pass: string | undefined): void {
  const json: KeyFile = {
    kid: key.kid,
    role: key.role,
    publicKey: toBase64Url(key.publicKey),
    ...(pass
      ? { encryptedSecretKey: encryptSecret(key.secretKey, key.kid, key.role, pass) }
      : { secretKey: toBase64Url(key.secretKey) }),
    createdAt: key.createdAt,
  };
  writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`, 0o600);
  if (!pass) warnOnce(`warning: ${file} written unencrypted (no passphrase given): for demos only`);
}

/** Open a key file (path given: a custodian's key lives outside any data directory). */
export const readKeyFile = (file: string): StoredKey => parseKeyFile(file);

/**
 * Rewrite key files encrypted with `pass` and today's scrypt cost (opened with the passphrase in force):
 * to move files off a cheaper cost, to change the passphrase, or to encrypt plain ones.
 */
export function reencryptKeyFiles(files: readonly string[], pass: string): StoredKey[] {
  const keys = files.map(parseKeyFile);
  const secrets = keys.map((k) => k.secretKey); // every file opens before any is rewritten
  keys.forEach((k, i) => {
    writeKeyFile(k.file, { ...k, secretKey: secrets[i] }, pass);
  });
  return keys;
}

function generateKey(dataDir: string, role: StoredRole, now: UnixSeconds, alsoTaken: Iterable<string> = []): StoredKey {
  const key = drawKey(dataDir, role, now, alsoTaken);
  writeKey(dataDir, key);
  return key;
}

/**
 * A fresh directory `keys/retired/<time>/` (0700) for files taken out of service. Two retirements in the
 * same second get `<time>-2`, … so nothing already retired is ever overwritten.
 */
export function retiredDir(dataDir: string, now: UnixSeconds): string {
  const base = join(keysDir(dataDir), 'retired', new Date(now * 1000).toISOString().replace(/[:.]/g, '-'));
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** Move key files (not delete: a mistake can be undone by hand) into `dir`; the files keep mode 0600. */
export function retireKeyFiles(dataDir: string, keys: readonly StoredKey[], dir: string): void {
  for (const k of keys) renameSync(k.file, join(dir, k.file.slice(keysDir(dataDir).length + 1)));
}

function ensureKeysDir(dataDir: string): string {
  const dir = keysDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** Most root keys in one root set (k-of-n with n ≤ 8; the format allows 16). */
export const MAX_ROOT_KEYS = 8;

/** A root set of `count` keys needing `threshold` signatures: 1 ≤ threshold ≤ count ≤ MAX_ROOT_KEYS. */
export function checkRootSet(count: number, threshold: number, names = { count: '--roots', threshold: '--threshold' }) {
  if (!Number.isInteger(count) || count < 1 || count > MAX_ROOT_KEYS) {
    throw new AuthorityError('INPUT_INVALID', `${names.count} must be 1–${MAX_ROOT_KEYS}, got ${count}`);
  }
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > count) {
    throw new AuthorityError('INPUT_INVALID', `${names.threshold} must be 1–${count}, got ${threshold}`);
  }
}

export interface CreateKeysResult {
  readonly created: readonly StoredKey[];
  /** Where replaced key files were moved (with --force), if any. */
  readonly retiredTo?: string;
}

export interface CreateKeysOptions {
  readonly force?: boolean;
  /** Root keys to create (n of k-of-n; default 1). */
  readonly roots?: number;
  /** Root signatures a bundle needs (k; default 1). */
  readonly threshold?: number;
  /**
   * The root as custodians' public keys (`keys init-custodian`): no root key is created here and no root
   * secret ever enters the data directory; bundles are then signed by ceremony (`bundle prepare`).
   */
  readonly custodians?: readonly PublicRootKey[];
}

/**
 * Create the root set (n keys, threshold k) and one key of every other role. Refuses when any key exists
 * unless `force`; with `force` the old key files are moved (not deleted) to `keys/retired/<time>/`, so a
 * mistaken --force can be undone by hand.
 */
export function createKeys(dataDir: string, now: UnixSeconds, options: CreateKeysOptions = {}): CreateKeysResult {
  const custodians = options.custodians ?? [];
  if (custodians.length > 0 && options.roots !== undefined) {
    throw new AuthorityError(
      'INPUT_INVALID',
      '--roots and --custodian exclude each other: custodians bring their keys',
    );
  }
  const roots = custodians.length > 0 ? custodians.length : (options.roots ?? 1);
  const threshold = options.threshold ?? 1;
  checkRootSet(
    roots,
    threshold,
    custodians.length > 0 ? { count: '--custodian (count)', threshold: '--threshold' } : undefined,
  );
  if (new Set(custodians.map((k) => toBase64Url(k.publicKey))).size < custodians.length) {
    throw new AuthorityError(
      'INPUT_INVALID',
      'the same custodian key is given twice: each custodian holds a different key',
    );
  }
  const pass = currentPassphrase();
  if (pass) checkNewPassphrase(pass); // before --force retires anything
  const existing = loadKeys(dataDir);
  let retiredTo: string | undefined;
  if (existing.length > 0) {
    if (!options.force) {
      throw new AuthorityError(
        'KEYS_EXIST',
        `keys already exist in ${keysDir(dataDir)} (${existing.map((k) => `${k.role} ${k.kid}`).join(', ')}); ` +
          'use --force to replace them (the app must then be rebuilt with the new trust.json)',
      );
    }
    retiredTo = retiredDir(dataDir, now);
    retireKeyFiles(dataDir, existing, retiredTo);
    // Published root rotations chain from the replaced root: no build pinning the new root could follow
    // them (phones would show the chain as rejected), so they are retired with the keys.
    const roots = publishedRootsDir(dataDir);
    if (existsSync(roots)) renameSync(roots, join(retiredTo, 'published-roots'));
  }
  ensureKeysDir(dataDir);
  const rootKeys = custodians.length > 0 ? [] : Array.from({ length: roots }, () => generateKey(dataDir, 'root', now));
  const custodianKids = custodians.map((k) => k.kid);
  const others = STORED_ROLES.filter((r) => r !== 'root').map((role) => generateKey(dataDir, role, now, custodianKids));
  writeTrustFile(dataDir, { version: 1, threshold, keys: custodians.length > 0 ? custodians : rootKeys });
  const created = [...rootKeys, ...others];
  return retiredTo ? { created, retiredTo } : { created };
}

/** Create only the roles that have no key yet (idempotent set-up for the demo). */
export function ensureKeys(dataDir: string, now: UnixSeconds): StoredKey[] {
  const existing = loadKeys(dataDir);
  const missing = STORED_ROLES.filter((role) => !existing.some((k) => k.role === role));
  if (missing.length > 0) ensureKeysDir(dataDir);
  const created = missing.map((role) => generateKey(dataDir, role, now));
  // Only a new root changes the trust anchor; never rewrite a rotated trust.json (version > 1) otherwise.
  if (created.some((k) => k.role === 'root') || !existsSync(trustFilePath(dataDir))) writeTrustFile(dataDir);
  return created;
}

/**
 * Write trust.json. Without `root`: a first root (version 1, threshold 1, every stored root key). With it:
 * the root `keys rotate-root` just signed. Public: mode 0644.
 */
export function writeTrustFile(
  dataDir: string,
  root?: { readonly version: number; readonly threshold: number; readonly keys: readonly PublicRootKey[] },
): TrustFile {
  const roots = root?.keys ?? keysOfRole(dataDir, 'root');
  if (roots.length === 0) throw new AuthorityError('KEYS_MISSING', 'no root key: run `singgah keys create` first');
  const trust: TrustFile = {
    version: root?.version ?? 1,
    threshold: root?.threshold ?? 1,
    keys: roots.map((k) => ({ kid: k.kid, publicKey: toBase64Url(k.publicKey) })),
  };
  writeFileAtomic(trustFilePath(dataDir), `${JSON.stringify(trust, null, 2)}\n`, 0o644);
  return trust;
}

/** Parse a trust file into the anchor `verifyBundle` takes. */
export function parseTrust(text: string, source = 'trust.json'): TrustAnchor {
  let json: TrustFile;
  try {
    json = JSON.parse(text) as TrustFile;
  } catch {
    throw new AuthorityError('TRUST_INVALID', `${source} is not JSON`);
  }
  const keys = Array.isArray(json.keys)
    ? json.keys.map((k) => ({ kid: k.kid, publicKey: fromBase64Url(String(k.publicKey)) }))
    : [];
  const usable = keys.filter((k): k is { kid: string; publicKey: Uint8Array } => k.publicKey?.length === 32);
  const version = json.version ?? 1;
  if (
    !Number.isInteger(json.threshold) ||
    json.threshold < 1 ||
    usable.length !== keys.length ||
    usable.length < json.threshold ||
    !Number.isInteger(version) ||
    version < 1
  ) {
    throw new AuthorityError('TRUST_INVALID', `${source} is malformed`);
  }
  return { version, threshold: json.threshold, keys: usable };
}

export function readTrust(dataDir: string): TrustAnchor {
  const path = trustFilePath(dataDir);
  if (!existsSync(path)) throw new AuthorityError('KEYS_MISSING', `${path} not found: run \`singgah keys create\``);
  return parseTrust(readFileSync(path, 'utf8'), path);
}

/**
 * The current root: the anchor in trust.json and the stored root keys it lists. Refuses when fewer than
 * its threshold are present (the keys were moved, or trust.json belongs to another key store).
 */
export function currentRoot(dataDir: string): { anchor: TrustAnchor; keys: StoredKey[] } {
  const anchor = readTrust(dataDir);
  const listed = new Set(anchor.keys.map((k) => toBase64Url(k.publicKey)));
  const keys = keysOfRole(dataDir, 'root').filter((k) => listed.has(toBase64Url(k.publicKey)));
  if (keys.length === 0) {
    throw new AuthorityError(
      'ROOT_KEYS_OFFLINE',
      `the root keys (${anchor.keys.map((k) => k.kid).join(', ')}; ${anchor.threshold} needed) are held by custodians, ` +
        'not in this data directory, so no bundle was signed here. Sign by ceremony: `singgah bundle prepare ' +
        'POLICY.json` (or `--resign`, which carries what is already recorded here: new keys, revocations, ' +
        'suspensions, DCC data), `singgah bundle cosign` by each custodian, then `singgah bundle publish` ' +
        '(docs/OPERATIONS.md, "Split custody")',
    );
  }
  if (keys.length < anchor.threshold) {
    throw new AuthorityError(
      'KEYS_MISSING',
      `the current root (version ${anchor.version ?? 1}, ${anchor.threshold} of ${anchor.keys.length} keys: ` +
        `${anchor.keys.map((k) => k.kid).join(', ')}) needs ${anchor.threshold} of its secret keys in ` +
        `${keysDir(dataDir)}, found ${keys.length}`,
    );
  }
  return { anchor, keys };
}

/** A root key as the trust anchor lists it: id and public key, no secret. */
export interface PublicRootKey {
  readonly kid: string;
  readonly publicKey: Uint8Array;
}

/** A custodian's public key file (`root-<kid>.pub.json`, public): what the authority collects to build the root. */
export interface CustodianPublicFile {
  readonly type: 'singgah-root-public-key';
  readonly kid: string;
  readonly publicKey: string;
}

/**
 * One custodian's root key: `DIR/root-<kid>.json` (0600, in a 0700 directory) encrypted with the custodian's own
 * passphrase — never plain — and `DIR/root-<kid>.pub.json` (0644) to hand to the authority. Refuses a directory
 * that already holds a root key file: one key per custodian directory, nothing overwritten.
 */
export function createCustodianKey(dir: string, now: UnixSeconds): { key: StoredKey; publicFile: string } {
  const pass = currentPassphrase();
  if (!pass) {
    throw new AuthorityError(
      'KEY_LOCKED',
      'a custodian key is always encrypted: give your own passphrase with --passphrase-file FILE or SINGGAH_PASSPHRASE',
    );
  }
  checkNewPassphrase(pass);
  if (existsSync(dir) && readdirSync(dir).some((name) => /^root-[0-9a-f]{1,16}\.json$/.test(name))) {
    throw new AuthorityError('KEYS_EXIST', `${dir} already holds a root key file: one custodian key per directory`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const pair = keyPairFromSeed(new Uint8Array(randomBytes(32)));
  const kid = keyIdOf(pair.publicKey);
  const key: StoredKey = {
    kid,
    role: 'root',
    publicKey: pair.publicKey,
    secretKey: pair.secretKey,
    createdAt: now,
    file: join(dir, `root-${kid}.json`),
  };
  writeKeyFile(key.file, key, pass);
  const publicFile = join(dir, `root-${kid}.pub.json`);
  const pub: CustodianPublicFile = { type: 'singgah-root-public-key', kid, publicKey: toBase64Url(pair.publicKey) };
  writeFileAtomic(publicFile, `${JSON.stringify(pub, null, 2)}\n`, 0o644);
  return { key, publicFile };
}

/** Read a custodian's public key file; refuses anything else (a secret key file is never accepted here). */
export function readCustodianPublicKey(path: string): PublicRootKey {
  let json: Partial<CustodianPublicFile> & { secretKey?: unknown; encryptedSecretKey?: unknown };
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as typeof json;
  } catch {
    throw new AuthorityError('INPUT_INVALID', `${path} is not a readable public key file`);
  }
  if (json.secretKey !== undefined || json.encryptedSecretKey !== undefined) {
    throw new AuthorityError(
      'INPUT_INVALID',
      `${path} holds a secret key: give the custodian's root-<kid>.pub.json, the secret stays with them`,
    );
  }
  const publicKey = typeof json.publicKey === 'string' ? fromBase64Url(json.publicKey) : undefined;
  if (json.type !== 'singgah-root-public-key' || publicKey?.length !== 32 || keyIdOf(publicKey) !== json.kid) {
    throw new AuthorityError(
      'INPUT_INVALID',
      `${path} is not a custodian public key file (or its key id does not match)`,
    );
  }
  return { kid: json.kid, publicKey };
}
