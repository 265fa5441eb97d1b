/**
 * A card's text → a complete report. Steps in order: prefix → numeric (and chunks) → JWS (header, signature
 * format) → raw DEFLATE → payload (JSON, schema) → signature (the trusted key of `iss` named by `kid`) → time
 * (nbf, exp, the key's validity) → revocation (`vc.rid`). A failed step stops only the steps needing its
 * output, so one inspection reports everything that can be known (a bad signature still shows the payload).
 */
import { p256 } from '@noble/curves/nist.js';
import { concatBytes, fromBase64Url, fromUtf8 } from '../bytes';
import { err, ok, type Result } from '../errors';
import { assembleShcTexts } from './chunks';
import { certificateOfShc, type ShcCertificate } from './facts';
import { inflateRawCapped } from './inflate';
import { parseShcJws, type ShcJws } from './jws';
import { SHC_PREFIX } from './numeric';
import { parseShcPayload } from './payload';
import { isRidRevoked } from './revocation';
import { jwkThumbprint } from './thumbprint';
import type { ShcCheck, ShcClaims, ShcErrorCode, ShcInspection, ShcIssuer, ShcIssuerKey } from './types';

export interface ShcInspectOptions {
  /** The time to check validity at, Unix seconds. */
  readonly at: number;
  readonly issuers: readonly ShcIssuer[];
}

/** A JWS is ~1–12 KB; anything much longer is not a card (checked before any work). */
export const MAX_SHC_TEXT = 32 * 1024;

/** What the text is: `shc:/` QR texts (one, or every chunk), or a bare compact JWS (from a `.smart-health-card` file). */
export type ShcInput = { readonly qr: readonly string[] } | { readonly jws: string };

/** One QR text, or the chunks of one card separated by line breaks (as a paste or the CLI gives them). */
export function shcInputOf(text: string): ShcInput {
  return text.startsWith(SHC_PREFIX) ? { qr: text.split(/\r?\n/) } : { jws: text };
}

function verifyEs256(key: ShcIssuerKey, message: Uint8Array, signature: Uint8Array): boolean {
  const x = fromBase64Url(key.x);
  const y = fromBase64Url(key.y);
  // A bundle key whose kid is not its thumbprint is not the key the kid names: it verifies nothing.
  if (x?.length !== 32 || y?.length !== 32 || signature.length !== 64 || jwkThumbprint(key.x, key.y) !== key.kid)
    return false;
  try {
    // JWS ES256 is plain ECDSA over SHA-256 (RFC 7518 §3.4); issuers' signatures are not normalised to low S.
    return p256.verify(signature, message, concatBytes(Uint8Array.of(4), x, y), {
      prehash: true,
      lowS: false,
      format: 'compact',
    });
  } catch {
    return false;
  }
}

