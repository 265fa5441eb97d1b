/**
 * A SMART Health Card issuer the authority can run (the demo's "visitor from Japan": cards from another
 * country's issuer, which phones verify against the bundle like any trusted issuer): its ES256 key in
 * `DATA_DIR/keys/demo-shc-issuer.json` (0600, never committed, PKCS#8 encrypted under the passphrase when one
 * is set), trusted in `shc-issuers.json` when made, and cards signed with it — FHIR bundle → minified JSON →
 * raw DEFLATE → compact JWS (`zip: DEF`, `kid` = thumbprint) → `shc:/` QR text(s). Every card is checked with
 * core `verifyShc` before it is returned.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { toBase64Url, utf8 } from '../src/core/bytes';
import type { UnixSeconds } from '../src/core/schema';
import { HEALTH_CARD_TYPE, jwkThumbprint, type ShcIssuerKey, toShcTexts, verifyShc } from '../src/core/shc';
import { AuthorityError } from './errors';
import { currentPassphrase, writeFileAtomic } from './keys';
import { addTrustedShcIssuers } from './shc-trust';

/** The demo issuer: a reserved `.example` host, so it can never be mistaken for a real issuer. */
export const DEMO_SHC_ISS = 'https://japan.shc-issuer.example';
export const DEMO_SHC_NAME = 'Demo: Japan vaccination issuer (stand-in)';
export const demoShcIssuerPath = (dataDir: string) => join(dataDir, 'keys', 'demo-shc-issuer.json');

interface IssuerFile {
  readonly version: 1;
  readonly iss: string;
  readonly name: string;
  readonly key: ShcIssuerKey;
  /** PKCS#8 PEM, encrypted when a passphrase is set (as the DCC issuer's). */
  readonly privateKey: string;
}

export interface ShcIssuerHandle {
  readonly iss: string;
  readonly name: string;
  readonly key: ShcIssuerKey;
  readonly privateKey: KeyObject;
}

/** Make the issuer key once and trust it (the next bundle carries it); an existing one is kept. */
export function ensureShcIssuer(
  dataDir: string,
  path = demoShcIssuerPath(dataDir),
  iss = DEMO_SHC_ISS,
  name = DEMO_SHC_NAME,
): ShcIssuerHandle | undefined {
  if (existsSync(path)) return undefined;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const key: ShcIssuerKey = { kid: jwkThumbprint(x, y), x, y };
  const passphrase = currentPassphrase();
  const file: IssuerFile = {
    version: 1,
    iss,
    name,
    key,
    privateKey: String(
      privateKey.export({ format: 'pem', type: 'pkcs8', ...(passphrase ? { cipher: 'aes-256-cbc', passphrase } : {}) }),
    ),
  };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
  addTrustedShcIssuers(dataDir, { issuers: [{ iss, name, keys: [key] }], crls: [], names: new Map(), skipped: [] });
  return { iss, name, key, privateKey };
}

export function loadShcIssuer(path: string): ShcIssuerHandle {
  if (!existsSync(path)) throw new AuthorityError('KEYS_MISSING', `no SMART Health Card issuer key at ${path}`);
  let file: IssuerFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as IssuerFile;
  } catch {
    throw new AuthorityError('KEY_FILE_INVALID', `${path} is not valid JSON`);
  }
  let privateKey: KeyObject;
  try {
    const passphrase = currentPassphrase();
    privateKey = createPrivateKey({ key: file.privateKey, format: 'pem', ...(passphrase ? { passphrase } : {}) });
  } catch {
    throw new AuthorityError(
      'KEY_LOCKED',
      `${path}: cannot open the key (give the passphrase, or the file was altered)`,
    );
  }
  return { iss: file.iss, name: file.name, key: file.key, privateKey };
}

export interface ShcImmunizationInput {
  readonly family: string;
  readonly given: readonly string[];
  readonly birthDate: string;
  /** CVX code and date (`YYYY-MM-DD`) of each dose, oldest first. */
  readonly doses: readonly { readonly cvx: string; readonly date: string; readonly lot: string }[];
  readonly performer: string;
}

/** A COVID-19 immunization card signed at `now` by `issuer`: the QR text(s), verified with core first. */
export function issueShcImmunization(issuer: ShcIssuerHandle, input: ShcImmunizationInput, now: UnixSeconds): string[] {
  const payload = {
    iss: issuer.iss,
    nbf: now,
    vc: {
      type: [HEALTH_CARD_TYPE, 'https://smarthealth.cards#immunization', 'https://smarthealth.cards#covid19'],
      credentialSubject: {
        fhirVersion: '4.0.1',
        fhirBundle: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [
            {
              fullUrl: 'resource:0',
              resource: {
                resourceType: 'Patient',
                name: [{ family: input.family, given: input.given }],
                birthDate: input.birthDate,
              },
            },
            ...input.doses.map((d, i) => ({
              fullUrl: `resource:${i + 1}`,
              resource: {
                resourceType: 'Immunization',
                status: 'completed',
                vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: d.cvx }] },
                patient: { reference: 'resource:0' },
                occurrenceDateTime: d.date,
                performer: [{ actor: { display: input.performer } }],
                lotNumber: d.lot,
              },
            })),
          ],
        },
      },
    },
  };
  const header = toBase64Url(utf8(JSON.stringify({ zip: 'DEF', alg: 'ES256', kid: issuer.key.kid })));
  const body = toBase64Url(new Uint8Array(deflateRawSync(utf8(JSON.stringify(payload)))));
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), {
    key: issuer.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  const texts = toShcTexts(`${header}.${body}.${toBase64Url(new Uint8Array(signature))}`);
  const check = verifyShc(
    { qr: texts },
    { at: now, issuers: [{ iss: issuer.iss, name: issuer.name, keys: [issuer.key] }] },
  );
  if (!check.ok) throw new AuthorityError('INPUT_INVALID', `the signed card does not verify: ${check.error.code}`);
  return texts;
}

export interface DemoShc {
  readonly holder: string;
  readonly note: { readonly id: string; readonly en: string };
  /** The card's QR text(s). */
  readonly texts: readonly string[];
}

/** The demo's SMART Health Card, signed at `now`: a visitor from Japan with two Pfizer doses. Empty before demo-init. */
export function demoShcs(dataDir: string, now: UnixSeconds): DemoShc[] {
  if (!existsSync(demoShcIssuerPath(dataDir))) return [];
  const day = (offset: number) => new Date((now + offset * 86_400) * 1000).toISOString().slice(0, 10);
  const texts = issueShcImmunization(
    loadShcIssuer(demoShcIssuerPath(dataDir)),
    {
      family: 'Yamada',
      given: ['Hanako'],
      birthDate: '1985-04-12',
      doses: [
        { cvx: '208', date: day(-120), lot: 'FF2587' },
        { cvx: '208', date: day(-90), lot: 'FF4204' },
      ],
      performer: 'Tokyo Metropolitan Vaccination Centre',
    },
    now,
  );
  return [
    {
      holder: 'Hanako Yamada',
      note: {
        id: 'Pengunjung dari Jepang dengan Kartu Kesehatan SMART: dua dosis, tanpa wilayah Indonesia.',
        en: 'A visitor from Japan with a SMART Health Card: two doses, no Indonesian region.',
      },
      texts,
    },
  ];
}
