/**
 * SMART Health Card issuers the authority trusts → the bundle's `shcIssuers` (core `ShcIssuer`): phones never
 * fetch an issuer's JWKS or revocation list at run time, the authority imports them here and signs them in.
 *
 * Reads issuer key sets (JWKS `{"keys": […]}`, with the issuer's `iss` given by the operator, as they are
 * published at `<iss>/.well-known/jwks.json`), per-key card revocation lists (`{"kid", "method": "rid",
 * "ctr", "rids"}` from `<iss>/.well-known/crl/<kid>.json`), the VCI directory snapshot (`{"issuerInfo":
 * [{"issuer": {"iss", "name"}, "keys", "crls"}]}`) and the VCI issuer list (`{"participating_issuers":
 * [{"iss", "name"}]}`, which names issuers; its entries carry no keys unless `keys` is inline), from files or
 * directories (walked for `*.json`). Every key must be an EC P-256 signing key whose `kid` is its RFC 7638
 * thumbprint, with no private part; a leaf certificate in `x5c` must hold the same key, and gives the key's
 * validity.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { MAX_SHC_RIDS_PER_KEY, shcIssuersSchema } from '../src/core/bundle-shc';
import { isRidEntry, jwkThumbprint, type ShcIssuer, type ShcIssuerKey } from '../src/core/shc';
import { validitySeconds } from './dcc-trust';
import { AuthorityError } from './errors';
import { writeFileAtomic } from './keys';

const MAX_FILE_BYTES = 32 * 1024 * 1024;
const MAX_FILES = 10_000;
const MAX_DEPTH = 8;

const invalid = (what: string, message: string) => new AuthorityError('SHC_ISSUER_INVALID', `${what}: ${message}`);

type Json = Record<string, unknown>;
const obj = (x: unknown): Json | undefined =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Json) : undefined;

/** An `iss` as the spec requires it: https, no trailing slash (cards carry it exactly so). */
export function checkIss(iss: string, what: string): string {
  if (!/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(iss) || iss.endsWith('/') || iss.length > 512)
    throw invalid(what, `iss "${iss}" must be an https URL without a trailing /`);
  return iss;
}

/** One JWK of an issuer's set → a bundle key, or why not (a skipped key of a set is reported, not fatal). */
export function keyOfJwk(jwk: unknown, what: string): ShcIssuerKey {
  const k = obj(jwk);
  if (!k) throw invalid(what, 'not a JWK object');
  // A private key in a published set would be a leak, and importing it would copy the leak into the bundle.
  if ('d' in k) throw invalid(what, 'holds a private key ("d"): import only the public JWKS');
  if (k.kty !== 'EC' || k.crv !== 'P-256')
    throw invalid(what, `kty ${String(k.kty)} / crv ${String(k.crv)}, not EC P-256`);
  if (k.use !== undefined && k.use !== 'sig') throw invalid(what, `use "${String(k.use)}", not sig`);
  if (k.alg !== undefined && k.alg !== 'ES256') throw invalid(what, `alg "${String(k.alg)}", not ES256`);
  const { x, y, kid } = k;
  if (
    typeof x !== 'string' ||
    typeof y !== 'string' ||
    !/^[A-Za-z0-9_-]{43}$/.test(x) ||
    !/^[A-Za-z0-9_-]{43}$/.test(y)
  )
    throw invalid(what, 'x and y must be base64url of 32 bytes');
  const thumbprint = jwkThumbprint(x, y);
  if (kid !== thumbprint) throw invalid(what, `kid ${String(kid)} is not the key's RFC 7638 thumbprint ${thumbprint}`);
  const key: { -readonly [K in keyof ShcIssuerKey]: ShcIssuerKey[K] } = { kid: thumbprint, x, y };
  if (Array.isArray(k.x5c) && typeof k.x5c[0] === 'string') {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(k.x5c[0], 'base64'));
    } catch {
      throw invalid(what, 'x5c[0] is not an X.509 certificate');
    }
    let pub: { x?: string; y?: string };
    try {
      pub = cert.publicKey.export({ format: 'jwk' }) as { x?: string; y?: string };
    } catch {
      // A key OpenSSL cannot decode, or one with no JWK form (DSA): not this EC key either way.
      pub = {};
    }
    if (pub.x !== x || pub.y !== y) throw invalid(what, 'the x5c certificate holds another key');
    const notBefore = validitySeconds(cert.validFrom);
    const notAfter = validitySeconds(cert.validTo);
    // A key without bounds would be checked against none: refuse it.
    if (notBefore === undefined || notAfter === undefined)
      throw invalid(what, 'unreadable validity date in the x5c certificate');
    key.notBefore = notBefore;
    key.notAfter = notAfter;
  }
  return key;
}

