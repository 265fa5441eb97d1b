/**
 * Test-only bridge from X.509 to the bundle's `DccSigner` (core never parses X.509): Node's
 * X509Certificate gives the key, the validity and the key-usage OIDs of a Document Signer Certificate,
 * as `singgah trust import` does for the authority.
 */
import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import type { DccSigner, DccType } from '../../src/core/dcc';
import { toBase64 } from '../../src/core/dcc';

// The DCC key-usage OIDs (hcert §5.1.1), and the misspelling with an extra ".0" some signers carry.
const USAGE_OIDS: Record<string, DccType> = {
  '1.3.6.1.4.1.1847.2021.1.1': 't',
  '1.3.6.1.4.1.1847.2021.1.2': 'v',
  '1.3.6.1.4.1.1847.2021.1.3': 'r',
  '1.3.6.1.4.1.0.1847.2021.1.1': 't',
  '1.3.6.1.4.1.0.1847.2021.1.2': 'v',
  '1.3.6.1.4.1.0.1847.2021.1.3': 'r',
};

export function signerFromKey(
  key: KeyObject,
  kid: Uint8Array,
  extra: { country?: string; notBefore?: number; notAfter?: number; usages?: readonly DccType[] } = {},
): DccSigner {
  const jwk = key.export({ format: 'jwk' });
  const common = {
    kid: toBase64(kid),
    country: extra.country ?? 'XX',
    ...(extra.notBefore === undefined ? {} : { notBefore: extra.notBefore }),
    ...(extra.notAfter === undefined ? {} : { notAfter: extra.notAfter }),
    ...(extra.usages === undefined ? {} : { usages: extra.usages }),
  };
  if (jwk.kty === 'EC') {
    return { ...common, alg: 'ES256', key: { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y) } };
  }
  return { ...common, alg: 'PS256', key: { kty: 'RSA', n: String(jwk.n), e: String(jwk.e) } };
}

/** The signer record for a DER certificate (base64), with the kid the hcert spec derives from it. */
export function signerFromCertificate(derBase64: string): DccSigner {
  const der = Buffer.from(derBase64, 'base64');
  const cert = new X509Certificate(der);
  const kid = createHash('sha256').update(der).digest().subarray(0, 8);
  const country = /^C=(.*)$/m.exec(cert.subject)?.[1];
  // None of the DCC usage OIDs (whatever other extended key usages there are) = may sign all types.
  const usages = [...new Set((cert.keyUsage ?? []).flatMap((oid) => (USAGE_OIDS[oid] ? [USAGE_OIDS[oid]] : [])))];
  return signerFromKey(cert.publicKey, kid, {
    ...(country ? { country } : {}),
    notBefore: Math.floor(Date.parse(cert.validFrom) / 1000),
    notAfter: Math.floor(Date.parse(cert.validTo) / 1000),
    ...(usages.length > 0 ? { usages } : {}),
  });
}
