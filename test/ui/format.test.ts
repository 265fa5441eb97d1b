import { beforeAll, describe, expect, it } from 'vitest';
import { formatAge } from '../../src/ui/format';
import { loadLang } from '../../src/ui/i18n';

// English is a lazy chunk in the app (src/ui/i18n/index.ts): load it as the app does before using it.
beforeAll(() => loadLang('en'));

const NOW = 1_795_420_800;
const HOUR = 3_600;

describe('formatAge', () => {
  it('says an elapsed time in days, never a calendar word like "yesterday"', () => {
    // 26 hours: with Intl numeric 'auto' this was "kemarin" / "yesterday", wrong when it spans two midnights.
    expect(formatAge(NOW - 26 * HOUR, NOW, 'id')).toBe('1 hari yang lalu');
    expect(formatAge(NOW - 26 * HOUR, NOW, 'en')).toBe('1 day ago');
    expect(formatAge(NOW + 48 * HOUR, NOW, 'id')).toBe('dalam 2 hari');
    expect(formatAge(NOW + 48 * HOUR, NOW, 'en')).toBe('in 2 days');
  });

  it('uses minutes and hours below a day, and "just now" below a minute', () => {
    expect(formatAge(NOW - 30, NOW, 'id')).toBe('baru saja');
    expect(formatAge(NOW - 30, NOW, 'en')).toBe('just now');
    expect(formatAge(NOW - 5 * 60, NOW, 'en')).toBe('5 minutes ago');
    expect(formatAge(NOW - 3 * HOUR, NOW, 'id')).toBe('3 jam yang lalu');
  });
});
