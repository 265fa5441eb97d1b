/** Verifies a COSE signature with one trusted signer's key: ES256 (P-256, raw r‖s) or PS256. */
import { p256 } from '@noble/curves/nist.js';
import { concatBytes, fromBase64Url } from '../bytes';
import { verifyPs256 } from './rsa-pss';
import type { DccSigner } from './types';

// Signer records come from a signed bundle, but a malformed one must fail to verify, never throw.
const b64 = (s: unknown) => (typeof s === 'string' ? fromBase64Url(s) : undefined);

export function verifyWithSigner(signer: DccSigner, message: Uint8Array, signature: Uint8Array): boolean {
  const key: DccSigner['key'] | undefined = signer.key;
  if (typeof key !== 'object' || key === null) return false;
  if (signer.alg === 'ES256' && key.kty === 'EC' && key.crv === 'P-256') {
    const x = b64(key.x);
    const y = b64(key.y);
    if (x?.length !== 32 || y?.length !== 32 || signature.length !== 64) return false;
    try {
      // DCC issuers' ECDSA does not normalise S: high-S signatures are genuine, so lowS is off.
      return p256.verify(signature, message, concatBytes(Uint8Array.of(4), x, y), {
        prehash: true,
        lowS: false,
        format: 'compact',
      });
    } catch {
      // noble throws for a point not on the curve or an r/s out of range: both simply do not verify.
      return false;
    }
  }
  if (signer.alg === 'PS256' && key.kty === 'RSA') {
    const n = b64(key.n);
    const e = b64(key.e);
    if (!n || !e) return false;
    return verifyPs256({ n, e }, message, signature);
  }
  return false;
}
