/**
 * The EU DCC code loads lazily (core dcc-codec.ts, dcc-codec-load.ts): before it is loaded an `HC1:` text is
 * refused, never decided without; it loads only for an `HC1:` code; once loaded, the synchronous core
 * uses it. Each test takes a fresh module graph, as the app has before anything asked for a DCC.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { kaltimOffice, makeBundlePayload, NOW, signCertificate, vaccination } from '../support/authority';
import { makeSigner, PAYLOADS, signDcc } from '../support/dcc-sign';

const signer = makeSigner('ES256', { country: 'ID' });
const text = signDcc({ by: signer, payload: PAYLOADS.v, iat: NOW - 86_400, exp: NOW + 86_400 });
const singgahCode = signCertificate(vaccination(2, 2, '2026-01-10'));
const bundle = makeBundlePayload({ dccSigners: [signer.signer] });
const ctx = { bundle, now: NOW, trustedTime: NOW - 86_400, appVersion: '1.0.0' };

const fresh = async () => ({
  codec: await import('../../src/core/dcc-codec'),
  load: await import('../../src/core/dcc-codec-load'),
  eligibility: await import('../../src/core/eligibility'),
});

beforeEach(() => {
  vi.resetModules();
});

describe('the lazily loaded DCC codec', () => {
  it('is not there at first: an HC1 text is refused, a Singgah code decodes without it', async () => {
    const { codec } = await fresh();
    expect(codec.installedDccCodec()).toBeUndefined();
    expect(codec.decodeHeldCertificate(text)).toMatchObject({ ok: false, error: { code: 'ENCODING_INVALID' } });
    expect(codec.decodeHeldCertificate(singgahCode).ok).toBe(true);
  });

  it('loads only when one of the codes is an HC1 text, then decodes and decides with it', async () => {
    const { codec, load, eligibility } = await fresh();
    await load.loadCodecsFor([singgahCode, { code: singgahCode }, 42, null]);
    expect(codec.installedDccCodec()).toBeUndefined();
    await load.loadCodecsFor([{ code: text }]);
    expect(codec.installedDccCodec()).toBeDefined();
    expect(await load.loadDccCodec()).toBe(codec.installedDccCodec());
    const held = codec.decodeHeldCertificate(text);
    if (!held.ok) throw new Error(held.error.code);
    expect(eligibility.decidePerson([held.value], '', kaltimOffice, ctx)).toMatchObject({ status: 'green' });
  });

  it('without it, a held DCC makes the decision CANNOT_VERIFY, never one decided without the DCC', async () => {
    const { codec: loaded } = await fresh();
    const { dccCodec } = await import('../../src/core/held-dcc');
    const held = dccCodec.decodeDcc(text);
    if (!held.ok) throw new Error(held.error.code);
    expect(loaded.installedDccCodec()).toBe(dccCodec);
    vi.resetModules();
    const { codec, eligibility } = await fresh();
    expect(codec.installedDccCodec()).toBeUndefined();
    expect(eligibility.decidePerson([held.value], '', kaltimOffice, ctx)).toMatchObject({
      outcome: 'CANNOT_VERIFY',
      reasons: [{ code: 'RULE_ERROR' }],
    });
  });
});
