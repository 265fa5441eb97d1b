/**
 * A verified card as the app sees it: the holder (FHIR `Patient`), its COVID-19 immunizations and SARS-CoV-2
 * lab results, and the facts they prove in the shape `eligibility.ts` takes from Singgah certificates and
 * DCCs. Only known codes with status `completed` (immunization) or `final`/`amended`/`corrected` (lab) and a
 * readable date become facts — never a guess (docs/FORMATS.md "SMART Health Cards: facts").
 */
import type { DccFact } from '../dcc/facts';
import {
  CVX,
  DEFAULT_SERIES_DOSES,
  LOINC,
  lookup,
  SHC_CVX_VACCINES,
  SHC_LAB_RESULTS,
  SHC_LAB_TESTS,
  SHC_SERIES_DOSES,
  SHC_SNOMED_VACCINES,
  SNOMED,
} from './codes';
import type { FhirResource, ShcPayload } from './payload';
import type { ShcIssuer } from './types';

/** A card proves vaccinations and tests only (no recovery), in the DCC's fact shape. */
export type ShcFact = Exclude<DccFact, { kind: 'recovery' }>;

export interface ShcHolder {
  readonly family?: string;
  readonly given: readonly string[];
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the card has it, or empty. */
  readonly birthDate: string;
}

export interface ShcCoding {
  readonly system: string;
  readonly code: string;
}

export interface ShcImmunization {
  readonly vaccine: ShcCoding | null;
  /** Named from the code tables (codes.ts); null = not a COVID-19 vaccine we know. */
  readonly product: string | null;
  readonly status: string;
  /** `YYYY-MM-DD`; null when the occurrence is not a full date. */
  readonly date: string | null;
  readonly lotNumber?: string;
  readonly performer?: string;
  /** As the card says (`protocolApplied`), else counted; null when it gives no fact. */
  readonly dose: number | null;
  readonly doses: number | null;
}

export interface ShcLabResult {
  readonly test: ShcCoding | null;
  readonly testType: 'pcr' | 'antigen' | null;
  readonly result: 'neg' | 'pos' | null;
  readonly resultCode: ShcCoding | null;
  readonly status: string;
  /** Unix seconds of the sample (`effectiveDateTime`); null when unreadable. */
  readonly sampleTime: number | null;
  readonly performer?: string;
}

export interface ShcCertificate {
  readonly format: 'shc';
  readonly holder: ShcHolder;
  readonly iss: string;
  readonly issuerName: string;
  readonly kid: string;
  /** `nbf` (a fraction is dropped) and `exp` when the card has one. */
  readonly issuedAt: number;
  readonly expiresAt?: number;
  readonly rid?: string;
  readonly immunizations: readonly ShcImmunization[];
  readonly labResults: readonly ShcLabResult[];
  /** Every fact the card proves (one per counted immunization or lab result). */
  readonly facts: readonly ShcFact[];
  readonly payload: ShcPayload;
}

type Json = Record<string, unknown>;
const obj = (x: unknown): Json | undefined =>
  typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Json) : undefined;
const arr = (x: unknown): readonly unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const posInt = (x: unknown): number | undefined =>
  typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 99 ? x : undefined;

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

const validDay = (day: string): boolean => {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(day);
};

/** `YYYY-MM-DD` of a FHIR date or dateTime (its own calendar date, as written); undefined when partial. */
export function readFhirDate(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  const day = FULL_DATE.test(s) ? s : DATE_TIME.exec(s)?.[1];
  return day !== undefined && validDay(day) ? day : undefined;
}

/**
 * Unix seconds of a FHIR dateTime. A date-time must carry its offset (FHIR requires one with a time). A date
 * alone is read as the earliest instant that date exists anywhere (00:00 at UTC+14), so a negative test never
 * looks more recent than it can be.
 */
