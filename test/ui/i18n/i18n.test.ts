/**
 * Every string translated, in both languages. The compiler already ties en.ts to id.ts's shape and the error
 * dictionary to `AppErrorCode`; this test checks what the types cannot: no empty strings, the same
 * placeholders in both languages, and — read from the source with TypeScript's own checker — every code any
 * module outside the UI can hand the UI (each exported `…Code` union, the `code` of each `…Outcome`, reasons,
 * outcomes, statuses), including a new union nobody added to `i18n/codes.ts`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { en } from '../../../src/ui/i18n/en';
import { id } from '../../../src/ui/i18n/id';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

type Tree = { readonly [key: string]: string | Tree };

/** `a.b.c` → text, for every leaf. */
function flatten(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    if (value !== null && typeof value === 'object')
      for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, value);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const dictionaries = { id: flatten(id), en: flatten(en) };

describe('dictionaries', () => {
  it('have the same keys in Bahasa Indonesia and English', () => {
    const idKeys = [...dictionaries.id.keys()].sort();
    const enKeys = [...dictionaries.en.keys()].sort();
    expect(enKeys.filter((k) => !dictionaries.id.has(k))).toEqual([]);
    expect(idKeys.filter((k) => !dictionaries.en.has(k))).toEqual([]);
    expect(idKeys.length).toBeGreaterThan(100);
  });

  for (const [lang, dict] of Object.entries(dictionaries)) {
    it(`${lang}: every message is a non-empty string`, () => {
      const empty = [...dict].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
      expect(empty).toEqual([]);
    });
  }

  it('use the same placeholders in both languages', () => {
    const differing = [...dictionaries.id]
      .filter(([k, v]) => {
        const other = dictionaries.en.get(k);
        return (
          typeof v === 'string' && typeof other === 'string' && placeholders(v).join() !== placeholders(other).join()
        );
      })
      .map(([k]) => k);
    expect(differing).toEqual([]);
  });
});

/** Source files of the modules whose codes reach the UI (the UI's own folder is where they are translated). */
function sourceFiles(): string[] {
  const files: string[] = [];
  for (const dir of ['src/core', 'src/store', 'src/scan', 'src/sync']) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.tsx?$/.test(entry.name)) files.push(join(entry.parentPath, entry.name));
    }
  }
  return files;
}

const literals = (type: ts.Type): string[] =>
  (type.isUnion() ? type.types : [type]).flatMap((t) => (t.isStringLiteral() ? [t.value] : []));

/** Every exported type alias of those modules, by name, with the string literals it stands for. */
function exportedCodes(): { error: Map<string, string[]>; named: Map<string, string[]> } {
  const program = ts.createProgram(sourceFiles(), {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const error = new Map<string, string[]>();
  const named = new Map<string, string[]>();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(join(ROOT, 'src'))) continue;
    for (const statement of file.statements) {
      if (!ts.isTypeAliasDeclaration(statement)) continue;
      if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      const name = statement.name.text;
      const type = checker.getTypeAtLocation(statement.name);
      named.set(name, literals(type));
      if (name.endsWith('ErrorCode')) error.set(name, literals(type));
      // `{kind: 'rejected', code: …}`: the code a screen puts into words.
      if (name.endsWith('Outcome')) {
        const codes = (type.isUnion() ? type.types : [type]).flatMap((member) => {
          const code = member.getProperty('code');
          return code ? literals(checker.getTypeOfSymbolAtLocation(code, statement)) : [];
        });
        error.set(`${name}.code`, codes);
      }
    }
  }
  return { error, named };
}

describe('codes', () => {
  const { error, named } = exportedCodes();
  const sections: Record<string, string> = {
    ErrorCode: 'error',
    ReasonCode: 'reason',
    Outcome: 'outcome',
    Status: 'status',
  };

  it('finds the code unions it checks (the source reading works)', () => {
    expect(named.get('ErrorCode')).toContain('VENUE_SIGNATURE_INVALID');
    expect(named.get('ReasonCode')?.length).toBeGreaterThan(3);
    expect(error.get('StoreErrorCode')).toContain('STORAGE_QUOTA_EXCEEDED');
    expect(error.get('PullOutcome.code')?.length).toBeGreaterThan(0);
  });

  for (const [lang, dict] of Object.entries(dictionaries)) {
    it(`${lang}: every error code of core, store, scan and sync has a message`, () => {
      const missing = [...error].flatMap(([union, codes]) =>
        codes.filter((c) => typeof dict.get(`error.${c}`) !== 'string').map((c) => `${union}: ${c}`),
      );
      expect(missing).toEqual([]);
    });

    it(`${lang}: every reason, outcome and status has a message`, () => {
      const missing = Object.entries(sections).flatMap(([union, section]) =>
        (named.get(union) ?? [`<${union} not found>`])
          .filter((c) => typeof dict.get(`${section}.${c}`) !== 'string')
          .map((c) => `${union}: ${c}`),
      );
      expect(missing).toEqual([]);
    });
  }
});

describe('plural', () => {
  it('picks English "one" only for 1, "other" for 0, 2, 21; Indonesian always "other" (one form)', async () => {
    const { loadLang, plural } = await import('../../../src/ui/i18n');
    await loadLang('en');
    expect(plural('en', 1, 'home.certificates')).toBe('1 certificate');
    expect(plural('en', 0, 'home.certificates')).toBe('0 certificates');
    expect(plural('en', 2, 'home.certificates')).toBe('2 certificates');
    expect(plural('en', 21, 'home.certificates')).toBe('21 certificates');
    expect(plural('en', 1, 'history.shownAll')).toBe('Showing your only visit.');
    expect(plural('id', 1, 'history.shownAll')).toBe('Semua kunjungan ditampilkan (1).');
    expect(plural('id', 1, 'home.certificates')).toBe('1 sertifikat');
    expect(plural('en', 1, 'exposure.visit', { venue: 'Masjid', time: '10:00' })).toBe(
      'Masjid, 10:00 (1 minute together)',
    );
  });

  it('every plural message has exactly the forms one and other, in both languages', () => {
    for (const dict of [dictionaries.id, dictionaries.en]) {
      const bases = [...dict.keys()]
        .filter((k) => /\.(one|other)$/.test(k))
        .map((k) => k.replace(/\.(one|other)$/, ''));
      for (const base of new Set(bases)) {
        expect(dict.has(`${base}.one`), base).toBe(true);
        expect(dict.has(`${base}.other`), base).toBe(true);
      }
    }
  });
});
