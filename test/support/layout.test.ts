/**
 * The test tree mirrors the source tree (test/README.md): a test of src/<folder>/… sits in test/<folder>/…, a
 * test of server/… in test/server/…, browser specs in test/e2e/, tests of the helpers beside them in
 * test/support/. A test anywhere else is either never run (a spec outside e2e/) or hard to find, so this fails.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const TEST = join(ROOT, 'test');

/** Every file under test/ whose name ends with one of `suffixes`, as a path relative to test/ with `/`. */
function testFiles(suffixes: readonly string[]): string[] {
  return readdirSync(TEST, { recursive: true, encoding: 'utf8' })
    .filter((f) => suffixes.some((s) => f.endsWith(s)) && statSync(join(TEST, f)).isFile())
    .map((f) => f.split(sep).join('/'))
    .sort();
}

/**
 * The source folder a test folder mirrors, or undefined when none exists: `src/<folder>`, or `server/…` and
 * `scripts/…` (the project's tools) as they are. `server/cli` may be a folder or a
 * module (`server/cli.ts`): a command group is tested where its code lives either way.
 */
function mirroredSource(testDir: string): string | undefined {
  const [top = '', ...rest] = testDir.split('/');
  if (top === 'support' && rest.length === 0) return 'test/support';
  if (['', '.', '..', 'e2e', 'support', 'vectors'].includes(top)) return undefined;
  const source = top === 'server' || top === 'scripts' ? [top, ...rest].join('/') : ['src', top, ...rest].join('/');
  const isDir = existsSync(join(ROOT, source)) && statSync(join(ROOT, source)).isDirectory();
  return isDir || existsSync(join(ROOT, `${source}.ts`)) ? source : undefined;
}

describe('test tree layout', () => {
  it('puts every Vitest file in a folder that mirrors a source folder', () => {
    const files = testFiles(['.test.ts', '.test.tsx']);
    expect(files.length).toBeGreaterThan(50);
    const stray = files.filter((f) => mirroredSource(dirname(f)) === undefined);
    expect(stray).toEqual([]);
  });

  it('keeps Playwright specs in e2e/, where playwright.config.ts looks', () => {
    const specs = testFiles(['.spec.ts', '.spec.tsx']);
    expect(specs.length).toBeGreaterThan(20);
    expect(specs.filter((f) => dirname(f) !== 'e2e')).toEqual([]);
  });

  it('maps a folder to its source folder and rejects one with none', () => {
    expect(mirroredSource('core/dcc')).toBe('src/core/dcc');
    expect(mirroredSource('ui/i18n')).toBe('src/ui/i18n');
    expect(mirroredSource('server')).toBe('server');
    expect(mirroredSource('server/cli')).toBe('server/cli');
    expect(mirroredSource('scripts/stryker')).toBe('scripts/stryker');
    expect(mirroredSource('support')).toBe('test/support');
    for (const bad of ['', '.', 'unit', 'unit/core', 'cli', 'e2e', 'vectors', 'support/deeper', 'core/nowhere']) {
      expect(mirroredSource(bad)).toBeUndefined();
    }
  });
});
