/**
 * Decoding and verifying the SMART Health Cards a phone holds (held-certificate.ts has the type), as
 * held-dcc.ts does for EU DCCs: the `shc:/` text(s) are the source of truth, decoded for structure only when
 * stored, read back or imported, and verified against the bundle's `shcIssuers` at `now` where it counts
 * (eligibility, the pass, guard mode), cached per bundle. Heavy (shc/: P-256, inflate, the schema): the app
 * loads it lazily (dcc-codec-load.ts `loadShcCodec`), and it installs itself in dcc-codec.ts.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { BundlePayload } from './bundle';
import { toHex, utf8 } from './bytes';
import { type CountedShc, installShcCodec, type ShcCodec } from './dcc-codec';
import { err, ok, type Result } from './errors';
import { type HeldCertificate, type HeldShc, isShc, shcHolderKey } from './held-certificate';
import type { UnixSeconds } from './schema';
import {
  addShcChunk,
  inspectShc,
  parseShcPayload,
  readShcContents,
  type ShcCertificate,
  type ShcChunkSet,
  type ShcErrorCode,
  shcInputOf,
  verifyShc,
} from './shc';

/** Errors that depend on trust or time; any other says the text is not a well-formed card at all. */
const TRUST_ERRORS: ReadonlySet<ShcErrorCode> = new Set([
  'SHC_ISSUER_UNKNOWN',
  'SHC_KEY_UNKNOWN',
  'SIGNATURE_INVALID',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_NOT_YET_VALID',
  'SIGNER_EXPIRED',
  'CERTIFICATE_REVOKED',
]);
const TIME_ERRORS: ReadonlySet<string> = new Set(['CERTIFICATE_EXPIRED', 'CERTIFICATE_NOT_YET_VALID']);

/** The card's QR texts in part order (a paste may list chunks in any order), or why they are not one card. */
function orderedTexts(code: string): Result<readonly string[]> {
  const texts = code.trim().split(/\r?\n/);
  let set: ShcChunkSet | undefined;
  for (const [i, text] of texts.entries()) {
    const r = addShcChunk(set, text.trim());
    if (!r.ok) return r;
    if (r.value.kind === 'complete')
      return i === texts.length - 1
        ? ok(r.value.texts)
        : err('SHC_CHUNK_INVALID', 'more texts than the card has parts');
    set = r.value.set;
  }
  return err('SHC_CHUNK_MISSING', set ? `missing part(s) of ${set.total}` : 'no text');
}

/**
 * Structure only (no issuer, no time): texts that pass are a card worth keeping; trust is decided later. The
 * held `code` is the texts in part order, one per line, so the pass shows the parts as the issuer numbered them.
 */
export function decodeShc(code: string): Result<HeldShc> {
  const texts = orderedTexts(code);
  if (!texts.ok) return texts;
  const r = inspectShc({ qr: texts.value }, { at: 0, issuers: [] });
  const broken = r.errors.find((e) => !TRUST_ERRORS.has(e));
  if (broken) return err(broken);
  const parsed = parseShcPayload(r.payload);
  if (!parsed.ok) return err('SHC_PAYLOAD_INVALID', parsed.detail);
  const payload = parsed.value;
  const { holder, immunizations, labResults } = readShcContents(payload);
  const jws = texts.value.map((t) => t.replace(/^shc:\/(\d+\/\d+\/)?/, '')).join('');
  return ok({
    format: 'shc',
    code: texts.value.join('\n'),
    contentId: `shc-${toHex(sha256(utf8(jws)))}`,
    kind: immunizations.length > 0 || labResults.length === 0 ? 'vaccination' : 'test',
    holder,
    holderKey: shcHolderKey(holder),
    iss: payload.iss,
    issuedAt: Math.floor(payload.nbf),
    ...(payload.exp === undefined ? {} : { expiresAt: Math.floor(payload.exp) }),
    immunizations,
    labResults,
  });
}

// The verifications a bundle gave, per card text: a family's decision at the door re-verifies nothing.
const verified = new WeakMap<BundlePayload, Map<string, Result<ShcCertificate>>>();
const MAX_CACHED_PER_BUNDLE = 2048;

/**
 * A card checked against the bundle's trusted issuers at `now` (signature, `nbf` ≤ now ≤ `exp`, the key's
 * validity, revoked `rid`s). Cached per bundle by text; a result that depends on `now` is kept only when it
 * passed, and its time window is checked again on every hit.
 */
export function verifyHeldShc(code: string, bundle: BundlePayload, now: UnixSeconds): Result<ShcCertificate> {
  const cache = verified.get(bundle) ?? new Map<string, Result<ShcCertificate>>();
  verified.set(bundle, cache);
  const hit = cache.get(code);
  if (hit?.ok) {
    if (now < hit.value.issuedAt) return err('CERTIFICATE_NOT_YET_VALID');
    if (hit.value.expiresAt !== undefined && now > hit.value.expiresAt) return err('CERTIFICATE_EXPIRED');
    return hit;
  }
  if (hit) return hit;
  const r = verifyShc(shcInputOf(code), { at: now, issuers: bundle.shcIssuers ?? [] });
  if (r.ok || !(r.error.detail ?? '').split(' ').some((c) => TIME_ERRORS.has(c))) {
    if (cache.size >= MAX_CACHED_PER_BUNDLE) cache.clear();
    cache.set(code, r);
  }
  return r;
}

/**
 * The cards among `certs` that count at `now` — verified against the bundle (cached) — one entry per fact
 * each gives (every counted dose, every final lab result). Used by the decision and by the pass alike.
 */
export function countedShcs(certs: readonly HeldCertificate[], bundle: BundlePayload, now: UnixSeconds): CountedShc[] {
  return certs.flatMap((c) => {
    if (!isShc(c)) return [];
    const r = verifyHeldShc(c.code, bundle, now);
    return r.ok ? r.value.facts.map((fact) => ({ held: c, fact })) : [];
  });
}

export const shcCodec: ShcCodec = { decodeShc, verifyHeldShc, countedShcs };
installShcCodec(shcCodec);
