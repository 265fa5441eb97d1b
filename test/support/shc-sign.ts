/**
 * Our own SMART Health Cards, made the way an issuer makes them (Node crypto: ES256 with raw r‖s, raw
 * DEFLATE, compact JWS, numeric QR) — and every way one can be wrong: no `zip`, wrong `alg` or `kid`, DER
 * signature, zlib instead of raw DEFLATE, trailing bytes, a bomb, bad payloads. Test-only: core never signs.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { toBase64Url, utf8 } from '../../src/core/bytes';
import { jwkThumbprint, type ShcIssuer, type ShcIssuerKey, toShcTexts } from '../../src/core/shc';

export const TEST_ISS = 'https://shc.example.jp/issuer';

export interface ShcTestIssuer {
  readonly iss: string;
  readonly key: ShcIssuerKey;
  readonly privateKey: KeyObject;
  /** The public JWK as a JWKS lists it (kty, use, alg, kid, crv, x, y). */
  readonly jwk: Record<string, string>;
}

export function makeShcIssuer(
  iss = TEST_ISS,
  extra: Partial<Omit<ShcIssuerKey, 'kid' | 'x' | 'y'>> = {},
): ShcTestIssuer {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const kid = jwkThumbprint(x, y);
  return {
    iss,
    key: { kid, x, y, ...extra },
    privateKey,
    jwk: { kty: 'EC', kid, use: 'sig', alg: 'ES256', crv: 'P-256', x, y },
  };
}

export const trustOf = (name: string, ...issuers: ShcTestIssuer[]): ShcIssuer[] => {
  const byIss = new Map<string, ShcIssuerKey[]>();
  for (const i of issuers) byIss.set(i.iss, [...(byIss.get(i.iss) ?? []), i.key]);
  return [...byIss].map(([iss, keys]) => ({ iss, name, keys }));
};

export const NOW = 1_796_000_000; // 2026-11-30

export const PATIENT = {
  fullUrl: 'resource:0',
  resource: { resourceType: 'Patient', name: [{ family: 'Yamada', given: ['Hanako'] }], birthDate: '1985-04-12' },
};

export const immunization = (cvx: string, date: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Immunization',
  status: 'completed',
  vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: cvx }] },
  patient: { reference: 'resource:0' },
  occurrenceDateTime: date,
  performer: [{ actor: { display: 'Tokyo Vaccination Centre' } }],
  lotNumber: 'FK1234',
  ...extra,
});

export const labResult = (loinc: string, result: string, effective: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
  subject: { reference: 'resource:0' },
  effectiveDateTime: effective,
  performer: [{ display: 'Narita Airport PCR Centre' }],
  valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: result }] },
  ...extra,
});

export function cardPayload(
  resources: readonly Record<string, unknown>[],
  opts: { iss?: string; nbf?: number; exp?: number; rid?: string; types?: string[] } = {},
): Record<string, unknown> {
  return {
    iss: opts.iss ?? TEST_ISS,
    nbf: opts.nbf ?? NOW - 86_400,
    ...(opts.exp === undefined ? {} : { exp: opts.exp }),
    vc: {
      type: opts.types ?? ['https://smarthealth.cards#health-card'],
      credentialSubject: {
        fhirVersion: '4.0.1',
        fhirBundle: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [
            structuredClone(PATIENT),
            ...resources.map((resource, i) => ({ fullUrl: `resource:${i + 1}`, resource })),
          ],
        },
      },
      ...(opts.rid === undefined ? {} : { rid: opts.rid }),
    },
  };
}

export const VACCINATED = () => cardPayload([immunization('208', '2021-06-01'), immunization('208', '2021-06-29')]);
export const TESTED = (effective = '2026-11-29T08:00:00+09:00', result = '260385009') =>
  cardPayload([labResult('94309-2', result, effective)], { types: ['https://smarthealth.cards#health-card'] });

export interface SignOptions {
  /** Replace or drop header members (undefined value = drop). */
  readonly header?: Record<string, unknown>;
  /** The compressed payload bytes instead of raw DEFLATE of the JSON. */
  readonly compressed?: (json: Uint8Array) => Uint8Array;
  /** DER (ASN.1) instead of raw r‖s. */
  readonly der?: boolean;
  readonly payloadText?: string;
}

