/**
 * The JWT payload of a card (SMART Health Cards "Health Cards are encoded as Compact Serialization JWS"), in
 * valibot: `iss` (an https URL without a trailing `/`), `nbf` (seconds; may have a fraction, as the spec's own
 * examples do), optional `exp`, and `vc` with `type` including `https://smarthealth.cards#health-card` and
 * `credentialSubject` {`fhirVersion`, `fhirBundle`}. Like the spec's JSON schema, unknown members pass; the
 * FHIR resources are read strictly where they become facts (facts.ts).
 */
import * as v from 'valibot';

export const HEALTH_CARD_TYPE = 'https://smarthealth.cards#health-card';

/** NumericDate is seconds (RFC 7519); 10^11 is the year 5138, so a larger value was written in milliseconds. */
const seconds = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(99_999_999_999));
const issuer = v.pipe(
  v.string(),
  v.maxLength(512),
  v.check((s) => s.startsWith('https://') && s.length > 8, 'iss must be an https URL'),
  v.check((s) => !s.endsWith('/'), 'iss must not end with /'),
);
const resource = v.looseObject({ resourceType: v.pipe(v.string(), v.maxLength(64)) });
const bundle = v.looseObject({
  resourceType: v.literal('Bundle'),
  type: v.optional(v.string()),
  entry: v.pipe(
    v.array(v.looseObject({ fullUrl: v.optional(v.string()), resource })),
    v.minLength(1),
    v.maxLength(1000),
  ),
});
const shcPayload = v.looseObject({
  iss: issuer,
  nbf: seconds,
  exp: v.optional(seconds),
  vc: v.looseObject({
    type: v.pipe(
      v.array(v.string()),
      v.maxLength(64),
      v.check((t) => t.includes(HEALTH_CARD_TYPE), `vc.type must include ${HEALTH_CARD_TYPE}`),
    ),
    credentialSubject: v.looseObject({
      fhirVersion: v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+$/)),
      fhirBundle: bundle,
    }),
    // Revocation id: base64url alphabet, at most 24 characters (spec "Revocation").
    rid: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,24}$/))),
  }),
});

export type ShcPayload = v.InferOutput<typeof shcPayload>;
export type FhirResource = v.InferOutput<typeof resource>;

export function parseShcPayload(json: unknown): { ok: true; value: ShcPayload } | { ok: false; detail: string } {
  const r = v.safeParse(shcPayload, json);
  if (r.success) return { ok: true, value: r.output };
  const issue = r.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, detail: `${path || '(root)'}: ${issue.message}` };
}
