/**
 * EU DCC Document Signer Certificates (DSC) → the compact signer records phones verify with (core
 * `DccSigner`): phones never parse X.509, the authority does it here with Node's `X509Certificate`.
 *
 * Reads single certificates (PEM, PEM bundles, DER) and the published trust-list formats, which all carry
 * the DER certificate: the EU gateway's `/trustList` (`[{certificateType, country, kid, rawData, …}]`, also
 * wrapped as `{"certificates": […]}` and with a signature line before the JSON, as national backends serve
 * it), JWK sets with `x5c` (the Swedish DSC-TL, a JWS whose payload holds `dsc_trust_list`) and WHO GDHCN
 * DID documents (`verificationMethod[].publicKeyJwk.x5c`). The lists' own signatures are not checked: the
 * operator fetches them over the gateway's authenticated channel (docs/OPERATIONS.md).
 */
import { createHash, createPublicKey, type JsonWebKey, type KeyObject, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_DCC_SIGNERS } from '../src/core/bundle-dcc';
import type { DccSigner } from '../src/core/dcc';
import { AuthorityError } from './errors';
import { writeFileAtomic } from './keys';

/** Extended key usage OIDs of the DCC (hcert 1.0.5 §5.1.1) and the widespread misspelling with `.0.`. */
const USAGE_OIDS: Record<string, 't' | 'v' | 'r'> = {};
for (const prefix of ['1.3.6.1.4.1.1847.2021.1.', '1.3.6.1.4.1.0.1847.2021.1.']) {
  USAGE_OIDS[`${prefix}1`] = 't';
  USAGE_OIDS[`${prefix}2`] = 'v';
  USAGE_OIDS[`${prefix}3`] = 'r';
}

/** A trust list larger than this is not a DSC list (the EU gateway's whole list is a few MB). */
const MAX_TRUST_FILE_BYTES = 32 * 1024 * 1024;

/** A signer read from a certificate always has its validity window. */
export type CertificateSigner = DccSigner & { readonly notBefore: number; readonly notAfter: number };

export interface TrustedSigner {
  readonly signer: CertificateSigner;
  /** The certificate's subject, one `key=value` per line (for `trust list`). */
  readonly subject: string;
  /** The DER certificate, base64: kept so the entry can be re-checked and audited. */
  readonly certificate: string;
}

const invalid = (what: string, message: string) => new AuthorityError('DCC_SIGNER_INVALID', `${what}: ${message}`);

/** Minimal DER reader: the tag, and the content's bounds, of the element at `at`. */
function derElement(der: Uint8Array, at: number): { tag: number; start: number; end: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at];
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i];
    start += bytes;
  }
  const end = start + length;
  return end <= der.length ? { tag, start, end } : undefined;
}

/**
 * An RSA-PSS key (SPKI algorithm id-RSASSA-PSS) as a plain RSA key: Node exports no JWK for RSA-PSS, but
 * the subjectPublicKey is the same RSAPublicKey, so it is re-wrapped under rsaEncryption.
 */
function rsaPssAsRsa(key: KeyObject): KeyObject | undefined {
  const spki = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
  const outer = derElement(spki, 0);
  const algorithm = outer && derElement(spki, outer.start);
  const bits = algorithm && derElement(spki, algorithm.end);
  if (bits?.tag !== 0x03) return undefined;
  const publicKey = spki.subarray(bits.start, bits.end); // leading "unused bits" byte included
  const rsaEncryption = Buffer.from('300d06092a864886f70d0101010500', 'hex');
  const bitString = Buffer.concat([derHeader(0x03, publicKey.length), publicKey]);
  const body = Buffer.concat([rsaEncryption, bitString]);
  return createPublicKey({ key: Buffer.concat([derHeader(0x30, body.length), body]), format: 'der', type: 'spki' });
}

function derHeader(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}

/** The country of a DSC: its subject's C, as the hcert specification requires. */
function countryOf(x509: X509Certificate): string | undefined {
  const line = x509.subject.split('\n').find((l) => l.startsWith('C='));
  const country = line?.slice(2).trim().toUpperCase();
  return country && /^[A-Z]{2}$/.test(country) ? country : undefined;
}

