import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/core/bundle';
import { fromBase64Url } from '../../src/core/bytes';
import { verifyCertificate } from '../../src/core/certificate';
import { parseScanned } from '../../src/core/qr-link';
import { verifyVenue } from '../../src/core/venue';
import { buildVectors } from '../support/vectors';

const vectors = JSON.parse(readFileSync(new URL('../vectors/v1.json', import.meta.url), 'utf8'));

describe('test/vectors/v1.json', () => {
  it('is what the code produces (regenerate with npx tsx scripts/make-vectors.ts)', () => {
    expect(JSON.parse(JSON.stringify(buildVectors()))).toEqual(vectors);
  });

  const anchor = {
    threshold: vectors.trustAnchor.threshold,
    keys: vectors.trustAnchor.keys.map((k: { kid: string; publicKey: string }) => ({
      kid: k.kid,
      publicKey: fromBase64Url(k.publicKey) as Uint8Array,
    })),
  };
  const bundle = verifyBundle(vectors.bundle, anchor);

  it('verifies every valid vector from the published file alone', () => {
    if (!bundle.ok) throw new Error(bundle.error.code);
    for (const v of vectors.valid) {
      for (const text of [v.link, v.qrText].filter(Boolean)) {
        const s = parseScanned(text);
        if (!s.ok) throw new Error(`${text}: ${s.error.code}`);
        if (s.value.kind === 'pass' || s.value.kind === 'dcc' || s.value.kind === 'shc')
          throw new Error(`${text}: a vector read as a ${s.value.kind}`);
        const r =
          s.value.kind === 'venue'
            ? verifyVenue(s.value.signed, bundle.value.payload)
            : verifyCertificate(s.value.signed, bundle.value.payload, vectors.now);
        expect(r.ok).toBe(true);
      }
    }
  });

  it('rejects every invalid vector with its code', () => {
    if (!bundle.ok) throw new Error(bundle.error.code);
    for (const v of vectors.invalid) {
      const s = parseScanned(v.link);
      const r = s.ok && s.value.kind === 'venue' ? verifyVenue(s.value.signed, bundle.value.payload) : s;
      expect([v.why, r.ok ? 'ok' : r.error.code]).toEqual([v.why, v.expectError]);
    }
  });
});
