/**
 * Who may enter: status rules (first match wins) give each person a colour, then the entry rules
 * for the venue's category decide ALLOWED / DENIED. Everything that stops us knowing — no bundle,
 * stale bundle, clock behind trusted time, unknown category, a rule that fails to evaluate —
 * gives CANNOT_VERIFY. Rules are CertLogic, evaluated by the EU reference evaluator.
 */
import { evaluate } from 'certlogic-js';
import type { BundlePayload, EntryRule, LocalizedText, Status, StatusRule } from './bundle';
import { type SignedCertificate, verifyCertificate } from './certificate';
import {
  type CountedDcc,
  type CountedDccFact,
  type CountedShc,
  installedDccCodec,
  installedShcCodec,
} from './dcc-codec';
import { type HeldCertificate, isDcc, isForeign, isShc } from './held-certificate';
import { entryRuleData, type PersonFacts, provinceOf, statusRuleData } from './rule-data';
import { type RulesCauseCode, rulesCause } from './rules-cause';
import type { UnixSeconds } from './schema';
import { suspendedUntil } from './suspension';
import type { Venue } from './venue';
import { compareVersions } from './version';

export type Outcome = 'ALLOWED' | 'DENIED' | 'CANNOT_VERIFY';

export type ReasonCode =
  | 'NO_BUNDLE'
  | 'BUNDLE_STALE'
  | 'CLOCK_BEHIND'
  | 'APP_TOO_OLD'
  | 'UNKNOWN_CATEGORY'
  | 'NO_RULES'
  | 'RULE_ERROR'
  | 'RULE_FAILED'
  | 'SUSPENDED'
  | 'CLOCK_AHEAD'
  | 'DCC_NOT_ACCEPTED';

export interface Reason {
  readonly code: ReasonCode;
  readonly ruleId?: string;
  /** SUSPENDED: when the health office's suspension ends. */
  readonly until?: UnixSeconds;
  /** Wording from the signed rule, so the authority changes text without an app release. */
  readonly text?: LocalizedText;
}

export interface PersonDecision {
  readonly outcome: Outcome;
  readonly status?: Status;
  readonly reasons: readonly Reason[];
}

export interface DecisionContext {
  readonly bundle: BundlePayload | undefined;
  readonly now: UnixSeconds;
  /** Highest time vouched for by something signed (bundle issuedAt, verified server time). */
  readonly trustedTime: UnixSeconds;
  readonly appVersion: string;
  /** The server's clock minus the phone's, from the last rules download's `Date` header (rules-cause.ts). */
  readonly serverOffset?: number;
}

/** What the phone knows about a person besides certificates. */
export interface PersonExtras {
  /** Times of exposures the person confirmed (from matched notices). */
  readonly confirmedExposures?: readonly UnixSeconds[];
}

const iso = (t: UnixSeconds) => new Date(t * 1000).toISOString();

const latest = <T>(items: readonly T[], key: (t: T) => number): T | undefined =>
  items.reduce<T | undefined>((best, x) => (best === undefined || key(x) > key(best) ? x : best), undefined);

/** Verified, currently valid Singgah certificates only; everything else is ignored for decisions. */
export function validCertificates(
  certs: readonly HeldCertificate[],
  bundle: BundlePayload,
  now: UnixSeconds,
): SignedCertificate[] {
  return certs.filter((c): c is SignedCertificate => !isForeign(c) && verifyCertificate(c, bundle, now).ok);
}

/** A foreign certificate that counts at `now` and a fact it gives: a DCC's one, or one of a card's. */
export type CountedForeign = CountedDcc | CountedShc;

/**
 * The DCCs and SMART Health Cards among `certs` that count at `now` (held-dcc.ts countedDccs, held-shc.ts
 * countedShcs, through the lazily loaded codecs). Undefined when there is a DCC or card but not its codec —
 * impossible in the app, as only a codec makes its held type; the decision then says it cannot verify rather
 * than decide without them.
 */
export function countedForeignOf(
  certs: readonly HeldCertificate[],
  bundle: BundlePayload,
  now: UnixSeconds,
): CountedForeign[] | undefined {
  const dccs = certs.some(isDcc) ? installedDccCodec()?.countedDccs(certs, bundle, now) : [];
  const shcs = certs.some(isShc) ? installedShcCodec()?.countedShcs(certs, bundle, now) : [];
  return dccs && shcs ? [...dccs, ...shcs] : undefined;
}