export interface ShcCrl {
  readonly kid: string;
  readonly ctr: number;
  readonly rids: readonly string[];
}

export function crlOf(json: unknown, what: string): ShcCrl {
  const c = obj(json);
  if (!c || typeof c.kid !== 'string') throw invalid(what, 'not a card revocation list');
  if (c.method !== 'rid') throw invalid(what, `method "${String(c.method)}", not rid`);
  if (typeof c.ctr !== 'number' || !Number.isInteger(c.ctr) || c.ctr < 1)
    throw invalid(what, 'ctr must be a counter ≥ 1');
  if (!Array.isArray(c.rids) || c.rids.length > MAX_SHC_RIDS_PER_KEY)
    throw invalid(what, `rids must be a list of at most ${MAX_SHC_RIDS_PER_KEY}`);
  for (const rid of c.rids)
    if (typeof rid !== 'string' || !isRidEntry(rid))
      throw invalid(what, `rid ${JSON.stringify(rid)}: base64url, at most 24 characters, optionally .timestamp`);
  if (new Set(c.rids).size !== c.rids.length) throw invalid(what, 'a rid listed twice');
  return { kid: c.kid, ctr: c.ctr, rids: c.rids as string[] };
}

/** What one import read: issuers with their keys, revocation lists, names of listed issuers, skipped entries. */
export interface ShcImport {
  readonly issuers: ShcIssuer[];
  readonly crls: (ShcCrl & { readonly crlVersion?: number })[];
  readonly names: Map<string, string>;
  readonly skipped: string[];
}

export interface ShcImportOptions {
  /** The `iss` of bare JWKS files (the URL their `/.well-known/jwks.json` is served under). */
  readonly iss?: string;
  /** The issuer's name for people (else the VCI list's, else the iss host). */
  readonly name?: string;
}

function jsonFiles(path: string, depth = 0, out: string[] = []): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    throw new AuthorityError('INPUT_INVALID', `cannot read ${path}`);
  }
  if (stat.isFile()) {
    out.push(path);
    return out;
  }
  if (!stat.isDirectory() || depth > MAX_DEPTH) return out;
  for (const name of readdirSync(path).sort()) {
    const child = join(path, name);
    const isDir = statSync(child).isDirectory();
    if (isDir || name.endsWith('.json')) jsonFiles(child, depth + 1, out);
    if (out.length > MAX_FILES) throw new AuthorityError('INPUT_INVALID', `more than ${MAX_FILES} files under ${path}`);
  }
  return out;
}

function readJson(path: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new AuthorityError('INPUT_INVALID', `cannot read ${path}`);
  }
  if (bytes.length > MAX_FILE_BYTES) throw new AuthorityError('INPUT_INVALID', `${path} is too large`);
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw invalid(path, 'not JSON');
  }
}

/** Keys of one JWKS: a bad key of a set is skipped (reported); none usable is an error. */
function keysOf(jwks: Json, what: string, skipped: string[]): { keys: ShcIssuerKey[]; versions: Map<string, number> } {
  if (!Array.isArray(jwks.keys)) throw invalid(what, 'no "keys" list');
  const keys: ShcIssuerKey[] = [];
  const versions = new Map<string, number>();
  jwks.keys.forEach((jwk, i) => {
    const keyWhat = `${what} key ${i + 1}`;
    // An encryption key or another algorithm can sit in the same set: not a signing key, not an error.
    const j = obj(jwk);
    if (j && (j.use === 'enc' || (j.kty !== undefined && j.kty !== 'EC'))) {
      skipped.push(`${keyWhat}: not an EC signing key`);
      return;
    }
    if (j && 'd' in j) throw invalid(keyWhat, 'holds a private key ("d"): import only the public JWKS');
    try {
      const key = keyOfJwk(jwk, keyWhat);
      if (keys.some((k) => k.kid === key.kid)) return;
      keys.push(key);
      if (typeof j?.crlVersion === 'number') versions.set(key.kid, j.crlVersion);
    } catch (e) {
      if (!(e instanceof AuthorityError)) throw e;
      skipped.push(e.message);
    }
  });
  if (keys.length === 0) throw invalid(what, 'no usable ES256 P-256 signing key');
  return { keys, versions };
}

const hostOf = (iss: string) => new URL(iss).host;

