/**
 * A verified DCC as the app sees it: the holder, the one entry, and the fact it proves in the same shape
 * `eligibility.ts` derives from Singgah certificates. Only known codes become facts: a disease other
 * than COVID-19, a test type other than NAAT/RAT or a result other than detected/not detected gives no
 * fact (the DCC still shows, it just proves nothing to the rules) — never a guess.
 */
import type { DccPayload, DccRecovery, DccTest, DccVaccination } from './schema';
import { typeOf } from './schema';
import type { DccClaims, DccSigner, DccType } from './types';

/** SNOMED CT 840539006, COVID-19: the only disease the DCC value set lists. */
export const COVID_19 = '840539006';
export const TEST_TYPES: Readonly<Record<string, 'pcr' | 'antigen'>> = {
  'LP6464-4': 'pcr', // Nucleic acid amplification with probe detection (NAAT, e.g. RT-PCR)
  'LP217198-3': 'antigen', // Rapid immunoassay
};
export const TEST_RESULTS: Readonly<Record<string, 'neg' | 'pos'>> = {
  '260415000': 'neg', // Not detected
  '260373001': 'pos', // Detected
};

export type DccFact =
  | {
      readonly kind: 'vaccination';
      readonly product: string;
      readonly dose: number;
      readonly doses: number;
      readonly date: string;
    }
  | {
      readonly kind: 'test';
      readonly testType: 'pcr' | 'antigen';
      readonly result: 'neg' | 'pos';
      readonly sampleTime: number;
    }
  | {
      readonly kind: 'recovery';
      readonly firstPositiveDate: string;
      readonly validFrom: string;
      readonly validUntil: string;
    };

export interface DccHolder {
  readonly fn?: string;
  readonly gn?: string;
  readonly fnt?: string;
  readonly gnt?: string;
  /** `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or empty, as the DCC has it. */
  readonly dob: string;
}

export interface DccCertificate {
  readonly format: 'eu-dcc';
  readonly holder: DccHolder;
  readonly type: DccType;
  /** Country of vaccination / test / recovery (`co`). */
  readonly country: string;
  /** The certificate issuer's name (`is`) and the UCI (`ci`). */
  readonly issuer: string;
  readonly uci: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The signer's country (from its certificate's subject C). */
  readonly signerCountry: string;
  readonly entry: DccVaccination | DccTest | DccRecovery;
  /** null when a code is not one the mapping knows. */
  readonly fact: DccFact | null;
  readonly payload: DccPayload;
}

const DATE = /^(\d{4}-\d{2}-\d{2})(?:T|$)/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** `YYYY-MM-DD` of a calendar date, also when an issuer wrote a date-time (`2022-01-01T00:00:00Z`). */
export function readDccDate(s: string): string | undefined {
  const day = DATE.exec(s)?.[1];
  if (day === undefined) return undefined;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(day) ? day : undefined;
}

/** Unix seconds of an ISO 8601 date-time with an offset (`Z`, `+hh:mm`, `+hhmm`, `+hh`); none without one. */
export function readDccTime(s: string): number | undefined {
  const m = DATE_TIME.exec(s);
  if (!m || readDccDate(s) === undefined) return undefined;
  const offset = m[3].toUpperCase() === 'Z' ? 'Z' : `${m[3].slice(0, 3)}:${m[3].slice(3).replace(':', '') || '00'}`;
  const ms = Date.parse(s.slice(0, s.length - m[3].length) + offset);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export function factOf(payload: DccPayload): DccFact | null {
  const v = payload.v?.[0];
  if (v) {
    const date = readDccDate(v.dt);
    if (v.tg !== COVID_19 || date === undefined) return null;
    return { kind: 'vaccination', product: v.mp, dose: v.dn, doses: v.sd, date };
  }
  const t = payload.t?.[0];
  if (t) {
    const testType = TEST_TYPES[t.tt];
    const result = TEST_RESULTS[t.tr];
    const sampleTime = readDccTime(t.sc);
    if (t.tg !== COVID_19 || !testType || !result || sampleTime === undefined) return null;
    return { kind: 'test', testType, result, sampleTime };
  }
  const r = payload.r?.[0];
  if (!r || r.tg !== COVID_19) return null;
  const [firstPositiveDate, validFrom, validUntil] = [r.fr, r.df, r.du].map(readDccDate);
  if (!firstPositiveDate || !validFrom || !validUntil) return null;
  return { kind: 'recovery', firstPositiveDate, validFrom, validUntil };
}
/** Only for a DCC that passed every check (claims complete, one entry). */
export function certificateOf(
  payload: DccPayload,
  claims: Required<Pick<DccClaims, 'iat' | 'exp'>>,
  signer: DccSigner,
): DccCertificate {
  const entry = (payload.v?.[0] ?? payload.t?.[0] ?? payload.r?.[0]) as DccVaccination | DccTest | DccRecovery;
  const { fn, gn, fnt, gnt } = payload.nam;
  return {
    format: 'eu-dcc',
    holder: {
      ...(fn === undefined ? {} : { fn }),
      ...(gn === undefined ? {} : { gn }),
      ...(fnt === undefined ? {} : { fnt }),
      ...(gnt === undefined ? {} : { gnt }),
      dob: payload.dob,
    },
    type: typeOf(payload),
    country: entry.co,
    issuer: entry.is,
    uci: entry.ci,
    issuedAt: claims.iat,
    expiresAt: claims.exp,
    signerCountry: signer.country,
    entry,
    fact: factOf(payload),
    payload,
  };
}