/** A certificate's fact, whichever format proved it (a foreign one's only when it verifies: countedForeignOf). */
type FactSource = SignedCertificate['certificate'] | CountedDccFact;

export function factsOf(
  valid: readonly SignedCertificate[],
  homeRegion: string,
  now: UnixSeconds,
  extras: PersonExtras = {},
  dccFacts: readonly CountedDccFact[] = [],
): PersonFacts {
  const certs: FactSource[] = [...valid.map((s) => s.certificate), ...dccFacts];
  const today = iso(now).slice(0, 10);
  const vaccinations = certs.flatMap((c) => (c.kind === 'vaccination' && c.date <= today ? [c] : []));
  // Highest dose wins; among equal doses the most recent one.
  const vac = latest(vaccinations, (c) => c.dose * 1e9 + Date.parse(c.date) / 1000);
  const tests = certs.flatMap((c) => (c.kind === 'test' && c.sampleTime <= now ? [c] : []));
  const pick = (f: (t: (typeof tests)[number]) => boolean) => {
    const t = latest(tests.filter(f), (x) => x.sampleTime);
    return t ? { sampleTime: iso(t.sampleTime) } : null;
  };
  const exposure = latest(
    (extras.confirmedExposures ?? []).filter((t) => t <= now),
    (t) => t,
  );
  const rec = latest(
    certs.flatMap((c) => (c.kind === 'recovery' ? [c] : [])),
    (c) => c.expiresAt,
  );
  return {
    homeProvince: provinceOf(homeRegion),
    vaccination: vac ? { dose: vac.dose, doses: vac.doses, date: vac.date, product: vac.product } : null,
    latestNegativePcr: pick((t) => t.testType === 'pcr' && t.result === 'neg'),
    latestNegativeAntigen: pick((t) => t.testType === 'antigen' && t.result === 'neg'),
    latestPositive: pick((t) => t.result === 'pos'),
    recovery: rec ? { firstPositiveDate: rec.firstPositiveDate, validUntil: iso(rec.expiresAt) } : null,
    confirmedExposure: exposure === undefined ? null : { at: iso(exposure) },
  };
}

type Evaluated = { ok: true; value: boolean } | { ok: false };

function run(logic: unknown, data: unknown): Evaluated {
  try {
    // certlogic-js's types admit only its expression type; the schema already validated `logic`.
    const value = evaluate(logic as Parameters<typeof evaluate>[0], data);
    if (value === true || value === false) return { ok: true, value };
    return { ok: false };
  } catch {
    return { ok: false };
  }
}

const REASON_OF_CAUSE: Record<RulesCauseCode, ReasonCode> = {
  CLOCK_AHEAD: 'CLOCK_AHEAD',
  CLOCK_BEHIND: 'CLOCK_BEHIND',
  RULES_EXPIRED: 'BUNDLE_STALE',
  NEVER_SYNCED: 'NO_BUNDLE',
};

/**
 * Why no status can be known at all: checks that do not depend on a venue. A too-old app first (nothing it
 * decides counts); then the cause rules-cause.ts names, so decisions and the screen's advice agree.
 */
function blockingStatusReason(ctx: DecisionContext): Reason | undefined {
  if (ctx.bundle && compareVersions(ctx.appVersion, ctx.bundle.minAppVersion) < 0) return { code: 'APP_TOO_OLD' };
  const cause = rulesCause(ctx);
  return cause && { code: REASON_OF_CAUSE[cause.code] };
}

/** Why no decision can be made at a venue (same for every person), or undefined when one can. */
export function blockingReason(ctx: DecisionContext, venue: Venue): Reason | undefined {
  const blocked = blockingStatusReason(ctx);
  if (blocked) return blocked;
  if (!ctx.bundle?.categories.some((c) => c.code === venue.category)) return { code: 'UNKNOWN_CATEGORY' };
  return undefined;
}

/**
 * Entry rules in force at `now` for a category. Several versions of one rule id may be shipped ahead
 * (CertLogic's ValidFrom staging): the in-force version with the latest validFrom wins.
 */