export function inspectShc(input: ShcInput, opts: ShcInspectOptions): ShcInspection {
  const isQr = 'qr' in input;
  const checks: Record<ShcCheck, boolean | null> = {
    prefix: null,
    numeric: null,
    jws: null,
    decompress: null,
    payload: null,
    signature: null,
    time: null,
  };
  const errors: ShcErrorCode[] = [];
  let payload: unknown = null;
  let claims: ShcClaims = {};
  let kid: string | undefined;
  let issuer: ShcIssuer | undefined;
  let rid: string | undefined;
  const report = (): ShcInspection => ({
    format: 'shc',
    valid:
      errors.length === 0 &&
      Object.entries(checks).every(
        ([k, c]) => c === true || (!isQr && c === null && (k === 'prefix' || k === 'numeric')),
      ),
    checks,
    errors,
    payload,
    claims,
    ...(kid === undefined ? {} : { kid }),
    ...(issuer === undefined ? {} : { issuer }),
    ...(rid === undefined ? {} : { rid }),
  });
  const fail = (check: ShcCheck, code: ShcErrorCode) => {
    checks[check] = false;
    errors.push(code);
  };

  let jwsText: string;
  if (isQr) {
    checks.prefix = input.qr.length > 0 && input.qr.every((t) => t.startsWith(SHC_PREFIX));
    if (!checks.prefix) {
      errors.push('SHC_PREFIX_MISSING');
      return report();
    }
    if (input.qr.reduce((n, t) => n + t.length, 0) > MAX_SHC_TEXT * 2) {
      fail('numeric', 'SHC_NUMERIC_INVALID');
      return report();
    }
    const assembled = assembleShcTexts(input.qr);
    if (!assembled.ok) {
      fail('numeric', assembled.error.code as ShcErrorCode);
      return report();
    }
    checks.numeric = true;
    jwsText = assembled.value;
  } else {
    jwsText = input.jws;
  }

  const parsed = jwsText.length <= MAX_SHC_TEXT ? parseShcJws(jwsText) : undefined;
  if (!parsed?.ok) {
    fail('jws', 'SHC_JWS_INVALID');
    return report();
  }
  const jws = parsed.value;
  kid = jws.kid;
  if (jws.headerProblem !== undefined) fail('jws', 'SHC_HEADER_INVALID');
  if (jws.signatureProblem !== undefined) fail('jws', 'SHC_SIGNATURE_FORMAT');
  if (checks.jws === null) checks.jws = true;

  const inflated = inflateRawCapped(jws.payload);
  if (!inflated.ok) {
    fail('decompress', inflated.code);
    return report();
  }
  checks.decompress = true;

  const text = fromUtf8(inflated.bytes);
  let json: unknown;
  try {
    json = text === undefined ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    payload = json;
    const p = json as Record<string, unknown>;
    const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
    const iss = typeof p.iss === 'string' ? p.iss : undefined;
    const nbf = num(p.nbf);
    const exp = num(p.exp);
    claims = {
      ...(iss === undefined ? {} : { iss }),
      ...(nbf === undefined ? {} : { nbf }),
      ...(exp === undefined ? {} : { exp }),
    };
    const vcRid = (p.vc as { rid?: unknown } | undefined)?.rid;
    if (typeof vcRid === 'string') rid = vcRid;
  }
  const schema = parseShcPayload(json);
  if (schema.ok) checks.payload = true;
  else fail('payload', 'SHC_PAYLOAD_INVALID');

  const found = verifySignature(jws, claims.iss, opts.issuers, fail);
  if (found) {
    checks.signature = true;
    issuer = found.issuer;
  }

  const { nbf, exp } = claims;
  if (nbf !== undefined) {
    // Written so that a clock that is not a number fails rather than passes.
    if (!(opts.at >= nbf)) fail('time', 'CERTIFICATE_NOT_YET_VALID');
    else if (exp !== undefined && opts.at > exp) fail('time', 'CERTIFICATE_EXPIRED');
    // The key must have been valid when the card was signed (its nbf, the card's issuance date).
    const key = found?.key;
    if (
      key &&
      ((key.notBefore !== undefined && nbf < key.notBefore) || (key.notAfter !== undefined && nbf > key.notAfter))
    )
      fail('time', 'SIGNER_EXPIRED');
    if (checks.time === null) checks.time = true;
  }

  if (found && nbf !== undefined && isRidRevoked(found.key.revokedRids, rid, nbf)) errors.push('CERTIFICATE_REVOKED');
  return report();
}

/** The issuer and key that verify, or undefined after recording why none does. */
function verifySignature(
  jws: ShcJws,
  iss: string | undefined,
  issuers: readonly ShcIssuer[],
  fail: (check: ShcCheck, code: ShcErrorCode) => void,
): { issuer: ShcIssuer; key: ShcIssuerKey } | undefined {
  // Only the keys of the card's own `iss`, only the one its kid names: a key of another issuer that happens to
  // verify is not trust in this issuer.
  const trusted = iss === undefined ? [] : issuers.filter((i) => i.iss === iss);
  if (trusted.length === 0) {
    fail('signature', 'SHC_ISSUER_UNKNOWN');
    return undefined;
  }
  const named = trusted.flatMap((issuer) =>
    issuer.keys.filter((k) => jws.kid !== undefined && k.kid === jws.kid).map((key) => ({ issuer, key })),
  );
  if (named.length === 0) {
    fail('signature', 'SHC_KEY_UNKNOWN');
    return undefined;
  }
  const found = named.find((n) => verifyEs256(n.key, jws.signingInput, jws.signature));
  if (!found) fail('signature', 'SIGNATURE_INVALID');
  return found;
}

/** A card that passed every check, mapped for the app; or the first error found (all in the detail). */
export function verifyShc(input: ShcInput, opts: ShcInspectOptions): Result<ShcCertificate> {
  const r = inspectShc(input, opts);
  const parsed = parseShcPayload(r.payload);
  if (!r.valid || !r.issuer || r.kid === undefined || !parsed.ok)
    return err(r.errors[0] ?? 'SHC_PAYLOAD_INVALID', r.errors.join(' '));
  return ok(certificateOfShc(parsed.value, r.issuer, r.kid));
}