function keyOf(x509: X509Certificate, what: string): Pick<DccSigner, 'alg' | 'key'> {
  let key: KeyObject;
  try {
    key = x509.publicKey;
  } catch {
    // OpenSSL parses a certificate whose key algorithm it does not know, but not that key: a list entry to skip.
    throw invalid(what, 'unreadable public key');
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve !== 'prime256v1') {
      throw invalid(what, `EC key on ${details.namedCurve ?? 'an unknown curve'}; the DCC allows only P-256 (ES256)`);
    }
    const jwk = key.export({ format: 'jwk' }) as JsonWebKey;
    return { alg: 'ES256', key: { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y) } };
  }
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    if ((details.modulusLength ?? 0) < 2048) {
      throw invalid(what, `RSA key of ${details.modulusLength} bits; the DCC requires at least 2048 (PS256)`);
    }
    // An RSA-PSS key restricted to another hash cannot make PS256 (RSASSA-PSS with SHA-256) signatures.
    if (details.hashAlgorithm !== undefined && details.hashAlgorithm !== 'sha256') {
      throw invalid(what, `RSA-PSS key restricted to ${details.hashAlgorithm}; PS256 needs SHA-256`);
    }
    const rsa = key.asymmetricKeyType === 'rsa' ? key : rsaPssAsRsa(key);
    if (!rsa) throw invalid(what, 'unreadable RSA-PSS public key');
    const jwk = rsa.export({ format: 'jwk' }) as JsonWebKey;
    return { alg: 'PS256', key: { kty: 'RSA', n: String(jwk.n), e: String(jwk.e) } };
  }
  throw invalid(what, `${key.asymmetricKeyType ?? 'unknown'} key; the DCC allows EC P-256 (ES256) or RSA (PS256)`);
}

/**
 * Seconds of an X509Certificate validity string ("May  5 12:41:06 2021 GMT"); undefined for a date Node could not
 * read (it prints "Bad time value").
 */
export function validitySeconds(text: string): number | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function secondsOf(text: string, what: string): number {
  const seconds = validitySeconds(text);
  if (seconds === undefined) throw invalid(what, `unreadable validity date "${text}"`);
  return seconds;
}

export interface SignerOptions {
  /**
   * For checking (`cert inspect --trust`), not importing: accept a certificate marked as a CA and one whose
   * subject has no country (then XX). An operator's import refuses both (a CSCA signs DSCs, never DCCs, and
   * the country is what `trust list` and the app show), but test corpora sign DCCs with self-made
   * certificates that often are CAs or name no country; verification needs neither.
   */
  readonly lenient?: boolean;
}

/**
 * One DER certificate → a signer: kid = first 8 bytes of SHA-256 of the DER (hcert §3.3.1), country =
 * subject C (or `fallbackCountry`, the trust list's field, when the subject has none), algorithm from the
 * key, validity, and the DCC key usages (absent = may sign every type). Throws DCC_SIGNER_INVALID.
 */
export function signerFromDer(
  der: Uint8Array,
  what: string,
  fallbackCountry?: string,
  options: SignerOptions = {},
): TrustedSigner {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    throw invalid(what, 'not an X.509 certificate');
  }
  if (x509.ca && !options.lenient) throw invalid(what, 'a CA certificate (CSCA), not a Document Signer Certificate');
  const country = countryOf(x509) ?? fallbackCountry ?? (options.lenient ? 'XX' : undefined);
  if (!country) throw invalid(what, 'no country (C) in the subject');
  const { alg, key } = keyOf(x509, what);
  const notBefore = secondsOf(x509.validFrom, what);
  const notAfter = secondsOf(x509.validTo, what);
  if (notAfter <= notBefore) throw invalid(what, 'validity ends before it starts');
  const usages = [...new Set((x509.keyUsage ?? []).map((oid) => USAGE_OIDS[oid]).filter((u) => u !== undefined))];
  const kid = createHash('sha256').update(der).digest().subarray(0, 8).toString('base64');
  const signer: CertificateSigner = {
    kid,
    country,
    alg,
    key,
    notBefore,
    notAfter,
    ...(usages.length > 0 ? { usages: usages.sort((a, b) => 'tvr'.indexOf(a) - 'tvr'.indexOf(b)) } : {}),
  };
  return { signer, subject: x509.subject, certificate: Buffer.from(der).toString('base64') };
}

const PEM = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const JWS = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*$/;

/** A certificate found in a file, with the trust list's country for it when the list gives one. */
interface Found {
  readonly der: Uint8Array;
  readonly what: string;
  readonly country?: string;
}

