/**
 * Document Signer Certificates for tests, made in memory with server/x509-build.ts (a DER writer and Node's
 * crypto), so tests need neither the openssl CLI (not guaranteed in CI) nor an X.509 library. Self-signed
 * (phones and the CLI never check a DSC's chain: the operator's import is the trust decision). ES256 on
 * P-256, PS256 on plain RSA or RSA-PSS keys, with or without the DCC extended key usages (also the
 * misspelled `.0.` OIDs), CAs, other curves, any validity window.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type CertificateKeyType, selfSignedCertificate } from '../../server/x509-build';

/** The DCC extended key usages: test, vaccination, recovery. */
export const DCC_EKU = {
  t: '1.3.6.1.4.1.1847.2021.1.1',
  v: '1.3.6.1.4.1.1847.2021.1.2',
  r: '1.3.6.1.4.1.1847.2021.1.3',
};
/** The misspelled OIDs many member states' DSCs carry (an extra `.0.` arc). */
export const DCC_EKU_MISSPELLED = {
  t: '1.3.6.1.4.1.0.1847.2021.1.1',
  v: '1.3.6.1.4.1.0.1847.2021.1.2',
  r: '1.3.6.1.4.1.0.1847.2021.1.3',
};

export type DscKeyType = CertificateKeyType;

export interface DscOptions {
  readonly keyType?: DscKeyType;
  readonly country?: string | null;
  readonly commonName?: string;
  /** Unix seconds. */
  readonly notBefore?: number;
  readonly notAfter?: number;
  /** Extended key usage OIDs; none = no extension (may sign every type). */
  readonly eku?: readonly string[];
  readonly ca?: boolean;
  readonly serial?: number;
}

export interface Dsc {
  readonly der: Buffer;
  readonly pem: string;
  /** base64 of the first 8 bytes of SHA-256 of the DER (hcert's kid). */
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

function keyPair(type: DscKeyType) {
  switch (type) {
    case 'es256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa1024':
      return generateKeyPairSync('rsa', { modulusLength: 1024 });
    case 'rsa-pss':
      // An RSASSA-PSS key restricted to SHA-256 (@types/node mistypes saltLength, so the default is kept).
      return generateKeyPairSync('rsa-pss', {
        modulusLength: 2048,
        hashAlgorithm: 'sha256',
        mgf1HashAlgorithm: 'sha256',
      });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
  }
}

const YEAR = 365 * 86_400;

/** A self-signed Document Signer Certificate; by default ES256, country ID, valid 2021–2031, no EKU. */
export function makeDsc(options: DscOptions = {}): Dsc {
  const keyType = options.keyType ?? 'es256';
  const { privateKey, publicKey } = keyPair(keyType);
  const notBefore = options.notBefore ?? 1_609_459_200; // 2021-01-01
  const built = selfSignedCertificate({
    keyType,
    privateKey,
    publicKey,
    country: options.country === undefined ? 'ID' : options.country,
    commonName: options.commonName ?? 'Test DSC',
    notBefore,
    notAfter: options.notAfter ?? notBefore + 10 * YEAR,
    ...(options.eku ? { eku: options.eku } : {}),
    ...(options.ca ? { ca: true } : {}),
    serial: options.serial ?? 1,
  });
  return { ...built, privateKey, publicKey };
}
