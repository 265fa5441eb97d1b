/**
 * EU DCC acceptance rules (the EU gateway's business-rule format, carried in the bundle's `dccRules`),
 * evaluated with certlogic-js on the EU data shape
 * `{payload, external: {validationClock, valueSets, countryCode, exp, iat}}` so rules written for EU
 * verifiers run unchanged. Pure: the time is a parameter. Which rules apply at `at`: Type `Acceptance`, the
 * bundle's acceptance country, CertificateType `General` or the DCC's type, and per Identifier the highest
 * Version whose ValidFrom…ValidTo (both inclusive) holds `at`. A DCC passes only when every one of them
 * evaluates to exactly `true`; `false` fails it, and anything else (a throw, a non-boolean) is an error that
 * refuses it too — never an acceptance.
 */
import { evaluate } from 'certlogic-js';
import type { DccValueSets, EuDccRule, EuDccRules } from '../bundle';
import { err, ok, type Result } from '../errors';
import type { UnixSeconds } from '../schema';
import { compareVersions } from '../version';
import type { DccPayload } from './schema';
import { typeOf } from './schema';
import type { DccClaims, DccType } from './types';
import { euValueSets } from './value-sets';

const CERTIFICATE_TYPE: Readonly<Record<DccType, EuDccRule['CertificateType']>> = {
  v: 'Vaccination',
  t: 'Test',
  r: 'Recovery',
};

/** Unix seconds of an EU rule time (the bundle schema admits only parseable ISO 8601 with an offset). */
const secondsOf = (iso: string) => Date.parse(iso) / 1000;

/** ISO 8601 in UTC, as EU verifiers pass times to rules. */
const isoOf = (t: UnixSeconds) => new Date(t * 1000).toISOString();

/** The rules that apply to a DCC of `type` at `at`: one version per Identifier, the newest in force. */
export function dccRulesInForce(rules: EuDccRules | undefined, type: DccType, at: UnixSeconds): EuDccRule[] {
  const newest = new Map<string, EuDccRule>();
  for (const rule of rules?.rules ?? []) {
    if (rule.Type !== 'Acceptance' || rule.Country !== rules?.country) continue;
    if (rule.CertificateType !== 'General' && rule.CertificateType !== CERTIFICATE_TYPE[type]) continue;
    if (at < secondsOf(rule.ValidFrom) || at > secondsOf(rule.ValidTo)) continue;
    const seen = newest.get(rule.Identifier);
    if (!seen || compareVersions(rule.Version, seen.Version) > 0) newest.set(rule.Identifier, rule);
  }
  return [...newest.values()];
}

export interface DccRuleInput {
  readonly payload: DccPayload;
  readonly claims: Required<Pick<DccClaims, 'iat' | 'exp'>>;
}

/** The data an EU rule sees (the EU validation rules' "external parameters"). */
export function dccRuleData(
  input: DccRuleInput,
  country: string,
  valueSets: DccValueSets | undefined,
  at: UnixSeconds,
): unknown {
  return {
    payload: input.payload,
    external: {
      validationClock: isoOf(at),
      valueSets: euValueSets(valueSets),
      countryCode: country,
      exp: isoOf(input.claims.exp),
      iat: isoOf(input.claims.iat),
    },
  };
}

/** One rule on the data: true, false, or undefined when it throws or gives anything but a boolean. */
function run(rule: EuDccRule, data: unknown): boolean | undefined {
  try {
    // certlogic-js's types admit only its expression type; the bundle schema already validated `Logic`.
    const value = evaluate(rule.Logic as Parameters<typeof evaluate>[0], data);
    return typeof value === 'boolean' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Check a verified DCC against the bundle's EU acceptance rules at `at`. Fails with `DCC_RULE_FAILED` (the
 * first rule that gave false) or `DCC_RULE_ERROR` (one that could not be evaluated); the detail is the rule's
 * Identifier. Errors first: a rule that cannot be evaluated is reported even when another one failed.
 */
export function checkDccRules(
  input: DccRuleInput,
  bundle: { readonly dccRules?: EuDccRules; readonly dccValueSets?: DccValueSets },
  at: UnixSeconds,
): Result<void> {
  const rules = dccRulesInForce(bundle.dccRules, typeOf(input.payload), at);
  if (rules.length === 0 || !bundle.dccRules) return ok(undefined);
  const data = dccRuleData(input, bundle.dccRules.country, bundle.dccValueSets, at);
  let failed: EuDccRule | undefined;
  for (const rule of rules) {
    const result = run(rule, data);
    if (result === undefined) return err('DCC_RULE_ERROR', rule.Identifier);
    if (!result) failed ??= rule;
  }
  return failed ? err('DCC_RULE_FAILED', failed.Identifier) : ok(undefined);
}

/** A rule's description for people: the one in `lang`, else English, else the first. */
export function dccRuleDescription(rule: EuDccRule, lang: string): string {
  const pick = (l: string) => rule.Description.find((d) => d.lang === l)?.desc;
  return pick(lang) ?? pick('en') ?? rule.Description[0].desc;
}

/**
 * The rule a `DCC_RULE_FAILED`/`DCC_RULE_ERROR` detail names, in force at `at` for this DCC (the version
 * that was evaluated); undefined when the bundle has no such rule.
 */
export function dccRuleNamed(
  rules: EuDccRules | undefined,
  identifier: string | undefined,
  payload: DccPayload,
  at: UnixSeconds,
): EuDccRule | undefined {
  return dccRulesInForce(rules, typeOf(payload), at).find((r) => r.Identifier === identifier);
}