/**
 * Read files and directories (and `docs`, JSON already read, each with its name) into issuers, revocation lists
 * and names (nothing stored yet).
 */
export function readShcImport(
  paths: readonly string[],
  opts: ShcImportOptions,
  docs: readonly (readonly [string, unknown])[] = [],
): ShcImport {
  const issuers = new Map<string, ShcIssuer>();
  const crls: ShcImport['crls'] = [];
  const names = new Map<string, string>();
  const skipped: string[] = [];
  const versions = new Map<string, number>();
  const add = (iss: string, name: string | undefined, keys: readonly ShcIssuerKey[]) => {
    const old = issuers.get(iss);
    const merged = [...(old?.keys ?? [])];
    for (const k of keys) if (!merged.some((m) => m.kid === k.kid)) merged.push(k);
    issuers.set(iss, { iss, name: name ?? old?.name ?? '', keys: merged });
  };
  const files: (readonly [string, unknown])[] = [
    ...paths.flatMap((p) => jsonFiles(p)).map((f) => [f, readJson(f)] as const),
    ...docs,
  ];
  for (const [file, doc] of files) {
    const json = obj(doc);
    if (!json) throw invalid(file, 'not a JSON object');
    if (Array.isArray(json.keys)) {
      if (opts.iss === undefined) throw invalid(file, 'a JWKS needs --iss (the URL it is published under)');
      const read = keysOf(json, file, skipped);
      for (const [kid, n] of read.versions) versions.set(kid, n);
      add(checkIss(opts.iss, '--iss'), opts.name, read.keys);
    } else if (typeof json.kid === 'string' && 'rids' in json) {
      crls.push(crlOf(json, file));
    } else if (Array.isArray(json.issuerInfo)) {
      json.issuerInfo.forEach((entry, i) => {
        const what = `${file} issuerInfo ${i + 1}`;
        const e = obj(entry);
        const issuer = obj(e?.issuer);
        if (typeof issuer?.iss !== 'string') {
          skipped.push(`${what}: no issuer.iss`);
          return;
        }
        try {
          const iss = checkIss(issuer.iss, what);
          const read = keysOf({ keys: e?.keys }, what, skipped);
          for (const [kid, n] of read.versions) versions.set(kid, n);
          add(iss, typeof issuer.name === 'string' ? issuer.name : undefined, read.keys);
          for (const crl of Array.isArray(e?.crls) ? e.crls : []) crls.push(crlOf(crl, `${what} crl`));
        } catch (err) {
          if (!(err instanceof AuthorityError)) throw err;
          skipped.push(err.message);
        }
      });
    } else if (Array.isArray(json.participating_issuers)) {
      json.participating_issuers.forEach((entry, i) => {
        const e = obj(entry);
        const what = `${file} participating_issuers ${i + 1}`;
        if (typeof e?.iss !== 'string' || typeof e.name !== 'string') {
          skipped.push(`${what}: no iss or name`);
          return;
        }
        names.set(e.iss, e.name);
        const inline = Array.isArray(e.keys) ? { keys: e.keys } : obj(e.jwks);
        if (!inline) return;
        try {
          add(checkIss(e.iss, what), e.name, keysOf(inline, what, skipped).keys);
        } catch (err) {
          if (!(err instanceof AuthorityError)) throw err;
          skipped.push(err.message);
        }
      });
    } else {
      throw invalid(file, 'not a JWKS, a card revocation list, a VCI snapshot nor a VCI issuer list');
    }
  }
  for (const crl of crls) {
    const version = versions.get(crl.kid);
    // The JWKS says which CRL version is current: an older file would un-revoke cards.
    if (version !== undefined && version !== crl.ctr)
      throw invalid(`CRL of ${crl.kid}`, `ctr ${crl.ctr} is not the key's crlVersion ${version}`);
  }
  // An issuer named nowhere keeps the name it has (or gets its host's when new: addTrustedShcIssuers).
  const named = [...issuers.values()].map((i) => ({ ...i, name: i.name || names.get(i.iss) || opts.name || '' }));
  return { issuers: named, crls, names, skipped };
}

// ---------------------------------------------------------------- the operator's trusted issuers

/** `{"version": 1, "issuers": [ShcIssuer…]}`: public (every bundle carries them). */
export const shcIssuersPath = (dataDir: string) => join(dataDir, 'shc-issuers.json');

