/**
 * `HC1:` text → a complete report. The steps run in the hcert order (prefix → base45 → zlib → COSE →
 * CWT claims → schema → signature → key usage → time, with the signer's validity → revocation); a failed step
 * stops only the steps that need its output, so one inspection reports everything that can be known
 * (a bad signature still shows the payload, its schema result and its time window).
 */
import { err, ok, type Result } from '../errors';
import { fromBase45 } from './base45';
import { type CborKey, CborTag, type CborValue, decodeCbor } from './cbor';
import { type CoseSign1, decodeCoseSign1, sigStructure } from './cose';
import { certificateOf, type DccCertificate } from './facts';
import { inflateZlib } from './inflate';
import { revocationHashes, revokedBy, toBase64 } from './revocation';
import { parseDccPayload } from './schema';
import { verifyWithSigner } from './signature';
import type {
  DccCheck,
  DccClaims,
  DccErrorCode,
  DccInspection,
  DccRevocations,
  DccSigner,
  DccType,
  RevocationHashes,
} from './types';

export const HC1_PREFIX = 'HC1:';
/** The longest text a QR code holds (version 40, alphanumeric mode). */
export const MAX_HC1_TEXT = 4296;

const CLAIM_ISS = 1;
const CLAIM_EXP = 4;
const CLAIM_IAT = 6;
const CLAIM_HCERT = -260;
const HCERT_EU_DCC = 1;
// RFC 8949 tag 0 (date-time text) and RFC 8943 tag 1004 (full-date text) wrap strings issuers use for
// `sc` or `dt`; tag 1 (epoch date-time) becomes the same RFC 3339 text in UTC.
const TEXT_TAGS = new Set([0, 1004]);
const TAG_EPOCH = 1;

/** `YYYY-MM-DDTHH:MM:SSZ` (with milliseconds only when there are some), or undefined out of range. */
function epochText(seconds: number): string | undefined {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return undefined;
  const iso = d.toISOString();
  return Number.isInteger(seconds) ? `${iso.slice(0, 19)}Z` : iso;
}

export interface InspectOptions {
  /** The time to check validity at, Unix seconds. */
  readonly at: number;
  readonly signers: readonly DccSigner[];
  readonly revocations?: DccRevocations;
}

/** CBOR → JSON for the DCC payload: text-keyed maps, arrays, text, finite numbers, booleans, null. */
function toJson(value: CborValue): { ok: true; value: unknown } | { ok: false; detail: string } {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return { ok: true, value };
  if (typeof value === 'number')
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, detail: 'non-finite number' };
  if (value instanceof CborTag) {
    if (TEXT_TAGS.has(value.tag) && typeof value.value === 'string') return { ok: true, value: value.value };
    const text = value.tag === TAG_EPOCH && typeof value.value === 'number' ? epochText(value.value) : undefined;
    if (text !== undefined) return { ok: true, value: text };
    return { ok: false, detail: `tag ${value.tag} in the DCC` };
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value as readonly CborValue[]) {
      const j = toJson(item);
      if (!j.ok) return j;
      out.push(j.value);
    }
    return { ok: true, value: out };
  }
  if (value instanceof Map) {
    const entries: [string, unknown][] = [];
    for (const [k, item] of value as ReadonlyMap<CborKey, CborValue>) {
      if (typeof k !== 'string') return { ok: false, detail: 'non-text key in the DCC' };
      const j = toJson(item);
      if (!j.ok) return j;
      entries.push([k, j.value]);
    }
    // fromEntries defines own properties, so a "__proto__" key stays data and never becomes a prototype.
    return { ok: true, value: Object.fromEntries(entries) };
  }
  return { ok: false, detail: `${typeof value} in the DCC` };
}

/** CWT NumericDate: an integer (or, leniently, a finite float, truncated; or inside tag 1) of seconds. */
function numericDate(v: CborValue | undefined): number | undefined | null {
  const n = v instanceof CborTag && v.tag === TAG_EPOCH ? v.value : v;
  if (n === undefined) return undefined;
  return typeof n === 'number' && Number.isFinite(n) ? Math.floor(n) : null;
}

interface Claims {
  readonly claims: DccClaims;
  readonly dcc: CborValue | undefined;
  readonly problem?: string;
}

