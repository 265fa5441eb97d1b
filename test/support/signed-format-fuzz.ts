/**
 * The skeleton the foreign-format fuzzers share (dcc-fuzz.ts for `HC1:`, shc-fuzz.ts for `shc:/`): mutate a
 * genuinely signed text at some layer, inspect it, and require either a coded refusal or the very same signed
 * content. Each format brings its inspector, its fixtures and the layers it mutates; the report invariants,
 * the case counting and the "never accepted as something else" check live here once.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { isErrorCode } from './error-codes';
import { type CatalogueEntry, position, stats, type TextEdit } from './fuzz';

/** What every format's inspector reports (src/core/dcc `DccInspection`, src/core/shc `ShcInspection`). */
export interface SignedInspection {
  readonly format: string;
  readonly valid: boolean;
  readonly errors: readonly string[];
  readonly checks: Readonly<Record<string, boolean | null>>;
  readonly payload?: unknown;
  readonly claims?: unknown;
  readonly kid?: unknown;
}

export interface SignedFixture<R extends SignedInspection> {
  readonly name: string;
  readonly report: R;
}

export const fail = (message: string): never => {
  throw new Error(message);
};

export interface FormatChecker<I, F> {
  /** Inspects one case under fixture f's context, counts it and checks the report's own invariants. */
  inspectCounted(input: I, f: F, what: string): SignedInspection;
  /** A mutation of fixture f: rejected with a known code, or accepted as exactly the same signed content. */
  checkMutant(input: I, f: F, what: string): void;
}

export function makeFormatChecker<I, R extends SignedInspection, F extends SignedFixture<R>>(o: {
  readonly format: string;
  readonly inspect: (input: I, f: F) => R;
  /** The checks that must all be true for a valid report (a format may skip some for some inputs). */
  readonly applicableChecks: (r: R, input: I) => readonly (boolean | null)[];
}): FormatChecker<I, F> {
  function inspectCounted(input: I, f: F, what: string): R {
    stats.cases++;
    const r = o.inspect(input, f);
    if (r.checks.signature !== null) stats.signatureStage++;
    if (r.format !== o.format) fail(`${what}: format ${r.format}`);
    for (const code of r.errors) if (!isErrorCode(code)) fail(`${what}: unknown code ${code}`);
    const allTrue = o.applicableChecks(r, input).every((c) => c === true);
    if (r.valid !== (allTrue && r.errors.length === 0)) fail(`${what}: valid ${r.valid} disagrees with checks/errors`);
    if (!r.valid && r.errors.length === 0) fail(`${what}: invalid without an error`);
    return r;
  }
  return {
    inspectCounted,
    checkMutant(input, f, what) {
      const r = inspectCounted(input, f, what);
      if (!r.valid) return;
      const same =
        isDeepStrictEqual(r.payload, f.report.payload) &&
        isDeepStrictEqual(r.claims, f.report.claims) &&
        r.kid === f.report.kid;
      if (!same) fail(`${what}: a mutant of ${f.name} was accepted with different content\n${JSON.stringify(input)}`);
    },
  };
}

/** Text edits whose inserted characters come from `char` (a format's alphabet, weighted, plus hostile ones). */
export const textEditsOf = (char: fc.Arbitrary<string>): fc.Arbitrary<TextEdit> =>
  fc.record({
    op: fc.constantFrom('replace' as const, 'delete' as const, 'insert' as const, 'swap' as const, 'case' as const),
    at: position,
    char,
  });

/** A catalogue entry from a predicate over arbitraries (fc.property's argument tuple stays typed here). */
export const propertyEntry = <Ts extends [unknown, ...unknown[]]>(
  name: string,
  unitRuns: number,
  fuzzWeight: number,
  arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => void,
): CatalogueEntry => ({
  name,
  unitRuns,
  fuzzWeight,
  property: fc.property(...arbs, predicate) as unknown as fc.IProperty<never>,
});
