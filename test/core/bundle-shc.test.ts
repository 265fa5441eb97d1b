/**
 * The bundle's SMART Health Card section (`shcIssuers`, core/bundle-shc.ts): what the authority may sign in as
 * trusted issuers and keys. Phones trust exactly this list, so every field has a shape and every list a cap: a
 * signed bundle that breaks one is refused whole rather than half-trusted.
 */
import { describe, expect, it } from 'vitest';
import { signBundle, verifyBundle } from '../../src/core/bundle';
import {
  MAX_SHC_ISSUERS,
  MAX_SHC_KEYS,
  MAX_SHC_KEYS_PER_ISSUER,
  MAX_SHC_RIDS,
  MAX_SHC_RIDS_PER_KEY,
  shcIssuersSchema,
} from '../../src/core/bundle-shc';
import type { Result } from '../../src/core/errors';
import { parseWith } from '../../src/core/schema';
import { anchor, makeBundlePayload, root } from '../support/authority';
import { makeShcIssuer, TEST_ISS } from '../support/shc-sign';

const { key } = makeShcIssuer();
const issuerWith = (o: Record<string, unknown> = {}, keys: readonly object[] = [key]) => ({
  iss: TEST_ISS,
  name: 'Digital Agency of Japan',
  keys,
  ...o,
});
const check = (list: unknown): string => {
  const r = parseWith(shcIssuersSchema, list);
  return r.ok ? 'ok' : `${r.error.code} ${r.error.detail}`;
};
const withKey = (k: Record<string, unknown>) => check([issuerWith({}, [{ ...key, ...k }])]);
const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);

