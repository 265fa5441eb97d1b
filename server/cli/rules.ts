/**
 * `singgah rules …`: the EU DCC business rules and value sets the authority's bundle carries (server/cli/index.ts
 * lists these with the other commands; the work is in server/dcc-rules.ts).
 */
import type { EuDccRule } from '../../src/core/bundle';
import {
  addRules,
  addValueSets,
  dccRulesPath,
  dccValueSetsPath,
  readRuleFile,
  readStoredRules,
  readStoredValueSets,
  readValueSets,
  removeRules,
} from '../dcc-rules';
import { AuthorityError } from '../errors';
import { type Command, type CommandGroup, type Context, optionalStr } from './kit';
import { changeThenRepublish } from './republish';

/** Change the stored EU rules or value sets and re-sign the bundle with them (republish.ts). */
const changeRules = (ctx: Context, path: string, change: () => void) =>
  changeThenRepublish(ctx, {
    path,
    change,
    summary: (b) =>
      `${b.payload.dccRules?.rules.length ?? 0} EU rule(s) and ${Object.keys(b.payload.dccValueSets ?? {}).length} value set(s)`,
    unchanged: 'nothing was changed',
  });

const ruleLine = (r: EuDccRule, now: number) => {
  const from = Date.parse(r.ValidFrom) / 1000;
  const to = Date.parse(r.ValidTo) / 1000;
  const state = now < from ? 'not yet in force' : now > to ? 'expired' : 'in force';
  const en = r.Description.find((d) => d.lang === 'en') ?? r.Description[0];
  return `${r.Identifier}  ${r.Version.padEnd(7)}  ${r.CertificateType.padEnd(11)}  ${r.ValidFrom} – ${r.ValidTo} (${state})  ${en.desc}`;
};

const RULES_COMMANDS: readonly Command[] = [
  {
    name: 'rules import-eu',
    summary: 'carry EU DCC acceptance rules (EU business-rule JSON) in the next bundle',
    usage: 'singgah rules import-eu [--country CC] FILE…',
    details: `Reads EU DCC business rules as the EU gateway publishes them — one rule object or an array of rules
per FILE, each with Identifier, Type, Country, Version, SchemaVersion, Engine (CERTLOGIC), EngineVersion,
CertificateType (General, Test, Vaccination, Recovery), Description [{lang, desc}], ValidFrom, ValidTo,
AffectedFields and Logic (CertLogic) — keeps the Acceptance rules of the acceptance country in
DATA_DIR/dcc-rules.json and re-signs the published bundle carrying them. Rules of other countries and
Invalidation rules are skipped and listed. A rule that is not in this shape, or whose Logic is not valid
CertLogic (or nests deeper than 64), refuses the whole import with its reason; nothing is stored then.
Every version is kept (the same Identifier and Version again replaces it): phones apply, per Identifier,
the newest version in force at the decision time, on {payload, external: {validationClock, valueSets,
countryCode, exp, iat}}. A verified DCC that fails one does not count, and the user sees the rule's
description (Indonesian, else English, else the first).

Options:
  --country CC   the acceptance country whose rules apply (default ID)`,
    options: { country: { type: 'string' } },
    positionals: ['FILE'],
    variadic: true,
    async run(values, files, ctx) {
      const country = (optionalStr(values, 'country') ?? 'ID').toUpperCase();
      if (!/^[A-Z]{2}$/.test(country)) throw new AuthorityError('INPUT_INVALID', `--country must be like ID`);
      const incoming: EuDccRule[] = [];
      for (const file of files) {
        const read = readRuleFile(file, country);
        incoming.push(...read.rules);
        for (const reason of read.skipped) ctx.warn(`skipped ${reason}`);
      }
      if (incoming.length === 0) {
        throw new AuthorityError('DCC_RULE_INVALID', `no Acceptance rule for ${country} in ${files.join(', ')}`);
      }
      changeRules(ctx, dccRulesPath(ctx.dataDir), () => {
        const { added, replaced } = addRules(ctx.dataDir, country, incoming);
        ctx.out(`Imported ${added} EU rule(s) for ${country} (${replaced} replaced the same version)`);
        for (const r of incoming) ctx.out(`  ${ruleLine(r, ctx.now)}`);
      });
    },
  },
  {
    name: 'rules list-eu',
    summary: 'list the EU DCC acceptance rules the bundle carries',
    usage: 'singgah rules list-eu',
    details: `One line per stored rule version: Identifier, Version, CertificateType, validity (in force, not
yet in force or expired now) and its English description.`,
    options: {},
    positionals: [],
    async run(_v, _p, ctx) {
      const stored = readStoredRules(ctx.dataDir);
      ctx.out(`${stored?.rules.length ?? 0} EU rule(s)${stored ? ` for ${stored.country}` : ''}`);
      for (const r of stored?.rules ?? []) ctx.out(ruleLine(r, ctx.now));
    },
  },
  {
    name: 'rules remove-eu',
    summary: 'stop carrying an EU DCC rule (every version, or one) from the next bundle',
    usage: 'singgah rules remove-eu IDENTIFIER [--version X.Y.Z]',
    details: `Removes the rule's versions from DATA_DIR/dcc-rules.json and re-signs the published bundle without it.`,
    options: { version: { type: 'string' } },
    positionals: ['IDENTIFIER'],
    async run(values, [identifier], ctx) {
      changeRules(ctx, dccRulesPath(ctx.dataDir), () => {
        for (const r of removeRules(ctx.dataDir, identifier, optionalStr(values, 'version')))
          ctx.out(`Removed ${r.Identifier} ${r.Version}`);
      });
    },
  },
  {
    name: 'rules valuesets',
    summary: 'carry EU DCC value sets (code → name) in the next bundle',
    usage: 'singgah rules valuesets FILE|DIR…',
    details: `Reads EU DCC value-set files ({"valueSetId", "valueSetValues": {CODE: {"display", …}}}, as in the
EU value-set repository and on the gateway) — a FOLDER means its *.json files; other JSON files in it are
skipped and listed — and keeps per set its codes and English display names in
DATA_DIR/dcc-value-sets.json, each set replacing the stored set of the same id. Then re-signs the published
bundle carrying them: phones show vaccines, manufacturers, test types and results by name (an unknown code
as itself, marked unknown), and EU rules read them as external.valueSets. Caps: 32 sets, 2000 codes per
set, 8000 in all, names of up to 200 characters without invisible, control or bidi characters.`,
    options: {},
    positionals: ['FILE'],
    variadic: true,
    async run(_v, paths, ctx) {
      const { sets, skipped } = readValueSets(paths);
      for (const reason of skipped) ctx.warn(`skipped ${reason}`);
      if (Object.keys(sets).length === 0) {
        throw new AuthorityError('DCC_RULE_INVALID', `no value set in ${paths.join(', ')}`);
      }
      changeRules(ctx, dccValueSetsPath(ctx.dataDir), () => {
        addValueSets(ctx.dataDir, sets);
        for (const [id, names] of Object.entries(sets)) ctx.out(`  ${id}: ${Object.keys(names).length} code(s)`);
        ctx.out(`Stored ${Object.keys(readStoredValueSets(ctx.dataDir) ?? {}).length} value set(s)`);
      });
    },
  },
];

export const RULES: CommandGroup = {
  name: 'rules',
  summary: 'EU DCC business rules and value sets carried by the bundle',
  commands: RULES_COMMANDS,
};
