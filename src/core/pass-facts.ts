/**
 * The pass for the guard: a person's status plus the facts behind it ("2 of 2 doses, last 3 Aug 2021",
 * "PCR negative, 20 h ago") and the certificates that prove each fact, the deciding one first, so the pass
 * can show their QR codes for the verifier to re-verify. The facts are the very ones the status rules saw
 * (eligibility.factsOf): each one is mapped back to the certificate it came from, never re-selected here.
 */
import type { SignedCertificate } from './certificate';
import {
  type CountedForeign,
  countedForeignOf,
  type DecisionContext,
  type PersonExtras,
  type PersonStatus,
  statusOf,
  validCertificates,
} from './eligibility';
import { type HeldCertificate, isForeign } from './held-certificate';
import type { PersonFacts } from './rule-data';
import type { UnixSeconds } from './schema';

export type PassFact =
  | {
      readonly kind: 'vaccination';
      readonly dose: number;
      readonly doses: number;
      /** Date of the last dose, YYYY-MM-DD. */
      readonly date: string;
      readonly product: string;
      readonly certificate: HeldCertificate;
    }
  | {
      readonly kind: 'test';
      readonly testType: 'pcr' | 'antigen';
      readonly result: 'neg' | 'pos';
      readonly sampleTime: UnixSeconds;
      /** Whole hours between sampling and `now` (what a guard compares with "≤ 48 h"). */
      readonly hoursAgo: number;
      readonly certificate: HeldCertificate;
    }
  | { readonly kind: 'recovery'; readonly validUntil: UnixSeconds; readonly certificate: HeldCertificate }
  /** An exposure confirmed on this phone: no certificate behind it, so nothing to put in a QR. */
  | { readonly kind: 'exposure'; readonly at: UnixSeconds };

export interface Pass {
  readonly status: PersonStatus;
  /** In the order the pass lists them: the fact that decides the colour first. */
  readonly facts: readonly PassFact[];
  /**
   * The Singgah certificates behind `facts`, same order, each once: what the pass QR shows (first = deciding).
   * An EU DCC or SMART Health Card behind a fact is not in it: the pass shows its own QR(s) (ui ForeignPassCodes).
   */
  readonly certificates: readonly SignedCertificate[];
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** A DCC or card that counts now and a fact it gives (eligibility countedForeignOf). */
type DccSource = CountedForeign;

function factList(
  facts: PersonFacts,
  valid: readonly SignedCertificate[],
  dccs: readonly DccSource[],
  now: UnixSeconds,
): PassFact[] {
  const out: PassFact[] = [];
  type Fields = SignedCertificate['certificate'] | DccSource['fact'];
  // Singgah certificates first, then DCCs: whichever proved the fact the rules saw.
  const sources: { fields: Fields; certificate: HeldCertificate }[] = [
    ...valid.map((s) => ({ fields: s.certificate, certificate: s })),
    ...dccs.map((d) => ({ fields: d.fact, certificate: d.held })),
  ];
  const find = (pred: (c: Fields) => boolean) => sources.find((s) => pred(s.fields));
  const v = facts.vaccination;
  if (v) {
    const cert = find((c) => c.kind === 'vaccination' && c.dose === v.dose && c.date === v.date);
    if (cert) out.push({ kind: 'vaccination', ...v, certificate: cert.certificate });
  }
  const tests = [
    ['pcr', 'neg', facts.latestNegativePcr],
    ['antigen', 'neg', facts.latestNegativeAntigen],
    ['pcr', 'pos', facts.latestPositive],
  ] as const;
  for (const [testType, result, fact] of tests) {
    if (!fact) continue;
    const sampleTime = seconds(fact.sampleTime);
    // latestPositive covers both test types: take whichever test it came from.
    const cert = find(
      (c) =>
        c.kind === 'test' &&
        c.result === result &&
        c.sampleTime === sampleTime &&
        (result === 'pos' || c.testType === testType),
    );
    if (cert?.fields.kind !== 'test') continue;
    out.push({
      kind: 'test',
      testType: cert.fields.testType,
      result,
      sampleTime,
      hoursAgo: Math.floor((now - sampleTime) / 3600),
      certificate: cert.certificate,
    });
  }
  if (facts.recovery) {
    const validUntil = seconds(facts.recovery.validUntil);
    const cert = find((c) => c.kind === 'recovery' && c.expiresAt === validUntil);
    if (cert) out.push({ kind: 'recovery', validUntil, certificate: cert.certificate });
  }
  if (facts.confirmedExposure) out.push({ kind: 'exposure', at: seconds(facts.confirmedExposure.at) });
  return out;
}

/**
 * Which fact decides the colour, first: for black the positive test or the exposure; otherwise the
 * vaccination, then a recovery, then negative tests (they matter to visitor rules at a venue).
 */
function rank(f: PassFact, black: boolean): number {
  const negative = f.kind === 'test' && f.result === 'neg';
  const blackening = f.kind === 'exposure' || (f.kind === 'test' && f.result === 'pos');
  if (black) return blackening ? 0 : negative ? 3 : f.kind === 'vaccination' ? 2 : 1;
  return f.kind === 'vaccination' ? 0 : f.kind === 'recovery' ? 1 : negative ? 2 : 3;
}

/** The pass of one person at `ctx.now` (their certificates and home region as for decidePerson). */
export function passOf(
  certs: readonly HeldCertificate[],
  homeRegion: string,
  ctx: DecisionContext,
  extras: PersonExtras = {},
): Pass {
  const status = statusOf(certs, homeRegion, ctx, extras);
  if (!status.facts || !ctx.bundle) return { status, facts: [], certificates: [] };
  const valid = validCertificates(certs, ctx.bundle, ctx.now);
  // statusOf gave facts, so the DCCs and cards (if any) were counted: their codecs are there.
  const dccs = countedForeignOf(certs, ctx.bundle, ctx.now) ?? [];
  const black = status.status === 'black';
  const facts = factList(status.facts, valid, dccs, ctx.now).sort((a, b) => rank(a, black) - rank(b, black));
  const certificates: SignedCertificate[] = [];
  for (const f of facts)
    if ('certificate' in f && !isForeign(f.certificate) && !certificates.includes(f.certificate))
      certificates.push(f.certificate);
  return { status, facts, certificates };
}