describe('the bundle’s trusted SHC issuers', () => {
  it('a signed bundle carries them to the phone unchanged; a bad entry refuses the whole bundle', () => {
    const keys = [{ ...key, notBefore: 1, notAfter: 2, revokedRids: ['abc', 'def.1700000000'] }];
    const shcIssuers = [{ iss: TEST_ISS, name: 'Digital Agency of Japan', keys }];
    const r = verifyBundle(signBundle(makeBundlePayload({ shcIssuers }), [root.secretKey]), anchor);
    expect(r.ok && r.value.payload.shcIssuers).toEqual(shcIssuers);
    const bad = { ...makeBundlePayload(), shcIssuers: [issuerWith({ iss: 'http://shc.example.jp' })] };
    expect(code(verifyBundle(signBundle(bad as never, [root.secretKey]), anchor))).toBe('PAYLOAD_INVALID');
  });

  it('a key is its 43-character base64url kid, x and y, and nothing else (no private part)', () => {
    expect(withKey({})).toBe('ok');
    for (const field of ['kid', 'x', 'y']) {
      expect(withKey({ [field]: key.kid.slice(1) }), field).toMatch(/^PAYLOAD_INVALID 0\.keys\.0\./);
      expect(withKey({ [field]: `${key.kid}A` }), field).toMatch(/^PAYLOAD_INVALID/);
      expect(withKey({ [field]: `${key.kid.slice(1)}=` }), field).toMatch(/^PAYLOAD_INVALID/);
      expect(withKey({ [field]: `${key.kid.slice(1)}+` }), field).toMatch(/^PAYLOAD_INVALID/);
    }
    expect(withKey({ d: key.x })).toMatch(/^PAYLOAD_UNKNOWN_FIELD/);
    expect(check([{ ...issuerWith(), jwks_uri: `${TEST_ISS}/.well-known/jwks.json` }])).toMatch(/^PAYLOAD_UNKNOWN/);
  });

  it('a key’s validity is whole seconds from 0 to the year 9999, notBefore strictly before notAfter', () => {
    expect(withKey({ notBefore: 0, notAfter: 253_402_300_799 })).toBe('ok');
    for (const t of [-1, 1.5, 253_402_300_800, Number.NaN]) {
      expect(withKey({ notBefore: t }), String(t)).toMatch(/^PAYLOAD_\w+ 0\.keys\.0\.notBefore:/);
      expect(withKey({ notAfter: t }), String(t)).toMatch(/^PAYLOAD_\w+ 0\.keys\.0\.notAfter:/);
    }
    // Either bound alone is a window open on one side.
    expect(withKey({ notBefore: 1_700_000_000 })).toBe('ok');
    expect(withKey({ notAfter: 1_700_000_000 })).toBe('ok');
    expect(withKey({ notBefore: 1_700_000_000, notAfter: 1_700_000_001 })).toBe('ok');
    expect(withKey({ notBefore: 1_700_000_000, notAfter: 1_700_000_000 })).toMatch(/notAfter must follow notBefore/);
    expect(withKey({ notBefore: 1_700_000_001, notAfter: 1_700_000_000 })).toMatch(/notAfter must follow notBefore/);
  });

  it('revoked rids are `rid` or `rid.timestamp`, at most MAX_SHC_RIDS_PER_KEY per key', () => {
    expect(withKey({ revokedRids: [] })).toBe('ok');
    for (const bad of ['', 'not a rid!', 'a.b', 'a.', `${'r'.repeat(25)}`, 'a.1234567890123']) {
      expect(withKey({ revokedRids: ['ok', bad] }), bad).toMatch(/rid or rid\.timestamp/);
    }
    const rids = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`);
    expect(withKey({ revokedRids: rids(MAX_SHC_RIDS_PER_KEY) })).toBe('ok');
    expect(withKey({ revokedRids: rids(MAX_SHC_RIDS_PER_KEY + 1) })).toMatch(
      /^PAYLOAD_TOO_LONG 0\.keys\.0\.revokedRids:/,
    );
  });

  it('an issuer is an https URL without a trailing slash, a name, and 1 to MAX_SHC_KEYS_PER_ISSUER keys', () => {
    for (const iss of [
      'https://shc.example.jp',
      'https://shc.example.jp/issuer/v2',
      `https://e.jp/${'a'.repeat(499)}`,
    ]) {
      expect(check([issuerWith({ iss })]), iss).toBe('ok');
    }
    for (const iss of [
      'http://shc.example.jp',
      'https://',
      'https:///path',
      'https://shc.example.jp/',
      'https://shc.example.jp/issuer/',
      'https://shc example.jp',
      'https://shc.example.jp/a b',
      ' https://shc.example.jp',
    ]) {
      expect(check([issuerWith({ iss })]), iss).toMatch(/^PAYLOAD_INVALID 0\.iss:/);
    }
    expect(check([issuerWith({ iss: `https://e.jp/${'a'.repeat(500)}` })])).toMatch(/^PAYLOAD_TOO_LONG 0\.iss:/);
    expect(check([issuerWith({ name: '' })])).toMatch(/^PAYLOAD_INVALID 0\.name/);
    expect(check([issuerWith({}, [])])).toMatch(/^PAYLOAD_INVALID 0\.keys/);
    expect(check([issuerWith({}, Array(MAX_SHC_KEYS_PER_ISSUER).fill(key))])).toBe('ok');
    expect(check([issuerWith({}, Array(MAX_SHC_KEYS_PER_ISSUER + 1).fill(key))])).toMatch(/^PAYLOAD_TOO_LONG 0\.keys:/);
  });

  it('the list: each iss once, at most MAX_SHC_ISSUERS issuers, MAX_SHC_KEYS keys and MAX_SHC_RIDS rids in all', () => {
    expect(check([])).toBe('ok');
    expect(check([issuerWith(), issuerWith({ iss: `${TEST_ISS}2` })])).toBe('ok');
    expect(check([issuerWith(), issuerWith({ name: 'Another name' })])).toMatch(/an iss listed twice/);
    const issuers = (n: number) => Array.from({ length: n }, (_, i) => issuerWith({ iss: `${TEST_ISS}/${i}` }));
    expect(check(issuers(MAX_SHC_ISSUERS))).toBe('ok');
    expect(check(issuers(MAX_SHC_ISSUERS + 1))).toMatch(/^PAYLOAD_TOO_LONG : /);
    // Keys: full issuers up to the cap exactly, then one key more in one more issuer.
    const full = Array.from({ length: MAX_SHC_KEYS / MAX_SHC_KEYS_PER_ISSUER }, (_, i) =>
      issuerWith({ iss: `${TEST_ISS}/${i}` }, Array(MAX_SHC_KEYS_PER_ISSUER).fill(key)),
    );
    expect(check(full)).toBe('ok');
    expect(check([...full, issuerWith()])).toMatch(/too many SHC keys/);
    // Rids: keys full of rids up to the cap exactly, then one rid more on a key of its own.
    const ridKey = { ...key, revokedRids: Array.from({ length: MAX_SHC_RIDS_PER_KEY }, (_, i) => `r${i}`) };
    const ridKeys = Array(MAX_SHC_RIDS / MAX_SHC_RIDS_PER_KEY).fill(ridKey);
    expect(check([issuerWith({}, ridKeys), issuerWith({ iss: `${TEST_ISS}2` })])).toBe('ok');
    const oneMore = issuerWith({ iss: `${TEST_ISS}2` }, [key, { ...key, revokedRids: ['x'] }]);
    expect(check([issuerWith({}, ridKeys), oneMore])).toMatch(/too many revoked rids/);
  });
});
