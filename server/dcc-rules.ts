/**
 * EU DCC business rules and value sets the authority puts into its bundle (`dccRules`, `dccValueSets`):
 * read from the EU formats, checked with the same schemas phones check the bundle with (core/bundle.ts), and
 * kept in the data directory until the next bundle is signed.
 *
 * - Rules: the EU gateway's business-rule JSON (one rule or an array). Only `Acceptance` rules of the
 *   acceptance country (default ID) are kept; others are skipped and listed. A rule whose shape or CertLogic
 *   is invalid refuses the whole import with its reason. Every version is kept: phones pick the newest in
 *   force at the decision time (core/dcc/rules.ts).
 * - Value sets: the EU value-set files (`{valueSetId, valueSetDate, valueSetValues: {code: {display, …}}}`),
 *   compacted to code → display. A set replaces the stored set of the same id.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate as validateCertLogic } from 'certlogic-js/dist/validation/index.js';
import * as v from 'valibot';
import type { BundlePayload, DccValueSets, EuDccRule } from '../src/core/bundle';
import { dccValueSetsSchema, euRuleSchema, MAX_DCC_RULES } from '../src/core/bundle-dcc';
import { NOT_CERTLOGIC } from '../src/core/rule-logic';
import { AuthorityError } from './errors';
import { writeFileAtomic } from './keys';

/** A rule or value-set file larger than this is not one (a country's whole rule list is ~200 KB). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** The EU value sets the demo authority carries (server/demo/eu-dcc-valuesets, Apache-2.0, see SOURCE.md). */
export const DEMO_VALUE_SETS_DIR = fileURLToPath(new URL('./demo/eu-dcc-valuesets', import.meta.url));

/** `{"version": 1, "country": "ID", "rules": [EU rule…]}`: public (every bundle carries them). */
export const dccRulesPath = (dataDir: string) => join(dataDir, 'dcc-rules.json');
/** `{"version": 1, "valueSets": {id: {code: display}}}`: public too. */
export const dccValueSetsPath = (dataDir: string) => join(dataDir, 'dcc-value-sets.json');

const invalid = (what: string, message: string) => new AuthorityError('DCC_RULE_INVALID', `${what}: ${message}`);

function readJson(path: string): unknown {
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw invalid(path, `larger than ${MAX_FILE_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof AuthorityError) throw e;
    throw new AuthorityError('INPUT_INVALID', `cannot read ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(path, 'not JSON');
  }
}

/** The first schema issue as "Field.sub: message". */
function issueText(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') || '(rule)';
  return `${path}: ${issue.message}`;
}

// ---------------------------------------------------------------- rules

export interface StoredRules {
  readonly country: string;
  readonly rules: readonly EuDccRule[];
}

export interface ReadRules {
  readonly rules: EuDccRule[];
  /** Rules not for this country's acceptance, as "Identifier (reason)". */
  readonly skipped: string[];
}

/** One EU rule checked against the bundle's rule schema; CertLogic problems are spelled out. */
export function checkEuRule(json: unknown, what: string): EuDccRule {
  const parsed = v.safeParse(euRuleSchema, json);
  if (parsed.success) return parsed.output;
  const reason = issueText(parsed.issues);
  if (parsed.issues[0].message !== NOT_CERTLOGIC) throw invalid(what, reason);
  // The schema says only that it is not CertLogic; certlogic-js's validator says where (depth already bounded).
  const logic = (json as { Logic: unknown }).Logic as Parameters<typeof validateCertLogic>[0];
  throw invalid(
    what,
    `Logic is not valid CertLogic: ${validateCertLogic(logic)
      .map((e) => e.message)
      .join('; ')}`,
  );
}

/** Rules of one file (a rule or an array of rules) for `country`'s acceptance. */
export function readRuleFile(path: string, country: string): ReadRules {
  const json = readJson(path);
  const list = Array.isArray(json) ? json : [json];
  if (list.length > MAX_DCC_RULES) throw invalid(path, `more than ${MAX_DCC_RULES} rules`);
  const rules: EuDccRule[] = [];
  const skipped: string[] = [];
  list.forEach((entry, i) => {
    const id = (entry as { Identifier?: unknown } | null)?.Identifier;
    const rule = checkEuRule(entry, `${path} rule ${typeof id === 'string' ? id : i + 1}`);
    if (rule.Type !== 'Acceptance') skipped.push(`${rule.Identifier} (${rule.Type} rule: only Acceptance rules apply)`);
    else if (rule.Country !== country) skipped.push(`${rule.Identifier} (for ${rule.Country}, not ${country})`);
    else rules.push(rule);
  });
  return { rules, skipped };
}

export function readStoredRules(dataDir: string): StoredRules | undefined {
  const path = dccRulesPath(dataDir);
  if (!existsSync(path)) return undefined;
  const json = readJson(path) as { country?: unknown; rules?: unknown };
  if (typeof json?.country !== 'string' || !/^[A-Z]{2}$/.test(json.country) || !Array.isArray(json.rules))
    throw new AuthorityError('INPUT_INVALID', `${path} has no "country" and "rules"`);
  // Re-checked on every read: a hand-edited file cannot put an unchecked rule into a bundle.
  return { country: json.country, rules: json.rules.map((r, i) => checkEuRule(r, `${path} rule ${i + 1}`)) };
}

const ruleKey = (r: EuDccRule) => `${r.Identifier}@${r.Version}`;

/**
 * Add rules for `country` (the same Identifier and Version again replaces the stored one). Returns the
 * added and replaced counts. Rules for another country than the stored ones are refused.
 */
