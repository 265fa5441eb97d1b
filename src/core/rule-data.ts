/**
 * The data CertLogic rules see (docs/FORMATS.md, "Rule data"), built here and nowhere else, next to the
 * list of paths a rule may read. A `var` naming anything else would evaluate as null — a misspelled
 * `person.latestPositiv` makes a positive person green — so bundles whose rules read an unlisted path are
 * refused by `bundle sign` and by every phone (bundle.ts).
 */
import { err, ok, type Result } from './errors';

/** Facts handed to CertLogic; dates are ISO strings as CertLogic's plusTime expects. */
export interface PersonFacts {
  readonly homeProvince: string;
  readonly vaccination: { dose: number; doses: number; date: string; product: string } | null;
  readonly latestNegativePcr: { sampleTime: string } | null;
  readonly latestNegativeAntigen: { sampleTime: string } | null;
  readonly latestPositive: { sampleTime: string } | null;
  readonly recovery: { firstPositiveDate: string; validUntil: string } | null;
  /** Latest exposure notice the person confirmed on the phone (their visit overlapped a case). */
  readonly confirmedExposure: { at: string } | null;
}

export const provinceOf = (region: string) => region.slice(0, 2);

/** What status rules evaluate against; `now` is ISO 8601. */
export const statusRuleData = (now: string, person: PersonFacts) => ({ now, person });

/** What entry rules evaluate against: the person's facts with their status, and the venue. */
export const entryRuleData = (
  now: string,
  facts: PersonFacts,
  status: string,
  venue: { readonly category: string; readonly region: string },
) => ({
  now,
  person: { ...facts, status },
  venue: { category: venue.category, province: provinceOf(venue.region), region: venue.region },
});

/** Every path status rules may read, intermediate objects included (a rule may test `person.vaccination`). */
export const STATUS_RULE_VARS = [
  'now',
  'person',
  'person.homeProvince',
  'person.vaccination',
  'person.vaccination.dose',
  'person.vaccination.doses',
  'person.vaccination.date',
  'person.vaccination.product',
  'person.latestNegativePcr',
  'person.latestNegativePcr.sampleTime',
  'person.latestNegativeAntigen',
  'person.latestNegativeAntigen.sampleTime',
  'person.latestPositive',
  'person.latestPositive.sampleTime',
  'person.recovery',
  'person.recovery.firstPositiveDate',
  'person.recovery.validUntil',
  'person.confirmedExposure',
  'person.confirmedExposure.at',
] as const;

/** Entry rules also see the person's status and the venue. */
export const ENTRY_RULE_VARS = [
  ...STATUS_RULE_VARS,
  'person.status',
  'venue',
  'venue.category',
  'venue.province',
  'venue.region',
] as const;

/** Inside a `reduce` lambda, `var` reads the lambda's own data, never the rule data. */
const REDUCE_VAR = /^(?:current|accumulator)(?:\.|$)/;

/**
 * The first `var` path in CertLogic `logic` that `allowed` does not list, or undefined when every one is
 * listed. Recursive: callers have already capped the nesting depth (rule-logic.ts MAX_LOGIC_DEPTH).
 */
export function unknownRuleVar(logic: unknown, allowed: readonly string[], inReduce = false): string | undefined {
  if (Array.isArray(logic)) {
    for (const item of logic) {
      const found = unknownRuleVar(item, allowed, inReduce);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (logic === null || typeof logic !== 'object') return undefined;
  for (const [op, operand] of Object.entries(logic)) {
    if (op === 'var') {
      const path = typeof operand === 'string' ? operand : JSON.stringify(operand);
      if (!(inReduce && REDUCE_VAR.test(path)) && !allowed.includes(path)) return path;
    } else if (op === 'reduce' && Array.isArray(operand)) {
      const [list, lambda, initial] = operand;
      const found =
        unknownRuleVar(list, allowed, inReduce) ??
        unknownRuleVar(lambda, allowed, true) ??
        unknownRuleVar(initial, allowed, inReduce);
      if (found !== undefined) return found;
    } else {
      const found = unknownRuleVar(operand, allowed, inReduce);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

interface Rule {
  readonly id: string;
  readonly logic: unknown;
}

/** RULE_VAR_UNKNOWN naming the rule and the path, for the first rule that reads outside the rule data. */
export function checkRuleVars(rules: {
  readonly statusRules: readonly Rule[];
  readonly entryRules: readonly Rule[];
}): Result<true> {
  const lists = [
    ['statusRules', rules.statusRules, STATUS_RULE_VARS],
    ['entryRules', rules.entryRules, ENTRY_RULE_VARS],
  ] as const;
  for (const [field, list, allowed] of lists) {
    for (const [i, rule] of list.entries()) {
      const path = unknownRuleVar(rule.logic, allowed);
      if (path !== undefined) return err('RULE_VAR_UNKNOWN', `${field}.${i} (${rule.id}): var "${path}"`);
    }
  }
  return ok(true);
}