function readClaims(payload: CborValue): Claims {
  if (!(payload instanceof Map)) return { claims: {}, dcc: undefined, problem: 'CWT payload not a map' };
  const m = payload as ReadonlyMap<CborKey, CborValue>;
  const iss = m.get(CLAIM_ISS);
  const exp = numericDate(m.get(CLAIM_EXP));
  const iat = numericDate(m.get(CLAIM_IAT));
  const claims: DccClaims = {
    ...(typeof iss === 'string' ? { iss } : {}),
    ...(typeof iat === 'number' ? { iat } : {}),
    ...(typeof exp === 'number' ? { exp } : {}),
  };
  const hcert = m.get(CLAIM_HCERT);
  const dcc = hcert instanceof Map ? (hcert as ReadonlyMap<CborKey, CborValue>).get(HCERT_EU_DCC) : undefined;
  const problem =
    iss !== undefined && typeof iss !== 'string'
      ? 'iss not text'
      : iat == null || exp == null
        ? 'iat and exp must be numbers'
        : !(dcc instanceof Map)
          ? 'no hcert −260 → 1 map'
          : undefined;
  return { claims, dcc, problem };
}

export function inspectDcc(text: string, opts: InspectOptions): DccInspection {
  const checks: Record<DccCheck, boolean | null> = {
    prefix: null,
    base45: null,
    decompress: null,
    cose: null,
    cbor: null,
    schema: null,
    signature: null,
    keyUsage: null,
    time: null,
  };
  const errors: DccErrorCode[] = [];
  let payload: unknown = null;
  let claims: DccClaims = {};
  let kid: string | undefined;
  let signer: DccSigner | undefined;
  let revocation: RevocationHashes | undefined;
  const report = (): DccInspection => ({
    format: 'eu-dcc',
    valid: errors.length === 0 && Object.values(checks).every((c) => c === true),
    checks,
    errors,
    payload,
    claims,
    ...(kid === undefined ? {} : { kid }),
    ...(signer === undefined ? {} : { signer }),
    ...(revocation === undefined ? {} : { revocation }),
  });
  const fail = (check: DccCheck, code: DccErrorCode) => {
    checks[check] = false;
    errors.push(code);
  };

  checks.prefix = text.startsWith(HC1_PREFIX);
  if (!checks.prefix) {
    errors.push('HC1_PREFIX_MISSING');
    return report();
  }
  const b45 = text.length <= MAX_HC1_TEXT ? fromBase45(text.slice(HC1_PREFIX.length)) : undefined;
  if (!b45) {
    fail('base45', 'BASE45_INVALID');
    return report();
  }
  checks.base45 = true;

  const inflated = inflateZlib(b45);
  let coseBytes: Uint8Array;
  if (inflated.kind === 'inflated') {
    checks.decompress = true;
    coseBytes = inflated.bytes;
  } else if (inflated.kind === 'not-zlib') {
    // The hcert spec makes zlib mandatory: uncompressed COSE fails this check, yet is still decoded so
    // the report says what it holds.
    fail('decompress', 'INFLATE_FAILED');
    coseBytes = b45;
  } else {
    fail('decompress', inflated.code);
    return report();
  }

  const cose = decodeCoseSign1(coseBytes);
  if (!cose.ok) {
    fail('cose', cose.code);
    return report();
  }
  checks.cose = true;
  const c = cose.value;
  if (c.kid) kid = toBase64(c.kid);

  // CWT claims and the DCC inside them.
  const decoded = decodeCbor(c.payload);
  if (!decoded.ok) fail('cbor', 'CBOR_INVALID');
  else {
    const read = readClaims(decoded.value);
    claims = read.claims;
    const json = read.dcc instanceof Map ? toJson(read.dcc) : undefined;
    if (json?.ok) payload = json.value;
    if (read.problem !== undefined) fail('cbor', 'CWT_CLAIMS_INVALID');
    else if (!json?.ok) fail('cbor', 'CBOR_INVALID');
    else checks.cbor = true;
    if (payload !== null) {
      if (parseDccPayload(payload).ok) checks.schema = true;
      else fail('schema', 'DCC_SCHEMA_INVALID');
    } else if (json !== undefined) {
      // A DCC map holding what JSON cannot (a byte string, an unknown tag) does not follow the schema.
      fail('schema', 'DCC_SCHEMA_INVALID');
    }
  }

  signer = verifySignature(c, opts.signers, fail);
  if (signer) checks.signature = true;

  // The entry is read from the decoded payload even when the schema failed, so usage and revocation
  // are still reported.
  const entry = soleEntry(payload);
  if (signer && entry) {
    if (signer.usages === undefined || signer.usages.includes(entry.type)) checks.keyUsage = true;
    else fail('keyUsage', 'KEY_USAGE_MISMATCH');
  }

  const { iat, exp } = claims;
  if (iat !== undefined && exp !== undefined) {
    // Both ends inclusive, as the EU verifiers and the dgc-testdata suite count them.
    // Written so that a clock that is not a number (NaN) fails rather than passes.
    if (!(opts.at >= iat)) fail('time', 'CERTIFICATE_NOT_YET_VALID');
    else if (opts.at > exp) fail('time', 'CERTIFICATE_EXPIRED');
    // The signer's certificate must have been valid from issue to expiry: a DCC outliving its signer
    // (or signed before it existed) fails the time check too. Without a verifying signer, the first one
    // the kid names stands in, so the report is still complete.
    const dsc = signer ?? opts.signers.find((s) => kid !== undefined && sameKid(s.kid, kid));
    if (
      dsc &&
      ((dsc.notBefore !== undefined && iat < dsc.notBefore) || (dsc.notAfter !== undefined && exp > dsc.notAfter))
    )
      fail('time', 'SIGNER_EXPIRED');
    if (checks.time === null) checks.time = true;
  }

  revocation = revocationHashes({ uci: entry?.uci, iss: claims.iss, ecdsa: c.alg === 'ES256', signature: c.signature });
  if (opts.revocations && revokedBy(revocation, opts.revocations)) errors.push('CERTIFICATE_REVOKED');
  return report();
}

