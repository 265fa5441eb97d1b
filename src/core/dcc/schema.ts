/**
 * The DCC JSON schema 1.3.x (DCC.combined-schema.json), hand-written in valibot, with the schema's own
 * semantics: unknown properties are allowed (issuers add fields; later versions add fields), value-set
 * membership is not checked, and `format` (date, date-time) is an annotation, not an assertion — as in
 * JSON Schema 2020-12 and the EU test suite's validator (issuers do write `fr` as a date-time). Dates and
 * times are read strictly where they become facts (facts.ts): one that cannot be read gives no fact.
 */
import * as v from 'valibot';
import type { DccType } from './types';

const date = v.string();
const dateTime = v.string();
const max80 = v.pipe(v.string(), v.maxLength(80));
const dose = v.pipe(v.number(), v.integer(), v.minValue(1));
// The JSON schema's pattern is unanchored ("[A-Z]{1,10}"): one capital letter anywhere passes it.
const country = v.pipe(v.string(), v.regex(/[A-Z]{1,10}/));
const code = v.string();
const one = <T extends v.GenericSchema>(entry: T) => v.pipe(v.array(entry), v.length(1));

const vaccination = v.looseObject({
  tg: code,
  vp: code,
  mp: code,
  ma: code,
  dn: dose,
  sd: dose,
  dt: date,
  co: country,
  is: max80,
  ci: max80,
});
const test = v.looseObject({
  tg: code,
  tt: code,
  nm: v.optional(max80),
  ma: v.optional(code),
  sc: dateTime,
  tr: code,
  tc: v.optional(max80),
  co: country,
  is: max80,
  ci: max80,
});
const recovery = v.looseObject({
  tg: code,
  fr: date,
  co: country,
  is: max80,
  df: date,
  du: date,
  ci: max80,
});
const transliterated = v.pipe(v.string(), v.regex(/^[A-Z<]*$/), v.maxLength(80));
const name = v.pipe(
  v.looseObject({
    fn: v.optional(max80),
    fnt: v.optional(transliterated),
    gn: v.optional(max80),
    gnt: v.optional(transliterated),
  }),
  v.check((n) => n.fnt !== undefined || n.gnt !== undefined, 'needs fnt or gnt'),
);
const dcc = v.pipe(
  v.looseObject({
    ver: v.pipe(v.string(), v.regex(/^\d+.\d+.\d+$/)),
    nam: name,
    dob: v.pipe(v.string(), v.regex(/^((19|20)\d\d(-\d\d){0,2}){0,1}$/)),
    v: v.optional(one(vaccination)),
    t: v.optional(one(test)),
    r: v.optional(one(recovery)),
  }),
  v.check((d) => [d.v, d.t, d.r].filter((g) => g !== undefined).length === 1, 'exactly one of v, t, r'),
);

export type DccPayload = v.InferOutput<typeof dcc>;
export type DccVaccination = v.InferOutput<typeof vaccination>;
export type DccTest = v.InferOutput<typeof test>;
export type DccRecovery = v.InferOutput<typeof recovery>;

export function parseDccPayload(json: unknown): { ok: true; value: DccPayload } | { ok: false; detail: string } {
  const r = v.safeParse(dcc, json);
  if (r.success) return { ok: true, value: r.output };
  const issue = r.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, detail: `${path || '(root)'}: ${issue.message}` };
}

/** The one entry type a schema-valid DCC holds. */
export const typeOf = (d: DccPayload): DccType => (d.v ? 'v' : d.t ? 't' : 'r');
