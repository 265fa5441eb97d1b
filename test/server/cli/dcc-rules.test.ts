/**
 * `singgah rules import-eu / list-eu / remove-eu / valuesets`: EU business rules and value sets kept in the
 * data dir and carried by the next signed bundle (server/dcc-rules.ts), refused with a reason when phones
 * could not use them, and never half-applied.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedBundlePath } from '../../../server/authority';
import { DEMO_VALUE_SETS_DIR, dccRulesPath, dccValueSetsPath } from '../../../server/dcc-rules';
import { readTrust } from '../../../server/keys';
import { verifyBundle } from '../../../src/core/bundle';

import { runCliIn } from '../../support/cli-authority';

const POLICY = resolve(import.meta.dirname, '../../../server/demo/policy.json');
const RULES = resolve(import.meta.dirname, '../../vectors/eu-dcc-rules');
const ruleJson = (name: string) => JSON.parse(readFileSync(join(RULES, `${name}.json`), 'utf8'));

describe('singgah rules', () => {
  let root: string;
  let dataDir: string;

  const cli = (args: readonly string[]) => runCliIn(dataDir, args);
  const file = (name: string, data: unknown) => {
    const path = join(root, name);
    writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
    return path;
  };
  const published = () => {
    const verified = verifyBundle(readFileSync(publishedBundlePath(dataDir), 'utf8'), readTrust(dataDir));
    if (!verified.ok) throw new Error(verified.error.code);
    return verified.value.payload;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'singgah-dcc-rules-'));
    dataDir = join(root, 'data');
    expect((await cli(['keys', 'create'])).code).toBe(0);
    expect((await cli(['bundle', 'sign', POLICY])).code).toBe(0);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('imports the EU value sets of a folder and re-signs the bundle carrying code → name', async () => {
    expect('dccValueSets' in published()).toBe(false);
    const before = published().version;
    const run = await cli(['rules', 'valuesets', DEMO_VALUE_SETS_DIR]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('vaccines-covid-19-names: 39 code(s)');
    expect(run.stdout).toContain('Stored 8 value set(s)');
    expect(run.stdout).toContain(`Re-signed bundle version ${before + 1} with 0 EU rule(s) and 8 value set(s)`);
    const sets = published().dccValueSets;
    expect(sets?.['vaccines-covid-19-names']['EU/1/20/1528']).toBe('Comirnaty');
    expect(sets?.['covid-19-lab-test-type']['LP217198-3']).toBe('Rapid immunoassay');
    // Only code → display travels: no "active", "system" or "version" fields.
    expect(JSON.stringify(sets)).not.toContain('"system"');
  });

  it('a value-set file replaces only its own set; a broken or flooding one is refused and changes nothing', async () => {
    const own = file('own.json', {
      valueSetId: 'vaccines-covid-19-names',
      valueSetDate: '2026-01-01',
      valueSetValues: { 'EU/1/20/1528': { display: 'Comirnaty (Pfizer)', active: true } },
    });
    expect((await cli(['rules', 'valuesets', own])).code).toBe(0);
    expect(published().dccValueSets?.['vaccines-covid-19-names']).toEqual({ 'EU/1/20/1528': 'Comirnaty (Pfizer)' });
    expect(Object.keys(published().dccValueSets ?? {})).toHaveLength(8);

    const stored = readFileSync(dccValueSetsPath(dataDir), 'utf8');
    const version = published().version;
    const flood = file('flood.json', {
      valueSetId: 'flood',
      valueSetValues: Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`C${i}`, { display: 'x' }])),
    });
    const refused = await cli(['rules', 'valuesets', flood]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('flood.json: flood: too many codes in one value set');
    const bidi = file('bidi.json', { valueSetId: 'x', valueSetValues: { A: { display: 'evil \u202E name' } } });
    expect((await cli(['rules', 'valuesets', bidi])).stderr).toMatch(
      /bidi\.json: x\.A: invisible, control or unassigned character/,
    );
    expect((await cli(['rules', 'valuesets', file('no.json', { hello: 1 })])).stderr).toContain(
      'no.json: not an EU value-set file',
    );
    expect(readFileSync(dccValueSetsPath(dataDir), 'utf8')).toBe(stored);
    expect(published().version).toBe(version);
  });

  it('imports EU acceptance rules for ID (a file of one rule, a file of many), keeping every version', async () => {
    const run = await cli(['rules', 'import-eu', join(RULES, 'VR-ID-0003.json'), join(RULES, 'ID-all.json')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Imported 8 EU rule(s) for ID (1 replaced the same version)');
    expect(run.stdout).toMatch(/Re-signed bundle version \d+ with 8 EU rule\(s\) and 8 value set\(s\)/);
    const carried = published().dccRules;
    expect(carried?.country).toBe('ID');
    expect(carried?.rules.map((r) => `${r.Identifier}@${r.Version}`).sort()).toEqual([
      'GR-ID-0001@1.0.0',
      'RR-ID-0001@1.0.0',
      'TR-ID-0001@1.0.0',
      'TR-ID-0002@1.0.0',
      'VR-ID-0001@1.0.0',
      'VR-ID-0002@1.0.0',
      'VR-ID-0003@1.0.0',
      'VR-ID-0003@1.1.0',
    ]);
    // Carried unchanged: the Logic is the EU rule's own.
    expect(carried?.rules.find((r) => r.Identifier === 'VR-ID-0001')?.Logic).toEqual(ruleJson('VR-ID-0001').Logic);
    const listed = await cli(['rules', 'list-eu']);
    expect(listed.stdout).toContain('8 EU rule(s) for ID');
    expect(listed.stdout).toMatch(/VR-ID-0003 {2}1\.1\.0 +Vaccination .*\((not yet in force|in force)\)/);
  });

  it('skips rules of other countries and Invalidation rules, listing them', async () => {
    const other = { ...ruleJson('VR-ID-0002'), Identifier: 'VR-DE-0002', Country: 'DE' };
    const invalidation = { ...ruleJson('VR-ID-0002'), Identifier: 'IR-ID-0001', Type: 'Invalidation' };
    const run = await cli(['rules', 'import-eu', file('mixed.json', [other, invalidation, ruleJson('VR-ID-0002')])]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('skipped VR-DE-0002 (for DE, not ID)');
    expect(run.stderr).toContain('skipped IR-ID-0001 (Invalidation rule: only Acceptance rules apply)');
    const none = await cli(['rules', 'import-eu', file('de.json', other)]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no Acceptance rule for ID');
  });

  it('refuses invalid CertLogic or a malformed rule with a clear error, storing nothing', async () => {
    const stored = readFileSync(dccRulesPath(dataDir), 'utf8');
    const version = published().version;
    const bad = { ...ruleJson('VR-ID-0002'), Identifier: 'VR-ID-0099', Logic: { frobnicate: [{ var: 'payload' }] } };
    const run = await cli(['rules', 'import-eu', join(RULES, 'TR-ID-0001.json'), file('bad.json', bad)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.json rule VR-ID-0099: Logic is not valid CertLogic: .*frobnicate/);
    // 5000 levels: deeper than JSON.stringify or a recursive validator can go.
    const deep = `${'{"and":['.repeat(5000)}true${',true]}'.repeat(5000)}`;
    const deepRule = JSON.stringify({ ...bad, Logic: 'DEEP' }).replace('"DEEP"', deep);
    const tooDeep = await cli(['rules', 'import-eu', file('deep.json', deepRule)]);
    expect(tooDeep.code).toBe(1);
    expect(tooDeep.stderr).toMatch(/deep\.json rule VR-ID-0099: Logic.*nested deeper than 64/);
    const shapes: [Record<string, unknown>, RegExp][] = [
      [{ Engine: 'JSONLOGIC' }, /Engine: engine must be CERTLOGIC/],
      [{ ValidFrom: 'soon' }, /ValidFrom: /],
      [{ Description: [] }, /Description: /],
      [{ Extra: 1 }, /Extra: /],
    ];
    for (const [patch, message] of shapes) {
      const r = await cli(['rules', 'import-eu', file('shape.json', { ...ruleJson('VR-ID-0002'), ...patch })]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect((await cli(['rules', 'import-eu', file('x.json', '{')])).stderr).toContain('x.json: not JSON');
    expect(readFileSync(dccRulesPath(dataDir), 'utf8')).toBe(stored);
    expect(published().version).toBe(version);
  });

  it('`bundle sign` keeps carrying them; remove-eu drops one rule from the next bundle', async () => {
    expect((await cli(['bundle', 'sign', POLICY])).code).toBe(0);
    expect(published().dccRules?.rules).toHaveLength(8);
    expect(published().dccValueSets?.['covid-19-lab-result']).toBeDefined();
    const run = await cli(['rules', 'remove-eu', 'VR-ID-0003', '--version', '1.1.0']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Removed VR-ID-0003 1.1.0');
    expect(published().dccRules?.rules.map((r) => `${r.Identifier}@${r.Version}`)).not.toContain('VR-ID-0003@1.1.0');
    expect((await cli(['rules', 'remove-eu', 'VR-ID-0404'])).stderr).toContain('no EU rule VR-ID-0404');
  });

  it('rules for another acceptance country are refused while those for ID are stored', async () => {
    const de = { ...ruleJson('VR-ID-0002'), Identifier: 'VR-DE-0002', Country: 'DE' };
    const run = await cli(['rules', 'import-eu', '--country', 'DE', file('de-only.json', de)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the stored rules are for ID's acceptance");
  });
});
