/**
 * Decoding and verifying the EU DCCs a phone holds (held-certificate.ts has the type). The `HC1:` text is
 * the source of truth: decoded for structure only when stored, read back or imported from a file, and
 * verified against the bundle's `dccSigners` and `dccRevocations` at `now` only where it counts
 * (eligibility), cached per bundle like Singgah signatures. Heavy (it pulls in dcc/): the app loads it lazily
 * (dcc-codec-load.ts), and it installs itself in dcc-codec.ts, where the synchronous core finds it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { BundlePayload, LocalizedText } from './bundle';
import { toHex, utf8 } from './bytes';
import {
  checkDccRules,
  type DccCertificate,
  type DccErrorCode,
  type DccFact,
  type DccHolder,
  dccRuleDescription,
  dccRuleNamed,
  inspectDcc,
  parseDccPayload,
  readDccDate,
  verifyDcc,
} from './dcc';
import { type CountedDcc, type DccCodec, type DccRuleRefusal, installDccCodec } from './dcc-codec';
import { err, ok, type Result } from './errors';
import { dccHolderKey, type HeldCertificate, type HeldDcc, isDcc } from './held-certificate';
import type { UnixSeconds } from './schema';

const KINDS = { v: 'vaccination', t: 'test', r: 'recovery' } as const;

/** Errors that say the text is not a well-formed DCC at all; the others depend on trust or time. */
const TRUST_ERRORS: ReadonlySet<DccErrorCode> = new Set([
  'SIGNER_UNKNOWN',
  'SIGNATURE_INVALID',
  'KEY_USAGE_MISMATCH',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_NOT_YET_VALID',
  'SIGNER_EXPIRED',
  'CERTIFICATE_REVOKED',
]);
const TIME_ERRORS: ReadonlySet<string> = new Set(['CERTIFICATE_EXPIRED', 'CERTIFICATE_NOT_YET_VALID']);

/** Structure only (no signer, no time): a text that passes is a DCC worth keeping; trust is decided later. */
export function decodeDcc(text: string): Result<HeldDcc> {
  const r = inspectDcc(text, { at: 0, signers: [] });
  const broken = r.errors.find((e) => !TRUST_ERRORS.has(e));
  if (broken) return err(broken);
  const parsed = parseDccPayload(r.payload);
  const { iat, exp } = r.claims;
  if (!parsed.ok) return err('DCC_SCHEMA_INVALID', parsed.detail);
  if (iat === undefined || exp === undefined) return err('CWT_CLAIMS_INVALID');
  const payload = parsed.value;
  const holder: DccHolder = { ...payload.nam, dob: payload.dob };
  return ok({
    format: 'eu-dcc',
    code: text,
    contentId: `dcc-${toHex(sha256(utf8(text)))}`,
    kind: KINDS[payload.v ? 'v' : payload.t ? 't' : 'r'],
    holder,
    holderKey: dccHolderKey(holder),
    payload,
    issuedAt: iat,
    expiresAt: exp,
  });
}

export type { CountedDccFact } from './dcc-codec';
export { decodeHeldCertificate } from './dcc-codec';

// The verifications a bundle gave, per DCC text: a family's decision at the door re-verifies nothing.
const verified = new WeakMap<BundlePayload, Map<string, Result<DccCertificate>>>();
const MAX_CACHED_PER_BUNDLE = 2048;

/**
 * A DCC checked against the bundle's DCC signers and revocations at `now` (`iat ≤ now ≤ exp`), then against
 * its EU acceptance rules in force at `now` (core/dcc/rules.ts): one that fails a rule is refused like one
 * that does not verify (`DCC_RULE_FAILED`/`DCC_RULE_ERROR`, the rule's Identifier as detail). Signature
 * results are cached per bundle by text; a result that depends on `now` is kept only when it passed, and its
 * time window is checked again on every hit. Rules are evaluated on every call: they depend on `now`.
 */
export function verifyHeldDcc(text: string, bundle: BundlePayload, now: UnixSeconds): Result<DccCertificate> {
  const verified = verifySignedDcc(text, bundle, now);
  if (!verified.ok) return verified;
  const { payload, issuedAt: iat, expiresAt: exp } = verified.value;
  const accepted = checkDccRules({ payload, claims: { iat, exp } }, bundle, now);
  return accepted.ok ? verified : accepted;
}

