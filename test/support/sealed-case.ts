/**
 * A case report as a phone sends it (src/sync/case-upload.ts): the visits sealed to the `caseKey` of the data dir's
 * published bundle with fresh random bytes, next to the code. For server tests that post to /v1/cases.
 */
import { randomBytes } from 'node:crypto';
import { readPublishedBundle } from '../../server/authority';
import { normaliseCaseCode } from '../../server/case-codes';
import { fromBase64Url } from '../../src/core/bytes';
import { type CaseVisit, type SealedCase, sealCase } from '../../src/core/case-seal';

export function sealedReport(dataDir: string, code: string, visits: readonly CaseVisit[], sealedCode = code) {
  const key = readPublishedBundle(dataDir)?.payload.caseKey;
  const publicKey = key && fromBase64Url(key.publicKey);
  if (!key || !publicKey) throw new Error('the published bundle lists no caseKey');
  const sealed = sealCase(
    { code: normaliseCaseCode(sealedCode) ?? sealedCode, visits },
    { kid: key.kid, publicKey },
    { ephemeralSecretKey: new Uint8Array(randomBytes(32)), nonce: new Uint8Array(randomBytes(24)) },
  );
  if (!sealed.ok) throw new Error(`cannot seal: ${sealed.error.code}`);
  return { code, sealed: sealed.value as SealedCase };
}