export function readFhirTime(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  if (FULL_DATE.test(s)) return validDay(s) ? Date.parse(`${s}T00:00:00+14:00`) / 1000 : undefined;
  const m = DATE_TIME.exec(s);
  if (!m || !validDay(m[1]) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59) return undefined;
  if (m[7] !== undefined && (Number(m[7]) > 14 || Number(m[8]) > 59)) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** The first coding of a CodeableConcept in one of `systems`. */
function codingIn(concept: unknown, systems: readonly string[]): ShcCoding | null {
  for (const c of arr(obj(concept)?.coding)) {
    const system = str(obj(c)?.system);
    const code = str(obj(c)?.code);
    if (system !== undefined && code !== undefined && systems.includes(system)) return { system, code };
  }
  return null;
}

const performerOf = (r: Json): string | undefined =>
  str(obj(obj(arr(r.performer)[0])?.actor)?.display) ?? str(obj(arr(r.performer)[0])?.display);

function holderOf(resources: readonly FhirResource[]): ShcHolder {
  const patient = resources.find((r) => r.resourceType === 'Patient') as Json | undefined;
  const names = arr(patient?.name).map(obj);
  const name = names.find((n) => n?.use === 'official') ?? names[0];
  const family = str(name?.family);
  return {
    ...(family === undefined ? {} : { family }),
    given: arr(name?.given).filter((g): g is string => typeof g === 'string'),
    birthDate: str(patient?.birthDate) ?? '',
  };
}

const vaccineName = (c: ShcCoding | null): string | null =>
  c === null
    ? null
    : ((c.system === CVX ? lookup(SHC_CVX_VACCINES, c.code) : lookup(SHC_SNOMED_VACCINES, c.code)) ?? null);

function immunizationsOf(resources: readonly FhirResource[]): ShcImmunization[] {
  const read = resources
    .filter((r) => r.resourceType === 'Immunization')
    .map((raw) => {
      const r = raw as Json;
      const vaccine = codingIn(r.vaccineCode, [CVX, SNOMED]);
      const protocol = obj(arr(r.protocolApplied)[0]);
      return {
        vaccine,
        product: vaccineName(vaccine),
        status: str(r.status) ?? '',
        date: readFhirDate(r.occurrenceDateTime) ?? null,
        lotNumber: str(r.lotNumber),
        performer: performerOf(r),
        givenDose: posInt(protocol?.doseNumberPositiveInt),
        givenSeries: posInt(protocol?.seriesDosesPositiveInt),
      };
    });
  // Doses that count, in date order: a dose the card does not number is its place in that order.
  const counted = read
    .filter((i) => i.product !== null && i.status === 'completed' && i.date !== null)
    .sort((a, b) => ((a.date as string) < (b.date as string) ? -1 : (a.date as string) > (b.date as string) ? 1 : 0));
  return read.map((i) => {
    const place = counted.indexOf(i);
    const { givenDose, givenSeries, lotNumber, performer, ...rest } = i;
    return {
      ...rest,
      ...(lotNumber === undefined ? {} : { lotNumber }),
      ...(performer === undefined ? {} : { performer }),
      dose: place < 0 ? null : (givenDose ?? place + 1),
      doses: place < 0 ? null : (givenSeries ?? SHC_SERIES_DOSES[i.product as string] ?? DEFAULT_SERIES_DOSES),
    };
  });
}

const FINAL = new Set(['final', 'amended', 'corrected']);

function labResultsOf(resources: readonly FhirResource[]): ShcLabResult[] {
  return resources
    .filter((r) => r.resourceType === 'Observation')
    .map((raw) => {
      const r = raw as Json;
      const test = codingIn(r.code, [LOINC]);
      const resultCode = codingIn(r.valueCodeableConcept, [SNOMED]);
      const performer = performerOf(r);
      return {
        test,
        testType: (test && lookup(SHC_LAB_TESTS, test.code)) ?? null,
        result: (resultCode && lookup(SHC_LAB_RESULTS, resultCode.code)) ?? null,
        resultCode,
        status: str(r.status) ?? '',
        sampleTime: readFhirTime(r.effectiveDateTime) ?? null,
        ...(performer === undefined ? {} : { performer }),
      };
    });
}

export function factsOfShc(immunizations: readonly ShcImmunization[], labResults: readonly ShcLabResult[]): ShcFact[] {
  const facts: ShcFact[] = [];
  for (const i of immunizations) {
    if (i.product === null || i.date === null || i.dose === null || i.doses === null) continue;
    facts.push({ kind: 'vaccination', product: i.product, dose: i.dose, doses: i.doses, date: i.date });
  }
  for (const t of labResults) {
    if (!FINAL.has(t.status) || t.testType === null || t.result === null || t.sampleTime === null) continue;
    facts.push({ kind: 'test', testType: t.testType, result: t.result, sampleTime: t.sampleTime });
  }
  return facts;
}

/** The card's contents, read from a schema-valid payload (holder, immunizations, lab results, facts). */
export function readShcContents(payload: ShcPayload) {
  const resources = payload.vc.credentialSubject.fhirBundle.entry.map((e) => e.resource);
  const immunizations = immunizationsOf(resources);
  const labResults = labResultsOf(resources);
  return {
    holder: holderOf(resources),
    immunizations,
    labResults,
    facts: factsOfShc(immunizations, labResults),
  };
}

/** Only for a card that passed every check. */
export function certificateOfShc(payload: ShcPayload, issuer: ShcIssuer, kid: string): ShcCertificate {
  return {
    format: 'shc',
    ...readShcContents(payload),
    iss: payload.iss,
    issuerName: issuer.name,
    kid,
    issuedAt: Math.floor(payload.nbf),
    ...(payload.exp === undefined ? {} : { expiresAt: Math.floor(payload.exp) }),
    ...(payload.vc.rid === undefined ? {} : { rid: payload.vc.rid }),
    payload,
  };
}
