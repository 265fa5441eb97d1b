/**
 * A small DER writer and a self-signed X.509 certificate builder: Node reads certificates
 * (X509Certificate) but cannot make one. Used for the authority's own EU DCC Document Signer Certificate
 * (server/dcc-issuer.ts) and, through test/support/x509.ts, for test signers.
 */
import { createHash, type KeyObject, constants as rsa, sign } from 'node:crypto';

const tlv = (tag: number, content: Uint8Array): Buffer => {
  const n = content.length;
  const length: number[] = [];
  if (n < 0x80) length.push(n);
  else {
    for (let m = n; m > 0; m = Math.floor(m / 256)) length.unshift(m % 256);
    length.unshift(0x80 | length.length);
  }
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
};
const seq = (...parts: Uint8Array[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Uint8Array[]) => tlv(0x31, Buffer.concat(parts));
const explicit = (n: number, content: Uint8Array) => tlv(0xa0 + n, content);
const octets = (content: Uint8Array) => tlv(0x04, content);
const bits = (content: Uint8Array) => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const printable = (s: string) => tlv(0x13, Buffer.from(s, 'ascii'));
const NULL = Buffer.from([0x05, 0x00]);
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function integer(value: number | Uint8Array): Buffer {
  const hex = typeof value === 'number' ? value.toString(16) : '';
  let bytes = typeof value === 'number' ? Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex') : Buffer.from(value);
  while (bytes.length > 1 && bytes[0] === 0 && bytes[1] < 0x80) bytes = bytes.subarray(1);
  if (bytes[0] >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out = [40 * arcs[0] + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let a = Math.floor(arc / 128); a > 0; a = Math.floor(a / 128)) chunk.unshift(0x80 | (a & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(seconds: number): Buffer {
  const iso = new Date(seconds * 1000).toISOString(); // 2021-05-05T12:41:06.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = Number(iso.slice(0, 4));
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}

/** Key types a certificate can be made for (the DCC allows only ES256 and PS256; the others are for tests). */
export type CertificateKeyType = 'es256' | 'rsa' | 'rsa-pss' | 'p384' | 'ed25519' | 'rsa1024';

const PSS_PARAMS = seq(
  explicit(0, seq(oid('2.16.840.1.101.3.4.2.1'), NULL)),
  explicit(1, seq(oid('1.2.840.113549.1.1.8'), seq(oid('2.16.840.1.101.3.4.2.1'), NULL))),
  explicit(2, integer(32)),
);

/** The certificate's signature algorithm and signature over `tbs`, made with its own key (self-signed). */
function certificateSignature(type: CertificateKeyType, privateKey: KeyObject, tbs: Buffer): [Buffer, Buffer] {
  if (type === 'es256' || type === 'p384') {
    return [seq(oid('1.2.840.10045.4.3.2')), sign('sha256', tbs, privateKey)];
  }
  if (type === 'rsa-pss') {
    const signature = sign('sha256', tbs, { key: privateKey, padding: rsa.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    return [seq(oid('1.2.840.113549.1.1.10'), PSS_PARAMS), signature];
  }
  if (type === 'ed25519') return [seq(oid('1.3.101.112')), sign(null, tbs, privateKey)];
  return [seq(oid('1.2.840.113549.1.1.11'), NULL), sign('sha256', tbs, privateKey)];
}

export interface CertificateSpec {
  readonly keyType: CertificateKeyType;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Subject (= issuer) C; null = none. */
  readonly country: string | null;
  readonly commonName: string;
  /** Unix seconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** Extended key usage OIDs; none = no extension. */
  readonly eku?: readonly string[];
  readonly ca?: boolean;
  readonly serial: number | Uint8Array;
}

export interface BuiltCertificate {
  readonly der: Buffer;
  readonly pem: string;
  /** base64 of the first 8 bytes of SHA-256 of the DER (hcert's kid). */
  readonly kid: string;
}

/** A self-signed X.509 v3 certificate. */
export function selfSignedCertificate(spec: CertificateSpec): BuiltCertificate {
  const subject = seq(
    ...(spec.country === null ? [] : [set(seq(oid('2.5.4.6'), printable(spec.country)))]),
    set(seq(oid('2.5.4.3'), utf8(spec.commonName))),
  );
  const extensions: Buffer[] = [];
  if (spec.ca) extensions.push(seq(oid('2.5.29.19'), TRUE, octets(seq(TRUE))));
  if (spec.eku && spec.eku.length > 0) extensions.push(seq(oid('2.5.29.37'), octets(seq(...spec.eku.map(oid)))));
  const [algorithm] = certificateSignature(spec.keyType, spec.privateKey, Buffer.alloc(0));
  const tbs = seq(
    explicit(0, integer(2)),
    integer(spec.serial),
    algorithm,
    subject,
    seq(time(spec.notBefore), time(spec.notAfter)),
    subject,
    spec.publicKey.export({ format: 'der', type: 'spki' }),
    ...(extensions.length > 0 ? [explicit(3, seq(...extensions))] : []),
  );
  const [, signature] = certificateSignature(spec.keyType, spec.privateKey, tbs);
  const der = seq(tbs, algorithm, bits(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  const kid = createHash('sha256').update(der).digest().subarray(0, 8).toString('base64');
  return { der, pem, kid };
}