/**
 * Certificates in a trust-list JSON value: `rawData` of DSC entries (EU gateway) and the leaf (first) of
 * every `x5c` (JWK sets, DID documents). Iterative and bounded, so a hostile file cannot overflow the stack.
 */
function certificatesInJson(json: unknown, name: string): Found[] {
  const found: Omit<Found, 'what'>[] = [];
  const stack: [unknown, number][] = [[json, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object' || depth > 32) continue;
    const o = node as Record<string, unknown>;
    if (typeof o.rawData === 'string') {
      // The gateway's list mixes types: only DSCs sign certificates (CSCA, UPLOAD and AUTHENTICATION do not).
      if (o.certificateType === undefined || o.certificateType === 'DSC') {
        const country = typeof o.country === 'string' ? o.country.toUpperCase() : undefined;
        found.push({ der: Buffer.from(o.rawData, 'base64'), ...(country ? { country } : {}) });
      }
      continue;
    }
    if (Array.isArray(o.x5c) && typeof o.x5c[0] === 'string') {
      found.push({ der: Buffer.from(o.x5c[0], 'base64') });
      continue;
    }
    // Pushed last first, so that they are popped, and listed, in the file's order.
    for (const child of Object.values(o).reverse()) stack.push([child, depth + 1]);
  }
  return found.map((f, i) => ({ ...f, what: `${name} entry ${i + 1}` }));
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Every certificate in a file's bytes: PEM (one or many), DER, base64 DER, or a trust list. */
function certificatesIn(bytes: Buffer, name: string): { found: Found[]; list: boolean } {
  const text = bytes.toString('utf8');
  const pems = [...text.matchAll(PEM)];
  if (pems.length > 0) {
    return {
      found: pems.map((m, i) => ({
        der: Buffer.from(m[1].replace(/\s+/g, ''), 'base64'),
        what: pems.length > 1 ? `${name} certificate ${i + 1}` : name,
      })),
      list: false,
    };
  }
  if (bytes[0] === 0x30 && derElement(bytes, 0)?.end === bytes.length) {
    return { found: [{ der: bytes, what: name }], list: false };
  }
  const trimmed = text.trim();
  const compact = trimmed.replace(/\s+/g, '');
  // A certificate is hundreds of bytes: a short word is not taken for base64 DER.
  if (compact.length >= 200 && BASE64.test(compact) && !JWS.test(trimmed)) {
    return { found: [{ der: Buffer.from(compact, 'base64'), what: name }], list: false };
  }
  const jws = JWS.exec(trimmed);
  // A JSON list, a JWS whose payload is one (Swedish DSC-TL), or a signature line then JSON (German list).
  const json =
    parseJsonOrUndefined(trimmed) ??
    (jws ? parseJsonOrUndefined(Buffer.from(jws[1], 'base64url').toString('utf8')) : undefined) ??
    parseJsonOrUndefined(trimmed.slice(trimmed.indexOf('\n') + 1));
  if (json === undefined) {
    throw new AuthorityError(
      'DCC_SIGNER_INVALID',
      `${name}: not a certificate (PEM or DER) nor a DCC trust list (EU gateway, DSC-TL or GDHCN DID)`,
    );
  }
  return { found: certificatesInJson(json, name), list: true };
}

export interface ReadSigners {
  readonly signers: TrustedSigner[];
  /** Trust-list entries that were refused (a CSCA, an unsupported key, …), with the reason. */
  readonly skipped: string[];
}

/**
 * The signers of one file or text. A certificate file must hold only valid DSCs (any problem is an error),
 * except the CA certificates of a chain in a PEM bundle; a trust list may hold entries phones cannot use
 * (other key types, CAs): those are skipped and reported. At least one signer, or an error.
 */
export function readSigners(bytes: Buffer, name: string, options: SignerOptions = {}): ReadSigners {
  const { found, list } = certificatesIn(bytes, name);
  if (found.length === 0) throw new AuthorityError('DCC_SIGNER_INVALID', `${name}: no certificate found`);
  const signers: TrustedSigner[] = [];
  const skipped: string[] = [];
  for (const f of found) {
    // A PEM bundle often carries the DSC with its chain: the CA certificates there are not signers.
    if (!list && found.length > 1 && isCa(f.der)) {
      skipped.push(`${f.what}: a CA certificate (the chain), not a signer`);
      continue;
    }
    try {
      signers.push(signerFromDer(f.der, f.what, f.country, options));
    } catch (e) {
      if (!list || !(e instanceof AuthorityError)) throw e;
      skipped.push(e.message);
    }
  }
  if (signers.length === 0)
    throw new AuthorityError('DCC_SIGNER_INVALID', `${name}: no usable Document Signer Certificate`);
  return { signers, skipped };
}

function isCa(der: Uint8Array): boolean {
  try {
    return new X509Certificate(der).ca;
  } catch {
    return false;
  }
}

export function readSignerFile(path: string, options: SignerOptions = {}): ReadSigners {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new AuthorityError('INPUT_INVALID', `cannot read ${path}`);
  }
  if (bytes.length > MAX_TRUST_FILE_BYTES) throw new AuthorityError('INPUT_INVALID', `${path} is too large`);
  return readSigners(bytes, path, options);
}

// ---------------------------------------------------------------- the operator's trusted signers

/** `{"version": 1, "signers": [TrustedSigner…]}`: public (every bundle carries the signers). */
export const dccSignersPath = (dataDir: string) => join(dataDir, 'dcc-signers.json');

const thumbprint = (t: TrustedSigner) => createHash('sha256').update(Buffer.from(t.certificate, 'base64')).digest();

/** The stored signers, each re-derived from its certificate so a hand-edited file cannot smuggle a key in. */
export function readTrustedSigners(dataDir: string): TrustedSigner[] {
  const path = dccSignersPath(dataDir);
  if (!existsSync(path)) return [];
  let entries: unknown;
  try {
    entries = (JSON.parse(readFileSync(path, 'utf8')) as { signers?: unknown }).signers;
  } catch {
    throw new AuthorityError('INPUT_INVALID', `${path} is not valid JSON`);
  }
  if (!Array.isArray(entries)) throw new AuthorityError('INPUT_INVALID', `${path} has no "signers" list`);
  return entries.map((entry, i) => {
    const certificate = (entry as { certificate?: unknown })?.certificate;
    if (typeof certificate !== 'string') throw new AuthorityError('INPUT_INVALID', `${path}: signer ${i + 1}`);
    const country = (entry as { signer?: { country?: unknown } }).signer?.country;
    return signerFromDer(
      Buffer.from(certificate, 'base64'),
      `${path} signer ${i + 1}`,
      typeof country === 'string' ? country : undefined,
    );
  });
}

export function writeTrustedSigners(dataDir: string, signers: readonly TrustedSigner[]): void {
  if (signers.length > MAX_DCC_SIGNERS) {
    throw new AuthorityError('INPUT_INVALID', `at most ${MAX_DCC_SIGNERS} DCC signers fit in a bundle`);
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(dccSignersPath(dataDir), `${JSON.stringify({ version: 1, signers }, null, 2)}\n`, 0o644);
}

/** Add signers (the same certificate twice is kept once); returns those that were new. */
export function addTrustedSigners(dataDir: string, incoming: readonly TrustedSigner[]): TrustedSigner[] {
  const stored = readTrustedSigners(dataDir);
  const known = new Set(stored.map((t) => thumbprint(t).toString('hex')));
  const added: TrustedSigner[] = [];
  for (const t of incoming) {
    const id = thumbprint(t).toString('hex');
    if (known.has(id)) continue;
    known.add(id);
    added.push(t);
  }
  writeTrustedSigners(dataDir, [...stored, ...added]);
  return added;
}

/** Remove every signer with this kid (base64, or base64url as some tools print it); returns those removed. */
export function removeTrustedSigners(dataDir: string, kid: string): TrustedSigner[] {
  const wanted = kid.replace(/-/g, '+').replace(/_/g, '/');
  const stored = readTrustedSigners(dataDir);
  const removed = stored.filter((t) => t.signer.kid === wanted || t.signer.kid.replace(/=+$/, '') === wanted);
  if (removed.length === 0) throw new AuthorityError('NOT_FOUND', `no trusted DCC signer with kid ${kid}`);
  writeTrustedSigners(
    dataDir,
    stored.filter((t) => !removed.includes(t)),
  );
  return removed;
}

/** What goes into the bundle: the signer records only, never the certificates. */
export const bundleSignersOf = (signers: readonly TrustedSigner[]): DccSigner[] => signers.map((t) => t.signer);
