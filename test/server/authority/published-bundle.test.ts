/**
 * `published/bundle.json` read back in process (server/authority/published-bundle.ts): its version without
 * verifying (kept monotonic even when the file is damaged), the bundle verified against trust.json, and the
 * atomic write. A temp data dir with a trust.json of the fixed test root (test/support/authority.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  previousPayload,
  publishBundle,
  publishedBundlePath,
  publishedPolicy,
  publishedVersion,
  readPublishedBundle,
  requirePublishedBundle,
} from '../../../server/authority/published-bundle';
import { AuthorityError } from '../../../server/errors';
import { keysDir, writeTrustFile } from '../../../server/keys';
import { toBase64Url, utf8 } from '../../../src/core/bytes';
import { anchor, anchorOf, makeBundle, makeBundlePayload, root2 } from '../../support/authority';

let dataDir = '';
beforeEach(() => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'singgah-published-')), 'data');
  mkdirSync(keysDir(dataDir), { recursive: true });
  writeTrustFile(dataDir, { version: 1, threshold: 1, keys: anchor.keys });
});
afterEach(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

/** The error a call throws (undefined when it returns). */
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

/** A bundle file whose payload is `payload` as JSON text, unsigned (publishedVersion does not verify). */
const envelopeWith = (payloadText: string) => JSON.stringify({ payload: toBase64Url(utf8(payloadText)) });

describe('publishBundle', () => {
  it('writes published/bundle.json (made if missing), world-readable, replacing the previous one', () => {
    const path = publishBundle(dataDir, makeBundle(makeBundlePayload({}, 3)));
    expect(path).toBe(join(dataDir, 'published', 'bundle.json'));
    expect(path).toBe(publishedBundlePath(dataDir));
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(readPublishedBundle(dataDir)?.payload.version).toBe(3);
    publishBundle(dataDir, makeBundle(makeBundlePayload({}, 4)));
    expect(readPublishedBundle(dataDir)?.payload.version).toBe(4);
    // Atomic: no temporary file left beside it.
    expect(readdirSync(join(dataDir, 'published'))).toEqual(['bundle.json']);
  });
});

describe('publishedVersion', () => {
  it('0 with nothing published, the version of what is', () => {
    expect(publishedVersion(dataDir)).toBe(0);
    publishBundle(dataDir, makeBundle(makeBundlePayload({}, 7)));
    expect(publishedVersion(dataDir)).toBe(7);
  });

  it('read without verifying: a bundle of another root still counts', () => {
    publishBundle(dataDir, makeBundle(makeBundlePayload({}, 12), [root2]));
    expect(publishedVersion(dataDir)).toBe(12);
    expect(publishedVersion(dataDir)).toBe(12);
    mkdirSync(join(dataDir, 'published'), { recursive: true });
    writeFileSync(publishedBundlePath(dataDir), envelopeWith('{"version": 1}'));
    expect(publishedVersion(dataDir)).toBe(1);
  });

  it('0 for a damaged file or a version that is not a positive integer', () => {
    mkdirSync(join(dataDir, 'published'), { recursive: true });
    for (const text of [
      'not json',
      '{}',
      '{"payload": "***"}',
      '{"payload": 5}',
      JSON.stringify({ payload: toBase64Url(new Uint8Array([0xff, 0xfe, 0x80])) }),
      envelopeWith('not json'),
      envelopeWith('null'),
      envelopeWith('{}'),
      envelopeWith('{"version": 0}'),
      envelopeWith('{"version": -3}'),
      envelopeWith('{"version": 2.5}'),
      envelopeWith('{"version": "3"}'),
      envelopeWith('{"version": true}'),
      envelopeWith('{"version": [4]}'),
    ]) {
      writeFileSync(publishedBundlePath(dataDir), text);
      expect({ text, version: publishedVersion(dataDir) }).toEqual({ text, version: 0 });
    }
  });
});

describe('reading the published bundle back, verified against trust.json', () => {
  it('none published: undefined, and `require` says to sign one', () => {
    expect(readPublishedBundle(dataDir)).toBeUndefined();
    expect(publishedPolicy(dataDir)).toBeUndefined();
    expect(previousPayload(dataDir)).toBeUndefined();
    const e = thrown(() => requirePublishedBundle(dataDir));
    expect(e).toBeInstanceOf(AuthorityError);
    expect(e).toMatchObject({
      code: 'BUNDLE_NOT_PUBLISHED',
      message: 'no bundle published yet: run `singgah bundle sign POLICY.json`',
    });
  });

  it('published: the verified payload, its policy, and the same through require and previous', () => {
    const payload = makeBundlePayload({}, 5);
    const source = makeBundle(payload);
    publishBundle(dataDir, source);
    const read = readPublishedBundle(dataDir);
    expect(read?.payload).toEqual(payload);
    expect(requirePublishedBundle(dataDir).payload).toEqual(payload);
    expect(previousPayload(dataDir)).toEqual(payload);
    expect(publishedPolicy(dataDir)).toEqual(payload.policy);
  });

  it('signed by another root, or tampered: BUNDLE_INVALID naming the file and the reason', () => {
    publishBundle(dataDir, makeBundle(makeBundlePayload({}, 5), [root2]));
    const e = thrown(() => readPublishedBundle(dataDir));
    expect(e).toBeInstanceOf(AuthorityError);
    expect(e).toMatchObject({ code: 'BUNDLE_INVALID' });
    expect((e as Error).message).toMatch(
      new RegExp(
        `^${publishedBundlePath(dataDir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not verify against trust\\.json: [A-Z_]+.*; run \`singgah bundle sign\`$`,
      ),
    );
    expect(thrown(() => requirePublishedBundle(dataDir))).toMatchObject({ code: 'BUNDLE_INVALID' });
    // What the callers that only need it when it is good make of it: nothing.
    expect(publishedPolicy(dataDir)).toBeUndefined();
    expect(previousPayload(dataDir)).toBeUndefined();

    const source = JSON.parse(makeBundle(makeBundlePayload({}, 6))) as { payload: string };
    writeFileSync(publishedBundlePath(dataDir), JSON.stringify({ ...source, payload: envelopeWith('{}') }));
    expect(thrown(() => readPublishedBundle(dataDir))).toMatchObject({ code: 'BUNDLE_INVALID' });
  });

  it('after a root rotation (trust.json now lists the new root) the old bundle is another trust domain', () => {
    publishBundle(dataDir, makeBundle(makeBundlePayload({}, 5)));
    writeTrustFile(dataDir, { version: 2, threshold: 1, keys: anchorOf([root2]).keys });
    expect(previousPayload(dataDir)).toBeUndefined();
  });

  it('any other failure is not hidden: no trust.json is KEYS_MISSING, also for previousPayload', () => {
    publishBundle(dataDir, makeBundle(makeBundlePayload({}, 5)));
    rmSync(keysDir(dataDir), { recursive: true });
    expect(thrown(() => previousPayload(dataDir))).toMatchObject({ code: 'KEYS_MISSING' });
    expect(thrown(() => readPublishedBundle(dataDir))).toMatchObject({ code: 'KEYS_MISSING' });
    expect(publishedPolicy(dataDir)).toBeUndefined();
  });
});
