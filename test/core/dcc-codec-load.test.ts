/**
 * The lazy codec loader once the codecs are loaded. Both codec modules are imported statically here, so
 * nothing is first evaluated inside a test (the fresh-module cases, where the codecs are not yet installed,
 * are in dcc-codec.test.ts, which the mutation run leaves out).
 */
import { describe, expect, it } from 'vitest';
import { loadCodecsFor, loadDccCodec, loadShcCodec } from '../../src/core/dcc-codec-load';
import { dccCodec } from '../../src/core/held-dcc';
import { shcCodec } from '../../src/core/held-shc';

describe('loading the foreign-format codecs once they are installed', () => {
  it('gives each installed codec itself', async () => {
    expect(await loadDccCodec()).toBe(dccCodec);
    expect(await loadShcCodec()).toBe(shcCodec);
  });

  it('takes texts and stored records alike, and anything else without failing', async () => {
    await expect(
      loadCodecsFor(['HC1:6BF', 'shc:/0123', '0123', { code: 'HC1:6BF' }, { code: 7 }, {}, null, 5, undefined]),
    ).resolves.toBeUndefined();
    await expect(loadCodecsFor([null])).resolves.toBeUndefined();
    await expect(loadCodecsFor([42, { code: null }])).resolves.toBeUndefined();
    await expect(loadCodecsFor([])).resolves.toBeUndefined();
  });
});
