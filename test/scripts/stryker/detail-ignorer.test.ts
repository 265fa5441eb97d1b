/**
 * The Stryker ignorer of scripts/stryker/detail-ignorer.mjs, run through Stryker's own instrumenter (which
 * rewrites the file as it walks it, the case the ignorer must see through). It decides which mutants the
 * published mutation score leaves out, so what it ignores is pinned here: the words of a refusal's detail,
 * and nothing that a decision, a code or a data-carrying detail depends on.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are source code handed to the instrumenter
import { Instrumenter } from '@stryker-mutator/instrumenter';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module of the tool, without type declarations
import { strykerPlugins } from '../../../scripts/stryker/detail-ignorer.mjs';

const silent = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => false,
  isErrorEnabled: () => false,
  isFatalEnabled: () => false,
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
};

/** The source text of every mutant the ignorer marks, as `line: original text`. */
async function ignoredIn(code: string): Promise<string[]> {
  // biome-ignore lint/suspicious/noExplicitAny: Stryker's Logger type is not exported by this package
  const instrumenter = new Instrumenter(silent as any);
  const { mutants } = await instrumenter.instrument([{ name: 'src/core/x.ts', content: code, mutate: true }], {
    plugins: null,
    excludedMutations: [],
    ignorers: [strykerPlugins[0].value],
  });
  const lines = code.split('\n');
  return mutants
    .filter((m) => m.status === 'Ignored' && /detail/.test(m.statusReason ?? ''))
    .map((m) => {
      const { start, end } = m.location;
      return `${start.line + 1}: ${lines[start.line].slice(start.column, start.line === end.line ? end.column : undefined)}`;
    });
}

describe('the mutation ignorer for detail text', () => {
  it('ignores the literal detail of err(), of a local function, method or class, of a detail property and of v.check', async () => {
    const code = [
      "import * as v from 'valibot';",
      "import { err } from './errors';",
      'const fail = (code: string, detail: string) => ({ ok: false, code, detail });',
      'class Refused { constructor(readonly detail: string) {} }',
      'class Reader { at = 0; fail(detail: string): never { throw new Refused(`${detail} at ${this.at}`); } read() { return this.fail("bad byte"); } }',
      "export const a = (n: number) => (n > 1 ? err('INPUT_TOO_LARGE', `${n} parts`) : err('ENCODING_INVALID', 'not digits'));",
      "export const b = (n: number) => (n > 1 ? fail('COSE_INVALID', 'not a map') : { ok: false, detail: 'trailing bytes' });",
      "export const c = () => v.check((s: string) => s.length > 2, 'too short');",
    ].join('\n');
    expect(await ignoredIn(code)).toEqual([
      '5: `${detail} at ${this.at}`',
      '5: "bad byte"',
      '6: `${n} parts`',
      "6: 'not digits'",
      "7: 'not a map'",
      "7: 'trailing bytes'",
      "8: 'too short'",
    ]);
  });

  it('keeps every mutant of an error code, a decision, and a detail that carries data', async () => {
    const code = [
      "import { err } from './errors';",
      "import { other } from './other';",
      "export const a = (id: string, codes: string[]) => (id === 'x' ? err('DCC_RULE_FAILED', id) : err('SIGNATURE_INVALID', codes.join(' ')));",
      "export const b = (s: string) => other('CODE', 'words');",
      "export const c = (s: string) => ({ code: 'KEY_UNKNOWN', text: 'shown to people' });",
    ].join('\n');
    expect(await ignoredIn(code)).toEqual([]);
  });
});