/** Kids compare as bytes: padding and the URL-safe alphabet of a signer list's base64 do not matter. */
const kidKey = (kid: string) => kid.replace(/=+$/, '').replaceAll('-', '+').replaceAll('_', '/');
const sameKid = (a: string, b: string) => kidKey(a) === kidKey(b);

/** The type and UCI of a payload holding exactly one of `v`, `t`, `r` (schema-valid or not). */
function soleEntry(payload: unknown): { type: DccType; uci: string | undefined } | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  const types = (['v', 't', 'r'] as const).filter((t) => Object.hasOwn(p, t));
  if (types.length !== 1) return undefined;
  const group = p[types[0]];
  const first: unknown = Array.isArray(group) ? group[0] : undefined;
  const ci = typeof first === 'object' && first !== null ? (first as Record<string, unknown>).ci : undefined;
  return { type: types[0], uci: typeof ci === 'string' ? ci : undefined };
}

/** The signer whose key verifies, or undefined after recording why none does. */
function verifySignature(
  c: CoseSign1,
  signers: readonly DccSigner[],
  fail: (check: DccCheck, code: DccErrorCode) => void,
): DccSigner | undefined {
  if (typeof c.alg !== 'string') {
    fail('signature', 'ALGORITHM_UNSUPPORTED');
    return undefined;
  }
  const kid = c.kid ? toBase64(c.kid) : undefined;
  // Only the signers the kid names are tried: a key that happens to verify under another kid is not trust.
  const named = kid === undefined ? [] : signers.filter((s) => sameKid(s.kid, kid));
  if (named.length === 0) {
    fail('signature', 'SIGNER_UNKNOWN');
    return undefined;
  }
  const message = sigStructure(c);
  const found = named.find((s) => s.alg === c.alg && verifyWithSigner(s, message, c.signature));
  if (!found) fail('signature', 'SIGNATURE_INVALID');
  return found;
}

/** A DCC that passed every check, mapped for the app; or the first error found. */
export function verifyDcc(text: string, opts: InspectOptions): Result<DccCertificate> {
  const r = inspectDcc(text, opts);
  const { iat, exp } = r.claims;
  const parsed = parseDccPayload(r.payload);
  if (!r.valid || !r.signer || iat === undefined || exp === undefined || !parsed.ok)
    return err(r.errors[0] ?? 'DCC_SCHEMA_INVALID', r.errors.join(' '));
  return ok(certificateOf(parsed.value, { iat, exp }, r.signer));
}
