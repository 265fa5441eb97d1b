/**
 * Indonesian in two parts (src/ui/i18n/index.ts): the start strings are there at once, the others arrive with
 * `loadLaterStrings` — and a string of the later part asked for before that reads as nothing (never as its key)
 * and fetches the part. Fresh modules per test: the loaded state is module-wide.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { idLater } from '../../../src/ui/i18n/id-later';
import { idStart } from '../../../src/ui/i18n/id-start';

const load = () => import('../../../src/ui/i18n/index');

describe('the Indonesian strings in two parts', () => {
  beforeEach(() => {
    vi.resetModules();
  });

  it('split the sections: none is in both parts (one would hide the other)', () => {
    const later = new Set(Object.keys(idLater));
    expect(Object.keys(idStart).filter((k) => later.has(k))).toEqual([]);
    expect(Object.keys(idStart).length).toBeGreaterThan(5);
    expect(later.size).toBeGreaterThan(5);
  });

  it('read the start strings at once', async () => {
    const { translate } = await load();
    expect(translate('id', 'home.scan')).toBe(idStart.home.scan);
  });

  it('read a later string as nothing until it arrives, then as its text; the request loads it', async () => {
    const { translate, loadLaterStrings } = await load();
    expect(translate('id', 'error.INPUT_TOO_LARGE')).toBe('');
    await loadLaterStrings();
    expect(translate('id', 'error.INPUT_TOO_LARGE')).toBe(idLater.error.INPUT_TOO_LARGE);
    expect(translate('id', 'home.scan')).toBe(idStart.home.scan);
  });

  it('read a key that exists nowhere as the key once everything is loaded', async () => {
    const { translate, loadLaterStrings } = await load();
    await loadLaterStrings();
    // biome-ignore lint/suspicious/noExplicitAny: a key the compiler would refuse, on purpose.
    expect(translate('id', 'nowhere.key' as any)).toBe('nowhere.key');
  });
});