export function rulesInForce(rules: readonly EntryRule[], category: string, now: UnixSeconds): EntryRule[] {
  const byId = new Map<string, EntryRule>();
  for (const r of rules) {
    if (!(r.categories.includes('*') || r.categories.includes(category))) continue;
    if (now < r.validFrom || now >= r.validTo) continue;
    const seen = byId.get(r.id);
    if (!seen || r.validFrom > seen.validFrom) byId.set(r.id, r);
  }
  return [...byId.values()];
}

export interface PersonStatus {
  /** Undefined when it cannot be known (see `reasons`). */
  readonly status?: Status;
  /** The status rule that matched: its description says why, in the authority's words. */
  readonly rule?: StatusRule;
  readonly facts?: PersonFacts;
  readonly reasons: readonly Reason[];
  /** Set while the health office suspends one of the person's certificates: black until then, whatever the rules. */
  readonly suspendedUntil?: UnixSeconds;
}

/**
 * A person's colour, independent of any venue: black while the bundle lists one of their valid certificates as
 * suspended, else the bundle's status rules, first match wins (none: red).
 */
export function statusOf(
  certs: readonly HeldCertificate[],
  homeRegion: string,
  ctx: DecisionContext,
  extras: PersonExtras = {},
): PersonStatus {
  const blocked = blockingStatusReason(ctx);
  if (blocked || !ctx.bundle) return { reasons: [blocked ?? { code: 'NO_BUNDLE' }] };
  const valid = validCertificates(certs, ctx.bundle, ctx.now);
  const foreign = countedForeignOf(certs, ctx.bundle, ctx.now);
  if (!foreign) return { reasons: [{ code: 'RULE_ERROR' }] };
  const facts = factsOf(
    valid,
    homeRegion,
    ctx.now,
    extras,
    foreign.map((d) => d.fact),
  );
  const until = suspendedUntil(valid, ctx.bundle.suspensions, ctx.now);
  if (until !== undefined) return { status: 'black', facts, reasons: [], suspendedUntil: until };
  const data = statusRuleData(iso(ctx.now), facts);
  for (const rule of ctx.bundle.statusRules) {
    const r = run(rule.logic, data);
    if (!r.ok) return { reasons: [{ code: 'RULE_ERROR', ruleId: rule.id }] };
    if (r.value) return { status: rule.status, rule, facts, reasons: [] };
  }
  return { status: 'red', facts, reasons: [] };
}

export function decidePerson(
  certs: readonly HeldCertificate[],
  homeRegion: string,
  venue: Venue,
  ctx: DecisionContext,
  extras: PersonExtras = {},
): PersonDecision {
  const blocked = blockingReason(ctx, venue);
  if (blocked || !ctx.bundle) return { outcome: 'CANNOT_VERIFY', reasons: [blocked ?? { code: 'NO_BUNDLE' }] };
  const { status, facts, reasons, suspendedUntil: until } = statusOf(certs, homeRegion, ctx, extras);
  if (!status || !facts) return { outcome: 'CANNOT_VERIFY', reasons };

  const rules = rulesInForce(ctx.bundle.entryRules, venue.category, ctx.now);
  if (rules.length === 0) return { outcome: 'CANNOT_VERIFY', status, reasons: [{ code: 'NO_RULES' }] };
  const data = entryRuleData(iso(ctx.now), facts, status, venue);
  const failed: Reason[] = [];
  for (const rule of rules) {
    const r = run(rule.logic, data);
    if (!r.ok) return { outcome: 'CANNOT_VERIFY', status, reasons: [{ code: 'RULE_ERROR', ruleId: rule.id }] };
    if (!r.value) failed.push({ code: 'RULE_FAILED', ruleId: rule.id, text: rule.description });
  }
  // A refusal of a suspended person says so first: the health office's word, with its end.
  if (failed.length > 0 && until !== undefined) failed.unshift({ code: 'SUSPENDED', until });
  // And why an EU DCC the person holds did not help: the acceptance rule it failed, in the rule's words.
  if (failed.length > 0)
    for (const r of installedDccCodec()?.dccRuleRefusals(certs, ctx.bundle, ctx.now) ?? [])
      failed.push({ code: 'DCC_NOT_ACCEPTED', ruleId: r.ruleId, ...(r.text ? { text: r.text } : {}) });
  return failed.length > 0
    ? { outcome: 'DENIED', status, reasons: failed }
    : { outcome: 'ALLOWED', status, reasons: [] };
}