/** A compact JWS signed by `issuer`. */
export function signShc(issuer: ShcTestIssuer, payload: unknown, o: SignOptions = {}): string {
  const header: Record<string, unknown> = { zip: 'DEF', alg: 'ES256', kid: issuer.key.kid };
  for (const [k, v] of Object.entries(o.header ?? {})) {
    if (v === undefined) delete header[k];
    else header[k] = v;
  }
  const json = utf8(o.payloadText ?? JSON.stringify(payload));
  const body = o.compressed ? o.compressed(json) : new Uint8Array(deflateRawSync(json));
  const input = `${toBase64Url(utf8(JSON.stringify(header)))}.${toBase64Url(body)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: issuer.privateKey,
    dsaEncoding: o.der ? 'der' : 'ieee-p1363',
  });
  return `${input}.${toBase64Url(new Uint8Array(signature))}`;
}

/** The QR texts of a signed card (one, or balanced chunks). */
export const shcQr = (issuer: ShcTestIssuer, payload: unknown, o: SignOptions = {}): string[] =>
  toShcTexts(signShc(issuer, payload, o));

export const zlibInstead = (json: Uint8Array) => new Uint8Array(deflateSync(json));
export const withTrailing = (json: Uint8Array) => new Uint8Array([...deflateRawSync(json), 0, 1, 2]);
/** A raw DEFLATE bomb: `size` zero bytes inside a valid payload-shaped JSON string. */
export const bomb = (size: number) => () =>
  new Uint8Array(deflateRawSync(Buffer.concat([Buffer.from('{"iss":"'), Buffer.alloc(size, 0x61), Buffer.from('"}')])));

/** A payload large enough to need chunks: padding in the Patient's names (random, so DEFLATE cannot shrink it). */
export function bigPayload(bytes: number): Record<string, unknown> {
  let seed = 12345;
  const letters = Array.from({ length: bytes }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return String.fromCharCode(97 + (seed % 26));
  }).join('');
  const p = VACCINATED() as {
    vc: { credentialSubject: { fhirBundle: { entry: { resource: Record<string, unknown> }[] } } };
  };
  p.vc.credentialSubject.fhirBundle.entry[0].resource.text = letters;
  return p;
}

/**
 * A visitor's card that needs two QR parts: Hanako Yamada's two Pfizer doses (120 and 90 days before `now`) and a
 * negative PCR sampled 20 h before, signed by `issuer` at `now` − 60 s, with a generated narrative in the Patient
 * resource that makes the JWS just longer than one QR may hold (1,195 characters), so it splits in two (e2e 68-,
 * the `shc-*` screens). The issuer's handle needs only its iss, key and private key (server/shc-issuer.ts too).
 */
export function twoPartVisitorCard(issuer: Pick<ShcTestIssuer, 'iss' | 'key' | 'privateKey'>, now: number): string[] {
  const day = (offset: number) => new Date((now + offset * 86_400) * 1000).toISOString().slice(0, 10);
  const sampled = new Date((now - 20 * 3600) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const resources = [
    immunization('208', day(-120), { lotNumber: 'FF2587' }),
    immunization('208', day(-90), { lotNumber: 'FF4204' }),
    labResult('94309-2', '260415000', sampled),
  ];
  for (let words = 0; words < 2000; words += 10) {
    const payload = cardPayload(resources, { iss: issuer.iss, nbf: now - 60 }) as {
      vc: { credentialSubject: { fhirBundle: { entry: { resource: Record<string, unknown> }[] } } };
    };
    // Varied words (DEFLATE would fold a repeated one away): the card grows with their number.
    payload.vc.credentialSubject.fhirBundle.entry[0].resource.text = {
      status: 'generated',
      div: Array.from({ length: words }, (_, i) => ((i * 7919) % 9973).toString(36)).join(' '),
    };
    const texts = toShcTexts(signShc({ ...issuer, jwk: {} }, payload));
    if (texts.length === 2) return texts;
  }
  throw new Error('no two-part card');
}