export function addRules(dataDir: string, country: string, incoming: readonly EuDccRule[]) {
  const stored = readStoredRules(dataDir);
  if (stored && stored.country !== country && stored.rules.length > 0) {
    throw invalid(
      dccRulesPath(dataDir),
      `the stored rules are for ${stored.country}'s acceptance; remove them first (\`singgah rules remove-eu\`)`,
    );
  }
  const byKey = new Map((stored?.rules ?? []).map((r) => [ruleKey(r), r]));
  let replaced = 0;
  for (const r of incoming) {
    if (byKey.has(ruleKey(r))) replaced++;
    byKey.set(ruleKey(r), r);
  }
  writeRules(dataDir, { country, rules: [...byKey.values()] });
  return { added: incoming.length - replaced, replaced };
}

/** Remove every version of a rule (or just `version`); returns the rules removed. */
export function removeRules(dataDir: string, identifier: string, version?: string): EuDccRule[] {
  const stored = readStoredRules(dataDir);
  const matches = (r: EuDccRule) => r.Identifier === identifier && (version === undefined || r.Version === version);
  const removed = (stored?.rules ?? []).filter(matches);
  if (!stored || removed.length === 0)
    throw new AuthorityError('NOT_FOUND', `no EU rule ${identifier}${version ? ` version ${version}` : ''}`);
  writeRules(dataDir, { country: stored.country, rules: stored.rules.filter((r) => !matches(r)) });
  return removed;
}

function writeRules(dataDir: string, rules: StoredRules): void {
  if (rules.rules.length > MAX_DCC_RULES) throw invalid(dccRulesPath(dataDir), `at most ${MAX_DCC_RULES} rules fit`);
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(dccRulesPath(dataDir), `${JSON.stringify({ version: 1, ...rules }, null, 2)}\n`, 0o644);
}

// ---------------------------------------------------------------- value sets

const euValueSetFile = v.looseObject({
  valueSetId: v.string(),
  valueSetValues: v.record(v.string(), v.looseObject({ display: v.string() })),
});

/** One EU value-set file, compacted to its id and code → display. */
export function readValueSetFile(path: string): { id: string; names: Record<string, string> } {
  const parsed = v.safeParse(euValueSetFile, readJson(path));
  if (!parsed.success) throw invalid(path, `not an EU value-set file (${issueText(parsed.issues)})`);
  const names: Record<string, string> = {};
  for (const [code, value] of Object.entries(parsed.output.valueSetValues)) names[code] = value.display;
  const id = parsed.output.valueSetId;
  // The bundle's own schema, so a set the phones would refuse is refused here, with its reason.
  const checked = v.safeParse(dccValueSetsSchema, { [id]: names });
  if (!checked.success) throw invalid(path, issueText(checked.issues));
  return { id, names };
}

/**
 * Value-set files from files and folders (a folder: its `*.json` files that are value sets; any other
 * JSON file in it is skipped and listed).
 */
export function readValueSets(paths: readonly string[]): {
  sets: Record<string, Record<string, string>>;
  skipped: string[];
} {
  const sets: Record<string, Record<string, string>> = {};
  const skipped: string[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new AuthorityError('INPUT_INVALID', `cannot read ${path}`);
    }
    const files = isDir
      ? readdirSync(path)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(path, f))
      : [path];
    for (const file of files) {
      try {
        const { id, names } = readValueSetFile(file);
        sets[id] = names;
      } catch (e) {
        if (!isDir || !(e instanceof AuthorityError) || e.code !== 'DCC_RULE_INVALID') throw e;
        skipped.push(e.message);
      }
    }
  }
  return { sets, skipped };
}

export function readStoredValueSets(dataDir: string): DccValueSets | undefined {
  const path = dccValueSetsPath(dataDir);
  if (!existsSync(path)) return undefined;
  const parsed = v.safeParse(dccValueSetsSchema, (readJson(path) as { valueSets?: unknown } | null)?.valueSets);
  if (!parsed.success) throw new AuthorityError('INPUT_INVALID', `${path}: ${issueText(parsed.issues)}`);
  return parsed.output;
}

/** Store value sets, each replacing the stored set of its id; the caps of the bundle schema hold for the whole. */
export function addValueSets(
  dataDir: string,
  incoming: Readonly<Record<string, Record<string, string>>>,
): DccValueSets {
  const merged = { ...(readStoredValueSets(dataDir) ?? {}), ...incoming };
  const checked = v.safeParse(dccValueSetsSchema, merged);
  if (!checked.success) throw invalid(dccValueSetsPath(dataDir), issueText(checked.issues));
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(dccValueSetsPath(dataDir), `${JSON.stringify({ version: 1, valueSets: merged }, null, 2)}\n`, 0o644);
  return checked.output;
}

/** The demo's value sets, stored once (`singgah demo-init`); an operator's own import is never overwritten. */
export function ensureDemoValueSets(dataDir: string): void {
  if (!existsSync(dccValueSetsPath(dataDir))) addValueSets(dataDir, readValueSets([DEMO_VALUE_SETS_DIR]).sets);
}

// ---------------------------------------------------------------- the bundle

/** The payload with the stored EU rules and value sets (none stored, no field). */
export function withDccRules(payload: BundlePayload, dataDir: string): BundlePayload {
  const { dccRules: _rules, dccValueSets: _sets, ...rest } = payload;
  const rules = readStoredRules(dataDir);
  const sets = readStoredValueSets(dataDir);
  return {
    ...rest,
    ...(rules && rules.rules.length > 0 ? { dccRules: { country: rules.country, rules: [...rules.rules] } } : {}),
    ...(sets && Object.keys(sets).length > 0 ? { dccValueSets: sets } : {}),
  };
}
