/**
 * Document Signer Certificates for tests, made in memory: a small DER writer and Node's crypto, so tests
 * need neither the openssl CLI (not guaranteed in CI) nor an X.509 library. Self-signed (phones and the CLI
 * never check a DSC's chain: the operator's import is the trust decision). ES256 on P-256, PS256 on plain
 * RSA or RSA-PSS keys, with or without the DCC extended key usages (also the misspelled `.0.` OIDs), CAs,
 * other curves, any validity window.
 */
import { createHash, generateKeyPairSync, type KeyObject, constants as rsa, sign } from 'node:crypto';

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

export function oid(dotted: string): Buffer {
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

export type DscKeyType = 'es256' | 'rsa' | 'rsa-pss' | 'p384' | 'ed25519' | 'rsa1024';

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

const PSS_PARAMS = seq(
  explicit(0, seq(oid('2.16.840.1.101.3.4.2.1'), NULL)),
  explicit(1, seq(oid('1.2.840.113549.1.1.8'), seq(oid('2.16.840.1.101.3.4.2.1'), NULL))),
  explicit(2, integer(32)),
);

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

/** How the certificate itself is signed (self-signed, with its own key). */
function certificateSignature(type: DscKeyType, privateKey: KeyObject, tbs: Buffer): [Buffer, Buffer] {
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

const name = (country: string | null, commonName: string) =>
  seq(
    ...(country === null ? [] : [set(seq(oid('2.5.4.6'), printable(country)))]),
    set(seq(oid('2.5.4.3'), utf8(commonName))),
  );

const YEAR = 365 * 86_400;

/** A self-signed Document Signer Certificate; by default ES256, country ID, valid 2021–2031, no EKU. */
export function makeDsc(options: DscOptions = {}): Dsc {
  const type = options.keyType ?? 'es256';
  const { privateKey, publicKey } = keyPair(type);
  const notBefore = options.notBefore ?? 1_609_459_200; // 2021-01-01
  const notAfter = options.notAfter ?? notBefore + 10 * YEAR;
  const subject = name(options.country === undefined ? 'ID' : options.country, options.commonName ?? 'Test DSC');
  const extensions: Buffer[] = [];
  if (options.ca) extensions.push(seq(oid('2.5.29.19'), TRUE, octets(seq(TRUE))));
  if (options.eku && options.eku.length > 0) {
    extensions.push(seq(oid('2.5.29.37'), octets(seq(...options.eku.map(oid)))));
  }
  const [algorithm] = certificateSignature(type, privateKey, Buffer.alloc(0));
  const tbs = seq(
    explicit(0, integer(2)),
    integer(options.serial ?? 1),
    algorithm,
    subject,
    seq(time(notBefore), time(notAfter)),
    subject,
    publicKey.export({ format: 'der', type: 'spki' }),
    ...(extensions.length > 0 ? [explicit(3, seq(...extensions))] : []),
  );
  const [, signature] = certificateSignature(type, privateKey, tbs);
  const der = seq(tbs, algorithm, bits(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  const kid = createHash('sha256').update(der).digest().subarray(0, 8).toString('base64');
  return { der, pem, kid, privateKey, publicKey };
}