/** Signature, key usage, revocation and time, without the EU acceptance rules (those depend on `now` alone). */
function verifySignedDcc(text: string, bundle: BundlePayload, now: UnixSeconds): Result<DccCertificate> {
  const cache = verified.get(bundle) ?? new Map<string, Result<DccCertificate>>();
  verified.set(bundle, cache);
  const hit = cache.get(text);
  if (hit?.ok) {
    if (now < hit.value.issuedAt) return err('CERTIFICATE_NOT_YET_VALID');
    if (now > hit.value.expiresAt) return err('CERTIFICATE_EXPIRED');
    return hit;
  }
  if (hit) return hit;
  const r = verifyDcc(text, {
    at: now,
    signers: bundle.dccSigners ?? [],
    ...(bundle.dccRevocations ? { revocations: bundle.dccRevocations } : {}),
  });
  if (r.ok || !(r.error.detail ?? '').split(' ').some((code) => TIME_ERRORS.has(code))) {
    if (cache.size >= MAX_CACHED_PER_BUNDLE) cache.clear();
    cache.set(text, r);
  }
  return r;
}

/**
 * The EU acceptance rules that refused a person's otherwise verified DCCs at `now`, once per rule, with the
 * rule's description (Indonesian, else English, else its first; prefixed with its Identifier) when the bundle
 * still has it — for the reasons of a refusal at the door.
 */
export function dccRuleRefusals(
  certs: readonly HeldCertificate[],
  bundle: BundlePayload,
  now: UnixSeconds,
): DccRuleRefusal[] {
  const out = new Map<string, LocalizedText | undefined>();
  for (const c of certs) {
    if (!isDcc(c)) continue;
    const r = verifyHeldDcc(c.code, bundle, now);
    if (r.ok || !r.error.code.startsWith('DCC_RULE_') || r.error.detail === undefined || out.has(r.error.detail))
      continue;
    const rule = dccRuleNamed(bundle.dccRules, r.error.detail, c.payload, now);
    out.set(
      r.error.detail,
      rule && {
        id: `${rule.Identifier}: ${dccRuleDescription(rule, 'id')}`,
        en: `${rule.Identifier}: ${dccRuleDescription(rule, 'en')}`,
      },
    );
  }
  return [...out].map(([ruleId, text]) => (text ? { ruleId, text } : { ruleId }));
}

const DAY = 86_400;
const dayStart = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

/**
 * The fact a verified DCC gives at `now`, in the shape eligibility's facts take; null when it gives none
 * (an unknown code, a recovery outside its `df`…`du` days, both inclusive).
 */
export function dccFactAt(cert: DccCertificate, now: UnixSeconds): DccFact | null {
  const fact = cert.fact;
  if (fact?.kind !== 'recovery') return fact;
  const from = readDccDate(fact.validFrom);
  const until = readDccDate(fact.validUntil);
  if (from === undefined || until === undefined) return null;
  return now >= dayStart(from) && now < dayStart(until) + DAY ? fact : null;
}

/** End of a DCC recovery's last valid day, Unix seconds (what the rules see as `recovery.validUntil`). */
const recoveryEnd = (fact: Extract<DccFact, { kind: 'recovery' }>): UnixSeconds => dayStart(fact.validUntil) + DAY - 1;

/** A verified positive test counts whatever the acceptance rules say: they decide what a DCC proves in its
 * holder's favour, and an EU rule "the result must be negative" must not hide an infection from the status. */
const isPositiveTest = (cert: DccCertificate) => cert.fact?.kind === 'test' && cert.fact.result === 'pos';

/**
 * The DCCs among a person's certificates that count at `now` — verified against the bundle (cached) and
 * accepted by its EU rules, with a fact the mapping knows — each with that fact. Used by the decision and
 * by the pass alike.
 */
export function countedDccs(certs: readonly HeldCertificate[], bundle: BundlePayload, now: UnixSeconds): CountedDcc[] {
  return certs.flatMap((c) => {
    if (!isDcc(c)) return [];
    let verified = verifyHeldDcc(c.code, bundle, now);
    if (!verified.ok && verified.error.code.startsWith('DCC_RULE_')) {
      const signed = verifySignedDcc(c.code, bundle, now);
      if (signed.ok && isPositiveTest(signed.value)) verified = signed;
    }
    const fact = verified.ok ? dccFactAt(verified.value, now) : null;
    if (!fact) return [];
    return [{ held: c, fact: fact.kind === 'recovery' ? { ...fact, expiresAt: recoveryEnd(fact) } : fact }];
  });
}

export const dccCodec: DccCodec = { decodeDcc, verifyHeldDcc, countedDccs, dccRuleRefusals };
installDccCodec(dccCodec);
