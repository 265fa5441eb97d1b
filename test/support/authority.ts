/**
 * A deterministic test authority: real Ed25519 keys from fixed seeds, the demo policy, and helpers to
 * issue venues and certificates. Used by unit tests and to generate test/vectors.
 */
import policyJson from '../../server/demo/policy.json';
import { type BundleKey, type BundlePayload, signBundle, type TrustAnchor } from '../../src/core/bundle';
import { toBase64Url } from '../../src/core/bytes';
import { type Certificate, encodeCertificate } from '../../src/core/certificate';
import { type KeyPair, keyIdOf, keyPairFromSeed, type SignedType } from '../../src/core/ed25519';
import { bundlePayloadFrom, type PolicyFile } from '../../src/core/policy-file';
import { MAX_TIME, MIN_TIME } from '../../src/core/schema';
import { encodeVenue, type Venue } from '../../src/core/venue';

export const policy = policyJson as PolicyFile;

export const seededKey = (n: number): KeyPair => keyPairFromSeed(new Uint8Array(32).fill(n));

export const root = seededKey(1);
export const root2 = seededKey(2);
export const certKey = seededKey(3);
export const venueKey = seededKey(4);
export const noticesKey = seededKey(5);

export const anchorOf = (keys: readonly KeyPair[], threshold = 1): TrustAnchor => ({
  threshold,
  keys: keys.map((k) => ({ kid: keyIdOf(k.publicKey), publicKey: k.publicKey })),
});
export const anchor = anchorOf([root]);

export const bundleKey = (
  k: KeyPair,
  role: BundleKey['role'],
  validFrom = MIN_TIME,
  validTo = MAX_TIME,
): BundleKey => ({ kid: keyIdOf(k.publicKey), publicKey: toBase64Url(k.publicKey), role, validFrom, validTo });

export const defaultKeys = [
  bundleKey(certKey, 'certificate'),
  bundleKey(venueKey, 'venue'),
  bundleKey(noticesKey, 'notices'),
];

/** 2026-11-22T08:00:00Z — a fixed "now" for tests. */
export const NOW = 1_795_420_800;
export const DAY = 86_400;
export const HOUR = 3_600;

export function makeBundlePayload(overrides: Partial<BundlePayload> = {}, version = 1, now = NOW - DAY): BundlePayload {
  return { ...bundlePayloadFrom(policy, defaultKeys, version, now), ...overrides };
}

export const makeBundle = (payload: BundlePayload = makeBundlePayload(), signers: readonly KeyPair[] = [root]) =>
  signBundle(
    payload,
    signers.map((s) => s.secretKey),
  );

export const kaltimOffice: Venue = {
  id: 'KGKT0001',
  name: 'Kantor Gubernur Kalimantan Timur',
  address: 'Jl. Gajah Mada No. 2, Samarinda',
  category: 'gov',
  region: '64',
  capacity: 400,
  stayMinutes: 120,
  kid: keyIdOf(venueKey.publicKey),
  issuedAt: NOW - 30 * DAY,
};

export const semarangMosque: Venue = {
  id: 'MAJT0001',
  name: 'Masjid Agung Jawa Tengah',
  address: 'Jl. Gajah Raya, Semarang',
  category: 'worship',
  region: '3374',
  capacity: 15000,
  stayMinutes: 60,
  kid: keyIdOf(venueKey.publicKey),
  issuedAt: NOW - 30 * DAY,
};

export const signVenue = (v: Venue, key: KeyPair = venueKey) => encodeVenue(v, key.secretKey);

let serial = 0;
// Lifetimes fit the demo policy's maxCertificateDays (vaccination 365, test 14, recovery 180).
const base = (region = '6472') => ({
  id: `CERT${String(++serial).padStart(6, '0')}`,
  holder: { name: 'Budi Santoso', birthDate: '1985-04-12', region },
  kid: keyIdOf(certKey.publicKey),
  issuedAt: NOW - 200 * DAY,
  expiresAt: NOW + 165 * DAY,
});

export const vaccination = (dose: number, doses: number, date: string, region?: string): Certificate => ({
  ...base(region),
  kind: 'vaccination',
  product: 'Sinovac',
  dose,
  doses,
  date,
});

export const pcr = (result: 'neg' | 'pos', sampleTime: number, region?: string): Certificate => ({
  ...base(region),
  issuedAt: sampleTime,
  expiresAt: sampleTime + 14 * DAY,
  kind: 'test',
  testType: 'pcr',
  result,
  sampleTime,
});

export const recovery = (firstPositiveDate: string, region?: string): Certificate => ({
  ...base(region),
  issuedAt: NOW - 30 * DAY,
  expiresAt: NOW + 150 * DAY,
  kind: 'recovery',
  firstPositiveDate,
});

export const signCertificate = (c: Certificate, key: KeyPair = certKey) => encodeCertificate(c, key.secretKey);

export const signedTypes: readonly SignedType[] = ['venue', 'certificate', 'bundle', 'notices', 'pass'];