/** The stored issuers, checked with the bundle's own schema and every kid against its key. */
export function readTrustedShcIssuers(dataDir: string): ShcIssuer[] {
  const path = shcIssuersPath(dataDir);
  if (!existsSync(path)) return [];
  let stored: unknown;
  try {
    stored = (JSON.parse(readFileSync(path, 'utf8')) as { issuers?: unknown }).issuers;
  } catch {
    throw new AuthorityError('INPUT_INVALID', `${path} is not valid JSON`);
  }
  const parsed = v.safeParse(shcIssuersSchema, stored);
  if (!parsed.success) throw new AuthorityError('INPUT_INVALID', `${path}: ${parsed.issues[0].message}`);
  for (const i of parsed.output)
    for (const k of i.keys)
      if (jwkThumbprint(k.x, k.y) !== k.kid)
        throw new AuthorityError('INPUT_INVALID', `${path}: kid ${k.kid} is not its key`);
  return parsed.output as ShcIssuer[];
}

export function writeTrustedShcIssuers(dataDir: string, issuers: readonly ShcIssuer[]): void {
  const parsed = v.safeParse(shcIssuersSchema, issuers);
  if (!parsed.success) throw new AuthorityError('INPUT_INVALID', `SHC issuers: ${parsed.issues[0].message}`);
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(shcIssuersPath(dataDir), `${JSON.stringify({ version: 1, issuers }, null, 2)}\n`, 0o644);
}

export interface ShcImportResult {
  readonly added: number;
  readonly updated: number;
  readonly revokedKeys: number;
  readonly issuers: ShcIssuer[];
}

/**
 * Merge an import into the stored issuers: keys new to an issuer are added (a known kid keeps its stored
 * entry), a CRL replaces the revoked rids of its key (it is the issuer's whole current list).
 */
export function addTrustedShcIssuers(dataDir: string, read: ShcImport): ShcImportResult {
  const byIss = new Map(readTrustedShcIssuers(dataDir).map((i) => [i.iss, i]));
  let added = 0;
  let updated = 0;
  for (const incoming of read.issuers) {
    const old = byIss.get(incoming.iss);
    const keys = [...(old?.keys ?? [])];
    for (const k of incoming.keys) {
      if (keys.some((o) => o.kid === k.kid)) continue;
      keys.push(k);
      added++;
    }
    const name = incoming.name || old?.name || hostOf(incoming.iss);
    if (old && old.name !== name) updated++;
    byIss.set(incoming.iss, { iss: incoming.iss, name, keys });
  }
  let revokedKeys = 0;
  for (const crl of read.crls) {
    const owner = [...byIss.values()].find((i) => i.keys.some((k) => k.kid === crl.kid));
    if (!owner) {
      read.skipped.push(`CRL of ${crl.kid}: no trusted key with that kid`);
      continue;
    }
    byIss.set(owner.iss, {
      ...owner,
      keys: owner.keys.map((k) => {
        if (k.kid !== crl.kid) return k;
        const { revokedRids: _old, ...rest } = k;
        return crl.rids.length > 0 ? { ...rest, revokedRids: [...crl.rids] } : rest;
      }),
    });
    revokedKeys++;
  }
  const issuers = [...byIss.values()];
  writeTrustedShcIssuers(dataDir, issuers);
  return { added, updated, revokedKeys, issuers };
}

/** Remove an issuer (by iss), or only one of its keys (by kid); returns what was removed. */
export function removeTrustedShcIssuer(dataDir: string, iss: string, kid?: string): string[] {
  const stored = readTrustedShcIssuers(dataDir);
  const issuer = stored.find((i) => i.iss === iss);
  if (!issuer) throw new AuthorityError('NOT_FOUND', `no trusted SMART Health Card issuer ${iss}`);
  if (kid === undefined) {
    writeTrustedShcIssuers(
      dataDir,
      stored.filter((i) => i !== issuer),
    );
    return issuer.keys.map((k) => k.kid);
  }
  if (!issuer.keys.some((k) => k.kid === kid)) throw new AuthorityError('NOT_FOUND', `${iss} has no key ${kid}`);
  const keys = issuer.keys.filter((k) => k.kid !== kid);
  writeTrustedShcIssuers(
    dataDir,
    keys.length === 0 ? stored.filter((i) => i !== issuer) : stored.map((i) => (i === issuer ? { ...i, keys } : i)),
  );
  return [kid];
}

/** The payload with the operator's trusted SHC issuers; none, no field. */
export function withShcIssuers<P extends { shcIssuers?: unknown }>(payload: P, dataDir: string): P {
  const { shcIssuers: _previous, ...rest } = payload;
  const issuers = readTrustedShcIssuers(dataDir);
  return (issuers.length > 0 ? { ...rest, shcIssuers: issuers } : rest) as P;
}
